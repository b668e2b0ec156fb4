"""How large a workbook really is, judged before calamine allocates anything: the zip archive's
declared sizes and expansion ratios, and the furthest cell a sheet references (a vectorised scan
of its XML). Split from :mod:`csi_cli.reading`."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from csi_cli.errors import InputError, safe_text

#: Largest total uncompressed size of a workbook read.
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3


_EXTENT_CHUNK = 1 << 19  # small enough to stay in the CPU cache


def sheet_extent(path: Path, sheet: str) -> tuple[int, int]:
    """``(rows, columns)`` of the grid a reader builds for ``sheet``: the furthest row and column
    any reference (``r="XFD1048576"``) in its XML names. Streams the part in chunks, so a
    hostile sheet costs a scan, never its grid."""
    from concurrent.futures import ThreadPoolExecutor

    name = safe_text(path.name)
    extents: list[tuple[int, int]] = [(0, 0)]
    try:
        # Inflating (zlib) and scanning (numpy) both release the GIL: a thread scans each chunk
        # while the next one is inflated. At most two chunks wait, so memory stays bounded.
        with zipfile.ZipFile(path) as archive, ThreadPoolExecutor(1) as scanner:
            for part in _sheet_parts(archive, sheet):
                with archive.open(part) as stream:
                    pending: list[Any] = []
                    tail = b""
                    while chunk := stream.read(_EXTENT_CHUNK):
                        data = tail + chunk
                        cut = data.rfind(b"<")
                        data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                        pending.append(scanner.submit(reference_extent, data))
                        if len(pending) > 2:
                            extents.append(pending.pop(0).result())
                    pending.append(scanner.submit(reference_extent, tail))
                    extents += [scan.result() for scan in pending]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(
            f"{name}, sheet {safe_text(sheet)} cannot be read ({safe_text(exc, 120)}). It may be "
            "damaged: save the workbook again as .xlsx, or export CSV."
        ) from None
    return max(rows for rows, _ in extents), max(columns for _, columns in extents)


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


_REFERENCE = int.from_bytes(b' r="', "little")
_U64 = np.uint64
_HIGH_BITS = _U64(0x8080808080808080)
_TENS = _U64(0x0A0A0A0A0A0A0A0A)
_ZEROS = _U64(0x3030303030303030)
#: Bit 7 of each byte, lowest byte first: a word's highest flag among them names its byte.
_BYTE_FLAGS = np.array([1 << (8 * k + 7) for k in range(8)], dtype=np.uint64)


def reference_extent(data: bytes) -> tuple[int, int]:
    """The largest row and column named by `` r="..."`` attributes in a piece of sheet XML (rows
    ``<row r="7">`` and cells ``<c r="AB7">``), vectorised: no Python loop per cell.

    Each reference is read as two 8-byte words (its letters, then its digits, first byte
    highest): the letters (at most 3) and digits (at most 8) are counted with whole-array bit
    operations, and among the references with the most letters (digits) the largest word names
    the furthest column (row)."""
    size = len(data)
    if size < 4:
        return 0, 0
    a = np.frombuffer(data + b"\0" * 16, dtype=np.uint8)
    # Overlapping little-endian words starting at every byte (a view, no copy).
    words32 = np.ndarray(shape=(size,), dtype="<u4", buffer=a, strides=(1,))
    words64 = np.ndarray(shape=(size + 8,), dtype="<u8", buffer=a, strides=(1,))
    near = np.flatnonzero(a[1:size] == ord("r"))  # ' r="' starts one byte before an 'r'
    start = near[words32[near] == _REFERENCE] + 4
    if start.size == 0:
        return 0, 0
    head = words64[start].byteswap()  # first byte of the reference highest
    letters = np.zeros(start.size, dtype=np.int64)
    alive = np.ones(start.size, dtype=bool)
    for k in range(3):
        alive &= ((head >> _U64(56 - 8 * k)) & _U64(0xFF)) - _U64(ord("A")) < _U64(26)
        letters += alive
    digits_word = words64[start + letters].byteswap()
    shifted = digits_word ^ _ZEROS  # digit bytes become 0..9
    not_digit = (((shifted | _HIGH_BITS) - _TENS) | shifted) & _HIGH_BITS  # bit 7 per byte
    # The highest flag is in the first non-digit byte; the bytes above it are the digits.
    digits = 8 - np.searchsorted(_BYTE_FLAGS, not_digit, side="right")
    column = row = 0
    most = int(letters.max())
    if most:
        for byte in int(head[letters == most].max()).to_bytes(8, "big")[:most]:
            column = column * 26 + byte - (ord("A") - 1)
    most = int(digits.max())
    if most:
        row = int(int(digits_word[digits == most].max()).to_bytes(8, "big")[:most])
    return row, column


def check_zip(path: Path) -> None:
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
