"""What the customer analysis reads: the ``[customers]`` spec section, the naming conventions of
its columns, and the per-respondent arrays (satisfaction, loyalty, value, tiers, repeat
behaviour, retention) drawn from a :class:`~csi_cli.survey.Survey`.

Every input is optional: :func:`gather` returns what the file holds and a sentence for each
thing it could not use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from csi_cli.analyses.index import has_model, index_basis, rating_scale
from csi_cli.errors import CsiError, SpecError, safe_text
from csi_cli.methods.binary import parse_binary, reversed_answers
from csi_cli.methods.customers import DEFAULT_TIER_CUTS, PYRAMID_TIERS
from csi_cli.methods.loyalty import default_dissatisfied, default_top_box, to_levels
from csi_cli.options import IndexOptions
from csi_cli.spec import Converter
from csi_cli.survey import Survey, infer_scale
from csi_cli.validate import ERROR, Problem, problem

#: Column names recognised without a spec (compared stripped and case-folded).
VALUE_NAMES = (
    "value", "customer_value", "clv", "spend", "annual_spend", "revenue", "profit", "sales",
    "消费金额", "年消费", "年消费额", "消费额", "客户价值", "营收", "利润",
)  # fmt: skip
TIER_NAMES = (
    "tier", "level", "member_level", "membership", "membership_level", "会员等级", "客户等级",
    "会员级别", "等级",
)  # fmt: skip
REPEAT_NAMES = (
    "purchases", "visits", "orders", "repeat", "repeat_purchases", "tenure", "购买次数", "复购",
    "复购次数", "消费次数", "到店次数", "购买频次",
)  # fmt: skip
RETENTION_NAMES = ("retained", "retention", "renewed", "留存", "是否留存", "续约")
CHURN_NAMES = ("churn", "churned", "流失", "是否流失")
LOYALTY_NAMES = (
    "repurchase", "repurchase_intention", "loyalty", "复购意愿", "再次购买", "回购意愿",
)  # fmt: skip
#: Built-in tier vocabularies, top first: a label's rank is that of the first keyword it
#: contains (so 白金 is platinum before 金 makes it gold).
TIER_KEYWORDS = (
    ("钻", 0), ("diamond", 0), ("铂", 1), ("白金", 1), ("platinum", 1), ("金", 2), ("gold", 2),
    ("银", 3), ("silver", 3), ("铜", 4), ("bronze", 4), ("iron", 4), ("铁", 4), ("lead", 5),
    ("铅", 5), ("普通", 6), ("大众", 6), ("基础", 6), ("regular", 6), ("standard", 6),
    ("basic", 6), ("normal", 6),
)  # fmt: skip
RECOMMEND_SCALE = (0.0, 10.0)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def _labels(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise TypeError(f"expected a list of tier labels, top first, got {value!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"tier labels must be distinct, got {value!r}")
    return tuple(value)


def _cuts(value: Any) -> tuple[float, ...]:
    if not isinstance(value, list) or not value:
        raise TypeError(
            f"expected a list of cumulative shares such as [0.2, 0.5, 0.8], got {value!r}"
        )
    cuts = tuple(_number(v) for v in value)
    if not all(0 < c < 1 for c in cuts) or list(cuts) != sorted(set(cuts)):
        raise ValueError(f"expected increasing shares between 0 and 1, got {value!r}")
    if len(cuts) != len(PYRAMID_TIERS) - 1:
        raise ValueError(
            f"expected {len(PYRAMID_TIERS) - 1} shares (closing "
            f"{', '.join(PYRAMID_TIERS[:-1])}), got {len(cuts)}"
        )
    return cuts


def _answers(value: Any) -> Mapping[str, bool]:
    if not isinstance(value, Mapping) or not all(isinstance(v, bool) for v in value.values()):
        raise TypeError('expected a table "answer text" = true (retained) or false (churned)')
    return MappingProxyType(dict(value))


_CONVERTERS = MappingProxyType(
    {
        "tier_order": _labels,
        "tier_cuts": _cuts,
        "satisfied": _number,
        "loyal": _number,
        "dissatisfied": _number,
        "repeat_min": _number,
        "answers": _answers,
    }
)


@dataclass(frozen=True)
class CustomersSpec:
    """``[customers]``: where value, tiers, repeat behaviour and retention live, and the
    thresholds of the satisfaction × loyalty analysis (levels on each rating's own scale).

    Attributes
    ----------
    value, tier, repeat, retention, churn, satisfaction, loyalty : str or None
        Column names (None: the naming conventions). ``churn`` is a retention column worded
        the other way round (yes = churned).
    tier_order : tuple of str
        The tier column's labels, top first (needed when they are not a known vocabulary).
    tier_cuts : tuple of float
        Cumulative customer shares closing the value tiers platinum, gold, iron (top first).
    satisfied, loyal : float or None
        Lowest level counted as completely satisfied / loyal (default: the top box).
    dissatisfied : float or None
        Highest level counted as dissatisfied (default: the points below the midpoint).
    repeat_min : float or None
        Lowest repeat count that is high patronage (default: above the median).
    answers : mapping of str to bool
        More retention answer texts (text → retained?).
    """

    value: str | None = None
    tier: str | None = None
    tier_order: tuple[str, ...] = ()
    tier_cuts: tuple[float, ...] = DEFAULT_TIER_CUTS
    repeat: str | None = None
    retention: str | None = None
    churn: str | None = None
    satisfaction: str | None = None
    loyalty: str | None = None
    satisfied: float | None = None
    loyal: float | None = None
    dissatisfied: float | None = None
    repeat_min: float | None = None
    answers: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))

    CONVERTERS: ClassVar[Mapping[str, Converter]] = _CONVERTERS


# --- columns ---------------------------------------------------------------------------------


def conventional(columns: Sequence[str], names: Sequence[str]) -> str | None:
    """The first column whose stripped, case-folded name is one of ``names`` (in their order)."""
    folded = {str(c).strip().casefold(): c for c in reversed(list(columns))}
    return next((folded[n.casefold()] for n in names if n.casefold() in folded), None)


@dataclass(frozen=True)
class Columns:
    """The customer columns found in a file (None: absent)."""

    value: str | None
    tier: str | None
    repeat: str | None
    retention: str | None
    churn: bool
    loyalty: str | None
    satisfaction: str | None

    @property
    def used(self) -> tuple[str, ...]:
        """Every column named here."""
        names = (
            self.value,
            self.tier,
            self.repeat,
            self.retention,
            self.loyalty,
            self.satisfaction,
        )
        return tuple(c for c in names if c is not None)


def find_columns(columns: Sequence[str], spec: CustomersSpec) -> Columns:
    """The customer columns: the spec's names, else the naming conventions."""

    def pick(chosen: str | None, names: Sequence[str]) -> str | None:
        return chosen if chosen is not None else conventional(columns, names)

    retention = spec.retention or (None if spec.churn else conventional(columns, RETENTION_NAMES))
    churn = spec.churn or (None if retention else conventional(columns, CHURN_NAMES))
    return Columns(
        value=pick(spec.value, VALUE_NAMES),
        tier=pick(spec.tier, TIER_NAMES),
        repeat=pick(spec.repeat, REPEAT_NAMES),
        retention=retention or churn,
        churn=retention is None and churn is not None,
        loyalty=pick(spec.loyalty, LOYALTY_NAMES),
        satisfaction=spec.satisfaction,
    )


def missing_columns(present: Sequence[str], columns: Columns) -> list[str]:
    """Columns named (by the spec) that the file does not have."""
    return [c for c in columns.used if c not in set(present)]


def tier_order(labels: Sequence[str], spec: CustomersSpec) -> tuple[str, ...] | None:
    """The tier labels top first: the spec's order, else the built-in vocabularies (None when
    some label matches none of them)."""
    if spec.tier_order:
        return spec.tier_order
    ranks = {}
    for label in labels:
        folded = label.casefold()
        rank = next((r for word, r in TIER_KEYWORDS if word in folded), None)
        if rank is None:
            return None
        ranks[label] = rank
    return tuple(sorted(ranks, key=lambda label: (ranks[label], label)))


# --- ratings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    """One respondent rating (satisfaction or loyalty) on its scale, and where it came from."""

    source: str
    scores: np.ndarray
    scale: tuple[float, float]

    @cached_property
    def score100(self) -> np.ndarray:
        """The scores on 0–100."""
        low, high = self.scale
        return 100 * (self.scores - low) / (high - low)

    @cached_property
    def levels(self) -> np.ndarray:
        """The scores as scale points."""
        return to_levels(self.scores, self.scale)


def csi_scores(survey: Survey, options: IndexOptions) -> dict[str, np.ndarray]:
    """Each CSI construct's respondent score on the items' scale: ``Σ w̃ₖ xₖ`` with the index's
    outer weights on the raw scale (summing to 1 per block: PLS, or equal for the weighted
    method), whose mean is the construct's index (Fornell et al. 1996). A respondent missing an
    item of a block has no score for it."""
    basis = index_basis(survey, options)
    model = basis.model
    ratings = survey.ratings(model.items)
    scores = (np.nan_to_num(ratings) * basis.weights) @ model.membership
    answered = (~np.isnan(ratings)).astype(float) @ model.membership
    scores = np.where(answered == model.membership.sum(axis=0), scores, np.nan)
    return {name: scores[:, j] for j, name in enumerate(model.constructs)}


def column_rating(survey: Survey, column: str, scale: tuple[float, float] | None = None) -> Rating:
    """A rating column on its scale (given, or inferred from its answers)."""
    scores = survey.numeric(column)
    scale = scale or infer_scale(scores)
    if scale is None:
        raise SpecError(
            f"{survey.source.name}, column {safe_text(column)}: its answers fit no usual "
            "rating scale (1–5, 1–7, 1–10, 0–10), so it cannot be read as a rating."
        )
    return Rating(column, scores, scale)


@dataclass(frozen=True)
class Thresholds:
    """Levels that split a rating: completely satisfied / loyal from, dissatisfied up to."""

    top_box: float
    width: float
    dissatisfied: float


def thresholds(rating: Rating, top: float | None, low: float | None) -> Thresholds:
    """The spec's thresholds, else the defaults of :mod:`csi_cli.methods.loyalty`."""
    top_box = default_top_box(rating.scale) if top is None else top
    return Thresholds(
        top_box=top_box,
        width=rating.scale[1] - top_box + 1,
        dissatisfied=default_dissatisfied(rating.scale) if low is None else low,
    )


# --- everything ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """Per-respondent arrays of one survey (None: not available) and what was skipped."""

    n: int
    satisfaction: Rating | None = None
    loyalty: Rating | None = None
    recommend: np.ndarray | None = None
    value: np.ndarray | None = None
    value_column: str | None = None
    tier_labels: np.ndarray | None = None
    tier_names: tuple[str, ...] = ()
    tier_column: str | None = None
    repeat: np.ndarray | None = None
    repeat_column: str | None = None
    retained: np.ndarray | None = None
    retention_column: str | None = None
    skipped: tuple[str, ...] = ()


def gather(
    survey: Survey, spec: CustomersSpec, index_options: IndexOptions | None = None
) -> Inputs:
    """Read every customer input the survey holds; say what was skipped and why."""
    columns = find_columns(list(survey.frame.columns), spec)
    skipped: list[str] = []
    csi = _csi_ratings(survey, index_options or IndexOptions(), skipped)
    layout = survey.layout
    satisfaction = _satisfaction(survey, columns, csi, skipped)
    recommend = survey.numeric(layout.nps) if layout.nps else None
    loyalty = _loyalty(survey, columns, csi, skipped)
    parts: dict[str, Any] = {}
    if columns.value:
        parts.update(value=survey.numeric(columns.value), value_column=columns.value)
    else:
        skipped.append(
            "No value column (spend, revenue, 年消费, …, or [customers] value): no "
            "pyramid from value, concentration or value at risk."
        )
    if columns.tier:
        labels = survey.text(columns.tier).to_numpy(dtype=object, na_value=None)
        parts.update(
            tier_labels=labels,
            tier_column=columns.tier,
            tier_names=tier_names(survey, columns.tier, labels, spec),
        )
    if columns.repeat:
        parts.update(repeat=survey.numeric(columns.repeat), repeat_column=columns.repeat)
    else:
        skipped.append(
            "No repeat-behaviour column (purchases, visits, 购买次数, … or "
            "[customers] repeat): no Dick & Basu loyalty cells."
        )
    if columns.retention:
        parts.update(
            retained=retention(survey, columns.retention, columns.churn, spec)[0],
            retention_column=columns.retention,
        )
    else:
        skipped.append(
            "No retention column (retained, churn, 留存, … or [customers] "
            "retention): no retention model."
        )
    return Inputs(
        n=survey.n,
        satisfaction=satisfaction,
        loyalty=loyalty,
        recommend=recommend,
        skipped=tuple(skipped),
        **parts,
    )


def tier_names(
    survey: Survey, column: str, labels: np.ndarray, spec: CustomersSpec
) -> tuple[str, ...]:
    """The tier column's labels, top first.

    Raises
    ------
    SpecError
        Labels outside ``tier_order``, or labels of no known vocabulary and no ``tier_order``.
    """
    present = sorted({str(v) for v in labels if v is not None})
    order = tier_order(present, spec)
    shown = ", ".join(f'"{safe_text(v, 30)}"' for v in present[:8])
    if order is None:
        raise SpecError(
            f"{survey.source.name}, column {safe_text(column)}: cannot tell the order of the "
            f"tiers {shown}. List them top first: [customers] tier_order = [{shown}]."
        )
    unknown = [v for v in present if v not in order]
    if unknown:
        raise SpecError(
            f"{survey.source.name}, column {safe_text(column)}: tier(s) "
            f"{', '.join(repr(v) for v in unknown[:5])} are not in [customers] tier_order. "
            "Add them there, or correct the cells."
        )
    return tuple(order)


def retention(
    survey: Survey, column: str, churn: bool, spec: CustomersSpec
) -> tuple[np.ndarray, np.ndarray]:
    """1.0 retained, 0.0 churned, NaN blank — and the mask of unrecognised answers."""
    extra = {**(reversed_answers() if churn else {}), **spec.answers}
    return parse_binary(survey.frame[column], extra, survey.spec.survey.missing)


def _csi_ratings(survey: Survey, options: IndexOptions, skipped: list[str]) -> dict[str, Rating]:
    if not has_model(survey):
        return {}
    try:
        scores = csi_scores(survey, options)
        scale = rating_scale(survey)
    except CsiError as exc:
        skipped.append(f"CSI respondent scores unavailable ({exc}); other ratings used.")
        return {}
    method = "PLS" if options.method == "pls" else "weighted"
    return {name: Rating(f"CSI {name} score ({method})", s, scale) for name, s in scores.items()}


def _satisfaction(
    survey: Survey, columns: Columns, csi: dict[str, Rating], skipped: list[str]
) -> Rating | None:
    if columns.satisfaction:
        return column_rating(survey, columns.satisfaction)
    target = survey.spec.csi.target
    if target in csi:
        return csi[target]
    if survey.layout.overall:
        return column_rating(survey, survey.layout.overall)
    skipped.append(
        "No satisfaction (no CSI model, no overall rating, no [customers] "
        "satisfaction): no tiers' satisfaction, quadrants or retention model."
    )
    return None


def _loyalty(
    survey: Survey, columns: Columns, csi: dict[str, Rating], skipped: list[str]
) -> Rating | None:
    if columns.loyalty:
        return column_rating(survey, columns.loyalty)
    if "LOY" in csi:
        return csi["LOY"]
    if survey.layout.nps:
        return column_rating(survey, survey.layout.nps, RECOMMEND_SCALE)
    skipped.append(
        "No loyalty (no LOY block, repurchase or recommend question): no quadrants "
        "or loyalty curve."
    )
    return None


# --- validation ------------------------------------------------------------------------------

#: Problem codes of the customer inputs and what they mean.
PROBLEM_CODES = MappingProxyType(
    {
        "unknown-retention-answer": "a retention answer is neither a retained nor a churned "
        "wording",
        "tier-order": "the tier labels' order is unknown, or a label is not in tier_order",
    }
)


def check(survey: Survey, spec: CustomersSpec) -> list[Problem]:
    """Problems of the customer columns: unrecognised retention answers and tiers without an
    order (text in value and repeat columns is checked with the ratings: they are
    ``rating_columns`` without a scale)."""
    columns = find_columns(list(survey.frame.columns), spec)
    present = set(survey.frame.columns)
    problems = [
        problem(
            survey,
            "missing-column",
            "customers",
            f"[customers] names column "
            f"'{safe_text(name)}', which the file does not have. Correct the spec or the "
            "file's header.",
            column=name,
        )
        for name in missing_columns(list(present), columns)
    ]
    if columns.retention in present:
        unknown = retention(survey, columns.retention, columns.churn, spec)[1]
        if unknown.any():
            problems.append(
                problem(
                    survey,
                    "unknown-retention-answer",
                    "customers",
                    "holds answers that are neither retained nor churned (留存/流失, "
                    "retained/churned, 是/否, yes/no, 1/0). Correct them, or map them in the "
                    'spec: [customers.answers] "text" = true (retained) or false.',
                    column=columns.retention,
                    mask=unknown,
                )
            )
    if columns.tier in present:
        labels = survey.text(columns.tier).to_numpy(dtype=object, na_value=None)
        try:
            tier_names(survey, columns.tier, labels, spec)
        except SpecError as exc:
            problems.append(Problem("tier-order", ERROR, "customers", str(exc), columns.tier))
    return problems
