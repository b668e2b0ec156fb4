"""The CSI analysis: the survey's CSI model fitted by PLS (or the weighted average), its
0–100 index per construct with bootstrap intervals, measurement quality, an importance–
performance map, segments, and the change of every construct's index between periods.

Numerics live in :mod:`csi_cli.methods.pls`, :mod:`csi_cli.methods.index`,
:mod:`csi_cli.methods.reliability` and :mod:`csi_cli.methods.index_change`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from csi_cli.analyses.index_result import IndexResult
from csi_cli.analysis import Analysis, Description, changes_frame
from csi_cli.errors import InputError, ModelError, UsageError
from csi_cli.methods import pls, pls_bootstrap, reliability
from csi_cli.methods.index import (
    PERMUTATIONS,
    Prepared,
    bootstrap_means,
    combine,
    construct_index,
    construct_table,
    effects_table,
    htmt_table,
    importance_performance,
    outer_table,
    path_table,
    permutation_test,
    prepare,
    segment_indices,
    summarize,
    weighted_index,
)
from csi_cli.methods.index_change import IndexBasis, index_difference
from csi_cli.options import IndexOptions, RunOptions
from csi_cli.results import Chart, Table
from csi_cli.segments import segment_labels, segment_order
from csi_cli.spec import CsiSpec
from csi_cli.survey import Survey
from csi_cli.validate import ERROR, Problem, problem


def path_model(survey: Survey) -> pls.PathModel:
    """The PLS model of the survey: blocks and paths from the layout, modes from the spec."""
    layout = survey.layout
    if not has_model(survey):
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


def estimate_index(survey: Survey, options: RunOptions) -> IndexResult:
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
    own = options.of("index", IndexOptions)
    prepared = prepare(survey.ratings(model.items), own.missing, model.items)
    context = _Context(survey, model, options, own, prepared, target)
    if own.method == "weighted":
        return context.weighted_result()
    return context.pls_result()


@dataclass(frozen=True)
class _Context:
    survey: Survey
    model: pls.PathModel
    options: RunOptions
    own: IndexOptions
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
            "missing": self.own.missing,
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
            constructs=construct_table(
                model, fitted, stats, options, index, index_summary, data.shape[0]
            ),
            paths=path_table(model, fitted, boot),
            outer=outer_table(model, fitted, stats, boot),
            effects=effects_table(model, fitted, boot),
            htmt=htmt_table(model, stats),
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
    ) -> pls_bootstrap.Bootstrap | None:
        if self.options.bootstrap <= 0:
            return None
        return pls_bootstrap.bootstrap(
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
        x = 50.0 if self.own.crosshair == "mid" else float(frame["performance"].mean())
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
            refit=self.own.refit and paths,
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
        stated = dict(self.survey.spec.csi.weights)
        index = weighted_index(means, model, self.scale)
        draws = None
        if self.options.bootstrap > 0:
            draws = weighted_index(
                bootstrap_means(data, self.options.bootstrap, self.options.seed), model, self.scale
            )
        summary = summarize(index, draws)
        overall = summarize(
            np.asarray(combine(index, model, stated)),
            None if draws is None else combine(draws, model, stated),
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
                "value": float(combine(index, model, stated)),
                "ci_low": float(overall["ci_low"]),
                "ci_high": float(overall["ci_high"]),
            },
            constructs=constructs,
            paths=pd.DataFrame(columns=["from", "to", "estimate"]),
            outer=outer,
            segments=segments,
            settings=self.settings(construct_weights=stated or "equal"),
            warnings=self.prepared.warnings + seg_warnings + self._ignored_by_weighted(),
        )

    def _ignored_by_weighted(self) -> tuple[str, ...]:
        """Warnings for options that only the PLS method uses."""
        csi = self.survey.spec.csi
        ignored = [
            name
            for name, given in (
                ("--refit", self.own.refit),
                ("--crosshair", self.own.crosshair != "mean"),
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


def _dropped_resamples(boot: pls_bootstrap.Bootstrap | None) -> tuple[str, ...]:
    if boot is None or boot.used == boot.requested:
        return ()
    return (
        f"{boot.requested - boot.used} of {boot.requested} bootstrap resamples did not "
        "converge and were left out.",
    )


def index_basis(survey: Survey, options: IndexOptions) -> IndexBasis:
    """Weights of ``survey`` (the current period): its PLS fit, or equal weights for
    ``method = "weighted"`` — the weights :func:`estimate_index` uses, so the
    current period's index here equals the one of its own analysis.

    Notes
    -----
    PLS: ``w̃ = raw_weights(fit)`` (Fornell et al. 1996); weighted: each item ``1 / |block|``.
    """
    model = path_model(survey)
    data = prepare(survey.ratings(model.items), options.missing, model.items).data
    if options.method == "weighted":
        weights = (model.membership / model.membership.sum(axis=0)).sum(axis=1)
    else:
        settings = pls_options(survey)
        moments = pls.moments(data)
        fitted = pls.fit(moments, model, settings)
        weights = pls.raw_weights(fitted, moments, model, settings.scaled)
    return IndexBasis(model, weights, rating_scale(survey), options.missing, survey.spec.csi.target)


def has_model(survey: Survey) -> bool:
    """True when the file's columns define a CSI model (blocks and paths)."""
    return survey.layout.csi_model is not None and bool(survey.layout.csi_paths)


