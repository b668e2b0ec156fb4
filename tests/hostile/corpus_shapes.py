"""Hostile shapes that used to give wrong numbers with exit 0: shifted columns, dates read in
the wrong order, values that are no ratings. Expected numbers come from the values written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.helpers import write_csv, write_xlsx
from tests.hostile.corpus import VALIDATE, Case, _csv_text, _table, survey_numbers

# --- widths --------------------------------------------------------------------------------


def _trailing(folder: Path, name: str, delimiter: str, header_too: bool) -> Case:
    header, rows = _table()
    lines = _csv_text(header, rows, delimiter).split("\r\n")
    ended = [
        line + delimiter if line and (header_too or number > 0) else line
        for number, line in enumerate(lines)
    ]
    path = folder / name
    path.write_text("\r\n".join(ended), encoding="utf-8")
    return Case(path, 0, numbers=survey_numbers(header, rows))


def trailing_comma_every_line(folder: Path) -> Case:
    """Every line ends with ``,`` (header included): a blank last header cell. pandas used the
    first column as the index and shifted every column (IMAG1 held IMAG2's data)."""
    return _trailing(folder, "trailing.csv", ",", header_too=True)


def trailing_comma_rows_only(folder: Path) -> Case:
    """Data lines end with ``,``, the header does not."""
    return _trailing(folder, "rows-trailing.csv", ",", header_too=False)


def trailing_semicolon_every_line(folder: Path) -> Case:
    return _trailing(folder, "trailing-semicolon.csv", ";", header_too=True)


def trailing_tab_rows_only(folder: Path) -> Case:
    return _trailing(folder, "trailing.tsv", "\t", header_too=False)


def xlsx_blank_last_header_cell(folder: Path) -> Case:
    """A workbook whose last header cell is blank above an empty column: read as written."""
    header, rows = _table()
    path = write_xlsx(
        folder / "blank-last.xlsx", {"S": ([*header, ""], [[*r, None] for r in rows])}
    )
    return Case(path, 0, numbers=survey_numbers(header, rows))


def ragged_rows(folder: Path) -> Case:
    """Rows 5 and 9 have one field too many (an unquoted comma in a remark): refused, naming
    them, instead of shifting their cells."""
    header, rows = _table(20)
    lines = _csv_text(header, rows).split("\r\n")
    for number in (5, 9):
        lines[number - 1] += ",送货快,包装好"
    path = folder / "ragged.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    return Case(path, 2, words=("ragged.csv", "rows 5, 9", "fields where the header has"))


def short_row(folder: Path) -> Case:
    """Row 7 is cut short (an export interrupted mid-line)."""
    header, rows = _table(20)
    lines = _csv_text(header, rows).split("\r\n")
    lines[6] = ",".join(lines[6].split(",")[:4])
    path = folder / "short.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    return Case(path, 2, words=("short.csv", "row 7", "4 fields"))


# --- dates ---------------------------------------------------------------------------------

REPORT = ("report", "--period", "2026-10", "--bootstrap", "50")


def _dated(folder: Path, name: str, write: Callable[[dt.date, int], Any], days: list[int]) -> Case:
    """60 respondents, half in September and half in October 2026 on the given days; each
    date written by ``write(date, i)``. ``report --period 2026-10`` must count the Octobers."""
    header, rows = _table(60)
    dates = [dt.date(2026, 9 + i % 2, days[i % len(days)]) for i in range(len(rows))]
    path = write_csv(
        folder / name,
        ["date", *header],
        [[write(d, i), *r] for i, (d, r) in enumerate(zip(dates, rows, strict=True))],
    )
    october = sum(d.month == 10 for d in dates)
    return Case(
        path,
        0,
        commands=((VALIDATE,), REPORT),
        numbers={"current.index.n": october, "prior.index.n": len(rows) - october},
    )


_LATE = [3, 14, 16, 21, 28, 9]  # days over 12 decide the order


def day_first_slashes(folder: Path) -> Case:
    """``16/09/2026``: read day-first (16 September), not month-first or refused."""
    return _dated(folder, "dmy.csv", lambda d, _: d.strftime("%d/%m/%Y"), _LATE)


def day_first_dots(folder: Path) -> Case:
    return _dated(folder, "dmy-dots.csv", lambda d, _: d.strftime("%d.%m.%Y"), _LATE)


def month_first_slashes(folder: Path) -> Case:
    return _dated(folder, "mdy.csv", lambda d, _: f"{d.month}/{d.day}/{d.year}", _LATE)


def compact_dates(folder: Path) -> Case:
    """``20261001``: eight digits, as text in the file (read as numbers by the parser)."""
    return _dated(folder, "compact.csv", lambda d, _: d.strftime("%Y%m%d"), _LATE)


def chinese_dates(folder: Path) -> Case:
    return _dated(folder, "cn.csv", lambda d, _: f"{d.year}年{d.month}月{d.day}日", _LATE)


def iso_dates_mixed_offsets(folder: Path) -> Case:
    """ISO timestamps in several time zones, late at night: each respondent's date is the day
    written (30 September 23:30 at -05:00 is September, though UTC says October)."""
    zones = ["+08:00", "-05:00", "Z", "+0530"]
    return _dated(
        folder,
        "iso.csv",
        lambda d, i: f"{d.isoformat()}T23:30:00{zones[i % len(zones)]}",
        [30, 30, 1, 15, 29],
    )


def blank_dates(folder: Path) -> Case:
    """Some dates blank: those respondents are in no period (counted, not in either)."""
    header, rows = _table(60)
    dates = [None if i % 7 == 0 else f"2026-{9 + i % 2:02d}-15" for i in range(len(rows))]
    path = write_csv(
        folder / "blank-dates.csv",
        ["date", *header],
        [[d, *r] for d, r in zip(dates, rows, strict=True)],
    )
    october = sum(d is not None and d.startswith("2026-10") for d in dates)
    september = sum(d is not None and d.startswith("2026-09") for d in dates)
    return Case(
        path,
        0,
        commands=((VALIDATE,), REPORT),
        numbers={"current.index.n": october, "prior.index.n": september},
    )


def ambiguous_dates(folder: Path) -> Case:
    """Every day ≤ 12 and some day ≠ month: no value tells the order. Refused, naming the
    spec key that decides."""
    case = _dated(folder, "ambiguous.csv", lambda d, _: d.strftime("%d/%m/%Y"), [1, 3, 5, 7])
    return Case(
        case.path,
        2,
        commands=(REPORT,),
        words=("ambiguous.csv", "column date", "day-first or month-first", "date_format"),
    )


def ambiguous_dates_with_format(folder: Path) -> Case:
    """The same file with ``[survey] date_format = "%d/%m/%Y"``: read as the spec says."""
    case = _dated(folder, "ambiguous.csv", lambda d, _: d.strftime("%d/%m/%Y"), [1, 3, 5, 7])
    spec = folder / "csi.toml"
    spec.write_text('[survey]\ndate_format = "%d/%m/%Y"\n', encoding="utf-8")
    return Case(
        case.path, 0, commands=case.commands, args=("--spec", str(spec)), numbers=case.numbers
    )


def mixed_order_dates(folder: Path) -> Case:
    """16/09/2026 and 09/16/2026 in one column: refused (no order reads both)."""

    def write(d: dt.date, i: int) -> str:
        return d.strftime("%d/%m/%Y" if i % 2 else "%m/%d/%Y")

    case = _dated(folder, "mixed.csv", write, [16, 17, 18])
    return Case(case.path, 2, commands=(REPORT,), words=("mixed.csv", "mix day-first"))


def two_digit_years(folder: Path) -> Case:
    case = _dated(folder, "yy.csv", lambda d, _: d.strftime("%d/%m/%y"), _LATE)
    return Case(case.path, 2, commands=(REPORT,), words=("yy.csv", "two-digit year", "%d/%m/%y"))


def impossible_date(folder: Path) -> Case:
    header, rows = _table(20)
    dates = ["2026-10-05"] * len(rows)
    dates[4] = "2026-02-30"
    path = write_csv(
        folder / "feb30.csv", ["date", *header], [[d, *r] for d, r in zip(dates, rows, strict=True)]
    )
    return Case(path, 2, commands=(REPORT,), words=("feb30.csv", "row 6", "'2026-02-30'"))


# --- values that are no ratings -----------------------------------------------------------


def _rating(folder: Path, name: str, value: str, code: str, shown: str = "") -> Case:
    """``value`` in SAT1 of row 5; ``shown`` is how the message quotes it (the parser turns
    '-Infinity' and '1e309' into floats: the message says '-inf', 'inf')."""
    header, rows = _table(20)
    rows[3][header.index("SAT1")] = value
    path = write_csv(folder / name, header, rows)
    words = (name, "column SAT1", "row 5", f"'{shown or value}'")
    return Case(path, 2, words=words, codes=(code,))


def infinity_rating(folder: Path) -> Case:
    return _rating(folder, "inf.csv", "inf", "not-a-rating")


def infinity_word_rating(folder: Path) -> Case:
    return _rating(folder, "infinity.csv", "-Infinity", "not-a-rating", "-inf")


def overflowing_rating(folder: Path) -> Case:
    """1e309 overflows a double to infinity."""
    return _rating(folder, "overflow.csv", "1e309", "not-a-rating", "inf")


def underscore_rating(folder: Path) -> Case:
    """``1_0``: Python's float() reads 10."""
    return _rating(folder, "underscore.csv", "1_0", "text-in-rating")


def hex_rating(folder: Path) -> Case:
    """``0x10``: the CSV parser read 16."""
    return _rating(folder, "hex.csv", "0x10", "text-in-rating")


def boolean_ratings(folder: Path) -> Case:
    """A rating column of TRUE/FALSE (a checkbox exported into the block): no ratings."""
    header, rows = _table(20)
    for i, row in enumerate(rows):
        row[header.index("SAT1")] = "TRUE" if i % 2 else "FALSE"
    path = write_csv(folder / "bool.csv", header, rows)
    return Case(path, 2, words=("bool.csv", "column SAT1", "true/false"), codes=("not-a-rating",))


CASES: dict[str, Callable[[Path], Case]] = {
    f.__name__: f
    for f in (
        trailing_comma_every_line,
        trailing_comma_rows_only,
        trailing_semicolon_every_line,
        trailing_tab_rows_only,
        xlsx_blank_last_header_cell,
        ragged_rows,
        short_row,
        day_first_slashes,
        day_first_dots,
        month_first_slashes,
        compact_dates,
        chinese_dates,
        iso_dates_mixed_offsets,
        blank_dates,
        ambiguous_dates,
        ambiguous_dates_with_format,
        mixed_order_dates,
        two_digit_years,
        impossible_date,
        infinity_rating,
        infinity_word_rating,
        overflowing_rating,
        underscore_rating,
        hex_rating,
        boolean_ratings,
    )
}
