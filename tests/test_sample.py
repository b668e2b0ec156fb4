"""The bundled sample recovers the truth built into it (sample_data/make_sample.py docstring).

The expected values are the generator's own design constants, not outputs of csi.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csi_cli.cli import app

REPO = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_sample", REPO / "sample_data/make_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def truth():
    return _generator()


@pytest.fixture(scope="module")
def analysis(sample_file):
    result = CliRunner().invoke(
        app, ["analyze", str(sample_file), "--format", "json", "--bootstrap", "500"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_sample_file_is_what_the_generator_makes(sample_file, truth, tmp_path):
    """The committed workbook is reproducible from the seeded script."""
    import pandas as pd

    rebuilt = tmp_path / "survey.xlsx"
    truth.write(rebuilt)
    committed = pd.read_excel(sample_file, sheet_name=None, engine="calamine")
    fresh = pd.read_excel(rebuilt, sheet_name=None, engine="calamine")
    assert list(committed) == list(fresh) == ["问卷数据", "问卷题目"]
    for name in committed:
        pd.testing.assert_frame_equal(committed[name], fresh[name])


def test_layout_found_by_convention(analysis, truth):
    overview = analysis["overview"]
    assert overview["n"] == truth.N_RESPONDENTS
    assert overview["csi"]["model"] == "ecsi"
    assert {k: len(v) for k, v in overview["csi"]["blocks"].items()} == truth.BLOCK_SIZES
    assert overview["kano_attributes"] == list(truth.TRUE_KANO)
    assert len(overview["gap_items"]) == 22
    assert overview["periods"] == list(truth.MONTHS)
    assert list(overview["segments"]) == ["地区"]


def test_kano_categories_recovered(analysis, truth):
    found = {a["attribute"]: a["category"] for a in analysis["kano"]["attributes"]}
    assert found == truth.TRUE_KANO


def test_gap_dimensions_recovered_within_ci(analysis, truth):
    for dimension in analysis["gap"]["dimensions"]:
        true_gap = truth.TRUE_GAPS[dimension["dimension"]]
        assert dimension["ci_low"] <= true_gap <= dimension["ci_high"], dimension


def test_csi_paths_have_the_designed_signs_and_order(analysis, truth):
    paths = {(p["from"], p["to"]): p for p in analysis["index"]["paths"]}
    assert set(paths) == set(truth.TRUE_PATHS)
    for edge, true_value in truth.TRUE_PATHS.items():
        if true_value >= 0.2:
            assert paths[edge]["ci_low"] > 0, edge
    # The weakest designed path (EXPE -> SAT, 0.05) is the weakest estimate into SAT.
    into_sat = {e[0]: paths[e]["estimate"] for e in paths if e[1] == "SAT"}
    assert min(into_sat, key=into_sat.get) == "EXPE"
    assert max(into_sat, key=into_sat.get) == "QUAL"


def test_penalty_reward_classes_follow_the_design(analysis, truth):
    classes = {a["attribute"]: a["class"] for a in analysis["kano"]["penalty_reward"]["attributes"]}
    must_be = [a for a, c in truth.TRUE_KANO.items() if c == "M"]
    attractive = [a for a, c in truth.TRUE_KANO.items() if c == "A"]
    assert all(classes[a] == "basic" for a in must_be)
    assert all(classes[a] == "excitement" for a in attractive)


def test_south_region_has_lower_quality_index(sample_file, truth):
    result = CliRunner().invoke(
        app,
        ["index", str(sample_file), "--by", "地区", "--format", "json", "--bootstrap", "0"],
    )
    assert result.exit_code == 0, result.output
    segments = json.loads(result.stdout)["segments"]
    quality = {s["segment"]: s["index"] for s in segments if s["construct"] == "QUAL"}
    assert len(quality) == len(truth.REGIONS)
    assert min(quality, key=quality.get) == truth.REGIONS[2]
