"""Period reports (``csi_cli.report``, ``csi_cli.periods``): selection, comparisons, alerts,
segments, the JSON document, golden Markdown/JSON, and the xlsx/HTML structure.

Expected numbers come from independent computations: the index difference from the ACSI
formula on the raw item means (pandas), its standard error from the exact variance of a linear
combination of means; Welch's test from its formula; NPS from counts; chi-square from the
expected counts. Designed surveys put a known drop in the last month. Regenerate the golden
files with ``CSI_UPDATE_GOLDEN=1 pytest tests/test_comparison.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import stats

from csi_cli.analyses.kano import kano_shifts
from csi_cli.analyses.nps import nps_change
from csi_cli.comparison import (
    CHANGE_COLUMNS,
    PeriodDocument,
    build_period_document,
    select_periods,
)
from csi_cli.errors import InputError, UsageError
from csi_cli.methods import pls
from csi_cli.methods.index_change import IndexBasis, index_difference
from csi_cli.methods.twosample import welch_differences
from csi_cli.options import RunOptions
from csi_cli.periods import parse_period, to_dates
from csi_cli.render import render
from csi_cli.survey import Survey, load
from tests.helpers import ecsi_columns, write_csv

GOLDEN = Path(__file__).parent / "golden"
KANO_TEXT = {1: "我很喜欢", 2: "理应如此", 3: "无所谓", 4: "能忍受", 5: "我很不喜欢"}
DROPPED = ("QUAL", "SAT")


def period_table(
    n: int = 80,
    *,
    months: tuple[str, ...] = ("2026-09", "2026-10"),
    drop: float = 0.0,
    seed: int = 0,
) -> tuple[list[str], list[list[Any]]]:
    """A survey over ``months`` (ECSI items 1–10, one Kano pair, two gap items, NPS, region)
    whose last month is worse by design when ``drop`` > 0: QUAL and SAT items lower by
    ``drop`` rating points, the ``wait`` perception lower by ``drop``, NPS lower by
    ``drop``, and the Kano answers of ``delivery`` move from must-be to attractive."""
    rng = np.random.default_rng(seed)
    items = ecsi_columns(2)
    header = ["resp_id", "date", "region", *items, "delivery_func", "delivery_dysf"]
    header += ["wait_E", "wait_P", "staff_E", "staff_P", "NPS"]
    rows: list[list[Any]] = []
    for m, month in enumerate(months):
        shift = drop if m == len(months) - 1 else 0.0
        latent = rng.normal(size=(n, 1))
        ratings = 6 + 1.5 * (latent + rng.normal(scale=0.7, size=(n, len(items))))
        lowered = np.array([item.rstrip("12") in DROPPED for item in items])
        ratings = np.clip(np.rint(ratings - shift * lowered), 1, 10).astype(int)
        expectation = rng.integers(4, 8, size=(n, 2))
        perception = expectation - rng.integers(0, 3, size=(n, 2))
        perception[:, 0] = perception[:, 0] - np.rint(shift).astype(int)
        perception = np.clip(perception, 1, 7)
        nps = np.clip(np.rint(7 + 2 * latent[:, 0] + rng.normal(size=n) - shift), 0, 10)
        must_be = rng.random(n) < (0.2 if shift else 0.7)
        for i in range(n):
            kano = (2, 5) if must_be[i] else (1, 3)
            rows.append(
                [
                    f"{month}-{i:03d}",
                    f"{month}-{i % 28 + 1:02d}",
                    ("华东", "华北", "西部")[i % 3],
                    *ratings[i].tolist(),
                    KANO_TEXT[kano[0]],
                    KANO_TEXT[kano[1]],
                    int(expectation[i, 0]),
                    int(perception[i, 0]),
                    int(expectation[i, 1]),
                    int(perception[i, 1]),
                    int(nps[i]),
                ]
            )
    return header, rows


def write_period_survey(path: Path, **kwargs: Any) -> Path:
    """Write :func:`period_table` as CSV."""
    return write_csv(path, *period_table(**kwargs))


def quick(bootstrap: int = 200, seed: int = 3) -> RunOptions:
    return RunOptions(seed=seed, bootstrap=bootstrap)


@pytest.fixture(scope="module")
def dropped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Survey, PeriodDocument]:
    """A survey with a large designed drop in 2026-10 and its report."""
    path = write_period_survey(tmp_path_factory.mktemp("drop") / "survey.csv", drop=1.5)
    survey = load(path)
    return survey, build_period_document(
        survey, parse_period("2026-10"), options=quick(), by="region"
    )


@pytest.fixture(scope="module")
def golden_report(tmp_path_factory: pytest.TempPathFactory) -> PeriodDocument:
    """The small survey behind the golden files (40 respondents a month)."""
    path = write_period_survey(tmp_path_factory.mktemp("golden") / "survey.csv", n=40, drop=1.0)
    return build_period_document(load(path), parse_period("2026-10"), options=quick(100, 1))


def row(report: PeriodDocument, measure: str) -> dict[str, Any]:
    frame = report.changes
    return frame[frame["measure"] == measure].iloc[0].to_dict()


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "first", "last", "before"),
    [
        ("2026-10", "2026-10", "2026-10-01", "2026-10-31", ("2026-09-01", "2026-09-30")),
        ("2026-1", "2026-01", "2026-01-01", "2026-01-31", ("2025-12-01", "2025-12-31")),
        ("2026Q4", "2026Q4", "2026-10-01", "2026-12-31", ("2026-07-01", "2026-09-30")),
        ("2026q1", "2026Q1", "2026-01-01", "2026-03-31", ("2025-10-01", "2025-12-31")),
        (
            "2026-09-01..2026-10-15",
            "2026-09-01..2026-10-15",
            "2026-09-01",
            "2026-10-15",
            ("2026-07-18", "2026-08-31"),  # 45 days ending the day before
        ),
    ],
)
def test_periods_parse_and_step_back(
    text: str, label: str, first: str, last: str, before: tuple[str, str]
) -> None:
    period = parse_period(text)
    assert (period.label, str(period.first), str(period.last)) == (label, first, last)
    previous = period.previous()
    assert (str(previous.first), str(previous.last)) == before
    assert previous.days == period.days or period.kind != "range"


@pytest.mark.parametrize("text", ["2026-13", "October", "2026Q5", "2026-10-15..2026-10-01", ""])
def test_bad_periods_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match=r"period|range"):
        parse_period(text)


def test_selection_counts_days_months_and_quarters(tmp_path: Path) -> None:
    path = write_period_survey(tmp_path / "s.csv", n=30, months=("2026-08", "2026-09", "2026-10"))
    survey = load(path)
    dates = to_dates(survey.frame["date"])
    # 30 respondents a month on days 1..28, days 1 and 2 twice.
    in_range = ((dates >= "2026-09-10") & (dates <= "2026-10-05")).sum()
    now, then = select_periods(
        survey, parse_period("2026-09-10..2026-10-05"), parse_period("2026-08-01..2026-08-05")
    )
    assert (now.n, then.n) == (in_range, 7)
    quarter, before = select_periods(survey, parse_period("2026Q4"), parse_period("2026Q3"))
    assert (quarter.n, before.n) == (30, 60)


def test_empty_period_names_the_months_the_file_has(tmp_path: Path) -> None:
    survey = load(write_period_survey(tmp_path / "s.csv", n=12))
    with pytest.raises(InputError) as caught:
        build_period_document(survey, parse_period("2026-12"), options=quick(0))
    assert "2026-12" in caught.value.message
    assert "2026-09 (12), 2026-10 (12)" in caught.value.message
    with pytest.raises(InputError, match="2026-08"):
        build_period_document(survey, parse_period("2026-09"), options=quick(0))
    with pytest.raises(UsageError, match="overlaps"):
        build_period_document(
            survey, parse_period("2026Q4"), parse_period("2026-10"), options=quick(0)
        )


def test_no_date_column_is_a_usage_error(tmp_path: Path) -> None:
    header, rows = period_table(12)
    write_csv(tmp_path / "s.csv", [h if h != "date" else "when" for h in header], rows)
    with pytest.raises(UsageError, match="no date column"):
        build_period_document(load(tmp_path / "s.csv"), parse_period("2026-10"), options=quick(0))


# --- the comparisons against independent computations ----------------------------------------


def test_index_difference_matches_the_linear_formula_and_its_exact_variance() -> None:
    """With fixed weights the index is linear in the item means, so its difference and the
    variance of that difference are known exactly: Var = (100/R)² Σ_g w'S_g w / n_g."""
    model = pls.PathModel.build({"A": ["a1", "a2", "a3"], "B": ["b1"]}, [("A", "B")], {})
    weights = np.array([0.5, 0.3, 0.2, 1.0])
    basis = IndexBasis(model, weights, (1.0, 7.0), "listwise", "B")
    rng = np.random.default_rng(5)
    cov = np.array([[1, 0.5, 0.3, 0.2], [0.5, 1, 0.4, 0.1], [0.3, 0.4, 1, 0], [0.2, 0.1, 0, 1]])
    first = rng.multivariate_normal([4.0, 4.2, 3.9, 5.0], cov, size=400)
    second = rng.multivariate_normal([4.3, 4.4, 4.0, 5.0], cov, size=300)
    table = index_difference(basis, first, second, resamples=4000, seed=11)

    def index_a(data: np.ndarray) -> float:
        return 100 * (data[:, :3].mean(axis=0) @ weights[:3] - 1) / 6

    expected = index_a(first) - index_a(second)
    a = table.set_index("construct").loc["A"]
    assert a["difference"] == pytest.approx(expected, abs=1e-10)
    assert a["current"] == pytest.approx(index_a(first), abs=1e-10)
    w = weights[:3]
    variance = sum(w @ np.cov(d[:, :3], rowvar=False, ddof=0) @ w / len(d) for d in (first, second))
    se = 100 / 6 * math.sqrt(variance)
    assert a["std_error"] == pytest.approx(se, rel=0.06)
    assert a["ci_low"] == pytest.approx(expected - 1.96 * se, abs=0.2 * se)
    assert a["ci_high"] == pytest.approx(expected + 1.96 * se, abs=0.2 * se)
    assert a["p_value"] == pytest.approx(2 * stats.norm.sf(abs(expected) / se), abs=0.01)
    assert a["p_value"] < 0.05
    # B has one item and equal means: no real difference.
    assert table.set_index("construct").loc["B", "p_value"] > 0.01


