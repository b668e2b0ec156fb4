"""The CSI index: the 0–100 index against R plspm weights, IPMA, missing answers, segments."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csi_cli import survey as survey_module
from csi_cli.analyses import get
from csi_cli.analyses.index import path_model
from csi_cli.errors import InputError
from csi_cli.methods import pls
from csi_cli.options import RunOptions
from csi_cli.spec import parse_spec
from tests.helpers import run_analysis

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
REFERENCE = SHARED_DATA / "csi" / "reference"
PLSPM_SPEC = {
    "survey": {"scale": [1, 10]},
    "csi": {"scheme": "centroid", "scaled": False, "tolerance": 1e-3, "max_iter": 100},
}
SPEC_KEYS = {"n", "n_used", "model", "method", "target", "index", "constructs", "paths", "outer"}


def _survey(tmp_path: Path, frame: pd.DataFrame, spec: dict | None = None) -> survey_module.Survey:
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    return survey_module.load(path, spec=parse_spec(spec or {"survey": {"scale": [1, 10]}}))


@pytest.fixture(scope="module")
def satisfaction() -> pd.DataFrame:
    frame = pd.read_csv(SHARED_DATA / "csi" / "satisfaction.csv")
    return frame.rename(columns={c: c.upper() for c in frame.columns if c != "gender"})


@pytest.fixture()
def survey(tmp_path, satisfaction) -> survey_module.Survey:
    return _survey(tmp_path, satisfaction)


def test_json_has_the_contract_keys(survey):
    result = run_analysis("index", survey, bootstrap=100)
    document = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert set(document) >= SPEC_KEYS
    assert document["model"] == "ccsi" and document["target"] == "SAT"
    assert set(document["index"]) == {"value", "ci_low", "ci_high"}
    assert {"name", "index", "ci_low", "ci_high", "r2", "alpha", "rho_c", "ave"} <= set(
        document["constructs"][0]
    )
    assert {"from", "to", "estimate", "std_error", "ci_low", "ci_high"} <= set(document["paths"][0])
    assert {"construct", "item", "weight", "loading"} <= set(document["outer"][0])
    assert document["n"] == document["n_used"] == 250


def test_index_uses_plspm_weights(tmp_path, satisfaction):
    """Scaled = false: R plspm's raw weights, rescaled to sum to 1, applied to pandas means."""
    result = run_analysis("index", _survey(tmp_path, satisfaction, PLSPM_SPEC), bootstrap=0)
    reference = pd.read_csv(REFERENCE / "satisfaction.outer-model.csv")
    reference["mean"] = [satisfaction[name.upper()].mean() for name in reference["name"]]
    for block, rows in reference.groupby("block", sort=False):
        weights = rows["weight"] / rows["weight"].sum()
        expected = 100 * ((weights * rows["mean"]).sum() - 1) / 9
        row = result.constructs.set_index("name").loc[block]
        assert row["index"] == pytest.approx(expected, abs=1e-4)
    assert result.index["value"] == pytest.approx(
        result.constructs.set_index("name").loc["SAT", "index"]
    )


def test_same_seed_same_document(survey):
    options = RunOptions(bootstrap=200, seed=11)
    analysis = get("index")
    assert analysis.run(survey, options).to_dict() == analysis.run(survey, options).to_dict()


def test_bootstrap_intervals_bracket_estimates(survey):
    result = run_analysis("index", survey, bootstrap=300)
    constructs = result.constructs
    assert (constructs["ci_low"] <= constructs["index"]).all()
    assert (constructs["index"] <= constructs["ci_high"]).all()
    assert (result.paths["std_error"] > 0).all()


