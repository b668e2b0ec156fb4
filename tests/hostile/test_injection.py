"""Terminal escape injection: control characters from cells, headers, spec block names and
arguments never reach the terminal, Markdown or HTML raw."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from csi_cli.cli import app
from tests.helpers import survey_table, write_csv

runner = CliRunner()
OSC = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
BIDI = "\u202e"  # right-to-left override: hides what follows
RAW = ("\x1b", "\x07", BIDI)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    header, rows = survey_table(60)
    for i, row in enumerate(rows):
        row[header.index("地区")] = ("华东" + OSC, "华北" + CLEAR, "华南" + BIDI)[i % 3]
    header = [*header, "备注" + CLEAR]
    rows = [[*r, "ok" + OSC] for r in rows]
    return write_csv(tmp_path / "s.csv", header, rows)


@pytest.mark.parametrize("fmt", ["table", "md", "html"])
def test_cells_and_headers_are_shown_escaped(hostile: Path, fmt: str) -> None:
    result = runner.invoke(
        app, ["analyze", str(hostile), "--by", "地区", "--bootstrap", "0", "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    for raw in RAW:
        assert raw not in result.stdout and raw not in result.stderr
    assert "pwned" in result.stdout


def test_spec_block_names_are_shown_escaped(tmp_path: Path) -> None:
    header, rows = survey_table(40)
    path = write_csv(tmp_path / "s.csv", header, rows)
    spec = tmp_path / "csi.toml"
    spec.write_text('[csi.blocks]\n"SAT\\u001b[2J" = ["NOPE1"]\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--spec", str(spec)])
    for raw in RAW:
        assert raw not in result.output
    assert result.exit_code == 2, result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--period", "2026-10" + OSC],
        ["--period", "2026-10", "--output-dir", "afile/" + OSC],
    ],
)
def test_arguments_are_shown_escaped(
    tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("a file, not a folder", encoding="utf-8")
    header, rows = survey_table(40)
    path = write_csv(tmp_path / "s.csv", ["date", *header], [["2026-10-01", *r] for r in rows])
    result = runner.invoke(app, ["report", str(path), *args, "--bootstrap", "0"])
    assert result.exit_code == 2, result.output
    for raw in RAW:
        assert raw not in result.output
    assert "\\x1b]0;pwned" in result.output
