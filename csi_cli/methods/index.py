"""The customer satisfaction index: ACSI / ECSI / CCSI / custom PLS models and the 0–100 index.

The numerics of :mod:`csi_cli.analyses.index`: missing answers, the 0–100 index of every
construct from outer weights, bootstrap summaries, the tables of a PLS fit
(:mod:`csi_cli.methods.pls`, :mod:`csi_cli.methods.reliability`), an importance–performance map
of the target's drivers, the index per segment and a permutation test of path differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from csi_cli.errors import InputError, ModelError, UsageError
from csi_cli.methods import pls, pls_bootstrap, reliability
from csi_cli.segments import segment_order

MIN_RESPONDENTS = 10
DROP_WARNING = 0.05
PERMUTATIONS = 1000
LEVEL = 0.95


@dataclass(frozen=True)
class Prepared:
    """Complete data for the model, which respondents it came from, and warnings."""

    data: np.ndarray
    used: np.ndarray
    warnings: tuple[str, ...]


def prepare(ratings: np.ndarray, missing: str, items: Sequence[str]) -> Prepared:
    """Apply the missing-answer rule: listwise deletion or item-mean imputation.

    Raises
    ------
    InputError
        Fewer than ``MIN_RESPONDENTS`` usable respondents, or an item nobody answered.
    """
    answered = ~np.isnan(ratings)
    empty = [item for item, seen in zip(items, answered.any(axis=0), strict=True) if not seen]
    if empty:
        raise InputError(
            f"Nobody answered CSI item(s) {', '.join(empty)}: drop them from the blocks."
        )
    if missing == "mean":
        used = answered.any(axis=1)
        means = np.nanmean(ratings, axis=0)
        data = np.where(answered, ratings, means)[used]
    else:
        used = answered.all(axis=1)
        data = ratings[used]
    if data.shape[0] < MIN_RESPONDENTS:
        raise InputError(
            f"Only {data.shape[0]} respondents answered every CSI item (at least "
            f"{MIN_RESPONDENTS} needed): use --missing mean, or check the missing-value codes."
        )
    dropped = 1 - used.mean()
    warnings = ()
    if dropped > DROP_WARNING:
        warnings = (
            f"{(~used).sum()} of {used.size} respondents ({dropped:.0%}) were dropped for missing "
            "CSI answers; --missing mean keeps them.",
        )
    return Prepared(data=data, used=used, warnings=warnings)


# --- the 0-100 index -------------------------------------------------------------------------


def construct_index(
    weights: np.ndarray, means: np.ndarray, model: pls.PathModel, scale: tuple[float, float]
) -> np.ndarray:
    """The 0–100 index of every construct (batched over leading axes).

    Parameters
    ----------
    weights : ndarray (..., p)
        Outer weights on the items' own scale, summing to 1 per block
        (:func:`csi_cli.methods.pls.raw_weights`).
    means : ndarray (..., p)
        Item means.
    scale : (min, max)
        Rating scale of the items.

    Notes
    -----
    ``index_j = 100 · (Σ_k w̃_k x̄_k − min) / (max − min)``; for a one-item construct, its
    rescaled mean.

    References
    ----------
    Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J. & Bryant, B. E. (1996). The American
    Customer Satisfaction Index. *J. Marketing* 60(4), 7–18.
    """
    low, high = scale
    return 100 * ((weights * means) @ model.membership - low) / (high - low)


def weighted_index(
    means: np.ndarray, model: pls.PathModel, scale: tuple[float, float]
) -> np.ndarray:
    """Index of every construct as the rescaled mean of its items (equal item weights)."""
    equal = model.membership / model.membership.sum(axis=0)
    return construct_index(equal.sum(axis=1), means, model, scale)


def combine(indices: np.ndarray, model: pls.PathModel, stated: dict[str, float]) -> np.ndarray:
    """Weighted average of construct indices with stated weights (equal when none are stated).

    Raises
    ------
    UsageError
        A stated weight names no construct of the model.
    """
    unknown = sorted(set(stated) - set(model.constructs))
    if unknown:
        raise UsageError(
            f"[csi.weights] names {', '.join(unknown)}, not constructs of the model "
            f"({', '.join(model.constructs)})."
        )
    weights = np.array([stated.get(name, 0.0 if stated else 1.0) for name in model.constructs])
    return indices @ (weights / weights.sum())


# --- summaries of a bootstrap ----------------------------------------------------------------


def summarize(original: np.ndarray, draws: np.ndarray | None) -> dict[str, np.ndarray]:
    """Bootstrap SE, t, two-sided p (Student t, B − 1 df) and percentile interval.

    Notes
    -----
    ``SE = sd(θ*_b)`` (divisor B − 1), ``t = θ̂ / SE``; interval: 2.5% and 97.5% quantiles of
    the draws (Hair et al. 2022, ch. 5; Davison & Hinkley 1997, §5.3).
    """
    if draws is None or draws.shape[0] < 2:
        nan = np.full(np.shape(original), np.nan)
        return {"std_error": nan, "t": nan, "p_value": nan, "ci_low": nan, "ci_high": nan}
    se = draws.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = original / se
    low, high = pls_bootstrap.percentile_interval(draws, LEVEL)
    p = 2 * scipy_stats.t.sf(np.abs(t), df=draws.shape[0] - 1)
    return {"std_error": se, "t": t, "p_value": p, "ci_low": low, "ci_high": high}


def bootstrap_means(data: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Item means of ``resamples`` bootstrap samples (resamples × p), drawn in batches over
    the resampling units of :func:`pls_bootstrap.resampling_units`."""
    rng = np.random.default_rng(seed)
    units = pls_bootstrap.resampling_units(data, rng)
    draws = []
    for size in pls_bootstrap.resample_batches(resamples, units.count):
        counts = pls_bootstrap.draw_counts(rng, size, units.count)
        draws.append(units.centre + (counts @ units.first) / (counts @ units.sizes)[:, None])
    return np.concatenate(draws)


