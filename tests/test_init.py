"""``csi init FILE``: the draft spec, passed back with ``--spec``, gives the same layout as the
conventions did (hypothesis over generated column sets)."""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from csi_cli.analyses.overview import segment_columns
from csi_cli.cli import app
from csi_cli.spec import CONSTRUCTS
from csi_cli.survey import load
from tests.helpers import survey_table, write_csv, write_xlsx

runner = CliRunner()

KANO_ANSWERS = [
    "我很喜欢",
    "理应如此",
    "无所谓",
    "能忍受",
    "我很不喜欢",
    "I like it",
    "I expect it",
]
ATTRIBUTES = ["fast_delivery", "送货快", "price", "包装", "app"]
SEGMENTS = {
    "地区": ["华东", "华北", "华南"],
    "渠道": ["线上", "门店"],
    "会员等级": ["金", "银", "铜"],
}


@st.composite
def surveys(draw):
    """(header, rows): random CSI blocks (any case), Kano pairs, gap items, NPS/overall,
    Chinese segments, an id."""
    n = draw(st.integers(8, 15))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    columns: dict[str, list] = {"resp_id": [f"R{i}" for i in range(n)]}
    constructs = draw(st.lists(st.sampled_from(CONSTRUCTS), unique=True, max_size=7))
    if draw(st.booleans()):
        constructs = list(CONSTRUCTS)  # the full ECSI often enough to matter
    top = draw(st.sampled_from([5, 7, 10]))
    for construct in constructs:
        code = draw(st.sampled_from([construct, construct.lower(), construct.title()]))
        for item in range(1, draw(st.integers(1, 3)) + 1):
            columns[f"{code}{item}"] = rng.integers(1, top + 1, n).tolist()
    for attribute in draw(st.lists(st.sampled_from(ATTRIBUTES), unique=True, max_size=3)):
        columns[f"{attribute}_func"] = [KANO_ANSWERS[k] for k in rng.integers(0, 7, n)]
        columns[f"{attribute}_dysf"] = [KANO_ANSWERS[k] for k in rng.integers(0, 7, n)]
        if draw(st.booleans()):
            columns[f"{attribute}_imp"] = rng.integers(1, 6, n).tolist()
    gap_items = draw(st.lists(st.integers(1, 22), unique=True, max_size=4))
    if draw(st.integers(0, 9)) == 0:
        gap_items = list(range(1, 23))  # the SERVQUAL 22
    for item in gap_items:
        for suffix in [
            "E",
            "P",
            *draw(st.lists(st.sampled_from(["MIN", "DES", "I"]), unique=True)),
        ]:
            columns[f"Q{item}_{suffix}"] = rng.integers(1, 8, n).tolist()
    if draw(st.booleans()):
        columns[draw(st.sampled_from(["NPS", "recommend"]))] = rng.integers(0, 11, n).tolist()
    if draw(st.booleans()):
        columns["overall"] = rng.integers(1, 11, n).tolist()
    for name in draw(st.lists(st.sampled_from(sorted(SEGMENTS)), unique=True, max_size=3)):
        levels = SEGMENTS[name]
        columns[name] = [levels[i % len(levels)] for i in range(n)]
    if draw(st.booleans()):
        columns["month"] = [f"2026-{1 + i % 3:02d}" for i in range(n)]
    order = draw(st.permutations(list(columns)))
    header = list(order)
    rows = [[columns[c][i] for c in header] for i in range(n)]
    return header, rows, draw(st.sampled_from(["csv", "xlsx"]))


def _same_layout(a, b):
    """Every choice of the layout, and the segments csi would offer."""
    for name in (
        "csi_blocks",
        "csi_model",
        "csi_paths",
        "csi_scale",
        "kano",
        "gap",
        "gap_dimensions",
        "gap_scale",
        "nps",
        "overall",
        "date",
        "id",
        "csi_problem",
    ):
        assert dict_or(getattr(a.layout, name)) == dict_or(getattr(b.layout, name)), name
    assert b.layout.missing == ()
    assert segment_columns(a) == segment_columns(b)


def dict_or(value):
    return dict(value) if hasattr(value, "keys") else value


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(surveys())
def test_draft_spec_round_trips(generated):
    header, rows, kind = generated
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        if kind == "xlsx":
            path = write_xlsx(folder / "survey.xlsx", {"回答": (header, rows)})
        else:
            path = write_csv(folder / "survey.csv", header, rows, encoding="gb18030")
        result = runner.invoke(app, ["init", str(path)])
        assert result.exit_code == 0, result.output
        draft = result.stdout
        tomllib.loads(draft)  # valid TOML
        spec_path = folder / "csi.toml"
        spec_path.write_text(draft, encoding="utf-8")
        _same_layout(load(path), load(path, spec_path=spec_path))


def test_draft_of_a_titled_workbook(tmp_path):
    header, rows = survey_table(15)
    path = write_xlsx(
        tmp_path / "s.xlsx", {"说明": (["x"], [[1]]), "回答": (header, rows)}, title="T"
    )
    result = runner.invoke(app, ["init", str(path), "--sheet", "回答"])
    assert result.exit_code == 0, result.output
    document = tomllib.loads(result.stdout)
    assert document["survey"]["sheet"] == "回答"
    assert document["survey"]["header_row"] == 2
    assert document["survey"]["id"] == "resp_id"
    assert document["survey"]["segments"] == ["地区"]
    assert document["csi"]["model"] == "ecsi"
    assert document["csi"]["blocks"]["IMAG"] == ["IMAG1", "IMAG2"]
    assert document["kano"]["functional"] == "{attr}_func"
    spec_path = tmp_path / "csi.toml"
    spec_path.write_text(result.stdout, encoding="utf-8")
    # the spec carries the sheet and the header row: no options needed any more
    _same_layout(load(path, sheet="回答"), load(path, spec_path=spec_path))
    check = runner.invoke(app, ["validate", str(path), "--spec", str(spec_path)])
    assert check.exit_code == 0, check.output


def test_init_output_file(tmp_path):
    header, rows = survey_table(10)
    path = write_csv(tmp_path / "s.csv", header, rows)
    out = tmp_path / "draft.toml"
    result = runner.invoke(app, ["init", str(path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert tomllib.loads(out.read_text(encoding="utf-8"))["survey"]["nps"] == "NPS"
