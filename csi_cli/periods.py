"""Reporting periods from a date column: months (``2026-10``), quarters (``2026Q4``), ranges.

A :class:`Period` is a closed range of calendar days with the label people typed; its
:meth:`~Period.previous` is the period of the same kind and length immediately before it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from csi_cli.dates import read_dates
from csi_cli.errors import InputError, UsageError, safe_text

_MONTH = re.compile(r"^\d{4}-\d{1,2}$")
_QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
RANGE_SEPARATOR = ".."
#: Years a period may name: survey dates, not the limits of a calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2999

PeriodKind = Literal["month", "quarter", "range"]


@dataclass(frozen=True)
class Period:
    """A closed range of days ``first..last`` with its label (``2026-10``, ``2026Q4``,
    ``2026-09-01..2026-10-15``)."""

    label: str
    kind: PeriodKind
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        """Number of calendar days in the period."""
        return (self.last - self.first).days + 1

    @property
    def file_label(self) -> str:
        """The label as part of a file name (``..`` of a range becomes ``--``)."""
        return self.label.replace(RANGE_SEPARATOR, "--")

    def previous(self) -> Period:
        """The period of the same length immediately before: the previous month or quarter, or
        for a range the same number of days ending the day before it starts."""
        if self.kind == "range":
            last = self.first - dt.timedelta(days=1)
            first = last - dt.timedelta(days=self.days - 1)
            return Period(f"{first}{RANGE_SEPARATOR}{last}", "range", first, last)
        freq = "M" if self.kind == "month" else "Q"
        return _calendar_period(pd.Period(self.first, freq=freq) - 1, self.kind)

    def contains(self, dates: pd.Series) -> np.ndarray:
        """Boolean mask of the dates (``datetime64``, ``NaT`` for blanks) inside the period.
        Compared as numpy days, so a period reaching past pandas' years (1677–2262) works."""
        days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        first, last = np.datetime64(self.first, "D"), np.datetime64(self.last, "D")
        return (days >= first) & (days <= last)


def _calendar_period(period: pd.Period, kind: PeriodKind) -> Period:
    """A month or quarter as days, by the calendar (pandas' timestamps stop at 1677 and 2262)."""
    label = str(period) if kind == "month" else f"{period.year}Q{period.quarter}"
    first_month = period.month if kind == "month" else 3 * period.quarter - 2
    last_month = first_month + (0 if kind == "month" else 2)
    last_day = calendar.monthrange(period.year, last_month)[1]
    first = dt.date(period.year, first_month, 1)
    return Period(label, kind, first, dt.date(period.year, last_month, last_day))


def parse_period(text: str) -> Period:
    """Read ``--period``: a month ``2026-10``, a quarter ``2026Q4`` or a range of days
    ``2026-09-01..2026-10-15`` (both ends included).

    Raises
    ------
    UsageError
        The text is none of these, or a range ends before it starts.
    """
    value = text.strip()
    period = _parsed_period(value)
    if not (period.first.year >= FIRST_YEAR and period.last.year <= LAST_YEAR):
        raise UsageError(
            f"period {safe_text(value)}: survey periods lie between {FIRST_YEAR} and "
            f"{LAST_YEAR}. Give the period the survey covers."
        )
    return period


def _parsed_period(value: str) -> Period:
    try:
        if _MONTH.match(value):
            return _calendar_period(pd.Period(value, freq="M"), "month")
        quarter = _QUARTER.match(value)
        if quarter:
            period = pd.Period(year=int(quarter[1]), quarter=int(quarter[2]), freq="Q")
            return _calendar_period(period, "quarter")
        if value.count(RANGE_SEPARATOR) == 1:
            start, end = (part.strip() for part in value.split(RANGE_SEPARATOR))
            if _DAY.match(start) and _DAY.match(end):
                first, last = dt.date.fromisoformat(_iso(start)), dt.date.fromisoformat(_iso(end))
                if last < first:
                    raise UsageError(f"period {safe_text(value)}: the range ends before it starts.")
                return Period(f"{first}{RANGE_SEPARATOR}{last}", "range", first, last)
    except ValueError:
        pass
    raise UsageError(
        f"'{safe_text(value)}' is not a period: write a month (2026-10), a quarter (2026Q4) or "
        "a range of days (2026-09-01..2026-10-15)."
    )


def _iso(day: str) -> str:
    year, month, date = day.split("-")
    return f"{year}-{int(month):02d}-{int(date):02d}"


def to_dates(values: pd.Series, date_format: str | None = None, where: str = "") -> pd.Series:
    """Each respondent's date as ``datetime64`` (``NaT`` when blank); see
    :func:`csi_cli.dates.read_dates` for what is read and refused.

    Raises
    ------
    InputError
        When a non-blank value is not a date, or the day/month order cannot be told.
    """
    return read_dates(values, date_format, where).dates


def to_months(values: pd.Series) -> pd.Series:
    """Each respondent's month as a ``pandas.Period`` (``NaT`` when blank); see
    :func:`to_dates`."""
    return pd.Series(pd.PeriodIndex(to_dates(values), freq="M"), index=values.index)


def distinct_months(values: pd.Series, date_format: str | None = None) -> list[str]:
    """The months present, oldest first, as ``YYYY-MM`` labels; none when the dates cannot be
    read (an overview lists what it can; ``csi report``, which needs them, says why)."""
    try:
        months = to_months(read_dates(values, date_format).dates).dropna()
    except InputError:
        return []
    return [str(p) for p in np.sort(months.unique())]
