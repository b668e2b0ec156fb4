"""PLS engine against R plspm (satisfaction) and R seminr (mobi), plus invariants.

Reference files: ../shared/data/csi/reference/ (see its README). Tolerance 1e-5 absolute.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csi_cli.errors import ModelError
from csi_cli.methods import pls, pls_bootstrap

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
REFERENCE = SHARED_DATA / "csi" / "reference"
ATOL = 1e-5

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
# R plspm(satisfaction, ..., scaled = FALSE): tolerance 1e-6, 100 iterations.
PLSPM = {"scaled": False, "tol": 1e-6, "max_iter": 100}

MOBI_BLOCKS = {
    "Image": [f"IMAG{i}" for i in range(1, 6)],
    "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
    "Quality": [f"PERQ{i}" for i in range(1, 8)],
    "Complaints": ["CUSCO"],
    "Loyalty": ["CUSL1", "CUSL2", "CUSL3"],
}
MOBI_PATHS = [
    ("Image", "Expectation"),
    ("Expectation", "Loyalty"),
    ("Quality", "Loyalty"),
    ("Complaints", "Loyalty"),
]


@pytest.fixture(scope="module")
def satisfaction() -> tuple[pls.PathModel, np.ndarray]:
    frame = pd.read_csv(SHARED_DATA / "csi" / "satisfaction.csv")
    model = pls.PathModel.build(SAT_BLOCKS, SAT_PATHS)
    return model, frame[list(model.items)].to_numpy(float)


@pytest.fixture(scope="module")
def mobi() -> tuple[pls.PathModel, np.ndarray]:
    frame = pd.read_csv(SHARED_DATA / "csi" / "mobi.csv")
    model = pls.PathModel.build(MOBI_BLOCKS, MOBI_PATHS, {"Quality": "B"})
    return model, frame[list(model.items)].to_numpy(float)


def _fit(model, data, **options) -> pls.PlsEstimates:
    return pls.fit(pls.moments(data), model, pls.PlsOptions(**options))


def _pairs(model: pls.PathModel, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    index = {name: j for j, name in enumerate(model.constructs)}
    return (np.array([index[a] for a in frame["from"]]), np.array([index[b] for b in frame["to"]]))


@pytest.mark.parametrize(
    ("scheme", "file"),
    [
        ("centroid", "satisfaction.outer-model.csv"),
        ("factorial", "satisfaction.outer-model-factorial.csv"),
        ("path", "satisfaction.outer-model-path.csv"),
    ],
)
def test_outer_model_matches_plspm(satisfaction, scheme, file):
    model, data = satisfaction
    fitted = _fit(model, data, scheme=scheme, **PLSPM)
    reference = pd.read_csv(REFERENCE / file)
    assert list(reference["name"]) == list(model.items)
    np.testing.assert_allclose(fitted.weights, reference["weight"], atol=ATOL)
    np.testing.assert_allclose(fitted.loadings, reference["loading"], atol=ATOL)
    np.testing.assert_allclose(fitted.loadings**2, reference["communality"], atol=ATOL)


def test_cross_loadings_match_plspm(satisfaction):
    model, data = satisfaction
    fitted = _fit(model, data, scheme="centroid", **PLSPM)
    reference = pd.read_csv(REFERENCE / "satisfaction.crossloadings.csv")
    np.testing.assert_allclose(fitted.cross_loadings, reference[list(model.constructs)], atol=ATOL)


def test_effects_match_plspm(satisfaction):
    model, data = satisfaction
    fitted = _fit(model, data, scheme="centroid", **PLSPM)
    reference = pd.read_csv(REFERENCE / "satisfaction.effects.csv")
    sources, targets = _pairs(model, reference)
    np.testing.assert_allclose(fitted.paths[sources, targets], reference["direct"], atol=ATOL)
    np.testing.assert_allclose(
        fitted.indirect_effects()[sources, targets], reference["indirect"], atol=ATOL
    )
    np.testing.assert_allclose(
        fitted.total_effects()[sources, targets], reference["total"], atol=ATOL
    )


def test_inner_summary_matches_plspm(satisfaction):
    model, data = satisfaction
    fitted = _fit(model, data, scheme="centroid", **PLSPM)
    reference = pd.read_csv(REFERENCE / "satisfaction.inner-summary.csv", index_col=0)
    communality = (fitted.loadings**2) @ model.membership / model.membership.sum(axis=0)
    np.testing.assert_allclose(fitted.r2, reference["r_squared"], atol=ATOL)
    np.testing.assert_allclose(communality, reference["block_communality"], atol=ATOL)
    np.testing.assert_allclose(communality * fitted.r2, reference["mean_redundancy"], atol=ATOL)


def test_sat_regression_matches_plspm(satisfaction):
    model, data = satisfaction
    fitted = _fit(model, data, scheme="centroid", **PLSPM)
    reference = pd.read_csv(REFERENCE / "satisfaction.inner-model.csv", index_col=0)
    sat = model.constructs.index("SAT")
    rows = [model.constructs.index(name) for name in reference.index]
    np.testing.assert_allclose(fitted.paths[rows, sat], reference["Estimate"], atol=ATOL)


def test_mode_b_inner_summary_matches_plspm(satisfaction):
    model, data = satisfaction
    formative = pls.PathModel.build(SAT_BLOCKS, SAT_PATHS, dict.fromkeys(SAT_BLOCKS, "B"))
    fitted = _fit(formative, data, scheme="centroid", **PLSPM)
    reference = pd.read_csv(REFERENCE / "satisfaction.modeb.inner-summary.csv", index_col=0)
    communality = (fitted.loadings**2) @ model.membership / model.membership.sum(axis=0)
    np.testing.assert_allclose(fitted.r2, reference["r_squared"], atol=ATOL)
    np.testing.assert_allclose(communality, reference["block_communality"], atol=ATOL)
    np.testing.assert_allclose(communality * fitted.r2, reference["mean_Redundancy"], atol=ATOL)


def test_mobi_matches_seminr(mobi):
    model, data = mobi
    fitted = _fit(model, data)  # defaults: path scheme, standardized
    outer = pd.read_csv(REFERENCE / "mobi_basic_outer_model.csv", index_col=0).loc[
        list(model.items)
    ]
    np.testing.assert_allclose(fitted.weights, outer["weight"], atol=ATOL)
    np.testing.assert_allclose(fitted.loadings, outer["loading"], atol=ATOL)
    paths = pd.read_csv(REFERENCE / "mobi_basic_paths.csv", index_col=0)
    order = list(model.constructs)
    np.testing.assert_allclose(fitted.paths, paths.loc[order, order], atol=ATOL)


def test_scaled_matches_standardizing_the_data_first(mobi):
    """``scaled=True`` equals centring-only on data standardized beforehand (sample SD)."""
    model, data = mobi
    standardized = (data - data.mean(axis=0)) / data.std(axis=0, ddof=1)
    scaled = _fit(model, data, scaled=True)
    centred = _fit(model, standardized, scaled=False)
    np.testing.assert_allclose(scaled.paths, centred.paths, atol=1e-10)
    np.testing.assert_allclose(scaled.loadings, centred.loadings, atol=1e-10)


def test_resampled_moments_equal_moments_of_the_repeated_rows(satisfaction):
    _, data = satisfaction
    counts = pls_bootstrap.draw_counts(np.random.default_rng(3), 4, data.shape[0])
    batch = pls.resampled_moments(data, counts)
    for b in range(4):
        expanded = np.repeat(data, counts[b].astype(int), axis=0)
        np.testing.assert_allclose(batch.mean[b], expanded.mean(axis=0), atol=1e-12)
        np.testing.assert_allclose(batch.cov[b], np.cov(expanded.T, bias=True), atol=1e-10)


@pytest.mark.parametrize("max_units", [1000, 37])
def test_unit_moments_equal_moments_of_the_repeated_units(satisfaction, max_units):
    """Respondents as units (n ≤ max_units) and random groups as units (n > max_units): a
    resample's moments are those of the data with each unit's rows repeated."""
    _, data = satisfaction
    rng = np.random.default_rng(11)
    units = pls_bootstrap.resampling_units(data, rng, max_units=max_units)
    assert units.count == min(max_units, data.shape[0])
    assert units.sizes.sum() == data.shape[0]
    counts = pls_bootstrap.draw_counts(rng, 3, units.count)
    batch = pls_bootstrap.unit_moments(units, counts)
    members = _group_members(data.shape[0], max_units, np.random.default_rng(11))
    for b in range(3):
        rows = np.concatenate(
            [np.repeat(m, int(c)) for m, c in zip(members, counts[b], strict=True)]
        )
        expanded = data[rows]
        np.testing.assert_allclose(batch.mean[b], expanded.mean(axis=0), atol=1e-12)
        np.testing.assert_allclose(batch.cov[b], np.cov(expanded.T, bias=True), atol=1e-10)


def _group_members(n: int, max_units: int, rng: np.random.Generator) -> list[np.ndarray]:
    """The respondents of each unit, rebuilt independently of pls (same seed, same shuffle)."""
    if n <= max_units:
        return [np.array([i]) for i in range(n)]
    order = rng.permutation(n)
    quota, extra = divmod(n, max_units)
    members = [order[g * quota : (g + 1) * quota] for g in range(max_units)]
    for g in range(extra):
        members[g] = np.append(members[g], order[max_units * quota + g])
    return members


def test_grouped_bootstrap_standard_errors_match_the_respondent_bootstrap(monkeypatch):
    """Above MAX_UNITS the bootstrap resamples random groups; its standard errors agree with
    the respondent bootstrap's within Monte Carlo error (B = 400: about ±5% each)."""
    rng = np.random.default_rng(4)
    n = 6000
    latent = rng.standard_normal(n)
    outcome = 0.5 * latent + np.sqrt(0.75) * rng.standard_normal(n)
    data = np.column_stack(
        [0.8 * latent + 0.6 * rng.standard_normal(n) for _ in range(3)]
        + [0.8 * outcome + 0.6 * rng.standard_normal(n) for _ in range(3)]
    )
    model = pls.PathModel.build({"X": ["x1", "x2", "x3"], "Y": ["y1", "y2", "y3"]}, [("X", "Y")])
    fitted = pls.fit(pls.moments(data), model)
    respondents = pls_bootstrap.bootstrap(data, model, fitted, resamples=400, seed=2)
    monkeypatch.setattr(pls_bootstrap, "MAX_UNITS", 500)
    groups = pls_bootstrap.bootstrap(data, model, fitted, resamples=400, seed=2)
    se_respondents = respondents.estimates.paths.std(axis=0)[0, 1]
    se_groups = groups.estimates.paths.std(axis=0)[0, 1]
    assert se_groups == pytest.approx(se_respondents, rel=0.2)
    se_w_respondents = respondents.estimates.weights.std(axis=0)
    se_w_groups = groups.estimates.weights.std(axis=0)
    np.testing.assert_allclose(se_w_groups, se_w_respondents, rtol=0.25)


