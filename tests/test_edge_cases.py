"""Edge cases across analyses (weighted index, formative blocks, unlinked blocks, gaps without
dimensions); every expected value is computed here independently with pandas."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from csi_cli.cli import app
from tests.helpers import ecsi_columns, ecsi_rows, write_csv

runner = CliRunner()
CCSI = ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "LOY")


def _ccsi_file(tmp_path, n=90):
    items = ecsi_columns(3, CCSI)
    rows = ecsi_rows(n, items, seed=3)
    regions = ["东", "西", "N/A"]
    frame = pd.DataFrame(rows, columns=items)
    frame.insert(0, "region", [regions[i % 3] for i in range(n)])
    path = write_csv(tmp_path / "ccsi.csv", list(frame.columns), frame.values.tolist())
    return path, frame, items


def _rescaled(means: pd.Series) -> pd.Series:
    return (means - 1) / 9 * 100


def test_weighted_index_without_bootstrap_and_per_segment(tmp_path):
    """The weighted-average index (docs/methods.md §1): item means rescaled to 0–100, averaged per
    construct, then equally over satisfaction and its antecedents (loyalty, a consequence, is
    left out); per segment on the segment's respondents. A
    declared missing code in the segment column is not a segment."""
    path, frame, items = _ccsi_file(tmp_path)
    spec = tmp_path / "spec.toml"
    spec.write_text('[survey]\nmissing = ["N/A"]\nscale = [1, 10]\n', encoding="utf-8")
    result = runner.invoke(
        app,
        ["index", str(path), "--spec", str(spec), "--method", "weighted", "--bootstrap", "0",
         "--by", "region", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)

    def constructs(part: pd.DataFrame) -> pd.Series:
        means = _rescaled(part[items].mean())
        return means.groupby(lambda c: c.rstrip("0123456789")).mean()

    expected = constructs(frame)
    assert np.isclose(document["index"]["value"], expected.drop("LOY").mean(), atol=1e-9)
    found = {c["name"]: c["index"] for c in document["constructs"]}
    for name, value in expected.items():
        assert np.isclose(found[name], value, atol=1e-9)
    segments = pd.DataFrame(document["segments"])
    assert sorted(segments["segment"].unique()) == ["东", "西"]
    for region, part in frame[frame["region"] != "N/A"].groupby("region"):
        wanted = constructs(part)
        got = segments[segments["segment"] == region].set_index("construct")["index"]
        np.testing.assert_allclose(got[wanted.index], wanted, atol=1e-9)


def test_formative_blocks_report_no_reflective_reliability(tmp_path):
    """Mode B blocks: alpha, rho_C, rho_A and AVE do not apply (R plspm reports AVE = NA)."""
    path, _, _ = _ccsi_file(tmp_path)
    spec = tmp_path / "spec.toml"
    spec.write_text('[csi.modes]\nQUAL = "B"\n', encoding="utf-8")
    result = runner.invoke(
        app, ["index", str(path), "--spec", str(spec), "--bootstrap", "0", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {c["name"]: c for c in json.loads(result.stdout)["constructs"]}
    assert all(rows["QUAL"][k] is None for k in ("alpha", "rho_c", "rho_a", "ave"))
    assert all(rows["SAT"][k] is not None for k in ("alpha", "rho_c", "rho_a", "ave"))


def test_a_spec_block_without_paths_is_an_error_not_dropped(tmp_path):
    path, _, _ = _ccsi_file(tmp_path)
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[csi]\nmodel = "custom"\n[csi.blocks]\nIMAG = "IMAG*"\nSAT = "SAT*"\nLOY = "LOY*"\n'
        '[csi.paths]\nSAT = ["IMAG"]\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["index", str(path), "--spec", str(spec), "--bootstrap", "0"])
    assert result.exit_code == 2, result.output
    assert "LOY" in result.stderr
    assert "Traceback" not in result.output


def test_gap_headline_names_the_item_when_there_are_no_dimensions(tmp_path):
    rows = [[5, 4 + i % 2, 6, 6 - i % 3] for i in range(30)]
    path = write_csv(tmp_path / "gap.csv", ["A_E", "A_P", "B_E", "B_P"], rows)
    result = runner.invoke(app, ["gap", str(path)])
    assert result.exit_code == 0, result.output
    gaps = {"A": np.mean([r[1] - r[0] for r in rows]), "B": np.mean([r[3] - r[2] for r in rows])}
    worst = min(gaps, key=gaps.get)
    assert f"Largest shortfall: {worst}" in result.stdout
    assert "None" not in result.stdout


def test_gap_command_adds_nps_under_its_own_key(tmp_path):
    """`csi gap` keeps the gap document of docs/json.md at the top and nests NPS."""
    rows = [[5, 4 + i % 2, 6, 6 - i % 3, i % 11] for i in range(40)]
    path = write_csv(tmp_path / "gap.csv", ["A_E", "A_P", "B_E", "B_P", "NPS"], rows)
    result = runner.invoke(app, ["gap", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {"n", "items", "dimensions"} <= set(document)
    scores = np.array([r[4] for r in rows])
    expected = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
    assert np.isclose(document["nps"]["nps"], expected)


def test_custom_construct_names_keep_their_spelling(tmp_path):
    """Standard codes are matched in any case (`sat` is SAT); a custom construct is reported
    as the spec spells it."""
    path, _, _ = _ccsi_file(tmp_path)
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[csi]\nmodel = "custom"\ntarget = "sat"\n'
        '[csi.blocks]\nService = ["QUAL1", "QUAL2", "QUAL3"]\nsat = "SAT*"\n'
        '[csi.paths]\nsat = ["Service"]\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["index", str(path), "--spec", str(spec), "--bootstrap", "0", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["target"] == "SAT"
    assert {c["name"] for c in document["constructs"]} == {"Service", "SAT"}
    assert [(p["from"], p["to"]) for p in document["paths"]] == [("Service", "SAT")]
