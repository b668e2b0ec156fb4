"""Period reports: one period of a survey against the previous one (methods.md §5).

:func:`build_report` selects the respondents of both periods from the survey's date column,
runs every analysis the file supports on each, and compares them:

* the 0–100 index of every CSI construct — both periods scored with the same outer weights
  (the current period's fit), each period's item means bootstrapped independently, and the
  percentile interval of the difference;
* the NPS — difference of two independent NPS values (:func:`csi_cli.methods.nps.nps_difference`);
* every gap dimension (every item when the file has no dimensions) — Welch's t test on the
  per-respondent gaps;
* every Kano attribute — Pearson's chi-square on the category counts of the two periods.

Significant drops larger than a stated minimum become alerts. The result, a
:class:`PeriodReport`, is the :class:`~csi_cli.results.Report` every renderer takes; its
``to_dict()`` is the ``csi report`` document of survey-spec §5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from csi_cli.errors import CsiError, InputError, UsageError
from csi_cli.methods import gap, index, kano, nps, pls
from csi_cli.methods.registry import Analysis, supported
from csi_cli.options import DEFAULT_MIN_CHANGE, REPORT_BOOTSTRAP, RunOptions
from csi_cli.periods import Period, to_dates, to_months
from csi_cli.results import Chart, Figure, Report, Result, Section, Table, plain, records
from csi_cli.segments import segment_labels, segment_order
from csi_cli.survey import Survey

__all__ = ["DEFAULT_MIN_CHANGE", "REPORT_BOOTSTRAP", "PeriodReport", "build_report"]

#: Significance level of every comparison.
ALPHA = 0.05

CHANGE_COLUMNS = (
    "measure", "kind", "current", "previous", "difference", "points", "std_error", "ci_low",
    "ci_high", "statistic", "df", "p_value", "significant", "test",
)  # fmt: skip
P_DIGITS = {"p_value": 4, "df": 0}


# --- selecting periods -----------------------------------------------------------------------


def select_periods(survey: Survey, period: Period, previous: Period) -> tuple[Survey, Survey]:
    """The respondents of ``period`` and of ``previous``, from the survey's date column.

    Raises
    ------
    UsageError
        The file has no date column, or the two periods overlap.
    InputError
        A date cannot be read, or a period has no respondents (the message lists the months
        the file holds).
    """
    column = survey.layout.date
    if column is None:
        raise UsageError(
            f"{survey.source.where()}: no date column (named date, month, period, 日期 or 月份). "
            'Name the column with `date = "<column>"` under [survey] in the spec.'
        )
    if period.first <= previous.last and previous.first <= period.last:
        raise UsageError(
            f"--previous {previous.label} overlaps --period {period.label}: choose an earlier "
            "period to compare with."
        )
    dates = to_dates(
        survey.frame[column], survey.spec.survey.date_format, survey.source.where(column)
    )
    chosen = []
    for wanted, role in ((period, "--period"), (previous, "the comparison period (--previous)")):
        mask = wanted.contains(dates)
        if not mask.any():
            raise InputError(
                f"{survey.source.where(column)}: no respondents in {wanted.label}, "
                f"{role}. The file has {available_periods(dates)}. Choose periods it holds "
                "with --period and --previous."
            )
        chosen.append(survey.subset(mask))
    return chosen[0], chosen[1]


def available_periods(dates: pd.Series) -> str:
    """The months present with their respondents, e.g. ``2026-09 (170), 2026-10 (165)``."""
    counts = to_months(dates).dropna().value_counts().sort_index()
    if counts.empty:
        return "no dates at all"
    return ", ".join(f"{month} ({count})" for month, count in counts.items())


# --- the index with fixed weights ------------------------------------------------------------


@dataclass(frozen=True)
class IndexBasis:
    """What scores any group of respondents on the 0–100 index: the model, fixed outer weights
    on the items' scale (summing to 1 per block), the rating scale and the missing-answer rule."""

    model: pls.PathModel
    weights: np.ndarray
    scale: tuple[float, float]
    missing: str
    target: str

    def data(self, survey: Survey) -> index.Prepared:
        """The survey's complete CSI ratings under the missing-answer rule."""
        items = self.model.items
        return index.prepare(survey.ratings(items), self.missing, items)

    def scores(self, means: np.ndarray) -> np.ndarray:
        """Index of every construct from item means (batched over leading axes)."""
        return index.construct_index(self.weights, means, self.model, self.scale)

    def resampled(self, data: np.ndarray, resamples: int, seed: int) -> np.ndarray:
        """Index of every construct in ``resamples`` bootstrap samples of ``data`` (B × J).

        Notes
        -----
        With fixed weights a construct's index is the rescaled mean of the respondents' block
        scores ``s_r = Σ_{k∈j} w̃_k x_rk``. Drawing n respondents with replacement gives the
        K distinct scores ``u`` multinomial counts ``M ~ Mult(n, f / n)`` (``f`` their
        frequencies), so ``I* = 100 · (M·u / n − min) / (max − min)`` has exactly the bootstrap
        distribution of the construct's index, at a cost of O(K) instead of O(n) per resample
        (K is small for rating scales). Constructs are drawn one by one: only each construct's
        own distribution is used.
        """
        rng = np.random.default_rng(seed)
        low, high = self.scale
        block_scores = data @ (self.weights[:, None] * self.model.membership)
        draws = np.empty((resamples, block_scores.shape[1]))
        for j, column in enumerate(block_scores.T):
            values, counts = np.unique(column, return_counts=True)
            resampled = rng.multinomial(column.size, counts / counts.sum(), size=resamples)
            draws[:, j] = resampled @ values / column.size
        return 100 * (draws - low) / (high - low)


