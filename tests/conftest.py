"""Shared fixtures: where the reference data lives, and small survey files written per test."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLE = REPO / "sample_data" / "survey.xlsx"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository (published reference data). Missing data is a
    failure, never a skip: the golden tests are the point."""
    assert SHARED_DATA.is_dir(), f"reference data not found at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_file() -> Path:
    """The bundled sample survey."""
    assert SAMPLE.is_file(), f"sample survey missing: run python {REPO}/sample_data/make_sample.py"
    return SAMPLE
