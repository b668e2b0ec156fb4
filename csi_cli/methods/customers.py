"""Customer value: the customer pyramid, concentration (Lorenz, Gini, top-20% share), value at
risk, and satisfaction, loyalty and NPS per tier.

Every function takes per-respondent arrays (NaN = unknown) and returns numbers, frozen
dataclasses or DataFrames; nothing here reads a survey, prints or rounds. Tiers are integer
codes ``0 .. k−1`` (0 = the top tier) with ``-1`` for a respondent without a tier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from csi_cli.methods.nps import nps_summary

CONFIDENCE = 0.95
Z_95 = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))

#: Tier names of a pyramid computed from value, top first (Zeithaml, Rust & Lemon 2001).
PYRAMID_TIERS: tuple[str, ...] = ("platinum", "gold", "iron", "lead")
#: Default upper bounds of the cumulative customer share of each tier but the last, top first:
#: platinum = the top 20% of customers by value, gold the next 30%, iron the next 30%, lead the
#: bottom 20%. Zeithaml, Rust & Lemon (2001) define the four tiers by profitability and give no
#: fixed shares; the 20% top tier is the 80/20 (Pareto) reading common in the practitioner
#: literature; 20/30/30/20 keeps every tier large enough for a survey-sized CI. Curry's pyramid
#: (top 1%, big 4%, medium 15%, small 80%) is ``tier_cuts = [0.01, 0.05, 0.20]``.
DEFAULT_TIER_CUTS: tuple[float, ...] = (0.20, 0.50, 0.80)
#: Share of customers whose value share is the 80/20 check.
TOP_SHARE = 0.20
#: Points of the Lorenz curve reported (every 5% of customers).
LORENZ_POINTS = 21
#: Whole numbers spanning fewer than this many values are ranked by counting, not sorting.
DISTINCT_BY_COUNTING = 100_000


# --- tiers -----------------------------------------------------------------------------------


def value_tiers(value: np.ndarray, cuts: Sequence[float] = DEFAULT_TIER_CUTS) -> np.ndarray:
    """Tier code of every customer from value: 0 for the top tier, ``len(cuts)`` for the last.

    Parameters
    ----------
    value : ndarray
        Customer value (spend, revenue, profit); NaN = unknown (tier −1).
    cuts : sequence of float
        Increasing cumulative customer shares (0, 1) closing each tier but the last, top first.

    Notes
    -----
    Customers are ranked by value, highest first. With ``a_i`` the share of customers whose
    value is strictly greater than customer i's, the tier is the number of cuts ``c`` with
    ``c ≤ a_i``: tier 0 holds the top ``ceil(c₁ n)`` customers, and so on. Equal values always
    share a tier, so the tiers do not depend on row order.

    References
    ----------
    Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The customer pyramid: creating and
    serving profitable customers. *California Management Review* 43(4), 118–142.
    """
    value = np.asarray(value, dtype=float)
    known = np.flatnonzero(~np.isnan(value))
    codes = np.full(value.size, -1, dtype=np.int64)
    if known.size == 0:
        return codes
    order = known[np.argsort(value[known])]
    ordered = value[order]
    ends = np.flatnonzero(np.append(ordered[1:] != ordered[:-1], True)) + 1
    above = (ordered.size - np.repeat(ends, np.diff(ends, prepend=0))) / ordered.size
    codes[order] = np.searchsorted(np.asarray(cuts, dtype=float), above, side="right")
    return codes


def label_tiers(labels: Sequence[object], order: Sequence[str]) -> np.ndarray:
    """Tier code of every customer from a tier column: the label's position in ``order``.

    Labels not in ``order`` and blanks (None/NaN) get −1; the caller checks for unknown labels
    before (they are input errors, not missing answers).
    """
    position = {name: code for code, name in enumerate(order)}
    codes = pd.Series(labels, dtype=object).map(position)
    return codes.fillna(-1).to_numpy(dtype=np.int64)


# --- concentration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Concentration:
    """How concentrated value is: the Lorenz curve, the Gini coefficient, the top 20% share."""

    n: int
    gini: float
    top_share: float
    lorenz: pd.DataFrame  # columns: customers (share, ascending by value), value (share)


def lorenz_curve(value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Lorenz curve: cumulative share of customers (ascending value) and of value.

    Notes
    -----
    With values sorted ascending ``x₍₁₎ ≤ … ≤ x₍ₙ₎``: the points ``(i/n, Σ_{j≤i} x₍ⱼ₎ / Σ x)``
    for i = 0..n (Lorenz 1905). Needs non-negative values with a positive total.

    References
    ----------
    Lorenz, M. O. (1905). Methods of measuring the concentration of wealth. *Publications of
    the American Statistical Association* 9(70), 209–219.
    """
    ordered = np.sort(np.asarray(value, dtype=float))
    cumulative = np.concatenate([[0.0], np.cumsum(ordered)])
    return np.arange(ordered.size + 1) / ordered.size, cumulative / cumulative[-1]


