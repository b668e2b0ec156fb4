"""Importance–performance analysis (Martilla & James 1977) with stated or derived importance.

Performance is an item's mean perception. Importance is stated (mean of the ``<item>_I``
columns) or derived from an overall rating: Pearson correlation, standardized regression weight,
or relative weight (Johnson 2000). The crosshair sits at the data means or the scale midpoint
(Bacon 2003).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from csi_cli.errors import ModelError, UsageError
from csi_cli.methods import pls_bootstrap
from csi_cli.results import Chart, Table, plain, records

if TYPE_CHECKING:
    from csi_cli.options import GapOptions
    from csi_cli.survey import Survey

DerivedMethod = Literal["correlation", "regression", "relative"]

CONCENTRATE = "Concentrate here"
KEEP_UP = "Keep up the good work"
LOW_PRIORITY = "Low priority"
OVERKILL = "Possible overkill"

#: Eigenvalues of the predictors' correlation matrix below this (relative to the largest) mean
#: the predictors are linearly dependent.
SINGULAR_TOLERANCE = 1e-10

LEVEL = 0.95


def correlation_matrix(drivers: np.ndarray, overall: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Correlations among the drivers (R_xx) and with the overall rating (r_xy).

    Respondents missing any driver or the overall rating are left out (listwise).

    Raises
    ------
    ModelError
        Fewer complete respondents than drivers + 2, or a driver/overall with no variance.
    """
    x = np.asarray(drivers, dtype=float)
    y = np.asarray(overall, dtype=float)
    complete = ~(np.isnan(x).any(axis=1) | np.isnan(y))
    k = x.shape[1]
    if np.count_nonzero(complete) < k + 2:
        raise ModelError(
            f"deriving importance needs at least {k + 2} respondents who rated every item and "
            f"the overall question; {np.count_nonzero(complete)} did. Use stated importance "
            "(<item>_I columns, --importance stated) or collect more complete answers."
        )
    data = np.column_stack([x[complete], y[complete]])
    if np.any(data.std(axis=0) == 0):
        raise ModelError(
            "an item or the overall rating has the same answer from every complete respondent, "
            "so its correlation is undefined; drop it or use --importance stated."
        )
    r = np.corrcoef(data, rowvar=False)
    return r[:k, :k], r[:k, k]