def test_index_difference_is_deterministic_and_needs_resamples_for_a_test() -> None:
    model = pls.PathModel.build({"A": ["a1"], "B": ["b1"]}, [("A", "B")], {})
    basis = IndexBasis(model, np.array([1.0, 1.0]), (1.0, 5.0), "listwise", "B")
    rng = np.random.default_rng(0)
    first, second = rng.normal(3, 1, (50, 2)), rng.normal(3, 1, (60, 2))
    once = index_difference(basis, first, second, 300, 9)
    pd.testing.assert_frame_equal(once, index_difference(basis, first, second, 300, 9))
    none = index_difference(basis, first, second, 0, 9)
    assert none["p_value"].isna().all()
    assert none["difference"].to_numpy() == pytest.approx(once["difference"].to_numpy())


def test_welch_differences_match_the_formula() -> None:
    rng = np.random.default_rng(2)
    first = rng.normal(0.0, 1.0, size=(40, 2))
    second = rng.normal(0.5, 2.0, size=(70, 2))
    first[:3, 1] = np.nan
    table = welch_differences(first, second, ["x", "y"])
    for j, name in enumerate(["x", "y"]):
        a, b = first[:, j][~np.isnan(first[:, j])], second[:, j]
        va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
        se = math.sqrt(va + vb)
        df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
        diff = a.mean() - b.mean()
        got = table.set_index("name").loc[name]
        assert got["difference"] == pytest.approx(diff, rel=1e-12)
        assert got["std_error"] == pytest.approx(se, rel=1e-9)
        assert got["df"] == pytest.approx(df, rel=1e-9)
        assert got["p_value"] == pytest.approx(2 * stats.t.sf(abs(diff) / se, df), rel=1e-7)
        half = stats.t.ppf(0.975, df) * se
        assert (got["ci_low"], got["ci_high"]) == pytest.approx((diff - half, diff + half))
    lonely = welch_differences(np.array([[1.0]]), np.array([[1.0], [2.0]]), ["z"])
    assert math.isnan(lonely.loc[0, "p_value"]) and lonely.loc[0, "difference"] == -0.5


