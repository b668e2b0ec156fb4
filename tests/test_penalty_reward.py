"""Penalty–reward contrast analysis: a designed truth, and OLS recomputed with plain numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from csi_cli.errors import ModelError
from csi_cli.methods.penalty_reward import penalty_reward, performance_levels
from csi_cli.survey import load
from tests.helpers import run_analysis

# Designed truth: (penalty, reward) per attribute on a 1–5 scale.
TRUTH = {"basic": (-1.5, 0.0), "performance": (-1.0, 1.0), "excitement": (0.0, 1.5)}


def simulate(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    performance = rng.integers(1, 6, size=(n, len(TRUTH))).astype(float)
    overall = 5.0 + rng.normal(0, 0.8, size=n)
    for j, (penalty, reward) in enumerate(TRUTH.values()):
        overall += penalty * (performance[:, j] <= 2) + reward * (performance[:, j] >= 4)
    return overall, performance


def numpy_ols(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients and 95% CI bounds by the normal equations (independent of statsmodels)."""
    design = np.column_stack([np.ones(len(y)), x])
    beta = np.linalg.solve(design.T @ design, design.T @ y)
    residual = y - design @ beta
    dof = len(y) - design.shape[1]
    cov = residual @ residual / dof * np.linalg.inv(design.T @ design)
    half = stats.t.ppf(0.975, dof) * np.sqrt(np.diag(cov))
    return beta, beta - half, beta + half


def test_levels_are_thirds_of_the_scale():
    ratings = np.arange(1, 6, dtype=float)
    low, high = performance_levels(ratings, (1, 5))
    assert ratings[low].tolist() == [1, 2] and ratings[high].tolist() == [4, 5]
    ratings = np.arange(1, 8, dtype=float)
    low, high = performance_levels(ratings, (1, 7))
    assert ratings[low].tolist() == [1, 2, 3] and ratings[high].tolist() == [5, 6, 7]
    ratings = np.arange(0, 11, dtype=float)
    low, high = performance_levels(ratings, (0, 10))
    assert ratings[low].tolist() == [0, 1, 2, 3] and ratings[high].tolist() == [7, 8, 9, 10]
    assert not performance_levels(np.array([np.nan]), (1, 5))[0].any()


def test_designed_truth_is_recovered_and_classified():
    overall, performance = simulate(3000)
    result = penalty_reward(overall, performance, list(TRUTH), scale=(1, 5))
    effects = result.effects.set_index("attribute")
    assert effects["class"].to_dict() == {name: name for name in TRUTH}
    for name, (penalty, reward) in TRUTH.items():
        assert effects.loc[name, "penalty"] == pytest.approx(penalty, abs=0.15)
        assert effects.loc[name, "reward"] == pytest.approx(reward, abs=0.15)
    assert effects.loc["basic", "asymmetry"] < -0.8 and effects.loc["excitement", "asymmetry"] > 0.8
    assert result.n_used == 3000


def test_coefficients_and_cis_match_the_normal_equations():
    overall, performance = simulate(500, seed=11)
    performance[::17, 1] = np.nan  # listwise deletion
    overall[::23] = np.nan
    result = penalty_reward(overall, performance, list(TRUTH), scale=(1, 5))
    keep = np.isfinite(overall) & np.isfinite(performance).all(axis=1)
    p = performance[keep]
    dummies = np.column_stack([d for j in range(3) for d in (p[:, j] <= 2, p[:, j] >= 4)])
    beta, low, high = numpy_ols(overall[keep], dummies.astype(float))
    effects = result.effects
    np.testing.assert_allclose(effects["penalty"], beta[1::2], rtol=1e-9)
    np.testing.assert_allclose(effects["reward"], beta[2::2], rtol=1e-9)
    np.testing.assert_allclose(effects["penalty_ci_low"], low[1::2], rtol=1e-9)
    np.testing.assert_allclose(effects["reward_ci_high"], high[2::2], rtol=1e-9)
    penalty, reward = np.abs(beta[1::2]), np.abs(beta[2::2])
    np.testing.assert_allclose(effects["asymmetry"], (reward - penalty) / (reward + penalty))
    assert result.n_used == keep.sum()
    assert effects["n_low"].tolist() == dummies[:, 0::2].sum(axis=0).tolist()


def test_an_empty_level_gives_no_coefficient():
    overall, performance = simulate(400)
    performance[:, 0] = np.clip(performance[:, 0], 3, 5)  # nobody rates attribute 0 low
    result = penalty_reward(overall, performance, list(TRUTH), scale=(1, 5))
    first = result.effects.iloc[0]
    assert np.isnan(first["penalty"]) and np.isfinite(first["reward"])
    assert first["n_low"] == 0


def test_too_few_respondents_is_a_model_error():
    overall, performance = simulate(6)
    with pytest.raises(ModelError, match="respondents"):
        penalty_reward(overall, performance, list(TRUTH), scale=(1, 5))


def test_result_document_and_table():
    overall, performance = simulate(300)
    result = penalty_reward(overall, performance, list(TRUTH))
    document = result.to_dict()
    assert document["scale"] == [1.0, 5.0]
    assert [r["attribute"] for r in document["attributes"]] == list(TRUTH)
    assert {"penalty", "reward", "class", "penalty_ci_low", "reward_ci_high"} <= set(
        document["attributes"][0]
    )
    (table,) = result.tables()
    assert table.chart is not None and set(table.chart.y) <= set(table.frame.columns)


def test_kano_run_adds_penalty_reward_when_overall_and_performance_exist(tmp_path):
    overall, performance = simulate(600)
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"overall": overall.round(2)})
    for j, name in enumerate(TRUTH):
        frame[f"{name}_func"] = rng.integers(1, 6, size=600)
        frame[f"{name}_dysf"] = rng.integers(1, 6, size=600)
        frame[f"{name}_perf"] = performance[:, j].astype(int)
    path = tmp_path / "prca.csv"
    frame.to_csv(path, index=False)
    result = run_analysis("kano", load(path))
    assert result.penalty_reward is not None
    effects = result.penalty_reward.effects.set_index("attribute")
    assert effects["class"].to_dict() == {name: name for name in TRUTH}
    assert "penalty_reward" in result.to_dict()