# --- tables ----------------------------------------------------------------------------------


def construct_table(
    model: pls.PathModel,
    fitted: pls.PlsEstimates,
    stats: pls.Moments,
    options: pls.PlsOptions,
    index: np.ndarray,
    summary: dict[str, np.ndarray],
    n: int,
) -> pd.DataFrame:
    corr = pls.working_matrix(stats, scaled=True)
    standardized = fitted.weights * stats.sd if not options.scaled else fitted.weights
    rows = []
    for block, mode in zip(model.blocks, model.modes, strict=True):
        if mode == "B":  # formative: reflective reliability does not apply (R plspm: NA)
            rows.append(dict.fromkeys(("alpha", "rho_c", "rho_a", "ave"), np.nan))
            continue
        b = list(block)
        block_corr = corr[np.ix_(b, b)]
        loadings = fitted.loadings[b]
        rows.append(
            {
                "alpha": reliability.cronbach_alpha(block_corr),
                "rho_c": reliability.composite_reliability(loadings),
                "rho_a": reliability.rho_a(standardized[b], block_corr),
                "ave": reliability.average_variance_extracted(loadings),
            }
        )
    predictors = model.adjacency.sum(axis=0)
    frame = pd.DataFrame(
        {
            "name": model.constructs,
            "mode": model.modes,
            "n_items": [len(b) for b in model.blocks],
            "index": index,
            "ci_low": summary["ci_low"],
            "ci_high": summary["ci_high"],
            "r2": np.where(model.endogenous, fitted.r2, np.nan),
            "r2_adj": reliability.adjusted_r2(fitted.r2, n, predictors),
        }
    )
    return pd.concat([frame, pd.DataFrame(rows)], axis=1)


def path_table(
    model: pls.PathModel, fitted: pls.PlsEstimates, boot: pls_bootstrap.Bootstrap | None
) -> pd.DataFrame:
    sources, targets = np.nonzero(model.adjacency)
    estimates = fitted.paths[sources, targets]
    draws = None if boot is None else boot.estimates.paths[:, sources, targets]
    vif = reliability.inner_vif(fitted.construct_corr, model.adjacency)[sources, targets]
    frame = pd.DataFrame(
        {
            "from": [model.constructs[i] for i in sources],
            "to": [model.constructs[j] for j in targets],
            "estimate": estimates,
        }
    )
    return frame.assign(**summarize(estimates, draws), vif=vif)