def gini(value: np.ndarray) -> float:
    """Gini coefficient of non-negative values.

    Notes
    -----
    ``G = Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σ x)`` with values sorted ascending and i = 1..n — twice the
    area between the diagonal and the Lorenz curve, equal to the mean absolute difference over
    twice the mean, ``Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄)`` (Gini 1912; Damgaard & Weiner 2000).

    References
    ----------
    Gini, C. (1912). *Variabilità e mutabilità*. Bologna: Cuppini.
    Damgaard, C. & Weiner, J. (2000). Describing inequality in plant size or fecundity.
    *Ecology* 81(4), 1139–1142.
    """
    ordered = np.sort(np.asarray(value, dtype=float))
    n = ordered.size
    rank_weights = 2 * np.arange(1, n + 1) - n - 1
    return float(rank_weights @ ordered / (n * ordered.sum()))


def concentration(value: np.ndarray, points: int = LORENZ_POINTS) -> Concentration:
    """Lorenz curve (at ``points`` evenly spaced customer shares), Gini and top-20% share.

    The top-20% share is ``1 − L(0.8)``, with the Lorenz curve L interpolated linearly
    between customers (so it is defined for any n).
    """
    known = np.asarray(value, dtype=float)
    known = known[~np.isnan(known)]
    customers, held = lorenz_curve(known)
    grid = np.linspace(0.0, 1.0, points)
    curve = pd.DataFrame({"customers": grid, "value": np.interp(grid, customers, held)})
    return Concentration(
        n=int(known.size),
        gini=gini(known),
        top_share=float(1 - np.interp(1 - TOP_SHARE, customers, held)),
        lorenz=curve,
    )


# --- value at risk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueAtRisk:
    """Value held by the customers at risk, its share of all value, and the 95% CI.

    ``value``, ``ci_low``, ``ci_high`` are in the value column's units; ``share`` and its CI
    are shares (0–1) of the total value of the ``n`` customers counted.
    """

    n: int
    at_risk: int
    total: float
    value: float
    share: float
    share_se: float
    share_ci_low: float
    share_ci_high: float

    @property
    def ci_low(self) -> float:
        """Lower 95% bound of the value at risk (total × lower bound of the share)."""
        return self.total * self.share_ci_low

    @property
    def ci_high(self) -> float:
        """Upper 95% bound of the value at risk (total × upper bound of the share)."""
        return self.total * self.share_ci_high


