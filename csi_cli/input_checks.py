"""Checks on hostile input files, used by :mod:`csi_cli.reading` and :mod:`csi_cli.spec`.

- Only regular files are read: a FIFO would hang, ``/dev/zero`` never ends, a symlink to
  ``/dev/urandom`` is not "empty".
- A spec is small text: at most :data:`MAX_SPEC_BYTES` are read.
- A workbook part may not expand more than :data:`MAX_EXPANSION_RATIO` times (real sheets
  compress 5–20×; a bomb 1000×), nor beyond what ``--max-cells`` cells can need
  (:data:`BYTES_PER_CELL` each), judged from the zip directory before anything is inflated.
- A delimited file is parsed with as many fields as its rows have: a trailing delimiter on
  every line (common in exports) or a blank last header cell adds an unnamed, empty column,
  dropped after parsing; rows with another number of fields are refused by row, never shifted.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import os
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from csi_cli.errors import PATH_LIMIT, InputError, SpecError, safe_text

if TYPE_CHECKING:
    from csi_cli.reading import Source

#: Largest spec file read (a spec is a page of TOML; this is a thousand pages).
MAX_SPEC_BYTES = 1 << 20
#: Largest ratio of a workbook part's size to its compressed size.
MAX_EXPANSION_RATIO = 200
#: Parts smaller than this are never judged by their ratio (a small, repetitive part may
#: compress very well and harms no one).
RATIO_FLOOR_BYTES = 16 << 20
#: Most bytes of XML one cell can take in a sheet or in the shared strings: a generous bound
#: (a cell with a style and a 5-digit shared-string index takes about 40).
BYTES_PER_CELL = 200


def check_regular_file(path: Path, what: str) -> None:
    """Refuse anything but a regular file (symlinks followed): a FIFO, a device, a socket.

    Raises
    ------
    InputError
        Naming the path, what it is, and to give a file instead.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # a missing or unreadable file is reported by whoever opens it
    if stat.S_ISREG(mode):
        return
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    link = (
        f" (a link to {safe_text(os.path.realpath(path), PATH_LIMIT)})" if path.is_symlink() else ""
    )
    raise InputError(
        f"{safe_text(path, PATH_LIMIT)}{link} is {kind}, not a {what}. csi reads only regular "
        "files: save the data to a file first."
    )


def read_spec_bytes(path: Path) -> bytes:
    """The bytes of a spec file, refused when it is not a regular file or is larger than
    :data:`MAX_SPEC_BYTES`.

    Raises
    ------
    SpecError
        Naming the file and the limit. (``FileNotFoundError`` and other ``OSError`` pass
        through, for the caller's message.)
    """
    try:
        check_regular_file(path, "spec file")
    except InputError as error:
        raise SpecError(error.message) from None
    with path.open("rb") as stream:
        data = stream.read(MAX_SPEC_BYTES + 1)
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(
            f"spec {safe_text(path, PATH_LIMIT)} is larger than {MAX_SPEC_BYTES // 1024} KiB: "
            "a spec is a short TOML file. Check that --spec names the spec, not the data."
        )
    return data


def check_zip_expansion(path: Path, max_cells: int) -> None:
    """Refuse a workbook with a part that expands more than :data:`MAX_EXPANSION_RATIO` times
    (once larger than :data:`RATIO_FLOOR_BYTES`) or to more than ``max_cells`` ×
    :data:`BYTES_PER_CELL` bytes, from the sizes the zip directory declares. (A part larger
    than it declares stops the reader when it gets there: see ``zip_bomb_forged``.)

    Raises
    ------
    InputError
        Naming the file, the part, its sizes and what to do.
    """
    allowed = max_cells * BYTES_PER_CELL
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        too_dense = part.file_size > RATIO_FLOOR_BYTES and ratio > MAX_EXPANSION_RATIO
        if too_dense or part.file_size > allowed:
            reason = (
                f"{ratio:,.0f} times its {_size(part.compress_size)} on disk; real workbooks "
                f"expand at most about {MAX_EXPANSION_RATIO} times"
                if too_dense
                else f"more than the {max_cells:,} cells allowed can need"
            )
            raise InputError(
                f"{safe_text(path.name)}: its part {safe_text(part.filename)} would expand to "
                f"{_size(part.file_size)} when opened, {reason}. It may be a zip bomb; if it is "
                "a real survey, export CSV (or pass --max-cells to raise the limit)."
            )


