"""Every problem of a survey in one pass, as data (not the first exception).

Each :class:`Problem` has a stable ``code``, a severity, the analysis it concerns, the column and
the file rows (first few plus a count), and a message that says what to do. Commands validate
first and stop (exit 2) on errors that concern what they run; ``csi validate`` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csi_cli.errors import safe_text
from csi_cli.labels import (
    distinct_counts,
    missing_codes_beyond,
    missing_line,
    toml_key,
    unknown_labels_advice,
)
from csi_cli.results import plain
from csi_cli.survey import Survey

ERROR = "error"
WARNING = "warning"

#: Codes and what they mean (docs/validation.md lists them with examples).
CODES = {
    "no-respondents": "the file has a header but no respondent rows",
    "duplicate-column": "two or more columns have the same name",
    "duplicate-id": "two or more rows have the same respondent id",
    "missing-column": "the spec names a column the file does not have",
    "text-in-rating": "a rating column holds text that is not a number or a declared missing code",
    "out-of-scale": "a rating lies outside its scale",
    "unknown-scale": "the rating scale cannot be inferred and the spec does not declare it",
    "no-variance": "every respondent gave the same answer to a CSI item",
    "empty-block": "every answer of a CSI block is missing",
    "csi-model": "the CSI blocks do not form a model csi knows",
    "unknown-kano-answer": "a Kano answer is not one of the recognised wordings",
}

NPS_SCALE = (0.0, 10.0)


@dataclass(frozen=True)
class Problem:
    """One problem: stable ``code``, ``severity`` (error/warning), the ``analysis`` it blocks
    ("general" blocks all), ``column``, file ``rows`` (first few) and their total ``count``."""

    code: str
    severity: str
    analysis: str
    message: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    count: int = 0

    def to_dict(self) -> dict:
        """JSON form."""
        return plain(
            {
                "code": self.code,
                "severity": self.severity,
                "analysis": self.analysis,
                "column": self.column,
                "rows": list(self.rows),
                "count": self.count,
                "message": self.message,
            }
        )


def validate(survey: Survey) -> list[Problem]:
    """Check the survey against its spec and the conventions; return every problem found."""
    return [
        *_general(survey),
        *_ratings(survey),
        *_csi(survey),
        *_kano(survey),
    ]


#: Problems that mean "this analysis does not apply", not "the data are wrong": they stop the
#: command that asks for the analysis, while ``csi analyze`` skips it with a warning.
NOT_APPLICABLE = {"csi-model"}


def blocking(problems: Iterable[Problem], analyses: Sequence[str] | None) -> list[Problem]:
    """The errors that stop a run of ``analyses`` (None: every analysis the file supports)."""
    if analyses is None:
        return [p for p in problems if p.severity == ERROR and p.code not in NOT_APPLICABLE]
    wanted = {"general", *analyses}
    return [p for p in problems if p.severity == ERROR and p.analysis in wanted]


def plural(count: int, singular: str, plural_form: str) -> str:
    """``1 cell holds`` / ``3 cells hold``: the count with the right form."""
    return f"{count} {singular if count == 1 else plural_form}"


def _problem(
    survey: Survey,
    code: str,
    analysis: str,
    what: str,
    *,
    column: str | None = None,
    mask: np.ndarray | None = None,
    severity: str = ERROR,
) -> Problem:
    rows = survey.file_rows(mask) if mask is not None else []
    where = survey.source.where(column, rows)
    return Problem(
        code=code,
        severity=severity,
        analysis=analysis,
        message=f"{where}: {what}",
        column=column,
        rows=tuple(rows[:5]),
        count=len(rows),
    )


def _general(survey: Survey) -> list[Problem]:
    problems = []
    if survey.n == 0:
        problems.append(
            _problem(
                survey,
                "no-respondents",
                "general",
                "the header has no respondent rows below it. Export the responses too.",
            )
        )
    for name, copies in survey.source.duplicate_columns:
        problems.append(
            _problem(
                survey,
                "duplicate-column",
                "general",
                f"{len(copies)} columns are named '{safe_text(name)}'. Rename them in the file so "
                "each name is unique (csi read them as " + ", ".join(copies) + ").",
                column=name,
            )
        )
    for missing in survey.layout.missing:
        problems.append(
            _problem(
                survey,
                "missing-column",
                "general",
                f"{missing.where} names column '{safe_text(missing.column)}', which the file does "
                "not have. Correct the spec or the file's header.",
                column=missing.column,
            )
        )
    if survey.layout.id is not None and survey.n:
        duplicated = duplicated_ids(survey.frame[survey.layout.id])
        if duplicated.any():
            problems.append(
                _problem(
                    survey,
                    "duplicate-id",
                    "general",
                    f"{plural(int(duplicated.sum()), 'row shares', 'rows share')} a respondent id. "
                    "Remove the repeated "
                    "responses (or set [survey] id to the right column).",
                    column=survey.layout.id,
                    mask=duplicated,
                )
            )
    return problems


def duplicated_ids(ids: pd.Series) -> np.ndarray:
    """Mask of the filled cells whose value occurs more than once (``duplicated(keep=False)``).

    A text column held by pyarrow is hashed vectorised (:func:`_text_hashes`) and sorted: only
    values whose hash repeats (none, usually) are compared exactly, so a million ids cost a
    few numpy passes instead of a hash table of Python-level strings."""
    hashes = _text_hashes(ids)
    if hashes is None:
        return (ids.duplicated(keep=False) & ids.notna()).to_numpy(dtype=bool)
    ordered = np.sort(hashes)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    duplicated = np.zeros(len(ids), dtype=bool)
    if repeated.size:
        candidates = np.isin(hashes, repeated)
        some = ids[candidates]
        duplicated[candidates] = (some.duplicated(keep=False) & some.notna()).to_numpy(bool)
    return duplicated


_HASH_BASE = np.uint64(0x100000001B3)
_HASH_LENGTH = np.uint64(0x9E3779B97F4A7C15)


def _text_hashes(values: pd.Series) -> np.ndarray | None:
    """A 64-bit polynomial hash of each string of a pyarrow-backed text column (equal strings,
    equal hashes; blanks hash to anything: callers mask them), or None for other columns."""
    import pyarrow as pa

    if not isinstance(values.dtype, pd.StringDtype) or values.dtype.storage != "pyarrow":
        return None
    try:
        chunks = values.array.__arrow_array__().chunks
    except (AttributeError, TypeError):
        return None
    if not chunks or not all(
        pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunks
    ):
        return None
    return np.concatenate([_chunk_hashes(c) for c in chunks])


def _chunk_hashes(chunk) -> np.ndarray:
    """Hashes of one arrow string array, from its offsets and bytes (no Python string made)."""
    import pyarrow as pa

    n = len(chunk)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    kind = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    _, offset_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(
        offset_buffer, dtype=kind, count=n + 1, offset=chunk.offset * np.dtype(kind).itemsize
    ).astype(np.int64)
    first, last = int(offsets[0]), int(offsets[-1])
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8, count=last - first, offset=first)
        if last > first
        else np.zeros(0, dtype=np.uint8)
    )
    lengths = np.diff(offsets)
    starts = offsets[:-1] - first
    powers = np.cumprod(np.full(int(lengths.max()) + 1, _HASH_BASE, dtype=np.uint64))
    within = np.arange(data.size, dtype=np.int64) - np.repeat(starts, lengths)
    terms = np.append(data.astype(np.uint64) * powers[within], np.uint64(0))
    hashes = np.add.reduceat(terms, np.minimum(starts, data.size))
    hashes[lengths == 0] = 0
    return hashes ^ (lengths.astype(np.uint64) * _HASH_LENGTH)


def _rating_scales(survey: Survey) -> list[tuple[str, str, tuple[float, float] | None]]:
    """(analysis, column, scale) for every numeric column that has a known scale."""
    layout = survey.layout
    checks = [("index", c, layout.csi_scale) for c in layout.csi_columns]
    for item in layout.gap:
        checks += [
            ("gap", c, layout.gap_scale)
            for c in (item.expectation, item.perception, item.minimum, item.desired)
            if c is not None
        ]
        if item.importance:
            checks.append(("gap", item.importance, None))
    checks += [("kano", c, None) for p in layout.kano for c in (p.importance, p.performance) if c]
    if layout.nps:
        checks.append(("nps", layout.nps, NPS_SCALE))
    if layout.overall:
        checks.append(("general", layout.overall, None))
    return checks


def _ratings(survey: Survey) -> list[Problem]:
    problems = []
    for analysis, column, scale in _rating_scales(survey):
        bad = survey.bad(column)  # a numeric column has no text: no float copy to say so
        if bad.any():
            values, counts = distinct_counts(survey.frame[column].to_numpy()[bad])
            problems.append(
                _problem(
                    survey,
                    "text-in-rating",
                    analysis,
                    f"{plural(int(bad.sum()), 'cell holds', 'cells hold')} text that is not a "
                    "rating or an answer label csi knows: " + unknown_labels_advice(values, counts),
                    column=column,
                    mask=bad,
                )
            )
        low, high = survey.bounds(column)
        if scale is not None and (low < scale[0] or high > scale[1]):  # NaN: nothing outside
            values = survey.numeric(column)
            outside = np.isfinite(values) & ((values < scale[0]) | (values > scale[1]))
            if outside.any():
                problems.append(
                    _problem(
                        survey,
                        "out-of-scale",
                        analysis,
                        f"{plural(int(outside.sum()), 'value lies', 'values lie')} outside the "
                        f"{scale[0]:g}–{scale[1]:g} "
                        f"scale (e.g. {values[outside][0]:g}). Correct them, set the scale "
                        "in the spec, or declare them as missing codes: "
                        + missing_line(np.unique(values[outside]), survey.spec.survey.missing)
                        + ".",
                        column=column,
                        mask=outside,
                    )
                )
    return problems


def _csi(survey: Survey) -> list[Problem]:
    layout = survey.layout
    if not layout.csi_blocks:
        return []
    problems = []
    if layout.csi_problem:
        problems.append(
            _problem(survey, "csi-model", "index", f"{layout.csi_problem}.", severity=ERROR)
        )
    if layout.csi_scale is None and survey.n:  # no rows: no-respondents says it all
        values = survey.ratings(layout.csi_columns)
        finite = values[np.isfinite(values)]
        span = f"{finite.min():g} to {finite.max():g}" if finite.size else "nothing"
        problems.append(
            _problem(
                survey,
                "unknown-scale",
                "index",
                f"the CSI ratings run from {span}, which fits no usual scale (1–5, 1–7, 1–10, "
                f"0–10). {_scale_advice(survey, finite)}",
            )
        )
    for construct, columns in layout.csi_blocks.items():
        problems += _block_problems(survey, construct, columns)
    return problems


def _scale_advice(survey: Survey, finite: np.ndarray) -> str:
    """The exact lines to add: the missing codes beyond the scale, or the scale itself."""
    codes, scale = missing_codes_beyond(finite)
    if codes:
        return (
            f"If {', '.join(f'{c:g}' for c in codes)} {'means' if len(codes) == 1 else 'mean'} "
            f"no answer (the other answers fit {scale[0]:g}–{scale[1]:g}), add "
            + missing_line(codes, survey.spec.survey.missing)
            + "; else declare the scale, e.g. [survey] scale = [1, 10]."
        )
    return (
        "Declare it, e.g. [survey] scale = [1, 10], and list codes such as 99 in [survey] missing."
    )


def _block_problems(survey: Survey, construct: str, columns: Sequence[str]) -> list[Problem]:
    if not columns or survey.n == 0:
        return []
    ranges = np.array([survey.bounds(c) for c in columns])  # [min, max] per item
    if np.isnan(ranges).all():
        return [
            _problem(
                survey,
                "empty-block",
                "index",
                f"every answer of block {construct} ({', '.join(columns)}) is missing. Check the "
                "columns named for it, or remove the block from the spec.",
            )
        ]
    problems = []
    for (low, high), column in zip(ranges, columns, strict=True):
        if low == high:
            problems.append(
                _problem(
                    survey,
                    "no-variance",
                    "index",
                    f"every respondent answered {low:g}; an item with no variance "
                    f"cannot be used in block {construct}. Remove it from the block in the spec.",
                    column=column,
                )
            )
    return problems


def _kano(survey: Survey) -> list[Problem]:
    if not survey.layout.kano:
        return []
    from csi_cli.methods.kano_answers import parse_answers

    problems = []
    for pair in survey.layout.kano:
        for column in (pair.functional, pair.dysfunctional):
            series = survey.frame[column]
            _, unknown = parse_answers(series, survey.spec.kano.answers, survey.spec.survey.missing)
            if unknown.any():
                values, counts = distinct_counts(series.to_numpy()[unknown])
                listed = ", ".join(
                    f"'{safe_text(v, 30)}' ({c})" for v, c in zip(values, counts, strict=True)
                )
                lines = " ".join(f"{toml_key(v)} = <1-5>" for v in values)
                problems.append(
                    _problem(
                        survey,
                        "unknown-kano-answer",
                        "kano",
                        f"{plural(int(unknown.sum()), 'answer is', 'answers are')} not "
                        f"Kano answers csi knows: {listed}. Map each to 1 like, 2 must-be, "
                        f"3 neutral, 4 live-with or 5 dislike: [kano.answers] {lines} — or "
                        "correct them.",
                        column=column,
                        mask=unknown,
                    )
                )
    return problems
