"""``distinct_scores``: the grouping of block scores behind the report's index bootstrap must
not depend on last-bit differences between NumPy/BLAS builds.

Found by running the golden JSON test on NumPy 1.26.4: two respondents of the sample with the
same LOY answers got block scores one ulp apart, ``np.unique`` split them, and every LOY draw
of ``csi report`` changed (standard error 1.711 instead of 1.780)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from csi_cli.methods.index_change import distinct_scores

ANSWERS = arrays(np.int64, st.integers(1, 300), elements=st.integers(1, 10))
WEIGHT = st.floats(0.01, 3.0, allow_nan=False)


@given(ANSWERS, WEIGHT)
def test_exact_scores_group_as_np_unique(answers: np.ndarray, weight: float) -> None:
    scores = answers * weight
    values, counts = distinct_scores(scores)
    want_values, want_counts = np.unique(scores, return_counts=True)
    np.testing.assert_array_equal(values, want_values)
    np.testing.assert_array_equal(counts, want_counts)


@given(ANSWERS, WEIGHT, st.integers(0, 2**32 - 1))
def test_last_bit_noise_does_not_split_a_score(
    answers: np.ndarray, weight: float, seed: int
) -> None:
    exact = answers * weight
    ulps = np.random.default_rng(seed).integers(-3, 4, exact.size)
    noisy = exact + ulps * np.spacing(exact)
    values, counts = distinct_scores(noisy)
    want_values, want_counts = np.unique(exact, return_counts=True)
    np.testing.assert_array_equal(counts, want_counts)
    np.testing.assert_allclose(values, want_values, rtol=1e-14)
