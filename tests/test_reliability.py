"""Reliability, validity and fit measures against R plspm and independent computations."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import variance_inflation_factor

from csi_cli.methods import pls, reliability

SAT_BLOCKS = {
    "IMAG": [f"imag{i}" for i in range(1, 6)],
    "EXPE": [f"expe{i}" for i in range(1, 6)],
    "QUAL": [f"qual{i}" for i in range(1, 6)],
    "VAL": [f"val{i}" for i in range(1, 5)],
    "SAT": [f"sat{i}" for i in range(1, 5)],
    "LOY": [f"loy{i}" for i in range(1, 5)],
}
SAT_PATHS = [
    ("IMAG", "EXPE"),
    ("IMAG", "SAT"),
    ("IMAG", "LOY"),
    ("EXPE", "QUAL"),
    ("EXPE", "VAL"),
    ("EXPE", "SAT"),
    ("QUAL", "VAL"),
    ("QUAL", "SAT"),
    ("VAL", "SAT"),
    ("SAT", "LOY"),
]


@pytest.fixture(scope="module")
def frame(reference_data) -> pd.DataFrame:
    return pd.read_csv(reference_data / "csi/satisfaction.csv")


@pytest.fixture(scope="module")
def model() -> pls.PathModel:
    return pls.PathModel.build(SAT_BLOCKS, SAT_PATHS)


@pytest.fixture(scope="module")
def unidim(reference_data) -> pd.DataFrame:
    return pd.read_csv(reference_data / "csi/reference" / "satisfaction_unidim.csv", index_col=0)


def test_alpha_matches_plspm(frame, unidim):
    for name, items in SAT_BLOCKS.items():
        corr = frame[items].corr().to_numpy()
        assert reliability.cronbach_alpha(corr) == pytest.approx(
            unidim.loc[name, "cronbach_alpha"], abs=1e-9
        )


def test_rho_c_matches_plspm_dillon_goldstein(frame, unidim):
    """plspm's DG rho uses the loadings of the first principal component (numpy eigh here)."""
    for name, items in SAT_BLOCKS.items():
        values, vectors = np.linalg.eigh(frame[items].corr().to_numpy())
        loadings = np.abs(vectors[:, -1]) * np.sqrt(values[-1])
        assert values[-1] == pytest.approx(unidim.loc[name, "eig_1st"], abs=1e-9)
        assert reliability.composite_reliability(loadings) == pytest.approx(
            unidim.loc[name, "dillon_goldstein_rho"], abs=1e-9
        )


def test_alpha_undefined_for_one_item():
    assert math.isnan(reliability.cronbach_alpha(np.ones((1, 1))))


def test_rho_a_is_the_reliability_of_a_one_factor_population():
    """Designed truth: Σ = λλ' + Θ and w ∝ λ give ρ_A = (λ'λ)² / ((λ'λ)² + λ'Θλ)."""
    loadings = np.array([0.9, 0.8, 0.7, 0.6])
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1.0)
    theta = 1 - loadings**2
    truth = (loadings @ loadings) ** 2 / ((loadings @ loadings) ** 2 + (loadings**2) @ theta)
    assert reliability.rho_a(3.7 * loadings, corr) == pytest.approx(truth, abs=1e-12)
    assert reliability.rho_a(np.array([2.0]), np.ones((1, 1))) == 1.0


def test_ave_matches_plspm(frame, model, reference_data):
    data = frame[list(model.items)].to_numpy(float)
    options = pls.PlsOptions(scheme="centroid", scaled=False, tol=1e-6, max_iter=100)
    fitted = pls.fit(pls.moments(data), model, options)
    reference = pd.read_csv(
        reference_data / "csi/reference" / "satisfaction.inner-summary.csv", index_col=0
    )
    for j, block in enumerate(model.blocks):
        ave = reliability.average_variance_extracted(fitted.loadings[list(block)])
        assert ave == pytest.approx(reference["ave"].iloc[j], abs=1e-5)


def test_gof_matches_plspm(frame, model):
    data = frame[list(model.items)].to_numpy(float)
    options = pls.PlsOptions(scheme="centroid", scaled=False, tol=1e-6, max_iter=100)
    fitted = pls.fit(pls.moments(data), model, options)
    gof = reliability.goodness_of_fit(fitted.loadings, fitted.r2, model)
    assert gof == pytest.approx(0.609741624338411, abs=1e-5)


def test_htmt_matches_a_direct_computation(frame, model):
    corr = frame[list(model.items)].corr()
    ratio = reliability.htmt(corr.to_numpy(), model)

    def mono(items):
        return np.mean([abs(corr.loc[a, b]) for a, b in combinations(items, 2)])

    for (i, a), (j, b) in combinations(enumerate(SAT_BLOCKS), 2):
        hetero = np.mean([abs(corr.loc[x, y]) for x in SAT_BLOCKS[a] for y in SAT_BLOCKS[b]])
        expected = hetero / math.sqrt(mono(SAT_BLOCKS[a]) * mono(SAT_BLOCKS[b]))
        assert ratio[i, j] == pytest.approx(expected, abs=1e-12)
        assert ratio[j, i] == pytest.approx(expected, abs=1e-12)
    assert np.isnan(np.diag(ratio)).all()


def test_inner_vif_matches_statsmodels():
    rng = np.random.default_rng(2)
    scores = rng.normal(size=(400, 4)) @ np.array(
        [[1, 0.5, 0.3, 0.2], [0, 1, 0.4, 0.1], [0, 0, 1, 0.6], [0, 0, 0, 1]]
    )
    adjacency = np.zeros((4, 4), dtype=bool)
    adjacency[[0, 1, 2], 3] = True
    vif = reliability.inner_vif(np.corrcoef(scores.T), adjacency)
    design = sm.add_constant(scores[:, :3])
    expected = [variance_inflation_factor(design, k) for k in (1, 2, 3)]
    np.testing.assert_allclose(vif[[0, 1, 2], 3], expected, rtol=1e-10)
    assert np.isnan(vif[3, 0])


def test_adjusted_r2_matches_statsmodels():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(80, 3))
    y = x @ [0.5, -0.2, 0.1] + rng.normal(size=80)
    ols = sm.OLS(y, sm.add_constant(x)).fit()
    adjusted = reliability.adjusted_r2(np.array([ols.rsquared, 0.0]), 80, np.array([3, 0]))
    assert adjusted[0] == pytest.approx(ols.rsquared_adj, abs=1e-12)
    assert np.isnan(adjusted[1])
