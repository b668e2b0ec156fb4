"""The :class:`Survey`: a file's responses with its spec, layout and source, and the rules for
reading ratings as numbers (blanks, declared missing codes, labelled answers, scales).

Loading (:func:`load`) reads the file with :mod:`csi_cli.reading` and resolves which columns feed
which analysis (:mod:`csi_cli.layout`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from csi_cli.labels import read_labels
from csi_cli.layout import Layout, resolve_layout
from csi_cli.platforms import Export, recognise
from csi_cli.reading import DEFAULT_MAX_CELLS, Source, format_number, read_table
from csi_cli.spec import Spec, load_spec

_LEADING_NUMBER = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:[-–—=:：.、)(（]|\s)\s*\D")

#: Scales a rating column may be inferred to have, tried in order: (min, max).
INFERABLE_SCALES = ((1.0, 5.0), (1.0, 7.0), (1.0, 10.0), (0.0, 10.0))


@dataclass(frozen=True)
class Survey:
    """A loaded survey: the frame as read, the spec, which columns feed which analysis, and where
    it came from. The frame's index holds file row numbers."""

    frame: pd.DataFrame
    spec: Spec
    layout: Layout
    source: Source
    export: Export = field(default_factory=Export)
    _numbers: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _bounds: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        """Number of respondents (rows)."""
        return len(self.frame)

    def parsed(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """``(values, bad)``: the column as float64 (NaN when blank, missing or text) and a mask
        of cells holding text that is neither a number nor a declared missing code."""
        if column not in self._numbers:
            self._numbers[column] = parse_numbers(
                self.frame[column], self.spec.survey.missing, self.spec.survey.labels
            )
        return self._numbers[column]

    def bounds(self, column: str) -> np.ndarray:
        """``[min, max]`` of the column's finite numbers (NaN when there are none), as
        :meth:`numeric` would give them; an integer column is not converted to find them."""
        if column not in self._bounds:
            self._bounds[column] = column_bounds(
                self.frame[column], self.spec.survey.missing, lambda: self.numeric(column)
            )
        return self._bounds[column]

    def bad(self, column: str) -> np.ndarray:
        """Mask of the cells holding text that is neither a number nor a declared missing code
        (see :meth:`parsed`); a numeric column has none and is not converted to say so."""
        if column not in self._numbers and _plain_numbers(self.frame[column].dtype):
            return np.zeros(self.n, dtype=bool)
        return self.parsed(column)[1]

    def numeric(self, column: str) -> np.ndarray:
        """The column as float64, NaN for blanks, declared missing codes (and unparsed text)."""
        return self.parsed(column)[0]

    def ratings(self, columns: Sequence[str]) -> np.ndarray:
        """Columns as an ``n × k`` float64 array (see :meth:`numeric`)."""
        if not columns:
            return np.empty((self.n, 0))
        return np.column_stack([self.numeric(c) for c in columns])

    def text(self, column: str) -> pd.Series:
        """The column as stripped text, ``NA`` for blanks and declared missing codes."""
        values = self.frame[column].astype("string").str.strip()
        missing = {"", *self.spec.survey.missing}
        return values.mask(values.isin(missing))

    def file_row(self, position: int) -> int:
        """The 1-based row number in the file of the respondent at ``position``."""
        return int(self.frame.index[position])

    def file_rows(self, mask: np.ndarray) -> list[int]:
        """File row numbers of the respondents selected by a boolean mask."""
        return [int(r) for r in self.frame.index[np.asarray(mask, dtype=bool)]]

    def subset(self, mask: np.ndarray | pd.Series) -> Survey:
        """The same survey restricted to some respondents (a segment or a period)."""
        keep = np.asarray(mask, dtype=bool)
        return replace(self, frame=self.frame.loc[keep], _numbers={}, _bounds={})


# --- numbers ---------------------------------------------------------------------------------


def parse_numbers(
    values: pd.Series, missing: Sequence[str] = (), labels: Mapping[str, float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of ratings: numbers, numbers stored as text, full-width digits, and labels
    with a leading number (``"1 - Not at all important"``) are numbers; answer labels
    ("非常满意", "Strongly agree", "5分", ``labels`` of the spec) are their scores on the one
    built-in scale that fits the column (:func:`csi_cli.labels.read_labels`); blanks, declared
    missing codes and missing labels ("不适用", "N/A") are NaN; anything else is NaN and flagged
    in the returned ``bad`` mask.

    The work is done once per distinct value, so it costs one factorize over the column.
    """
    missing_set = {m.strip() for m in missing}
    if pd.api.types.is_bool_dtype(values.dtype):  # true/false is not a rating
        known = values.notna().to_numpy(dtype=bool)
        return np.full(len(values), np.nan), known
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        codes = [float(m) for m in missing_set if _is_number(m)]
        if codes:
            numbers = np.where(np.isin(numbers, codes), np.nan, numbers)
        infinite = np.isinf(numbers)  # 'inf', 'Infinity', 1e309: not ratings
        if infinite.any():
            numbers = np.where(infinite, np.nan, numbers)
        return numbers, infinite
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = np.array([_parse_one(u, missing_set) for u in uniques], dtype=float).reshape(-1)
    bad_unique = np.array([_is_bad(u, missing_set) for u in uniques], dtype=bool).reshape(-1)
    if bad_unique.any():
        _score_labels(uniques, parsed, bad_unique, labels, value_range(parsed))
    valid = codes >= 0
    numbers = np.full(len(codes), np.nan)
    bad = np.zeros(len(codes), dtype=bool)
    numbers[valid] = parsed[codes[valid]]
    bad[valid] = bad_unique[codes[valid]]
    return numbers, bad


def _score_labels(
    uniques: Any,
    parsed: np.ndarray,
    bad: np.ndarray,
    labels: Mapping[str, float] | None,
    numbers: np.ndarray,
) -> None:
    """Read the column's text answers as labels, in place: known labels get their score and
    stop being bad (missing labels become NaN). A built-in scale applies only when the
    column's plain numbers (``numbers``: their [min, max]) lie within its range: "很好" in a
    1–10 column is not 5."""
    texts = [str(u) for u in np.asarray(uniques, dtype=object)[bad]]
    reading = read_labels(texts, labels, within=numbers)
    positions = np.flatnonzero(bad)
    for position, text in zip(positions, texts, strict=True):
        if text in reading.scores:
            parsed[position] = reading.scores[text]
            bad[position] = False


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_one(value: Any, missing: set[str]) -> float:
    if isinstance(value, bool):
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return np.nan if format_number(number) in missing or not np.isfinite(number) else number
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text == "" or text in missing or str(value).strip() in missing:
        return np.nan
    if "_" in text:  # float() reads '1_0' as 10; a person means no number
        return np.nan
    try:
        number = float(text)
    except ValueError:
        match = _LEADING_NUMBER.match(text + " x") if text[:1].isdigit() else None
        return float(match.group(1)) if match and _label_like(text) else np.nan
    return number if np.isfinite(number) else np.nan


def _label_like(text: str) -> bool:
    """``"1 - Not at all important"`` is a labelled rating; ``"3 4"`` or ``"2x"`` are not."""
    return bool(re.match(r"^\s*[+-]?\d+(?:\.\d+)?\s*(?:[-–—=:：.、)(（]\s*)\S", text))


def _is_bad(value: Any, missing: set[str]) -> bool:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return not np.isfinite(float(value)) and format_number(float(value)) not in missing
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text == "" or text in missing or str(value).strip() in missing:
        return False
    return np.isnan(_parse_one(value, missing))


def _plain_numbers(dtype: Any) -> bool:
    """An integer column: every cell of it is a rating-like number (a float column may hold
    infinity, a boolean one true/false)."""
    return isinstance(dtype, np.dtype) and dtype.kind in "iu"


def not_a_number(value: Any) -> bool:
    """A cell that reads as a number but is no rating: true/false, infinity, NaN written out."""
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, (int, float, np.integer, np.floating)):
        return not np.isfinite(float(value))
    try:
        return not np.isfinite(float(unicodedata.normalize("NFKC", str(value)).strip()))
    except ValueError:
        return False


def column_bounds(
    values: pd.Series, missing: Sequence[str] = (), parsed: Callable[[], np.ndarray] | None = None
) -> np.ndarray:
    """``[min, max]`` of the finite values of ``parse_numbers(values, missing)[0]`` (NaN when
    there are none). A numpy integer column without a numeric missing code is read as it is
    (no float copy); otherwise ``parsed()`` (a cached parse) is used when given."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iu" and not any(map(_is_number, missing)):
        if not len(values):
            return np.array([np.nan, np.nan])
        data = values.to_numpy()
        return np.array([data.min(), data.max()], dtype=float)
    return value_range(parsed() if parsed is not None else parse_numbers(values, missing)[0])


def value_range(values: np.ndarray) -> np.ndarray:
    """``[min, max]`` of the finite values (NaN when there are none), in one pass each."""
    finite = values if not np.isinf(values).any() else np.where(np.isinf(values), np.nan, values)
    return np.array(
        [np.fmin.reduce(finite, initial=np.nan), np.fmax.reduce(finite, initial=np.nan)]
    )


def infer_scale(values: np.ndarray) -> tuple[float, float] | None:
    """The narrowest usual rating scale (1–5, 1–7, 1–10, 0–10) holding every observed value, or
    None when none does (then the spec must declare ``scale``)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    low, high = float(finite.min()), float(finite.max())
    for scale in INFERABLE_SCALES:
        if scale[0] <= low and high <= scale[1]:
            return scale
    return None


# --- loading ---------------------------------------------------------------------------------


def load(
    path: Path,
    *,
    spec_path: Path | None = None,
    spec: Spec | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> Survey:
    """Load a survey file and resolve its layout.

    Parameters
    ----------
    path : Path
        An ``.xlsx``/``.xls``/``.ods``, ``.csv``/``.tsv``/``.txt`` or ``.parquet`` file.
    spec_path, spec : optional
        A TOML spec file, or an already parsed :class:`Spec` (with overrides applied).
    sheet : str, optional
        Sheet name (xlsx); overrides ``[survey] sheet``; default the first sheet.
    header_row : int, optional
        1-based row of the header; default: detected (a title row above it is skipped).
    max_cells : int
        Largest sheet (rows × columns) read from a workbook.

    Raises
    ------
    InputError
        The file is missing, empty, unreadable, too large, or has no header row.
    SpecError
        The spec cannot be read.
    """
    if spec is None:
        spec = load_spec(spec_path) if spec_path is not None else Spec()
    sheet = sheet or spec.survey.sheet
    header_row = header_row or spec.survey.header_row
    frame, source = read_table(path, sheet=sheet, header_row=header_row, max_cells=max_cells)
    frame, export = recognise(frame, keep_unfinished=spec.survey.keep_unfinished)
    spec = _platform_defaults(spec, export)
    numbers: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    bounds: dict[str, np.ndarray] = {}

    def parsed(column: str) -> np.ndarray:
        if column not in numbers:
            numbers[column] = parse_numbers(frame[column], spec.survey.missing, spec.survey.labels)
        return numbers[column][0]

    def read_scale(columns: Sequence[str]) -> tuple[float, float] | None:
        # Each column's range (NaN-skipping min and max) is enough: no n × k copy. The ranges
        # (and any parsed columns) are kept for validation and the analyses.
        for column in columns:
            if column not in bounds:
                bounds[column] = column_bounds(
                    frame[column], spec.survey.missing, lambda c=column: parsed(c)
                )
        ranges = [bounds[column] for column in columns]
        return infer_scale(np.concatenate(ranges)) if ranges else None

    layout = resolve_layout(list(frame.columns), spec, read_scale, export.questions)
    return Survey(
        frame=frame,
        spec=spec,
        layout=layout,
        source=source,
        export=export,
        _numbers=numbers,
        _bounds=bounds,
    )


def _platform_defaults(spec: Spec, export: Export) -> Spec:
    """The platform's submit time as ``date`` and response id as ``id``, unless the spec names
    them."""
    given = {
        key: getattr(export, key)
        for key in ("date", "id")
        if getattr(spec.survey, key) is None and getattr(export, key) is not None
    }
    return replace(spec, survey=replace(spec.survey, **given)) if given else spec
