"""Honest labels: importance–performance quadrants carry intervals and say when they are not
established; the weighted-average CSI averages satisfaction and its antecedents only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from csi_cli.methods import index, ipa, pls, pls_bootstrap
from csi_cli.options import GapOptions
from csi_cli.survey import load
from tests.helpers import run_analysis

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "survey.xlsx"


def drivers(seed: int, n: int = 150, k: int = 4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k)) + 0.5 * rng.normal(size=(n, 1))
    y = x @ np.linspace(1.0, 0.1, k) + rng.normal(size=n)
    return x, y


@pytest.mark.parametrize("method", ["correlation", "regression", "relative"])
def test_bootstrap_importance_equals_a_loop_over_resampled_files(method):
    x, y = drivers(5)
    resamples, seed = 40, 11
    batched = ipa.bootstrap_importance(x, y, method, resamples, seed)
    # the same counts, drawn again, expanded into real resampled data sets one by one
    counts = pls_bootstrap.draw_counts(np.random.default_rng(seed), resamples, len(y)).astype(int)
    for b in range(resamples):
        rows = np.repeat(np.arange(len(y)), counts[b])
        expected, _ = ipa.derived_importance(x[rows], y[rows], method)
        np.testing.assert_allclose(batched[b], expected, rtol=1e-9, atol=1e-12)


def test_bootstrap_importance_leaves_out_incomplete_respondents():
    x, y = drivers(6)
    holed = x.copy()
    holed[:10, 0] = np.nan
    with_holes = ipa.bootstrap_importance(holed, y, "relative", 20, 3)
    complete = ipa.bootstrap_importance(x[10:], y[10:], "relative", 20, 3)
    np.testing.assert_allclose(with_holes, complete, rtol=1e-12)


def test_mean_interval_is_the_student_t_interval():
    rng = np.random.default_rng(7)
    values = rng.normal(5, 1, size=(60, 3))
    values[:5, 1] = np.nan
    low, high = ipa.mean_interval(values)
    for j in range(3):
        column = values[:, j][~np.isnan(values[:, j])]
        expected = stats.t.interval(
            0.95, len(column) - 1, loc=column.mean(), scale=stats.sem(column)
        )
        np.testing.assert_allclose([low[j], high[j]], expected, rtol=1e-12)


def test_a_quadrant_is_uncertain_when_an_interval_reaches_its_line():
    intervals = ipa.Intervals(
        performance_low=np.array([4.0, 4.0, 5.6, 4.0]),
        performance_high=np.array([4.5, 4.5, 6.0, 5.5]),
        importance_low=np.array([0.55, 0.05, 0.55, 0.55]),
        importance_high=np.array([0.7, 0.7, 0.7, 0.7]),
    )
    result = ipa.importance_performance(
        ["clear", "importance unsure", "clear too", "performance unsure"],
        np.array([4.2, 4.2, 5.8, 4.4]),
        np.array([0.6, 0.3, 0.6, 0.6]),
        source="relative",
    )
    lines = (result.x_line, result.y_line)
    placed = ipa.importance_performance(
        list(result.items["item"]),
        result.items["performance"].to_numpy(),
        result.items["importance"].to_numpy(),
        source="relative",
        intervals=intervals,
    )
    assert (placed.x_line, placed.y_line) == lines == (4.65, 0.525)
    assert placed.items["uncertain"].tolist() == [False, True, False, True]
    assert result.items["uncertain"].isna().all()  # no intervals: nothing is claimed


def test_sample_quadrants_are_all_uncertain_because_overall_ignores_the_gap_items():
    """make_sample.py builds ``overall`` from SAT and the Kano performance ratings and draws
    the SERVQUAL items independently, so they have no true importance for it: no item's
    quadrant is established."""
    survey = load(SAMPLE)
    result = ipa.analyze(survey, GapOptions(), bootstrap=300, seed=2)
    assert result.source == "relative"
    assert result.items["uncertain"].all()
    # every importance interval reaches the importance line (relative weights are ≥ 0, so a
    # percentile interval of a true zero sits just above it: it need not contain the estimate)
    assert (result.items["importance_ci_low"] <= result.y_line).all()
    assert (result.items["importance_ci_high"] >= result.y_line).all()


def model(paths):
    order = ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY")
    return pls.PathModel.build({name: [f"{name}1"] for name in order}, paths)


ECSI_PATHS = [
    ("IMAG", "EXPE"), ("IMAG", "SAT"), ("IMAG", "LOY"), ("EXPE", "QUAL"), ("EXPE", "VAL"),
    ("EXPE", "SAT"), ("QUAL", "VAL"), ("QUAL", "SAT"), ("VAL", "SAT"), ("SAT", "COMP"),
    ("SAT", "LOY"), ("COMP", "LOY"),
]  # fmt: skip


def test_weighted_csi_averages_satisfaction_and_its_antecedents():
    """ECSI (Fornell et al. 1996; Johnson et al. 2001): complaints and loyalty are
    consequences of satisfaction, not part of it."""
    ecsi = model(ECSI_PATHS)
    assert index.satisfaction_constructs(ecsi, "SAT") == ("IMAG", "EXPE", "QUAL", "VAL", "SAT")
    weights = index.construct_weights(ecsi, {}, "SAT")
    assert weights == pytest.approx(dict.fromkeys(("IMAG", "EXPE", "QUAL", "VAL", "SAT"), 0.2))
    indices = np.array([60.0, 62.0, 64.0, 66.0, 68.0, 10.0, 90.0])  # COMP, LOY far off
    assert index.combine(indices, ecsi, weights) == pytest.approx(64.0)


def test_stated_weights_win_and_are_normalized():
    ecsi = model(ECSI_PATHS)
    weights = index.construct_weights(ecsi, {"SAT": 3.0, "LOY": 1.0}, "SAT")
    assert weights == {"SAT": 0.75, "LOY": 0.25}


def test_sample_weighted_csi_leaves_out_complaints_and_loyalty():
    survey = load(SAMPLE)
    result = run_analysis("index", survey, bootstrap=0, method="weighted")
    frame = survey.frame
    scale_low, scale_high = 1, 10
    rescaled = {
        name: 100 * (frame[[c for c in frame.columns if str(c).startswith(name)]].stack().mean()
                     - scale_low) / (scale_high - scale_low)
        for name in ("IMAG", "EXPE", "QUAL", "VAL", "SAT")
    }  # fmt: skip
    # items with blanks are listwise-dropped by the index: allow for the 8 incomplete rows
    assert result.index["value"] == pytest.approx(np.mean(list(rescaled.values())), abs=0.2)
    assert "COMP" not in result.settings["construct_weights"]
    assert "LOY" not in result.settings["construct_weights"]
    assert pd.Series(result.settings["construct_weights"]).sum() == pytest.approx(1.0)
