"""The customer satisfaction index: ACSI / ECSI / CCSI / custom PLS models and the 0–100 index.

``run(survey, options)`` fits the model of ``survey.layout`` with :mod:`csi_cli.methods.pls`,
bootstraps it, computes the 0–100 index of every construct, the measurement quality
(:mod:`csi_cli.methods.reliability`), an importance–performance map of the target's drivers and,
with ``--by``, the index per segment and a permutation test of path differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from csi_cli.errors import InputError, ModelError, UsageError
from csi_cli.methods import pls, reliability
from csi_cli.options import RunOptions
from csi_cli.results import Chart, Figure, Table, plain, records
from csi_cli.segments import segment_labels, segment_order
from csi_cli.survey import Survey

MIN_RESPONDENTS = 10
DROP_WARNING = 0.05
PERMUTATIONS = 1000
LEVEL = 0.95


# --- model and data --------------------------------------------------------------------------


def supports(survey: Survey) -> bool:
    """True when the file's columns define a CSI model (blocks and paths)."""
    return survey.layout.csi_model is not None and bool(survey.layout.csi_paths)


def path_model(survey: Survey) -> pls.PathModel:
    """The PLS model of the survey: blocks and paths from the layout, modes from the spec."""
    layout = survey.layout
    if not supports(survey):
        raise ModelError(
            f"No CSI model for this file: {layout.csi_problem or 'no CSI item columns found'}. "
            "Name CSI items like IMAG1, SAT2 (survey-spec §2) or describe the model in a spec."
        )
    paths = [(pred, target) for target, preds in layout.csi_paths.items() for pred in preds]
    return pls.PathModel.build(dict(layout.csi_blocks), paths, survey.spec.csi.modes)


def pls_options(survey: Survey) -> pls.PlsOptions:
    """Engine settings from ``[csi]``; the spec's tolerance bounds the change of each weight.

    The engine stops on the sum of squared weight changes, so the spec's tolerance τ (a change
    in weights, as in seminr) becomes τ².
    """
    csi = survey.spec.csi
    return pls.PlsOptions(
        scheme=csi.scheme, scaled=csi.scaled, tol=csi.tolerance**2, max_iter=csi.max_iter
    )


def rating_scale(survey: Survey) -> tuple[float, float]:
    """The CSI items' scale: ``[survey] scale`` or the one the layout inferred."""
    scale = survey.spec.survey.scale or survey.layout.csi_scale
    if scale is None or scale[1] <= scale[0]:
        raise InputError(
            "Cannot tell the rating scale of the CSI items: add `scale = [1, 10]` (your scale) "
            "under [survey] in the spec."
        )
    return float(scale[0]), float(scale[1])


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


def satisfaction_constructs(model: pls.PathModel, target: str) -> tuple[str, ...]:
    """The target and every construct with a path leading to it, in model order.

    Notes
    -----
    In the ACSI, ECSI and CCSI models the index is the satisfaction construct; image,
    expectation, perceived quality and perceived value are its antecedents, and complaints and
    loyalty its consequences (Fornell et al. 1996; Johnson et al. 2001). The weighted-average
    CSI averages the satisfaction construct and its antecedents, the customers' evaluations of
    what they got, and leaves out the consequences: complaints (where a higher score means more
    complaining, the opposite direction) and loyalty.

    References
    ----------
    Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J. & Bryant, B. E. (1996). The American
    Customer Satisfaction Index: nature, purpose, and findings. *J. Marketing* 60(4), 7–18.
    Johnson, M. D., Gustafsson, A., Andreassen, T. W., Lervik, L. & Cha, J. (2001). The
    evolution and future of national customer satisfaction index models. *J. Economic
    Psychology* 22(2), 217–245.
    """
    found = {target}
    while True:
        more = {source for source, goal in model.paths if goal in found} - found
        if not more:
            return tuple(name for name in model.constructs if name in found)
        found |= more


