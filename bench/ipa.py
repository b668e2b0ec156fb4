"""Benchmark the bootstrap intervals of derived importance (importance–performance analysis).

Run ``python bench/ipa.py [N] [RESAMPLES]`` (defaults 100,000 respondents, 5,000 resamples, 22
items, relative weights). Times the batched bootstrap
(:func:`csi_cli.methods.ipa.bootstrap_importance`) against the same resamples computed one by
one in a Python loop (the same counts, :func:`derived_importance` on each resampled data set),
timed on 50 resamples and scaled to RESAMPLES. Prints both and their ratio.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from csi_cli.methods import ipa, pls_bootstrap

LOOP_SAMPLE = 50


def arrays(n: int, k: int = 22, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    drivers = np.clip(np.round(5 + rng.normal(size=(n, k)) + rng.normal(size=(n, 1))), 1, 7)
    overall = drivers @ np.linspace(0.3, 0.0, k) + rng.normal(size=n)
    return drivers, overall


def loop(drivers: np.ndarray, overall: np.ndarray, resamples: int) -> None:
    """The peer: one resampled data set after another, each through derived_importance."""
    rng = np.random.default_rng(0)
    n = len(overall)
    for _ in range(resamples):
        rows = rng.integers(0, n, n)
        ipa.derived_importance(drivers[rows], overall[rows], "relative")


def main(n: int = 100_000, resamples: int = 5_000) -> None:
    drivers, overall = arrays(n)
    start = time.perf_counter()
    ipa.bootstrap_importance(drivers, overall, "relative", resamples, seed=1)
    batched = time.perf_counter() - start
    start = time.perf_counter()
    loop(drivers, overall, LOOP_SAMPLE)
    looped = (time.perf_counter() - start) * resamples / LOOP_SAMPLE
    units = min(n, pls_bootstrap.MAX_UNITS)
    print(f"{n:,} respondents × 22 items, {resamples:,} resamples ({units:,} resampling units)")
    print(f"batched bootstrap       {batched:8.2f} s")
    print(f"per-resample loop       {looped:8.2f} s   (50 timed, scaled)")
    print(f"ratio loop / batched    {looped / batched:8.1f}×")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