def index_basis(survey: Survey, options: RunOptions) -> IndexBasis:
    """Weights of ``survey`` (the current period): its PLS fit, or equal weights for
    ``method = "weighted"`` — the weights :func:`csi_cli.methods.index.run` uses, so the
    current period's index here equals the one of its own analysis.

    Notes
    -----
    PLS: ``w̃ = raw_weights(fit)`` (Fornell et al. 1996); weighted: each item ``1 / |block|``.
    """
    model = index.path_model(survey)
    data = index.prepare(survey.ratings(model.items), options.missing, model.items).data
    if options.method == "weighted":
        weights = (model.membership / model.membership.sum(axis=0)).sum(axis=1)
    else:
        settings = index.pls_options(survey)
        moments = pls.moments(data)
        fitted = pls.fit(moments, model, settings)
        weights = pls.raw_weights(fitted, moments, model, settings.scaled)
    return IndexBasis(
        model, weights, index.rating_scale(survey), options.missing, survey.spec.csi.target
    )


def index_difference(
    basis: IndexBasis, first: np.ndarray, second: np.ndarray, resamples: int, seed: int
) -> pd.DataFrame:
    """Index of every construct in two independent groups with the same weights, and the
    bootstrap interval and test of the difference.

    Parameters
    ----------
    basis : IndexBasis
        Model, weights and scale.
    first, second : ndarray, shape (n₁, p), (n₂, p)
        Complete CSI ratings of the two groups (current and previous period, or a segment and
        the rest).
    resamples : int
        Bootstrap resamples B of each group (0: no interval or test).
    seed : int
        Seed; the two groups get independent streams derived from it.

    Returns
    -------
    DataFrame
        Per construct: ``construct``, ``current`` (first group), ``previous`` (second),
        ``difference``, ``std_error``, ``ci_low``, ``ci_high``, ``statistic`` (t), ``df``
        (B − 1) and ``p_value``.

    Notes
    -----
    ``I_g = 100 · (Σ w̃_k x̄_gk − min) / (max − min)`` per construct; Δ = I₁ − I₂. Each group's
    respondents are resampled with replacement B times (independent samples;
    :meth:`IndexBasis.resampled`), giving
    Δ*_b = I₁*_b − I₂*_b; SE = sd(Δ*), 95% percentile interval, t = Δ / SE and a two-sided
    p-value on B − 1 df (:func:`csi_cli.methods.index.summarize`). The weights are held fixed,
    so the interval covers sampling of respondents, not re-estimation of the weights.

    References
    ----------
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*, §3.2
    (two-sample problems). Fornell, C. et al. (1996). The American Customer Satisfaction Index.
    *J. Marketing* 60(4), 7–18.
    """
    current, previous = basis.scores(first.mean(axis=0)), basis.scores(second.mean(axis=0))
    difference = current - previous
    draws = None
    if resamples > 0:
        seeds = [int(s) for s in np.random.SeedSequence(seed).generate_state(2)]
        draws = basis.resampled(first, resamples, seeds[0]) - basis.resampled(
            second, resamples, seeds[1]
        )
    summary = index.summarize(difference, draws)
    return pd.DataFrame(
        {
            "construct": basis.model.constructs,
            "current": current,
            "previous": previous,
            "difference": difference,
            "std_error": summary["std_error"],
            "ci_low": summary["ci_low"],
            "ci_high": summary["ci_high"],
            "statistic": summary["t"],
            "df": float(resamples - 1) if resamples > 1 else np.nan,
            "p_value": summary["p_value"],
        }
    )


