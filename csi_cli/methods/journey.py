"""Journeys versus touchpoints: which predicts satisfaction and loyalty, and what consistency adds.

Rawson, Duncan & Jones (2013) argue that satisfaction with the whole journey predicts outcomes
better than satisfaction with its touchpoints, and that inconsistency across touchpoints hurts on
its own. This module tests both on a survey: out-of-sample R² of an outcome on the journey
ratings against on the touchpoint ratings (k-fold, seeded) with a bootstrap CI of the difference;
each respondent's consistency (SD and range across touchpoints) and its effect at a given
touchpoint mean (OLS, HC3); the weakest link (one failed touchpoint against none); and the
touchpoints' relative weights (Johnson 2000, the code of :mod:`csi_cli.methods.ipa`).

Pure: arrays in, frozen dataclasses out; every step is a few matrix products (no loop over
respondents), so a million respondents take about a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from csi_cli.methods.complaints import group_moments, mean_intervals, welch_from_moments
from csi_cli.methods.ipa import derived_importance
from csi_cli.methods.regression import ols_hc3_many

DEFAULT_FOLDS = 10
DEFAULT_RESAMPLES = 2000
#: The bootstrap of the R² difference resamples at most this many groups of respondents.
BOOTSTRAP_GROUPS = 2000
CONFIDENCE = 0.95


def fold_order(n: int, folds: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded k-fold split: respondents in fold order, and the k + 1 fold boundaries.

    Fold f holds ``order[bounds[f]:bounds[f + 1]]``: consecutive blocks of a random
    permutation, sizes within 1 of each other.
    """
    order = np.random.default_rng(seed).permutation(n)
    return order, (np.arange(folds + 1) * n) // folds


def fold_assignment(n: int, folds: int, seed: int) -> np.ndarray:
    """The fold 0..folds−1 of each respondent under :func:`fold_order` (same seed)."""
    order, bounds = fold_order(n, folds, seed)
    assignment = np.empty(n, dtype=np.intp)
    assignment[order] = np.repeat(np.arange(folds), np.diff(bounds))
    return assignment


def out_of_fold_errors(
    outcomes: np.ndarray, designs: Sequence[np.ndarray], order: np.ndarray, bounds: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray]:
    """Squared out-of-fold errors of the OLS of each outcome on each design (plus an intercept).

    Parameters
    ----------
    outcomes : ndarray, shape (n, m)
        One column per outcome.
    designs : sequence of ndarray, shape (n, p_d)
        Predictor sets.
    order, bounds : ndarray
        The split of :func:`fold_order`.

    Returns
    -------
    errors : list of ndarray, shape (n, m)
        One per design, rows in fold order (respondents of fold 0 first): every statistic built
        from them is a sum, so order does not matter.
    outcomes : ndarray, shape (n, m)
        The outcomes in the same order.

    Notes
    -----
    With Z = [1, designs…, outcomes] gathered in fold order, fold f's moment matrix
    M_f = Z_fᵀZ_f is one product of a contiguous slice; the fit without fold f uses M − M_f,
    whose blocks give XᵀX and XᵀY of every design: B_f = (XᵀX − X_fᵀX_f)⁻¹ (XᵀY − X_fᵀY_f),
    one batched solve per design for all outcomes.
    """
    pieces = [np.ones((len(order), 1)), *designs, outcomes]
    widths = [piece.shape[1] for piece in pieces]
    z = np.empty((len(order), sum(widths)), order="F")
    for piece, first in zip(pieces[1:], np.cumsum(widths)[:-1], strict=True):
        z[:, first : first + piece.shape[1]] = piece[order]
    z[:, 0] = 1.0
    blocks = list(pairwise(bounds))
    grams = np.stack([z[a:b].T @ z[a:b] for a, b in blocks])
    without = grams.sum(axis=0) - grams
    ys = z[:, -widths[-1] :]
    errors, first = [], 1
    for width in widths[1:-1]:
        columns = np.r_[0, first : first + width]
        first += width
        xtx = without[:, columns][:, :, columns]
        beta = np.linalg.solve(xtx, without[:, columns, -widths[-1] :])
        fitted = np.concatenate([z[a:b, columns] @ beta[f] for f, (a, b) in enumerate(blocks)])
        errors.append((ys - fitted) ** 2)
    return errors, ys