def test_batch_fit_equals_single_fits(satisfaction):
    model, data = satisfaction
    counts = pls_bootstrap.draw_counts(np.random.default_rng(5), 3, data.shape[0])
    batch, converged = pls.fit_batch(pls.resampled_moments(data, counts), model)
    assert converged.all()
    for b in range(3):
        single = _fit(model, np.repeat(data, counts[b].astype(int), axis=0))
        np.testing.assert_allclose(batch.paths[b], single.paths, atol=1e-9)


def test_bootstrap_same_seed_same_draws(satisfaction):
    model, data = satisfaction
    options = pls.PlsOptions(scheme="centroid", **PLSPM)
    fitted = _fit(model, data, scheme="centroid", **PLSPM)
    first = pls_bootstrap.bootstrap(data, model, fitted, options, resamples=50, seed=7)
    second = pls_bootstrap.bootstrap(data, model, fitted, options, resamples=50, seed=7)
    other = pls_bootstrap.bootstrap(data, model, fitted, options, resamples=50, seed=8)
    np.testing.assert_array_equal(first.estimates.paths, second.estimates.paths)
    assert not np.array_equal(first.estimates.paths, other.estimates.paths)


@pytest.mark.parametrize(
    ("file", "tolerance", "field"),
    [
        ("satisfaction_boot_weights.csv", 0.05, "weights"),
        ("satisfaction_boot_loadings.csv", 0.15, "loadings"),
        ("satisfaction_boot_paths.csv", 0.1, "paths"),
        ("satisfaction_boot_total_effects.csv", 0.1, "total"),
        ("satisfaction_boot_rsquared.csv", 0.1, "r2"),
    ],
)
def test_bootstrap_within_r_tolerance_bands(satisfaction, file, tolerance, field):
    model, data = satisfaction
    options = pls.PlsOptions(scheme="centroid", **PLSPM)
    fitted = pls.fit(pls.moments(data), model, options)
    boot = pls_bootstrap.bootstrap(data, model, fitted, options, resamples=1000, seed=1)
    reference = pd.read_csv(REFERENCE / file, index_col=0)
    draws = _boot_field(model, boot.estimates, reference, field)
    low, high = pls_bootstrap.percentile_interval(draws)
    np.testing.assert_allclose(draws.std(axis=0, ddof=1), reference["std.error"], atol=tolerance)
    np.testing.assert_allclose(low, reference["perc.025"], atol=tolerance)
    np.testing.assert_allclose(high, reference["perc.975"], atol=tolerance)


