"""Net Promoter Score (Reichheld 2003): promoters, passives, detractors, NPS with SE and CI.

:func:`nps_summary` and :func:`nps_difference` are pure and reused by period comparisons.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

from csi_cli.options import DEFAULT_SEED
from csi_cli.results import plain

PROMOTER_MIN = 9
DETRACTOR_MAX = 6
CONFIDENCE = 0.95
Z_95 = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
#: Below this many answers the 95% CI is a percentile bootstrap instead of NPS ± 1.96 SE.
#: methods.md §4 asks for "bootstrap for small n" without a number; 100 is our convention
#: (the brief of this feature), where the normal approximation of the +1/0/−1 mean is rough
#: for shares near 0 or 1 (cf. Brown, Cai & DasGupta 2001 for the binomial case).
BOOTSTRAP_BELOW_N = 100
#: Bootstrap resamples for the small-n CI (cheap: one multinomial draw of three counts each).
NPS_RESAMPLES = 10_000


@dataclass(frozen=True)
class NpsSummary:
    """Counts of promoters (9–10), passives (7–8) and detractors (0–6), and the NPS."""

    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float
    se: float
    ci_low: float
    ci_high: float
    ci_method: str = "normal"  # "normal" (NPS ± 1.96 SE) or "bootstrap" (percentile)

    def to_dict(self) -> dict[str, Any]:
        """Counts, shares (0–1), NPS, SE, 95% CI and its method as JSON-safe values."""
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = {
                f"share_{group}": np.float64(getattr(self, group)) / self.n
                for group in ("promoters", "passives", "detractors")
            }
        return plain({**asdict(self), **shares})


@dataclass(frozen=True)
class NpsDifference:
    """The difference of two independent NPS values with its SE, 95% CI and z test."""

    difference: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        """All fields as JSON-safe values."""
        return plain(asdict(self))


def nps_summary(
    scores: np.ndarray,
    seed: int = DEFAULT_SEED,
    resamples: int = NPS_RESAMPLES,
    bootstrap_below: int = BOOTSTRAP_BELOW_N,
) -> NpsSummary:
    """Net Promoter Score of 0–10 likelihood-to-recommend ratings (NaN = not answered).

    Parameters
    ----------
    scores : ndarray
        Ratings on 0–10; NaN values are left out.
    seed : int
        Seed of the bootstrap (small n only); the same seed gives the same CI.
    resamples : int
        Bootstrap resamples.
    bootstrap_below : int
        Use the bootstrap CI when fewer answers than this (:data:`BOOTSTRAP_BELOW_N`).

    Returns
    -------
    NpsSummary
        ``ci_method`` says which CI was computed: "normal" or "bootstrap".

    Notes
    -----
    With p the share of promoters (score ≥ 9) and d the share of detractors (score ≤ 6) among
    the n answers: NPS = 100 (p − d); as the mean of a variable scored +1/0/−1 its standard
    error is SE = 100 · sqrt((p + d − (p − d)²) / n); the 95% CI is NPS ± 1.96 SE. For small n
    (methods.md §4: "bootstrap for small n"; below :data:`BOOTSTRAP_BELOW_N` answers) it is the
    percentile bootstrap CI (Efron & Tibshirani 1993, §13.3): the NPS of a resample of the n
    answers depends only on its counts of promoters, passives and detractors, which are
    multinomial(n; p, 1 − p − d, d), so all resamples are drawn at once as counts — the same
    distribution as resampling the answers themselves. The SE stays the analytic one.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review* 81(12),
    46–54.
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
    """
    answered = np.asarray(scores, dtype=float)
    answered = answered[~np.isnan(answered)]
    n = answered.size
    promoters = int(np.count_nonzero(answered >= PROMOTER_MIN))
    detractors = int(np.count_nonzero(answered <= DETRACTOR_MAX))
    with np.errstate(invalid="ignore", divide="ignore"):
        p, d = np.float64(promoters) / n, np.float64(detractors) / n
        se = 100 * np.sqrt((p + d - (p - d) ** 2) / n)
    nps = 100 * (p - d)
    ci_low, ci_high, method = nps - Z_95 * se, nps + Z_95 * se, "normal"
    if 0 < n < bootstrap_below:
        ci_low, ci_high = bootstrap_ci(promoters, n - promoters - detractors, detractors,
                                       seed, resamples)  # fmt: skip
        method = "bootstrap"
    return NpsSummary(
        n=n,
        promoters=promoters,
        passives=n - promoters - detractors,
        detractors=detractors,
        nps=float(nps),
        se=float(se),
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        ci_method=method,
    )


def bootstrap_ci(
    promoters: int, passives: int, detractors: int, seed: int, resamples: int = NPS_RESAMPLES
) -> tuple[float, float]:
    """Percentile bootstrap 95% CI of the NPS from the category counts (see nps_summary).

    Each resample's counts are one multinomial draw over the three categories, all drawn in
    one call; the CI is the 2.5% and 97.5% quantiles of 100 (promoters − detractors) / n.
    """
    n = promoters + passives + detractors
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, np.array([promoters, passives, detractors]) / n, size=resamples)
    scores = 100 * (counts[:, 0] - counts[:, 2]) / n
    low, high = np.quantile(scores, [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2])
    return float(low), float(high)


def nps_difference(current: NpsSummary, previous: NpsSummary) -> NpsDifference:
    """Difference ``current − previous`` of two NPS values from independent samples.

    Notes
    -----
    Δ = NPS₁ − NPS₂, SE(Δ) = sqrt(SE₁² + SE₂²), 95% CI Δ ± 1.96 SE(Δ), z = Δ / SE(Δ),
    two-sided p = 2Φ(−|z|) (methods.md §4–5: each NPS is a mean of +1/0/−1 scores, so the
    difference of independent means has the summed variance).

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review* 81(12).
    """
    difference = current.nps - previous.nps
    se = float(np.hypot(current.se, previous.se))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.float64(difference) / se
    return NpsDifference(
        difference=difference,
        se=se,
        ci_low=difference - Z_95 * se,
        ci_high=difference + Z_95 * se,
        z=float(z),
        p_value=float(2 * stats.norm.sf(abs(z))),
    )


def composition_test(summaries: list[NpsSummary]) -> dict[str, float]:
    """Chi-square test that segments share one promoter/passive/detractor composition.

    Notes
    -----
    Pearson's χ² on the segments × {promoters, passives, detractors} table (categories nobody
    chose are dropped), (rows − 1)(columns − 1) degrees of freedom; ``scipy.stats.
    chi2_contingency`` without continuity correction.

    References
    ----------
    Pearson, K. (1900). On the criterion that a given system of deviations... *Philosophical
    Magazine* 50(302), 157–175.
    """
    table = np.array([[s.promoters, s.passives, s.detractors] for s in summaries])
    table = table[:, table.sum(axis=0) > 0]
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return {"chi2": np.nan, "df": np.nan, "p_value": np.nan}
    result = stats.chi2_contingency(table, correction=False)
    return {"chi2": float(result.statistic), "df": int(result.dof), "p_value": float(result.pvalue)}