def construct_weights(
    model: pls.PathModel, stated: dict[str, float], target: str
) -> dict[str, float]:
    """Weights of the weighted-average CSI: the stated ones, else equal weights over
    :func:`satisfaction_constructs` (summing to 1).

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
    raw = stated or dict.fromkeys(satisfaction_constructs(model, target), 1.0)
    total = sum(raw.values())
    return {name: raw[name] / total for name in model.constructs if name in raw}


def combine(indices: np.ndarray, model: pls.PathModel, weights: dict[str, float]) -> np.ndarray:
    """Weighted average of construct indices (batched over leading axes) with ``weights`` from
    :func:`construct_weights`."""
    vector = np.array([weights.get(name, 0.0) for name in model.constructs])
    return indices @ vector


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
    low, high = pls.percentile_interval(draws, LEVEL)
    p = 2 * scipy_stats.t.sf(np.abs(t), df=draws.shape[0] - 1)
    return {"std_error": se, "t": t, "p_value": p, "ci_low": low, "ci_high": high}


# --- result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexResult:
    """The CSI: index per construct, structural and measurement model, quality, IPMA, segments."""

    name: str
    title: str
    n: int
    n_used: int
    model: str
    method: str
    target: str
    scale: tuple[float, float]
    index: dict[str, float]
    constructs: pd.DataFrame
    paths: pd.DataFrame
    outer: pd.DataFrame
    effects: pd.DataFrame = field(default_factory=pd.DataFrame)
    htmt: pd.DataFrame = field(default_factory=pd.DataFrame)
    ipma: pd.DataFrame = field(default_factory=pd.DataFrame)
    segments: pd.DataFrame = field(default_factory=pd.DataFrame)
    group_test: pd.DataFrame = field(default_factory=pd.DataFrame)
    gof: float = float("nan")
    settings: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def headline(self) -> dict[str, Any]:
        """The headline figure with its CI: the target construct's 0–100 index (PLS), or the
        weighted average of the constructs' indices (``method = "weighted"``; by default the
        target and its antecedents, see :func:`satisfaction_constructs`)."""
        label = (
            f"CSI ({self.target}, PLS)"
            if self.method == "pls"
            else f"CSI (weighted average of {', '.join(self.settings['construct_weights'])})"
        )
        return {
            label: Figure(
                self.index["value"], 1, self.index.get("ci_low"), self.index.get("ci_high")
            )
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of survey-spec §5, plus effects, HTMT, IPMA, segments, settings."""
        document = {
            "n": self.n,
            "n_used": self.n_used,
            "model": self.model,
            "method": self.method,
            "target": self.target,
            "index": plain(self.index),
            "constructs": records(self.constructs),
            "paths": records(self.paths),
            "outer": records(self.outer),
            "effects": records(self.effects),
            "htmt": records(self.htmt),
            "gof": plain(self.gof),
            "ipma": records(self.ipma),
            "scale": list(self.scale),
            "settings": plain(self.settings),
            "warnings": list(self.warnings),
        }
        if not self.segments.empty:
            document["segments"] = records(self.segments)
        if not self.group_test.empty:
            document["group_test"] = records(self.group_test)
        return document

    def tables(self) -> list[Table]:
        """Index by construct (bar chart), paths, outer model, effects, HTMT, IPMA, segments."""
        note = "; ".join(self.warnings)
        tables = [
            Table(
                "CSI by construct (0–100)",
                self.constructs,
                digits={"index": 1, "ci_low": 1, "ci_high": 1},
                note=note,
                chart=Chart(
                    "bar",
                    x="name",
                    y=("index",),
                    title="Index by construct",
                    y_title="index (0–100)",
                ),
                key="constructs",
            )
        ]
        tables += [
            Table(title, frame, key=key)
            for title, frame, key in (
                ("Path coefficients", self.paths, "paths"),
                ("Outer weights and loadings", self.outer, "outer"),
                ("Direct, indirect and total effects", self.effects, "effects"),
                ("Discriminant validity (HTMT)", self.htmt, "htmt"),
            )
            if not frame.empty
        ]
        if not self.ipma.empty:
            tables.append(self._ipma_table())
        if not self.segments.empty:
            tables.append(
                Table(
                    "Index by segment",
                    self.segments,
                    digits={"index": 1, "ci_low": 1, "ci_high": 1},
                    key="segments",
                )
            )
        if not self.group_test.empty:
            tables.append(
                Table(
                    "Path differences between groups (permutation test)",
                    self.group_test,
                    key="group_test",
                )
            )
        return tables

    def _ipma_table(self) -> Table:
        crosshair = self.settings.get("crosshair", {})
        return Table(
            f"Importance–performance map of {self.target}",
            self.ipma,
            digits={"performance": 1},
            chart=Chart(
                "scatter",
                x="performance",
                y=("importance",),
                label="construct",
                title=f"Importance–performance map ({self.target})",
                x_title="performance (0–100)",
                y_title="importance (total effect)",
                x_line=crosshair.get("performance"),
                y_line=crosshair.get("importance"),
            ),
            key="ipma",
        )


# --- running ---------------------------------------------------------------------------------


