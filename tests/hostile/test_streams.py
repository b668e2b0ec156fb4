"""Streams and signals through the real entry point (a subprocess): closed streams, broken
pipes, a full disk, a console encoding without '−', and SIGTERM/SIGHUP/SIGINT mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from csi_cli.streams import EXIT_BROKEN_PIPE, nearest_ascii
from tests.helpers import survey_table, write_csv

CSI = [sys.executable, "-m", "csi_cli"]


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    header, rows = survey_table(60)
    return write_csv(tmp_path_factory.mktemp("streams") / "s.csv", header, rows)


def _shell(command: str, folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "TERM": "dumb", **env},
        check=False,
    )


def _csi(survey: Path, extra: str = "") -> str:
    return f"{' '.join(CSI)} analyze {survey} --bootstrap 0 {extra}"


def test_a_full_disk_on_stdout_is_one_line_and_exit_2(survey: Path) -> None:
    done = _shell(_csi(survey) + " > /dev/full", survey.parent)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_a_reader_that_stops_reading_ends_csi_quietly(survey: Path) -> None:
    done = _shell(_csi(survey, "--format json") + " | true; echo ${PIPESTATUS[0]}", survey.parent)
    assert done.stdout.strip() == str(EXIT_BROKEN_PIPE)
    assert done.stderr == ""


def test_closed_stdout_says_to_use_output(survey: Path) -> None:
    done = _shell(_csi(survey) + " >&-", survey.parent)
    assert done.returncode == 2
    assert "standard output is closed" in done.stderr and "--output" in done.stderr


def test_closed_stderr_still_writes_the_report(survey: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = _shell(_csi(survey, f"-o {out}") + " 2>&-", survey.parent)
    assert done.returncode == 0
    assert out.read_text(encoding="utf-8").startswith("{")
    assert os.listdir(tmp_path) == ["r.json"]


def test_closed_stderr_still_writes_every_report_file(tmp_path: Path) -> None:
    """``csi report … 2>&-`` used to exit 1 and write nothing (sys.stderr is None)."""
    header, rows = survey_table(60)
    dated = [[f"2026-{9 + i % 2}-15", *r] for i, r in enumerate(rows)]
    survey = write_csv(tmp_path / "s.csv", ["date", *header], dated)
    command = f"{' '.join(CSI)} report {survey} --period 2026-10 --bootstrap 0 --output-dir out"
    done = _shell(command + " --history h.db 2>&-", tmp_path)
    assert done.returncode == 0
    assert len(os.listdir(tmp_path / "out")) == 4 and (tmp_path / "h.db").exists()


def test_a_gbk_stdout_gets_ascii_for_what_gbk_lacks(tmp_path: Path) -> None:
    """GBK has no '−' (U+2212) and no emoji: they become '-' and '?', the rest stays."""
    header, rows = survey_table(60)
    for row in rows[::2]:
        row[header.index("地区")] = "华东😀"
    survey = write_csv(tmp_path / "emoji.csv", header, rows)
    done = subprocess.run(
        [*CSI, "analyze", str(survey), "--bootstrap", "0", "--by", "地区", "--format", "md"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "gbk"},
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("gbk")
    shown = done.stdout.decode("gbk")
    assert "华东?" in shown and "华东" in shown
    assert "−" not in shown


def test_nearest_ascii() -> None:
    assert nearest_ascii("−3.2 × 4…é") == "-3.2 x 4...e"
    assert nearest_ascii("满") == "?"


WRITER = """
import os, sys, time
from csi_cli import output, streams
streams.install_signal_handlers()
real = os.fsync
def slow(fd):
    print("writing", flush=True)
    time.sleep(30)
output.os.fsync = slow
output.write_bytes_atomic(sys.argv[1], b"x" * 1000)
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_mid_write_removes_the_temporary_file(tmp_path: Path, name: str) -> None:
    number = getattr(signal, name)
    target = tmp_path / "report.json"
    target.write_bytes(b"old")
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline() == "writing\n"
    assert len(os.listdir(tmp_path)) == 2  # the temporary file exists now
    child.send_signal(number)
    _, err = child.communicate(timeout=20)
    assert child.returncode == 128 + number, err
    assert name in err
    assert os.listdir(tmp_path) == ["report.json"]
    assert target.read_bytes() == b"old"


def test_stale_temporary_files_of_dead_runs_are_removed_on_the_next_write(tmp_path: Path) -> None:
    from csi_cli.output import write_bytes_atomic

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    target = tmp_path / "report.json"
    stale = tmp_path / f".report.json.csi{dead.pid}.abc123.tmp"
    alive = tmp_path / f".report.json.csi{os.getppid()}.abc123.tmp"  # a live process's
    other = tmp_path / ".notes.txt.csi1.x.tmp"  # another file's: not ours to judge
    for path in (stale, alive, other):
        path.write_bytes(b"half")
    time.sleep(0.01)
    write_bytes_atomic(target, b"new")
    assert sorted(os.listdir(tmp_path)) == sorted([target.name, alive.name, other.name])
