"""Benchmark the expectation-gap core: 1,000,000 respondents × 22 SERVQUAL pairs.

Run ``python bench/gap.py [N]``. Times (best of 3) the full gap tables — per item and per
dimension: means, SD, paired t with CI, Wilcoxon signed-rank, d_z, disconfirmation shares,
Holm adjustment, and the overall gap — against the bare column means with numpy, and against
scipy's ``ttest_rel`` + ``wilcoxon`` called per item (the peer computation).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import best_of  # bench/timing.py (the script's folder is on sys.path)

from csi_cli.layout import SERVQUAL22
from csi_cli.methods.gap import GapInputs, gap_tables

ITEMS = tuple(f"Q{i}" for i in range(1, 23))
BUDGET_SECONDS = 1.5


def survey_arrays(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Expectation and perception on 1–7 with true gaps −1..+0.5 and 2% blanks."""
    rng = np.random.default_rng(seed)
    expectation = rng.integers(3, 8, (n, 22)).astype(float)
    shifts = np.linspace(-1.0, 0.5, 22)
    perception = np.clip(np.round(expectation + shifts + rng.standard_normal((n, 22))), 1, 7)
    expectation[rng.random((n, 22)) < 0.02] = np.nan
    # Fortran order: each item contiguous, as gap.survey_inputs reads a survey.
    return np.asfortranarray(expectation), np.asfortranarray(perception)


def scipy_per_item(expectation: np.ndarray, perception: np.ndarray) -> None:
    """The peer: scipy's paired t and Wilcoxon, one call per item on its complete pairs."""
    for j in range(expectation.shape[1]):
        both = ~np.isnan(expectation[:, j])
        stats.ttest_rel(perception[both, j], expectation[both, j])
        stats.wilcoxon(perception[both, j] - expectation[both, j])


def main(n: int = 1_000_000) -> None:
    expectation, perception = survey_arrays(n)
    inputs = GapInputs(ITEMS, expectation, perception, SERVQUAL22)
    bare = best_of(lambda: (expectation.mean(axis=0), perception.mean(axis=0)))
    ours = best_of(lambda: gap_tables(inputs, "holm"))
    items_only = best_of(lambda: gap_tables(GapInputs(ITEMS, expectation, perception), "holm"))
    peer = best_of(lambda: scipy_per_item(expectation, perception), repeats=1)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"gap core, {n:,} respondents x 22 pairs (best of 3; load average {load}, "
          f"{os.cpu_count()} CPUs)")  # fmt: skip
    print(f"  bare numpy means (baseline)        {bare:8.3f} s   1.0x")
    print(f"  gap tables: items + 5 dimensions   {ours:8.3f} s  {ours / bare:5.1f}x")
    print(f"  gap tables: items + overall only   {items_only:8.3f} s  {items_only / bare:5.1f}x")
    print(f"  scipy ttest_rel + wilcoxon per item{peer:8.3f} s  {peer / bare:5.1f}x (items only)")
    verdict = "within" if ours <= BUDGET_SECONDS else "OVER"
    print(f"  budget {BUDGET_SECONDS} s: {verdict}; {peer / ours:.1f}x faster than the scipy loop")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
