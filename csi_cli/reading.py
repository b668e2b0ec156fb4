"""Read survey exports (xlsx, csv/tsv, parquet) into a DataFrame and a :class:`Source`.

Reading knows nothing of statistics. It finds the header row (platform exports often put a
title above it), detects the text encoding of CSV files (UTF-8, UTF-8 with BOM, UTF-16 with BOM,
GB18030/GBK) and the delimiter, keeps Chinese headers and answers unchanged, refuses zip bombs
and oversized grids before allocating them, and never writes to the input. Each respondent keeps
the row number it has in the file (the frame's index), so every message can point at the row a
person sees in Excel.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from csi_cli.errors import InputError, UsageError, safe_text
from csi_cli.input_checks import (
    RaggedCounter,
    RaggedRows,
    check_regular_file,
    check_zip_expansion,
    drop_unnamed_blank_columns,
    has_hex_numbers,
    nested_columns_as_text,
    padded_header,
    ragged_rows_error,
)
from csi_cli.workbook_limits import check_zip, sheet_extent

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
TSV_SUFFIXES = (".tsv", ".tab")
PARQUET_SUFFIXES = (".parquet", ".pq")

#: Workbooks larger than this once decompressed are refused before reading (zip bombs).
#: Default limit on cells (rows × columns) of a workbook sheet; ``--max-cells`` raises it.
DEFAULT_MAX_CELLS = 50_000_000
HEAD_BYTES = 1 << 20
HEADER_SCAN_ROWS = 30


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


def format_number(number: float) -> str:
    """A number as people write it: ``3.0`` is ``"3"``, ``2.5`` stays ``"2.5"``."""
    return str(int(number)) if np.isfinite(number) and number.is_integer() else str(number)


def describe_rows(rows: Sequence[int], first: int = 5) -> str:
    """``row 4`` / ``rows 4, 7, 9 and 12 more`` (file row numbers)."""
    rows = list(rows)
    head = ", ".join(str(r) for r in rows[:first])
    more = f" and {len(rows) - first} more" if len(rows) > first else ""
    return f"{'row' if len(rows) == 1 else 'rows'} {head}{more}"


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
    check_regular_file(path, "survey file")
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
        check_zip(path)
        check_zip_expansion(path, max_cells)
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
        _check_cells(name, chosen, *sheet_extent(path, chosen), max_cells)
    source = Source(path=path, sheet=chosen)
    try:
        book_sheet = workbook.get_sheet_by_name(chosen)
        _check_cells(name, chosen, book_sheet.total_height, book_sheet.total_width, max_cells)
        with _no_gc():  # millions of cells, no cycles: collections would only rescan them
            try:
                count, rows = _sheet_rows(book_sheet)
                head = list(itertools.islice(rows, max(HEADER_SCAN_ROWS, header_row or 0)))
                if len(head) < min(count, max(HEADER_SCAN_ROWS, header_row or 0)):
                    raise _UnexpectedRows
                _check_sheet_data(source, head, header_row, names)
                return _frame_from_rows(head, rows, count, source, header_row)
            except _UnexpectedRows:  # another python-calamine: read the whole sheet at once
                rows = book_sheet.to_python(skip_empty_area=False)
                _check_sheet_data(source, rows, header_row, names)
                return _frame_from_rows(rows, iter(()), len(rows), source, header_row)
    except CalamineError as exc:
        raise InputError(
            f"{name}, sheet {safe_text(chosen)} cannot be read ({safe_text(exc, 120)}). "
            "Save the workbook again as .xlsx, or export CSV."
        ) from None


def _check_sheet_data(
    source: Source, head: list[list[Any]], header_row: int | None, names: list[str]
) -> None:
    if header_row is None and not any(_filled(c) for row in head[:HEADER_SCAN_ROWS] for c in row):
        others = [safe_text(n) for n in names if n != source.sheet]
        advice = (
            f"Its other sheets are: {', '.join(others)}; pass one with --sheet."
            if others
            else "Export the survey again."
        )
        raise InputError(f"{source.where()} has no data. {advice}")


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _UnexpectedRows(Exception):
    """python-calamine streamed a different number of rows than its sheet has."""


def _sheet_rows(sheet: Any) -> tuple[int, Iterator[list[Any]]]:
    """``(count, rows)``: the rows of a sheet as ``to_python(skip_empty_area=False)`` gives
    them (from row 1 and column A, blank cells ``""``), streamed by ``iter_rows()`` so the whole
    sheet never exists as Python lists at once. ``iter_rows()`` yields the blank rows above the
    data but not the blank columns left of it: those are added here. Whoever reads the rows
    checks that there were ``count`` of them (:class:`_UnexpectedRows`)."""
    start, end = sheet.start, sheet.end
    if start is None or end is None:
        return 0, iter(())
    rows = sheet.iter_rows()
    return end[0] + 1, map(([""] * start[1]).__add__, rows) if start[1] else rows


def _check_cells(name: str, sheet: str, height: int, width: int, max_cells: int) -> None:
    if height * width > max_cells:
        raise InputError(
            f"{name}, sheet {safe_text(sheet)}: {height} rows × {width} columns is more than the "
            f"{max_cells:,} cells allowed. Pass --max-cells to raise the limit, or export CSV."
        )


def _drop_empty_trailing_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without the columns at its end that have neither a name nor a value."""
    keep = frame.shape[1]
    while (
        keep
        and frame.columns[keep - 1] == f"column_{keep}"
        and frame.iloc[:, keep - 1].isna().all()
    ):
        keep -= 1
    return frame if keep == frame.shape[1] else frame.iloc[:, :keep]


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without rows that are blank in every column (the index keeps the file rows).

    Column by column, stopping at the first column with no blank: the usual file (an id column
    that is always filled) costs one null check and no copy."""
    if not frame.shape[1]:
        return frame.iloc[:0]
    blank = None
    for _, column in frame.items():
        missing = column.isna().to_numpy(dtype=bool)
        blank = missing if blank is None else blank & missing
        if not blank.any():
            return frame
    return frame.loc[~blank]


def _frame_from_rows(
    head: list[list[Any]],
    rest: Iterator[list[Any]],
    count: int,
    source: Source,
    header_row: int | None,
) -> tuple[pd.DataFrame, Source]:
    """The frame below the header from a sheet's rows: ``head`` (the first rows, holding the
    header), then ``rest``; ``count`` rows in all."""
    header_index = _header_index(head, source, header_row, count)
    header, duplicates = _clean_header(head[header_index])
    width = len(header)
    columns = [_ColumnBuilder() for _ in range(width)]
    body = itertools.chain(head[header_index + 1 :], rest)
    length = 0
    while chunk := list(itertools.islice(body, _ROW_CHUNK)):
        if min(map(len, chunk)) < width:  # calamine's rows are rectangular; be safe anyway
            chunk = [r + [None] * (width - len(r)) for r in chunk]
        length += len(chunk)
        # Column by column (zip transposes in C): a chunk of rows at a time, so the sheet never
        # exists as Python lists at once; each column is typed once, at the end.
        for column, cells in zip(columns, zip(*chunk, strict=False), strict=False):
            column.add(cells)
    frame = pd.DataFrame(
        {name: column.series() for name, column in zip(header, columns, strict=True)},
        columns=header,
    )
    if header_index + 1 + length != count:
        raise _UnexpectedRows
    frame.index = pd.RangeIndex(header_index + 2, header_index + 2 + len(frame))
    frame = _drop_blank_rows(_drop_empty_trailing_columns(frame))
    return frame, replace(source, header_row=header_index + 1, duplicate_columns=tuple(duplicates))


_ROW_CHUNK = 4096
_FLOAT_CELLS = {float, type(None)}
_FLOAT = {float}
_FLOAT_OR_TEXT = {float, str}


class _ColumnBuilder:
    """One workbook column, added a chunk of cells at a time and typed as
    :func:`_typed_column` types the whole column. Chunks of numbers (the usual rating column)
    are kept as float64 arrays, blank cells (``""``) as NaN with a mask; any other chunk as its
    cells."""

    def __init__(self) -> None:
        self._chunks: list[Any] = []
        self._blanks: list[np.ndarray | None] = []

    def add(self, cells: Sequence[Any]) -> None:
        kinds = set(map(type, cells))
        if kinds == _FLOAT:
            self._chunks.append(np.array(cells, dtype=np.float64))
            self._blanks.append(None)
            return
        if kinds == _FLOAT_OR_TEXT:
            values = np.array(cells, dtype=object)
            blank = values == ""
            filled = values[~blank]
            if set(map(type, filled)) == _FLOAT:
                numbers = np.full(len(values), np.nan)
                numbers[~blank] = filled.astype(np.float64)
                self._chunks.append(numbers)
                self._blanks.append(blank)
                return
        self._chunks.append(cells)
        self._blanks.append(None)

    def series(self) -> pd.Series:
        chunks = self._chunks
        if chunks and all(isinstance(c, np.ndarray) for c in chunks):
            # Every cell a number or "": what _typed_column makes of them, without the cells.
            return pd.Series(np.concatenate(chunks) if len(chunks) > 1 else chunks[0])
        cells: list[Any] = []
        for chunk, blank in zip(chunks, self._blanks, strict=True):
            if isinstance(chunk, np.ndarray):
                values = chunk.tolist()
                if blank is not None:
                    for i in np.flatnonzero(blank):
                        values[i] = ""
                cells += values
            else:
                cells += chunk
        self._chunks, self._blanks = [], []
        return _typed_column(cells)


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


def _header_index(
    rows: list[list[Any]], source: Source, header_row: int | None, count: int | None = None
) -> int:
    """The 0-based header row among the first ``rows`` (of ``count``, default all there are)."""
    count = len(rows) if count is None else count
    if header_row is not None:
        if header_row > count:
            raise InputError(
                f"{source.where()}: --header-row {header_row} is past the end of the data "
                f"({count} rows)."
            )
        return header_row - 1
    scan = rows[:HEADER_SCAN_ROWS]
    platform_header = _platform_header_index(scan)
    if platform_header is not None:
        return platform_header
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


def _platform_header_index(rows: list[list[Any]]) -> int | None:
    """The row holding a survey platform's metadata columns (see :mod:`csi_cli.platforms`)."""
    from csi_cli.platforms import header_row_index

    return header_row_index(rows)


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and cell.strip() == "")