@dataclass(frozen=True)
class R2Comparison:
    """Out-of-sample R² of one outcome on journey vs touchpoint ratings, and their difference.

    ``difference`` = ``r2_journey`` − ``r2_touchpoints`` with a percentile bootstrap 95% CI.
    """

    outcome: str
    n: int
    folds: int
    r2_journey: float
    r2_touchpoints: float
    difference: float
    ci_low: float
    ci_high: float


def compare_r2(
    outcomes: Mapping[str, np.ndarray],
    journey: np.ndarray,
    touchpoints: np.ndarray,
    *,
    folds: int = DEFAULT_FOLDS,
    seed: int = 1,
    resamples: int = DEFAULT_RESAMPLES,
) -> tuple[R2Comparison, ...]:
    """k-fold out-of-sample R² of each outcome on the journey and on the touchpoint ratings.

    Parameters
    ----------
    outcomes : mapping of str to ndarray, shape (n,)
        Outcomes (``"satisfaction"``, ``"loyalty"``) of the same respondents, all answered.
    journey, touchpoints : ndarray, shape (n, m), (n, k)
        Journey-level ratings and touchpoint ratings of the same respondents.
    folds : int
        k of the k-fold cross-validation; the same folds serve both models and all outcomes.
    seed : int
        Seed of the fold assignment and of the bootstrap.
    resamples : int
        Bootstrap resamples of the difference.

    Notes
    -----
    R²_oos = 1 − Σ(y_i − ŷ_i)² / Σ(y_i − ȳ)² with ŷ_i from the model fitted without i's fold
    (pooled over folds, as ``sklearn.metrics.r2_score`` of ``cross_val_predict``). The
    difference is D = Σ(e²_tp,i − e²_j,i) / Σ(y_i − ȳ)². Its CI resamples respondents with
    their out-of-fold errors held fixed (Efron & Tibshirani 1993, §13.3, percentile method);
    above :data:`BOOTSTRAP_GROUPS` respondents it resamples that many random groups of
    respondents instead (iid groups, so the same distribution; the sums of e², y and y² per
    group make each resample O(groups) rather than O(n)).

    References
    ----------
    Rawson, A., Duncan, E., & Jones, C. (2013). The truth about customer experience. *Harvard
    Business Review* 91(9), 90–98.
    Stone, M. (1974). Cross-validatory choice and assessment of statistical predictions. *JRSS B*
    36(2), 111–147.
    """
    n = len(touchpoints)
    order, bounds = fold_order(n, folds, seed)
    y = np.column_stack(list(outcomes.values()))
    (errors_journey, errors_touch), y = out_of_fold_errors(y, [journey, touchpoints], order, bounds)
    total = np.sum((y - y.mean(axis=0)) ** 2, axis=0)
    lost_journey, lost_touch = errors_journey.sum(axis=0), errors_touch.sum(axis=0)
    low, high = _bootstrap_difference(errors_touch - errors_journey, y, seed, resamples)
    return tuple(
        R2Comparison(
            outcome=name,
            n=n,
            folds=folds,
            r2_journey=float(1 - lost_journey[j] / total[j]),
            r2_touchpoints=float(1 - lost_touch[j] / total[j]),
            difference=float((lost_touch[j] - lost_journey[j]) / total[j]),
            ci_low=float(low[j]),
            ci_high=float(high[j]),
        )
        for j, name in enumerate(outcomes)
    )


