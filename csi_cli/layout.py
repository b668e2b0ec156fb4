"""Which columns feed which analysis: the naming conventions of docs/spec.md, or the spec.

The layout is built from column names alone (plus, for rating scales, a function that reads the
observed range); it knows nothing of statistics. Columns the spec names but the file lacks are
recorded in ``Layout.missing`` for validation to report, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from csi_cli.spec import CONSTRUCTS, Spec

#: Predecessors of each construct (docs/spec.md, "Models").
ACSI_PATHS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "QUAL": ("EXPE",),
        "VAL": ("EXPE", "QUAL"),
        "SAT": ("EXPE", "QUAL", "VAL"),
        "COMP": ("SAT",),
        "LOY": ("SAT", "COMP"),
    }
)
ECSI_PATHS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "EXPE": ("IMAG",),
        "QUAL": ("EXPE",),
        "VAL": ("EXPE", "QUAL"),
        "SAT": ("IMAG", "EXPE", "QUAL", "VAL"),
        "COMP": ("SAT",),
        "LOY": ("IMAG", "SAT", "COMP"),
    }
)
CCSI_PATHS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "EXPE": ("IMAG",),
        "QUAL": ("EXPE",),
        "VAL": ("EXPE", "QUAL"),
        "SAT": ("IMAG", "EXPE", "QUAL", "VAL"),
        "LOY": ("IMAG", "SAT"),
    }
)
MODEL_PATHS = {"acsi": ACSI_PATHS, "ecsi": ECSI_PATHS, "ccsi": CCSI_PATHS}
MODEL_CONSTRUCTS = {
    "acsi": ("EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY"),
    "ecsi": CONSTRUCTS,
    "ccsi": ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "LOY"),
}

#: The standard SERVQUAL grouping of Q1..Q22 (Parasuraman, Zeithaml & Berry 1988).
SERVQUAL22: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Tangibles": tuple(f"Q{i}" for i in range(1, 5)),
        "Reliability": tuple(f"Q{i}" for i in range(5, 10)),
        "Responsiveness": tuple(f"Q{i}" for i in range(10, 14)),
        "Assurance": tuple(f"Q{i}" for i in range(14, 18)),
        "Empathy": tuple(f"Q{i}" for i in range(18, 23)),
    }
)

NPS_NAMES = ("nps", "recommend")
OVERALL_NAMES = ("overall",)
DATE_NAMES = ("date", "month", "period", "日期", "月份")
ID_NAMES = ("id", "resp_id", "respondent_id", "respondent", "response_id", "编号")

_CONSTRUCT_ITEM = re.compile(r"^(" + "|".join(CONSTRUCTS) + r")(\d+)$", re.IGNORECASE)

ScaleReader = Callable[[Sequence[str]], tuple[float, float] | None]


@dataclass(frozen=True)
class KanoPair:
    """One Kano attribute: its functional and dysfunctional question columns."""

    attribute: str
    functional: str
    dysfunctional: str
    importance: str | None = None
    performance: str | None = None


@dataclass(frozen=True)
class GapItem:
    """One SERVQUAL-style item: expectation and perception columns (plus optional levels)."""

    item: str
    expectation: str
    perception: str
    minimum: str | None = None
    desired: str | None = None
    importance: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column of the item that is present."""
        cols = (self.expectation, self.perception, self.minimum, self.desired, self.importance)
        return tuple(c for c in cols if c is not None)


@dataclass(frozen=True)
class MissingColumn:
    """A column the spec names that the file does not have."""

    column: str
    where: str


