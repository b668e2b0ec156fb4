"""The survey spec (TOML, survey-spec.md §3) as frozen dataclasses, and its draft from a file.

Every key is optional; an unknown key is an error (a misspelt key must never be silently
ignored). Extensions beyond the contract are documented in ``docs/spec.md``.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from csi_cli.errors import PATH_LIMIT, SpecError, safe_text
from csi_cli.options import KANO_RULES, KANO_TABLES, SCHEMES

CONSTRUCTS = ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY")
MODELS = ("acsi", "ecsi", "ccsi", "custom")


def construct_name(name: str) -> str:
    """A construct's name: the standard codes (IMAG, EXPE, QUAL, VAL, SAT, COMP, LOY) in any
    case become upper case; a custom construct keeps the spelling the spec gives it."""
    return name.upper() if name.upper() in CONSTRUCTS else name


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


Converter = Callable[[Any], Any]


def load_spec(path: Path) -> Spec:
    """Read and check a TOML spec file.

    Raises
    ------
    SpecError
        When the file is missing, is not valid TOML, has an unknown section or key, or a value
        of the wrong kind. The message names the file, the key and what to write instead.
    """
    shown = safe_text(path, PATH_LIMIT)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise SpecError(f"spec file not found: {shown}. Check the --spec path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(
            f"cannot read spec {shown}: {safe_text(exc)}. Save it as UTF-8 text."
        ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"spec {shown} is not valid TOML: {exc}. Fix the syntax there.") from None
    return parse_spec(raw, source=shown, path=path)


def parse_spec(raw: Mapping[str, Any], *, source: str = "spec", path: Path | None = None) -> Spec:
    """Build a :class:`Spec` from parsed TOML, rejecting unknown sections and keys."""
    types = section_types()
    unknown = sorted(set(raw) - set(types))
    if unknown:
        raise SpecError(
            f"{source}: unknown section [{unknown[0]}]; known sections: "
            f"{', '.join(f'[{s}]' for s in types)}."
        )
    sections = {name: parse_section(name, types[name], raw[name], source) for name in raw}
    survey = sections.pop("survey", SurveySpec())
    return Spec(survey=survey, sections=_frozen(sections), path=path)


def parse_section(name: str, cls: type, raw: Any, source: str) -> Any:
    """One section: a table whose keys are ``cls``'s fields, each checked by
    ``cls.CONVERTERS[key]`` (text when it has none); ``cls.prepare(raw)``, when defined,
    rewrites the raw table first."""
    if not isinstance(raw, Mapping):
        raise SpecError(f"{source}: [{name}] must be a table of keys.")
    raw = dict(raw)
    if hasattr(cls, "prepare"):
        raw = cls.prepare(raw)
    known = {f.name for f in fields(cls)}
    for key in raw:
        if key not in known:
            raise SpecError(
                f"{source}: unknown key '{key}' in [{name}]; known keys: "
                f"{', '.join(sorted(known))}."
            )
    converters = getattr(cls, "CONVERTERS", {})
    values = {key: _convert(name, key, value, source, converters) for key, value in raw.items()}
    return cls(**values)


def _convert(
    section: str, key: str, value: Any, source: str, converters: Mapping[str, Converter]
) -> Any:
    where = f"{source}: [{section}] {key}"
    converter = converters.get(key)
    try:
        return converter(value) if converter else expect_str(value)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{where}: {exc}") from None


def expect_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise TypeError(f"expected a list of texts, got {value!r}")
    return tuple(str(v) for v in value)


def scale_pair(value: Any) -> tuple[float, float]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        or not value[0] < value[1]
    ):
        raise ValueError(f"expected [min, max] with min < max, got {value!r}")
    return float(value[0]), float(value[1])


def choice(options: tuple[str, ...]):
    def convert(value: Any) -> str:
        text = expect_str(value).lower()
        if text not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {value!r}")
        return text

    return convert


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def positive_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"expected a whole number ≥ 1, got {value!r}")
    return value


def positive_float(value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"expected a positive number, got {value!r}")
    return float(value)


def column_pattern(value: Any) -> str:
    text = expect_str(value)
    if "{attr}" not in text and "{item}" not in text:
        raise ValueError(f"a column pattern needs {{attr}} or {{item}}, got {value!r}")
    return text


def _modes(value: Any) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError('expected a table construct = "A" or "B"')
    modes = {}
    for construct, mode in value.items():
        if str(mode).upper() not in ("A", "B"):
            raise ValueError(f'mode of {construct} must be "A" or "B", got {mode!r}')
        modes[construct_name(construct)] = str(mode).upper()
    return _frozen(modes)


def _blocks(value: Any) -> Mapping[str, tuple[str, ...] | str]:
    if not isinstance(value, Mapping):
        raise TypeError('expected a table construct = [columns] or "glob*"')
    return _frozen(
        {construct_name(k): v if isinstance(v, str) else str_list(v) for k, v in value.items()}
    )


def _paths(value: Any) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise TypeError("expected a table construct = [predecessors]")
    return _frozen(
        {construct_name(k): tuple(construct_name(p) for p in str_list(v)) for k, v in value.items()}
    )


def _weights(value: Any) -> Mapping[str, float]:
    if not isinstance(value, Mapping):
        raise TypeError("expected a table construct = weight")
    return _frozen({construct_name(k): positive_float(v) for k, v in value.items()})


def _answers(value: Any) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise TypeError('expected a table "answer text" = 1..5')
    for text, code in value.items():
        if not isinstance(code, int) or isinstance(code, bool) or not 1 <= code <= 5:
            raise ValueError(f"answer {text!r} must map to a code 1..5, got {code!r}")
    return _frozen(dict(value))


def _dimensions(value: Any) -> str | Mapping[str, tuple[str, ...]]:
    if isinstance(value, str):
        if value.lower() != "servqual22":
            raise ValueError(f'expected "servqual22" or a table of dimensions, got {value!r}')
        return "servqual22"
    if not isinstance(value, Mapping):
        raise TypeError('expected "servqual22" or a table dimension = [items]')
    return _frozen({k: str_list(v) for k, v in value.items()})


@dataclass(frozen=True)
class SurveySpec:
    """``[survey]``: where the data is and how to read it."""

    sheet: str | None = None
    id: str | None = None
    date: str | None = None
    segments: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    scale: tuple[float, float] | None = None
    header_row: int | None = None
    nps: str | None = None
    overall: str | None = None

    CONVERTERS: ClassVar[Mapping[str, Converter]] = MappingProxyType(
        {"segments": str_list, "missing": str_list, "header_row": positive_int, "scale": scale_pair}
    )


@dataclass(frozen=True)
class CsiSpec:
    """``[csi]``: the structural model and how PLS estimates it."""

    model: str | None = None
    scheme: str = "path"
    scaled: bool = True
    target: str = "SAT"
    modes: Mapping[str, str] = field(default_factory=_frozen)
    blocks: Mapping[str, tuple[str, ...] | str] = field(default_factory=_frozen)
    paths: Mapping[str, tuple[str, ...]] = field(default_factory=_frozen)
    weights: Mapping[str, float] = field(default_factory=_frozen)
    tolerance: float = 1e-7
    max_iter: int = 300

    CONVERTERS: ClassVar[Mapping[str, Converter]] = MappingProxyType(
        {
            "model": choice(MODELS),
            "scheme": choice(SCHEMES),
            "scaled": boolean,
            "target": lambda v: construct_name(expect_str(v)),
            "modes": _modes,
            "blocks": _blocks,
            "paths": _paths,
            "weights": _weights,
            "tolerance": positive_float,
            "max_iter": positive_int,
        }
    )

    @staticmethod
    def prepare(raw: dict[str, Any]) -> dict[str, Any]:
        """The contract's own example puts ``target`` after the ``[csi.modes]`` header, where
        TOML files it under modes; accept it there as the target it is meant to be."""
        if isinstance(raw.get("modes"), Mapping) and "target" in raw["modes"]:
            modes = dict(raw["modes"])
            raw.setdefault("target", modes.pop("target"))
            raw["modes"] = modes
        return raw


@dataclass(frozen=True)
class KanoSpec:
    """``[kano]``: how functional/dysfunctional pairs are named and classified."""

    functional: str = "{attr}_func"
    dysfunctional: str = "{attr}_dysf"
    importance: str = "{attr}_imp"
    performance: str = "{attr}_perf"
    table: str = "standard"
    rule: str = "mode"
    answers: Mapping[str, int] = field(default_factory=_frozen)

    CONVERTERS: ClassVar[Mapping[str, Converter]] = MappingProxyType(
        {
            "functional": column_pattern,
            "dysfunctional": column_pattern,
            "importance": column_pattern,
            "performance": column_pattern,
            "table": choice(KANO_TABLES),
            "rule": choice(KANO_RULES),
            "answers": _answers,
        }
    )


@dataclass(frozen=True)
class GapSpec:
    """``[gap]``: how expectation/perception pairs are named and grouped."""

    expectation: str = "{item}_E"
    perception: str = "{item}_P"
    minimum: str = "{item}_MIN"
    desired: str = "{item}_DES"
    importance: str = "{item}_I"
    scale: tuple[float, float] | None = None
    dimensions: str | Mapping[str, tuple[str, ...]] | None = None

    CONVERTERS: ClassVar[Mapping[str, Converter]] = MappingProxyType(
        {
            **dict.fromkeys(
                ("expectation", "perception", "minimum", "desired", "importance"), column_pattern
            ),
            "scale": scale_pair,
            "dimensions": _dimensions,
        }
    )


@dataclass(frozen=True)
class Spec:
    """The whole spec; ``Spec()`` is the conventions-only default.

    ``[survey]`` is :attr:`survey`; every other section belongs to an analysis (its
    ``Analysis.section`` and ``spec_type``) and is read as an attribute, ``spec.csi``,
    ``spec.kano`` …: the section as written, or its defaults when the file has none.
    """

    survey: SurveySpec = field(default_factory=SurveySpec)
    sections: Mapping[str, Any] = field(default_factory=_frozen)
    path: Path | None = None

    def section(self, name: str) -> Any:
        """Section ``[name]`` as written, else its defaults."""
        if name in self.sections:
            return self.sections[name]
        return section_types()[name]()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in section_types():
            raise AttributeError(name)
        return self.section(name)


def section_types() -> dict[str, type]:
    """Spec section name → its frozen dataclass: ``[survey]`` and every analysis' section."""
    from csi_cli.analyses import registered

    types: dict[str, type] = {"survey": SurveySpec}
    types |= {a.section: a.spec_type for a in registered() if a.section and a.spec_type}
    return types


