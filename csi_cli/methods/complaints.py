"""The complaint iceberg and service recovery, from yes/no answers and satisfaction ratings.

**Iceberg.** Of the customers who had a problem, only the share v (the *voice rate*) complain;
each complaint received stands for (1 − v)/v customers who had a problem and said nothing
(TARP 1979/1986; the handbooks' "4% complain, a leverage of 24"). **Recovery.** Satisfaction,
loyalty and NPS of four groups — no problem, problem but silent, complained and resolved,
complained and not resolved — and the *service-recovery paradox* test: are customers whose
complaint was resolved well more satisfied than those who never had a problem (Smith & Bolton
1998; McCollough, Berry & Yadav 2000; the meta-analysis of de Matos, Henrique & Rossi 2007 finds
it for satisfaction, not for loyalty)?

Everything here is pure: arrays in (yes = 1.0, no = 0.0, unanswered = NaN; see
:mod:`csi_cli.methods.binary`), frozen dataclasses out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from csi_cli.methods.multitest import adjust_pvalues
from csi_cli.methods.nps import nps_summary
from csi_cli.methods.regression import OlsFit, ols_hc3

CONFIDENCE = 0.95
Z_95 = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
#: The handbooks' leverage: 4% of customers with a problem complain, so 24 are silent per
#: complaint (TARP 1986, as quoted by our users' quality handbooks).
HANDBOOK_SILENT_PER_COMPLAINT = 24.0
#: Recovery groups, in the order of their codes 0..3 (−1: not classified).
GROUPS = ("no_problem", "silent", "resolved", "unresolved")
UNCLASSIFIED = -1


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval of a proportion (NaN, NaN when n = 0).

    Notes
    -----
    With p̂ = x/n and z = 1.96: centre (p̂ + z²/2n)/(1 + z²/n), half-width
    z/(1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/4n²). Unlike p̂ ± z SE it stays inside [0, 1] and
    keeps its coverage for the small shares a voice rate is (Brown, Cai & DasGupta 2001).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *JASA* 22(158), 209–212.
    """
    if n == 0:
        return float("nan"), float("nan")
    p, z2 = successes / n, Z_95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return float(centre - half), float(centre + half)


def silent_per_complaint(voice_rate: float) -> float:
    """Customers with a problem who did not complain, per complaint: (1 − v)/v (inf at v = 0)."""
    with np.errstate(divide="ignore"):
        return float(np.divide(1.0 - voice_rate, voice_rate))


@dataclass(frozen=True)
class Iceberg:
    """The complaint iceberg.

    ``base`` says who counts as "had a problem": ``"problem"`` (the yes/no question) or
    ``"dissatisfied"`` (satisfaction at or below the dissatisfied threshold, when the file has
    no problem question). ``n_asked`` of the ``n_problem`` answered the complaint question and
    ``n_voiced`` of them complained. Rates are shares 0–1; ``silent_*`` are customers per complaint;
    ``estimated_*`` are customers with a problem behind ``complaints_received`` complaints
    (NaN without it).
    """

    n: int
    base: str
    n_problem: int
    problem_rate: float
    n_asked: int
    n_voiced: int
    voice_rate: float
    voice_ci_low: float
    voice_ci_high: float
    silent_per_complaint: float
    silent_ci_low: float
    silent_ci_high: float
    complaints_received: int | None
    estimated_with_problem: float
    estimated_ci_low: float
    estimated_ci_high: float
    handbook_silent_per_complaint: float = HANDBOOK_SILENT_PER_COMPLAINT