@dataclass(frozen=True)
class Layout:
    """The analyses a file supports and the columns behind each."""

    csi_blocks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    csi_model: str | None = None
    csi_paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    csi_scale: tuple[float, float] | None = None
    kano: tuple[KanoPair, ...] = ()
    gap: tuple[GapItem, ...] = ()
    gap_dimensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    gap_scale: tuple[float, float] | None = None
    nps: str | None = None
    overall: str | None = None
    date: str | None = None
    id: str | None = None
    segments: tuple[str, ...] = ()
    missing: tuple[MissingColumn, ...] = ()
    csi_problem: str | None = None

    @property
    def csi_columns(self) -> tuple[str, ...]:
        """Every CSI item column, block by block."""
        return tuple(c for cols in self.csi_blocks.values() for c in cols)

    @property
    def rating_columns(self) -> tuple[str, ...]:
        """Every column read as a number (CSI items, gap levels, importance, NPS, overall)."""
        columns = list(self.csi_columns)
        columns += [c for item in self.gap for c in item.columns]
        columns += [c for p in self.kano for c in (p.importance, p.performance) if c]
        columns += [c for c in (self.nps, self.overall) if c]
        return tuple(dict.fromkeys(columns))


def resolve_layout(
    columns: Sequence[str],
    spec: Spec,
    read_scale: ScaleReader,
    questions: Mapping[str, str] | None = None,
) -> Layout:
    """Find every analysis's columns by the spec, falling back on the naming conventions.

    Spec globs (``*``, ``?``) and ``{attr}``/``{item}`` patterns match a column's name or,
    where the file states it apart from the name (Qualtrics), its question text.

    Parameters
    ----------
    columns : sequence of str
        The file's header, in order.
    spec : Spec
        The survey spec (``Spec()`` for conventions only).
    read_scale : callable
        Given columns, returns the rating scale inferred from their values (or None).
    questions : mapping of str to str, optional
        Column → question text, where the file states it apart from the name.
    """
    present = _Columns(columns, questions or {})
    missing: list[MissingColumn] = []
    blocks = _csi_blocks(present, spec, missing)
    model, paths, problem = _csi_model(blocks, spec)
    gap = _gap_items(present, spec)
    kano = _kano_pairs(present, spec)
    _unmatched_patterns(spec, bool(kano), bool(gap), missing)
    csi_scale = spec.survey.scale or (read_scale(_flatten(blocks)) if blocks else None)
    gap_cols = [c for item in gap for c in (item.expectation, item.perception)]
    return Layout(
        csi_blocks=MappingProxyType(blocks),
        csi_model=model,
        csi_paths=MappingProxyType(paths),
        csi_scale=csi_scale,
        kano=kano,
        gap=gap,
        gap_dimensions=MappingProxyType(_gap_dimensions(gap, spec, missing)),
        gap_scale=spec.gap.scale or (read_scale(gap_cols) if gap else None),
        nps=_named(present, spec.survey.nps, NPS_NAMES, "[survey] nps", missing),
        overall=_named(present, spec.survey.overall, OVERALL_NAMES, "[survey] overall", missing),
        date=_named(present, spec.survey.date, DATE_NAMES, "[survey] date", missing),
        id=_named(present, spec.survey.id, ID_NAMES, "[survey] id", missing),
        segments=tuple(_existing(present, spec.survey.segments, "[survey] segments", missing)),
        missing=tuple(missing),
        csi_problem=problem,
    )


def _flatten(blocks: Mapping[str, Sequence[str]]) -> list[str]:
    return [c for cols in blocks.values() for c in cols]


def _existing(present: list[str], names: Sequence[str], where: str, missing: list) -> list[str]:
    found = []
    for name in names:
        if name in present:
            found.append(name)
        else:
            missing.append(MissingColumn(name, where))
    return found


def _named(
    present: list[str], chosen: str | None, conventional: Sequence[str], where: str, missing: list
) -> str | None:
    if chosen is not None and _is_glob(chosen) and chosen not in present:
        matched = present.glob(chosen)
        if not matched:
            missing.append(MissingColumn(chosen, where))
        return matched[0] if matched else None
    if chosen is not None:
        return chosen if _existing(present, [chosen], where, missing) else None
    lowered = {c.strip().lower(): c for c in reversed(present)}
    return next((lowered[n] for n in conventional if n in lowered), None)


