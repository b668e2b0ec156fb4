"""The command line: help and version, exit codes, one-line errors without tracebacks, --debug,
output formats; CliRunner on the Typer app, plus real runs of the installed ``csi`` script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import csi_cli
from csi_cli.cli import app
from tests.helpers import survey_table, write_csv, write_xlsx

runner = CliRunner()
CSI = Path(sys.executable).with_name("csi")
COMMANDS = [c.name for c in app.registered_commands]
FAST = ["--bootstrap", "0"]


@pytest.fixture
def good_csv(tmp_path):
    header, rows = survey_table(40)
    return write_csv(tmp_path / "good.csv", header, rows)


@pytest.fixture
def good_xlsx(tmp_path):
    header, rows = survey_table(40)
    return write_xlsx(tmp_path / "good.xlsx", {"回答": (header, rows)}, title="满意度调查")


def _one_line_error(result, *fragments):
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("csi: error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert result.stdout == ""


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"csi {csi_cli.__version__}"


def test_help_lists_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.stdout
    assert {"analyze", "validate", "init"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: csi {command} [OPTIONS]" in result.stdout
    assert "file" in result.stdout.lower()
    assert "--spec" in result.stdout
    docstring = app.registered_commands[COMMANDS.index(command)].callback.__doc__
    assert docstring.split()[0] in result.stdout


def test_validate_good_file(good_csv):
    result = runner.invoke(app, ["validate", str(good_csv)])
    assert result.exit_code == 0, result.output
    assert "40 respondents, no problems found" in result.stdout


def test_validate_json(good_xlsx):
    result = runner.invoke(app, ["validate", str(good_xlsx), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document == {
        "file": "good.xlsx",
        "sheet": "回答",
        "n": 40,
        "valid": True,
        "problems": [],
    }


def test_validate_lists_every_problem_and_exits_2(tmp_path):
    header, rows = survey_table(20)
    rows[0][header.index("SAT1")] = "很好"
    rows[3][header.index("NPS")] = 12
    rows[5][0] = rows[6][0]
    path = write_csv(tmp_path / "bad.csv", header, rows)
    result = runner.invoke(app, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["valid"] is False
    found = {(p["code"], p["column"], tuple(p["rows"])) for p in document["problems"]}
    assert found == {
        ("text-in-rating", "SAT1", (2,)),
        ("out-of-scale", "NPS", (5,)),
        ("duplicate-id", "resp_id", (7, 8)),
    }
    table = runner.invoke(app, ["validate", str(path)])
    assert table.exit_code == 2
    assert "[survey] missing" in table.stdout  # spec sections are shown, not eaten as markup


def test_analyze_json(good_xlsx):
    result = runner.invoke(app, ["analyze", str(good_xlsx), "--format", "json", *FAST])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["n"] == 40
    assert document["overview"]["csi"]["model"] == "ecsi"
    assert document["overview"]["sheet"] == "回答"


def test_output_suffix_infers_json(good_csv, tmp_path):
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["analyze", str(good_csv), "--output", str(out), *FAST])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["n"] == 40


def test_analyze_by_segment(good_csv):
    result = runner.invoke(app, ["analyze", str(good_csv), "--by", "地区", "-f", "json", *FAST])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)


# --- errors: exit 2, one line, no traceback ----------------------------------------------------


def test_missing_file(tmp_path):
    result = runner.invoke(app, ["analyze", str(tmp_path / "nope.csv")])
    _one_line_error(result, "nope.csv", "not found")


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    _one_line_error(runner.invoke(app, ["validate", str(path)]), "empty.xlsx", "0 bytes")


def test_random_bytes_named_xlsx(tmp_path):
    path = tmp_path / "random.xlsx"
    path.write_bytes(os.urandom(4096))
    _one_line_error(runner.invoke(app, ["analyze", str(path)]), "random.xlsx", "xlsx")


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    _one_line_error(runner.invoke(app, ["init", str(path)]), "fake.xlsx")


def test_unknown_suffix(tmp_path):
    path = tmp_path / "survey.sav"
    path.write_bytes(b"$FL2")
    _one_line_error(runner.invoke(app, ["analyze", str(path)]), "survey.sav", ".xlsx, .csv")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[survey]\nsegmentz = ['x']\n", "segmentz"),
        ("[csi]\nmodel = 'pls'\n", "model"),
        ("[survey\n", "not valid TOML"),
    ],
)
def test_bad_spec(good_csv, tmp_path, text, fragment):
    spec = tmp_path / "csi.toml"
    spec.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(good_csv), "--spec", str(spec)])
    _one_line_error(result, "csi.toml", fragment)


def test_spec_not_found(good_csv, tmp_path):
    result = runner.invoke(app, ["validate", str(good_csv), "--spec", str(tmp_path / "x.toml")])
    _one_line_error(result, "x.toml", "not found")


def test_one_bad_column_skips_only_its_analysis(tmp_path):
    """Issue 11, point 4: analyze runs what is valid, shows the skipped analysis' problems
    first, still writes its output and exits 2; `csi index` still fails on its own error."""
    header, rows = survey_table(20)
    rows[2][header.index("QUAL1")] = "见备注"
    path = write_csv(tmp_path / "bad.csv", header, rows)
    result = runner.invoke(app, ["analyze", str(path), "-f", "json", *FAST])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    document = json.loads(result.stdout)
    assert "index" not in document and "nps" in document
    first, *problems = result.stderr.splitlines()
    assert first.startswith("csi: error: bad.csv: skipped index")
    assert "[text-in-rating]" in problems[0] and "QUAL1" in problems[0] and "row 4" in problems[0]
    alone = runner.invoke(app, ["index", str(path), "-f", "json", *FAST])
    assert alone.exit_code == 2 and alone.stdout == ""
    assert alone.stderr.startswith("csi: error: bad.csv: 1 problem must be fixed first")


def test_analyze_with_nothing_to_analyse_exits_2_and_points_to_init(tmp_path):
    path = write_csv(tmp_path / "q.csv", ["1、您对本店满意吗", "2、地区"], [["满意", "华东"]] * 5)
    result = runner.invoke(app, ["analyze", str(path), *FAST])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("csi: error: q.csv: no analysis applies")
    assert "csi init q.csv > csi.toml" in result.stderr


def test_xlsx_format_needs_output(good_csv):
    result = runner.invoke(app, ["analyze", str(good_csv), "--format", "xlsx"])
    _one_line_error(result, "--output")


def test_by_unknown_column(good_csv):
    result = runner.invoke(app, ["analyze", str(good_csv), "--by", "城市", *FAST])
    _one_line_error(result, "--by 城市", "地区")


def test_sheet_unknown(good_xlsx):
    result = runner.invoke(app, ["validate", str(good_xlsx), "--sheet", "Sheet9"])
    _one_line_error(result, "Sheet9", "回答")


def test_debug_raises_the_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = runner.invoke(app, ["--debug", "validate", str(path)])
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "InputError"


def test_the_input_is_untouched_by_commands(good_xlsx, tmp_path):
    before = good_xlsx.read_bytes(), good_xlsx.stat().st_mtime_ns
    for args in (["validate"], ["init"], ["analyze", "-f", "json", *FAST]):
        result = runner.invoke(app, [args[0], str(good_xlsx), *args[1:]])
        assert result.exit_code == 0, result.output
    assert (good_xlsx.read_bytes(), good_xlsx.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.xlsx"]


# --- the installed console script --------------------------------------------------------------


def _run(*args, cwd):
    return subprocess.run(
        [str(CSI), *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_console_script(good_csv, tmp_path):
    assert CSI.exists(), f"console script not installed at {CSI}"
    version = _run("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"csi {csi_cli.__version__}"
    ok = _run("analyze", str(good_csv), "--format", "json", "--bootstrap", "0", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["n"] == 40
    missing = _run("validate", "nope.xlsx", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [
        "csi: error: file not found: nope.xlsx. Check the path and the file name."
    ]
    assert missing.stdout == ""


def test_console_script_debug_shows_traceback(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    plain = _run("validate", str(path), cwd=tmp_path)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    debug = _run("--debug", "validate", str(path), cwd=tmp_path)
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "InputError" in debug.stderr


def test_analyze_skips_a_csi_that_fits_no_model_with_a_warning(tmp_path):
    """`analyze` runs what the file supports: a lone SAT block is not a model (warning, no
    index), the gap pair is still analysed; `index` on the same file is an error."""
    path = write_csv(
        tmp_path / "odd.csv",
        ["id", "SAT1", "SAT2", "Q1_E", "Q1_P"],
        [[i, 5 + i % 3, 6 + i % 2, 6, 4 + i % 3] for i in range(1, 21)],
    )
    result = runner.invoke(app, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert "index" not in document and "gap" in document
    assert "csi: warning: [csi-model]" in result.stderr
    refused = runner.invoke(app, ["index", str(path)])
    assert refused.exit_code == 2
    assert "[csi-model]" in refused.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    """Each registered command has a row in README's command table and an example."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"| `csi {command} " in readme
    assert f"\ncsi {command} " in readme or f"$ csi {command} " in readme