class IndexAnalysis(Analysis):
    """The customer satisfaction index by PLS path modeling (Fornell et al. 1996) or as a
    weighted average of item means."""

    name = "index"
    title = "Customer satisfaction index"
    section = "csi"
    spec_type = CsiSpec
    options_type = IndexOptions
    codes = MappingProxyType(
        {
            "unknown-scale": "the rating scale cannot be inferred and the spec does not declare it",
            "no-variance": "every respondent gave the same answer to a CSI item",
            "empty-block": "every answer of a CSI block is missing",
            "csi-model": "the CSI blocks do not form a model csi knows",
        }
    )
    not_supported = (
        "no CSI blocks found (columns such as SAT1, QUAL2 … or [csi.blocks] in the spec)."
    )

    def supports(self, survey: Survey) -> bool:
        """True when the file's columns define a CSI model (blocks and paths)."""
        return has_model(survey)

    def rating_columns(self, survey: Survey) -> dict[str, tuple[float, float] | None]:
        """Every CSI item, block by block, on the CSI scale."""
        return dict.fromkeys(survey.layout.csi_columns, survey.layout.csi_scale)

    def check(self, survey: Survey) -> list[Problem]:
        """See :func:`check_model`."""
        return check_model(survey)

    def describe(self, survey: Survey) -> Description:
        """The model, its blocks and the rating scale."""
        layout = survey.layout
        blocks = "; ".join(f"{c}: {', '.join(cols)}" for c, cols in layout.csi_blocks.items())
        return Description(
            {
                "csi": {
                    "model": layout.csi_model,
                    "blocks": dict(layout.csi_blocks),
                    "scale": layout.csi_scale,
                }
            },
            (
                ("CSI model", layout.csi_model.upper() if layout.csi_model else "none"),
                ("CSI blocks", blocks or "none"),
            ),
        )

    def draft(self, survey: Survey) -> Mapping[str, Any] | None:
        """``[csi]``: the model, its settings and blocks (and paths of a custom model)."""
        layout, spec = survey.layout, survey.spec.csi
        if not layout.csi_blocks:
            return None
        csi: dict[str, Any] = {"model": layout.csi_model} if layout.csi_model else {}
        csi.update(scheme=spec.scheme, scaled=spec.scaled, target=spec.target)
        csi["blocks"] = {c: list(cols) for c, cols in layout.csi_blocks.items()}
        if spec.modes:
            csi["modes"] = dict(spec.modes)
        if layout.csi_model == "custom":
            csi["paths"] = {c: list(p) for c, p in layout.csi_paths.items()}
        return csi

    def run(self, survey: Survey, options: RunOptions) -> IndexResult:
        """See :func:`estimate_index`."""
        return estimate_index(survey, options)

    def compare(
        self,
        current: tuple[Survey, Any],
        previous: tuple[Survey, Any],
        options: RunOptions,
    ) -> pd.DataFrame:
        """The index of every construct in both periods, scored with the current period's
        weights, and the bootstrap test of the difference (:func:`index_difference`)."""
        basis = index_basis(current[0], options.of(self.name, IndexOptions))
        table = index_difference(
            basis,
            basis_data(basis, current[0]).data,
            basis_data(basis, previous[0]).data,
            options.bootstrap,
            options.seed,
        )
        table["points"] = table["difference"]
        return changes_frame(self.name, table, name="construct", test="bootstrap")

    def change_tables(self, changes: pd.DataFrame, labels: tuple[str, str]) -> list[Table]:
        """Every construct's index in both periods, with a bar chart."""
        now, then = labels
        shown = ["previous", "current", "difference", "ci_low", "ci_high", "p_value"]
        frame = changes.rename(columns={"name": "construct"})
        return [
            Table(
                "CSI by construct (0–100)",
                frame[["construct", *shown, "significant"]]
                .astype({"previous": float, "current": float})
                .reset_index(drop=True),
                digits=dict.fromkeys(shown[:5], 1) | {"p_value": 4},
                note="Both periods scored with the current period's outer weights; 95% "
                "bootstrap interval of the difference; significant: p < 0.05.",
                chart=Chart(
                    kind="bar",
                    x="construct",
                    y=("previous", "current"),
                    title=f"Index by construct: {then} and {now}",
                    y_title="index (0–100)",
                ),
                key="changes_index",
            )
        ]

    def history(self, result: Any) -> Mapping[str, float | None]:
        """The CSI with its interval."""
        return {
            "csi": result.index["value"],
            "csi_ci_low": result.index.get("ci_low"),
            "csi_ci_high": result.index.get("ci_high"),
        }


