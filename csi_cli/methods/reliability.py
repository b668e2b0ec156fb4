"""Quality of a PLS measurement and structural model: reliability, validity, collinearity, fit.

All functions take correlation matrices, loadings or weights as numpy arrays (no data), so they
cost nothing next to the fit.
"""

from __future__ import annotations

import numpy as np

from csi_cli.methods.pls import PathModel


def cronbach_alpha(corr: np.ndarray) -> float:
    """Standardized Cronbach's alpha of one block.

    Parameters
    ----------
    corr : ndarray (k, k)
        Correlation matrix of the block's items.

    Returns
    -------
    float
        NaN for a single-item block (alpha is undefined).

    Notes
    -----
    ``α = k/(k−1) · (1 − tr(R) / Σ_ij r_ij)`` on the correlation matrix R, as R plspm, seminr
    and SmartPLS report it for standardized indicators.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16(3), 297–334.
    """
    k = corr.shape[0]
    if k < 2:
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(corr) / corr.sum()))


def composite_reliability(loadings: np.ndarray) -> float:
    """Composite reliability rho_C (Dillon–Goldstein's rho, Jöreskog's rho).

    Notes
    -----
    ``ρ_C = (Σ λ_k)² / ((Σ λ_k)² + Σ (1 − λ_k²))`` with standardized loadings λ.

    References
    ----------
    Werts, C. E., Linn, R. L. & Jöreskog, K. G. (1974). Intraclass reliability estimates.
    *Educational and Psychological Measurement* 34(1), 25–33. Fornell, C. & Larcker, D. F.
    (1981). *J. Marketing Research* 18(1), 39–50.
    """
    total = loadings.sum() ** 2
    return float(total / (total + (1 - loadings**2).sum()))


def rho_a(weights: np.ndarray, corr: np.ndarray) -> float:
    """Dijkstra–Henseler's consistent reliability rho_A of one block.

    Parameters
    ----------
    weights : ndarray (k,)
        Outer weights of the block on the standardized items (any scale: they are normalized
        to ``w'Rw = 1`` here).
    corr : ndarray (k, k)
        Correlation matrix of the block's items.

    Notes
    -----
    ``ρ_A = (ŵ'ŵ)² · ŵ'(R − diag R)ŵ / ŵ'(ŵŵ' − diag(ŵŵ'))ŵ`` with ``ŵ'Rw = 1``; 1 for a
    single item.

    References
    ----------
    Dijkstra, T. K. & Henseler, J. (2015). Consistent partial least squares path modeling.
    *MIS Quarterly* 39(2), 297–316, eq. (17).
    """
    if weights.size < 2:
        return 1.0
    w = weights / np.sqrt(weights @ corr @ weights)
    outer = np.outer(w, w)
    off_corr = corr - np.diag(np.diag(corr))
    off_outer = outer - np.diag(np.diag(outer))
    return float((w @ w) ** 2 * (w @ off_corr @ w) / (w @ off_outer @ w))


def average_variance_extracted(loadings: np.ndarray) -> float:
    """AVE: the mean squared standardized loading of a block.

    References
    ----------
    Fornell, C. & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *J. Marketing Research* 18(1), 39–50.
    """
    return float((loadings**2).mean())


def htmt(corr: np.ndarray, model: PathModel) -> np.ndarray:
    """Heterotrait–monotrait ratio of correlations for every pair of constructs.

    Parameters
    ----------
    corr : ndarray (p, p)
        Item correlation matrix, items in ``model.items`` order.
    model : PathModel

    Returns
    -------
    ndarray (q, q)
        Symmetric; NaN on the diagonal and for constructs with a single item.

    Notes
    -----
    ``HTMT_ij = mean|r(i-items, j-items)| / sqrt(mean r(i-items) · mean r(j-items))``, the
    monotrait means over distinct item pairs. Values above 0.85 (0.90 for conceptually close
    constructs) question discriminant validity.

    References
    ----------
    Henseler, J., Ringle, C. M. & Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity in variance-based SEM. *J. Academy of Marketing Science* 43, 115–135.
    """
    members = model.membership
    sizes = members.sum(axis=0)
    absolute = np.abs(corr)
    block_sums = members.T @ absolute @ members
    pair_counts = np.outer(sizes, sizes)
    with np.errstate(divide="ignore", invalid="ignore"):
        within = (np.diag(block_sums) - sizes) / (sizes * (sizes - 1))
        ratio = (block_sums / pair_counts) / np.sqrt(np.outer(within, within))
    single = sizes < 2
    ratio[single, :] = np.nan
    ratio[:, single] = np.nan
    np.fill_diagonal(ratio, np.nan)
    return ratio


def inner_vif(construct_corr: np.ndarray, adjacency: np.ndarray) -> np.ndarray:
    """Variance inflation factors of each construct's predecessors.

    Returns
    -------
    ndarray (q, q)
        ``vif[i, j]``: VIF of predecessor i in the regression of j; NaN where there is no path.

    Notes
    -----
    ``VIF_i = 1 / (1 − R²_i) = (C_PP⁻¹)_ii`` with C_PP the correlation matrix of the
    predecessors P of j. Values above 5 (strictly 3) signal collinearity (Hair et al. 2022).

    References
    ----------
    Hair, J. F., Hult, G. T. M., Ringle, C. M. & Sarstedt, M. (2022). *A Primer on Partial
    Least Squares Structural Equation Modeling*, 3rd ed., ch. 6.
    """
    vif = np.full(construct_corr.shape, np.nan)
    for j in range(adjacency.shape[0]):
        predecessors = np.flatnonzero(adjacency[:, j])
        if predecessors.size:
            inverse = np.linalg.inv(construct_corr[np.ix_(predecessors, predecessors)])
            vif[predecessors, j] = np.diag(inverse)
    return vif


def adjusted_r2(r2: np.ndarray, n: int, predictors: np.ndarray) -> np.ndarray:
    """Adjusted R²: ``1 − (1 − R²)(n − 1)/(n − k − 1)`` with k predictors (NaN where k = 0).

    References
    ----------
    Theil, H. (1961). *Economic Forecasts and Policy*, 2nd ed. North-Holland.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        adjusted = 1 - (1 - r2) * (n - 1) / (n - predictors - 1)
    return np.where(predictors > 0, adjusted, np.nan)


def goodness_of_fit(loadings: np.ndarray, r2: np.ndarray, model: PathModel) -> float:
    """Tenenhaus' GoF: geometric mean of the average communality and the average R².

    Notes
    -----
    ``GoF = sqrt( mean_k λ_k² · mean_j R²_j )``: communalities over the items of blocks with
    more than one item, R² over the endogenous constructs (R plspm's definition).

    References
    ----------
    Tenenhaus, M., Amato, S. & Esposito Vinzi, V. (2004). A global goodness-of-fit index for
    PLS structural equation modelling. *Proceedings of the XLII SIS Scientific Meeting*,
    739–742. Tenenhaus et al. (2005), *CSDA* 48, §3.
    """
    multi_item = model.membership[:, model.membership.sum(axis=0) > 1].any(axis=1)
    communality = (loadings[multi_item] ** 2).mean()
    return float(np.sqrt(communality * r2[model.endogenous].mean()))
