"""Journey vs touchpoints against scikit-learn / statsmodels / scipy / direct formulas, and the
truth designed into the sample generator (recovered on a 40,000-respondent draw)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import PredefinedSplit, cross_val_predict

from csi_cli.methods import journey as jm
from csi_cli.methods.regression import ols_hc3
from tests.designed_sample import arrays, generator, large_frame
from tests.helpers import cli_json, invoke_cli


@pytest.fixture(scope="module")
def designed():
    return arrays(large_frame())


def _ratings(seed=4, n=600, k=5):
    rng = np.random.default_rng(seed)
    s = rng.normal(size=n)
    touch = np.clip(np.round(7 + 1.5 * (0.6 * s[:, None] + rng.normal(size=(n, k)))), 1, 10)
    journey = np.clip(np.round(7 + 1.5 * (0.9 * s + 0.5 * rng.normal(size=n))), 1, 10)[:, None]
    y = np.clip(np.round(7 + 1.5 * s + rng.normal(size=n)), 1, 10)
    return touch, journey, y


@settings(max_examples=40, deadline=None)
@given(st.integers(10, 500), st.integers(2, 10), st.integers(0, 1000))
def test_folds_partition_respondents_evenly(n, k, seed):
    folds = jm.fold_assignment(n, k, seed)
    sizes = np.bincount(folds, minlength=k)
    assert sizes.sum() == n and sizes.max() - sizes.min() <= 1
    np.testing.assert_array_equal(folds, jm.fold_assignment(n, k, seed))


@pytest.mark.parametrize("folds", [5, 10])
def test_out_of_sample_r2_matches_scikit_learn(folds):
    touch, journey, y = _ratings()
    loyalty = y + np.random.default_rng(1).normal(size=len(y))
    outcomes = {"satisfaction": y, "loyalty": loyalty}
    results = jm.compare_r2(outcomes, journey, touch, folds=folds, seed=9)
    split = PredefinedSplit(jm.fold_assignment(len(y), folds, 9))
    for result, outcome in zip(results, outcomes.values(), strict=True):
        for design, r2 in ((journey, result.r2_journey), (touch, result.r2_touchpoints)):
            predicted = cross_val_predict(LinearRegression(), design, outcome, cv=split)
            assert r2 == pytest.approx(r2_score(outcome, predicted), abs=1e-10)
        assert result.difference == pytest.approx(result.r2_journey - result.r2_touchpoints)


def test_bootstrap_interval_of_the_difference_matches_scipy():
    touch, journey, y = _ratings(n=800)
    (result,) = jm.compare_r2({"satisfaction": y}, journey, touch, seed=2, resamples=4000)
    split = PredefinedSplit(jm.fold_assignment(len(y), jm.DEFAULT_FOLDS, 2))
    e_j = (y - cross_val_predict(LinearRegression(), journey, y, cv=split)) ** 2
    e_t = (y - cross_val_predict(LinearRegression(), touch, y, cv=split)) ** 2

    def difference(a, b, yy):
        return (b.sum() - a.sum()) / ((yy - yy.mean()) ** 2).sum()

    reference = stats.bootstrap(
        (e_j, e_t, y), difference, paired=True, vectorized=False, n_resamples=4000,
        method="percentile", random_state=np.random.default_rng(0),
    ).confidence_interval  # fmt: skip
    width = reference.high - reference.low
    assert result.ci_low == pytest.approx(reference.low, abs=0.08 * width)
    assert result.ci_high == pytest.approx(reference.high, abs=0.08 * width)


def test_grouped_bootstrap_above_the_group_count_keeps_the_interval():
    touch, journey, y = _ratings(n=12_000)
    (grouped,) = jm.compare_r2({"satisfaction": y}, journey, touch, seed=5)
    se = (grouped.ci_high - grouped.ci_low) / (2 * 1.96)
    # the delta-method SE of a ratio of means, computed directly from the errors
    order, bounds = jm.fold_order(len(y), jm.DEFAULT_FOLDS, 5)
    (e_j, e_t), ys = jm.out_of_fold_errors(y[:, None], [journey, touch], order, bounds)
    e_j, e_t, ys = e_j[:, 0], e_t[:, 0], ys[:, 0]
    c = (ys - ys.mean()) ** 2
    ratio = (e_t - e_j).sum() / c.sum()
    direct = np.std((e_t - e_j) - ratio * c, ddof=1) / np.sqrt(len(y)) / c.mean()
    assert se == pytest.approx(direct, rel=0.1)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 7))
def test_consistency_is_sd_and_range_across_touchpoints(seed, k):
    touch = np.random.default_rng(seed).integers(1, 11, size=(30, k)).astype(float)
    mean, sd, spread = jm.consistency(np.asfortranarray(touch))
    np.testing.assert_allclose(mean, touch.mean(axis=1))
    np.testing.assert_allclose(sd, np.std(touch, axis=1, ddof=1), atol=1e-12)
    np.testing.assert_array_equal(spread, np.ptp(touch, axis=1))


def test_consistency_effect_matches_statsmodels_hc3():
    touch, _, y = _ratings()
    mean, sd, _ = jm.consistency(touch)
    (effect,) = jm.consistency_effects({"satisfaction": y}, mean, sd)
    x = sm.add_constant(np.column_stack([touch.mean(axis=1), touch.std(axis=1, ddof=1)]))
    reference = sm.OLS(y, x).fit(cov_type="HC3", use_t=True)
    assert effect.estimate == pytest.approx(reference.params[2])
    assert effect.std_error == pytest.approx(reference.bse[2])
    assert effect.p_value == pytest.approx(reference.pvalues[2])
    assert (effect.ci_low, effect.ci_high) == pytest.approx(tuple(reference.conf_int()[2]))


def test_ols_hc3_leaves_incomplete_rows_out():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(50, 2)), rng.normal(size=50)
    x[3, 1], y[7] = np.nan, np.nan
    fit = ols_hc3(y, x, ["a", "b"])
    keep = ~(np.isnan(y) | np.isnan(x).any(axis=1))
    reference = sm.OLS(y[keep], sm.add_constant(x[keep])).fit(cov_type="HC3", use_t=True)
    assert fit.n == 48
    np.testing.assert_allclose(fit.coefficients["std_error"], reference.bse, rtol=1e-10)


def test_weakest_link_matches_a_direct_comparison():
    touch, _, y = _ratings()
    failed = (touch <= 4).any(axis=1)
    row = jm.weakest_link({"satisfaction": y}, failed).iloc[0]
    test = stats.ttest_ind(y[failed], y[~failed], equal_var=False)
    assert row["n_failed"] == failed.sum() and row["n_none"] == (~failed).sum()
    assert row["failed"] == pytest.approx(y[failed].mean())
    assert row["none"] == pytest.approx(y[~failed].mean())
    assert row["p_value"] == pytest.approx(test.pvalue)
    interval = test.confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((interval.low, interval.high))


def test_touchpoint_weights_add_up_to_the_regression_r2():
    touch, _, y = _ratings()
    table, r2 = jm.touchpoint_table(list("abcde"), touch, y, 4)
    assert r2 == pytest.approx(sm.OLS(y, sm.add_constant(touch)).fit().rsquared)
    assert table["importance"].sum() == pytest.approx(r2)
    np.testing.assert_allclose(table["failure_rate"], (touch <= 4).mean(axis=0))


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_consistency_and_weakest_link_are_invariant_to_row_order(seed):
    touch, journey, y = _ratings(n=200)
    order = np.random.default_rng(seed).permutation(len(y))
    first = jm.journey_analysis(list("abcde"), touch, journey, {"satisfaction": y}, 4)
    second = jm.journey_analysis(
        list("abcde"), touch[order], journey[order], {"satisfaction": y[order]}, 4
    )
    assert first.consistency[0].estimate == pytest.approx(second.consistency[0].estimate)
    pd.testing.assert_frame_equal(first.weakest_link, second.weakest_link, rtol=1e-10)
    pd.testing.assert_frame_equal(first.touchpoints, second.touchpoints, rtol=1e-10)


def test_respondents_missing_a_touchpoint_are_left_out():
    touch, journey, y = _ratings()
    touch[:10, 2] = np.nan
    result = jm.journey_analysis(list("abcde"), touch, journey, {"satisfaction": y}, 4)
    assert result.n == len(y) - 10 and result.r2[0].n == len(y) - 10


# --- the designed truth of sample_data/make_sample.py -----------------------------------------


def _designed_journey(designed):
    outcomes = {k: designed[k] for k in ("satisfaction", "loyalty")}
    names = generator().STAGES
    return jm.journey_analysis(names, designed["touchpoints"], designed["journey"], outcomes, 4)


def test_designed_journey_predicts_better_and_inconsistency_hurts(designed):
    result = _designed_journey(designed)
    for comparison in result.r2:
        assert comparison.ci_low > 0, comparison
    for effect in result.consistency:
        assert effect.ci_high < 0, effect
    weakest = result.weakest_link.set_index("outcome")
    assert weakest.loc["satisfaction", "ci_high"] < 0
    top = result.touchpoints.sort_values("importance").iloc[-1]["touchpoint"]
    weights = dict(zip(generator().STAGES, generator().TOUCHPOINT_WEIGHTS, strict=True))
    assert top == max(weights, key=weights.get)


# --- the command line, on files this repository has never seen -------------------------------

ISSUE_KEYS = {"n", "r2_journey", "r2_touchpoints", "r2_difference", "ci_low", "ci_high",
              "consistency", "weakest_link", "touchpoints"}  # fmt: skip


def _journey_file(tmp_path, n=300, seed=21, *, journey=True, name="j.csv"):
    rng = np.random.default_rng(seed)
    s = rng.normal(size=n)
    rate = lambda x: np.clip(np.round(7 + 1.5 * x), 1, 10)  # noqa: E731
    frame = pd.DataFrame(
        {
            "date": np.where(np.arange(n) % 2 == 0, "2026-09-10", "2026-10-10"),
            "overall": rate(s),
            **{f"TP{k}": rate(0.6 * s + rng.normal(size=n)) for k in range(1, 5)},
            "LOY1": rate(0.5 * s + rng.normal(size=n)),
        }
    )
    if journey:
        frame["journey_overall"] = rate(0.9 * s + 0.4 * rng.normal(size=n))
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path, frame


def test_command_json_against_independent_computations(tmp_path):
    path, frame = _journey_file(tmp_path)
    document = cli_json("journey", path, "--seed", 4, "--bootstrap", 500)
    assert document.keys() >= ISSUE_KEYS
    touch = frame[[f"TP{k}" for k in range(1, 5)]].to_numpy(float)
    y = frame["overall"].to_numpy(float)
    split = PredefinedSplit(jm.fold_assignment(len(y), 10, 4))
    r2 = {}
    for name, design in (("journey", frame[["journey_overall"]]), ("touchpoints", touch)):
        predicted = cross_val_predict(LinearRegression(), design, y, cv=split)
        r2[name] = r2_score(y, predicted)
    assert document["r2_journey"] == pytest.approx(r2["journey"])
    assert document["r2_touchpoints"] == pytest.approx(r2["touchpoints"])
    assert document["ci_low"] < document["r2_difference"] < document["ci_high"]
    x = sm.add_constant(np.column_stack([touch.mean(axis=1), touch.std(axis=1, ddof=1)]))
    reference = sm.OLS(y, x).fit(cov_type="HC3", use_t=True)
    consistency = document["consistency"]
    assert consistency["estimate"] == pytest.approx(reference.params[2])
    assert consistency["std_error"] == pytest.approx(reference.bse[2])
    assert consistency["p_value"] == pytest.approx(reference.pvalues[2])
    failed = (touch <= 4).any(axis=1)  # bottom third of the inferred 1–10 scale
    weakest = document["weakest_link"]
    assert weakest["n_failed"] == failed.sum()
    assert weakest["satisfaction_failed"] == pytest.approx(y[failed].mean())
    assert weakest["satisfaction_none"] == pytest.approx(y[~failed].mean())
    assert weakest["difference"] == pytest.approx(y[failed].mean() - y[~failed].mean())
    assert [t["touchpoint"] for t in document["touchpoints"]] == ["TP1", "TP2", "TP3", "TP4"]
    means = [t["mean"] for t in document["touchpoints"]]
    np.testing.assert_allclose(means, touch.mean(axis=0))
    assert sum(t["importance"] for t in document["touchpoints"]) == pytest.approx(
        sm.OLS(y, sm.add_constant(touch)).fit().rsquared
    )


def test_without_a_journey_rating_the_comparison_is_skipped(tmp_path):
    path, _ = _journey_file(tmp_path, journey=False)
    document = cli_json("journey", path)
    assert document["r2_journey"] is None and document["r2"] == []
    assert any("no journey rating" in note for note in document["skipped"])
    assert document["consistency"]["estimate"] is not None


def test_spec_orders_touchpoints_and_sets_the_threshold(tmp_path):
    path, frame = _journey_file(tmp_path)
    spec = tmp_path / "s.toml"
    spec.write_text('[journey]\ntouchpoints = ["TP3", "TP1"]\ndissatisfied = 6\nfolds = 5\n',
                    encoding="utf-8")  # fmt: skip
    document = cli_json("journey", path, "--spec", spec)
    assert [t["touchpoint"] for t in document["touchpoints"]] == ["TP3", "TP1"]
    failed = (frame[["TP3", "TP1"]] <= 6).any(axis=1)
    assert document["weakest_link"]["n_failed"] == failed.sum()
    assert document["r2"][0]["folds"] == 5


def test_sample_reading_recovers_the_design(sample_file):
    document = cli_json("journey", sample_file, "--bootstrap", 1000)
    assert document["ci_low"] > 0  # the journey rating predicts satisfaction better
    assert document["consistency"]["ci_high"] < 0  # inconsistency lowers satisfaction
    top = max(document["touchpoints"], key=lambda t: t["importance"])["touchpoint"]
    assert top == "tp_delivery"


def test_period_report_compares_consistency(tmp_path):
    import json

    path, frame = _journey_file(tmp_path, n=400)
    out = tmp_path / "out"
    result = invoke_cli("report", path, "--period", "2026-10", "--output-dir", out)
    assert result.exit_code in (0, 3), result.output
    document = json.loads((out / "csi-report-2026-10.json").read_text(encoding="utf-8"))
    change = next(c for c in document["changes"] if c["measure"] == "journey:touchpoint_sd")
    columns = [f"TP{k}" for k in range(1, 5)]
    sds = [frame.loc[frame["date"] == d, columns].std(axis=1, ddof=1)
           for d in ("2026-10-10", "2026-09-10")]  # fmt: skip
    test = stats.ttest_ind(*sds, equal_var=False)
    assert change["difference"] == pytest.approx(sds[0].mean() - sds[1].mean())
    assert change["p_value"] == pytest.approx(test.pvalue)
    assert change["points"] == pytest.approx(-change["difference"] / 9 * 100)
    assert any(c["measure"] == "journey:TP1" for c in document["changes"])


def test_alert_sentence_for_consistency():
    from csi_cli.analyses.journey import ANALYSIS

    change = {"name": "touchpoint_sd", "difference": 0.3, "points": -3.33, "p_value": 0.01}
    sentence = ANALYSIS.alert(change, None)
    assert sentence.startswith("journey: touchpoints grew less consistent (SD rose 0.30")


# --- error paths --------------------------------------------------------------------------------


def test_file_without_touchpoints_is_refused(tmp_path):
    path, frame = _journey_file(tmp_path)
    frame[["date", "overall"]].to_csv(path, index=False)
    result = invoke_cli("journey", path)
    assert result.exit_code == 2
    assert "j.csv" in result.stderr and "no touchpoint ratings found" in result.stderr


def test_too_few_complete_respondents_is_a_model_error(tmp_path):
    path, frame = _journey_file(tmp_path, n=40)
    frame.loc[5:, "TP2"] = np.nan
    frame.to_csv(path, index=False)
    result = invoke_cli("journey", path)
    assert result.exit_code == 2
    assert "needs at least 20 respondents who rated every touchpoint" in result.stderr
    assert "5 did" in result.stderr and "Traceback" not in result.output


def test_text_in_a_touchpoint_is_reported(tmp_path):
    path, frame = _journey_file(tmp_path)
    frame["TP3"] = frame["TP3"].astype(object)
    frame.loc[2, "TP3"] = "很好"
    frame.to_csv(path, index=False)
    result = invoke_cli("journey", path)
    assert result.exit_code == 2
    assert "[text-in-rating]" in result.stderr and "TP3" in result.stderr
    assert "row 4" in result.stderr


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ('[journey]\ntouchpoints = ["TP1", "TPX"]\n', "[journey] touchpoints names column 'TPX'"),
        ("[journey]\nfolds = 0\n", "[journey] folds: expected a whole number"),
        ('[journey]\nstages = ["TP1"]\n', "unknown key 'stages' in [journey]"),
    ],
)
def test_bad_journey_spec_exits_2(tmp_path, section, says):
    path, _ = _journey_file(tmp_path)
    spec = tmp_path / "s.toml"
    spec.write_text(section, encoding="utf-8")
    result = invoke_cli("journey", path, "--spec", spec)
    assert result.exit_code == 2, result.output
    assert says in result.stderr
