"""NPS: counts, score, SE and CI against a computation on +1/0/−1 scores; the difference of two
NPS values; the composition test against statsmodels; the Survey wiring."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.contingency_tables import Table as ContingencyTable

from csi_cli.analyses import get
from csi_cli.methods import nps
from csi_cli.survey import load
from tests.helpers import run_analysis

LIMITED = settings(max_examples=50, deadline=None)


def trinary(scores: np.ndarray) -> np.ndarray:
    """+1 promoter, 0 passive, −1 detractor (answered scores only)."""
    answered = scores[~np.isnan(scores)]
    return np.select([answered >= 9, answered <= 6], [1.0, -1.0], default=0.0)


def test_designed_counts_and_score():
    scores = np.array([10, 9, 9, 8, 7, 6, 0, 3, np.nan, 10])
    summary = nps.nps_summary(scores)
    assert (summary.n, summary.promoters, summary.passives, summary.detractors) == (9, 4, 2, 3)
    assert summary.nps == pytest.approx(100 * (4 - 3) / 9)


def test_se_and_ci_are_those_of_the_mean_of_trinary_scores():
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 11, 700).astype(float)
    scores[:20] = np.nan
    summary = nps.nps_summary(scores)
    x = trinary(scores)
    se = 100 * np.std(x, ddof=0) / np.sqrt(x.size)
    assert summary.nps == pytest.approx(100 * x.mean(), rel=1e-12)
    assert summary.se == pytest.approx(se, rel=1e-12)
    z = stats.norm.ppf(0.975)
    assert (summary.ci_low, summary.ci_high) == pytest.approx(
        (100 * x.mean() - z * se, 100 * x.mean() + z * se), rel=1e-12
    )


@LIMITED
@given(st.lists(st.integers(0, 10), min_size=1, max_size=300))
def test_counts_partition_the_answers_and_the_score_is_bounded(values):
    summary = nps.nps_summary(np.array(values, dtype=float))
    assert summary.promoters + summary.passives + summary.detractors == summary.n == len(values)
    assert -100 <= summary.nps <= 100
    assert summary.ci_low <= summary.nps <= summary.ci_high
    shares = summary.to_dict()
    total = shares["share_promoters"] + shares["share_passives"] + shares["share_detractors"]
    assert total == pytest.approx(1.0)


def test_no_answers_give_missing_values_not_errors():
    summary = nps.nps_summary(np.array([np.nan, np.nan]))
    assert summary.n == 0
    document = json.loads(json.dumps(summary.to_dict(), allow_nan=False))
    assert document["nps"] is None and document["se"] is None


def test_difference_of_two_independent_scores():
    rng = np.random.default_rng(2)
    a = rng.integers(0, 11, 400).astype(float)
    b = np.clip(rng.integers(0, 11, 350) + 1, 0, 10).astype(float)
    diff = nps.nps_difference(nps.nps_summary(b), nps.nps_summary(a))
    xa, xb = trinary(a), trinary(b)
    se = 100 * np.sqrt(xa.var() / xa.size + xb.var() / xb.size)
    delta = 100 * (xb.mean() - xa.mean())
    assert diff.difference == pytest.approx(delta, rel=1e-12)
    assert diff.se == pytest.approx(se, rel=1e-12)
    assert diff.z == pytest.approx(delta / se, rel=1e-12)
    assert diff.p_value == pytest.approx(2 * stats.norm.cdf(-abs(delta / se)), rel=1e-10)
    assert diff.ci_low == pytest.approx(delta - 1.959963984540054 * se, rel=1e-10)


def test_composition_test_matches_statsmodels_pearson_chi2():
    rng = np.random.default_rng(3)
    groups = [rng.integers(0, 11, n).astype(float) for n in (120, 90, 60)]
    result = nps.composition_test([nps.nps_summary(g) for g in groups])
    counts = np.array([[np.sum(trinary(g) == v) for v in (1, 0, -1)] for g in groups])
    reference = ContingencyTable(counts).test_nominal_association()
    assert result["chi2"] == pytest.approx(reference.statistic, rel=1e-10)
    assert result["df"] == reference.df
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-9)


def test_run_per_segment(tmp_path):
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {"region": rng.choice(["east", "west"], 300), "NPS": rng.integers(0, 11, 300)}
    )
    frame.loc[:4, "NPS"] = None
    path = tmp_path / "nps.csv"
    frame.to_csv(path, index=False)
    survey = load(path)
    assert get("nps").supports(survey)
    result = run_analysis("nps", survey, by="region")
    document = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert document["n"] == 300 and document["n_answered"] == 295
    for row in document["segments"]:
        scores = frame.loc[frame["region"] == row["segment"], "NPS"].to_numpy(dtype=float)
        assert row["nps"] == pytest.approx(100 * trinary(scores).mean())
    assert [t.key for t in result.tables()] == ["nps_composition", "nps_score", "nps_segments"]
    assert result.tables()[0].chart.kind == "bar"


# --- bootstrap CI for small n ---------------------------------------------------------------


def test_small_n_uses_the_bootstrap_and_large_n_the_normal_ci():
    rng = np.random.default_rng(5)
    below = nps.nps_summary(rng.integers(0, 11, nps.BOOTSTRAP_BELOW_N - 1).astype(float))
    at = nps.nps_summary(rng.integers(0, 11, nps.BOOTSTRAP_BELOW_N).astype(float))
    assert below.ci_method == "bootstrap" and below.to_dict()["ci_method"] == "bootstrap"
    assert at.ci_method == "normal"
    assert at.ci_low == pytest.approx(at.nps - stats.norm.ppf(0.975) * at.se, rel=1e-12)


def test_bootstrap_ci_equals_resampling_the_raw_scores():
    # Independent computation: resample the answers themselves with numpy (not the counts).
    # Different streams, so compare with many resamples, within one step of the NPS (100/n).
    rng = np.random.default_rng(6)
    scores = rng.integers(0, 11, 60).astype(float)
    scores[:3] = np.nan
    x = trinary(scores)
    resamples = 200_000
    means = 100 * x[rng.integers(0, x.size, (resamples, x.size))].mean(axis=1)
    expected = np.quantile(means, [0.025, 0.975])
    summary = nps.nps_summary(scores, seed=7, resamples=resamples)
    assert summary.ci_method == "bootstrap"
    np.testing.assert_allclose([summary.ci_low, summary.ci_high], expected, atol=100 / x.size)
    assert summary.se == pytest.approx(100 * np.std(x) / np.sqrt(x.size), rel=1e-12)


def test_bootstrap_ci_is_reproducible_with_a_seed_and_contains_the_estimate():
    scores = np.array([10, 9, 9, 8, 7, 6, 0, 3, 10, 10, 5, 9, 8, 2, 10], dtype=float)
    first, again = nps.nps_summary(scores, seed=3), nps.nps_summary(scores, seed=3)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert first.ci_low < first.nps < first.ci_high
    other = nps.nps_summary(scores, seed=4)
    assert other.ci_low <= other.nps <= other.ci_high


def test_run_seeds_the_bootstrap_from_the_options(tmp_path):
    rng = np.random.default_rng(8)
    path = tmp_path / "nps.csv"
    pd.DataFrame({"NPS": rng.integers(0, 11, 40)}).to_csv(path, index=False)
    survey = load(path)
    first, again = (run_analysis("nps", survey, seed=11).to_dict() for _ in range(2))
    assert first["ci_method"] == "bootstrap"
    assert (first["ci_low"], first["ci_high"]) == (again["ci_low"], again["ci_high"])
    expected = nps.nps_summary(survey.numeric("NPS"), seed=11)
    assert (first["ci_low"], first["ci_high"]) == (expected.ci_low, expected.ci_high)
