"""Reading a column of respondent dates without guessing silently.

Text dates are read by their shape, once per distinct value:

- year first: ``2026-09-16``, ``2026/9/16``, ``2026.09.16``, ``20261001``, ``2026年9月16日``,
  a month alone (``2026-09``, ``2026年9月``: its first day), optionally with a time of day and
  a UTC offset (``2026-09-16T23:30:00+08:00``);
- day and month first, with a four-digit year: ``16/09/2026``, ``16.09.2026``, ``09-16-2026``.
  Their order is inferred from the whole column: a first number over 12 makes it day-first, a
  second number over 12 month-first. A column where no value decides (every date could be read
  either way, and some would change) is refused, naming the ``[survey] date_format`` to add;
  a column where values decide both ways is refused too.

A time of day never moves a date: a respondent's date is the calendar day written (the local
day of its time zone), so ``2026-09-30T23:30-05:00`` is 30 September whatever the offsets of
the other rows. ``[survey] date_format`` (a ``strftime`` format such as ``"%d/%m/%Y"``)
overrides all of this. Numbers are Excel serial days (since 1899-12-30), or ``YYYYMMDD`` when
every number of the column is one. Blank cells are counted, for the report to say how many
respondents have no date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from csi_cli.errors import InputError, safe_text

DateOrder = Literal["year-first", "day-first", "month-first", "format", "serial", "compact", ""]

_TIME = r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_YEAR_FIRST = (
    rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$",
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$",
    r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*\d{1,2}[:时点]\d{2}.*)?$",
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$",
    r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月$",
)
_TWO_NUMBERS_FIRST = rf"^(?P<a>\d{{1,2}})[-/.](?P<b>\d{{1,2}})[-/.](?P<y>\d{{4}}){_TIME}$"
_TWO_DIGIT_YEAR = r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$"
_ORDER_FORMATS = {"day-first": "%d/%m/%Y", "month-first": "%m/%d/%Y"}
#: Excel's serial day numbers stop at 9999-12-31.
_LAST_SERIAL = 2_958_465


@dataclass(frozen=True)
class DateReading:
    """A column of dates as read: ``dates`` (``datetime64[ns]``, NaT when blank), how they
    were read (``order``), and how many cells were blank."""

    dates: pd.Series
    order: DateOrder
    blank: int

    def describe(self) -> str:
        """How the dates were read, for the report's notes (empty when nothing to say)."""
        parts = []
        if self.order in ("day-first", "month-first"):
            example = "16/09/2026 = 16 September" if self.order == "day-first" else "09/16/2026"
            parts.append(f"dates read {self.order} ({example}), as the column's values show")
        if self.blank:
            parts.append(
                f"{self.blank} respondent{'s have' if self.blank > 1 else ' has'} no date "
                "(in no period)"
            )
        return "; ".join(parts)


def read_dates(values: pd.Series, date_format: str | None = None, where: str = "") -> DateReading:
    """Each respondent's date (see the module docstring for what is read and how).

    Parameters
    ----------
    values : pandas.Series
        The date column as loaded.
    date_format : str, optional
        ``[survey] date_format``: a ``strftime`` format every non-blank value must match.
    where : str
        ``file, column C`` for messages.

    Raises
    ------
    InputError
        A value that is not a date (the message names it and its row), a column whose day and
        month order cannot be told (naming the ``date_format`` to add), or one mixing both.
    """
    prefix = f"{where}: " if where else ""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values.dt.tz_localize(None) if values.dt.tz is not None else values
        return DateReading(dates.astype("datetime64[ns]"), "", int(dates.isna().sum()))
    if pd.api.types.is_bool_dtype(values.dtype):
        raise InputError(f"{prefix}the date column holds true/false values, not dates.")
    if pd.api.types.is_numeric_dtype(values.dtype):
        return _numeric_dates(values, prefix)
    text = values.astype("string").str.strip().replace("", pd.NA)
    blank = int(text.isna().sum())
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    unique_text = pd.Series(uniques, dtype="string")
    if date_format is not None:
        parsed, order = pd.to_datetime(unique_text, format=date_format, errors="coerce"), "format"
    else:
        parsed, order = _text_dates(unique_text, prefix)
    bad = parsed.isna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        row = values.index[int(np.flatnonzero(codes == first)[0])]
        advice = (
            f"it does not match [survey] date_format = {date_format!r}"
            if date_format is not None
            else 'write dates as 2026-10-03 (or set [survey] date_format, e.g. "%d/%m/%Y")'
        )
        raise InputError(
            f"{prefix}row {row}: '{safe_text(unique_text.iloc[first])}' is not a date; {advice}."
        )
    dates = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    known = codes >= 0
    dates[known] = parsed.to_numpy(dtype="datetime64[ns]")[codes[known]]
    return DateReading(pd.Series(dates, index=values.index), order, blank)


