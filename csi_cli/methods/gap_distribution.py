"""The distribution of paired gaps P − E: moments, disconfirmation shares and Wilcoxon
signed-rank p-values, from counts of distinct values when gaps are integers (ratings), by
sorting otherwise. The kernel of :mod:`csi_cli.methods.gap`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Above this many pairs scipy's ``wilcoxon(method="auto")`` uses the normal approximation.
EXACT_WILCOXON_MAX_N = 50
#: "Exceeding by 20% or more": perception at least this multiple of expectation.
DELIGHT_RATIO = 1.2
#: Most histogram bins (columns × denominators × numerators) for counting distinct gaps; wider
#: integer ranges, and non-integer gaps, are ranked by sorting instead.
MAX_COUNTING_BINS = 1 << 20


@dataclass(frozen=True)
class Spread:
    """Per column, what the paired t test, the Wilcoxon test and the shares need of the gaps."""

    n: np.ndarray  # answered pairs
    total: np.ndarray  # Σ G
    squares: np.ndarray  # Σ (G − Ḡ)²
    below: np.ndarray  # count of G < 0
    exceeding: np.ndarray  # count of G > 0
    p_wilcoxon: np.ndarray


class PairCounts:
    """Counts of each distinct (numerator, denominator) per column, added block by block.

    A respondent's gap in a column is G = numerator / denominator (denominator 0: no gap).
    Items have numerator P − E (0 where a rating is missing) and denominator 1 where both
    ratings are there; a dimension has Σ(P − E) over the items answered and their number.
    With integer-valued numerators and denominators the distinct pairs are few and one
    ``np.bincount`` per block counts them; :attr:`countable` turns False at the first block
    that is not (non-integer values or too wide a range), and the caller falls back to
    :func:`spread_from_values`.
    """

    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.countable = True
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(
        self,
        numerator: np.ndarray,
        denominator: np.ndarray | None = None,
        unanswered: np.ndarray | None = None,
    ) -> None:
        """Count a block (columns × respondents) of finite numerators and denominators ≥ 0.

        Without ``denominator`` every denominator is 1, except for ``unanswered`` respondents
        per column, whose numerator must be 0 (items: P − E with 0 where a rating is missing).
        """
        if not self.countable or numerator.size == 0:
            return
        part = distinct_pairs(numerator, denominator)
        if part is None:
            self.countable = False
            self._parts.clear()
            return
        if denominator is None and unanswered is not None:
            column, values, _, count = part
            zero = values == 0  # at most one bin per column; there whenever unanswered > 0
            count[zero] -= unanswered[column[zero]]
        self._parts.append(part)

    def spread(self) -> Spread:
        """Moments, shares and Wilcoxon p-values of every column from the counts."""
        k = self.columns
        empty = [np.zeros(0, dtype=np.intp)] * 4
        column, numerator, denominator, count = (
            [np.concatenate(x) for x in zip(*self._parts, strict=True)] if self._parts else empty
        )
        keep = (denominator > 0) & (count > 0)
        column, count = column[keep], count[keep].astype(float)
        # Exact integers: equal ratios give identical (correctly rounded) floats, so ties stay
        # ties, and distinct ratios stay distinct (see distinct_pairs).
        value = numerator[keep].astype(float) / denominator[keep]
        n = np.bincount(column, weights=count, minlength=k)
        total = np.bincount(column, weights=count * value, minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / n
        deviation = value - mean[column]
        return Spread(
            n=n.astype(np.int64),
            total=total,
            squares=np.bincount(column, weights=count * deviation * deviation, minlength=k),
            below=np.bincount(column, weights=count * (value < 0), minlength=k),
            exceeding=np.bincount(column, weights=count * (value > 0), minlength=k),
            p_wilcoxon=np.array(
                [signed_rank_pvalue(value[column == j], count[column == j]) for j in range(k)]
            ),
        )


def distinct_pairs(
    numerator: np.ndarray, denominator: np.ndarray | None
) -> tuple[np.ndarray, ...] | None:
    """(column, numerator, denominator, count) of each distinct pair per row, or None.

    ``denominator`` None means 1 everywhere. None is returned when a value is not an integer,
    exceeds 2³¹ in size, or the bins (rows × denominators × numerators) would exceed
    :data:`MAX_COUNTING_BINS`; the last keeps |numerator| · denominator² well below 2⁵², so
    that distinct ratios are distinct floats.
    """
    k = numerator.shape[0]
    low, high = numerator.min(), numerator.max()
    top = 1.0 if denominator is None else denominator.max()
    if not (-(2.0**31) <= low <= high <= 2.0**31 and 0 <= top <= 2.0**31):  # False for NaN
        return None
    width, depth = int(high) - int(low) + 1, int(top) + 1
    if k * width * depth > MAX_COUNTING_BINS:
        return None
    key = numerator.astype(np.intp)
    if not (key == numerator).all():
        return None
    if denominator is not None:
        denominators = denominator.astype(np.intp)
        if not (denominators == denominator).all():
            return None
        denominators *= width
        key += denominators
    # key = (row · depth + denominator) · width + numerator − low
    offsets = np.arange(k) * (width * depth) - int(low) + (width if denominator is None else 0)
    key += offsets[:, None]
    histogram = np.bincount(key.ravel(), minlength=k * width * depth)
    bins = np.flatnonzero(histogram)
    column, rest = np.divmod(bins, width * depth)
    denominators, numerators = np.divmod(rest, width)
    return column, numerators + int(low), denominators, histogram[bins]


def spread_from_values(g: np.ndarray) -> Spread:
    """The :class:`Spread` of gaps given as values (columns × respondents, NaN: no gap).

    The exact fallback for non-integer gaps: two-pass moments, and Wilcoxon ranks of the
    sorted distinct values (``np.unique``) of each column.
    """
    answered = g == g  # False where NaN
    n = np.count_nonzero(answered, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(answered, g, 0.0).sum(axis=1)
        centred = np.where(answered, g - (total / n)[:, None], 0.0)
    p_wilcoxon = [
        signed_rank_pvalue(*np.unique(row[ok], return_counts=True))
        for row, ok in zip(g, answered, strict=True)
    ]
    return Spread(
        n=n,
        total=total,
        squares=np.einsum("ij,ij->i", centred, centred),
        below=np.count_nonzero(g < 0, axis=1),
        exceeding=np.count_nonzero(g > 0, axis=1),
        p_wilcoxon=np.array(p_wilcoxon, dtype=float),
    )


def signed_rank_pvalues(differences: np.ndarray) -> np.ndarray:
    """Two-sided p-values of the Wilcoxon signed-rank test for each column of differences.

    Parameters
    ----------
    differences : ndarray, shape (n, k)
        Paired differences (NaN where a pair is incomplete).

    Returns
    -------
    ndarray, shape (k,)
        The p-value of ``scipy.stats.wilcoxon`` with its defaults (zeros dropped, no continuity
        correction, ``method="auto"``); NaN for a column without a non-zero difference.

    Notes
    -----
    With more than 50 pairs scipy uses the normal approximation, computed here from the counts
    of each distinct |d| (zeros dropped): R⁺ = Σ_{d>0} rank(|d|) with average ranks for ties,
    z = (R⁺ − m(m+1)/4) / sqrt((m(m+1)(2m+1) − Σ(t³ − t)/2) / 24), m the number of non-zero
    differences and t the tie sizes, p = 2Φ(−|z|). Integer-valued differences (ratings) are
    counted with ``np.bincount`` over their few distinct values, which gives the tie sizes and
    exact average ranks without sorting; other differences are sorted (``np.unique``). Columns
    with ≤ 50 pairs go to scipy itself (exact or permutation distribution).

    References
    ----------
    Wilcoxon, F. (1945). Individual comparisons by ranking methods. *Biometrics Bulletin* 1(6).
    Hollander, M., Wolfe, D. A., & Chicken, E. (2014). *Nonparametric Statistical Methods*,
    3rd ed., §3.1 (ties and zeros).
    """
    d = np.asarray(differences, dtype=float).T
    answered = d == d  # False where NaN
    counts = PairCounts(d.shape[0])
    counts.add(np.where(answered, d, 0.0), unanswered=d.shape[1] - answered.sum(axis=1))
    return (counts.spread() if counts.countable else spread_from_values(d)).p_wilcoxon


def signed_rank_pvalue(values: np.ndarray, counts: np.ndarray) -> float:
    """Wilcoxon p-value of a sample given as values (zeros included) with their counts."""
    nonzero = values != 0
    if not np.any(nonzero & (counts > 0)):
        return np.nan
    if counts.sum() <= EXACT_WILCOXON_MAX_N:
        return float(stats.wilcoxon(np.repeat(values, counts.astype(np.intp))).pvalue)
    values, counts = values[nonzero], counts[nonzero]
    magnitudes, level = np.unique(np.abs(values), return_inverse=True)
    ties = np.bincount(level, weights=counts, minlength=magnitudes.size)
    positives = np.bincount(level, weights=counts * (values > 0), minlength=magnitudes.size)
    average_rank = np.cumsum(ties) - (ties - 1) / 2
    m = ties.sum()
    rank_sum = positives @ average_rank
    variance = (m * (m + 1) * (2 * m + 1) - np.sum(ties**3 - ties) / 2) / 24
    z = (rank_sum - m * (m + 1) / 4) / np.sqrt(variance)
    return float(2 * stats.norm.sf(abs(z)))