def _boot_field(model, estimates, reference, field) -> np.ndarray:
    if field in ("weights", "loadings"):
        return getattr(estimates, field)
    if field == "r2":
        return estimates.r2[:, [model.constructs.index(n) for n in reference.index]]
    pairs = pd.DataFrame([name.split(" -> ") for name in reference.index], columns=["from", "to"])
    sources, targets = _pairs(model, pairs)
    matrix = estimates.paths if field == "paths" else estimates.total_effects()
    return matrix[:, sources, targets]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_invariant_to_respondent_order(satisfaction, seed):
    model, data = satisfaction
    shuffled = np.random.default_rng(seed).permutation(data)
    original, reordered = _fit(model, data), _fit(model, shuffled)
    np.testing.assert_allclose(reordered.weights, original.weights, atol=1e-9)
    np.testing.assert_allclose(reordered.paths, original.paths, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    item=st.integers(0, 26),
    factor=st.floats(0.05, 50),
    shift=st.floats(-100, 100),
)
def test_standardized_results_invariant_to_rescaling_an_item(satisfaction, item, factor, shift):
    model, data = satisfaction
    rescaled = data.copy()
    rescaled[:, item] = factor * rescaled[:, item] + shift
    original, changed = _fit(model, data), _fit(model, rescaled)
    np.testing.assert_allclose(changed.weights, original.weights, atol=1e-8)
    np.testing.assert_allclose(changed.loadings, original.loadings, atol=1e-8)
    np.testing.assert_allclose(changed.paths, original.paths, atol=1e-8)


