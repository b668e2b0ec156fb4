"""Every case of the hostile corpus through the real command line.

For each case and command: the exit code, the message's words, no traceback, JSON output free of
NaN/Infinity, the input's bytes and mtime unchanged, and no stray files left in the folder.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from csi_cli.cli import app
from tests.hostile import corpus_destinations, corpus_limits, corpus_shapes
from tests.hostile.corpus import ANALYZE, VALIDATE, Case
from tests.hostile.corpus import CASES as READING_CASES

CASES = {
    **READING_CASES,
    **corpus_destinations.CASES,
    **corpus_shapes.CASES,
    **corpus_limits.CASES,
}

runner = CliRunner()
OLD = 1_600_000_000_000_000_000  # an mtime in 2020: any write would change it


def _arguments(case: Case, command: tuple[str, ...]) -> list[str]:
    name, *options = command
    args = [*_globals(options), name, str(case.path), *_locals(options), *case.args]
    if name == VALIDATE:
        args += ["--format", "json"]
    elif case.output is not None:
        args += ["--output", str(case.output)]
    elif name != "report" or "--format" not in options:
        args += ["--format", "json"]
    if name in (ANALYZE, "index") and "--bootstrap" not in options:
        args += ["--bootstrap", "50"]
    return args


def _globals(options: tuple[str, ...]) -> list[str]:
    """Options of ``csi`` itself (``--quiet``), given before the command name."""
    return [o for o in options if o in ("--quiet", "-q")]


def _locals(options: tuple[str, ...]) -> list[str]:
    return [o for o in options if o not in ("--quiet", "-q")]


def _message(result: Any, command: str) -> str:
    """What a person reads: stderr, plus the problem messages ``validate`` prints as JSON."""
    text = result.stderr
    if command == VALIDATE and result.stdout.strip():
        document = json.loads(result.stdout, parse_constant=_refuse)
        text += "\n".join(p["message"] for p in document["problems"])
    return text


def _refuse(token: str) -> None:
    raise AssertionError(f"JSON holds {token}")


def _walk(value: Any, where: str = "$") -> None:
    """No NaN or infinity anywhere in a parsed document."""
    if isinstance(value, float):
        assert value == value and abs(value) != float("inf"), where
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]")


_STEP = re.compile(r"([^.\[]+)(?:\[(\w+)=([^\]]+)\])?")


def lookup(document: Any, path: str) -> Any:
    """``index.outer[item=SAT1].mean``: keys, and list items chosen by a field's value."""
    value = document
    for key, field, wanted in _STEP.findall(path):
        value = value[key]
        if field:
            matches = [v for v in value if str(v.get(field)) == wanted]
            assert len(matches) == 1, (path, [v.get(field) for v in value])
            value = matches[0]
    return value


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every regular file (symlinks to files included; FIFOs and links to
    devices are not files)."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(params=sorted(CASES))
def case(request, tmp_path) -> Case:
    made = CASES[request.param](tmp_path)
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, ns=(OLD, OLD))
    return made


def test_case(case: Case, tmp_path: Path) -> None:
    before = _snapshot(tmp_path)
    heads = {p: _head(p) for p in tmp_path.rglob("*") if p.is_file()}
    for command in case.commands:
        name = command[0]
        started = time.monotonic()
        result = runner.invoke(app, _arguments(case, command))
        elapsed = time.monotonic() - started
        expected = case.exits.get(name, case.exit_code)
        shown = f"{name}: exit {result.exit_code}\n{result.output}"
        assert result.exit_code == expected, shown
        assert "Traceback" not in result.output, shown
        assert result.exception is None or isinstance(result.exception, SystemExit), shown
        assert elapsed < 30, f"{name} took {elapsed:.0f} s"
        message = _message(result, name)
        for word in case.unsaid:
            assert word not in result.stderr, shown
        if expected == 2:
            assert "internal error" not in message, shown
            for word in case.words:
                assert word in message, f"{word!r} not in: {message}"
            assert "\x1b" not in result.stderr, "escape codes reach the terminal"
        if name == VALIDATE and result.stdout.strip():
            found = [p["code"] for p in json.loads(result.stdout)["problems"]]
            assert sorted(found) == sorted(case.codes), found
        document = None
        if result.stdout.strip() and (name == VALIDATE or case.output is None):
            document = json.loads(result.stdout, parse_constant=_refuse)
            _walk(document)
        if expected == 0 and name != VALIDATE and case.output is None:
            assert document is not None, shown
            for path, value in case.numbers.items():
                if path.startswith(("current.", "prior.")) != (name == "report"):
                    continue
                got = lookup(document, path)
                if isinstance(value, float):
                    assert got == pytest.approx(value, abs=1e-9), path
                else:
                    assert got == value, path
    # the input (and every other file) is untouched; nothing new is left behind
    after = {k: v for k, v in _snapshot(tmp_path).items() if k not in case.writes}
    assert after == {k: v for k, v in before.items() if k not in case.writes}
    for path, head in heads.items():
        if str(path.relative_to(tmp_path)) not in case.writes:
            assert _head(path) == head
    if case.after is not None:
        case.after(tmp_path)