def _csi_blocks(present: list[str], spec: Spec, missing: list) -> dict[str, tuple[str, ...]]:
    if spec.csi.blocks:
        return {
            construct: tuple(_block_columns(present, construct, member, missing))
            for construct, member in spec.csi.blocks.items()
        }
    found: dict[str, list[tuple[int, str]]] = {}
    for column in present:
        match = _CONSTRUCT_ITEM.match(column.strip())
        if match:
            found.setdefault(match.group(1).upper(), []).append((int(match.group(2)), column))
    return {
        construct: tuple(c for _, c in sorted(found[construct]))
        for construct in CONSTRUCTS
        if construct in found
    }


def _block_columns(
    present: list[str], construct: str, member: tuple[str, ...] | str, missing: list
) -> list[str]:
    if isinstance(member, str):
        matched = present.glob(member)
        if not matched:
            missing.append(MissingColumn(member, f"[csi.blocks] {construct}"))
        return matched
    found: list[str] = []
    for name in member:  # a list may mix column names and globs
        if _is_glob(name) and name not in present:
            matched = present.glob(name)
            if not matched:
                missing.append(MissingColumn(name, f"[csi.blocks] {construct}"))
            found += [c for c in matched if c not in found]
        else:
            found += _existing(present, [name], f"[csi.blocks] {construct}", missing)
    return found


def _csi_model(
    blocks: Mapping[str, tuple[str, ...]], spec: Spec
) -> tuple[str | None, dict[str, tuple[str, ...]], str | None]:
    """The model name, its paths (construct → predecessors) and, if none fits, why not."""
    have = {c for c, cols in blocks.items() if cols}
    if not have:
        return None, {}, None
    model = spec.csi.model or _model_from_blocks(have)
    if model is None:
        return (
            None,
            {},
            (
                f"the CSI blocks found ({', '.join(sorted(have))}) match neither ACSI, ECSI nor "
                'CCSI; add [csi] model = "custom" with [csi.paths] to the spec'
            ),
        )
    if model == "custom":
        if not spec.csi.paths:
            return None, {}, '[csi] model = "custom" needs [csi.paths]'
        paths = dict(spec.csi.paths)
    else:
        paths = dict(MODEL_PATHS[model])
    needed = set(paths) | {p for preds in paths.values() for p in preds}
    lacking = sorted(needed - have)
    if lacking:
        return (
            None,
            {},
            (
                f"the {model.upper()} model needs blocks {', '.join(lacking)}, which the file does "
                "not have; name their columns in [csi.blocks] or choose another [csi] model"
            ),
        )
    return model, paths, None


def _model_from_blocks(have: set[str]) -> str | None:
    for model in ("ecsi", "acsi", "ccsi"):
        if have == set(MODEL_CONSTRUCTS[model]):
            return model
    return None


def _pattern_regex(pattern: str, key: str) -> re.Pattern[str]:
    head, _, tail = pattern.partition("{" + key + "}")
    return re.compile(f"^{_wild(head)}(?P<key>.+?){_wild(tail)}$", re.IGNORECASE | re.DOTALL)


def _wild(text: str) -> str:
    """Regex of literal text in which ``*`` is any run of characters and ``?`` one."""
    return ".*?".join(".".join(re.escape(p) for p in part.split("?")) for part in text.split("*"))


def _is_glob(text: str) -> bool:
    return "*" in text or "?" in text


def _match_keys(present: _Columns, pattern: str, key: str) -> dict[str, str]:
    """Map each key (attribute or item) to the column that matches ``pattern`` (by its name
    or its question text)."""
    regex = _pattern_regex(pattern, key)
    found: dict[str, str] = {}
    for column in present:
        for text in present.texts(column):
            match = regex.match(text.strip())
            if match:
                found.setdefault(match.group("key").strip(), column)
                break
    return found


