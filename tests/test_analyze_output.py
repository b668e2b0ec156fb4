"""What `csi analyze` shows first, on the sample's designed truth (sample_data/make_sample.py):
the action list's order, a short piped output whose first screen holds the headline and the
actions, files that are what their names say, grep-friendly validation lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scipy.stats import norm
from typer.testing import CliRunner

from csi_cli.cli import app
from csi_cli.render.text import display_width
from tests.test_sample import _generator

FAST = ("--bootstrap", "300")
runner = CliRunner()


@pytest.fixture(scope="module")
def truth():
    return _generator()


@pytest.fixture(scope="module")
def document(sample_file):
    result = runner.invoke(app, ["analyze", str(sample_file), "--format", "json", *FAST])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def piped(sample_file):
    result = runner.invoke(app, ["analyze", str(sample_file), *FAST], env={"COLUMNS": None})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def by_source(actions, source):
    return [a for a in actions if a["source"] == source]


def test_action_list_follows_the_designed_truth(document, truth):
    actions = document["actions"]
    fix_first = {a["subject"] for a in actions if a["tier"] == 1}
    must_be = [a for a, c in truth.TRUE_KANO.items() if c == "M"]
    worst = min(truth.TRUE_GAPS, key=truth.TRUE_GAPS.get)
    # QUAL: the largest designed total effect on SAT (0.40 + 0.60 · 0.25) and the only
    # construct whose mean is lowered (October and South shifts)
    assert fix_first == {"QUAL", worst, *must_be}
    assert [a["tier"] for a in actions] == sorted(a["tier"] for a in actions)
    assert by_source(actions, "index")[0]["subject"] == "QUAL"
    kano = by_source(actions, "kano")
    assert kano[0]["subject"] in must_be
    one_dimensional = {a for a, c in truth.TRUE_KANO.items() if c == "O"}
    assert {a["subject"] for a in kano[1:]} == one_dimensional
    shortfalls = sorted((g, d) for d, g in truth.TRUE_GAPS.items() if g < 0)
    assert [a["subject"] for a in by_source(actions, "gap")] == [d for _, d in shortfalls]


def test_nps_action_matches_the_designed_nps(document):
    # NPS = clip(round(7.2 + 2·LOY + N(0, 1))): N(7.2, √5) before rounding
    spread = 5**0.5
    designed = 100 * (norm.sf(8.5, 7.2, spread) - norm.cdf(6.5, 7.2, spread))
    assert designed < 0
    (action,) = by_source(document["actions"], "nps")
    evidence = action["evidence"][0]
    assert evidence["ci_low"] <= designed <= evidence["ci_high"]


def test_piped_output_is_one_screen_first_and_short(piped):
    assert len(piped) < 150
    first = piped[:50]
    assert any(line.startswith("CSI (SAT, PLS)") for line in first)
    start = first.index("What to act on first")
    assert sum(bool(re.match(r"\s*\d+\. ", line)) for line in first[start:]) >= 8
    assert max(display_width(line) for line in piped) <= 80
    assert "diagnostic tables not shown: add --detail full" in "\n".join(piped)


def test_detail_full_shows_the_diagnostics_with_keys_in_every_part(sample_file):
    result = runner.invoke(
        app, ["analyze", str(sample_file), "--detail", "full", *FAST], env={"COLUMNS": None}
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    parts = [i for i, line in enumerate(lines) if line.startswith("Outer weights and loadings")]
    assert len(parts) > 1
    for title in parts:
        assert lines[title + 1].split()[:2] == ["construct", "item"]
    assert max(display_width(line) for line in lines) <= 80


def test_columns_sets_the_width_of_piped_output(sample_file):
    result = runner.invoke(app, ["analyze", str(sample_file), *FAST], env={"COLUMNS": "120"})
    widths = [display_width(line) for line in result.stdout.splitlines()]
    assert 80 < max(widths) <= 120


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--format", "json", "-o", "{tmp}/out.xlsx"], "--format json does not match"),
        (["-o", "{tmp}/report.pdf"], "does not write .pdf files"),
    ],
)
def test_an_output_that_is_not_what_its_name_says_is_refused(sample_file, tmp_path, args, fragment):
    args = [a.format(tmp=tmp_path) for a in args]
    result = runner.invoke(app, ["analyze", str(sample_file), *args])
    assert result.exit_code == 2
    assert fragment in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_report_output_dir_lists_the_files_it_wrote(sample_file, tmp_path):
    args = ["report", str(sample_file), "--period", "2026-10", "--output-dir", str(tmp_path)]
    result = runner.invoke(app, [*args, "--bootstrap", "0"])
    assert result.exit_code == 0, result.output
    listed = result.stdout.splitlines()
    assert sorted(listed) == sorted(str(p) for p in tmp_path.iterdir())
    assert {Path(p).suffix for p in listed} == {".xlsx", ".html", ".md", ".json"}
    quiet = runner.invoke(app, ["--quiet", *args, "--bootstrap", "0"])
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_piped_validate_prints_one_line_per_problem(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("SAT1,SAT2,SAT3\n5,很好,4\n6,5,abc\n7,6,5\n" + "5,5,5\n" * 20, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)], env={"COLUMNS": None})
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("bad.csv:") for line in lines)
    fields = {tuple(line.split(":", 4)[2:4]) for line in lines}
    assert ("SAT2", "2") in fields and ("SAT3", "3") in fields
    assert all(" [text-in-rating] " in line for line in lines if ":SAT" in line)