# --- NPS, gaps, Kano -------------------------------------------------------------------------


def nps_change(first: np.ndarray, second: np.ndarray) -> dict[str, Any]:
    """NPS of two independent groups and the z test of their difference (see
    :func:`csi_cli.methods.nps.nps_difference`)."""
    current, previous = nps.nps_summary(first), nps.nps_summary(second)
    change = nps.nps_difference(current, previous)
    return {
        "current": current.nps,
        "previous": previous.nps,
        "difference": change.difference,
        "std_error": change.se,
        "ci_low": change.ci_low,
        "ci_high": change.ci_high,
        "statistic": change.z,
        "df": np.nan,
        "p_value": change.p_value,
    }


def respondent_gaps(survey: Survey) -> tuple[str, tuple[str, ...], np.ndarray]:
    """Per-respondent gaps P − E by dimension (by item when the file has no dimensions).

    Returns
    -------
    (level, names, gaps)
        ``"dimension"`` or ``"item"``, the column names, and an n × k array (NaN where a
        respondent answered no pair of the dimension).
    """
    levels = gap.gap_levels(gap.survey_inputs(survey))
    chosen = next((lv for lv in levels if lv.label == "dimension"), levels[0])
    return chosen.label, chosen.names, chosen.perception - chosen.expectation


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
            interval = test.confidence_interval(1 - ALPHA)
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


def kano_shifts(current: kano.KanoResult, previous: kano.KanoResult) -> pd.DataFrame:
    """Category of every attribute in both periods and the chi-square test of the category
    counts (:func:`csi_cli.methods.kano.segment_test`: 2 × categories table, no continuity
    correction)."""
    rows = []
    before = previous.attributes.set_index("attribute")
    for row in current.attributes.to_dict(orient="records"):
        attribute = row["attribute"]
        old = before.loc[attribute]
        counts = np.array(
            [[row[c] for c in kano.CATEGORIES], old[list(kano.CATEGORIES)].tolist()],
            dtype=np.int64,
        )
        chi2, dof, p_value = kano.segment_test(counts)[:3]
        rows.append(
            {
                "attribute": attribute,
                "current": row["category"] or None,
                "previous": old["category"] or None,
                "statistic": chi2,
                "df": dof,
                "p_value": p_value,
            }
        )
    return pd.DataFrame(
        rows, columns=["attribute", "current", "previous", "statistic", "df", "p_value"]
    )


# --- the comparison --------------------------------------------------------------------------


def compare(
    current: Survey,
    previous: Survey,
    results: tuple[dict[str, Result], dict[str, Result]],
    basis: IndexBasis | None,
    options: RunOptions,
) -> pd.DataFrame:
    """Every change between two periods as rows of :data:`CHANGE_COLUMNS`.

    ``measure`` is ``index:<construct>``, ``nps``, ``gap:<dimension>`` or ``kano:<attribute>``;
    ``points`` is the difference on a 0–100 scale (index and NPS points as they are; a gap
    difference times 100 / (scale max − min)), used against ``--min-change``; ``significant``
    is ``p_value < 0.05``.
    """
    frames = []
    if basis is not None:
        table = index_difference(
            basis,
            basis.data(current).data,
            basis.data(previous).data,
            options.bootstrap,
            options.seed,
        )
        frames.append(
            table.rename(columns={"construct": "measure"}).assign(
                measure=lambda f: "index:" + f["measure"],
                kind="index",
                points=table["difference"],
                test="bootstrap",
            )
        )
    if current.layout.nps is not None:
        column = current.layout.nps
        row = nps_change(current.numeric(column), previous.numeric(column))
        frames.append(
            pd.DataFrame([row]).assign(
                measure="nps", kind="nps", points=row["difference"], test="z"
            )
        )
    if current.layout.gap:
        _, names, now = respondent_gaps(current)
        table = welch_differences(now, respondent_gaps(previous)[2], names)
        low, high = current.layout.gap_scale or (np.nan, np.nan)
        frames.append(
            table.rename(columns={"name": "measure"}).assign(
                measure=lambda f: "gap:" + f["measure"],
                kind="gap",
                points=table["difference"] * 100 / (high - low),
                test="welch",
            )
        )
    if "kano" in results[0]:
        table = kano_shifts(results[0]["kano"], results[1]["kano"])
        frames.append(
            table.rename(columns={"attribute": "measure"}).assign(
                measure=lambda f: "kano:" + f["measure"], kind="kano", test="chi-square"
            )
        )
    changes = pd.concat(
        [f.astype({"current": object, "previous": object}) for f in frames], ignore_index=True
    ).reindex(columns=list(CHANGE_COLUMNS))
    changes["significant"] = (changes["p_value"] < ALPHA).to_numpy(dtype=bool)
    return changes