def _bootstrap_difference(
    gain: np.ndarray, y: np.ndarray, seed: int, resamples: int
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile CI of Σgain / Σ(y − ȳ)² per column; rows are in random (fold) order, so
    consecutive positions modulo the group count form iid random groups."""
    n = len(y)
    if resamples == 0:
        return np.full(y.shape[1], np.nan), np.full(y.shape[1], np.nan)
    rng = np.random.default_rng([seed, 1])
    groups = min(n, BOOTSTRAP_GROUPS)
    member = np.arange(n) % groups
    sums = [
        np.stack(
            [np.bincount(member, weights=w[:, j], minlength=groups) for j in range(w.shape[1])]
        )
        for w in (gain, y, y * y)
    ]
    counts = np.bincount(member, minlength=groups)
    picks = rng.integers(0, groups, size=(resamples, groups))
    gain_b, y_b, yy_b = (np.take(s, picks, axis=1).sum(axis=2) for s in sums)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = gain_b / (yy_b - y_b**2 / np.take(counts, picks).sum(axis=1))
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.nanpercentile(statistic, [tail, 100 - tail], axis=1)
    return low, high


def consistency(touchpoints: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each respondent's mean, SD (ddof 1) and range (max − min) across the touchpoints.

    Column by column (k passes over n values): on a Fortran-ordered array several times faster
    than ``np.std(axis=1)`` on a tall array with few columns.
    """
    k = touchpoints.shape[1]
    columns = [touchpoints[:, j] for j in range(k)]
    mean = sum(columns) / k
    sd = np.sqrt(sum((c - mean) ** 2 for c in columns) / (k - 1))
    return mean, sd, np.maximum.reduce(columns) - np.minimum.reduce(columns)


@dataclass(frozen=True)
class ConsistencyEffect:
    """The effect of one point of touchpoint SD on an outcome at a given touchpoint mean."""

    outcome: str
    n: int
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    mean_effect: float


def consistency_effects(
    outcomes: Mapping[str, np.ndarray], mean: np.ndarray, sd: np.ndarray
) -> tuple[ConsistencyEffect, ...]:
    """OLS of each outcome on the touchpoint mean and SD, HC3 SE: the SD coefficients.

    Parameters
    ----------
    outcomes : mapping of str to ndarray, shape (n,)
        Outcomes; respondents missing any of them are left out of every fit.
    mean, sd : ndarray, shape (n,)
        Touchpoint mean and SD of each respondent (see :func:`consistency`).

    Notes
    -----
    y = b₀ + b₁ mean(tp) + b₂ SD(tp) + e; b₂ < 0 means that of two customers with the same
    average touchpoint rating the less consistent journey leaves the lower outcome (Rawson,
    Duncan & Jones 2013). HC3 standard errors (see :func:`csi_cli.methods.regression.ols_hc3`).
    """
    y = np.column_stack(list(outcomes.values()))
    fits = ols_hc3_many(y, np.column_stack([mean, sd]), ["mean", "sd"])
    return tuple(
        ConsistencyEffect(
            outcome=name,
            n=fit.n,
            mean_effect=fit.term("mean")["estimate"],
            **{k: v for k, v in fit.term("sd").items() if k != "t"},
        )
        for name, fit in zip(outcomes, fits, strict=True)
    )


def weakest_link(outcomes: Mapping[str, np.ndarray], failed: np.ndarray) -> pd.DataFrame:
    """Outcomes of respondents with at least one failed touchpoint vs none.

    ``failed`` marks the respondents with a touchpoint at or below the dissatisfied threshold.
    Returns one row per outcome: ``n_failed``, ``n_none``, ``<failed>``/``<none>`` means with
    t CIs, their Welch difference (failed − none) with CI and p.
    """
    codes = np.where(failed, 0, 1).astype(np.int8)
    rows = []
    for outcome, y in outcomes.items():
        moments = group_moments(codes, y, 2)
        low, high = mean_intervals(moments)
        test = welch_from_moments(moments.iloc[[0]], moments.iloc[[1]])
        rows.append(
            {
                "outcome": outcome,
                "n_failed": int(moments["n"].iloc[0]),
                "n_none": int(moments["n"].iloc[1]),
                "failed": moments["mean"].iloc[0],
                "failed_ci_low": low[0],
                "failed_ci_high": high[0],
                "none": moments["mean"].iloc[1],
                "none_ci_low": low[1],
                "none_ci_high": high[1],
                "difference": test.difference[0],
                "ci_low": test.ci_low[0],
                "ci_high": test.ci_high[0],
                "p_value": test.p_value[0],
            }
        )
    return pd.DataFrame(rows)


def touchpoint_table(
    names: Sequence[str], touchpoints: np.ndarray, overall: np.ndarray, threshold: float
) -> tuple[pd.DataFrame, float]:
    """Mean, failure rate and relative weight (Johnson 2000) of each touchpoint, and the R².

    The weights are :func:`csi_cli.methods.ipa.relative_weights` of the overall satisfaction on
    the touchpoints: each touchpoint's share of the R², robust to correlated touchpoints.
    """
    importance, r2 = derived_importance(touchpoints, overall, "relative")
    frame = pd.DataFrame(
        {
            "touchpoint": list(names),
            "mean": touchpoints.mean(axis=0),
            "failure_rate": (touchpoints <= threshold).mean(axis=0),
            "importance": importance,
            "share_of_r2": importance / r2 if r2 else np.nan,
        }
    )
    return frame, float(r2) if r2 is not None else float("nan")


@dataclass(frozen=True)
class Journey:
    """Everything the journey analysis finds (see the module docstring).

    ``r2``: one :class:`R2Comparison` per outcome; ``consistency``: one
    :class:`ConsistencyEffect` per outcome; ``weakest_link``: from :func:`weakest_link`;
    ``touchpoints``: from :func:`touchpoint_table`; ``mean_sd``/``mean_range``: average
    consistency; ``share_failed``: share of journeys with at least one failed touchpoint.
    """

    n: int
    threshold: float
    r2: tuple[R2Comparison, ...]
    consistency: tuple[ConsistencyEffect, ...]
    weakest_link: pd.DataFrame
    touchpoints: pd.DataFrame
    touchpoint_r2: float
    mean_sd: float
    mean_range: float
    share_failed: float


def journey_analysis(
    names: Sequence[str],
    touchpoints: np.ndarray,
    journey: np.ndarray | None,
    outcomes: Mapping[str, np.ndarray],
    threshold: float,
    *,
    folds: int = DEFAULT_FOLDS,
    seed: int = 1,
    resamples: int = DEFAULT_RESAMPLES,
) -> Journey:
    """The journey analysis over respondents who rated every touchpoint.

    The R² comparison uses those of them who also gave every journey rating and outcome (the
    same respondents for both models and all outcomes).

    Parameters
    ----------
    names : sequence of str
        Touchpoint names, in journey order.
    touchpoints : ndarray, shape (n, k)
        Touchpoint ratings (rows with a NaN are left out).
    journey : ndarray, shape (n, m), optional
        Journey-level ratings; None skips the R² comparison, and so do fewer than
        max(2 folds, k + m + 3) respondents with every rating and outcome.
    outcomes : mapping of str to ndarray
        ``"satisfaction"`` (required: the touchpoint weights use it) and optionally
        ``"loyalty"``.
    threshold : float
        A touchpoint rating at or below it is a failure.
    folds, seed, resamples
        See :func:`compare_r2`.
    """
    complete = ~np.isnan(touchpoints).any(axis=1)
    tp, ys = (
        np.asfortranarray(_rows(touchpoints, complete)),
        {name: _rows(np.asarray(y, dtype=float), complete) for name, y in outcomes.items()},
    )
    comparisons: tuple[R2Comparison, ...] = ()
    if journey is not None:
        jr = _rows(journey, complete)
        unanswered = [np.isnan(jr).any(axis=1), *(np.isnan(y) for y in ys.values())]
        answered = ~np.logical_or.reduce(unanswered)
        if np.count_nonzero(answered) >= max(2 * folds, tp.shape[1] + jr.shape[1] + 3):
            comparisons = compare_r2(
                {name: _rows(y, answered) for name, y in ys.items()},
                _rows(jr, answered),
                _rows(tp, answered),
                folds=folds,
                seed=seed,
                resamples=resamples,
            )
    mean, sd, spread = consistency(tp)
    effects = consistency_effects(ys, mean, sd)
    failed = np.logical_or.reduce([tp[:, j] <= threshold for j in range(tp.shape[1])])
    table, r2 = touchpoint_table(names, tp, ys["satisfaction"], threshold)
    return Journey(
        n=int(np.count_nonzero(complete)),
        threshold=threshold,
        r2=comparisons,
        consistency=effects,
        weakest_link=weakest_link(ys, failed),
        touchpoints=table,
        touchpoint_r2=r2,
        mean_sd=float(sd.mean()),
        mean_range=float(spread.mean()),
        share_failed=float(failed.mean()),
    )


def _rows(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``values[keep]``, without a copy when every row is kept."""
    return values if keep.all() else values[keep]
