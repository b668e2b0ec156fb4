"""Two independent groups compared column by column: Welch's t test with the CI of the
difference (periods, segments against the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95


def welch_differences(first: np.ndarray, second: np.ndarray, names: Sequence[str]) -> pd.DataFrame:
    """Mean of every column in two independent groups, Welch's t test and CI of the difference.

    Parameters
    ----------
    first, second : ndarray, shape (n₁, k), (n₂, k)
        Values of the two groups (NaN left out).
    names : sequence of str
        The k column names.

    Returns
    -------
    DataFrame
        ``name``, ``current`` (mean of the first group), ``previous``, ``difference``,
        ``std_error``, ``ci_low``, ``ci_high``, ``statistic`` (t), ``df`` (Welch–Satterthwaite)
        and ``p_value``; NaN where a group has fewer than two values.

    Notes
    -----
    ``t = (x̄₁ − x̄₂) / sqrt(s₁²/n₁ + s₂²/n₂)`` on Welch–Satterthwaite degrees of freedom; the
    95% CI is ``Δ ± t_{0.975, df} · SE`` (``scipy.stats.ttest_ind(equal_var=False)``).

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34(1–2), 28–35.
    """
    rows = []
    for j, name in enumerate(names):
        a, b = first[:, j], second[:, j]
        a, b = a[~np.isnan(a)], b[~np.isnan(b)]
        row: dict[str, Any] = {"name": name, "current": np.nan, "previous": np.nan}
        if a.size:
            row["current"] = a.mean()
        if b.size:
            row["previous"] = b.mean()
        row["difference"] = row["current"] - row["previous"]
        if min(a.size, b.size) >= 2:
            test = stats.ttest_ind(a, b, equal_var=False)
            interval = test.confidence_interval(CONFIDENCE)
            row.update(
                std_error=row["difference"] / test.statistic if test.statistic else np.nan,
                ci_low=interval.low,
                ci_high=interval.high,
                statistic=test.statistic,
                df=test.df,
                p_value=test.pvalue,
            )
        rows.append(row)
    columns = [
        "name",
        "current",
        "previous",
        "difference",
        "std_error",
        "ci_low",
        "ci_high",
        "statistic",
        "df",
        "p_value",
    ]
    return pd.DataFrame(rows).reindex(columns=columns)
