"""The JSON of every command on the sample survey, pinned: a refactor must not change it.

Each case runs the real command line (``csi_cli.cli.app`` through typer's ``CliRunner``) on
``sample_data/survey.xlsx`` with a fixed seed and 200 bootstrap resamples, and compares the
document with ``tests/golden/cmd_<case>.json`` after a JSON round trip: same keys in the same
order, same lists and texts, numbers equal to 1e-9 relative (BLAS noise across platforms).

The one change allowed is the spelling of the keys of the period report's ``settings`` (prose
today, snake_case after the refactor): for ``report`` the settings are compared by their values
only, and everything else exactly.

Regenerate the files deliberately (after a change of the sample or of a method) with::

    CSI_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_json.py

and read ``git diff tests/golden/`` before committing them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from csi_cli.cli import app
from tests.helpers import close_documents

GOLDEN = Path(__file__).parent / "golden"
SEEDED = ("--seed", "1")
RESAMPLED = (*SEEDED, "--bootstrap", "200")

#: case name → the command and its options (the file and ``--format json`` are added).
CASES: dict[str, tuple[str, ...]] = {
    "index": ("index", *RESAMPLED),
    "kano": ("kano",),
    "gap": ("gap", *SEEDED),
    "analyze": ("analyze", *RESAMPLED),
    "analyze_by": ("analyze", "--by", "地区", *RESAMPLED),
    "report": ("report", "--period", "2026-10", *RESAMPLED),
    "validate": ("validate",),
}


def run_json(args: tuple[str, ...], sample: Path) -> str:
    """The JSON a command writes to stdout on the sample; it must exit 0."""
    command, *options = args
    result = CliRunner().invoke(app, [command, str(sample), *options, "--format", "json"])
    assert result.exit_code == 0, f"csi {' '.join(args)} exited {result.exit_code}: {result.output}"
    return result.stdout


def settings_values(document: dict[str, Any]) -> list[str]:
    """The values of a report's ``settings``, whatever their keys are called (order-free)."""
    return sorted(json.dumps(value, ensure_ascii=False) for value in document["settings"].values())


@pytest.mark.parametrize("case", list(CASES))
def test_command_json_matches_golden_file(case: str, sample_file: Path) -> None:
    text = run_json(CASES[case], sample_file)
    path = GOLDEN / f"cmd_{case}.json"
    if os.environ.get("CSI_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.is_file(), f"golden file {path.name} missing: run with CSI_UPDATE_GOLDEN=1"
    got = json.loads(text)
    want = json.loads(path.read_text(encoding="utf-8"))
    if case == "report":
        assert settings_values(got) == settings_values(want), "report settings values changed"
        got, want = ({k: v for k, v in d.items() if k != "settings"} for d in (got, want))
    close_documents(got, want)
