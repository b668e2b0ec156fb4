"""The complaint iceberg and service recovery against scipy / statsmodels / direct formulas, and
the truth designed into the sample generator (recovered on a 40,000-respondent draw)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from csi_cli.methods import complaints as cm
from tests.designed_sample import arrays, generator, large_frame
from tests.helpers import cli_json, invoke_cli

answers = st.sampled_from([0.0, 1.0, np.nan])


@pytest.fixture(scope="module")
def designed():
    return arrays(large_frame())


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_interval_matches_statsmodels(successes, n):
    successes = min(successes, n)
    low, high = cm.wilson_interval(successes, n)
    expected = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert (low, high) == pytest.approx(expected, abs=1e-12)


def test_wilson_interval_of_nothing_is_undefined():
    assert np.isnan(cm.wilson_interval(0, 0)).all()


def _iceberg_by_hand(problem, complained):
    had = (problem == 1) | (complained == 1)
    answered = had | (problem == 0)
    asked = had & ~np.isnan(complained)
    voice = (complained[asked] == 1).mean() if asked.any() else np.nan
    return had[answered].mean(), voice, int(asked.sum())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(answers, answers), min_size=5, max_size=80), st.integers(1, 5000))
def test_iceberg_rates_and_transformed_intervals(rows, received):
    problem, complained = (np.array(c) for c in zip(*rows, strict=True))
    ice = cm.complaint_iceberg(problem, complained, complaints_received=received)
    if not ((problem == 1) | (complained == 1) | (problem == 0)).any():
        return
    rate, voice, asked = _iceberg_by_hand(problem, complained)
    assert ice.problem_rate == pytest.approx(rate)
    if asked == 0:
        assert np.isnan(ice.voice_rate)
        return
    assert ice.voice_rate == pytest.approx(voice)
    low, high = proportion_confint(round(voice * asked), asked, method="wilson")
    assert (ice.voice_ci_low, ice.voice_ci_high) == pytest.approx((low, high))
    with np.errstate(divide="ignore"):
        assert ice.silent_ci_low == pytest.approx((1 - high) / high)
        assert ice.silent_ci_high == pytest.approx(np.divide(1 - low, low))
        assert ice.estimated_with_problem == pytest.approx(np.divide(received, voice))
    assert ice.silent_ci_low <= ice.silent_per_complaint <= ice.silent_ci_high
    assert ice.estimated_ci_low <= ice.estimated_with_problem <= ice.estimated_ci_high


def test_iceberg_without_complaint_count_has_no_estimate():
    ice = cm.complaint_iceberg(np.array([1.0, 1, 0]), np.array([1.0, 0, 0]))
    assert ice.complaints_received is None and np.isnan(ice.estimated_with_problem)
    assert ice.silent_per_complaint == pytest.approx(1.0)


def _groups_by_hand(problem, complained, resolved):
    frame = pd.DataFrame({"p": problem, "c": complained, "r": resolved})
    out = []
    for p, c, r in frame.itertuples(index=False):
        if c == 1:
            out.append(2 if r == 1 else 3 if r == 0 else -1)
        elif p == 0 and c != 1:
            out.append(0)
        elif p == 1 and c == 0:
            out.append(1)
        else:
            out.append(-1)
    return np.array(out)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(answers, answers, answers), min_size=1, max_size=60))
def test_recovery_groups_partition_respondents(rows):
    problem, complained, resolved = (np.array(c) for c in zip(*rows, strict=True))
    codes = cm.recovery_groups(problem, complained, resolved)
    np.testing.assert_array_equal(codes, _groups_by_hand(problem, complained, resolved))
    recovery = cm.service_recovery(codes, {"satisfaction": np.arange(len(codes), dtype=float)})
    assert recovery.groups["n"].sum() == np.count_nonzero(codes >= 0)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_recovery_is_invariant_to_row_order(seed):
    rng = np.random.default_rng(seed)
    n = 60
    codes = rng.integers(0, 4, n).astype(np.int8)
    y = rng.normal(size=n)
    order = rng.permutation(n)
    first = cm.service_recovery(codes, {"satisfaction": y})
    second = cm.service_recovery(codes[order], {"satisfaction": y[order]})
    pd.testing.assert_frame_equal(first.groups, second.groups, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(first.pairs, second.pairs, check_exact=False, rtol=1e-9)


def _groups_data(seed=3, n=400):
    rng = np.random.default_rng(seed)
    codes = rng.choice([0, 1, 2, 3, -1], size=n, p=[0.4, 0.3, 0.12, 0.13, 0.05]).astype(np.int8)
    y = rng.normal(6 + 0.3 * codes, 1.5)
    y[rng.random(n) < 0.05] = np.nan
    loyalty = rng.normal(5, 2, n)
    nps = rng.integers(0, 11, n).astype(float)
    return codes, y, loyalty, nps


def test_group_means_and_intervals_match_scipy():
    codes, y, loyalty, nps = _groups_data()
    recovery = cm.service_recovery(codes, {"satisfaction": y, "loyalty": loyalty}, nps)
    for code, row in recovery.groups.iterrows():
        values = y[(codes == code) & ~np.isnan(y)]
        low, high = stats.t.interval(0.95, values.size - 1, values.mean(), stats.sem(values))
        assert row["satisfaction"] == pytest.approx(values.mean())
        assert (row["satisfaction_ci_low"], row["satisfaction_ci_high"]) == pytest.approx(
            (low, high)
        )
        assert row["loyalty"] == pytest.approx(loyalty[codes == code].mean())
        scores = nps[codes == code]
        assert row["nps"] == pytest.approx(100 * ((scores >= 9).mean() - (scores <= 6).mean()))


def test_pairwise_welch_tests_and_holm_match_scipy_and_statsmodels():
    codes, y, loyalty, _ = _groups_data()
    pairs = cm.service_recovery(codes, {"satisfaction": y, "loyalty": loyalty}).pairs
    for outcome, values in (("satisfaction", y), ("loyalty", loyalty)):
        rows = pairs[pairs["outcome"] == outcome]
        raw = []
        for _, row in rows.iterrows():
            a = values[(codes == cm.GROUPS.index(row["first"])) & ~np.isnan(values)]
            b = values[(codes == cm.GROUPS.index(row["second"])) & ~np.isnan(values)]
            test = stats.ttest_ind(a, b, equal_var=False)
            interval = test.confidence_interval(0.95)
            assert row["t"] == pytest.approx(test.statistic)
            assert row["df"] == pytest.approx(test.df)
            assert row["p_value"] == pytest.approx(test.pvalue)
            assert (row["ci_low"], row["ci_high"]) == pytest.approx((interval.low, interval.high))
            raw.append(test.pvalue)
        expected = multipletests(raw, method="holm")[1]
        np.testing.assert_allclose(rows["p_adjusted"], expected, rtol=1e-12)


def test_paradox_test_one_and_two_sided_with_hedges_g():
    codes, y, _, _ = _groups_data()
    paradox = cm.service_recovery(codes, {"satisfaction": y}).paradox.iloc[0]
    resolved, clean = y[(codes == 2) & ~np.isnan(y)], y[(codes == 0) & ~np.isnan(y)]
    greater = stats.ttest_ind(resolved, clean, equal_var=False, alternative="greater")
    two = stats.ttest_ind(resolved, clean, equal_var=False)
    assert paradox["difference"] == pytest.approx(resolved.mean() - clean.mean())
    assert paradox["p_one_sided"] == pytest.approx(greater.pvalue)
    assert paradox["p_value"] == pytest.approx(two.pvalue)
    n1, n2 = resolved.size, clean.size
    pooled = np.sqrt(
        ((n1 - 1) * resolved.var(ddof=1) + (n2 - 1) * clean.var(ddof=1)) / (n1 + n2 - 2)
    )
    g = (resolved.mean() - clean.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
    assert paradox["hedges_g"] == pytest.approx(g)


def test_loyalty_drivers_match_statsmodels_hc3():
    rng = np.random.default_rng(8)
    n = 300
    complained = (rng.random(n) < 0.4).astype(float)
    resolved = np.where(complained == 1, (rng.random(n) < 0.5).astype(float), np.nan)
    handling = rng.integers(1, 11, n).astype(float)
    loyalty = 3 + 0.8 * np.nan_to_num(resolved) + 0.3 * handling + rng.normal(0, 1 + handling / 5)
    fit = cm.loyalty_drivers(loyalty, resolved, handling, complained)
    rows = complained == 1
    x = sm.add_constant(np.column_stack([resolved[rows], handling[rows]]))
    reference = sm.OLS(loyalty[rows], x).fit(cov_type="HC3", use_t=True)
    table = fit.coefficients
    np.testing.assert_allclose(table["estimate"], reference.params, rtol=1e-10)
    np.testing.assert_allclose(table["std_error"], reference.bse, rtol=1e-10)
    np.testing.assert_allclose(table["p_value"], reference.pvalues, rtol=1e-8)
    np.testing.assert_allclose(table[["ci_low", "ci_high"]], reference.conf_int(), rtol=1e-10)
    assert fit.r2 == pytest.approx(reference.rsquared)


def test_loyalty_drivers_need_enough_varied_complainers():
    complained = np.array([1.0, 1, 1, 0, 0])
    resolved = np.array([1.0, 0, 1, np.nan, np.nan])
    assert cm.loyalty_drivers(np.ones(5), resolved, np.ones(5), complained) is None
    many = np.ones(20)
    assert cm.loyalty_drivers(np.arange(20.0), many, np.arange(20.0), many) is None


# --- the designed truth of sample_data/make_sample.py -----------------------------------------


def test_designed_voice_rate_is_recovered(designed):
    ice = cm.complaint_iceberg(designed["problem"], designed["complained"], complaints_received=100)
    assert ice.voice_ci_low < generator().VOICE_RATE < ice.voice_ci_high
    true_silent = (1 - generator().VOICE_RATE) / generator().VOICE_RATE
    assert ice.silent_ci_low < true_silent < ice.silent_ci_high
    assert ice.estimated_ci_low < 100 / generator().VOICE_RATE < ice.estimated_ci_high


def test_designed_paradox_on_satisfaction_not_on_loyalty(designed):
    codes = cm.recovery_groups(designed["problem"], designed["complained"], designed["resolved"])
    outcomes = {k: designed[k] for k in ("satisfaction", "loyalty")}
    paradox = cm.service_recovery(codes, outcomes).paradox.set_index("outcome")
    assert paradox.loc["satisfaction", "p_one_sided"] < 0.001
    assert 0.3 < paradox.loc["satisfaction", "difference"] < 0.8  # designed ≈ 0.55
    assert paradox.loc["loyalty", "p_one_sided"] > 0.5  # resolved are less loyal, ≈ −0.4
    assert paradox.loc["loyalty", "ci_high"] < 0


def test_designed_handling_drives_loyalty_among_complainers(designed):
    fit = cm.loyalty_drivers(
        designed["loyalty"], designed["resolved"], designed["handling"], designed["complained"]
    )
    handling = fit.term("handling")
    assert handling["estimate"] > 0 and handling["p_value"] < 0.001


# --- the command line, on files this repository has never seen -------------------------------

ISSUE_KEYS = {"n", "problem_rate", "voice_rate", "voice_ci_low", "voice_ci_high",
              "silent_per_complaint", "silent_ci_low", "silent_ci_high",
              "estimated_with_problem", "recovery", "paradox"}  # fmt: skip


def _complaint_file(tmp_path, n=400, seed=11, *, problem=True, name="c.csv"):
    rng = np.random.default_rng(seed)
    overall = rng.integers(1, 11, n).astype(float)
    had = rng.random(n) < 0.5
    complained = had & (rng.random(n) < 0.2)
    resolved = rng.random(n) < 0.5
    frame = pd.DataFrame(
        {
            "resp_id": np.arange(n),
            "date": np.where(np.arange(n) % 2 == 0, "2026-09-15", "2026-10-15"),
            "overall": overall,
            "LOY1": rng.integers(1, 11, n),
            "LOY2": rng.integers(1, 11, n),
            "NPS": rng.integers(0, 11, n),
            "Complaint": np.where(complained, "Yes", "no"),
            "resolved": np.where(complained, np.where(resolved, "已解决", "未解决"), ""),
            "handling": np.where(complained, rng.integers(1, 11, n).astype(str), ""),
        }
    )
    if problem:
        frame.insert(6, "遇到问题", np.where(had, "有", "没有"))
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path, frame


def test_command_json_against_independent_computations(tmp_path):
    path, frame = _complaint_file(tmp_path)
    document = cli_json("complaints", path, "--complaints", 250)
    assert document.keys() >= ISSUE_KEYS
    had = (frame["遇到问题"] == "有") | (frame["Complaint"] == "Yes")
    voiced = int((frame["Complaint"] == "Yes").sum())
    voice = voiced / had.sum()
    assert document["n"] == len(frame)
    assert document["problem_rate"] == pytest.approx(had.mean())
    assert document["voice_rate"] == pytest.approx(voice)
    low, high = proportion_confint(voiced, had.sum(), method="wilson")
    assert (document["voice_ci_low"], document["voice_ci_high"]) == pytest.approx((low, high))
    assert document["silent_per_complaint"] == pytest.approx((1 - voice) / voice)
    assert document["estimated_with_problem"] == pytest.approx(250 / voice)
    loyalty = frame[["LOY1", "LOY2"]].mean(axis=1)
    groups = np.select(
        [frame["resolved"] == "已解决", frame["resolved"] == "未解决", had],
        ["resolved", "unresolved", "silent"],
        default="no_problem",
    )
    recovery = {row["group"]: row for row in document["recovery"]}
    assert list(recovery) == list(cm.GROUPS)
    for group in cm.GROUPS:
        inside = groups == group
        values = frame["overall"][inside]
        interval = stats.t.interval(0.95, len(values) - 1, values.mean(), stats.sem(values))
        assert recovery[group]["n"] == inside.sum()
        assert recovery[group]["satisfaction"] == pytest.approx(values.mean())
        assert (recovery[group]["ci_low"], recovery[group]["ci_high"]) == pytest.approx(interval)
        assert recovery[group]["loyalty"] == pytest.approx(loyalty[inside].mean())
    test = stats.ttest_ind(frame["overall"][groups == "resolved"],
                           frame["overall"][groups == "no_problem"], equal_var=False)  # fmt: skip
    paradox = document["paradox"]
    assert paradox["p_value"] == pytest.approx(test.pvalue)
    interval = test.confidence_interval(0.95)
    assert (paradox["ci_low"], paradox["ci_high"]) == pytest.approx((interval.low, interval.high))
    assert document["skipped"] == []


def test_without_a_problem_question_the_base_is_the_dissatisfied(tmp_path):
    path, frame = _complaint_file(tmp_path, problem=False)
    document = cli_json("complaints", path)
    dissatisfied = (frame["overall"] <= 4) | (frame["Complaint"] == "Yes")
    assert document["base"] == "dissatisfied"
    assert document["problem_rate"] == pytest.approx(dissatisfied.mean())
    voiced = (frame["Complaint"] == "Yes").sum()
    assert document["voice_rate"] == pytest.approx(voiced / dissatisfied.sum())
    groups = {row["group"]: row["n"] for row in document["recovery"]}
    assert groups["no_problem"] == groups["silent"] == 0
    assert any("dissatisfied" in note for note in document["skipped"])
    assert document["estimated_with_problem"] is None


def test_analyze_nests_both_analyses_and_every_format_renders(tmp_path, sample_file):
    document = cli_json("analyze", sample_file, "--bootstrap", 0)
    assert document["complaints"].keys() >= ISSUE_KEYS
    assert {"r2_journey", "consistency", "weakest_link"} <= document["journey"].keys()
    html = tmp_path / "r.html"
    assert invoke_cli("complaints", sample_file, "-o", html).exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert "The complaint iceberg" in text and "<svg" in text
    markdown = invoke_cli("complaints", sample_file, "--format", "md", "--detail", "full")
    assert "Service-recovery paradox" in markdown.stdout
    workbook = tmp_path / "r.xlsx"
    assert invoke_cli("complaints", sample_file, "-o", workbook).exit_code == 0
    import zipfile

    with zipfile.ZipFile(workbook) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "The complaint iceberg" in chart and 'grouping val="stacked"' in chart


def test_segments_and_channels(tmp_path):
    path, frame = _complaint_file(tmp_path)
    frame["region"] = np.where(np.arange(len(frame)) % 3 == 0, "north", "south")
    frame["channel"] = np.where(frame["Complaint"] == "Yes", "phone", "")
    frame.to_csv(path, index=False)
    document = cli_json("complaints", path, "--by", "region")
    rows = {row["segment"]: row for row in document["segments"]}
    for region, row in rows.items():
        part = frame[frame["region"] == region]
        had = (part["遇到问题"] == "有") | (part["Complaint"] == "Yes")
        assert row["voice_rate"] == pytest.approx((part["Complaint"] == "Yes").sum() / had.sum())
    assert document["channels"][0]["channel"] == "phone"
    resolved = frame.loc[frame["Complaint"] == "Yes", "resolved"] == "已解决"
    assert document["channels"][0]["resolution_rate"] == pytest.approx(resolved.mean())


def test_period_report_compares_voice_and_resolution_rates(tmp_path):
    path, frame = _complaint_file(tmp_path, n=800)
    out = tmp_path / "out"
    result = invoke_cli("report", path, "--period", "2026-10", "--output-dir", out,
                     "--history", tmp_path / "h.sqlite")  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    import json

    document = json.loads((out / "csi-report-2026-10.json").read_text(encoding="utf-8"))
    change = next(c for c in document["changes"] if c["measure"] == "complaints:voice_rate")
    rates = []
    for month in ("2026-10-15", "2026-09-15"):
        part = frame[frame["date"] == month]
        had = (part["遇到问题"] == "有") | (part["Complaint"] == "Yes")
        rates.append(((part["Complaint"] == "Yes").sum(), had.sum()))
    (x1, n1), (x2, n2) = rates
    p1, p2, pooled = x1 / n1, x2 / n2, (x1 + x2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert change["difference"] == pytest.approx(100 * (p1 - p2))
    assert change["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert any(c["measure"] == "complaints:resolution_rate" for c in document["changes"])
    import sqlite3

    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        dumped = " ".join(str(row) for t in tables for row in db.execute(f"select * from {t}"))
    assert "voice_rate" in dumped and "resolution_rate" in dumped


def test_alert_sentence_names_the_rate():
    from csi_cli.analyses.complaints import ANALYSIS

    sentence = ANALYSIS.alert({"name": "voice_rate", "difference": -3.14, "p_value": 0.012}, None)
    assert sentence == "complaints: voice rate fell 3.1 percentage points (p = 0.012)"


# --- error paths: exit 2, a message that names the file/column and says what to do -----------


def test_file_without_a_complaint_question_is_refused(tmp_path):
    path, frame = _complaint_file(tmp_path)
    frame.drop(columns=["Complaint"]).to_csv(path, index=False)
    result = invoke_cli("complaints", path)
    assert result.exit_code == 2
    assert "c.csv" in result.stderr and "no complaint question found" in result.stderr
    assert "[complaints] complained" in result.stderr and "Traceback" not in result.output


def test_unknown_yes_no_answer_stops_the_command(tmp_path):
    path, frame = _complaint_file(tmp_path)
    frame.loc[3, "Complaint"] = "maybe"
    frame.to_csv(path, index=False)
    result = invoke_cli("complaints", path)
    assert result.exit_code == 2
    assert "[unknown-yes-no]" in result.stderr and "row 5" in result.stderr
    assert "'maybe'" in result.stderr and "[complaints.answers]" in result.stderr
    spec = tmp_path / "s.toml"
    spec.write_text("[complaints.answers]\nmaybe = false\n", encoding="utf-8")
    assert invoke_cli("complaints", path, "--spec", spec).exit_code == 0


def test_spec_naming_a_missing_column_is_reported(tmp_path):
    path, _ = _complaint_file(tmp_path)
    spec = tmp_path / "s.toml"
    spec.write_text('[complaints]\nresolved = "solved?"\n', encoding="utf-8")
    result = invoke_cli("complaints", path, "--spec", spec)
    assert result.exit_code == 2
    assert "[missing-column]" in result.stderr and "solved?" in result.stderr
    assert "[complaints] resolved" in result.stderr


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ('[complaints]\nproblme = "x"\n', "unknown key 'problme' in [complaints]"),
        ('[complaints]\ndissatisfied = "low"\n', "[complaints] dissatisfied: expected a number"),
        ("[complaints.answers]\nmaybe = 1\n", "expected a table"),
        ("[complaints]\nloyalty = 3\n", "[complaints] loyalty"),
    ],
)
def test_bad_spec_sections_exit_2(tmp_path, section, says):
    path, _ = _complaint_file(tmp_path)
    spec = tmp_path / "s.toml"
    spec.write_text(section, encoding="utf-8")
    result = invoke_cli("complaints", path, "--spec", spec)
    assert result.exit_code == 2, result.output
    assert says in result.stderr and "s.toml" in result.stderr


def test_negative_complaint_count_is_a_usage_error(tmp_path):
    path, _ = _complaint_file(tmp_path)
    result = invoke_cli("complaints", path, "--complaints", -1)
    assert result.exit_code == 2


def test_sample_reading_covers_the_designed_voice_rate(sample_file):
    document = cli_json("complaints", sample_file)
    assert document["voice_ci_low"] < generator().VOICE_RATE < document["voice_ci_high"]
    assert document["columns"]["complained"] == "投诉"
