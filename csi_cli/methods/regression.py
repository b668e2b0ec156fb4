"""Ordinary least squares with heteroskedasticity-robust (HC3) standard errors, vectorized.

Shared by the complaint drivers and the journey consistency effect: one fit over up to millions
of respondents must stay a few matrix products, with no per-respondent loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class OlsFit:
    """Coefficients of an OLS fit with HC3 standard errors, t tests and 95% CIs.

    ``coefficients`` has one row per term (``term``, ``estimate``, ``std_error``, ``t``,
    ``p_value``, ``ci_low``, ``ci_high``); ``n`` respondents, ``r2`` the in-sample R².
    """

    coefficients: pd.DataFrame
    n: int
    r2: float

    def term(self, name: str) -> dict[str, float]:
        """One term's row as a dictionary."""
        row = self.coefficients.set_index("term").loc[name]
        return {key: float(value) for key, value in row.items()}


def ols_hc3(y: np.ndarray, predictors: np.ndarray, names: Sequence[str]) -> OlsFit:
    """OLS of ``y`` on an intercept and ``predictors`` with HC3 robust standard errors.

    Parameters
    ----------
    y : ndarray, shape (n,)
        Outcome (rows with NaN anywhere are left out, listwise).
    predictors : ndarray, shape (n, k)
        Predictors, without the intercept column.
    names : sequence of str
        The k predictor names (the intercept is ``"intercept"``).

    Returns
    -------
    OlsFit

    Notes
    -----
    β̂ = (XᵀX)⁻¹Xᵀy; with leverages h_i = x_i (XᵀX)⁻¹ x_iᵀ and residuals e_i, the HC3
    covariance is (XᵀX)⁻¹ [Σ_i x_iᵀx_i e_i² / (1 − h_i)²] (XᵀX)⁻¹ (MacKinnon & White 1985;
    Long & Ervin 2000 recommend it for small samples). t = β̂ / SE on n − k − 1 degrees of
    freedom; CI β̂ ± t_{0.975} SE (as ``statsmodels`` ``OLS.fit(cov_type="HC3", use_t=True)``).
    A leverage of 1 (a respondent alone defining a coefficient) gives an infinite SE.

    References
    ----------
    MacKinnon, J. G., & White, H. (1985). Some heteroskedasticity-consistent covariance matrix
    estimators with improved finite sample properties. *J. Econometrics* 29(3), 305–325.
    Long, J. S., & Ervin, L. H. (2000). Using heteroscedasticity consistent standard errors in
    the linear regression model. *The American Statistician* 54(3), 217–224.
    """
    return ols_hc3_many(np.asarray(y, dtype=float)[:, None], predictors, names)[0]


def ols_hc3_many(
    outcomes: np.ndarray, predictors: np.ndarray, names: Sequence[str]
) -> list[OlsFit]:
    """:func:`ols_hc3` of several outcomes on the same predictors, sharing (XᵀX)⁻¹ and the
    leverages; rows with a NaN in any outcome or predictor are left out of every fit."""
    x = np.column_stack([np.ones(len(outcomes)), np.asarray(predictors, dtype=float)])
    complete = ~(np.isnan(outcomes).any(axis=1) | np.isnan(x).any(axis=1))
    if not complete.all():
        x, outcomes = x[complete], outcomes[complete]
    n, p = x.shape
    gram_inverse = np.linalg.pinv(x.T @ x)
    betas = gram_inverse @ (x.T @ outcomes)
    leverage = np.sum((x @ gram_inverse) * x, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        inflation = 1.0 / (1.0 - leverage) ** 2
    df = n - p
    critical = stats.t.ppf(0.5 + CONFIDENCE / 2, df) if df > 0 else np.nan
    fits = []
    for j in range(outcomes.shape[1]):
        y, beta = outcomes[:, j], betas[:, j]
        residuals = y - x @ beta
        with np.errstate(divide="ignore", invalid="ignore"):
            meat = (x * (residuals**2 * inflation)[:, None]).T @ x
            se = np.sqrt(np.diag(gram_inverse @ meat @ gram_inverse))
            t = beta / se
        p_value = 2 * stats.t.sf(np.abs(t), df) if df > 0 else np.full(p, np.nan)
        frame = pd.DataFrame(
            {
                "term": ["intercept", *names],
                "estimate": beta,
                "std_error": se,
                "t": t,
                "p_value": p_value,
                "ci_low": beta - critical * se,
                "ci_high": beta + critical * se,
            }
        )
        total = np.sum((y - y.mean()) ** 2)
        r2 = 1.0 - float(residuals @ residuals) / total if total > 0 else float("nan")
        fits.append(OlsFit(frame, n, r2))
    return fits