def _clean_header(raw: Sequence[Any]) -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
    """Strip names, name blank ones ``column_N`` (trailing blanks dropped), and make duplicates
    unique as ``name (2)``, reporting them."""
    names = [_header_text(c) if _filled(c) else "" for c in raw]
    # Trailing blank names are kept (a SurveyMonkey matrix leaves its later header cells blank;
    # a trailing comma adds a field to every row); empty ones are dropped after reading.
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
        return format_number(cell)
    return str(cell).strip()


def _read_parquet(path: Path) -> tuple[pd.DataFrame, Source]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise InputError(
            f"{safe_text(path.name)} is not a readable parquet file ({safe_text(exc, 120)})."
        ) from None
    frame.columns = [str(c) for c in frame.columns]
    frame = nested_columns_as_text(frame)
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
    header = padded_header(header, rows[header_index + 1 :], len(rows[header_index]))
    _check_text_size(path, len(head), text_head.count("\n"), len(header), max_cells)
    records = csv.reader(io.StringIO(text_head, newline=""), delimiter=delimiter)
    for _ in itertools.islice(records, header_index + 1):
        pass
    # pandas' C parser skips records; pyarrow skips lines (a cell may span several lines).
    try:
        frame = _parse_csv(path, encoding, delimiter, (header_index + 1, records.line_num), header)
    except RaggedRows:
        raise ragged_rows_error(source, encoding, header_index, len(header)) from None
    frame = drop_unnamed_blank_columns(frame)
    frame.index = pd.RangeIndex(header_index + 2, header_index + 2 + len(frame))
    frame = _drop_blank_rows(_drop_empty_trailing_columns(frame))
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
        index_col=False,
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
    dropped later) so every respondent keeps its file row number.

    pyarrow.csv is called directly with what ``pandas.read_csv(engine="pyarrow")`` would pass
    for these options (only ``""`` is missing, so "N/A" stays text and is reported), without
    pandas' renaming and checks around it."""
    width = len(options["names"])
    try:
        frame = _read_arrow_csv(path, encoding, options, skip_lines)
    except RaggedRows:
        raise
    except Exception:
        frame = pd.read_csv(path, encoding=encoding, engine="c", **options)
    if frame.shape[1] != width:
        raise InputError(f"{safe_text(path.name)}: rows do not have {width} fields")
    return frame