def complaint_iceberg(
    problem: np.ndarray,
    complained: np.ndarray,
    *,
    base: str = "problem",
    complaints_received: int | None = None,
) -> Iceberg:
    """Problem rate, voice rate with its Wilson CI, silent customers per complaint.

    Parameters
    ----------
    problem : ndarray of float, shape (n,)
        1 had a problem (or: dissatisfied), 0 not, NaN unanswered.
    complained : ndarray of float, shape (n,)
        1 complained, 0 did not, NaN unanswered. A complainer counts as having had a problem
        whatever ``problem`` says.
    base : {"problem", "dissatisfied"}
        What ``problem`` measures (recorded in the result).
    complaints_received : int, optional
        Complaints the complaint system received in the period (N).

    Returns
    -------
    Iceberg

    Notes
    -----
    Problem rate = #problem / #answered. Voice rate v = #complained / #problem among those with
    a problem who answered the complaint question, with the Wilson 95% CI [v_L, v_H]. Silent
    per complaint s = (1 − v)/v; it falls as v rises, so its CI is [(1 − v_H)/v_H,
    (1 − v_L)/v_L] (a monotone transform keeps the coverage). Customers with a problem behind N
    complaints: N/v, CI [N/v_H, N/v_L].

    References
    ----------
    TARP (1986). *Consumer complaint handling in America: an update study*. Washington, DC:
    Technical Assistance Research Programs (the 4% voice rate and its leverage).
    Wilson, E. B. (1927). *JASA* 22(158), 209–212.
    """
    had_problem = effective_problem(problem, complained)
    answered = ~np.isnan(had_problem)
    with_problem = had_problem == 1
    asked = with_problem & ~np.isnan(complained)
    n_problem = int(np.count_nonzero(asked))
    n_voiced = int(np.count_nonzero(asked & (complained == 1)))
    voice = n_voiced / n_problem if n_problem else float("nan")
    low, high = wilson_interval(n_voiced, n_problem)
    received = complaints_received if complaints_received is not None else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate, est_low, est_high = np.divide(received, [voice, high, low])
    return Iceberg(
        n=int(np.count_nonzero(answered)),
        base=base,
        n_problem=int(np.count_nonzero(with_problem)),
        problem_rate=float(np.mean(with_problem[answered])) if answered.any() else float("nan"),
        n_asked=n_problem,
        n_voiced=n_voiced,
        voice_rate=voice,
        voice_ci_low=low,
        voice_ci_high=high,
        silent_per_complaint=silent_per_complaint(voice),
        silent_ci_low=silent_per_complaint(high),
        silent_ci_high=silent_per_complaint(low),
        complaints_received=complaints_received,
        estimated_with_problem=float(estimate),
        estimated_ci_low=float(est_low),
        estimated_ci_high=float(est_high),
    )


def effective_problem(problem: np.ndarray, complained: np.ndarray) -> np.ndarray:
    """1 where a respondent had a problem or complained, 0 where neither, NaN if unknown."""
    problem = np.asarray(problem, dtype=float)
    return np.where(np.asarray(complained) == 1, 1.0, problem)


def recovery_groups(
    problem: np.ndarray, complained: np.ndarray, resolved: np.ndarray
) -> np.ndarray:
    """Recovery group code of every respondent: 0 no_problem, 1 silent, 2 resolved,
    3 unresolved, −1 not classified (see :data:`GROUPS`).

    A complainer is resolved or unresolved by the resolution question (unclassified when it is
    unanswered); a non-complainer is silent when they had a problem, no_problem when not; a
    respondent who did not answer what decides their group is unclassified.
    """
    had_problem = effective_problem(problem, complained)
    complained = np.asarray(complained, dtype=float)
    resolved = np.asarray(resolved, dtype=float)
    return np.select(
        [
            complained == 1,
            (complained == 0) & (had_problem == 1),
            (complained == 0) & (had_problem == 0),
            np.isnan(complained) & (had_problem == 0),
        ],
        [np.where(resolved == 1, 2, np.where(resolved == 0, 3, UNCLASSIFIED)), 1, 0, 0],
        default=UNCLASSIFIED,
    ).astype(np.int8)


def group_moments(codes: np.ndarray, values: np.ndarray, groups: int) -> pd.DataFrame:
    """Count, mean and variance (ddof 1) of ``values`` per group code 0..groups−1 (NaN out).

    One pass of ``np.bincount`` per moment: no loop over respondents.
    """
    values = np.asarray(values, dtype=float)
    keep = (codes >= 0) & ~np.isnan(values)
    code, value = codes[keep].astype(np.intp), values[keep]
    n = np.bincount(code, minlength=groups).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(code, weights=value, minlength=groups) / n
        squares = np.bincount(code, weights=(value - mean[code]) ** 2, minlength=groups)
        variance = np.where(n > 1, squares / (n - 1), np.nan)
    return pd.DataFrame({"n": n.astype(int), "mean": mean, "variance": variance})


