"""The PLS bootstrap: respondents (or, for large samples, random groups of respondents)
resampled with replacement, every resample's moments built with batched matrix products and
all resamples iterated together by :func:`csi_cli.methods.pls.fit_batch`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csi_cli.methods.pls import (
    DEFAULT_OPTIONS,
    Moments,
    PathModel,
    PlsEstimates,
    PlsOptions,
    estimate,
    iterate_weights,
    working_matrix,
)

RESAMPLE_CELLS = 4_000_000  # resamples × respondents held in memory at once
MAX_UNITS = 5_000  # above this many respondents the bootstrap resamples random groups


def draw_counts(rng: np.random.Generator, resamples: int, n: int) -> np.ndarray:
    """Bootstrap counts (resamples × n, float64): how often each unit is drawn, with
    replacement. Float, so the moment products run in BLAS."""
    drawn = rng.integers(0, n, size=(resamples, n))
    offsets = (np.arange(resamples) * n)[:, None]
    counts = np.bincount((drawn + offsets).ravel(), minlength=resamples * n)
    return counts.reshape(resamples, n).astype(float)


@dataclass(frozen=True)
class ResamplingUnits:
    """What the bootstrap draws: respondents, or, for large samples, random groups of them.

    Attributes
    ----------
    centre : ndarray (p,)
        Full-sample item means.
    sizes : ndarray (G,)
        Respondents in each unit (all 1 when the units are the respondents).
    first : ndarray (G, p)
        Each unit's sum of centred rows.
    second : ndarray (G, p(p+1)/2)
        Each unit's sum of centred cross-products (upper triangle, row-major).
    """

    centre: np.ndarray
    sizes: np.ndarray
    first: np.ndarray
    second: np.ndarray

    @property
    def count(self) -> int:
        """Number of units G."""
        return int(self.sizes.size)


def resampling_units(
    data: np.ndarray, rng: np.random.Generator, max_units: int | None = None
) -> ResamplingUnits:
    """Summarise complete data (n × p) into at most ``max_units`` (default ``MAX_UNITS``)
    resampling units.

    Notes
    -----
    With ``n ≤ max_units`` every respondent is a unit and the bootstrap is the ordinary
    respondent bootstrap. Above, respondents are shuffled (with ``rng``) into ``max_units``
    random groups of nearly equal size and the groups are resampled with replacement: the
    bootstrap of iid "super-observations" whose sums are the group sums. Because the groups are
    random, group sums are iid with mean ``m·μ`` and covariance ``m·Σ`` (``m = n/G``), so the
    resampled moments have the same first two moments as under respondent resampling, to
    O(1/G); with G = 5,000 the percentile intervals are those of the respondent bootstrap
    within Monte Carlo error (tests/test_pls.py checks the standard errors), while a resample
    costs O(G p²) instead of O(n p²). This is the blocking idea of the bag of little bootstraps
    (Kleiner, Talwalkar, Sarkar & Jordan 2014, *JRSS B* 76(4)) applied to the sufficient
    statistics of PLS, which depend on the data only through first and second moments.
    """
    n, p = data.shape
    max_units = max_units or MAX_UNITS
    centre = data.mean(axis=0)
    upper = np.triu_indices(p)
    if n <= max_units:
        centred = data - centre
        return ResamplingUnits(
            centre, np.ones(n), centred, centred[:, upper[0]] * centred[:, upper[1]]
        )
    quota, extra = divmod(n, max_units)
    shuffled = data[rng.permutation(n)] - centre
    groups = shuffled[: max_units * quota].reshape(max_units, quota, p)
    first = groups.sum(axis=1)
    cross = np.matmul(groups.transpose(0, 2, 1), groups)
    leftover = shuffled[max_units * quota :]  # one more respondent for each of the first groups
    first[:extra] += leftover
    cross[:extra] += leftover[:, :, None] * leftover[:, None, :]
    sizes = np.full(max_units, float(quota))
    sizes[:extra] += 1
    second = cross[:, upper[0], upper[1]]
    return ResamplingUnits(centre, sizes, first, second)


def unit_moments(units: ResamplingUnits, counts: np.ndarray) -> Moments:
    """Moments of the resamples that draw each unit ``counts[b, g]`` times.

    Notes
    -----
    ``m_b = c_b · sizes``, ``d_b = c_b F / m_b``, ``mean_b = x̄ + d_b`` and
    ``cov_b = c_b S / m_b − d_b d_b'`` with F, S the units' sums of centred rows and
    cross-products: two matrix products for all resamples.
    """
    total = counts @ units.sizes
    shift = (counts @ units.first) / total[:, None]
    second = (counts @ units.second) / total[:, None]
    p = units.first.shape[1]
    upper = np.triu_indices(p)
    cov = np.zeros((counts.shape[0], p, p))
    cov[:, upper[0], upper[1]] = second
    cov[:, upper[1], upper[0]] = second
    cov -= shift[:, :, None] * shift[:, None, :]
    return Moments(n=round(float(units.sizes.sum())), mean=units.centre + shift, cov=cov)


def resample_batches(resamples: int, n: int) -> list[int]:
    """Sizes of the batches that keep ``batch × n`` counts within memory bounds."""
    size = max(1, min(resamples, RESAMPLE_CELLS // max(n, 1)))
    return [min(size, resamples - start) for start in range(0, resamples, size)]


@dataclass(frozen=True)
class Bootstrap:
    """Estimates of every resample that converged, sign-corrected per construct.

    Attributes
    ----------
    estimates : PlsEstimates
        Batched estimates (leading axis: resamples).
    stats : Moments
        The resamples' means and covariances (same order).
    requested : int
        Resamples drawn; ``requested − len(estimates.weights)`` did not converge and were dropped.
    """

    estimates: PlsEstimates
    stats: Moments
    requested: int

    @property
    def used(self) -> int:
        """Resamples that converged."""
        return int(self.estimates.weights.shape[0])


def bootstrap(
    data: np.ndarray,
    model: PathModel,
    original: PlsEstimates,
    options: PlsOptions = DEFAULT_OPTIONS,
    resamples: int = 5000,
    seed: int = 1,
) -> Bootstrap:
    """Refit the model on ``resamples`` bootstrap samples of the respondents, in batches.

    Parameters
    ----------
    data : ndarray (n, p)
        Complete data in the order of ``model.items``.
    model, options
        As for :func:`fit`.
    original : PlsEstimates
        The full-sample fit: resample signs are aligned to it.
    resamples : int
        Number of bootstrap samples B.
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives identical draws.

    Notes
    -----
    Respondents are drawn with replacement (Davison & Hinkley 1997); above ``MAX_UNITS``
    respondents, random groups of respondents are (:func:`resampling_units`). Each resample's
    moments come from its count vector (:func:`unit_moments`) and all resamples iterate
    together.
    Construct-level sign correction (Tenenhaus et al. 2005, §4.1): when a resample's loadings
    of a block point against the original ones (negative inner product), the construct's
    weights are reversed before paths are computed. Resamples that do not converge are dropped
    and counted, as in seminr.

    References
    ----------
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
    Cambridge University Press. Hair, J. F. et al. (2022). *A Primer on PLS-SEM*, 3rd ed.
    """
    rng = np.random.default_rng(seed)
    units = resampling_units(data, rng)
    parts, stats_parts = [], []
    for size in resample_batches(resamples, units.count):
        stats = unit_moments(units, draw_counts(rng, size, units.count))
        matrix = working_matrix(stats, options.scaled)
        weights, iterations = iterate_weights(matrix, model, options)
        keep = iterations <= options.max_iter
        weights = _align_signs(matrix[keep], weights[keep], model, original)
        parts.append(estimate(matrix[keep], weights, model, iterations[keep]))
        stats_parts.append(Moments(stats.n, stats.mean[keep], stats.cov[keep]))
    estimates = PlsEstimates(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in PlsEstimates.__dataclass_fields__)
    )
    stats = Moments(
        data.shape[0],
        np.concatenate([s.mean for s in stats_parts]),
        np.concatenate([s.cov for s in stats_parts]),
    )
    return Bootstrap(estimates=estimates, stats=stats, requested=resamples)


def _align_signs(
    matrix: np.ndarray, weights: np.ndarray, model: PathModel, original: PlsEstimates
) -> np.ndarray:
    """Reverse constructs whose loadings point against the original fit's."""
    W = weights[..., :, None] * model.membership
    cross = (matrix @ W) / np.sqrt(np.diagonal(matrix, axis1=-2, axis2=-1))[..., :, None]
    agreement = ((cross * model.membership) * original.loadings[:, None]).sum(axis=-2)
    signs = np.where(agreement < 0, -1.0, 1.0)
    return weights * signs[..., model.item_block]


def percentile_interval(draws: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval over the first axis (R ``quantile`` type 7)."""
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail], axis=0)
    return low, high
