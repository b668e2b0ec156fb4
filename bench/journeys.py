"""Benchmark the complaint and journey analyses: 1,000,000 respondents with 6 touchpoints.

Run ``python bench/journeys.py [N]``. Times (best of 3) both analyses from the raw columns — the
yes/no answers as text (是/否, 已解决/未解决) parsed by :mod:`csi_cli.methods.binary`, the iceberg,
the recovery groups with CIs, NPS, Welch/Holm tests and the paradox test, the loyalty drivers;
the journey's 10-fold R² comparison for satisfaction and loyalty with 2,000 bootstrap
resamples, the consistency effects (OLS, HC3), the weakest link and the relative weights — and
prints each as a ratio to a bare numpy pass over the same numbers (column means) in the same
run. The budget is 3 s for both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import best_of  # bench/timing.py (the script's folder is on sys.path)

from csi_cli.methods import complaints as cm
from csi_cli.methods.binary import parse_binary
from csi_cli.methods.journey import journey_analysis

TOUCHPOINTS = ("awareness", "browse", "order", "payment", "delivery", "service")
BUDGET_SECONDS = 3.0


def survey(n: int, seed: int = 1) -> dict[str, object]:
    """Ratings on 1–10 driven by one satisfaction factor, yes/no answers as Chinese text."""
    rng = np.random.default_rng(seed)
    s = rng.standard_normal(n)
    rate = lambda x: np.clip(np.round(7 + 1.5 * x), 1, 10)  # noqa: E731
    touch = rate(0.6 * s[:, None] + 0.8 * rng.standard_normal((n, len(TOUCHPOINTS))))
    problem = rng.random(n) < 0.4
    complained = problem & (rng.random(n) < 0.05)
    resolved = complained & (rng.random(n) < 0.5)
    yes_no = np.array(["否", "是"], dtype=object)
    return {
        "touchpoints": np.asfortranarray(touch),
        "journey": rate(0.9 * s + 0.4 * rng.standard_normal(n))[:, None],
        "satisfaction": rate(s),
        "loyalty": rate(0.7 * s + 0.7 * rng.standard_normal(n)),
        "nps": np.clip(np.round(7 + 2 * s), 0, 10),
        "problem": pd.Series(yes_no[problem.astype(int)]),
        "complained": pd.Series(yes_no[complained.astype(int)]),
        "resolved": pd.Series(np.where(complained, np.where(resolved, "已解决", "未解决"), None)),
        "handling": np.where(complained, rate(rng.standard_normal(n)), np.nan),
    }


def complaints(data: dict[str, object]) -> None:
    """The complaint analysis from the raw columns."""
    problem, complained, resolved = (
        parse_binary(data[k])[0] for k in ("problem", "complained", "resolved")
    )
    cm.complaint_iceberg(problem, complained, complaints_received=1000)
    codes = cm.recovery_groups(problem, complained, resolved)
    outcomes = {"satisfaction": data["satisfaction"], "loyalty": data["loyalty"]}
    cm.service_recovery(codes, outcomes, data["nps"])
    cm.loyalty_drivers(data["loyalty"], resolved, data["handling"], complained)


def journey(data: dict[str, object]) -> None:
    """The journey analysis from the numeric columns."""
    outcomes = {"satisfaction": data["satisfaction"], "loyalty": data["loyalty"]}
    journey_analysis(TOUCHPOINTS, data["touchpoints"], data["journey"], outcomes, 4)


def bare(data: dict[str, object]) -> None:
    """The baseline: one numpy pass (column means) over every numeric column read."""
    data["touchpoints"].mean(axis=0)
    for key in ("journey", "satisfaction", "loyalty", "nps", "handling"):
        np.mean(data[key], axis=0)


def main(n: int = 1_000_000) -> None:
    data = survey(n)
    baseline = best_of(lambda: bare(data))
    complaint_time = best_of(lambda: complaints(data))
    journey_time = best_of(lambda: journey(data))
    both = complaint_time + journey_time
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"complaints + journey, {n:,} respondents x {len(TOUCHPOINTS)} touchpoints "
          f"(best of 3; load average {load}, {os.cpu_count()} CPUs)")  # fmt: skip
    print(f"  bare numpy column means (baseline) {baseline:8.3f} s   1.0x")
    print(f"  complaints (iceberg, recovery)     {complaint_time:8.3f} s  "
          f"{complaint_time / baseline:6.1f}x")  # fmt: skip
    print(f"  journey (R², consistency, weights) {journey_time:8.3f} s  "
          f"{journey_time / baseline:6.1f}x")  # fmt: skip
    verdict = "within" if both <= BUDGET_SECONDS else "OVER"
    print(f"  both                               {both:8.3f} s  {both / baseline:6.1f}x; "
          f"budget {BUDGET_SECONDS} s: {verdict}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
