"""The CSI of two independent groups scored with the same weights, and the bootstrap test of
their difference: periods in ``csi report``, a segment against the rest."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from csi_cli.methods import pls
from csi_cli.methods.index import Prepared, construct_index, prepare, summarize


@dataclass(frozen=True)
class IndexBasis:
    """What scores any group of respondents on the 0–100 index: the model, fixed outer weights
    on the items' scale (summing to 1 per block), the rating scale and the missing-answer rule."""

    model: pls.PathModel
    weights: np.ndarray
    scale: tuple[float, float]
    missing: str
    target: str

    def data(self, ratings: np.ndarray) -> Prepared:
        """Complete CSI ratings (respondents × items) under the missing-answer rule."""
        return prepare(ratings, self.missing, self.model.items)

    def scores(self, means: np.ndarray) -> np.ndarray:
        """Index of every construct from item means (batched over leading axes)."""
        return construct_index(self.weights, means, self.model, self.scale)

    def resampled(self, data: np.ndarray, resamples: int, seed: int) -> np.ndarray:
        """Index of every construct in ``resamples`` bootstrap samples of ``data`` (B × J).

        Notes
        -----
        With fixed weights a construct's index is the rescaled mean of the respondents' block
        scores ``s_r = Σ_{k∈j} w̃_k x_rk``. Drawing n respondents with replacement gives the
        K distinct scores ``u`` multinomial counts ``M ~ Mult(n, f / n)`` (``f`` their
        frequencies), so ``I* = 100 · (M·u / n − min) / (max − min)`` has exactly the bootstrap
        distribution of the construct's index, at a cost of O(K) instead of O(n) per resample
        (K is small for rating scales). Constructs are drawn one by one: only each construct's
        own distribution is used.
        """
        rng = np.random.default_rng(seed)
        low, high = self.scale
        block_scores = data @ (self.weights[:, None] * self.model.membership)
        draws = np.empty((resamples, block_scores.shape[1]))
        for j, column in enumerate(block_scores.T):
            values, counts = np.unique(column, return_counts=True)
            resampled = rng.multinomial(column.size, counts / counts.sum(), size=resamples)
            draws[:, j] = resampled @ values / column.size
        return 100 * (draws - low) / (high - low)


def index_difference(
    basis: IndexBasis, first: np.ndarray, second: np.ndarray, resamples: int, seed: int
) -> pd.DataFrame:
    """Index of every construct in two independent groups with the same weights, and the
    bootstrap interval and test of the difference.

    Parameters
    ----------
    basis : IndexBasis
        Model, weights and scale.
    first, second : ndarray, shape (n₁, p), (n₂, p)
        Complete CSI ratings of the two groups (current and previous period, or a segment and
        the rest).
    resamples : int
        Bootstrap resamples B of each group (0: no interval or test).
    seed : int
        Seed; the two groups get independent streams derived from it.

    Returns
    -------
    DataFrame
        Per construct: ``construct``, ``current`` (first group), ``previous`` (second),
        ``difference``, ``std_error``, ``ci_low``, ``ci_high``, ``statistic`` (t), ``df``
        (B − 1) and ``p_value``.

    Notes
    -----
    ``I_g = 100 · (Σ w̃_k x̄_gk − min) / (max − min)`` per construct; Δ = I₁ − I₂. Each group's
    respondents are resampled with replacement B times (independent samples;
    :meth:`IndexBasis.resampled`), giving
    Δ*_b = I₁*_b − I₂*_b; SE = sd(Δ*), 95% percentile interval, t = Δ / SE and a two-sided
    p-value on B − 1 df (:func:`csi_cli.methods.index.summarize`). The weights are held fixed,
    so the interval covers sampling of respondents, not re-estimation of the weights.

    References
    ----------
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*, §3.2
    (two-sample problems). Fornell, C. et al. (1996). The American Customer Satisfaction Index.
    *J. Marketing* 60(4), 7–18.
    """
    current, previous = basis.scores(first.mean(axis=0)), basis.scores(second.mean(axis=0))
    difference = current - previous
    draws = None
    if resamples > 0:
        seeds = [int(s) for s in np.random.SeedSequence(seed).generate_state(2)]
        draws = basis.resampled(first, resamples, seeds[0]) - basis.resampled(
            second, resamples, seeds[1]
        )
    summary = summarize(difference, draws)
    return pd.DataFrame(
        {
            "construct": basis.model.constructs,
            "current": current,
            "previous": previous,
            "difference": difference,
            "std_error": summary["std_error"],
            "ci_low": summary["ci_low"],
            "ci_high": summary["ci_high"],
            "statistic": summary["t"],
            "df": float(resamples - 1) if resamples > 1 else np.nan,
            "p_value": summary["p_value"],
        }
    )