def test_ipma_importance_is_the_unstandardized_total_effect(survey, satisfaction):
    """Regress rescaled 0-100 scores (lstsq) and chain the unstandardized paths."""
    result = run_analysis("index", survey, bootstrap=0)
    model = path_model(survey)
    data = satisfaction[list(model.items)].to_numpy(float)
    weights = result.outer["weight"].to_numpy() / data.std(axis=0)
    weights /= (weights @ model.membership)[model.item_block]
    scores = 100 * ((data * weights) @ model.membership - 1) / 9
    paths = np.zeros((6, 6))
    for j in np.flatnonzero(model.endogenous):
        preds = np.flatnonzero(model.adjacency[:, j])
        design = np.column_stack([np.ones(len(scores)), scores[:, preds]])
        paths[preds, j] = np.linalg.lstsq(design, scores[:, j], rcond=None)[0][1:]
    total = np.linalg.inv(np.eye(6) - paths) - np.eye(6)
    sat = model.constructs.index("SAT")
    for _, row in result.ipma.iterrows():
        expected = total[model.constructs.index(row["construct"]), sat]
        assert row["importance"] == pytest.approx(expected, abs=1e-8)
        assert row["performance"] == pytest.approx(
            scores[:, model.constructs.index(row["construct"])].mean(), abs=1e-8
        )


def test_listwise_deletion_reports_and_warns(tmp_path, satisfaction):
    holed = satisfaction.astype(object)
    holed.loc[:29, "SAT2"] = ""
    result = run_analysis("index", _survey(tmp_path, holed), bootstrap=0)
    assert result.n == 250 and result.n_used == 220
    assert any("30 of 250" in w for w in result.warnings)
    imputed = run_analysis("index", _survey(tmp_path, holed), bootstrap=0, missing="mean")
    assert imputed.n_used == 250 and not imputed.warnings


def test_too_few_complete_respondents_is_an_input_error(tmp_path, satisfaction):
    holed = satisfaction.astype(object)
    holed.loc[5:, "SAT2"] = ""
    with pytest.raises(InputError, match="--missing mean"):
        run_analysis("index", _survey(tmp_path, holed), bootstrap=0)


def test_weighted_method_is_the_rescaled_item_mean(survey, satisfaction):
    result = run_analysis("index", survey, bootstrap=100, method="weighted")
    for name in ("IMAG", "SAT", "LOY"):
        items = [c for c in satisfaction.columns if c.startswith(name)]
        expected = 100 * (satisfaction[items].mean().mean() - 1) / 9
        row = result.constructs.set_index("name").loc[name]
        assert row["index"] == pytest.approx(expected, abs=1e-10)
    assert result.to_dict()["method"] == "weighted"
    assert result.index["value"] == pytest.approx(result.constructs["index"].mean())


def test_pooled_segment_indices_average_to_the_overall_index(survey):
    result = run_analysis("index", survey, bootstrap=100, by="gender")
    segments = result.segments[result.segments["construct"] == "SAT"]
    weighted = (segments["index"] * segments["n"]).sum() / segments["n"].sum()
    assert weighted == pytest.approx(result.index["value"], abs=1e-9)
    assert set(segments["segment"]) == {"female", "male"}


def test_permutation_test_differences_are_separate_fits(survey, satisfaction):
    result = run_analysis("index", survey, bootstrap=0, by="gender")
    model = path_model(survey)
    fits = {
        group: pls.fit(pls.moments(part[list(model.items)].to_numpy(float)), model)
        for group, part in satisfaction.groupby("gender")
    }
    difference = fits["female"].paths - fits["male"].paths
    for _, row in result.group_test.iterrows():
        i, j = model.constructs.index(row["from"]), model.constructs.index(row["to"])
        assert row["difference"] == pytest.approx(difference[i, j], abs=1e-9)
    assert result.group_test["p_value"].between(0, 1, inclusive="right").all()


def test_refit_segments_equal_a_separate_run_on_the_segment(tmp_path, survey, satisfaction):
    """With --refit a segment's index is exactly what a run on that segment's file alone
    gives (its own weights and means), checked through the whole pipeline."""
    result = run_analysis("index", survey, bootstrap=0, by="gender", refit=True)
    males = satisfaction[satisfaction["gender"] == "male"].reset_index(drop=True)
    alone = run_analysis("index", _survey(tmp_path, males), bootstrap=0)
    row = result.segments.query("segment == 'male' and construct == 'SAT'").iloc[0]
    assert row["n"] == len(males)
    assert row["index"] == pytest.approx(alone.index["value"], abs=1e-9)


def test_tables_have_charts(survey):
    tables = run_analysis("index", survey, bootstrap=0).tables()
    kinds = {t.key: t.chart.kind for t in tables if t.chart is not None}
    assert kinds == {"constructs": "bar", "ipma": "scatter"}
