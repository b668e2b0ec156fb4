"""What every benchmark times with: the fastest of a few wall-clock runs (the least disturbed
by other processes on a shared machine)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(step: Callable[[], object], repeats: int = 3) -> float:
    """Fastest wall time of ``repeats`` runs of ``step``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)