def _size(count: float) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if count < 1024:
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GiB"


# --- the width of delimited rows ------------------------------------------------------------

_PLACEHOLDER = "column_{}"


def padded_header(header: list[str], body: Sequence[Sequence[Any]], raw_width: int) -> list[str]:
    """The names to parse with: ``header`` (trailing blank names already dropped), extended
    with ``column_N`` names up to the number of fields the rows have. That number is the one
    every sampled non-blank row of ``body`` has when they agree and it is at least the named
    width (a trailing delimiter on data lines only), else the header line's own field count."""
    widths = Counter(len(row) for row in body if any(str(c).strip() for c in row))
    width = raw_width
    if len(widths) == 1 and next(iter(widths)) >= len(header):
        width = next(iter(widths))
    width = max(width, len(header))
    return header + [_PLACEHOLDER.format(i + 1) for i in range(len(header), width)]


def drop_unnamed_blank_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop trailing ``column_N`` columns (no name in the header) that hold nothing: what a
    trailing delimiter adds. One with data is kept (under its ``column_N`` name)."""
    names = list(frame.columns)
    keep = len(names)
    while (
        keep
        and names[keep - 1] == _PLACEHOLDER.format(keep)
        and frame.iloc[:, keep - 1].isna().all()
    ):
        keep -= 1
    return frame if keep == len(names) else frame.iloc[:, :keep]


_HEX_CELL = re.compile(rb"(?:^|[,;\t|])\s*[+-]?0[xX][0-9a-fA-F]+\s*(?:$|[,;\t|\r\n])", re.M)


def has_hex_numbers(path: Path) -> bool:
    """Whether a cell of the file is written like ``0x10``, which pyarrow's parser reads as
    the integer 16 (a person typing it meant no rating). A byte search over the mapped file
    finds ``0x`` in well under a second for a gigabyte; the regular expression only runs when
    it is there."""
    with path.open("rb") as stream:
        if os.fstat(stream.fileno()).st_size == 0:
            return False
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data.find(b"0x") < 0 and data.find(b"0X") < 0:
                return False
            return _HEX_CELL.search(data) is not None


class RaggedRows(Exception):
    """The parser met rows whose number of fields differs from the header's."""


class RaggedCounter:
    """pyarrow ``invalid_row_handler``: counts the rows of the wrong width and skips them
    (the caller then refuses the file, naming the rows)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _row: Any) -> str:
        self.count += 1
        return "skip"


def ragged_rows_error(source: Source, encoding: str, header_index: int, width: int) -> InputError:
    """The error for a file with rows of another width than ``width``: it names them (by the
    row numbers a person sees in Excel) with the number of fields they have. Reads the file
    again with :mod:`csv`, which only happens on this error path."""
    text = source.path.read_bytes().decode(encoding, errors="replace")
    records = csv.reader(io.StringIO(text, newline=""), delimiter=source.delimiter or ",")
    wrong: dict[int, int] = {}
    for number, record in enumerate(records, start=1):
        if number > header_index + 1 and record and len(record) != width:
            wrong[number] = len(record)
    rows = sorted(wrong)
    counts = ", ".join(str(c) for c in sorted(set(wrong.values())))
    shown = codecs.lookup(encoding).name
    return InputError(
        f"{source.where(rows=rows)}: {counts} fields where the header has {width} "
        f"(read as {shown}, delimiter {source.delimiter!r}). Every row must have as many "
        "cells as the header: a cell may hold an unquoted delimiter (quote it), or the "
        "export is cut. Correct those rows or export the file again."
    )


def nested_columns_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet columns of lists, arrays or structs, as text (``[1, 2]``): cells of a survey
    are scalars, and a nested one is then reported like any text (``text-in-rating`` in a
    rating column) instead of crashing what hashes or compares cells."""
    nested = [
        name
        for name in frame.columns
        if frame[name].dtype == object
        and frame[name].map(lambda v: isinstance(v, (list, tuple, dict, np.ndarray))).any()
    ]
    if not nested:
        return frame
    frame = frame.copy()
    for name in nested:
        frame[name] = frame[name].map(_cell_text)
    return frame


def _cell_text(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return str(value) if isinstance(value, (list, tuple, dict)) else value
