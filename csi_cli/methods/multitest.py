"""Adjusting p-values for multiple comparisons (Holm; Benjamini–Hochberg)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from statsmodels.stats.multitest import multipletests

Adjustment = Literal["holm", "bh"]

_STATSMODELS_METHOD = {"holm": "holm", "bh": "fdr_bh"}


def adjust_pvalues(p_values: np.ndarray, method: Adjustment = "holm") -> np.ndarray:
    """Adjust a family of p-values; missing p-values (NaN) stay missing and do not count.

    Parameters
    ----------
    p_values : ndarray
        Raw p-values of one family of tests (NaN where a test could not be run).
    method : {"holm", "bh"}
        ``"holm"``: Holm's step-down procedure, controlling the family-wise error rate;
        ``"bh"``: Benjamini–Hochberg step-up procedure, controlling the false discovery rate.

    Returns
    -------
    ndarray
        Adjusted p-values, each ≥ its raw p-value and ≤ 1.

    Notes
    -----
    With m tests sorted ascending, Holm: p̃_(i) = max_{j≤i} min(1, (m − j + 1) p_(j));
    BH: p̃_(i) = min_{j≥i} min(1, m p_(j) / j). Computed by
    ``statsmodels.stats.multitest.multipletests``.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics* 6(2), 65–70.
    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57(1),
    289–300.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        adjusted[tested] = multipletests(p[tested], method=_STATSMODELS_METHOD[method])[1]
    return adjusted
