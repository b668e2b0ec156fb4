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

from csi_cli.errors import ModelError, UsageError
from csi_cli.results import Chart, Table, plain, records

if TYPE_CHECKING:
    from csi_cli.options import RunOptions
    from csi_cli.survey import Survey

DerivedMethod = Literal["correlation", "regression", "relative"]

CONCENTRATE = "Concentrate here"
KEEP_UP = "Keep up the good work"
LOW_PRIORITY = "Low priority"
OVERKILL = "Possible overkill"

#: Eigenvalues of the predictors' correlation matrix below this (relative to the largest) mean
#: the predictors are linearly dependent.
SINGULAR_TOLERANCE = 1e-10


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
    if values.min() <= SINGULAR_TOLERANCE * values.max():
        raise ModelError(
            "the items' perceptions are linearly dependent (one is a combination of others), "
            "so regression weights are undefined; drop duplicated items or use "
            "--importance correlation."
        )
    return values, vectors


def regression_weights(r_xx: np.ndarray, r_xy: np.ndarray) -> np.ndarray:
    """Standardized regression weights β = R_xx⁻¹ r_xy of the overall rating on the drivers.

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *J. Marketing*
    41(1), 77–79 (derived importance as the regression weight).
    """
    values, vectors = _eigen(r_xx)
    return vectors @ ((vectors.T @ r_xy) / values)


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
    values, vectors = _eigen(r_xx)
    loadings = (vectors * np.sqrt(values)) @ vectors.T
    beta = (vectors / np.sqrt(values)) @ (vectors.T @ r_xy)
    return (loadings**2) @ (beta**2)


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
    items = pd.DataFrame(
        {
            "item": list(names),
            "performance": performance,
            "importance": importance,
            "quadrant": quadrants(performance, importance, x_line, y_line),
        }
    )
    return IpaResult(items, source, crosshair, x_line, y_line, r2, tuple(notes))


def analyze(survey: Survey, options: RunOptions) -> IpaResult | None:
    """Importance–performance map of the survey's gap items, or None without importance.

    ``options.importance``: ``"auto"`` uses stated importance when ``<item>_I`` columns exist,
    else relative weights on the ``overall`` rating when it exists, else no map.

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
        importance = np.nanmean(survey.ratings([i.importance for i in items]), axis=0)
        r2 = None
    else:
        importance, r2 = derived_importance(
            survey.ratings([i.perception for i in items]),
            survey.numeric(survey.layout.overall),
            source,
        )
    performance = np.nanmean(survey.ratings([i.perception for i in items]), axis=0)
    return importance_performance(
        [i.item for i in items],
        performance,
        importance,
        source=source,
        crosshair=options.crosshair,
        midpoints=(midpoint, midpoint if source == "stated" else None),
        r2=r2,
    )


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