def value_at_risk(value: np.ndarray, at_risk: np.ndarray) -> ValueAtRisk:
    """Share of value held by customers at risk (dissatisfied, detractors), with a 95% CI.

    Parameters
    ----------
    value : ndarray
        Customer value; respondents with NaN value or NaN ``at_risk`` are left out.
    at_risk : ndarray of float
        1.0 at risk, 0.0 not, NaN unknown.

    Notes
    -----
    The share is a ratio of two sample totals, ``R = Σ vᵢ dᵢ / Σ vᵢ``. Its analytic
    (linearization) standard error is ``SE(R) = sqrt(Σ (vᵢ dᵢ − R vᵢ)² / (n (n − 1))) / v̄``
    (Cochran 1977, §6.4, the variance of a ratio estimate); the 95% CI is R ± 1.96 SE clipped
    to [0, 1]. The value at risk and its CI are the total value of the counted customers times
    R and its bounds (the total is known from the CRM; the uncertainty is in who is at risk).

    References
    ----------
    Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. Wiley, ch. 6.
    """
    value = np.asarray(value, dtype=float)
    risk = np.asarray(at_risk, dtype=float)
    known = ~(np.isnan(value) | np.isnan(risk))
    v, d = value[known], risk[known]
    n = v.size
    total = float(v.sum())
    held = float(v @ d)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.float64(held) / total
        residual = v * d - share * v
        se = np.sqrt(residual @ residual / (n * (n - 1.0))) / (total / n)
    low, high = np.clip([share - Z_95 * se, share + Z_95 * se], 0.0, 1.0)
    return ValueAtRisk(
        n=n,
        at_risk=int(d.sum()),
        total=total,
        value=held,
        share=float(share),
        share_se=float(se),
        share_ci_low=float(low),
        share_ci_high=float(high),
    )


# --- per tier --------------------------------------------------------------------------------


def group_means(scores: np.ndarray, codes: np.ndarray, groups: int) -> pd.DataFrame:
    """Mean, n and 95% t interval of ``scores`` in each group ``0 .. groups−1`` (NaN skipped).

    Notes
    -----
    ``x̄ ± t₀.₉₇₅,ₙ₋₁ · s / √n`` per group, from one pass of ``bincount`` sums and sums of
    squares (s with divisor n − 1).
    """
    scores = np.asarray(scores, dtype=float)
    keep = (codes >= 0) & ~np.isnan(scores)
    x, g = scores[keep], codes[keep]
    n = np.bincount(g, minlength=groups).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(g, x, minlength=groups) / n
        squares = np.bincount(g, (x - mean[g]) ** 2, minlength=groups)
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * np.sqrt(squares / (n - 1) / n)
    return pd.DataFrame(
        {"n": n.astype(int), "mean": mean, "ci_low": mean - half, "ci_high": mean + half}
    )


def distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and each value's index among them (``np.unique`` with
    ``return_inverse``); whole numbers over a short range — rating levels — are counted
    instead of sorted."""
    if values.size and np.ptp(values) < DISTINCT_BY_COUNTING and (values % 1 == 0).all():
        low = values.min()
        offsets = (values - low).astype(np.int64)
        present = np.bincount(offsets) > 0
        return np.flatnonzero(present) + low, (np.cumsum(present) - 1)[offsets]
    return np.unique(values, return_inverse=True)


def kruskal_test(scores: np.ndarray, codes: np.ndarray) -> dict[str, float]:
    """Kruskal–Wallis H test that the score distribution is the same in every group.

    Notes
    -----
    Rank-based (ratings are ordinal and skewed). With N scores, mid-ranks for ties, ``Rₘ``
    the rank sum and ``nₘ`` the size of group m:
    ``H = [12 / (N (N + 1)) Σ Rₘ² / nₘ − 3 (N + 1)] / [1 − Σ (t³ − t) / (N³ − N)]``
    (t: the size of each group of tied scores), referred to χ² with (groups − 1) df — what
    ``scipy.stats.kruskal`` computes, with the ranks counted from the distinct scores.
    Groups with no scores are left out; fewer than two groups, or no variation, give NaN.

    References
    ----------
    Kruskal, W. H. & Wallis, W. A. (1952). Use of ranks in one-criterion variance analysis.
    *J. American Statistical Association* 47(260), 583–621.
    """
    scores = np.asarray(scores, dtype=float)
    keep = (codes >= 0) & ~np.isnan(scores)
    x, g = scores[keep], codes[keep]
    sizes = np.bincount(g) if g.size else np.zeros(0, dtype=np.int64)
    present = sizes > 0
    if present.sum() < 2 or np.ptp(x) == 0:
        return {"statistic": np.nan, "df": np.nan, "p_value": np.nan, "test": "kruskal-wallis"}
    _, inverse = distinct(x)
    ties = np.bincount(inverse).astype(float)
    ranks = (np.cumsum(ties) - (ties - 1) / 2)[inverse]
    n = float(x.size)
    rank_sums = np.bincount(g, ranks)[present]
    h = 12 / (n * (n + 1)) * (rank_sums**2 / sizes[present]).sum() - 3 * (n + 1)
    h /= 1 - (ties**3 - ties).sum() / (n**3 - n)
    df = int(present.sum()) - 1
    return {
        "statistic": float(h),
        "df": df,
        "p_value": float(stats.chi2.sf(h, df)),
        "test": "kruskal-wallis",
    }


@dataclass(frozen=True)
class TierInputs:
    """Per-respondent inputs of :func:`tier_table` (NaN = unknown; None = not available)."""

    codes: np.ndarray
    names: tuple[str, ...]
    value: np.ndarray | None = None
    satisfaction: np.ndarray | None = None
    loyalty: np.ndarray | None = None
    recommend: np.ndarray | None = None
    dissatisfied: np.ndarray | None = None
    detractor: np.ndarray | None = None


def tier_table(inputs: TierInputs, seed: int = 1) -> pd.DataFrame:
    """One row per tier: customers and value with their shares, satisfaction, loyalty and NPS
    with 95% CIs, and the value held by dissatisfied customers and by detractors.

    Satisfaction and loyalty are means of 0–100 respondent scores with t intervals (a tier's
    mean CSI score is its CSI with pooled weights); NPS per tier is
    :func:`csi_cli.methods.nps.nps_summary`.
    """
    codes, k = inputs.codes, len(inputs.names)
    n = np.bincount(codes[codes >= 0], minlength=k)
    frame = pd.DataFrame({"tier": list(inputs.names), "n": n, "share_customers": n / n.sum()})
    if inputs.value is not None:
        frame = frame.join(_tier_value(inputs, k))
    for name, scores in (("satisfaction", inputs.satisfaction), ("loyalty", inputs.loyalty)):
        if scores is not None:
            means = group_means(scores, codes, k)
            frame[name] = means["mean"]
            frame[f"{name}_ci_low"] = means["ci_low"]
            frame[f"{name}_ci_high"] = means["ci_high"]
    if inputs.recommend is not None:
        summaries = [nps_summary(inputs.recommend[codes == g], seed) for g in range(k)]
        frame["nps"] = [s.nps for s in summaries]
        frame["nps_ci_low"] = [s.ci_low for s in summaries]
        frame["nps_ci_high"] = [s.ci_high for s in summaries]
    return frame


def _tier_value(inputs: TierInputs, k: int) -> pd.DataFrame:
    value, codes = np.asarray(inputs.value, dtype=float), inputs.codes
    known = (codes >= 0) & ~np.isnan(value)
    held = np.bincount(codes[known], value[known], minlength=k)
    counted = np.bincount(codes[known], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        columns = {"value": held, "share_value": held / held.sum(), "mean_value": held / counted}
    for name, risk in (
        ("value_at_risk", inputs.dissatisfied),
        ("value_at_risk_detractors", inputs.detractor),
    ):
        if risk is not None:
            counted_risk = known & ~np.isnan(risk)
            columns[name] = np.bincount(
                codes[counted_risk], value[counted_risk] * risk[counted_risk], minlength=k
            )
    return pd.DataFrame(columns)
