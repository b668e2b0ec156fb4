"""Benchmark: Kano classification of 1,000,000 respondents × 20 attributes.

Run ``python bench/kano.py``. Prints the best of several runs of each step and its ratio to a
bare ``numpy.take`` of the evaluation table over the same (precomputed) cell indices — the floor
any table lookup can reach. Target: classification ≤ 2 s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from timing import best_of  # bench/timing.py (the script's folder is on sys.path)

from csi_cli.methods import kano
from csi_cli.methods.kano_answers import parse_answers

RESPONDENTS = 1_000_000
ATTRIBUTES = 20
REPEATS = 3
TARGET_SECONDS = 2.0


def classify_counts(functional: np.ndarray, dysfunctional: np.ndarray) -> np.ndarray:
    """Category counts per attribute: what classification needs from the respondents."""
    return kano.count_categories(kano.answer_pairs(functional, dysfunctional))


def main() -> None:
    rng = np.random.default_rng(1)
    shape = (RESPONDENTS, ATTRIBUTES)
    functional = rng.integers(0, 6, size=shape, dtype=np.int8)
    dysfunctional = rng.integers(0, 6, size=shape, dtype=np.int8)
    lookup = kano.evaluation_lookup("standard")
    cells = functional * np.int8(6) + dysfunctional
    texts = pd.Series(
        np.array(["I like it", "我很喜欢", "理应如此", "3", "", "I dislike it"])[
            rng.integers(0, 6, size=RESPONDENTS)
        ]
    )
    names = [f"a{j}" for j in range(ATTRIBUTES)]

    baseline = best_of(lambda: np.take(lookup, cells))
    steps = {
        "evaluate (per-respondent lookup)": lambda: kano.evaluate(functional, dysfunctional),
        "answer_pairs + count_categories": lambda: classify_counts(functional, dysfunctional),
        "classify (all statistics)": lambda: kano.classify(functional, dysfunctional, names),
        "parse_answers (1 column of text)": lambda: parse_answers(texts),
    }
    print(f"Kano: {RESPONDENTS:,} respondents × {ATTRIBUTES} attributes, best of {REPEATS}")
    print(f"{'bare numpy.take (baseline)':36s} {baseline:8.3f} s   1.00×")
    for label, step in steps.items():
        seconds = best_of(step)
        print(f"{label:36s} {seconds:8.3f} s {seconds / baseline:6.2f}×")
    classified = best_of(lambda: kano.classify(functional, dysfunctional, names))
    verdict = "meets" if classified <= TARGET_SECONDS else "MISSES"
    print(f"full classification {classified:.3f} s {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