def outer_table(
    model: pls.PathModel,
    fitted: pls.PlsEstimates,
    stats: pls.Moments,
    boot: pls_bootstrap.Bootstrap | None,
) -> pd.DataFrame:
    weights = summarize(fitted.weights, None if boot is None else boot.estimates.weights)
    loadings = summarize(fitted.loadings, None if boot is None else boot.estimates.loadings)
    return pd.DataFrame(
        {
            "construct": [model.constructs[b] for b in model.item_block],
            "item": model.items,
            "weight": fitted.weights,
            "loading": fitted.loadings,
            "weight_std_error": weights["std_error"],
            "weight_ci_low": weights["ci_low"],
            "weight_ci_high": weights["ci_high"],
            "loading_std_error": loadings["std_error"],
            "loading_ci_low": loadings["ci_low"],
            "loading_ci_high": loadings["ci_high"],
            "mean": stats.mean,
        }
    )


def effects_table(
    model: pls.PathModel, fitted: pls.PlsEstimates, boot: pls_bootstrap.Bootstrap | None
) -> pd.DataFrame:
    total = fitted.total_effects()
    sources, targets = np.nonzero(np.abs(total) > 0)
    draws = None if boot is None else boot.estimates.total_effects()[:, sources, targets]
    summary = summarize(total[sources, targets], draws)
    return pd.DataFrame(
        {
            "from": [model.constructs[i] for i in sources],
            "to": [model.constructs[j] for j in targets],
            "direct": fitted.paths[sources, targets],
            "indirect": fitted.indirect_effects()[sources, targets],
            "total": total[sources, targets],
            "total_std_error": summary["std_error"],
            "total_ci_low": summary["ci_low"],
            "total_ci_high": summary["ci_high"],
        }
    )


def htmt_table(model: pls.PathModel, stats: pls.Moments) -> pd.DataFrame:
    ratio = reliability.htmt(pls.working_matrix(stats, scaled=True), model)
    first, second = np.triu_indices(len(model.constructs), k=1)
    frame = pd.DataFrame(
        {
            "construct_a": [model.constructs[i] for i in first],
            "construct_b": [model.constructs[j] for j in second],
            "htmt": ratio[first, second],
        }
    )
    return frame.dropna().reset_index(drop=True)


def importance_performance(
    fitted: pls.PlsEstimates,
    stats: pls.Moments,
    weights: np.ndarray,
    index: np.ndarray,
    model: pls.PathModel,
    target: int,
    scale: tuple[float, float],
) -> pd.DataFrame:
    """Importance–performance map of the constructs with an effect on the target.

    Notes
    -----
    Performance: the 0–100 index. Importance: the unstandardized total effect on the target of
    the rescaled (0–100) scores, ``t_ij · sd(Y_target) / sd(Y_i)`` with ``t_ij`` the
    standardized total effect and ``sd(Y_j) = 100 · sqrt(w̃_j' Σ_jj w̃_j) / (max − min)``
    (Σ the item covariance matrix).

    References
    ----------
    Ringle, C. M. & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: the
    importance-performance map analysis. *Industrial Management & Data Systems* 116(9),
    1865–1886.
    """
    total = fitted.total_effects()[:, target]
    drivers = np.flatnonzero(np.abs(total) > 0)
    if drivers.size == 0:
        return pd.DataFrame()
    W = weights[:, None] * model.membership
    sd = np.sqrt(((stats.cov @ W) * W).sum(axis=0)) * 100 / (scale[1] - scale[0])
    return pd.DataFrame(
        {
            "construct": [model.constructs[i] for i in drivers],
            "performance": index[drivers],
            "importance": total[drivers] * sd[target] / sd[drivers],
            "total_effect": total[drivers],
        }
    )


# --- segments --------------------------------------------------------------------------------


