"""Benchmark: the customer analysis of 1,000,000 respondents with value, tier, repeat behaviour
and retention.

Run ``python bench/customers.py``. Prints the best of several runs of each step and its ratio to
a bare numpy pass over the same arrays — one sort of value with its cumulative sum and one
``bincount`` of retention by satisfaction level, the least any pyramid and retention curve can
cost. Target: the whole analysis (pyramid, Lorenz/Gini, value at risk, quadrants, loyalty
curve, Dick & Basu, the retention logit with marginal effects) ≤ 2 s.
"""

from __future__ import annotations

import numpy as np
from timing import best_of  # bench/timing.py (the script's folder is on sys.path)

from csi_cli.analyses.customer_inputs import CustomersSpec, Inputs, Rating
from csi_cli.analyses.customers import analyse
from csi_cli.methods import customers, loyalty

RESPONDENTS = 1_000_000
REPEATS = 3
TARGET_SECONDS = 2.0


def make_inputs(n: int = RESPONDENTS, seed: int = 1) -> Inputs:
    """Satisfaction 1–10, recommend 0–10, lognormal value, Poisson purchases, logit retention."""
    rng = np.random.default_rng(seed)
    satisfaction = rng.integers(1, 11, n).astype(float)
    recommend = np.clip(satisfaction + rng.integers(-2, 2, n), 0, 10).astype(float)
    retained = (rng.random(n) < 1 / (1 + np.exp(-(-2 + 0.4 * satisfaction)))).astype(float)
    return Inputs(
        n=n,
        satisfaction=Rating("overall", satisfaction, (1.0, 10.0)),
        loyalty=Rating("recommend", recommend, (0.0, 10.0)),
        recommend=recommend,
        value=rng.lognormal(8, 1, n),
        value_column="value",
        repeat=rng.poisson(3, n).astype(float),
        repeat_column="purchases",
        retained=retained,
        retention_column="retained",
    )


def bare_numpy(inputs: Inputs) -> None:
    """The floor: sort value and accumulate it; count retention by satisfaction level."""
    np.cumsum(np.sort(inputs.value))
    np.bincount(inputs.satisfaction.scores.astype(np.int64), inputs.retained)


def main() -> None:
    inputs = make_inputs()
    spec = CustomersSpec()
    sat = inputs.satisfaction
    baseline = best_of(lambda: bare_numpy(inputs))
    steps = {
        "value tiers": lambda: customers.value_tiers(inputs.value),
        "concentration (Lorenz, Gini)": lambda: customers.concentration(inputs.value),
        "value at risk": lambda: customers.value_at_risk(inputs.value, sat.scores <= 5),
        "retention logit + margins": lambda: loyalty.retention_model(
            sat.scores, inputs.retained, inputs.value
        ),
        "whole analysis": lambda: analyse(inputs, spec),
    }
    print(f"Customers: {RESPONDENTS:,} respondents, best of {REPEATS}")
    print(f"{'bare numpy pass (baseline)':32s} {baseline:8.3f} s   1.00×")
    timings = {}
    for label, step in steps.items():
        timings[label] = best_of(step)
        print(f"{label:32s} {timings[label]:8.3f} s {timings[label] / baseline:6.2f}×")
    whole = timings["whole analysis"]
    verdict = "meets" if whole <= TARGET_SECONDS else "MISSES"
    print(f"whole analysis {whole:.3f} s {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
