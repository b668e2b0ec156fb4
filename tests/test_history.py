"""The history store (``csi_cli.history``): upsert by period, the last 12 periods as a trend,
refusal of files csi did not write, and the trend in a report."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csi_cli import history
from csi_cli.comparison import build_period_document, with_trend
from csi_cli.errors import UsageError
from csi_cli.history import Entry
from csi_cli.periods import parse_period
from csi_cli.survey import load
from tests.test_comparison import quick, write_period_survey


def entry_for(month: str, csi: float | None = 70.0, nps: float | None = 10.0) -> Entry:
    period = parse_period(month)
    return Entry(month, str(period.first), str(period.last), 100, csi,
                 None if csi is None else csi - 2, None if csi is None else csi + 2, nps, 0,
                 "survey.xlsx")  # fmt: skip


def months(first: str, count: int) -> list[str]:
    return [str(p) for p in pd.period_range(first, periods=count, freq="M")]


def test_rerunning_a_period_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    history.record(path, entry_for("2026-09", 70.0))
    history.record(path, entry_for("2026-10", 71.0))
    history.record(path, replace(entry_for("2026-10", 68.5), n=90, alerts=2))
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT period, n, csi, alerts FROM periods ORDER BY period").fetchall()
    assert rows == [("2026-09", 100, 70.0, 0), ("2026-10", 90, 68.5, 2)]


def test_trend_is_the_last_12_periods_up_to_the_one_reported(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    recorded = months("2025-06", 16)  # 2025-06 .. 2026-09
    for i, month in enumerate(reversed(recorded)):  # recording order must not matter
        history.record(path, entry_for(month, 60.0 + i))
    trend = history.trend(path, parse_period("2026-07").first)
    assert list(trend["period"]) == months("2025-08", 12)  # 2025-08 .. 2026-07
    assert list(trend.columns) == list(history.TREND_COLUMNS)
    everything = history.trend(path, parse_period("2026-09").first, limit=100)
    assert len(everything) == 16


def test_missing_figures_are_nan(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    history.record(path, entry_for("2026-10", csi=None, nps=None))
    trend = history.trend(path, parse_period("2026-10").first)
    assert np.isnan(trend.loc[0, "csi"]) and np.isnan(trend.loc[0, "nps"])


def test_files_csi_did_not_write_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("this is not a database, just text " * 100)
    with pytest.raises(UsageError, match="cannot be used as a csi history"):
        history.check(text)
    assert text.read_text().startswith("this is not")
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE periods (month TEXT, value REAL)")
    with pytest.raises(UsageError, match="did not write"):
        history.record(foreign, entry_for("2026-10"))
    with pytest.raises(UsageError, match="does not exist"):
        history.check(tmp_path / "no" / "such" / "history.sqlite")


def test_report_records_and_shows_the_trend(tmp_path: Path) -> None:
    survey = load(write_period_survey(tmp_path / "s.csv", n=40,
                                      months=("2026-08", "2026-09", "2026-10")))  # fmt: skip
    path = tmp_path / "history.sqlite"
    for month in ("2026-09", "2026-10", "2026-10"):
        report = build_period_document(survey, parse_period(month), options=quick(50))
        history.record(path, history.entry(report))
    figures = history.entry(report)
    assert figures.csi == pytest.approx(report.result("index").index["value"])
    assert figures.nps == pytest.approx(report.result("nps").summary.nps)
    assert figures.alerts == len(report.alerts) and figures.n == 40
    shown = with_trend(report, history.trend(path, parse_period("2026-10").first))
    assert list(shown.to_dict()["trend"][i]["period"] for i in range(2)) == ["2026-09", "2026-10"]
    section = next(s for s in shown.sections() if s.key == "trend")
    chart = section.tables[0].chart
    assert chart is not None and (chart.kind, chart.x, chart.y) == (
        "line",
        "period",
        ("csi", "nps"),
    )