def test_nps_change_from_counts() -> None:
    # 50 promoters, 30 passives, 20 detractors → NPS 30; 30/30/40 → NPS −10.
    now = np.array([10] * 50 + [8] * 30 + [3] * 20, dtype=float)
    then = np.array([9] * 30 + [7] * 30 + [0] * 40 + [np.nan] * 5)
    got = nps_change(now, then)
    se_now = 100 * math.sqrt((0.5 + 0.2 - 0.3**2) / 100)
    se_then = 100 * math.sqrt((0.3 + 0.4 - 0.1**2) / 100)
    se = math.hypot(se_now, se_then)
    assert (got["current"], got["previous"], got["difference"]) == pytest.approx((30, -10, 40))
    assert got["std_error"] == pytest.approx(se)
    assert got["p_value"] == pytest.approx(2 * stats.norm.sf(40 / se))


def test_kano_shift_chi_square_from_expected_counts(dropped: tuple[Survey, PeriodDocument]) -> None:
    _, report = dropped
    prior = next(r for r in report.prior if r.name == "kano")
    shift = kano_shifts(report.result("kano"), prior)
    now = report.result("kano").attributes.iloc[0]
    then = prior.attributes.iloc[0]
    table = np.array([[now[c] for c in "AOMIRQ"], [then[c] for c in "AOMIRQ"]], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    chi2 = ((table - expected) ** 2 / expected).sum()
    dof = table.shape[1] - 1
    got = shift.iloc[0]
    assert (got["previous"], got["current"]) == ("M", "A")  # the designed shift
    assert got["statistic"] == pytest.approx(chi2)
    assert got["df"] == dof
    assert got["p_value"] == pytest.approx(stats.chi2.sf(chi2, dof))


# --- the report on designed surveys -----------------------------------------------------------


def test_designed_drop_is_found_and_alerted(dropped: tuple[Survey, PeriodDocument]) -> None:
    _, report = dropped
    for construct in DROPPED:
        change = row(report, f"index:{construct}")
        # 1.5 points lower on a 1–10 scale ≈ 16.7 index points (less where clipping bites).
        assert -20 < change["difference"] < -10 and change["significant"]
        assert any(a.startswith(f"index:{construct} fell") for a in report.alerts)
    assert row(report, "nps")["difference"] < 0 and row(report, "nps")["significant"]
    assert row(report, "gap:wait")["difference"] < 0 and row(report, "gap:wait")["significant"]
    assert row(report, "kano:delivery")["significant"]
    assert not any(a.startswith("kano:") for a in report.alerts)
    # Unchanged constructs are not significant at the 0.1% level and never alert if they rose.
    assert row(report, "index:IMAG")["p_value"] > 0.001
    assert list(report.changes.columns) == list(CHANGE_COLUMNS)


def test_current_index_equals_the_current_analysis_with_its_own_weights(
    dropped: tuple[Survey, PeriodDocument],
) -> None:
    """Both periods are scored with the current period's raw weights: recompute them from the
    current analysis' standardized weights and the items' SDs (pandas), then both indices."""
    survey, report = dropped
    outer = report.result("index").outer
    dates = to_dates(survey.frame["date"])
    scores = {}
    for label in ("2026-10", "2026-09"):
        part = survey.frame[parse_period(label).contains(dates)][list(outer["item"])]
        part = part.astype(float).dropna()
        if label == "2026-10":
            raw = outer["weight"].to_numpy() / part.std(ddof=0).to_numpy()
            raw = raw / pd.Series(raw).groupby(outer["construct"].to_numpy()).transform("sum")
        means = pd.Series(part.mean().to_numpy() * raw.to_numpy())
        scores[label] = 100 * (means.groupby(outer["construct"].to_numpy()).sum() - 1) / 9
    for construct, value in scores["2026-10"].items():
        change = row(report, f"index:{construct}")
        assert change["current"] == pytest.approx(value, abs=1e-6)
        assert change["previous"] == pytest.approx(scores["2026-09"][construct], abs=1e-6)
    constructs = report.result("index").constructs.set_index("name")["index"]
    assert constructs.to_dict() == pytest.approx(scores["2026-10"].to_dict(), abs=1e-6)


def test_min_change_and_no_drop(tmp_path: Path) -> None:
    survey = load(write_period_survey(tmp_path / "s.csv", n=80, drop=1.5))
    strict = build_period_document(survey, parse_period("2026-10"), options=quick(), min_change=99)
    assert strict.alerts == ()
    calm = load(write_period_survey(tmp_path / "c.csv", n=80, drop=0.0, seed=4))
    report = build_period_document(calm, parse_period("2026-10"), options=quick())
    assert not any(a.startswith(("index:QUAL", "index:SAT")) for a in report.alerts)


def test_sample_survey_quality_drop_in_october(sample_file: Path) -> None:
    """make_sample.py lowers perceived quality by 0.35 SD in 2026-10: the report must see the
    quality index fall, significantly."""
    report = build_period_document(load(sample_file), parse_period("2026-10"), options=quick(500))
    quality = row(report, "index:QUAL")
    assert quality["difference"] < 0 and quality["significant"]
    assert report.previous is not None and report.previous.label == "2026-09"
    assert any(a.startswith("index:QUAL fell") for a in report.alerts)


def test_segments_against_the_rest(tmp_path: Path) -> None:
    header, rows = period_table(90, drop=0.0, seed=8)
    sat = [i for i, h in enumerate(header) if h.startswith(("SAT", "QUAL"))]
    for r in rows:
        if r[2] == "西部" and r[1].startswith("2026-10"):
            for i in sat:
                r[i] = max(1, r[i] - 3)
    survey = load(write_csv(tmp_path / "s.csv", header, rows))
    report = build_period_document(survey, parse_period("2026-10"), options=quick(), by="region")
    segments = report.segments.set_index("segment")
    assert list(segments.index) == sorted(["华东", "华北", "西部"])
    assert segments.loc["西部", "n"] == 30
    assert segments.loc["西部", "csi_vs_rest"] < -10 and segments.loc["西部", "csi_p"] < 0.001
    # the segment's NPS and worst gap against the rest, from the raw answers
    frame = survey.frame[survey.frame["date"].astype(str).str.startswith("2026-10")]
    west = frame["region"] == "西部"
    now = nps_change(
        frame.loc[west, "NPS"].to_numpy(float), frame.loc[~west, "NPS"].to_numpy(float)
    )
    assert segments.loc["西部", "nps"] == pytest.approx(now["current"])
    assert segments.loc["西部", "nps_p"] == pytest.approx(now["p_value"])
    gaps = {k: (frame[f"{k}_P"] - frame[f"{k}_E"])[west].mean() for k in ("wait", "staff")}
    assert gaps[segments.loc["西部", "worst_gap"]] == pytest.approx(min(gaps.values()))
    assert segments.loc["西部", "gap"] == pytest.approx(min(gaps.values()))
    assert report.to_dict()["by"] == "region"
    assert [s.key for s in report.sections()][:2] == ["changes", "segments"]


def test_unknown_segment_column(dropped: tuple[Survey, PeriodDocument]) -> None:
    survey, _ = dropped
    with pytest.raises(UsageError, match="nowhere"):
        build_period_document(survey, parse_period("2026-10"), options=quick(0), by="nowhere")


# --- the document and the renderings ----------------------------------------------------------


def test_json_document_follows_survey_spec(dropped: tuple[Survey, PeriodDocument]) -> None:
    _, report = dropped
    document = json.loads(render(report, "json"))
    assert (document["period"], document["previous"]) == ("2026-10", "2026-09")
    assert set(document["current"]) == set(document["prior"]) == {"index", "kano", "gap", "nps"}
    assert document["current"]["index"]["index"].keys() >= {"value", "ci_low", "ci_high"}
    assert document["dates"] == {"current": ["2026-10-01", "2026-10-31"],
                                 "previous": ["2026-09-01", "2026-09-30"]}  # fmt: skip
    for change in document["changes"]:
        assert change.keys() >= {"measure", "current", "previous", "difference", "ci_low",
                                 "ci_high", "p_value", "significant"}  # fmt: skip
        assert isinstance(change["significant"], bool)
    sat = next(c for c in document["changes"] if c["measure"] == "index:SAT")
    assert sat["ci_low"] < sat["difference"] < sat["ci_high"] < 0
    assert all(isinstance(a, str) for a in document["alerts"]) and document["alerts"]
    assert document["alerts"] == list(report.alerts)
    assert document["n_current"] == 80 and document["n_previous"] == 80


def test_summary_and_sections_for_people(dropped: tuple[Survey, PeriodDocument]) -> None:
    _, report = dropped
    assert report.notes[: len(report.alerts)] == report.alerts
    assert report.summary["Period"] == "2026-10" and report.summary["Compared with"] == "2026-09"
    assert report.summary["Change (points)"].value == pytest.approx(
        row(report, "index:SAT")["difference"]
    )
    first = report.sections()[0]
    assert first.key == "changes"
    chart = first.tables[0].chart
    assert chart is not None and (chart.kind, chart.x, chart.y) == (
        "bar",
        "construct",
        ("previous", "current"),
    )
    assert [s.key for s in report.sections()][-4:] == ["index", "kano", "gap", "nps"]
    assert report.settings["respondents_previous"] == 80


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CSI_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"golden file {name} missing: run with CSI_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def close_documents(got: Any, want: Any, where: str = "$") -> None:
    """Same keys, lists and texts; numbers equal to 1e-9 relative (platform BLAS noise)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), where
        for key in want:
            close_documents(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            close_documents(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), where
    else:
        assert got == want, where


def test_golden_markdown(golden_report: PeriodDocument) -> None:
    check_golden("report_period.md", render(golden_report, "md"))


def test_golden_json(golden_report: PeriodDocument) -> None:
    text = render(golden_report, "json")
    if os.environ.get("CSI_UPDATE_GOLDEN") == "1":
        (GOLDEN / "report_period.json").write_text(text, encoding="utf-8")
    want = json.loads((GOLDEN / "report_period.json").read_text(encoding="utf-8"))
    close_documents(json.loads(text), want)


def test_xlsx_structure(dropped: tuple[Survey, PeriodDocument]) -> None:
    _, report = dropped
    data = render(report, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    names = book.sheetnames
    assert names[0] == "Summary" and names[-1] == "Settings"
    assert len(names) == 2 + len(report.sections())
    summary = [c for r in book["Summary"].iter_rows(values_only=True) for c in r if c is not None]
    assert "2026-10" in summary and any(str(a) in summary for a in report.alerts)
    settings = {r[0]: r[1] for r in book["Settings"].iter_rows(values_only=True) if r[0]}
    assert settings["respondents"] == 80 and settings["respondents_previous"] == 80
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        first_chart = archive.read("xl/charts/chart1.xml").decode()
    assert charts and first_chart.count("<c:ser>") == 2  # previous and current
    assert "<c:barChart>" in first_chart


def test_html_structure(dropped: tuple[Survey, PeriodDocument]) -> None:
    _, report = dropped
    page = render(report, "html")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "Changes: 2026-10 against 2026-09" in page
    assert page.count("<svg") >= 2
    assert "index:QUAL fell" in page


def test_report_has_no_nan_and_is_deterministic(
    dropped: tuple[Survey, PeriodDocument],
) -> None:
    survey, report = dropped
    again = build_period_document(survey, parse_period("2026-10"), options=quick(), by="region")
    assert render(again, "json") == render(report, "json")
    json.dumps(report.to_dict(), allow_nan=False)
    assert dt.date.fromisoformat(report.to_dict()["dates"]["current"][0]).month == 10
