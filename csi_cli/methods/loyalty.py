"""Satisfaction × loyalty: Jones & Sasser quadrants, the loyalty curve, completely versus merely
satisfied, top boxes, Dick & Basu's attitude × patronage, and retention on satisfaction.

Satisfaction and loyalty enter as *levels*: the points of a rating scale (a CSI score on the
items' scale is rounded to the nearest point). Every function takes per-respondent arrays
(NaN = unknown) and returns frozen dataclasses or DataFrames.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from csi_cli.methods.customers import distinct

CONFIDENCE = 0.95
Z_95 = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
#: Jones & Sasser (1995) quadrants: (satisfied, loyal) → name.
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, True): "loyalist",
    (True, False): "mercenary",
    (False, True): "hostage",
    (False, False): "defector",
}
#: Dick & Basu (1994) cells: (high relative attitude, high repeat patronage) → name.
DICK_BASU: dict[tuple[bool, bool], str] = {
    (True, True): "true loyalty",
    (True, False): "latent loyalty",
    (False, True): "spurious loyalty",
    (False, False): "no loyalty",
}
#: Scales with at least this many points have a two-point top box (9–10 on 1–10 and 0–10).
WIDE_SCALE_POINTS = 10


# --- levels and boxes ------------------------------------------------------------------------


def to_levels(scores: np.ndarray, scale: tuple[float, float]) -> np.ndarray:
    """Scores on a rating scale as its points: rounded half up, clipped to the scale."""
    low, high = scale
    return np.clip(np.floor(np.asarray(scores, dtype=float) + 0.5), low, high)


def default_top_box(scale: tuple[float, float]) -> float:
    """The lowest level of the default top box ("completely satisfied", "loyal").

    Notes
    -----
    The scale's highest point (5 on 1–5: Jones & Sasser's "completely satisfied"); on scales of
    :data:`WIDE_SCALE_POINTS` or more points, the top two (9–10), as NPS counts promoters and
    10-point CSAT reports count their top box.
    """
    low, high = scale
    points = high - low + 1
    return high - 1 if points >= WIDE_SCALE_POINTS else high


def default_dissatisfied(scale: tuple[float, float]) -> float:
    """The highest level counted as dissatisfied by default: the points below the midpoint."""
    low, high = scale
    return float(np.ceil((low + high) / 2) - 1)


def wilson(count: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95% intervals of proportions (NaN where n = 0).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *J. American Statistical Association* 22(158), 209–212.
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = proportion_confint(count, n, alpha=1 - CONFIDENCE, method="wilson")
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def shares(
    counts: np.ndarray, names: list[str], column: str, total: int | None = None
) -> pd.DataFrame:
    """Counts of categories as ``column, n, share, ci_low, ci_high`` (Wilson intervals); the
    shares are of ``total`` (default: the sum of the counts)."""
    counts = np.asarray(counts)
    total = int(counts.sum()) if total is None else total
    low, high = wilson(counts, np.full(counts.shape, total))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = counts / np.float64(total)
    return pd.DataFrame(
        {column: names, "n": counts, "share": share, "ci_low": low, "ci_high": high}
    )


def box_shares(levels: np.ndarray, scale: tuple[float, float]) -> pd.DataFrame:
    """Top-box and top-two-box shares (the highest one and two scale points), Wilson CIs."""
    known = levels[~np.isnan(levels)]
    high = scale[1]
    counts = np.array([np.count_nonzero(known >= high), np.count_nonzero(known >= high - 1)])
    return shares(counts, ["top box", "top two box"], "box", total=known.size)


# --- quadrants -------------------------------------------------------------------------------


def quadrant_codes(satisfied: np.ndarray, loyal: np.ndarray) -> np.ndarray:
    """Quadrant of every respondent as an index into ``list(QUADRANTS)``; −1 when unknown.

    ``satisfied``/``loyal`` are 1.0, 0.0 or NaN.
    """
    known = ~(np.isnan(satisfied) | np.isnan(loyal))
    code = 2 * (1 - np.nan_to_num(satisfied)) + (1 - np.nan_to_num(loyal))
    return np.where(known, code, -1).astype(np.int64)


def quadrants(satisfied: np.ndarray, loyal: np.ndarray) -> pd.DataFrame:
    """Jones & Sasser quadrants: counts and shares with Wilson 95% CIs.

    Notes
    -----
    Satisfied (at or above the satisfaction threshold) and loyal (at or above the loyalty
    threshold): loyalist; satisfied, not loyal: mercenary; not satisfied, loyal: hostage;
    neither: defector. Respondents missing either rating are left out.

    References
    ----------
    Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. *Harvard Business
    Review* 73(6), 88–99.
    """
    return coded_shares(quadrant_codes(satisfied, loyal), list(QUADRANTS.values()), "quadrant")


def coded_shares(codes: np.ndarray, names: list[str], column: str) -> pd.DataFrame:
    """Shares of the categories ``0 .. len(names)−1`` among codes ≥ 0, Wilson CIs."""
    return shares(np.bincount(codes[codes >= 0], minlength=len(names)), names, column)


def quadrants_by(codes: np.ndarray, groups: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Quadrant shares (from :func:`quadrant_codes`) within each group ``0 .. len(names)−1``
    (long format, Wilson CIs); one ``bincount`` over group × quadrant."""
    quadrant_names = list(QUADRANTS.values())
    k = len(quadrant_names)
    keep = (codes >= 0) & (groups >= 0)
    counts = np.bincount(groups[keep] * k + codes[keep], minlength=len(names) * k)
    frames = [
        shares(counts[g * k : (g + 1) * k], quadrant_names, "quadrant").assign(group=name)
        for g, name in enumerate(names)
    ]
    if not frames:
        return pd.DataFrame(columns=["group", "quadrant", "n", "share", "ci_low", "ci_high"])
    frame = pd.concat(frames, ignore_index=True)
    return frame[["group", "quadrant", "n", "share", "ci_low", "ci_high"]]


