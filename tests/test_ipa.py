"""Importance–performance analysis: derived importance against statsmodels/numpy computations
written differently, Johnson's relative weights by his original SVD route, quadrants by design."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from csi_cli.errors import ModelError, UsageError
from csi_cli.methods import ipa
from csi_cli.options import GapOptions
from csi_cli.survey import load

LIMITED = settings(max_examples=50, deadline=None)


def drivers_and_overall(seed: int, n: int = 300, k: int = 4, missing: float = 0.0):
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n, 1))
    x = 0.6 * common + rng.normal(size=(n, k))
    y = x @ np.linspace(0.2, 1.0, k) + rng.normal(size=n)
    x[rng.random(x.shape) < missing] = np.nan
    return x, y


def standardized_complete(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    complete = ~(np.isnan(x).any(axis=1) | np.isnan(y))
    x, y = x[complete], y[complete]
    return (x - x.mean(0)) / x.std(0, ddof=1), (y - y.mean()) / y.std(ddof=1)


def johnson_by_svd(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson (2000) as published: X = P Δ Qᵀ, Z = P Qᵀ (scaled to unit variance), regress
    y on Z and X on Z."""
    zx, zy = standardized_complete(x, y)
    p, _, qt = np.linalg.svd(zx, full_matrices=False)
    z = np.sqrt(len(zy) - 1) * p @ qt
    beta = np.linalg.lstsq(z, zy, rcond=None)[0]
    loadings = np.linalg.lstsq(z, zx, rcond=None)[0]  # column j: X_j on Z
    return (loadings.T**2) @ (beta**2)


def test_correlation_importance_equals_pandas_listwise_correlations():
    x, y = drivers_and_overall(1, missing=0.05)
    importance, r2 = ipa.derived_importance(x, y, "correlation")
    frame = pd.DataFrame(x).assign(y=y).dropna()
    np.testing.assert_allclose(importance, frame.corr()["y"].to_numpy()[:-1], rtol=1e-12)
    assert r2 is None


def test_regression_weights_equal_statsmodels_ols_on_standardized_data():
    x, y = drivers_and_overall(2, missing=0.05)
    importance, r2 = ipa.derived_importance(x, y, "regression")
    zx, zy = standardized_complete(x, y)
    fit = sm.OLS(zy, sm.add_constant(zx)).fit()
    np.testing.assert_allclose(importance, fit.params[1:], rtol=1e-10)
    assert r2 == pytest.approx(fit.rsquared, rel=1e-10)


def test_relative_weights_follow_johnsons_svd_construction():
    x, y = drivers_and_overall(3)
    importance, r2 = ipa.derived_importance(x, y, "relative")
    np.testing.assert_allclose(importance, johnson_by_svd(x, y), rtol=1e-9)
    zx, zy = standardized_complete(x, y)
    assert importance.sum() == pytest.approx(sm.OLS(zy, zx).fit().rsquared, rel=1e-10)
    assert r2 == pytest.approx(importance.sum(), rel=1e-10)


def test_relative_weights_of_uncorrelated_drivers_are_squared_correlations():
    rng = np.random.default_rng(4)
    raw = rng.normal(size=(200, 3))
    x, _ = np.linalg.qr(raw - raw.mean(axis=0))  # orthonormal columns in the centred space
    y = x @ np.array([3.0, 1.0, 0.5]) + rng.normal(scale=0.05, size=200)
    r_xx, r_xy = ipa.correlation_matrix(x, y)
    np.testing.assert_allclose(r_xx, np.eye(3), atol=1e-9)
    np.testing.assert_allclose(ipa.relative_weights(r_xx, r_xy), r_xy**2, rtol=1e-6)


@LIMITED
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(2, 6))
def test_relative_weights_are_nonnegative_and_sum_to_r2(seed, k):
    x, y = drivers_and_overall(seed, n=80, k=k)
    importance, r2 = ipa.derived_importance(x, y, "relative")
    assert np.all(importance >= 0)
    assert importance.sum() == pytest.approx(r2, rel=1e-9)


def test_linearly_dependent_items_are_a_model_error():
    x, y = drivers_and_overall(5, k=3)
    x = np.column_stack([x, x[:, 0] + x[:, 1]])
    with pytest.raises(ModelError, match="linearly dependent"):
        ipa.derived_importance(x, y, "relative")