def alerts(
    changes: pd.DataFrame, min_change: float, scale: tuple[float, float] | None
) -> tuple[str, ...]:
    """Messages for significant drops larger than ``min_change`` points (0–100 scale).

    A drop is a negative difference of an index, the NPS or a gap (P − E); Kano shifts have no
    direction and never alert.
    """
    drops = changes[changes["significant"] & (changes["points"] < -min_change)]
    messages = []
    for row in drops.to_dict(orient="records"):
        p_value = f"p = {row['p_value']:.2g}"
        if row["kind"] == "gap" and scale is not None:
            messages.append(
                f"{row['measure']} fell {-row['difference']:.2f} on the {scale[0]:g}–"
                f"{scale[1]:g} scale ({-row['points']:.1f} points of 100; {p_value})"
            )
        else:
            messages.append(f"{row['measure']} fell {-row['difference']:.1f} points ({p_value})")
    return tuple(messages)


# --- segments --------------------------------------------------------------------------------


def segment_table(
    survey: Survey, by: str, basis: IndexBasis | None, options: RunOptions
) -> pd.DataFrame:
    """Per segment of ``by`` (one period): the CSI, the NPS and the worst gap, each against the
    rest of the respondents.

    Returns
    -------
    DataFrame
        ``segment``, ``n``; ``csi``, ``csi_vs_rest`` (segment − rest) and ``csi_p`` (bootstrap,
        same weights, as :func:`index_difference`); ``nps``, ``nps_vs_rest``, ``nps_p``
        (:func:`nps_change`); ``worst_gap`` (the dimension or item with the lowest mean gap in
        the segment), ``gap``, ``gap_vs_rest``, ``gap_p`` (Welch). Columns of analyses the file
        lacks are left out; a segment with fewer than 10 complete CSI answers (or a rest that
        small) gets no CSI.

    Raises
    ------
    UsageError
        The file has no column ``by``.
    """
    labels = segment_labels(survey, by)
    groups = segment_order(labels)
    present = pd.notna(labels)
    prepared = basis.data(survey) if basis is not None else None
    gaps = respondent_gaps(survey) if survey.layout.gap else None
    rows = []
    for group in groups:
        inside = labels == group
        row: dict[str, Any] = {"segment": group, "n": int(inside.sum())}
        if basis is not None and prepared is not None:
            row.update(_segment_index(basis, prepared, inside, present, options))
        if survey.layout.nps is not None:
            scores = survey.numeric(survey.layout.nps)
            change = nps_change(scores[inside], scores[present & ~inside])
            row.update(
                nps=change["current"], nps_vs_rest=change["difference"], nps_p=change["p_value"]
            )
        if gaps is not None:
            row.update(_worst_gap(gaps[1], gaps[2], inside, present))
        rows.append(row)
    return pd.DataFrame(rows)


def _segment_index(
    basis: IndexBasis,
    prepared: index.Prepared,
    inside: np.ndarray,
    present: np.ndarray,
    options: RunOptions,
) -> dict[str, float]:
    used_inside, used_rest = inside[prepared.used], (present & ~inside)[prepared.used]
    if min(used_inside.sum(), used_rest.sum()) < index.MIN_RESPONDENTS:
        return {"csi": np.nan, "csi_vs_rest": np.nan, "csi_p": np.nan}
    table = index_difference(
        basis,
        prepared.data[used_inside],
        prepared.data[used_rest],
        options.bootstrap,
        options.seed,
    )
    row = table.set_index("construct").loc[basis.target]
    return {"csi": row["current"], "csi_vs_rest": row["difference"], "csi_p": row["p_value"]}


