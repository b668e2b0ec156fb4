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
from csi_cli.results import plain
from csi_cli.survey import Survey

ERROR = "error"
WARNING = "warning"

#: Codes of the problems of the file and its rating columns; each analysis adds its own
#: (``Analysis.codes``); :func:`all_codes` has them all.
CODES = {
    "no-respondents": "the file has a header but no respondent rows",
    "duplicate-column": "two or more columns have the same name",
    "duplicate-id": "two or more rows have the same respondent id",
    "missing-column": "the spec names a column the file does not have",
    "text-in-rating": "a rating column holds text that is not a number or a declared missing code",
    "out-of-scale": "a rating lies outside its scale",
}


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
    """Check the survey against its spec and the conventions; return every problem found:
    the file's, every rating column's, then each registered analysis' own
    (:meth:`csi_cli.analysis.Analysis.check`)."""
    from csi_cli.analyses import registered

    own = [p for analysis in registered() for p in analysis.check(survey)]
    return [*_general(survey), *_ratings(survey), *own]


def all_codes() -> dict[str, str]:
    """Every problem code and what it means: the general ones and each analysis' own."""
    from csi_cli.analyses import registered

    codes = dict(CODES)
    for analysis in registered():
        codes |= analysis.codes
    return codes


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


def problem(
    survey: Survey,
    code: str,
    analysis: str,
    what: str,
    *,
    column: str | None = None,
    mask: np.ndarray | None = None,
    severity: str = ERROR,
) -> Problem:
    """A problem of ``survey`` whose message starts with where it is (file, sheet, column and
    the rows of ``mask``)."""
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
            problem(
                survey,
                "no-respondents",
                "general",
                "the header has no respondent rows below it. Export the responses too.",
            )
        )
    for name, copies in survey.source.duplicate_columns:
        problems.append(
            problem(
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
            problem(
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
                problem(
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
    """(analysis, column, scale) for every rating column of every registered analysis; the
    overview's (the overall rating) concern every analysis ("general")."""
    from csi_cli.analyses import registered

    return [
        ("general" if analysis.name == "overview" else analysis.name, column, scale)
        for analysis in registered()
        for column, scale in analysis.rating_columns(survey).items()
    ]


def _ratings(survey: Survey) -> list[Problem]:
    problems = []
    for analysis, column, scale in _rating_scales(survey):
        bad = survey.bad(column)  # a numeric column has no text: no float copy to say so
        if bad.any():
            sample = survey.frame[column].to_numpy()[bad][0]
            problems.append(
                problem(
                    survey,
                    "text-in-rating",
                    analysis,
                    f"{plural(int(bad.sum()), 'cell holds', 'cells hold')} text, not a rating "
                    "(e.g. "
                    f"'{safe_text(sample, 40)}'). Correct them, or declare the text as missing "
                    'in the spec: [survey] missing = ["..."].',
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
                    problem(
                        survey,
                        "out-of-scale",
                        analysis,
                        f"{plural(int(outside.sum()), 'value lies', 'values lie')} outside the "
                        f"{scale[0]:g}–{scale[1]:g} "
                        f"scale (e.g. {values[outside][0]:g}). Correct them, declare them as "
                        "missing codes, or set the scale in the spec.",
                        column=column,
                        mask=outside,
                    )
                )
    return problems
