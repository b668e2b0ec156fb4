"""``csi report`` as cron runs it: a subprocess with no terminal, stdin closed, no HOME and
TERM=dumb. Exit codes 0/2/3, no escape codes, every output written before exit 3, identical
bytes for a fixed seed, and an interrupted write that leaves the previous report intact."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from csi_cli.commands import common
from csi_cli.commands.report import report_command
from tests.test_comparison import write_period_survey

CSI = str(Path(sys.executable).with_name("csi"))
ENV = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin", "TERM": "dumb"}
ESCAPE = "\x1b["
FILES = ("csi-report-2026-10.xlsx", "csi-report-2026-10.html", "csi-report-2026-10.md",
         "csi-report-2026-10.json")  # fmt: skip
FAST = ("--bootstrap", "150", "--seed", "5")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``csi ARGS`` as cron would run it."""
    result = subprocess.run(
        [CSI, *args],
        env=ENV,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        check=False,
    )
    assert ESCAPE not in result.stdout and ESCAPE not in result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder with a survey that drops in 2026-10 and one that does not."""
    where = tmp_path_factory.mktemp("cron")
    write_period_survey(where / "drop.csv", n=60, drop=1.5)
    write_period_survey(where / "calm.csv", n=60, drop=0.0, seed=4)
    return where


def test_environment_is_minimal() -> None:
    assert "HOME" not in ENV and ENV["TERM"] == "dumb"


def test_output_dir_writes_every_report_and_exits_0(folder: Path) -> None:
    result = run("report", "calm.csv", "--period", "2026-10", "--output-dir", "out", *FAST,
                 cwd=folder)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    out = folder / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    document = json.loads((out / FILES[3]).read_text(encoding="utf-8"))
    assert document["period"] == "2026-10" and document["previous"] == "2026-09"
    with zipfile.ZipFile(out / FILES[0]) as book:
        assert "xl/workbook.xml" in book.namelist()
    assert (out / FILES[1]).read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert (out / FILES[2]).read_text(encoding="utf-8").startswith("# ")


def test_fail_on_drop_exits_3_after_writing_everything(folder: Path) -> None:
    result = run("report", "drop.csv", "--period", "2026-10", "--output-dir", "alerts",
                 "--history", "history.sqlite", "--fail-on-drop", *FAST, cwd=folder)  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "csi: alert: index:SAT fell" in result.stderr
    out = folder / "alerts"
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    document = json.loads((out / FILES[3]).read_text(encoding="utf-8"))
    assert any(a.startswith("index:SAT fell") for a in document["alerts"])
    assert [t["period"] for t in document["trend"]] == ["2026-10"]
    with sqlite3.connect(folder / "history.sqlite") as db:
        assert db.execute("SELECT period, alerts FROM periods").fetchall() == [
            ("2026-10", len(document["alerts"]))
        ]


@pytest.mark.parametrize(("threshold", "code"), [("101", 3), ("0", 0)])
def test_fail_below(folder: Path, threshold: str, code: int) -> None:
    result = run("report", "calm.csv", "--period", "2026-10", "--fail-below", threshold,
                 "--format", "json", *FAST, cwd=folder)  # fmt: skip
    assert result.returncode == code, result.stderr
    document = json.loads(result.stdout)  # the report is complete before exit 3
    assert document["current"]["index"]["index"]["value"] < 101
    assert ("below --fail-below 101" in result.stderr) == (code == 3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2026-12"), "2026-09 (60), 2026-10 (60)"),
        (("--period", "October"), "is not a period"),
        (("--period", "2026-09"), "no respondents in 2026-08"),
        ((), "--period"),
        (("--period", "2026-10", "--by", "nowhere"), "nowhere"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    folder: Path, args: tuple[str, ...], message: str
) -> None:
    result = run("report", "calm.csv", *args, "--bootstrap", "0", cwd=folder)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (folder / "out-bad").exists()


def test_same_seed_same_bytes(folder: Path) -> None:
    first = run("report", "drop.csv", "--period", "2026-10", "-f", "json", *FAST, cwd=folder)
    second = run("report", "drop.csv", "--period", "2026-10", "-f", "json", *FAST, cwd=folder)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout and first.stdout.startswith("{")


# --- an interrupted write (in process: the interruption is simulated) -----------------------


def app() -> typer.Typer:
    """A Typer app with the report command (as cli.py registers it)."""
    commands = typer.Typer(add_completion=False)

    @commands.callback()
    def main() -> None:
        common.set_flags(debug=False, quiet=True)

    commands.command("report")(report_command)
    return commands


def test_interrupted_write_leaves_the_previous_report_intact(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = folder / "kept"
    args = ["report", str(folder / "drop.csv"), "--period", "2026-10", "--output-dir", str(out),
            "--bootstrap", "100"]  # fmt: skip
    runner = CliRunner()
    assert runner.invoke(app(), [*args, "--seed", "1"]).exit_code == 0
    before = {name: (out / name).read_bytes() for name in FILES}

    def interrupted(source: str, target: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("csi_cli.output.os.replace", interrupted)
    result = runner.invoke(app(), [*args, "--seed", "2"])
    assert result.exit_code == 130
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temporary file left
    assert {name: (out / name).read_bytes() for name in FILES} == before
    document = json.load(io.BytesIO(before[FILES[3]]))
    assert document["settings"]["seed"] == 1