def _worst_gap(
    names: tuple[str, ...], gaps: np.ndarray, inside: np.ndarray, present: np.ndarray
) -> dict[str, Any]:
    table = welch_differences(gaps[inside], gaps[present & ~inside], names)
    if table["current"].isna().all():
        return {"worst_gap": None, "gap": np.nan, "gap_vs_rest": np.nan, "gap_p": np.nan}
    worst = table.loc[table["current"].idxmin()]
    return {
        "worst_gap": worst["name"],
        "gap": worst["current"],
        "gap_vs_rest": worst["difference"],
        "gap_p": worst["p_value"],
    }


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodReport(Report):
    """One period against another: the analyses of both, the changes, alerts, segments, trend.

    ``results`` (of :class:`~csi_cli.results.Report`) hold the current period's analyses,
    ``prior`` the previous period's; ``notes`` are the alerts, then warnings.
    """

    period: Period | None = None
    previous: Period | None = None
    n_previous: int = 0
    prior: tuple[Result, ...] = ()
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    alerts: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    by: str | None = None
    segments: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None

    @property
    def headline(self) -> dict[str, Any] | None:
        """The CSI of the current period: the target's row of the changes (None without CSI)."""
        index_result = self.result("index")
        if index_result is None:
            return None
        measure = f"index:{index_result.target}"
        row = self.changes[self.changes["measure"] == measure].iloc[0]
        return {
            "measure": measure,
            "value": index_result.index["value"],
            "ci_low": index_result.index["ci_low"],
            "ci_high": index_result.index["ci_high"],
            "previous": row["previous"],
            "difference": row["difference"],
            "p_value": row["p_value"],
        }

    def result(self, name: str) -> Any:
        """The current period's result of analysis ``name`` (None when the file lacks it)."""
        return next((r for r in self.results if r.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The ``csi report`` document of survey-spec §5 (plus dates, n, settings, warnings)."""
        assert self.period is not None and self.previous is not None
        document: dict[str, Any] = {
            "period": self.period.label,
            "previous": self.previous.label,
            "source": self.source,
            "dates": {
                "current": [str(self.period.first), str(self.period.last)],
                "previous": [str(self.previous.first), str(self.previous.last)],
            },
            "n_current": self.n,
            "n_previous": self.n_previous,
            "current": {r.name: plain(r.to_dict()) for r in self.results},
            "prior": {r.name: plain(r.to_dict()) for r in self.prior},
            "changes": records(self.changes),
            "alerts": list(self.alerts),
        }
        if self.segments is not None:
            document["by"] = self.by
            document["segments"] = records(self.segments)
        if self.trend is not None:
            document["trend"] = records(self.trend)
        document["settings"] = plain(dict(self.settings))
        document["warnings"] = list(self.warnings)
        return document

    def sections(self) -> list[Section]:
        """Changes first, then segments and the trend when present, then every analysis of
        the current period (under the analysis' own title: the report's title names the
        period)."""
        assert self.period is not None and self.previous is not None
        now, then = self.period.label, self.previous.label
        sections = [
            Section("changes", f"Changes: {now} against {then}", tuple(self._change_tables()))
        ]
        if self.segments is not None:
            sections.append(Section("segments", f"By {self.by} ({now})", (self._segment_table(),)))
        if self.trend is not None:
            sections.append(Section("trend", "Trend", (self._trend_table(),)))
        sections += [
            Section(r.name, getattr(r, "title", r.name), tuple(r.tables())) for r in self.results
        ]
        return sections

    def _change_tables(self) -> list[Table]:
        assert self.period is not None and self.previous is not None
        shown = ["previous", "current", "difference", "ci_low", "ci_high", "p_value", "significant"]
        tables = []
        by_kind = {kind: frame for kind, frame in self.changes.groupby("kind", sort=False)}
        if "index" in by_kind:
            frame = by_kind["index"].assign(construct=lambda f: f["measure"].str[6:])
            tables.append(
                Table(
                    "CSI by construct (0–100)",
                    frame[["construct", *shown]]
                    .astype({"previous": float, "current": float})
                    .reset_index(drop=True),
                    digits=dict.fromkeys(shown[:5], 1) | {"p_value": 4},
                    note="Both periods scored with the current period's outer weights; 95% "
                    "bootstrap interval of the difference; significant: p < 0.05.",
                    chart=Chart(
                        kind="bar",
                        x="construct",
                        y=("previous", "current"),
                        title=f"Index by construct: {self.previous.label} and {self.period.label}",
                        y_title="index (0–100)",
                    ),
                    key="changes_index",
                )
            )
        numeric = [by_kind[k] for k in ("nps", "gap") if k in by_kind]
        if numeric:
            frame = pd.concat(numeric)[["measure", *shown, "test"]].reset_index(drop=True)
            tables.append(
                Table(
                    "NPS and expectation gaps",
                    frame.astype({"previous": float, "current": float}),
                    digits=dict.fromkeys(shown[:5], 2) | {"p_value": 4},
                    note="NPS: z test of two independent NPS values; gaps (perception − "
                    "expectation): Welch t test on the respondents' gaps.",
                    key="changes_other",
                )
            )
        if "kano" in by_kind:
            frame = by_kind["kano"].assign(attribute=lambda f: f["measure"].str[5:])
            frame = frame[
                ["attribute", "previous", "current", "statistic", "df", "p_value", "significant"]
            ].rename(columns={"statistic": "chi2"})
            tables.append(
                Table(
                    "Kano category shifts",
                    frame.reset_index(drop=True),
                    digits={"chi2": 2, "df": 0, "p_value": 4},
                    note="Pearson chi-square on the category counts of the two periods; "
                    "significant: the category mix changed (p < 0.05).",
                    key="changes_kano",
                )
            )
        return tables

    def _segment_table(self) -> Table:
        assert self.segments is not None
        digits = {
            "n": 0,
            "csi": 1,
            "csi_vs_rest": 1,
            "nps": 1,
            "nps_vs_rest": 1,
            "gap": 2,
            "gap_vs_rest": 2,
            "csi_p": 4,
            "nps_p": 4,
            "gap_p": 4,
        }
        return Table(
            f"Segments of {self.by} against the rest",
            self.segments,
            digits=digits,
            note="*_vs_rest: segment minus the other respondents; *_p: two-sided p-value "
            "(CSI: bootstrap with the period's weights; NPS: z test; worst gap: Welch t).",
            key="segments",
        )

    def _trend_table(self) -> Table:
        assert self.trend is not None
        series = tuple(c for c in ("csi", "nps") if self.trend[c].notna().any())
        return Table(
            f"Last {len(self.trend)} recorded periods",
            self.trend,
            digits={"n": 0, "csi": 1, "csi_ci_low": 1, "csi_ci_high": 1, "nps": 1, "alerts": 0},
            chart=Chart(kind="line", x="period", y=series, title="Trend", y_title="points")
            if series
            else None,
            key="trend",
        )


def build_report(
    survey: Survey,
    period: Period,
    previous: Period | None = None,
    *,
    options: RunOptions,
    min_change: float = DEFAULT_MIN_CHANGE,
    by: str | None = None,
    problems: Sequence[str] = (),
) -> PeriodReport:
    """Compare ``period`` with ``previous`` (default: the period of the same length just
    before) on every analysis the survey supports.

    Parameters
    ----------
    survey : Survey
        A validated survey with a date column.
    period, previous : Period
        The period reported on and the one it is compared with.
    options : RunOptions
        Seed, bootstrap resamples and method settings of every analysis (``by`` is ignored:
        segments are the ``by`` argument).
    min_change : float
        Smallest drop, in points of a 0–100 scale, that raises an alert.
    by : str, optional
        Segment column: adds a table of segments against the rest (current period).
    problems : sequence of str
        Non-blocking validation messages, kept as warnings.

    Raises
    ------
    UsageError, InputError, ModelError
        No date column, an empty period, nothing to compare, or an analysis that cannot run
        on one of the periods (the message names the period).
    """
    previous = previous or period.previous()
    current_survey, prior_survey = select_periods(survey, period, previous)
    analyses = [a for a in supported(survey) if a.name != "overview"]
    if not analyses:
        raise UsageError(
            f"{survey.source.where()}: no CSI blocks, Kano pairs, gap pairs or NPS column to "
            "report on (see survey-spec §2)."
        )
    options = RunOptions(
        seed=options.seed,
        bootstrap=options.bootstrap,
        missing=options.missing,
        method=options.method,
        adjust=options.adjust,
        crosshair=options.crosshair,
        importance=options.importance,
    )
    current = _run_period(analyses, current_survey, options, period)
    prior = _run_period(analyses, prior_survey, options, previous)
    basis = None
    if "index" in current:
        basis = _in_period(period, lambda: index_basis(current_survey, options))
    changes = compare(current_survey, prior_survey, (current, prior), basis, options)
    found = alerts(changes, min_change, survey.layout.gap_scale)
    warnings = tuple(problems) + tuple(
        f"{label}: {warning}"
        for label, results in ((period.label, current), (previous.label, prior))
        for result in results.values()
        for warning in getattr(result, "warnings", ())
    )
    segments = None
    if by is not None:
        segments = segment_table(current_survey, by, basis, options)
    report = PeriodReport(
        title=f"Customer satisfaction report {period.label}",
        source=survey.source.name,
        n=current_survey.n,
        results=tuple(current.values()),
        notes=found + warnings,
        period=period,
        previous=previous,
        n_previous=prior_survey.n,
        prior=tuple(prior.values()),
        changes=changes,
        alerts=found,
        warnings=warnings,
        by=by,
        segments=segments,
    )
    return _finish(report, survey, options, min_change)


def _run_period(
    analyses: Sequence[Analysis], survey: Survey, options: RunOptions, period: Period
) -> dict[str, Result]:
    return {a.name: _in_period(period, lambda a=a: a.run(survey, options)) for a in analyses}


def _in_period(period: Period, work: Any) -> Any:
    """Run ``work()``; an error names the period it happened in."""
    try:
        return work()
    except CsiError as error:
        if hasattr(error, "problems"):
            raise
        raise type(error)(f"{period.label}: {error.message}", code=error.code) from None


def _finish(
    report: PeriodReport, survey: Survey, options: RunOptions, min_change: float
) -> PeriodReport:
    """Add the headline (summary) and settings, which read the assembled report."""
    assert report.period is not None and report.previous is not None
    now, then = report.period.label, report.previous.label
    summary: dict[str, Any] = {
        "Period": now,
        "Compared with": then,
        f"Respondents in {then}": report.n_previous,
    }
    headline = report.headline
    if headline is not None:
        target = headline["measure"][6:]
        summary |= {
            f"CSI ({target}) {now}": Figure(
                headline["value"], 1, headline["ci_low"], headline["ci_high"]
            ),
            f"CSI ({target}) {then}": Figure(headline["previous"], 1),
            "Change (points)": Figure(headline["difference"], 1),
            "p-value of the change": Figure(headline["p_value"], 3),
        }
    nps_row = report.changes[report.changes["measure"] == "nps"]
    if not nps_row.empty:
        summary |= {
            f"NPS {now}": Figure(nps_row["current"].iloc[0], 1),
            "NPS change": Figure(nps_row["difference"].iloc[0], 1),
        }
    summary["Alerts"] = len(report.alerts) or "none"
    settings = {
        "file": survey.source.name,
        "sheet": survey.source.sheet or "",
        "spec": survey.spec.path.name if survey.spec.path else "(conventions)",
        "date column": survey.layout.date,
        f"period {now}": f"{report.period.first} to {report.period.last}",
        f"period {then}": f"{report.previous.first} to {report.previous.last}",
        f"respondents {now}": report.n,
        f"respondents {then}": report.n_previous,
        "seed": options.seed,
        "bootstrap resamples": options.bootstrap,
        "index method": options.method,
        "index weights in comparisons": f"outer weights of {now}",
        "missing CSI answers": options.missing,
        "significance level": ALPHA,
        "alert when a significant drop exceeds (points of 100)": min_change,
        "segments by": report.by or "",
    }
    return replace(report, summary=summary, settings=settings)


def with_trend(report: PeriodReport, trend: pd.DataFrame) -> PeriodReport:
    """The report with the trend of recorded periods (from :mod:`csi_cli.history`)."""
    return replace(report, trend=trend)
