"""Hostile sizes and values: zip bombs judged per part, periods at the ends of the calendar,
parquet columns of lists and time-zoned dates, runaway segments, option values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.hostile.corpus import Case

CASES: dict[str, Callable[[Path], Case]] = {}
