"""Read survey exports (xlsx, csv/tsv, parquet) into a :class:`Survey`.

Loading knows nothing of statistics. It finds the header row (platform exports often put a
title above it), detects the text encoding of CSV files (UTF-8, UTF-8 with BOM, UTF-16 with BOM,
GB18030/GBK) and the delimiter, keeps Chinese headers and answers unchanged, and never writes to
the input. Each respondent keeps the row number it has in the file (the frame's index), so every
message can point at the row a person sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from csi_cli.errors import InputError, UsageError, safe_text
from csi_cli.layout import Layout, resolve_layout
from csi_cli.spec import Spec, load_spec

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
TSV_SUFFIXES = (".tsv", ".tab")
PARQUET_SUFFIXES = (".parquet", ".pq")

#: Workbooks larger than this once decompressed are refused before reading (zip bombs).
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
#: Default limit on cells (rows × columns) of a workbook sheet; ``--max-cells`` raises it.
DEFAULT_MAX_CELLS = 50_000_000
HEAD_BYTES = 1 << 20
HEADER_SCAN_ROWS = 30

_LEADING_NUMBER = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:[-–—=:：.、)(（]|\s)\s*\D")

#: Scales a rating column may be inferred to have, tried in order: (min, max).
INFERABLE_SCALES = ((1.0, 5.0), (1.0, 7.0), (1.0, 10.0), (0.0, 10.0))


@dataclass(frozen=True)
class Source:
    """Where the data came from, for messages: file, sheet, header row, encoding."""

    path: Path
    sheet: str | None = None
    header_row: int = 1
    encoding: str | None = None
    delimiter: str | None = None
    duplicate_columns: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def name(self) -> str:
        """The file name as shown in messages (control characters made visible)."""
        return safe_text(self.path.name)

    def where(self, column: str | None = None, rows: Sequence[int] = ()) -> str:
        """``file, sheet S, column C, rows 4, 7`` for messages."""
        parts = [self.name]
        if self.sheet is not None:
            parts.append(f"sheet {safe_text(self.sheet)!s}")
        if column is not None:
            parts.append(f"column {safe_text(column)}")
        if rows:
            parts.append(describe_rows(rows))
        return ", ".join(parts)


def describe_rows(rows: Sequence[int], first: int = 5) -> str:
    """``row 4`` / ``rows 4, 7, 9 and 12 more`` (file row numbers)."""
    rows = list(rows)
    head = ", ".join(str(r) for r in rows[:first])
    more = f" and {len(rows) - first} more" if len(rows) > first else ""
    return f"{'row' if len(rows) == 1 else 'rows'} {head}{more}"


@dataclass(frozen=True)
class Survey:
    """A loaded survey: the frame as read, the spec, which columns feed which analysis, and where
    it came from. The frame's index holds file row numbers."""

    frame: pd.DataFrame
    spec: Spec
    layout: Layout
    source: Source
    _numbers: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def n(self) -> int:
        """Number of respondents (rows)."""
        return len(self.frame)

    def parsed(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """``(values, bad)``: the column as float64 (NaN when blank, missing or text) and a mask
        of cells holding text that is neither a number nor a declared missing code."""
        if column not in self._numbers:
            self._numbers[column] = parse_numbers(self.frame[column], self.spec.survey.missing)
        return self._numbers[column]

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
        return replace(self, frame=self.frame.loc[keep], _numbers={})


# --- numbers ---------------------------------------------------------------------------------


def parse_numbers(values: pd.Series, missing: Sequence[str] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of ratings: numbers, numbers stored as text, full-width digits, and labels
    with a leading number (``"1 - Not at all important"``) are numbers; blanks and declared
    missing codes are NaN; anything else is NaN and flagged in the returned ``bad`` mask.

    The work is done once per distinct value, so it costs one factorize over the column.
    """
    missing_set = {m.strip() for m in missing}
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=float), np.zeros(len(values), dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        codes = [float(m) for m in missing_set if _is_number(m)]
        if codes:
            numbers = np.where(np.isin(numbers, codes), np.nan, numbers)
        return numbers, np.zeros(len(numbers), dtype=bool)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = np.array([_parse_one(u, missing_set) for u in uniques], dtype=float).reshape(-1)
    bad_unique = np.array([_is_bad(u, missing_set) for u in uniques], dtype=bool).reshape(-1)
    valid = codes >= 0
    numbers = np.full(len(codes), np.nan)
    bad = np.zeros(len(codes), dtype=bool)
    numbers[valid] = parsed[codes[valid]]
    bad[valid] = bad_unique[codes[valid]]
    return numbers, bad


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
        return np.nan if _format_number(number) in missing or not np.isfinite(number) else number
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text == "" or text in missing or str(value).strip() in missing:
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
        return not np.isfinite(float(value)) and _format_number(float(value)) not in missing
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text == "" or text in missing or str(value).strip() in missing:
        return False
    return np.isnan(_parse_one(value, missing))


def _format_number(number: float) -> str:
    return str(int(number)) if np.isfinite(number) and number.is_integer() else str(number)


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


# --- reading files ---------------------------------------------------------------------------


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
    numbers: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def read_scale(columns: Sequence[str]) -> tuple[float, float] | None:
        # Each column's range (NaN-skipping min and max) is enough: no n × k copy.
        ranges = []
        for column in columns:
            if column not in numbers:
                numbers[column] = parse_numbers(frame[column], spec.survey.missing)
            ranges.append(value_range(numbers[column][0]))
        return infer_scale(np.concatenate(ranges)) if ranges else None

    layout = resolve_layout(list(frame.columns), spec, read_scale)
    return Survey(frame=frame, spec=spec, layout=layout, source=source, _numbers=numbers)


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> tuple[pd.DataFrame, Source]:
    """Read one table (the first or the named sheet) with file row numbers as the index."""
    _check_readable(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_workbook(path, sheet, header_row, max_cells)
    if sheet is not None:
        raise UsageError(f"{safe_text(path.name)} is not a workbook: --sheet applies to xlsx.")
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path)
    if suffix in CSV_SUFFIXES + TSV_SUFFIXES:
        delimiter = "\t" if suffix in TSV_SUFFIXES else None
        return _read_delimited(path, header_row, delimiter, max_cells)
    raise InputError(
        f"{safe_text(path.name)}: unknown file type '{safe_text(suffix)}'. "
        "Export the survey as .xlsx, .csv, .tsv or .parquet."
    )


def _check_readable(path: Path) -> None:
    name = safe_text(path, limit=400)  # a long folder must not cut the file name off
    if not path.exists():
        raise InputError(f"file not found: {name}. Check the path and the file name.")
    if path.is_dir():
        raise InputError(f"{name} is a folder, not a survey file. Give the file inside it.")
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InputError(f"cannot open {name}: {exc.strerror}. Check its permissions.") from None
    if size == 0:
        raise InputError(f"{name} is empty (0 bytes). Export the survey again.")


def _read_workbook(
    path: Path, sheet: str | None, header_row: int | None, max_cells: int
) -> tuple[pd.DataFrame, Source]:
    from python_calamine import CalamineError, CalamineWorkbook

    name = safe_text(path.name)
    zipped = path.suffix.lower() in (".xlsx", ".xlsm", ".ods")
    if zipped:
        _check_zip(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise InputError(
            f"{name} is not a readable workbook ({safe_text(exc, 120)}). "
            "Open it in Excel and save it again as .xlsx, or export CSV."
        ) from None
    names = workbook.sheet_names
    if not names:
        raise InputError(f"{name} has no sheets. Export the survey again.")
    chosen = sheet if sheet is not None else names[0]
    if chosen not in names:
        listed = ", ".join(safe_text(n) for n in names)
        raise InputError(
            f"{name} has no sheet '{safe_text(chosen)}'; its sheets are: {listed}. "
            "Pass one of them with --sheet."
        )
    if zipped and path.suffix.lower() != ".ods":
        # The reader builds a dense grid from the furthest cell: measure it before reading.
        _check_cells(name, chosen, *_sheet_extent(path, chosen), max_cells)
    try:
        book_sheet = workbook.get_sheet_by_name(chosen)
        _check_cells(name, chosen, book_sheet.total_height, book_sheet.total_width, max_cells)
        rows = book_sheet.to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise InputError(
            f"{name}, sheet {safe_text(chosen)} cannot be read ({safe_text(exc, 120)}). "
            "Save the workbook again as .xlsx, or export CSV."
        ) from None
    source = Source(path=path, sheet=chosen)
    if header_row is None and not any(_filled(c) for row in rows[:HEADER_SCAN_ROWS] for c in row):
        others = [safe_text(n) for n in names if n != chosen]
        advice = (
            f"Its other sheets are: {', '.join(others)}; pass one with --sheet."
            if others
            else "Export the survey again."
        )
        raise InputError(f"{source.where()} has no data. {advice}")
    return _frame_from_rows(rows, source, header_row)


def _check_cells(name: str, sheet: str, height: int, width: int, max_cells: int) -> None:
    if height * width > max_cells:
        raise InputError(
            f"{name}, sheet {safe_text(sheet)}: {height} rows × {width} columns is more than the "
            f"{max_cells:,} cells allowed. Pass --max-cells to raise the limit, or export CSV."
        )


_EXTENT_CHUNK = 1 << 24


def _sheet_extent(path: Path, sheet: str) -> tuple[int, int]:
    """``(rows, columns)`` of the grid a reader builds for ``sheet``: the furthest row and column
    any reference (``r="XFD1048576"``) in its XML names. Streams the part in chunks, so a
    hostile sheet costs a scan, never its grid."""
    name = safe_text(path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive, sheet)
            height = width = 0
            for part in parts:
                with archive.open(part) as stream:
                    tail = b""
                    while chunk := stream.read(_EXTENT_CHUNK):
                        data = tail + chunk
                        cut = data.rfind(b"<")
                        data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                        rows, columns = _reference_extent(data)
                        height, width = max(height, rows), max(width, columns)
                    rows, columns = _reference_extent(tail)
                    height, width = max(height, rows), max(width, columns)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(
            f"{name}, sheet {safe_text(sheet)} cannot be read ({safe_text(exc, 120)}). It may be "
            "damaged: save the workbook again as .xlsx, or export CSV."
        ) from None
    return height, width


def _sheet_parts(archive: zipfile.ZipFile, sheet: str) -> list[str]:
    """The XML part of ``sheet`` (from the workbook's relationships); every worksheet part when
    that cannot be told."""
    import xml.etree.ElementTree as ET

    every = [n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)]
    try:
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile):
        return every
    ids = [
        value
        for element in book.iter()
        if element.tag.rsplit("}", 1)[-1] == "sheet" and element.get("name") == sheet
        for key, value in element.attrib.items()
        if key.rsplit("}", 1)[-1] == "id" and key != "sheetId"
    ]
    targets = [r.get("Target", "") for r in rels if ids and r.get("Id") == ids[0]]
    if not targets:
        return every
    target = targets[0]
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    return [part] if part in archive.namelist() else every


def _reference_extent(data: bytes) -> tuple[int, int]:
    """The largest row and column named by `` r="..."`` attributes in a piece of sheet XML (rows
    ``<row r="7">`` and cells ``<c r="AB7">``), vectorised: no Python loop per cell."""
    if len(data) < 4:
        return 0, 0
    a = np.frombuffer(data + b"\0" * 16, dtype=np.uint8)
    size = len(data)
    found = a[: size - 3] == ord(" ")  # ' r="' at i: whole-array compares, no index arrays yet
    for offset, byte in ((1, "r"), (2, "="), (3, '"')):
        found &= a[offset : size - 3 + offset] == ord(byte)
    start = np.flatnonzero(found) + 4
    if start.size == 0:
        return 0, 0
    letters = _leading(a, start, ord("A"), ord("Z"), 3)
    digits = _leading(a, start + letters, ord("0"), ord("9"), 8)
    # Only the references with the most letters (digits) can name the furthest column (row).
    widest = start[letters == letters.max()]
    column = np.zeros(widest.size, dtype=np.int64)
    for k in range(int(letters.max())):
        column = column * 26 + a[widest + k] - (ord("A") - 1)
    longest = digits == digits.max()
    first = start[longest] + letters[longest]
    row = np.zeros(first.size, dtype=np.int64)
    for k in range(int(digits.max())):
        row = row * 10 + a[first + k] - ord("0")
    return int(row.max()), int(column.max())


def _leading(a: np.ndarray, start: np.ndarray, low: int, high: int, most: int) -> np.ndarray:
    """How many bytes from each ``start`` on (at most ``most``) lie in ``low..high``."""
    count = np.zeros(start.size, dtype=np.int64)
    alive = np.ones(start.size, dtype=bool)
    for k in range(most):
        byte = a[start + k]
        alive &= (byte >= low) & (byte <= high)
        if not alive.any():
            break
        count += alive
    return count


def _check_zip(path: Path) -> None:
    """Refuse workbooks whose parts decompress to more than :data:`MAX_UNCOMPRESSED_BYTES`."""
    name = safe_text(path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(
            f"{name} is not a valid xlsx file (not a zip archive: it may be another format "
            "renamed, or damaged). Open it in Excel and save it as .xlsx, or export CSV."
        ) from None
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            f"{name} would expand to {total / 1024**3:.1f} GiB when opened, more than the "
            f"{MAX_UNCOMPRESSED_BYTES / 1024**3:.0f} GiB allowed. It may be damaged or "
            "malicious; export the survey again, or export CSV."
        )


def _frame_from_rows(
    rows: list[list[Any]], source: Source, header_row: int | None
) -> tuple[pd.DataFrame, Source]:
    header_index = _header_index(rows, source, header_row)
    header, duplicates = _clean_header(rows[header_index])
    width = len(header)
    body = rows[header_index + 1 :]
    if any(len(r) < width for r in body):  # calamine's rows are rectangular; be safe anyway
        body = [r + [None] * (width - len(r)) for r in body]
    # Column by column (zip transposes in C): each column is typed once, and blank cells
    # ("" from calamine) become missing only in the columns that hold text.
    columns = itertools.islice(zip(*body, strict=False), width) if body else [()] * width
    frame = pd.DataFrame(
        {name: _typed_column(cells) for name, cells in zip(header, columns, strict=False)},
        columns=header,
    )
    frame.index = pd.RangeIndex(header_index + 2, header_index + 2 + len(frame))
    frame = frame.loc[frame.notna().any(axis=1)] if len(frame) else frame
    return frame, replace(source, header_row=header_index + 1, duplicate_columns=tuple(duplicates))


_FLOAT_CELLS = {float, type(None)}


def _typed_column(cells: Sequence[Any]) -> pd.Series:
    """One workbook column as a Series of its natural dtype, empty strings as missing."""
    if cells and set(map(type, cells)) <= _FLOAT_CELLS:  # the usual rating column: fast path
        return pd.Series(np.array(cells, dtype=np.float64))
    series = pd.Series(cells, dtype=object if not cells else None)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        blank = (series == "").to_numpy(dtype=bool, na_value=False)
        if blank.any():
            series = series.astype(object).mask(blank, None).infer_objects()
    return series


def _header_index(rows: list[list[Any]], source: Source, header_row: int | None) -> int:
    if header_row is not None:
        if header_row > len(rows):
            raise InputError(
                f"{source.where()}: --header-row {header_row} is past the end of the data "
                f"({len(rows)} rows)."
            )
        return header_row - 1
    scan = rows[:HEADER_SCAN_ROWS]
    filled = [sum(1 for c in r if _filled(c)) for r in scan]
    if not filled or max(filled) == 0:
        raise InputError(f"{source.where()} has no data. Export the survey again.")
    widest = max(filled)
    for index, row in enumerate(scan):
        texts = [c for c in row if _filled(c)]
        if 2 * filled[index] > widest and all(isinstance(c, str) for c in texts):
            return index
    raise InputError(
        f"{source.where()}: cannot tell which row holds the column names. "
        "Pass --header-row N (the 1-based row number of the header)."
    )


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and cell.strip() == "")


def _clean_header(raw: Sequence[Any]) -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
    """Strip names, name blank ones ``column_N`` (trailing blanks dropped), and make duplicates
    unique as ``name (2)``, reporting them."""
    names = [_header_text(c) if _filled(c) else "" for c in raw]
    while names and names[-1] == "":
        names.pop()
    names = [n or f"column_{i + 1}" for i, n in enumerate(names)]
    seen: dict[str, list[str]] = {}
    unique = []
    for name in names:
        copies = seen.setdefault(name, [])
        new = name if not copies else f"{name} ({len(copies) + 1})"
        copies.append(new)
        unique.append(new)
    duplicates = [(name, tuple(c)) for name, c in seen.items() if len(c) > 1]
    return unique, duplicates


def _header_text(cell: Any) -> str:
    """A header cell as Excel shows it: the number 3 (read as 3.0) is "3"."""
    if isinstance(cell, float) and not isinstance(cell, bool):
        return _format_number(cell)
    return str(cell).strip()


def _read_parquet(path: Path) -> tuple[pd.DataFrame, Source]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise InputError(
            f"{safe_text(path.name)} is not a readable parquet file ({safe_text(exc, 120)})."
        ) from None
    frame.columns = [str(c) for c in frame.columns]
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame, Source(path=path)


# --- delimited text --------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes) -> str:
    """The encoding of a CSV from its first bytes: a BOM decides; else strict UTF-8; else
    GB18030 (a superset of GBK and GB2312, the usual Chinese exports); else the best guess of
    charset-normalizer. An undecodable file is an :class:`InputError`, never mojibake."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        raise InputError("the file is not text in a known encoding")
    return best.encoding


def _read_delimited(
    path: Path, header_row: int | None, delimiter: str | None, max_cells: int = DEFAULT_MAX_CELLS
) -> tuple[pd.DataFrame, Source]:
    name = safe_text(path.name)
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    wide_boms = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    if b"\x00" in head and not head.startswith(wide_boms):
        raise InputError(
            f"{name} is not a text file (it holds binary data). Export the survey as CSV "
            "or xlsx again."
        )
    try:
        encoding = detect_encoding(head)
    except InputError:
        raise InputError(
            f"{name}: cannot tell the text encoding. Save it as UTF-8 (Excel: CSV UTF-8)."
        ) from None
    text_head = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    # Lines end at \r or \n only (not at the other breaks str.splitlines knows), and records
    # are read by csv itself, so a header cell with a line break (Alt+Enter in Excel) stays whole.
    lines = list(itertools.islice(io.StringIO(text_head, newline=""), HEADER_SCAN_ROWS))
    delimiter = delimiter or sniff_delimiter([line.rstrip("\r\n") for line in lines])
    records = csv.reader(io.StringIO(text_head, newline=""), delimiter=delimiter)
    try:
        rows = list(itertools.islice(records, max(HEADER_SCAN_ROWS, header_row or 0)))
    except csv.Error as exc:
        raise InputError(
            f"{name}: cannot parse the CSV ({safe_text(exc, 160)}). Check the delimiter and "
            "quotes, or save it again from Excel."
        ) from None
    source = Source(path=path, encoding=encoding, delimiter=delimiter)
    header_index = _header_index(rows, source, header_row)
    header, duplicates = _clean_header(rows[header_index])
    _check_text_size(path, len(head), text_head.count("\n"), len(header), max_cells)
    records = csv.reader(io.StringIO(text_head, newline=""), delimiter=delimiter)
    for _ in itertools.islice(records, header_index + 1):
        pass
    # pandas' C parser skips records; pyarrow skips lines (a cell may span several lines).
    frame = _parse_csv(path, encoding, delimiter, (header_index + 1, records.line_num), header)
    frame.index = pd.RangeIndex(header_index + 2, header_index + 2 + len(frame))
    frame = frame.loc[frame.notna().any(axis=1)] if len(frame) else frame
    return frame, replace(source, header_row=header_index + 1, duplicate_columns=tuple(duplicates))


def _check_text_size(path: Path, head: int, lines: int, width: int, max_cells: int) -> None:
    """Refuse, before parsing, a text file whose rows (estimated from the first megabyte) times
    its columns exceed ``max_cells``: a parsed cell takes 8 bytes or more of memory."""
    size = path.stat().st_size
    if size <= head:
        return
    rows = int(size / (head / max(lines, 1)))
    if rows * width > max_cells:
        raise InputError(
            f"{safe_text(path.name)} is {size / 1024**3:.1f} GiB: about {rows:,} rows × {width} "
            f"columns, more than the {max_cells:,} cells allowed. Pass --max-cells to raise the "
            "limit (each cell needs about 8 bytes of memory), or split the file."
        )


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter (``,`` ``;`` tab or ``|``) that splits the first lines most consistently."""
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _parse_csv(
    path: Path, encoding: str, delimiter: str, skip: tuple[int, int], header: list[str]
) -> pd.DataFrame:
    """Parse the rows below the header; ``skip`` is (records, lines) above the first row."""
    name = safe_text(path.name)
    options: dict[str, Any] = dict(
        sep=delimiter,
        header=None,
        skiprows=skip[0],
        names=header,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=False,
    )
    try:
        return _read_csv_fast(path, encoding, options, skip[1])
    except UnicodeDecodeError:
        if encoding.startswith("utf-8"):
            try:
                return pd.read_csv(path, encoding="gb18030", **options)
            except UnicodeDecodeError:
                pass
        raise InputError(
            f"{name}: the text is not valid {encoding} throughout. Save it as UTF-8 "
            "(Excel: CSV UTF-8) and try again."
        ) from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(
            f"{name}: cannot parse the CSV ({safe_text(exc, 160)}). Check the delimiter and "
            "quotes, or save it again from Excel."
        ) from None


def _read_csv_fast(
    path: Path, encoding: str, options: dict[str, Any], skip_lines: int
) -> pd.DataFrame:
    """pyarrow's multithreaded parser where it applies; pandas' C parser otherwise (rows of
    unequal width, which pyarrow rejects, fall back too). Blank lines are kept (as empty rows,
    dropped later) so every respondent keeps its file row number."""
    width = len(options["names"])
    try:
        frame = pd.read_csv(
            path, encoding=encoding, engine="pyarrow", **{**options, "skiprows": skip_lines}
        )
    except Exception:
        frame = pd.read_csv(path, encoding=encoding, engine="c", **options)
    if frame.shape[1] != width:
        raise InputError(f"{safe_text(path.name)}: rows do not have {width} fields")
    return frame