def _head(path: Path) -> bytes:
    """The first 64 KiB (a 2 GiB case must not be read whole)."""
    with path.open("rb") as handle:
        return handle.read(65536)


def test_every_case_is_documented() -> None:
    table = (Path(__file__).parents[2] / "docs" / "bad-input.md").read_text(encoding="utf-8")
    for name in CASES:
        assert f"`{name}`" in table, f"{name} missing from docs/bad-input.md"


# --- injection: survey text reaching HTML, Markdown and xlsx ------------------------------------

FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)")


def test_survey_text_never_becomes_markup_or_formula(tmp_path: Path) -> None:
    from tests.helpers import survey_table, write_csv

    header, rows = survey_table(60)
    attribute = "<script>alert(1)</script>"
    header[header.index("fast_delivery_func")] = f"{attribute}_func"
    header[header.index("fast_delivery_dysf")] = f"{attribute}_dysf"
    for i, row in enumerate(rows):
        row[1] = FORMULAS[i % len(FORMULAS)]
    path = write_csv(tmp_path / "inject.csv", header, rows)
    for suffix in ("html", "xlsx", "md", "json"):
        out = tmp_path / f"report.{suffix}"
        args = ["analyze", str(path), "--by", "地区", "--bootstrap", "0", "-o", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in FORMULAS:
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
                if cell.data_type == "f":
                    assert not any(f[1:] in str(cell.value) for f in FORMULAS), cell.value
    assert seen, "the segment names should reach the workbook as text"


# --- memory: a 1,000,000-row file ---------------------------------------------------------------

MEASURE = """
import resource, sys, tracemalloc
from pathlib import Path
from csi_cli.survey import load
from csi_cli.validate import validate
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
validate(load(Path(sys.argv[2])))  # import everything first
base = rss()
tracemalloc.start()
survey = load(Path(sys.argv[1]))
validate(survey)
traced = tracemalloc.get_traced_memory()[1]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
print(len(survey.frame), int(survey.frame.memory_usage(deep=True).sum()), traced, peak)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_million_rows_load_within_three_times_the_data(tmp_path: Path) -> None:
    """Python-level allocations (tracemalloc, the measure of bench/load.py) stay within 3× the
    loaded frame; the whole process (RSS, which also counts pyarrow's parser buffers, whose
    size varies with its thread pool) within 5× (measured alone: 3.35×; more when the suite
    runs in parallel; bare ``pandas.read_csv(engine="pyarrow")`` alone takes 3.2×)."""
    import subprocess
    import sys

    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 1_000_000
    items = [f"{c}{i}" for c in ("EXPE", "QUAL", "VAL", "SAT") for i in (1, 2)]
    frame = pd.DataFrame({c: rng.integers(1, 11, n) for c in items})
    frame.insert(0, "地区", np.array(["华东", "华北", "华南"])[rng.integers(0, 3, n)])
    path = tmp_path / "million.csv"
    frame.to_csv(path, index=False)
    frame.head(5).to_csv(tmp_path / "warm.csv", index=False)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(tmp_path / "warm.csv")],
        capture_output=True,
        text=True,
        check=True,
    )
    rows, data, traced, peak = map(int, done.stdout.split())
    assert rows == n
    assert traced <= 3 * data, f"traced {traced / 2**20:.0f} MiB for {data / 2**20:.0f} MiB"
    assert peak <= 5 * data, f"RSS peak {peak / 2**20:.0f} MiB for {data / 2**20:.0f} MiB"