def with_overrides(spec: Spec, **sections: Mapping[str, Any]) -> Spec:
    """Return ``spec`` with command-line overrides applied, e.g. ``kano={"rule": "aom"}``.

    ``None`` values are ignored (the option was not given).
    """
    changes = {}
    for name, values in sections.items():
        given = {k: v for k, v in values.items() if v is not None}
        if given:
            changes[name] = replace(spec.section(name), **given)
    if not changes:
        return spec
    survey = changes.pop("survey", spec.survey)
    return replace(spec, survey=survey, sections=_frozen({**spec.sections, **changes}))


# --- drafting a spec from a file (csi init) -------------------------------------------------


def _toml(value: Any) -> str:
    """A TOML literal for a str, number, bool or list of them (JSON strings are TOML strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    # TOML allows no raw DEL in a string; JSON leaves it unescaped.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(name: str) -> str:
    bare = (
        name.replace("_", "").replace("-", "").isascii()
        and name.replace("_", "").replace("-", "").isalnum()
    )
    return name if bare else _toml(name)


def render_toml(document: Mapping[str, Mapping[str, Any]]) -> str:
    """Serialise a two-level spec document (sections with scalar/list/table values) to TOML."""
    lines: list[str] = []
    for section, values in document.items():
        scalars = {k: v for k, v in values.items() if not isinstance(v, Mapping)}
        tables = {k: v for k, v in values.items() if isinstance(v, Mapping)}
        lines.append(f"[{section}]")
        lines.extend(f"{_key(k)} = {_toml(v)}" for k, v in scalars.items())
        for name, table in tables.items():
            lines.append("")
            lines.append(f"[{section}.{_key(name)}]")
            lines.extend(f"{_key(k)} = {_toml(v)}" for k, v in table.items())
        lines.append("")
    return "\n".join(lines)
