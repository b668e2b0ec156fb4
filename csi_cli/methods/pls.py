"""PLS path modeling (Wold; Lohmöller 1989) on the indicator covariance matrix.

Everything after one pass over the data is p×p algebra: the engine takes the (population)
covariance matrix of the indicators, iterates the outer weights on it, and derives scores'
correlations, paths, loadings and R² from ``W'SW``. Every function works on a stack of
covariance matrices (leading batch axis), so a single fit, a segment and 5,000 bootstrap
resamples run through the same code; a single fit is a batch of one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from csi_cli.errors import ModelError

Mode = Literal["A", "B"]
ROW_CHUNK = 50_000  # respondents per chunk of the batched cross-products


@dataclass(frozen=True)
class PathModel:
    """Constructs, the columns that measure them, their modes and the inner paths.

    Attributes
    ----------
    constructs : tuple of str
        Construct names, in the order of every per-construct array.
    items : tuple of str
        Indicator names, in the order of the data columns.
    blocks : tuple of tuple of int
        For each construct, the indices (into ``items``) of its indicators.
    modes : tuple of {"A", "B"}
        Measurement mode per construct: A reflective, B formative.
    paths : tuple of (str, str)
        Inner model arrows ``(from, to)``.
    """

    constructs: tuple[str, ...]
    items: tuple[str, ...]
    blocks: tuple[tuple[int, ...], ...]
    modes: tuple[str, ...]
    paths: tuple[tuple[str, str], ...]

    @classmethod
    def build(
        cls,
        blocks: Mapping[str, Sequence[str]],
        paths: Sequence[tuple[str, str]],
        modes: Mapping[str, str] | None = None,
    ) -> PathModel:
        """A checked model from ``{construct: [items]}``, ``[(from, to)]``, ``{construct: mode}``.

        Raises
        ------
        ModelError
            Empty or overlapping blocks, unknown constructs in paths or modes, a cycle, or a
            construct with no path.
        """
        constructs = tuple(blocks)
        items = tuple(item for name in constructs for item in blocks[name])
        _check_blocks(blocks, items)
        _check_paths(constructs, paths)
        modes = dict(modes or {})
        _check_modes(constructs, modes)
        positions, start = [], 0
        for name in constructs:
            positions.append(tuple(range(start, start + len(blocks[name]))))
            start += len(blocks[name])
        return cls(
            constructs=constructs,
            items=items,
            blocks=tuple(positions),
            modes=tuple(modes.get(name, "A").upper() for name in constructs),
            paths=tuple((str(a), str(b)) for a, b in paths),
        )

    @cached_property
    def membership(self) -> np.ndarray:
        """p×q 0/1 matrix: item k belongs to construct j."""
        matrix = np.zeros((len(self.items), len(self.constructs)))
        for j, block in enumerate(self.blocks):
            matrix[list(block), j] = 1.0
        return matrix

    @cached_property
    def adjacency(self) -> np.ndarray:
        """q×q boolean matrix: ``adjacency[i, j]`` is the path i → j."""
        index = {name: j for j, name in enumerate(self.constructs)}
        matrix = np.zeros((len(self.constructs),) * 2, dtype=bool)
        for source, target in self.paths:
            matrix[index[source], index[target]] = True
        return matrix

    @cached_property
    def item_block(self) -> np.ndarray:
        """For each item, the index of its construct."""
        return self.membership.argmax(axis=1)

    @property
    def endogenous(self) -> np.ndarray:
        """Boolean per construct: it has at least one predecessor."""
        return self.adjacency.any(axis=0)


def _check_blocks(blocks: Mapping[str, Sequence[str]], items: tuple[str, ...]) -> None:
    empty = [name for name, columns in blocks.items() if len(columns) == 0]
    if empty:
        raise ModelError(f"Construct(s) {', '.join(empty)} have no items: give each block columns.")
    repeated = sorted({item for item in items if items.count(item) > 1})
    if repeated:
        raise ModelError(
            f"Item(s) {', '.join(repeated)} appear in more than one block: "
            "assign each column to one construct."
        )


def _check_paths(constructs: tuple[str, ...], paths: Sequence[tuple[str, str]]) -> None:
    known = set(constructs)
    unknown = sorted({name for path in paths for name in path if name not in known})
    if unknown:
        raise ModelError(
            f"Paths name construct(s) without a block: {', '.join(unknown)}. "
            f"Known constructs: {', '.join(constructs)}."
        )
    linked = {name for path in paths for name in path}
    isolated = [name for name in constructs if name not in linked]
    if isolated:
        raise ModelError(
            f"Construct(s) {', '.join(isolated)} have no path: connect them in [csi.paths] "
            "or drop their blocks."
        )
    if _has_cycle(constructs, paths):
        raise ModelError("The inner model has a cycle: PLS path models must be recursive.")


def _has_cycle(constructs: tuple[str, ...], paths: Sequence[tuple[str, str]]) -> bool:
    remaining = {name: {a for a, b in paths if b == name} for name in constructs}
    while remaining:
        sources = [name for name, preds in remaining.items() if not preds]
        if not sources:
            return True
        for name in sources:
            del remaining[name]
        for preds in remaining.values():
            preds.difference_update(sources)
    return False


def _check_modes(constructs: tuple[str, ...], modes: Mapping[str, str]) -> None:
    bad = {k: v for k, v in modes.items() if k not in constructs or str(v).upper() not in "AB"}
    if bad:
        raise ModelError(f'Invalid [csi.modes] entries {bad}: use a construct name and "A" or "B".')


@dataclass(frozen=True)
class PlsOptions:
    """Algorithm settings.

    Attributes
    ----------
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme.
    scaled : bool
        Standardize indicators (True) or only centre them (R plspm ``scaled = FALSE``).
    tol : float
        Stop when the sum of squared changes of the outer weights falls below ``tol``
        (the criterion of R plspm, which compares absolute values).
    max_iter : int
        Iteration limit; not converging by then is a :class:`ModelError`.
    """

    scheme: str = "path"
    scaled: bool = True
    tol: float = 1e-12
    max_iter: int = 300


DEFAULT_OPTIONS = PlsOptions()


@dataclass(frozen=True)
class Moments:
    """Means and population covariance matrices (divisor n) of the indicators.

    ``mean`` has shape ``(..., p)`` and ``cov`` ``(..., p, p)``; a leading axis holds resamples.
    """

    n: int
    mean: np.ndarray
    cov: np.ndarray

    @property
    def sd(self) -> np.ndarray:
        """Population standard deviation of each indicator."""
        return np.sqrt(np.diagonal(self.cov, axis1=-2, axis2=-1))


def moments(data: np.ndarray) -> Moments:
    """Means and population covariance of complete data (n × p) in one pass.

    Notes
    -----
    ``cov = Xc'Xc / n`` with ``Xc`` the centred data.
    """
    mean = data.mean(axis=0)
    centred = data - mean
    return Moments(n=data.shape[0], mean=mean, cov=centred.T @ centred / data.shape[0])


def resampled_moments(data: np.ndarray, counts: np.ndarray) -> Moments:
    """Moments of many reweightings of the same respondents at once.

    Parameters
    ----------
    data : ndarray, shape (n, p)
        Complete data.
    counts : ndarray, shape (B, n)
        How often each respondent enters each resample (bootstrap counts, or 0/1 group masks);
        every row must sum to the same total.

    Notes
    -----
    With ``Xc`` the data centred at the full-sample mean and ``c_b`` the counts of resample b,
    ``mean_b = x̄ + c_b Xc / m`` and ``cov_b = Xc' diag(c_b) Xc / m − d_b d_b'``
    (``m = Σ c_b``, ``d_b = c_b Xc / m``): one matrix product ``C @ [x_i ⊗ x_i]`` for all
    resamples, over the upper triangle only.
    """
    total = counts[0].sum()
    centre = data.mean(axis=0)
    centred = data - centre
    upper = np.triu_indices(data.shape[1])
    second = np.zeros((counts.shape[0], upper[0].size))
    for start in range(0, data.shape[0], ROW_CHUNK):
        rows = centred[start : start + ROW_CHUNK]
        second += counts[:, start : start + ROW_CHUNK] @ (rows[:, upper[0]] * rows[:, upper[1]])
    shift = counts @ centred / total
    cov = np.zeros((counts.shape[0], data.shape[1], data.shape[1]))
    cov[:, upper[0], upper[1]] = second / total
    cov[:, upper[1], upper[0]] = second / total
    cov -= shift[:, :, None] * shift[:, None, :]
    return Moments(n=int(total), mean=centre + shift, cov=cov)


def working_matrix(stats: Moments, scaled: bool) -> np.ndarray:
    """The matrix PLS iterates on: correlations (``scaled``) or population covariances."""
    if not scaled:
        return stats.cov
    sd = stats.sd
    with np.errstate(divide="ignore", invalid="ignore"):
        return stats.cov / (sd[..., :, None] * sd[..., None, :])


@dataclass(frozen=True)
class PlsEstimates:
    """PLS estimates, with a leading resample axis when fitted in a batch.

    Attributes
    ----------
    weights : ndarray (..., p)
        Outer weights: scores ``Y_j = Σ w_k x_k`` have unit (population) variance, with ``x``
        standardized (``scaled``) or centred.
    loadings : ndarray (..., p)
        Correlation of each item with its construct's score.
    cross_loadings : ndarray (..., p, q)
        Correlation of each item with every score.
    construct_corr : ndarray (..., q, q)
        Correlations of the scores, ``W'SW``.
    paths : ndarray (..., q, q)
        ``paths[i, j]``: standardized OLS coefficient of construct i in the regression of j on
        its predecessors.
    r2 : ndarray (..., q)
        R² of each endogenous construct (0 for exogenous ones).
    iterations : ndarray (...,) of int
        Iterations used.
    """

    weights: np.ndarray
    loadings: np.ndarray
    cross_loadings: np.ndarray
    construct_corr: np.ndarray
    paths: np.ndarray
    r2: np.ndarray
    iterations: np.ndarray

    def total_effects(self) -> np.ndarray:
        """Total effects ``(I − B)⁻¹ − I`` (B the path matrix), indexed ``[from, to]``.

        References
        ----------
        Alwin, D. F. & Hauser, R. M. (1975). The decomposition of effects in path analysis.
        *American Sociological Review* 40(1), 37–47.
        """
        q = self.paths.shape[-1]
        return np.linalg.inv(np.eye(q) - self.paths) - np.eye(q)

    def indirect_effects(self) -> np.ndarray:
        """Indirect effects: total minus direct."""
        return self.total_effects() - self.paths


def fit(stats: Moments, model: PathModel, options: PlsOptions = DEFAULT_OPTIONS) -> PlsEstimates:
    """Fit a PLS path model to the moments of one sample.

    Parameters
    ----------
    stats : Moments
        Means and covariance matrix, from :func:`moments`.
    model : PathModel
        Blocks, modes and paths.
    options : PlsOptions
        Scheme, scaling, tolerance, iteration limit.

    Returns
    -------
    PlsEstimates

    Raises
    ------
    ModelError
        An item has zero variance, a Mode B block is collinear, or the algorithm did not
        converge.

    Notes
    -----
    Lohmöller's algorithm on ``S`` (correlation or covariance matrix of the indicators), with W
    the p×q matrix of outer weights:

    1. start with unit weights; normalize ``W ← W diag(W'SW)^-½`` (unit-variance scores);
    2. inner weights E from ``C = W'SW``: centroid ``sign(c_ij)``, factorial ``c_ij``, path:
       regression coefficients of j on its predecessors, correlations with its successors;
    3. ``cov(X, Z) = S W E``; Mode A: ``w_j = cov(X_j, Z_j)``; Mode B:
       ``w_j = S_jj⁻¹ cov(X_j, Z_j)``;
    4. stop when ``Σ (|w_old| − |w_new|)² < tol`` (R plspm's rule), else go to 1.

    Paths: ``β_j = C_PP⁻¹ C_Pj`` over the predecessors P of j; ``R² = C_jP β_j``; loadings
    ``(S W)_kj / sqrt(S_kk)``.

    References
    ----------
    Lohmöller, J.-B. (1989). *Latent Variable Path Modeling with Partial Least Squares*.
    Physica. Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M. & Lauro, C. (2005). PLS path
    modeling. *Computational Statistics & Data Analysis* 48, 159–205. Sanchez, G. (2013).
    *PLS Path Modeling with R* (R package plspm).
    """
    matrix = working_matrix(stats, options.scaled)[None]
    _check_variance(matrix[0], model)
    weights, iterations = iterate_weights(matrix, model, options)
    if iterations[0] > options.max_iter:
        raise ModelError(_not_converged_message(options))
    return _squeeze(estimate(matrix, weights, model, iterations))


def fit_batch(
    stats: Moments, model: PathModel, options: PlsOptions = DEFAULT_OPTIONS
) -> tuple[PlsEstimates, np.ndarray]:
    """Fit every sample of a batch (moments with a leading axis) at once.

    Returns the estimates of the samples that converged and the boolean mask of those samples;
    a sample with a constant item counts as not converged.
    """
    matrix = working_matrix(stats, options.scaled)
    weights, iterations = iterate_weights(matrix, model, options)
    keep = iterations <= options.max_iter
    return estimate(matrix[keep], weights[keep], model, iterations[keep]), keep


def estimate(
    matrix: np.ndarray, weights: np.ndarray, model: PathModel, iterations: np.ndarray
) -> PlsEstimates:
    """Loadings, construct correlations, paths and R² from converged weights (batched)."""
    W = weights[..., :, None] * model.membership
    SW = matrix @ W
    corr = np.swapaxes(W, -1, -2) @ SW
    cross = SW / np.sqrt(np.diagonal(matrix, axis1=-2, axis2=-1))[..., :, None]
    loadings = (cross * model.membership).sum(axis=-1)
    paths, r2 = _regress_constructs(corr, model.adjacency)
    return PlsEstimates(weights, loadings, cross, corr, paths, r2, iterations)


def _squeeze(estimates: PlsEstimates) -> PlsEstimates:
    return PlsEstimates(*(value[0] for value in estimates.__dict__.values()))


def _check_variance(matrix: np.ndarray, model: PathModel) -> None:
    variance = np.diagonal(matrix)
    flat = [item for item, v in zip(model.items, variance, strict=True) if not v > 1e-12]
    if flat:
        raise ModelError(
            f"Item(s) {', '.join(flat)} have the same value for every respondent used: a "
            "constant item carries no information. Drop it from its block."
        )


def iterate_weights(
    matrix: np.ndarray, model: PathModel, options: PlsOptions
) -> tuple[np.ndarray, np.ndarray]:
    """Normalized outer weights (batch × p) and iterations used per sample.

    A sample that did not converge, or has a constant item, gets ``max_iter + 1`` iterations.
    Converged samples stop updating, so a sample's result does not depend on its batch.
    """
    membership = model.membership
    usable = (np.diagonal(matrix, axis1=-2, axis2=-1) > 1e-12).all(axis=-1)
    matrix = np.where(usable[:, None, None], matrix, np.eye(matrix.shape[-1]))
    raw = _normalize(matrix, np.broadcast_to(membership, matrix.shape[:1] + membership.shape))
    previous = raw.sum(axis=-1)
    iterations = np.full(matrix.shape[0], options.max_iter + 1)
    active = np.flatnonzero(usable)
    for step in range(1, options.max_iter + 1):
        updated = _update(matrix[active], raw[active], model, options.scheme)
        current = updated.sum(axis=-1)
        raw[active] = updated
        done = ((np.abs(previous[active]) - np.abs(current)) ** 2).sum(axis=-1) < options.tol
        iterations[active[done]] = step
        previous[active] = current
        active = active[~done]
        if active.size == 0:
            break
    return _normalize(matrix, raw).sum(axis=-1), iterations


def _not_converged_message(options: PlsOptions) -> str:
    return (
        f"PLS did not converge in {options.max_iter} iterations "
        f"(tolerance {options.tol:g}). Things to try:\n"
        "  1. raise the iteration limit;\n"
        '  2. use another weighting scheme ([csi] scheme = "path" or "factorial");\n'
        "  3. look for blocks with weak or negatively worded items (low or negative loadings) "
        "and drop or reverse them;\n"
        "  4. check Mode B blocks for nearly collinear items;\n"
        "  5. use more respondents (fewer missing answers, or --missing mean)."
    )


def _normalize(matrix: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Scale each column of W so the score has unit variance: ``W diag(W'SW)^-½``."""
    variance = ((matrix @ W) * W).sum(axis=-2)
    return W / np.sqrt(variance)[..., None, :]


def _update(matrix: np.ndarray, raw: np.ndarray, model: PathModel, scheme: str) -> np.ndarray:
    """One outer-inner-outer round: new (unnormalized) outer weights, batched."""
    W = _normalize(matrix, raw)
    SW = matrix @ W
    corr = np.swapaxes(W, 1, 2) @ SW
    cov_xz = SW @ _inner_weights(corr, model.adjacency, scheme)
    new = cov_xz * model.membership
    for j, block in enumerate(model.blocks):
        if model.modes[j] == "B" and len(block) > 1:
            new[:, list(block), j] = _solve(
                matrix[:, block][:, :, block], cov_xz[:, list(block), j], model.constructs[j]
            )
    return new


def _solve(matrix: np.ndarray, right: np.ndarray, construct: str) -> np.ndarray:
    try:
        return np.linalg.solve(matrix, right[..., None])[..., 0]
    except np.linalg.LinAlgError as error:
        raise ModelError(
            f"The Mode B block {construct} has collinear items (singular covariance matrix): "
            "drop redundant items or use Mode A."
        ) from error


def _inner_weights(corr: np.ndarray, adjacency: np.ndarray, scheme: str) -> np.ndarray:
    """Inner weights ``E[i, j]`` (weight of score i in the inner estimate of j), batched."""
    linked = adjacency | adjacency.T
    if scheme == "centroid":
        return np.sign(corr) * linked
    if scheme == "factorial":
        return corr * linked
    inner = np.zeros_like(corr)
    for j in range(adjacency.shape[0]):
        predecessors = np.flatnonzero(adjacency[:, j])
        successors = np.flatnonzero(adjacency[j])
        if predecessors.size:
            inner[:, predecessors, j] = np.linalg.solve(
                corr[:, predecessors][:, :, predecessors], corr[:, predecessors, j][..., None]
            )[..., 0]
        inner[:, successors, j] = corr[:, j, successors]
    return inner


def _regress_constructs(corr: np.ndarray, adjacency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Standardized OLS paths and R² of each construct on its predecessors (batched)."""
    paths = np.zeros_like(corr)
    r2 = np.zeros(corr.shape[:-1])
    for j in range(adjacency.shape[0]):
        predecessors = np.flatnonzero(adjacency[:, j])
        if predecessors.size == 0:
            continue
        beta = np.linalg.solve(
            corr[..., predecessors[:, None], predecessors], corr[..., predecessors, j][..., None]
        )[..., 0]
        paths[..., predecessors, j] = beta
        r2[..., j] = (beta * corr[..., predecessors, j]).sum(axis=-1)
    return paths, r2


def raw_weights(
    estimates: PlsEstimates, stats: Moments, model: PathModel, scaled: bool
) -> np.ndarray:
    """Outer weights on the items' own scale, summing to 1 within each block.

    Notes
    -----
    ``w̃_k = (w_k / s_k) / Σ_{l∈j} (w_l / s_l)`` for standardized indicators (``w_k`` already
    on the raw scale when only centred) — the weights of the ACSI index (Fornell et al. 1996).
    """
    unscaled = estimates.weights / stats.sd if scaled else estimates.weights
    totals = unscaled @ model.membership
    return unscaled / totals[..., model.item_block]