def test_too_few_complete_respondents_is_a_model_error():
    x, y = drivers_and_overall(6, n=5, k=4)
    with pytest.raises(ModelError, match="at least 6"):
        ipa.derived_importance(x, y, "correlation")


def test_quadrants_by_design():
    names = ["fix", "keep", "low", "overkill"]
    performance = np.array([2.0, 6.0, 2.0, 6.0])
    importance = np.array([6.0, 6.0, 2.0, 2.0])
    result = ipa.importance_performance(names, performance, importance, source="stated")
    assert (result.x_line, result.y_line) == (4.0, 4.0)
    assert list(result.items["quadrant"]) == [
        "Concentrate here",
        "Keep up the good work",
        "Low priority",
        "Possible overkill",
    ]
    chart = result.tables()[0].chart
    assert chart.kind == "scatter" and chart.x_line == 4.0 and chart.label == "item"


def test_midpoint_crosshair_uses_the_scale_and_keeps_derived_importance_at_its_mean():
    performance = np.array([5.0, 6.0, 5.5])
    stated = ipa.importance_performance(
        list("abc"), performance, np.array([6.0, 6.5, 5.0]), source="stated", crosshair="mid",
        midpoints=(4.0, 4.0),
    )  # fmt: skip
    assert (stated.x_line, stated.y_line) == (4.0, 4.0)
    assert set(stated.items["quadrant"]) == {"Keep up the good work"}
    derived = ipa.importance_performance(
        list("abc"), performance, np.array([0.1, 0.3, 0.2]), source="relative", crosshair="mid",
        midpoints=(4.0, None),
    )  # fmt: skip
    assert derived.y_line == pytest.approx(0.2)
    assert derived.notes


def write_survey(path: Path, with_overall: bool, with_importance: bool) -> Path:
    rng = np.random.default_rng(9)
    n = 150
    frame = pd.DataFrame()
    perception = rng.integers(1, 8, (n, 3))
    for j, item in enumerate(["A", "B", "C"]):
        frame[f"{item}_E"] = rng.integers(1, 8, n)
        frame[f"{item}_P"] = perception[:, j]
        if with_importance:
            frame[f"{item}_I"] = rng.integers(1, 8, n)
    if with_overall:
        frame["overall"] = np.clip(perception @ [0.5, 0.3, 0.2] + rng.normal(0, 1, n), 1, 7)
    frame.to_csv(path, index=False)
    return path


def test_auto_prefers_stated_importance_then_relative_weights(tmp_path):
    both = load(write_survey(tmp_path / "both.csv", True, True))
    assert ipa.analyze(both, GapOptions()).source == "stated"
    derived = load(write_survey(tmp_path / "derived.csv", True, False))
    result = ipa.analyze(derived, GapOptions())
    assert result.source == "relative"
    x = derived.ratings(["A_P", "B_P", "C_P"])
    np.testing.assert_allclose(
        result.items["importance"], johnson_by_svd(x, derived.numeric("overall")), rtol=1e-9
    )
    np.testing.assert_allclose(result.items["performance"], x.mean(axis=0))
    assert (
        ipa.analyze(load(write_survey(tmp_path / "none.csv", False, False)), GapOptions()) is None
    )


def test_stated_importance_is_the_mean_of_the_importance_columns(tmp_path):
    survey = load(write_survey(tmp_path / "stated.csv", False, True))
    result = ipa.analyze(survey, GapOptions(importance="stated", crosshair="mid"))
    expected = survey.frame[["A_I", "B_I", "C_I"]].mean().to_numpy()
    np.testing.assert_allclose(result.items["importance"], expected)
    assert result.x_line == 4.0 and result.y_line == 4.0


def test_missing_columns_for_the_chosen_importance_are_usage_errors(tmp_path):
    survey = load(write_survey(tmp_path / "plain.csv", False, False))
    with pytest.raises(UsageError, match="_I"):
        ipa.analyze(survey, GapOptions(importance="stated"))
    with pytest.raises(UsageError, match="overall"):
        ipa.analyze(survey, GapOptions(importance="correlation"))