def check_model(survey: Survey) -> list[Problem]:
    """The model, the scale and every block of the survey's CSI."""
    layout = survey.layout
    if not layout.csi_blocks:
        return []
    problems = []
    if layout.csi_problem:
        problems.append(
            problem(survey, "csi-model", "index", f"{layout.csi_problem}.", severity=ERROR)
        )
    if layout.csi_scale is None and survey.n:  # no rows: no-respondents says it all
        values = survey.ratings(layout.csi_columns)
        finite = values[np.isfinite(values)]
        span = f"{finite.min():g} to {finite.max():g}" if finite.size else "nothing"
        problems.append(
            problem(
                survey,
                "unknown-scale",
                "index",
                f"the CSI ratings run from {span}, which fits no usual scale (1–5, 1–7, 1–10, "
                "0–10). Declare it, e.g. [survey] scale = [1, 10], and list codes such as 99 in "
                "[survey] missing.",
            )
        )
    for construct, columns in layout.csi_blocks.items():
        problems += _block_problems(survey, construct, columns)
    return problems


def _block_problems(survey: Survey, construct: str, columns: Sequence[str]) -> list[Problem]:
    if not columns or survey.n == 0:
        return []
    ranges = np.array([survey.bounds(c) for c in columns])  # [min, max] per item
    if np.isnan(ranges).all():
        return [
            problem(
                survey,
                "empty-block",
                "index",
                f"every answer of block {construct} ({', '.join(columns)}) is missing. Check the "
                "columns named for it, or remove the block from the spec.",
            )
        ]
    problems = []
    for (low, high), column in zip(ranges, columns, strict=True):
        if low == high:
            problems.append(
                problem(
                    survey,
                    "no-variance",
                    "index",
                    f"every respondent answered {low:g}; an item with no variance "
                    f"cannot be used in block {construct}. Remove it from the block in the spec.",
                    column=column,
                )
            )
    return problems


def basis_data(basis: IndexBasis, survey: Survey) -> Prepared:
    """The survey's complete CSI ratings under the basis' missing-answer rule."""
    return basis.data(survey.ratings(basis.model.items))


ANALYSIS = IndexAnalysis()