def _numeric_dates(values: pd.Series, prefix: str) -> DateReading:
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    filled = numbers[~np.isnan(numbers)]
    compact = (
        filled.size > 0
        and np.all(filled == np.floor(filled))
        and np.all((filled >= 1000_01_01) & (filled <= 9999_12_31))
    )
    if compact:
        text = pd.Series(numbers, index=values.index).map(
            lambda n: None if np.isnan(n) else f"{int(n)}"
        )
        reading = read_dates(text, "%Y%m%d", prefix.rstrip(": "))
        return DateReading(reading.dates, "compact", reading.blank)
    outside = ~np.isnan(numbers) & ((numbers < 1) | (numbers > _LAST_SERIAL))
    if outside.any():
        row = values.index[int(np.flatnonzero(outside)[0])]
        raise InputError(
            f"{prefix}row {row}: {numbers[outside][0]:g} is not a date (as an Excel serial day "
            "number it lies outside 1900–9999). Write dates as 2026-10-03."
        )
    dates = pd.to_datetime(numbers, unit="D", origin="1899-12-30")
    return DateReading(
        pd.Series(dates, index=values.index).dt.floor("s"), "serial", int(np.isnan(numbers).sum())
    )


def _text_dates(text: pd.Series, prefix: str) -> tuple[pd.Series, DateOrder]:
    """Distinct text values as dates, and the order of day and month used."""
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for pattern in _YEAR_FIRST:
        parts = text.str.extract(pattern)
        found = parts["y"].notna() & dates.isna()
        day = parts["d"] if "d" in parts else pd.Series("1", index=text.index)
        dates[found] = _assemble(parts["y"][found], parts["m"][found], day[found])
    order: DateOrder = "year-first"
    parts = text.str.extract(_TWO_NUMBERS_FIRST)
    found = parts["y"].notna() & dates.isna()
    if found.any():
        order = _day_month_order(text[found], parts[found], prefix)
        day, month = ("a", "b") if order == "day-first" else ("b", "a")
        dates[found] = _assemble(parts["y"][found], parts[month][found], parts[day][found])
    two_digit = text.str.fullmatch(_TWO_DIGIT_YEAR).fillna(False) & dates.isna()
    if two_digit.any():
        raise InputError(
            f"{prefix}'{safe_text(text[two_digit].iloc[0])}' has a two-digit year, which csi does "
            'not guess. Add its format to the spec: [survey] date_format = "%d/%m/%y" (or '
            '"%m/%d/%y", "%y/%m/%d").'
        )
    rest = dates.isna()
    if rest.any():  # month names ("16 Sep 2026") and other unambiguous forms
        dates[rest] = _named_month_dates(text[rest])
    return dates, order


def _named_month_dates(text: pd.Series) -> pd.Series:
    """Dates pandas reads without a day/month order to guess: those naming the month."""
    named = text.str.contains(r"[A-Za-z]{3}", regex=True).fillna(False)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for index, value in text[named].items():
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, OverflowError):
            continue
        result[index] = stamp.tz_localize(None) if stamp.tzinfo is not None else stamp
    return result


def _day_month_order(text: pd.Series, parts: pd.DataFrame, prefix: str) -> DateOrder:
    first, second = parts["a"].astype(int), parts["b"].astype(int)
    day_first, month_first = first > 12, second > 12
    if day_first.any() and month_first.any():
        raise InputError(
            f"{prefix}the dates mix day-first ('{safe_text(text[day_first].iloc[0])}') and "
            f"month-first ('{safe_text(text[month_first].iloc[0])}') order. Correct the column "
            "so every date has one order."
        )
    if day_first.any():
        return "day-first"
    if month_first.any() or (first == second).all():
        return "month-first"
    raise InputError(
        f"{prefix}dates such as '{safe_text(text[first != second].iloc[0])}' can be read "
        "day-first or month-first, and no date in the column tells which. Add the order to the "
        f'spec: [survey] date_format = "{_ORDER_FORMATS["day-first"]}" (day first) or '
        f'"{_ORDER_FORMATS["month-first"]}" (month first).'
    )


def _assemble(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """Dates from text parts; an impossible date (2026-02-30) is NaT, reported as not a date."""
    frame = pd.DataFrame({"year": year, "month": month, "day": day}).astype("Int64")
    return pd.to_datetime(frame, errors="coerce") if len(frame) else pd.Series(dtype="M8[ns]")