def _read_arrow_csv(
    path: Path, encoding: str, options: dict[str, Any], skip_lines: int
) -> pd.DataFrame:
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    if has_hex_numbers(path):  # pyarrow reads '0x10' as 16: let pandas keep it as text
        raise ValueError("hexadecimal cells")
    names = options["names"]
    table = arrow_csv.read_csv(
        path,
        read_options=arrow_csv.ReadOptions(
            skip_rows=skip_lines,
            column_names=[f"f{i}" for i in range(len(names))],
            encoding=encoding,
        ),
        parse_options=arrow_csv.ParseOptions(
            delimiter=options["sep"],
            ignore_empty_lines=options["skip_blank_lines"],
            invalid_row_handler=(ragged := RaggedCounter()),
        ),
        convert_options=arrow_csv.ConvertOptions(
            null_values=options["na_values"], strings_can_be_null=True
        ),
    )
    if ragged.count:
        raise RaggedRows
    if table.num_rows == 0:  # pandas' pyarrow engine calls this an empty file: parse in C
        raise ValueError("no rows")
    # As pandas does: an all-blank column (arrow's null type) is float64 NaN.
    for i, arrow_type in enumerate(table.schema.types):
        if pa.types.is_null(arrow_type):
            table = table.set_column(
                i, table.field(i).with_type(pa.float64()), table.column(i).cast(pa.float64())
            )
    frame = table.to_pandas()
    frame.columns = names
    return frame
