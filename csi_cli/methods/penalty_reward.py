"""Penalty–reward contrast analysis: the survey-data counterpart of Kano.

Overall satisfaction is regressed on two dummies per attribute — low and high performance, the
middle of the scale as base. A significant penalty (low) without a reward (high) marks a basic
factor, a reward without a penalty an excitement factor, both a performance factor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS

from csi_cli.errors import ModelError
from csi_cli.results import Chart, Table, records

CONFIDENCE = 0.95


def performance_levels(
    performance: np.ndarray, scale: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Low and high performance dummies of each rating.

    Parameters
    ----------
    performance : numpy.ndarray
        Ratings (NaN for blanks).
    scale : (min, max)
        Rating scale.

    Returns
    -------
    low, high : numpy.ndarray of bool
        ``low`` for ratings in the bottom third of the scale (≤ min + (max − min)/3), ``high``
        for the top third (≥ max − (max − min)/3); e.g. 1–2 and 4–5 on a 1–5 scale, 1–3 and
        5–7 on a 1–7 scale, 0–3 and 7–10 on a 0–10 scale.
    """
    low_end, high_end = scale
    third = (high_end - low_end) / 3
    performance = np.asarray(performance, dtype=float)
    return performance <= low_end + third, performance >= high_end - third


def penalty_reward(
    overall: np.ndarray,
    performance: np.ndarray,
    attributes: Sequence[str],
    scale: tuple[float, float] | None = None,
) -> PenaltyRewardResult:
    """Penalty–reward contrast analysis of overall satisfaction on attribute performance.

    Parameters
    ----------
    overall : numpy.ndarray, shape (n,)
        Overall satisfaction rating.
    performance : numpy.ndarray, shape (n, k)
        Performance rating of each attribute.
    attributes : sequence of str
        Names of the k attributes.
    scale : (min, max), optional
        Scale of the performance ratings; the observed range when not given.

    Returns
    -------
    PenaltyRewardResult

    Raises
    ------
    ModelError
        When fewer complete respondents than coefficients remain.

    Notes
    -----
    OLS over respondents with every rating (listwise):
    ``overall = b0 + Σ_j (p_j · low_j + r_j · high_j) + e``. The penalty p_j is the change of
    overall satisfaction when attribute j performs low rather than middling, the reward r_j when
    it performs high. 95% CIs from the OLS t distribution. Class: basic when only the penalty
    is significant (CI below 0), excitement when only the reward is (CI above 0), performance
    when both are, unclear otherwise. Impact asymmetry ``(|r| − |p|) / (|r| + |p|)`` (Mikulić &
    Prebežac 2008) ranges from −1 (purely a penalty) to 1 (purely a reward).

    References
    ----------
    Brandt, D. R. (1987). A procedure for identifying value-enhancing service components using
    customer satisfaction survey data. In *Add Value to Your Service*, AMA, 61–65.
    Matzler, K., Bailom, F., Hinterhuber, H. H., Renzl, B. & Pichler, J. (2004). The asymmetric
    relationship between attribute-level performance and overall customer satisfaction.
    *Industrial Marketing Management* 33(4), 271–277.
    Mikulić, J. & Prebežac, D. (2008). Prioritizing improvement of service attributes using
    impact range-performance analysis and impact-asymmetry analysis. *Managing Service
    Quality* 18(6), 559–576.
    """
    overall = np.asarray(overall, dtype=float)
    performance = np.asarray(performance, dtype=float).reshape(len(overall), -1)
    complete = np.isfinite(overall) & np.isfinite(performance).all(axis=1)
    scale = scale or (float(np.nanmin(performance)), float(np.nanmax(performance)))
    low, high = performance_levels(performance[complete], scale)
    design = _design(low, high, attributes)
    usable = design.columns[design.std(ddof=0) > 0]
    if complete.sum() <= len(usable) + 1:
        raise ModelError(
            f"penalty–reward analysis needs more respondents with overall and every performance "
            f"rating than its {len(usable) + 1} coefficients; only {complete.sum()} have them. "
            "Collect more answers or drop attributes' performance columns."
        )
    regressors = design[usable].assign(const=1.0)[["const", *usable]]
    fit = OLS(overall[complete], regressors).fit()
    return PenaltyRewardResult(
        n_used=int(complete.sum()),
        scale=(float(scale[0]), float(scale[1])),
        r2=float(fit.rsquared),
        effects=_effects(fit, design.columns, attributes, low, high),
    )