def mean_intervals(moments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """t-based 95% CI of each group's mean: x̄ ± t_{0.975, n−1} s/√n (NaN below n = 2)."""
    n = moments["n"].to_numpy(float)
    variance = moments["variance"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * np.sqrt(variance / n)
    mean = moments["mean"].to_numpy()
    return mean - half, mean + half


@dataclass(frozen=True)
class WelchTests:
    """Welch t tests of mean differences (first − second), element-wise arrays."""

    difference: np.ndarray
    std_error: np.ndarray
    df: np.ndarray
    t: np.ndarray
    p_value: np.ndarray
    p_greater: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray


def welch_from_moments(first: pd.DataFrame, second: pd.DataFrame) -> WelchTests:
    """Welch's t test between groups given by their moments (rows of :func:`group_moments`).

    Notes
    -----
    SE = sqrt(s₁²/n₁ + s₂²/n₂); t = (x̄₁ − x̄₂)/SE on the Welch–Satterthwaite
    df = SE⁴ / [(s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1)]; two-sided p = 2 P(T > |t|), one-sided
    (first greater) p = P(T > t); 95% CI Δ ± t_{0.975, df} SE.

    References
    ----------
    Welch, B. L. (1947). *Biometrika* 34(1–2), 28–35.
    """
    n1, n2 = first["n"].to_numpy(float), second["n"].to_numpy(float)
    v1, v2 = first["variance"].to_numpy() / n1, second["variance"].to_numpy() / n2
    difference = first["mean"].to_numpy() - second["mean"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(v1 + v2)
        df = se**4 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        t = difference / se
        critical = stats.t.ppf(0.5 + CONFIDENCE / 2, df)
    return WelchTests(
        difference=difference,
        std_error=se,
        df=df,
        t=t,
        p_value=2 * stats.t.sf(np.abs(t), df),
        p_greater=stats.t.sf(t, df),
        ci_low=difference - critical * se,
        ci_high=difference + critical * se,
    )


def hedges_g(first: pd.DataFrame, second: pd.DataFrame) -> np.ndarray:
    """Hedges' g of first − second: Cohen's d on the pooled SD times J = 1 − 3/(4(n₁+n₂) − 9).

    References
    ----------
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related
    estimators. *J. Educational Statistics* 6(2), 107–128.
    """
    n1, n2 = first["n"].to_numpy(float), second["n"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = ((n1 - 1) * first["variance"].to_numpy() + (n2 - 1) * second["variance"]
                  .to_numpy()) / (n1 + n2 - 2)  # fmt: skip
        d = (first["mean"].to_numpy() - second["mean"].to_numpy()) / np.sqrt(pooled)
    return d * (1 - 3 / (4 * (n1 + n2) - 9))


@dataclass(frozen=True)
class Recovery:
    """Service recovery: outcomes per group, pairwise tests, the paradox test, drivers.

    ``groups``: one row per group of :data:`GROUPS` — ``group``, ``n``, and for each outcome
    (``satisfaction``, ``loyalty``) its mean, ``<outcome>_ci_low``/``_ci_high``, and ``nps``
    with ``nps_ci_low``/``nps_ci_high`` when an NPS column exists. ``pairs``: every pair of
    groups and outcome with the Welch test and the Holm-adjusted p (per outcome).
    ``paradox``: resolved − no_problem per outcome (difference, CI, two- and one-sided p,
    Hedges' g). ``drivers``: OLS of loyalty on resolved and handling among complainers (None
    when too few).
    """

    groups: pd.DataFrame
    pairs: pd.DataFrame
    paradox: pd.DataFrame
    drivers: OlsFit | None


def service_recovery(
    codes: np.ndarray,
    outcomes: dict[str, np.ndarray],
    nps: np.ndarray | None = None,
    *,
    seed: int = 1,
) -> Recovery:
    """Outcomes of the recovery groups and the service-recovery paradox test.

    Parameters
    ----------
    codes : ndarray of int, shape (n,)
        Group codes from :func:`recovery_groups`.
    outcomes : dict of str to ndarray
        ``"satisfaction"`` and optionally ``"loyalty"`` (NaN for unanswered).
    nps : ndarray, optional
        0–10 likelihood to recommend, for the NPS of each group.
    seed : int
        Seed of the NPS bootstrap CI of small groups.

    Returns
    -------
    Recovery
        ``drivers`` is None here; see :func:`loyalty_drivers`.

    Notes
    -----
    Group means carry t-based 95% CIs; all six pairs are compared by Welch's t test and the
    p-values adjusted by Holm's procedure within each outcome. The paradox test compares
    resolved with no_problem: Welch's Δ with CI, two-sided p and one-sided p (H₁: resolved
    higher), and Hedges' g. The paradox holds for an outcome when the one-sided test rejects.

    References
    ----------
    Smith, A. K., & Bolton, R. N. (1998). An experimental investigation of customer reactions to
    service failure and recovery encounters: paradox or peril? *J. Service Research* 1(1),
    65–81.
    McCollough, M. A., Berry, L. L., & Yadav, M. S. (2000). An empirical investigation of
    customer satisfaction after service failure and recovery. *J. Service Research* 3(2),
    121–137.
    de Matos, C. A., Henrique, J. L., & Rossi, C. A. V. (2007). Service recovery paradox: a
    meta-analysis. *J. Service Research* 10(1), 60–77.
    """
    size = len(GROUPS)
    groups = pd.DataFrame({"group": GROUPS, "n": np.bincount(codes[codes >= 0], minlength=size)})
    pair_frames, paradox_rows = [], []
    first, second = np.triu_indices(size, k=1)
    for outcome, values in outcomes.items():
        moments = group_moments(codes, values, size)
        low, high = mean_intervals(moments)
        groups[outcome], groups[f"{outcome}_ci_low"], groups[f"{outcome}_ci_high"] = (
            moments["mean"], low, high)  # fmt: skip
        tests = welch_from_moments(moments.iloc[first], moments.iloc[second])
        pair_frames.append(_pairs_frame(outcome, first, second, tests))
        resolved, clean = moments.iloc[[2]], moments.iloc[[0]]
        paradox = welch_from_moments(resolved, clean)
        paradox_rows.append(
            {
                "outcome": outcome,
                "resolved": float(resolved["mean"].iloc[0]),
                "no_problem": float(clean["mean"].iloc[0]),
                "difference": paradox.difference[0],
                "ci_low": paradox.ci_low[0],
                "ci_high": paradox.ci_high[0],
                "p_value": paradox.p_value[0],
                "p_one_sided": paradox.p_greater[0],
                "hedges_g": hedges_g(resolved, clean)[0],
            }
        )
    if nps is not None:
        summaries = [nps_summary(nps[codes == code], seed=seed) for code in range(size)]
        groups["nps"] = [s.nps for s in summaries]
        groups["nps_ci_low"] = [s.ci_low for s in summaries]
        groups["nps_ci_high"] = [s.ci_high for s in summaries]
    return Recovery(groups, pd.concat(pair_frames, ignore_index=True), pd.DataFrame(paradox_rows),
                    None)  # fmt: skip


def _pairs_frame(outcome: str, first: np.ndarray, second: np.ndarray, tests: WelchTests):
    return pd.DataFrame(
        {
            "outcome": outcome,
            "first": np.asarray(GROUPS)[first],
            "second": np.asarray(GROUPS)[second],
            "difference": tests.difference,
            "ci_low": tests.ci_low,
            "ci_high": tests.ci_high,
            "t": tests.t,
            "df": tests.df,
            "p_value": tests.p_value,
            "p_adjusted": adjust_pvalues(tests.p_value, "holm"),
        }
    )


def loyalty_drivers(
    loyalty: np.ndarray, resolved: np.ndarray, handling: np.ndarray | None, complained: np.ndarray
) -> OlsFit | None:
    """OLS of loyalty on resolved (0/1) and handling satisfaction among complainers (HC3 SE).

    Returns None when fewer complainers answered every variable than coefficients + 2, or
    when a predictor does not vary among them.

    Notes
    -----
    loyalty = b₀ + b₁ resolved + b₂ handling + e over complainers with all answers; b₁ is the
    loyalty gained by resolving a complaint at a given handling satisfaction, b₂ per point of
    handling satisfaction (the recovery-satisfaction → loyalty link of McCollough et al. 2000).
    """
    columns = [np.asarray(resolved, dtype=float)]
    names = ["resolved"]
    if handling is not None:
        columns.append(np.asarray(handling, dtype=float))
        names.append("handling")
    x = np.column_stack(columns)
    rows = (np.asarray(complained) == 1) & ~np.isnan(x).any(axis=1) & ~np.isnan(loyalty)
    if np.count_nonzero(rows) < len(names) + 3 or np.any(np.ptp(x[rows], axis=0) == 0):
        return None
    return ols_hc3(loyalty[rows], x[rows], names)