def segment_indices(
    data: np.ndarray,
    labels: np.ndarray,
    model: pls.PathModel,
    scale: tuple[float, float],
    pooled: np.ndarray,
    options: pls.PlsOptions,
    *,
    refit: bool,
    resamples: int,
    seed: int,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Index of every construct per segment, with bootstrap percentile intervals.

    With pooled weights (default) a segment's index uses the full-sample weights and the
    segment's means (methods.md §1), so only the means are resampled; with ``refit`` each
    segment gets its own PLS fit and bootstrap.
    """
    rows, warnings = [], []
    for group in segment_order(labels):
        part = data[labels == group]
        if part.shape[0] < MIN_RESPONDENTS:
            warnings.append(
                f"Segment {group!r} has {part.shape[0]} respondents "
                f"(< {MIN_RESPONDENTS}): left out."
            )
            continue
        index, draws = _segment_draws(part, model, scale, pooled, options, refit, resamples, seed)
        summary = summarize(index, draws)
        rows += [
            {
                "segment": group,
                "construct": name,
                "n": part.shape[0],
                "index": index[j],
                "ci_low": summary["ci_low"][j],
                "ci_high": summary["ci_high"][j],
            }
            for j, name in enumerate(model.constructs)
        ]
    return pd.DataFrame(rows), tuple(warnings)


def _segment_draws(
    part: np.ndarray,
    model: pls.PathModel,
    scale: tuple[float, float],
    pooled: np.ndarray,
    options: pls.PlsOptions,
    refit: bool,
    resamples: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray | None]:
    stats = pls.moments(part)
    if not refit:
        draws = None
        if resamples > 0:
            draws = construct_index(pooled, bootstrap_means(part, resamples, seed), model, scale)
        return construct_index(pooled, stats.mean, model, scale), draws
    fitted = pls.fit(stats, model, options)
    index = construct_index(
        pls.raw_weights(fitted, stats, model, options.scaled), stats.mean, model, scale
    )
    if resamples <= 0:
        return index, None
    boot = pls_bootstrap.bootstrap(part, model, fitted, options, resamples, seed)
    weights = pls.raw_weights(boot.estimates, boot.stats, model, options.scaled)
    return index, construct_index(weights, boot.stats.mean, model, scale)


def permutation_test(
    data: np.ndarray,
    labels: np.ndarray,
    model: pls.PathModel,
    options: pls.PlsOptions,
    permutations: int,
    seed: int,
) -> pd.DataFrame:
    """Permutation test of the difference of every path between two groups.

    Notes
    -----
    Fit each group, take ``d = β₁ − β₂``; reassign the group labels at random ``P`` times
    (group sizes kept), refit both groups (batched) and take
    ``p = (1 + #{|d*| ≥ |d|}) / (1 + P)``.

    References
    ----------
    Chin, W. W. & Dibbern, J. (2010). An introduction to a permutation based procedure for
    multi-group PLS analysis. In *Handbook of Partial Least Squares*, 171–193. Springer.
    """
    keep = pd.notna(labels)
    data, labels = data[keep], labels[keep]
    first, second = sorted(pd.unique(labels), key=str)
    mask = (labels == first).astype(float)
    rng = np.random.default_rng(seed)
    shuffled = rng.permuted(np.tile(mask, (permutations, 1)), axis=1)
    observed = _group_paths(data, np.vstack([mask, shuffled]), model, options)
    sources, targets = np.nonzero(model.adjacency)
    differences = observed[:, sources, targets]
    extreme = (np.abs(differences[1:]) >= np.abs(differences[0]) - 1e-12).sum(axis=0)
    return pd.DataFrame(
        {
            "from": [model.constructs[i] for i in sources],
            "to": [model.constructs[j] for j in targets],
            "group_a": first,
            "group_b": second,
            "difference": differences[0],
            "p_value": (1 + extreme) / differences.shape[0],
        }
    )


def _group_paths(
    data: np.ndarray, masks: np.ndarray, model: pls.PathModel, options: pls.PlsOptions
) -> np.ndarray:
    """Path differences (group 1 − group 2) for each 0/1 membership row; first row must fit."""
    one, ok_one = pls.fit_batch(pls.resampled_moments(data, masks), model, options)
    two, ok_two = pls.fit_batch(pls.resampled_moments(data, 1 - masks), model, options)
    both = ok_one & ok_two
    if not both[0]:
        raise ModelError(
            "The PLS model does not converge in one of the two groups: "
            "compare with pooled weights (without --refit) instead."
        )
    return one.paths[both[ok_one]] - two.paths[both[ok_two]]
