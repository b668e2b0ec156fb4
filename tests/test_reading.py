"""The vectorised scan of a sheet's cell references (``workbook_limits.reference_extent``),
which sizes a workbook before it is opened, against a plain regular-expression reading of the
same XML."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from csi_cli.workbook_limits import reference_extent

COLUMN = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3)
ROW = st.integers(min_value=1, max_value=99_999_999)
REFERENCE = re.compile(rb' r="([A-Z]*)([0-9]+)"')


def column_number(letters: bytes) -> int:
    """Spreadsheet column letters as a number (A = 1, Z = 26, AA = 27)."""
    number = 0
    for byte in letters:
        number = number * 26 + byte - ord("A") + 1
    return number


def expected_extent(xml: bytes) -> tuple[int, int]:
    found = REFERENCE.findall(xml)
    return max(int(r) for _, r in found), max(column_number(c) for c, _ in found if c)


@given(st.lists(st.tuples(COLUMN, ROW), min_size=1, max_size=60), ROW)
def test_extent_is_the_furthest_row_and_column(cells: list[tuple[str, int]], row: int) -> None:
    body = "".join(f'<c r="{c}{r}" t="n"><v>{r}</v></c>' for c, r in cells)
    xml = f'<sheetData><row r="{row}">{body}</row></sheetData>'.encode()
    assert reference_extent(xml) == expected_extent(xml)


def test_reference_at_the_very_end_of_the_buffer() -> None:
    assert reference_extent(b'<c r="XFD1048576"') == (1_048_576, 16_384)


def test_no_reference_is_no_extent() -> None:
    assert reference_extent(b"<sheetData></sheetData>") == (0, 0)
