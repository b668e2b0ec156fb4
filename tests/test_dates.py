"""Dates read by shape, their day/month order inferred from the whole column, never guessed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csi_cli.dates import read_dates
from csi_cli.errors import InputError, UsageError
from csi_cli.periods import parse_period

DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(DAYS, min_size=1, max_size=30), st.sampled_from(["/", ".", "-"]))
def test_day_first_and_month_first_columns_read_the_days_written(days, sep) -> None:
    """Any column with one date whose day is over 12 (the 16th) is read in its order."""
    days = [*days, dt.date(2026, 9, 16)]
    day_first = [f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}" for d in days]
    month_first = [f"{d.month}{sep}{d.day}{sep}{d.year}" for d in days]
    for text, order in ((day_first, "day-first"), (month_first, "month-first")):
        reading = read_dates(pd.Series(text))
        assert reading.order == order
        assert list(reading.dates.dt.date) == days


def test_a_column_no_value_decides_is_refused_with_the_spec_key() -> None:
    with pytest.raises(InputError, match=r'date_format = "%d/%m/%Y"'):
        read_dates(pd.Series(["01/02/2026", "03/04/2026"]), where="f.csv, column date")


def test_date_format_decides() -> None:
    reading = read_dates(pd.Series(["01/02/2026", "03/04/2026"]), "%d/%m/%Y")
    assert list(reading.dates.dt.date) == [dt.date(2026, 2, 1), dt.date(2026, 4, 3)]


def test_a_column_mixing_both_orders_is_refused() -> None:
    with pytest.raises(InputError, match="mix day-first"):
        read_dates(pd.Series(["16/09/2026", "09/16/2026"]))


def test_year_first_forms_offsets_and_blanks() -> None:
    values = pd.Series(
        ["2026年9月16日", "20261001", "2026-09-16T23:30:00+08:00", "2026-09-30T23:30-05:00", ""]
    )
    reading = read_dates(values)
    expected = [dt.date(2026, 9, 16), dt.date(2026, 10, 1), dt.date(2026, 9, 16)]
    assert list(reading.dates.dt.date[:3]) == expected
    assert reading.dates.iloc[3].date() == dt.date(2026, 9, 30)  # the local day, not UTC's
    assert reading.blank == 1 and "1 respondent has no date" in reading.describe()


def test_numbers_are_compact_dates_or_serial_days_and_tz_aware_dates_keep_their_day() -> None:
    assert read_dates(pd.Series([20261001, 20260916])).dates.dt.day.tolist() == [1, 16]
    assert read_dates(pd.Series([46296.0])).dates.dt.date.tolist() == [dt.date(2026, 10, 1)]
    with pytest.raises(InputError, match="not a date"):
        read_dates(pd.Series([1e12]))
    aware = pd.Series(pd.to_datetime(["2026-10-01T23:00"]).tz_localize("Asia/Shanghai"))
    assert read_dates(aware).dates.dt.date.tolist() == [dt.date(2026, 10, 1)]


@pytest.mark.parametrize("bad", ["2026-02-30", "16/09/26", "soon"])
def test_impossible_dates_and_two_digit_years_are_refused(bad: str) -> None:
    with pytest.raises(InputError, match="date"):
        read_dates(pd.Series(["2026-09-01", bad]))


@pytest.mark.parametrize("text", ["0001-01", "2026-01-01..9999-12-31", "10000-01"])
def test_periods_outside_survey_years_are_refused(text: str) -> None:
    with pytest.raises(UsageError, match="period"):
        parse_period(text)


def test_a_period_contains_by_calendar_day() -> None:
    dates = read_dates(pd.Series(["2026-10-31T23:59", "2026-11-01", ""])).dates
    assert parse_period("2026-10").contains(dates).tolist() == [True, False, False]
    assert np.sum(parse_period("2026Q4").contains(dates)) == 2


def test_the_report_says_which_order_it_used_and_counts_blank_dates(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from csi_cli.cli import app
    from tests.helpers import survey_table, write_csv

    header, rows = survey_table(60)
    dates = ["" if i % 10 == 0 else f"{14 + i % 9}/{9 + i % 2:02d}/2026" for i in range(60)]
    table = [[d, *r] for d, r in zip(dates, rows, strict=True)]
    path = write_csv(tmp_path / "s.csv", ["date", *header], table)
    result = CliRunner().invoke(
        app, ["report", str(path), "--period", "2026-10", "--bootstrap", "0", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    warnings = " ".join(json.loads(result.stdout)["warnings"])
    assert "dates read day-first" in warnings
    assert "6 respondents have no date" in warnings