def test_non_convergence_is_a_model_error_with_advice(satisfaction):
    model, data = satisfaction
    with pytest.raises(ModelError, match=r"did not converge.*\n  1\. raise the iteration limit"):
        _fit(model, data, max_iter=2)


def test_constant_item_is_a_model_error(satisfaction):
    model, data = satisfaction
    data = data.copy()
    data[:, 3] = 5.0
    with pytest.raises(ModelError, match="imag4"):
        _fit(model, data)


def test_collinear_mode_b_block_is_a_model_error(satisfaction):
    _, data = satisfaction
    blocks = dict(SAT_BLOCKS, IMAG=[*SAT_BLOCKS["IMAG"], "copy"])
    model = pls.PathModel.build(blocks, SAT_PATHS, {"IMAG": "B"})
    doubled = np.insert(data, 5, data[:, 0], axis=1)
    with pytest.raises(ModelError, match="collinear"):
        _fit(model, doubled)


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        ([*SAT_PATHS, ("LOY", "IMAG")], "cycle"),
        ([*SAT_PATHS, ("SAT", "NOPE")], "NOPE"),
        ([*SAT_PATHS[:-1], ("SAT", "VAL")], "cycle"),
    ],
)
def test_bad_models_are_model_errors(paths, message):
    with pytest.raises(ModelError, match=message):
        pls.PathModel.build(SAT_BLOCKS, paths)


def test_isolated_construct_is_a_model_error():
    with pytest.raises(ModelError, match="LOY"):
        pls.PathModel.build(SAT_BLOCKS, [p for p in SAT_PATHS if "LOY" not in p])