def _eigen(r_xx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, vectors = np.linalg.eigh(r_xx)
    if np.any(_singular(values)):
        raise ModelError(
            "the items' perceptions are linearly dependent (one is a combination of others), "
            "so regression weights are undefined; drop duplicated items or use "
            "--importance correlation."
        )
    return values, vectors


def _singular(values: np.ndarray) -> np.ndarray:
    """Whether each (batched) correlation matrix with these eigenvalues is singular."""
    return values.min(axis=-1) <= SINGULAR_TOLERANCE * values.max(axis=-1)


def _transpose(matrix: np.ndarray) -> np.ndarray:
    return np.swapaxes(matrix, -1, -2)


def _times(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Matrix times vector over leading (resample) axes."""
    return (matrix @ vector[..., None])[..., 0]


def _regression(values: np.ndarray, vectors: np.ndarray, r_xy: np.ndarray) -> np.ndarray:
    return _times(vectors, _times(_transpose(vectors), r_xy) / values)


def _relative(values: np.ndarray, vectors: np.ndarray, r_xy: np.ndarray) -> np.ndarray:
    root = np.sqrt(values)[..., None, :]
    loadings = (vectors * root) @ _transpose(vectors)
    beta = _times(vectors / root, _times(_transpose(vectors), r_xy))
    return _times(loadings**2, beta**2)


def regression_weights(r_xx: np.ndarray, r_xy: np.ndarray) -> np.ndarray:
    """Standardized regression weights β = R_xx⁻¹ r_xy of the overall rating on the drivers.

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *J. Marketing*
    41(1), 77–79 (derived importance as the regression weight).
    """
    return _regression(*_eigen(r_xx), r_xy)


def relative_weights(r_xx: np.ndarray, r_xy: np.ndarray) -> np.ndarray:
    """Johnson's relative weights: each driver's share of R², robust to correlated drivers.

    Parameters
    ----------
    r_xx : ndarray, shape (k, k)
        Correlations among the drivers.
    r_xy : ndarray, shape (k,)
        Correlations of the drivers with the overall rating.

    Returns
    -------
    ndarray, shape (k,)
        Raw relative weights ε_j ≥ 0, summing to the model R².

    Notes
    -----
    With R_xx = V Λ Vᵀ, the orthogonal counterparts Z of the drivers have loadings
    Λ* = V Λ^{1/2} Vᵀ; the overall rating's weights on Z are β = V Λ^{-1/2} Vᵀ r_xy; and
    ε_j = Σ_k (λ*_jk)² β_k².

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
    variables in multiple regression. *Multivariate Behavioral Research* 35(1), 1–19.
    """
    return _relative(*_eigen(r_xx), r_xy)


def derived_importance(
    drivers: np.ndarray, overall: np.ndarray, method: DerivedMethod
) -> tuple[np.ndarray, float | None]:
    """Importance of each driver for the overall rating, and the model R² where there is one.

    ``method``: ``"correlation"`` (r_xy), ``"regression"`` (standardized β) or ``"relative"``
    (Johnson 2000). See :func:`regression_weights` and :func:`relative_weights`.
    """
    r_xx, r_xy = correlation_matrix(drivers, overall)
    if method == "correlation":
        return r_xy, None
    beta = regression_weights(r_xx, r_xy)
    r2 = float(beta @ r_xy)
    return (beta if method == "regression" else relative_weights(r_xx, r_xy)), r2


def bootstrap_importance(
    drivers: np.ndarray, overall: np.ndarray, method: DerivedMethod, resamples: int, seed: int
) -> np.ndarray:
    """Derived importance of every bootstrap resample (resamples × k), all at once.

    Parameters
    ----------
    drivers, overall : ndarray
        As for :func:`derived_importance` (respondents missing any value are left out).
    method : {"correlation", "regression", "relative"}
        The derived importance.
    resamples, seed : int
        Bootstrap resamples and random seed.

    Returns
    -------
    ndarray, shape (resamples, k)
        Rows of resamples whose drivers were linearly dependent are NaN.

    Notes
    -----
    Respondents are resampled with replacement; each resample's correlation matrix comes from
    the batched moments of :func:`csi_cli.methods.pls_bootstrap.unit_moments` (large samples
    resample random groups, see :func:`csi_cli.methods.pls_bootstrap.resampling_units`), and
    the importances of all resamples from one batched eigendecomposition (Efron & Tibshirani
    1993, ch. 6, 13).
    """
    x = np.asarray(drivers, dtype=float)
    y = np.asarray(overall, dtype=float)
    complete = ~(np.isnan(x).any(axis=1) | np.isnan(y))
    rng = np.random.default_rng(seed)
    units = pls_bootstrap.resampling_units(np.column_stack([x[complete], y[complete]]), rng)
    draws = []
    for size in pls_bootstrap.resample_batches(resamples, units.count):
        counts = pls_bootstrap.draw_counts(rng, size, units.count)
        cov = pls_bootstrap.unit_moments(units, counts).cov
        draws.append(_importance_of_covariances(cov, method))
    return np.concatenate(draws)


def _importance_of_covariances(cov: np.ndarray, method: DerivedMethod) -> np.ndarray:
    """Derived importance from batched covariance matrices of [drivers, overall]."""
    sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / (sd[..., :, None] * sd[..., None, :])
    r_xx, r_xy = r[..., :-1, :-1], r[..., :-1, -1]
    if method == "correlation":
        return r_xy
    bad = ~np.isfinite(r_xx).all(axis=(-1, -2))
    r_xx = np.where(bad[:, None, None], np.eye(r_xx.shape[-1]), r_xx)
    values, vectors = np.linalg.eigh(r_xx)
    bad |= _singular(values)
    values = np.where(bad[:, None], 1.0, values)
    found = (_regression if method == "regression" else _relative)(values, vectors, r_xy)
    return np.where(bad[:, None], np.nan, found)


def mean_interval(values: np.ndarray, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Student t interval of each column's mean, over the answered cells.

    Notes
    -----
    ``x̄ ± t_{n−1, (1+level)/2} · s / √n`` per column (s with divisor n − 1).
    """
    x = np.asarray(values, dtype=float)
    n = np.count_nonzero(~np.isnan(x), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(x, axis=0)
        half = stats.t.ppf((1 + level) / 2, n - 1) * np.nanstd(x, axis=0, ddof=1) / np.sqrt(n)
    return mean - half, mean + half


def quadrants(
    performance: np.ndarray, importance: np.ndarray, x_line: float, y_line: float
) -> np.ndarray:
    """Martilla & James (1977) quadrant of each item; an item on a line counts as high.

    High importance and low performance: "Concentrate here"; high and high: "Keep up the good
    work"; low and low: "Low priority"; low importance and high performance: "Possible overkill".
    """
    high_importance = np.asarray(importance) >= y_line
    high_performance = np.asarray(performance) >= x_line
    return np.select(
        [
            high_importance & ~high_performance,
            high_importance & high_performance,
            ~high_importance & ~high_performance,
        ],
        [CONCENTRATE, KEEP_UP, LOW_PRIORITY],
        default=OVERKILL,
    )


def straddles(low: np.ndarray, high: np.ndarray, line: float) -> np.ndarray:
    """Whether each interval [low, high] contains ``line`` (NaN bounds: unknown, so False)."""
    return (np.asarray(low) <= line) & (line <= np.asarray(high))


@dataclass(frozen=True)
class Intervals:
    """95% intervals of each item's performance and importance."""

    performance_low: np.ndarray
    performance_high: np.ndarray
    importance_low: np.ndarray
    importance_high: np.ndarray


@dataclass(frozen=True)
class IpaResult:
    """An importance–performance map: one point per item and the crosshair."""

    items: pd.DataFrame
    source: str
    crosshair: str
    x_line: float
    y_line: float
    r2: float | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "importance": self.source,
            "crosshair": self.crosshair,
            "x_line": plain(self.x_line),
            "y_line": plain(self.y_line),
            "r2": plain(self.r2),
            "items": records(self.items),
        }

    def tables(self) -> list[Table]:
        chart = Chart(
            kind="scatter",
            x="performance",
            y=("importance",),
            label="item",
            title="Importance–performance",
            x_title="Performance (mean perception)",
            y_title=f"Importance ({self.source})",
            x_line=self.x_line,
            y_line=self.y_line,
        )
        return [
            Table(
                title="Importance–performance analysis",
                frame=self.items,
                note=" ".join(self.notes),
                chart=chart,
                key="ipa",
            )
        ]


def importance_performance(
    names: Sequence[str],
    performance: np.ndarray,
    importance: np.ndarray,
    *,
    source: str,
    crosshair: Literal["mean", "mid"] = "mean",
    midpoints: tuple[float | None, float | None] = (None, None),
    r2: float | None = None,
    intervals: Intervals | None = None,
) -> IpaResult:
    """Place items on the importance–performance map.

    Parameters
    ----------
    names : sequence of str
        Item names.
    performance, importance : ndarray
        Mean perception and importance of each item.
    source : str
        How importance was obtained ("stated", "correlation", "regression", "relative").
    crosshair : {"mean", "mid"}
        Lines at the means of the items' performance and importance (Martilla & James 1977),
        or at the scale midpoints (Bacon 2003).
    midpoints : (float or None, float or None)
        Scale midpoints of performance and importance; a None importance midpoint (derived
        importance has no scale) keeps that line at the mean.
    r2 : float, optional
        R² of the overall rating on the items, for derived importance.
    intervals : Intervals, optional
        95% intervals of performance and importance. An item whose performance or importance
        interval contains its crosshair line is marked ``uncertain``: the data do not tell on
        which side of the line it lies, so its quadrant is not established.

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *J. Marketing*
    41(1), 77–79.
    Bacon, D. R. (2003). A comparison of approaches to importance-performance analysis.
    *Int. J. Market Research* 45(1), 55–71.
    """
    performance = np.asarray(performance, dtype=float)
    importance = np.asarray(importance, dtype=float)
    x_line, y_line = float(np.mean(performance)), float(np.mean(importance))
    notes = []
    if crosshair == "mid":
        x_mid, y_mid = midpoints
        x_line = x_mid if x_mid is not None else x_line
        if y_mid is None:
            notes.append("Derived importance has no scale midpoint: its line is at the mean.")
        y_line = y_mid if y_mid is not None else y_line
    nan = np.full(performance.shape, np.nan)
    bounds = intervals or Intervals(nan, nan, nan, nan)
    items = pd.DataFrame(
        {
            "item": list(names),
            "performance": performance,
            "performance_ci_low": bounds.performance_low,
            "performance_ci_high": bounds.performance_high,
            "importance": importance,
            "importance_ci_low": bounds.importance_low,
            "importance_ci_high": bounds.importance_high,
            "quadrant": quadrants(performance, importance, x_line, y_line),
        }
    )
    items["uncertain"] = straddles(
        bounds.performance_low, bounds.performance_high, x_line
    ) | straddles(bounds.importance_low, bounds.importance_high, y_line)
    if intervals is None:
        items["uncertain"] = None
    return IpaResult(items, source, crosshair, x_line, y_line, r2, tuple(notes))


def analyze(
    survey: Survey, options: GapOptions, *, bootstrap: int = 0, seed: int = 1
) -> IpaResult | None:
    """Importance–performance map of the survey's gap items, or None without importance.

    ``options.importance``: ``"auto"`` uses stated importance when ``<item>_I`` columns exist,
    else relative weights on the ``overall`` rating when it exists, else no map. Performance
    and stated importance carry t intervals of their means, derived importance a percentile
    interval from ``bootstrap`` resamples (none below 2) drawn with ``seed``.

    Raises
    ------
    UsageError
        The chosen importance source needs columns the file does not have.
    """
    items = list(survey.layout.gap)
    source = _importance_source(survey, options.importance)
    if source is None:
        return None
    scale = survey.layout.gap_scale
    midpoint = None if scale is None else (scale[0] + scale[1]) / 2
    if source == "stated":
        items = [i for i in items if i.importance is not None]
    perceptions = survey.ratings([i.perception for i in items])
    if source == "stated":
        stated = survey.ratings([i.importance for i in items])
        importance, r2 = np.nanmean(stated, axis=0), None
        importance_bounds = mean_interval(stated)
    else:
        overall = survey.numeric(survey.layout.overall)
        importance, r2 = derived_importance(perceptions, overall, source)
        importance_bounds = _bootstrap_bounds(perceptions, overall, source, bootstrap, seed)
    return importance_performance(
        [i.item for i in items],
        np.nanmean(perceptions, axis=0),
        importance,
        source=source,
        crosshair=options.crosshair,
        midpoints=(midpoint, midpoint if source == "stated" else None),
        r2=r2,
        intervals=Intervals(*mean_interval(perceptions), *importance_bounds),
    )


def _bootstrap_bounds(
    perceptions: np.ndarray, overall: np.ndarray, source: DerivedMethod, resamples: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of derived importance (NaN without resamples)."""
    k = perceptions.shape[1]
    if resamples < 2:
        return np.full(k, np.nan), np.full(k, np.nan)
    draws = bootstrap_importance(perceptions, overall, source, resamples, seed)
    draws = draws[np.isfinite(draws).all(axis=1)]
    if draws.shape[0] < 2:
        return np.full(k, np.nan), np.full(k, np.nan)
    return pls_bootstrap.percentile_interval(draws, LEVEL)


def _importance_source(survey: Survey, requested: str) -> str | None:
    stated = any(i.importance is not None for i in survey.layout.gap)
    overall = survey.layout.overall is not None
    if requested == "auto":
        return "stated" if stated else ("relative" if overall else None)
    if requested == "stated" and not stated:
        raise UsageError(
            "--importance stated needs importance columns (<item>_I, e.g. Q5_I); the file has "
            "none. Use --importance correlation|regression|relative with an 'overall' column."
        )
    if requested != "stated" and not overall:
        raise UsageError(
            f"--importance {requested} derives importance from an overall rating, but the file "
            "has no 'overall' column. Add one (or name it in [survey] overall), or use "
            "--importance stated."
        )
    return requested