def run(survey: Survey, options: RunOptions) -> IndexResult:
    """Estimate the CSI of a validated survey (see module docstring).

    Raises
    ------
    ModelError, InputError, UsageError
        No CSI model, too few respondents, non-convergence, an unknown segment column.
    """
    model = path_model(survey)
    target = survey.spec.csi.target
    if target not in model.constructs:
        raise UsageError(
            f'[csi] target = "{target}" is not a construct of the model '
            f"({', '.join(model.constructs)}): set [csi] target."
        )
    prepared = prepare(survey.ratings(model.items), options.missing, model.items)
    context = _Context(survey, model, options, prepared, target)
    if options.method == "weighted":
        return context.weighted_result()
    return context.pls_result()


@dataclass(frozen=True)
class _Context:
    survey: Survey
    model: pls.PathModel
    options: RunOptions
    prepared: Prepared
    target: str

    @property
    def scale(self) -> tuple[float, float]:
        return rating_scale(self.survey)

    @property
    def target_index(self) -> int:
        return self.model.constructs.index(self.target)

    def settings(self, **more: Any) -> dict[str, Any]:
        csi = self.survey.spec.csi
        return {
            "scheme": csi.scheme,
            "scaled": csi.scaled,
            "missing": self.options.missing,
            "bootstrap": self.options.bootstrap,
            "seed": self.options.seed,
            "modes": dict(zip(self.model.constructs, self.model.modes, strict=True)),
            **more,
        }

    def header(self, method: str) -> dict[str, Any]:
        return {
            "name": "index",
            "title": "Customer satisfaction index",
            "n": self.survey.n,
            "n_used": int(self.prepared.data.shape[0]),
            "model": self.survey.layout.csi_model or "custom",
            "method": method,
            "target": self.target,
            "scale": self.scale,
        }

    # --- PLS ---

    def pls_result(self) -> IndexResult:
        data, model = self.prepared.data, self.model
        options = pls_options(self.survey)
        stats = pls.moments(data)
        fitted = pls.fit(stats, model, options)
        weights = pls.raw_weights(fitted, stats, model, options.scaled)
        index = construct_index(weights, stats.mean, model, self.scale)
        boot = self._bootstrap(data, fitted, options)
        index_draws = None
        if boot is not None:
            boot_weights = pls.raw_weights(boot.estimates, boot.stats, model, options.scaled)
            index_draws = construct_index(boot_weights, boot.stats.mean, model, self.scale)
        index_summary = summarize(index, index_draws)
        j = self.target_index
        segments, group_test, seg_warnings = self._segments(weights, options)
        warnings = self.prepared.warnings + seg_warnings + _dropped_resamples(boot)
        ipma, crosshair = self._ipma(fitted, stats, weights, index)
        return IndexResult(
            **self.header("pls"),
            index={
                "value": index[j],
                "ci_low": index_summary["ci_low"][j],
                "ci_high": index_summary["ci_high"][j],
            },
            constructs=_construct_table(
                model, fitted, stats, options, index, index_summary, data.shape[0]
            ),
            paths=_path_table(model, fitted, boot),
            outer=_outer_table(model, fitted, stats, boot),
            effects=_effects_table(model, fitted, boot),
            htmt=_htmt_table(model, stats),
            ipma=ipma,
            segments=segments,
            group_test=group_test,
            gof=reliability.goodness_of_fit(fitted.loadings, fitted.r2, model),
            settings=self.settings(
                iterations=int(fitted.iterations),
                resamples_used=boot.used if boot else 0,
                crosshair=crosshair,
            ),
            warnings=warnings,
        )

    def _bootstrap(
        self, data: np.ndarray, fitted: pls.PlsEstimates, options: pls.PlsOptions
    ) -> pls.Bootstrap | None:
        if self.options.bootstrap <= 0:
            return None
        return pls.bootstrap(
            data, self.model, fitted, options, self.options.bootstrap, self.options.seed
        )

    def _ipma(
        self, fitted: pls.PlsEstimates, stats: pls.Moments, weights: np.ndarray, index: np.ndarray
    ) -> tuple[pd.DataFrame, dict[str, float]]:
        frame = importance_performance(
            fitted, stats, weights, index, self.model, self.target_index, self.scale
        )
        if frame.empty:
            return frame, {}
        x = 50.0 if self.options.crosshair == "mid" else float(frame["performance"].mean())
        return frame, {"performance": x, "importance": float(frame["importance"].mean())}

    def _segments(
        self, weights: np.ndarray, options: pls.PlsOptions, *, paths: bool = True
    ) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
        """Index per segment with ``weights`` (or refitted), and, for PLS with exactly two
        segments, the permutation test of path differences."""
        if self.options.by is None:
            return pd.DataFrame(), pd.DataFrame(), ()
        labels = self._segment_labels()
        frame, warnings = segment_indices(
            self.prepared.data,
            labels,
            self.model,
            self.scale,
            weights,
            options,
            refit=self.options.refit and paths,
            resamples=self.options.bootstrap,
            seed=self.options.seed,
        )
        test = pd.DataFrame()
        groups = len(segment_order(labels))
        if paths and groups == 2:
            test = permutation_test(
                self.prepared.data, labels, self.model, options, PERMUTATIONS, self.options.seed
            )
        elif paths and groups > 2:
            warnings += (
                f"The permutation test of path differences compares two groups; --by "
                f"{self.options.by} has {groups}, so it was not run.",
            )
        return frame, test, warnings

    def _segment_labels(self) -> np.ndarray:
        return segment_labels(self.survey, self.options.by)[self.prepared.used]

    # --- weighted average ---

    def weighted_result(self) -> IndexResult:
        data, model = self.prepared.data, self.model
        means = data.mean(axis=0)
        weights = construct_weights(model, dict(self.survey.spec.csi.weights), self.target)
        index = weighted_index(means, model, self.scale)
        draws = None
        if self.options.bootstrap > 0:
            draws = weighted_index(
                bootstrap_means(data, self.options.bootstrap, self.options.seed), model, self.scale
            )
        summary = summarize(index, draws)
        overall = summarize(
            np.asarray(combine(index, model, weights)),
            None if draws is None else combine(draws, model, weights),
        )
        equal = model.membership / model.membership.sum(axis=0)
        segments, _, seg_warnings = self._segments(
            equal.sum(axis=1), pls_options(self.survey), paths=False
        )
        constructs = pd.DataFrame(
            {
                "name": model.constructs,
                "index": index,
                "ci_low": summary["ci_low"],
                "ci_high": summary["ci_high"],
                "n_items": model.membership.sum(axis=0).astype(int),
            }
        )
        outer = pd.DataFrame(
            {
                "construct": [model.constructs[b] for b in model.item_block],
                "item": model.items,
                "weight": equal.sum(axis=1),
                "mean": means,
            }
        )
        return IndexResult(
            **self.header("weighted"),
            index={
                "value": float(combine(index, model, weights)),
                "ci_low": float(overall["ci_low"]),
                "ci_high": float(overall["ci_high"]),
            },
            constructs=constructs,
            paths=pd.DataFrame(columns=["from", "to", "estimate"]),
            outer=outer,
            segments=segments,
            settings=self.settings(construct_weights=weights),
            warnings=self.prepared.warnings + seg_warnings + self._ignored_by_weighted(),
        )

    def _ignored_by_weighted(self) -> tuple[str, ...]:
        """Warnings for options that only the PLS method uses."""
        csi = self.survey.spec.csi
        ignored = [
            name
            for name, given in (
                ("--refit", self.options.refit),
                ("--crosshair", self.options.crosshair != "mean"),
                ("[csi] scheme", csi.scheme != "path"),
                ("[csi.modes]", bool(csi.modes)),
            )
            if given
        ]
        if not ignored:
            return ()
        return (
            f"{', '.join(ignored)} apply to the PLS method only; --method weighted ignores them.",
        )


