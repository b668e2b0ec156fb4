"""Shared fixtures: where the reference data lives, and the sample survey."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE_DATA = REPO / "tests" / "data"
SAMPLE = REPO / "sample_data" / "survey.xlsx"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """``tests/data``: published data sets and the results other software got on them (sources,
    licences and tolerances in ``tests/data/README.md``)."""
    assert REFERENCE_DATA.is_dir(), f"reference data missing at {REFERENCE_DATA}"
    return REFERENCE_DATA


@pytest.fixture(scope="session")
def sample_file() -> Path:
    """The bundled sample survey."""
    assert SAMPLE.is_file(), f"sample survey missing: run python {REPO}/sample_data/make_sample.py"
    return SAMPLE