def _design(low: np.ndarray, high: np.ndarray, attributes: Sequence[str]) -> pd.DataFrame:
    columns = {}
    for j, attribute in enumerate(attributes):
        columns[f"{attribute}:low"] = low[:, j].astype(float)
        columns[f"{attribute}:high"] = high[:, j].astype(float)
    return pd.DataFrame(columns)


def _effects(
    fit: Any,
    columns: pd.Index,
    attributes: Sequence[str],
    low: np.ndarray,
    high: np.ndarray,
) -> pd.DataFrame:
    """Penalty and reward of each attribute with CIs, p-values, class and asymmetry."""
    ci = fit.conf_int(alpha=1 - CONFIDENCE)
    coef = fit.params.reindex(columns)
    lo, hi, p = ci[0].reindex(columns), ci[1].reindex(columns), fit.pvalues.reindex(columns)
    low_names = [f"{a}:low" for a in attributes]
    high_names = [f"{a}:high" for a in attributes]
    frame = pd.DataFrame(
        {
            "attribute": list(attributes),
            "n_low": low.sum(axis=0),
            "n_high": high.sum(axis=0),
            "penalty": coef[low_names].to_numpy(),
            "penalty_ci_low": lo[low_names].to_numpy(),
            "penalty_ci_high": hi[low_names].to_numpy(),
            "penalty_p": p[low_names].to_numpy(),
            "reward": coef[high_names].to_numpy(),
            "reward_ci_low": lo[high_names].to_numpy(),
            "reward_ci_high": hi[high_names].to_numpy(),
            "reward_p": p[high_names].to_numpy(),
        }
    )
    frame["class"] = factor_class(frame["penalty_ci_high"] < 0, frame["reward_ci_low"] > 0)
    reward, penalty = frame["reward"].abs(), frame["penalty"].abs()
    frame["asymmetry"] = (reward - penalty) / (reward + penalty).where(reward + penalty > 0)
    return frame


def factor_class(penalty_significant: pd.Series, reward_significant: pd.Series) -> np.ndarray:
    """basic / performance / excitement / unclear from which effects are significant."""
    penalty, reward = np.asarray(penalty_significant), np.asarray(reward_significant)
    return np.select(
        [penalty & reward, penalty, reward],
        ["performance", "basic", "excitement"],
        default="unclear",
    )


@dataclass(frozen=True)
class PenaltyRewardResult:
    """Penalties and rewards of each attribute (see :func:`penalty_reward`)."""

    n_used: int
    scale: tuple[float, float]
    r2: float
    effects: pd.DataFrame
    name: str = "penalty_reward"
    title: str = "Penalty–reward contrast analysis"

    def to_dict(self) -> dict[str, Any]:
        """``n_used``, ``scale``, ``r2`` and one record per attribute."""
        return {
            "n_used": self.n_used,
            "scale": list(self.scale),
            "r2": self.r2,
            "attributes": records(self.effects),
        }

    def tables(self) -> list[Table]:
        """Penalties and rewards with CIs, drawn as bars."""
        columns = ["attribute", "class", "penalty", "penalty_ci_low", "penalty_ci_high"]
        columns += ["reward", "reward_ci_low", "reward_ci_high", "asymmetry", "n_low", "n_high"]
        return [
            Table(
                title="Penalty–reward contrast analysis",
                frame=self.effects[columns],
                digits={c: 2 for c in columns[2:9]},
                note=(
                    f"OLS of overall satisfaction on low/high performance dummies "
                    f"(n = {self.n_used}, R² = {self.r2:.2f}); basic = only a penalty, "
                    "excitement = only a reward, performance = both (95% CIs)."
                ),
                chart=Chart(
                    kind="bar",
                    x="attribute",
                    y=("penalty", "reward"),
                    title="Penalty (low performance) and reward (high performance)",
                    y_title="Change in overall satisfaction",
                ),
                key="kano_penalty_reward",
            )
        ]