def _dropped_resamples(boot: pls.Bootstrap | None) -> tuple[str, ...]:
    if boot is None or boot.used == boot.requested:
        return ()
    return (
        f"{boot.requested - boot.used} of {boot.requested} bootstrap resamples did not "
        "converge and were left out.",
    )


def bootstrap_means(data: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Item means of ``resamples`` bootstrap samples (resamples × p), drawn in batches over
    the resampling units of :func:`pls.resampling_units`."""
    rng = np.random.default_rng(seed)
    units = pls.resampling_units(data, rng)
    draws = []
    for size in pls.resample_batches(resamples, units.count):
        counts = pls.draw_counts(rng, size, units.count)
        draws.append(units.centre + (counts @ units.first) / (counts @ units.sizes)[:, None])
    return np.concatenate(draws)


# --- tables ----------------------------------------------------------------------------------


def _construct_table(
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


def _path_table(
    model: pls.PathModel, fitted: pls.PlsEstimates, boot: pls.Bootstrap | None
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


def _outer_table(
    model: pls.PathModel, fitted: pls.PlsEstimates, stats: pls.Moments, boot: pls.Bootstrap | None
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


def _effects_table(
    model: pls.PathModel, fitted: pls.PlsEstimates, boot: pls.Bootstrap | None
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


def _htmt_table(model: pls.PathModel, stats: pls.Moments) -> pd.DataFrame:
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
    boot = pls.bootstrap(part, model, fitted, options, resamples, seed)
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