def _unmatched_patterns(spec: Spec, kano: bool, gap: bool, missing: list) -> None:
    """A spec's own Kano or gap patterns that pair no columns are errors, never ignored."""
    defaults = type(spec)()
    for section, found, keys in (
        ("kano", kano, ("functional", "dysfunctional")),
        ("gap", gap, ("expectation", "perception")),
    ):
        given = [
            k
            for k in keys
            if getattr(getattr(spec, section), k) != getattr(getattr(defaults, section), k)
        ]
        if given and not found:
            patterns = " / ".join(repr(getattr(getattr(spec, section), k)) for k in keys)
            missing.append(MissingColumn(f"a pair of columns matching {patterns}", f"[{section}]"))


class _Columns(list):
    """The file's column names, with the question text of each where the file gives one."""

    def __init__(self, columns: Sequence[str], questions: Mapping[str, str]) -> None:
        super().__init__(columns)
        self.questions = questions

    def texts(self, column: str) -> tuple[str, ...]:
        """The column's name, then its question text if it has one."""
        question = self.questions.get(column)
        return (column, question) if question else (column,)

    def glob(self, pattern: str) -> list[str]:
        """Columns whose name or question text matches a glob (any case; ``*`` any run of
        characters, ``?`` one; brackets are literal, as in Google Forms grid headers)."""
        regex = re.compile(f"^{_wild(pattern)}$", re.IGNORECASE | re.DOTALL)
        return [c for c in self if any(regex.match(t.strip()) for t in self.texts(c))]


def _kano_pairs(present: _Columns, spec: Spec) -> tuple[KanoPair, ...]:
    k = spec.kano
    functional = _match_keys(present, k.functional, "attr")
    dysfunctional = _match_keys(present, k.dysfunctional, "attr")
    importance = _match_keys(present, k.importance, "attr")
    performance = _match_keys(present, k.performance, "attr")
    return tuple(
        KanoPair(
            attribute=attr,
            functional=functional[attr],
            dysfunctional=dysfunctional[attr],
            importance=importance.get(attr),
            performance=performance.get(attr),
        )
        for attr in functional
        if attr in dysfunctional
    )


def _gap_items(present: _Columns, spec: Spec) -> tuple[GapItem, ...]:
    g = spec.gap
    expectation = _match_keys(present, g.expectation, "item")
    perception = _match_keys(present, g.perception, "item")
    optional = {
        name: _match_keys(present, getattr(g, name), "item")
        for name in ("minimum", "desired", "importance")
    }
    items = [
        GapItem(
            item=item,
            expectation=expectation[item],
            perception=perception[item],
            **{name: found.get(item) for name, found in optional.items()},
        )
        for item in expectation
        if item in perception
    ]
    return tuple(sorted(items, key=_questionnaire_order(items)))


def _questionnaire_order(items: Sequence[GapItem]):
    """Sort key: numbered items (Q2 before Q10) in natural order, then the others in the
    file's order, which is the questionnaire's."""
    position = {item.item: k for k, item in enumerate(items)}

    def key(item: GapItem) -> tuple:
        if re.search(r"\d", item.item):
            return (0, _natural_key(item.item))
        return (1, position[item.item])

    return key


def _natural_key(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text))


def _gap_dimensions(
    items: tuple[GapItem, ...], spec: Spec, missing: list
) -> dict[str, tuple[str, ...]]:
    names = [i.item for i in items]
    dimensions = spec.gap.dimensions
    if dimensions is None:
        if {n.upper() for n in names} >= {f"Q{i}" for i in range(1, 23)}:
            dimensions = "servqual22"
        else:
            return {}
    if dimensions == "servqual22":
        by_upper = {n.upper(): n for n in names}
        grouped = {}
        for dim, members in SERVQUAL22.items():
            for member in members:
                if member not in by_upper:
                    missing.append(MissingColumn(f"{member}_E/_P", "[gap] dimensions = servqual22"))
            grouped[dim] = tuple(by_upper[m] for m in members if m in by_upper)
        return grouped
    grouped = {}
    for dim, members in dimensions.items():
        for member in members:
            if member not in names:
                missing.append(
                    MissingColumn(
                        f"{member} (expectation/perception pair)", f"[gap.dimensions] {dim}"
                    )
                )
        grouped[dim] = tuple(m for m in members if m in names)
    return grouped