# --- the loyalty curve -----------------------------------------------------------------------


def rate_by_level(levels: np.ndarray, outcome: np.ndarray, column: str) -> pd.DataFrame:
    """Share of ``outcome`` = 1 at every observed level, with Wilson 95% CIs.

    Returns ``level, n, <column>, ci_low, ci_high`` sorted by level (respondents missing
    either value are left out).
    """
    known = ~(np.isnan(levels) | np.isnan(outcome))
    observed, index = distinct(levels[known])
    n = np.bincount(index, minlength=observed.size)
    hits = np.bincount(index, outcome[known], minlength=observed.size)
    low, high = wilson(hits, n)
    return pd.DataFrame(
        {"level": observed, "n": n, column: hits / n, "ci_low": low, "ci_high": high}
    )


@dataclass(frozen=True)
class LoyaltyRatio:
    """Loyal share of completely satisfied over that of merely satisfied customers (95% CI)."""

    completely_n: int
    completely_loyal: int
    merely_n: int
    merely_loyal: int
    ratio: float
    ci_low: float
    ci_high: float


def loyalty_ratio(
    levels: np.ndarray, loyal: np.ndarray, top_box: float, width: float
) -> LoyaltyRatio:
    """How many times more often completely satisfied customers are loyal than merely
    satisfied ones.

    Parameters
    ----------
    levels : ndarray
        Satisfaction levels (scale points).
    loyal : ndarray
        1.0 loyal, 0.0 not, NaN unknown.
    top_box : float
        Lowest level of "completely satisfied"; "merely satisfied" are the ``width`` levels
        just below it (4 on 1–5 with top box 5; 7–8 on 1–10 with top box 9–10).
    width : float
        Number of levels in the top box.

    Notes
    -----
    Ratio of proportions ``RR = (a/n₁)/(c/n₂)`` with the Katz log interval
    ``exp(ln RR ± 1.96 sqrt(1/a − 1/n₁ + 1/c − 1/n₂))`` (Katz et al. 1978; Jones & Sasser 1995
    report the Xerox finding that completely satisfied customers were six times as likely to
    repurchase as satisfied ones).

    References
    ----------
    Katz, D., Baptista, J., Azen, S. P. & Pike, M. C. (1978). Obtaining confidence intervals
    for the risk ratio in cohort studies. *Biometrics* 34(3), 469–474.
    """
    known = ~(np.isnan(levels) | np.isnan(loyal))
    lv, ly = levels[known], loyal[known]
    completely = lv >= top_box
    merely = (lv >= top_box - width) & ~completely
    n1, n2 = np.float64(completely.sum()), np.float64(merely.sum())
    a, c = np.float64(ly[completely].sum()), np.float64(ly[merely].sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (a / n1) / (c / n2)
        se = np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
        low, high = ratio * np.exp(-Z_95 * se), ratio * np.exp(Z_95 * se)
    return LoyaltyRatio(int(n1), int(a), int(n2), int(c), float(ratio), float(low), float(high))


# --- Dick & Basu -----------------------------------------------------------------------------


def high_patronage(repeat: np.ndarray, minimum: float | None = None) -> np.ndarray:
    """1.0 where repeat behaviour is high, 0.0 low, NaN unknown.

    High is ``≥ minimum`` when given, else strictly above the median (a median split).
    """
    repeat = np.asarray(repeat, dtype=float)
    threshold = minimum
    with np.errstate(invalid="ignore"):
        if threshold is None:
            high = repeat > np.nanmedian(repeat) if np.isfinite(repeat).any() else repeat > 0
        else:
            high = repeat >= threshold
    return np.where(np.isnan(repeat), np.nan, high.astype(float))


def dick_basu(attitude: np.ndarray, patronage: np.ndarray) -> pd.DataFrame:
    """Dick & Basu's relative attitude × repeat patronage cells, shares with Wilson CIs.

    Notes
    -----
    High attitude (loyal) and high patronage: true loyalty; high attitude only: latent
    loyalty; high patronage only: spurious loyalty; neither: no loyalty.

    References
    ----------
    Dick, A. S. & Basu, K. (1994). Customer loyalty: toward an integrated conceptual
    framework. *J. Academy of Marketing Science* 22(2), 99–113.
    """
    codes = quadrant_codes(attitude, patronage)
    return coded_shares(codes, list(DICK_BASU.values()), "cell")


# --- retention -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    """Logistic regression of retention on satisfaction level."""

    n: int
    retained: int
    intercept: float
    slope: float
    slope_se: float
    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    marginal_effect: float
    marginal_ci_low: float
    marginal_ci_high: float
    curve: pd.DataFrame
    value_per_point: float = float("nan")
    value_per_point_ci_low: float = float("nan")
    value_per_point_ci_high: float = float("nan")
    warning: str = ""


def retention_model(
    satisfaction: np.ndarray, retained: np.ndarray, value: np.ndarray | None = None
) -> Retention:
    """Retention on satisfaction: logit, odds ratio per point, average marginal effect, curve.

    Parameters
    ----------
    satisfaction : ndarray
        Satisfaction on its scale (levels or scores; one unit = one scale point).
    retained : ndarray
        1.0 retained, 0.0 churned, NaN unknown.
    value : ndarray, optional
        Customer value: adds the value retained per satisfaction point.

    Notes
    -----
    ``logit P(retained) = β₀ + β₁ s`` by maximum likelihood; odds ratio ``exp(β₁)`` with the
    Wald interval ``exp(β₁ ± 1.96 SE)``; the average marginal effect
    ``AME = (1/n) Σ β₁ pᵢ (1 − pᵢ)`` with its delta-method CI (as statsmodels'
    ``get_margeff``). Value retained per point: ``Σ vᵢ β₁ pᵢ (1 − pᵢ)`` over the respondents
    with a value — the expected value kept if everyone's satisfaction rose by one point, to
    first order — with its delta-method CI. Respondents sharing a satisfaction score share
    pᵢ, so the model is fitted on the distinct scores as a binomial GLM (retained of trials;
    the same likelihood, estimates and standard errors as the per-respondent logit) and the
    sums run over distinct scores. The MLE is infinite when satisfaction separates retained
    from churned customers (Albert & Anderson 1984); the model then reports NaN and says so.
    The curve is the observed retention rate at every satisfaction level (Wilson CIs) beside
    the fitted probability.

    References
    ----------
    Hosmer, D. W., Lemeshow, S. & Sturdivant, R. X. (2013). *Applied Logistic Regression*,
    3rd ed. Wiley. Albert, A. & Anderson, J. A. (1984). On the existence of maximum likelihood
    estimates in logistic regression models. *Biometrika* 71(1), 1–10. Anderson, E. W. &
    Sullivan, M. W. (1993). The antecedents and consequences of customer satisfaction for
    firms. *Marketing Science* 12(2), 125–143.
    """
    s, y = np.asarray(satisfaction, dtype=float), np.asarray(retained, dtype=float)
    known = ~(np.isnan(s) | np.isnan(y))
    s, y = s[known], y[known]
    curve = rate_by_level(np.floor(s + 0.5), y, "retained_share")
    problem = _unfittable(s, y)
    if problem:
        nan = float("nan")
        return Retention(
            int(y.size),
            int(y.sum()),
            nan,
            nan,
            nan,
            nan,
            nan,
            nan,
            nan,
            nan,
            nan,
            nan,
            curve.assign(predicted=nan),
            warning=problem,
        )
    scores, inverse = distinct(s)
    trials = np.bincount(inverse, minlength=scores.size).astype(float)
    hits = np.bincount(inverse, y, minlength=scores.size)
    design = np.column_stack([np.ones_like(scores), scores])
    binomial = sm.families.Binomial()
    fitted = sm.GLM(np.column_stack([hits, trials - hits]), design, family=binomial).fit()
    b0, b1 = fitted.params
    se = float(fitted.bse[1])
    ame = _slope_sum(fitted, scores, trials / y.size)
    curve["predicted"] = 1 / (1 + np.exp(-(b0 + b1 * curve["level"].to_numpy())))
    per_point = (np.nan, np.nan, np.nan)
    if value is not None:
        held = np.asarray(value, dtype=float)[known]
        totals = np.bincount(inverse, np.nan_to_num(held), minlength=scores.size)
        per_point = _slope_sum(fitted, scores, totals)
    return Retention(
        n=int(y.size),
        retained=int(y.sum()),
        intercept=float(b0),
        slope=float(b1),
        slope_se=se,
        odds_ratio=float(np.exp(b1)),
        ci_low=float(np.exp(b1 - Z_95 * se)),
        ci_high=float(np.exp(b1 + Z_95 * se)),
        p_value=float(fitted.pvalues[1]),
        marginal_effect=ame[0],
        marginal_ci_low=ame[1],
        marginal_ci_high=ame[2],
        curve=curve,
        value_per_point=per_point[0],
        value_per_point_ci_low=per_point[1],
        value_per_point_ci_high=per_point[2],
    )


def _unfittable(s: np.ndarray, y: np.ndarray) -> str:
    """Why the logit cannot be fitted ("" when it can)."""
    if y.size < 10 or np.ptp(s) == 0 or y.min() == y.max():
        return (
            "Retention was not modelled: it needs at least 10 respondents with both answers, "
            "some retained and some churned, and more than one satisfaction level."
        )
    kept, lost = s[y == 1], s[y == 0]
    if kept.min() >= lost.max() or lost.min() >= kept.max():
        return (
            "Retention was not modelled: satisfaction separates retained from churned "
            "customers completely, so the odds ratio is infinite."
        )
    return ""


def _slope_sum(fitted, scores: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    """``Σₖ wₖ β₁ pₖ(1 − pₖ)`` over distinct scores and its delta-method 95% CI."""
    b0, b1 = fitted.params
    p = 1 / (1 + np.exp(-(b0 + b1 * scores)))
    slope = p * (1 - p)
    curvature = slope * (1 - 2 * p)
    estimate = float(b1 * (weights @ slope))
    gradient = np.array(
        [b1 * (weights @ curvature), weights @ slope + b1 * (weights @ (curvature * scores))]
    )
    se = float(np.sqrt(gradient @ fitted.cov_params() @ gradient))
    return estimate, estimate - Z_95 * se, estimate + Z_95 * se
