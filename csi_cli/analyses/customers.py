"""Customer value and loyalty as csi runs it: Survey → per-respondent arrays
(:mod:`~csi_cli.analyses.customer_inputs`) → the pure statistics of
:mod:`csi_cli.methods.customers` and :mod:`csi_cli.methods.loyalty` →
:class:`~csi_cli.analyses.customer_result.CustomersResult`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from csi_cli.analyses.customer_inputs import (
    PROBLEM_CODES,
    Columns,
    CustomersSpec,
    Inputs,
    Rating,
    check,
    find_columns,
    gather,
    thresholds,
    tier_order,
)
from csi_cli.analyses.customer_result import CustomersResult
from csi_cli.analysis import CHANGE_COLUMNS, Analysis, Description, empty_changes
from csi_cli.methods import customers as value_methods
from csi_cli.methods import loyalty as loyalty_methods
from csi_cli.methods.customers import ValueAtRisk
from csi_cli.methods.nps import DETRACTOR_MAX
from csi_cli.options import IndexOptions
from csi_cli.segments import segment_labels, segment_order

if TYPE_CHECKING:
    from csi_cli.options import RunOptions
    from csi_cli.survey import Survey
    from csi_cli.validate import Problem

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Flags:
    """Per-respondent 1.0/0.0/NaN classifications from the ratings and their thresholds."""

    satisfied: np.ndarray | None
    dissatisfied: np.ndarray | None
    loyal: np.ndarray | None
    detractor: np.ndarray | None


def _flag(values: np.ndarray, condition: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), np.nan, condition.astype(float))


def classify(inputs: Inputs, spec: CustomersSpec) -> tuple[Flags, dict[str, object]]:
    """Satisfied, dissatisfied, loyal and detractor flags, and the thresholds used."""
    sat, loy = inputs.satisfaction, inputs.loyalty
    used: dict[str, object] = {}
    satisfied = dissatisfied = loyal = detractor = None
    if sat is not None:
        cut = thresholds(sat, spec.satisfied, spec.dissatisfied)
        levels = sat.levels
        with np.errstate(invalid="ignore"):
            satisfied = _flag(levels, levels >= cut.top_box)
            dissatisfied = _flag(levels, levels <= cut.dissatisfied)
        used |= {
            "satisfied": cut.top_box,
            "satisfied_width": cut.width,
            "dissatisfied": cut.dissatisfied,
            "satisfaction_scale": list(sat.scale),
        }
    if loy is not None:
        cut = thresholds(loy, spec.loyal, None)
        with np.errstate(invalid="ignore"):
            loyal = _flag(loy.levels, loy.levels >= cut.top_box)
        used |= {"loyal": cut.top_box, "loyalty_scale": list(loy.scale)}
    if inputs.recommend is not None:
        with np.errstate(invalid="ignore"):
            detractor = _flag(inputs.recommend, inputs.recommend <= DETRACTOR_MAX)
        used["detractor"] = DETRACTOR_MAX
    return Flags(satisfied, dissatisfied, loyal, detractor), used


def tier_codes(inputs: Inputs, spec: CustomersSpec) -> tuple[np.ndarray, tuple[str, ...], str]:
    """Tier of every respondent (−1: none), tier names top first, and what they came from."""
    if inputs.tier_labels is not None:
        codes = value_methods.label_tiers(inputs.tier_labels, inputs.tier_names)
        return codes, inputs.tier_names, f"column {inputs.tier_column}"
    cuts = spec.tier_cuts
    shares = np.diff([0.0, *cuts, 1.0])
    split = " / ".join(
        f"{name} {share:.0%}"
        for name, share in zip(value_methods.PYRAMID_TIERS, shares, strict=True)
    )
    codes = value_methods.value_tiers(inputs.value, cuts)
    return codes, value_methods.PYRAMID_TIERS, f"{inputs.value_column} ({split} of customers)"


def top_versus_rest(scores: np.ndarray, codes: np.ndarray, names: tuple[str, ...]) -> dict | None:
    """The top tier's mean 0–100 satisfaction minus the other tiers': Welch t interval."""
    top = scores[(codes == 0) & ~np.isnan(scores)]
    rest = scores[(codes > 0) & ~np.isnan(scores)]
    if top.size < 2 or rest.size < 2:
        return None
    test = stats.ttest_ind(top, rest, equal_var=False)
    interval = test.confidence_interval(CONFIDENCE)
    return {
        "tier": names[0],
        "top": float(top.mean()),
        "rest": float(rest.mean()),
        "difference": float(top.mean() - rest.mean()),
        "ci_low": float(interval.low),
        "ci_high": float(interval.high),
        "p_value": float(test.pvalue),
        "test": "welch",
    }


def analyse(
    inputs: Inputs,
    spec: CustomersSpec,
    seed: int = 1,
    segments: tuple[np.ndarray, list[str]] | None = None,
) -> CustomersResult:
    """Every part of the analysis the inputs support.

    Parameters
    ----------
    segments : (codes, names), optional
        Segment of every respondent (−1: none) for the quadrants by segment (``--by``).
    """
    flags, used = classify(inputs, spec)
    sat = inputs.satisfaction
    warnings: list[str] = []
    parts: dict[str, object] = {}
    codes, names = None, ()
    if inputs.tier_labels is not None or inputs.value is not None:
        codes, names, basis = tier_codes(inputs, spec)
        parts |= _tier_parts(inputs, flags, codes, names, seed) | {"tier_basis": basis}
    if inputs.value is not None:
        parts |= _value_parts(inputs.value, flags, warnings)
    if flags.satisfied is not None and flags.loyal is not None:
        parts |= _loyalty_parts(sat, flags, used, _groups(codes, names, segments))
    if sat is not None:
        parts["boxes"] = loyalty_methods.box_shares(sat.levels, sat.scale)
    if inputs.repeat is not None and flags.loyal is not None:
        patronage = loyalty_methods.high_patronage(inputs.repeat, spec.repeat_min)
        parts["dick_basu"] = loyalty_methods.dick_basu(flags.loyal, patronage)
        used["repeat"] = (
            f"{inputs.repeat_column} ≥ {spec.repeat_min:g}"
            if spec.repeat_min is not None
            else f"{inputs.repeat_column} above its median"
        )
    if inputs.retained is not None and sat is not None:
        model = loyalty_methods.retention_model(sat.scores, inputs.retained, inputs.value)
        parts["retention"] = model
        warnings += [model.warning] if model.warning else []
    return CustomersResult(
        n=inputs.n,
        sources=_sources(inputs),
        thresholds=used,
        skipped=inputs.skipped,
        warnings=tuple(warnings),
        **parts,
    )


def _tier_parts(inputs: Inputs, flags: Flags, codes, names, seed: int) -> dict[str, object]:
    sat, loy = inputs.satisfaction, inputs.loyalty
    table = value_methods.tier_table(
        value_methods.TierInputs(
            codes=codes,
            names=names,
            value=inputs.value,
            satisfaction=None if sat is None else sat.score100,
            loyalty=None if loy is None else loy.score100,
            recommend=inputs.recommend,
            dissatisfied=flags.dissatisfied,
            detractor=flags.detractor,
        ),
        seed,
    )
    parts: dict[str, object] = {"tiers": table}
    if sat is not None:
        parts["tier_test"] = value_methods.kruskal_test(sat.score100, codes)
        parts["top_vs_rest"] = top_versus_rest(sat.score100, codes, names)
    return parts


def _value_parts(value: np.ndarray, flags: Flags, warnings: list[str]) -> dict[str, object]:
    known = value[~np.isnan(value)]
    parts: dict[str, object] = {}
    if known.size and known.min() >= 0 and known.sum() > 0:
        parts["concentration"] = value_methods.concentration(value)
    else:
        warnings.append(
            "Value has negative entries (or none positive): no Lorenz curve or "
            "Gini, which need non-negative values."
        )
    if flags.dissatisfied is not None:
        parts["at_risk"] = value_methods.value_at_risk(value, flags.dissatisfied)
    if flags.detractor is not None:
        parts["at_risk_detractors"] = value_methods.value_at_risk(value, flags.detractor)
    return parts


def _groups(codes, names, segments) -> list[tuple[np.ndarray, list[str]]]:
    groups = []
    if codes is not None:
        groups.append((codes, list(names)))
    if segments is not None:
        groups.append(segments)
    return groups


def _loyalty_parts(sat: Rating, flags: Flags, used: dict, groups) -> dict[str, object]:
    top_box, width = float(used["satisfied"]), float(used["satisfied_width"])
    quadrant = loyalty_methods.quadrant_codes(flags.satisfied, flags.loyal)
    frames = [loyalty_methods.quadrants_by(quadrant, codes, names) for codes, names in groups]
    return {
        "quadrants": loyalty_methods.coded_shares(
            quadrant, list(loyalty_methods.QUADRANTS.values()), "quadrant"
        ),
        "quadrant_groups": _concat(frames),
        "loyalty_curve": loyalty_methods.rate_by_level(sat.levels, flags.loyal, "loyal_share"),
        "loyalty_ratio": loyalty_methods.loyalty_ratio(sat.levels, flags.loyal, top_box, width),
    }


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _sources(inputs: Inputs) -> dict[str, object]:
    return {
        "satisfaction": None if inputs.satisfaction is None else inputs.satisfaction.source,
        "loyalty": None if inputs.loyalty is None else inputs.loyalty.source,
        "value": inputs.value_column,
        "tier": inputs.tier_column,
        "repeat": inputs.repeat_column,
        "retention": inputs.retention_column,
    }


# --- periods ---------------------------------------------------------------------------------

#: Direction of each compared share: +1 a fall is bad, −1 a rise is bad, 0 no direction.
QUADRANT_DIRECTION = {"loyalist": 1, "mercenary": 0, "hostage": 0, "defector": -1}


def share_changes(
    current: pd.DataFrame, previous: pd.DataFrame, key: str, kind: str
) -> pd.DataFrame:
    """Changes of shares between two independent periods, one row per category of ``key``.

    Notes
    -----
    Δ = p₁ − p₂ with the unpooled SE ``sqrt(p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂)``, the Wald 95% CI
    Δ ± 1.96 SE and the two-sided z test z = Δ / SE (Agresti 2013, §3.1.2); n the period's
    respondents with a category.

    References
    ----------
    Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed. Wiley.
    """
    share = "share" if "share" in current else "share_customers"
    merged = current[[key, "n", share]].merge(
        previous[[key, "n", share]], on=key, suffixes=("_cur", "_prev")
    )
    n1, n2 = merged["n_cur"].sum(), merged["n_prev"].sum()
    p1, p2 = merged[f"{share}_cur"].to_numpy(float), merged[f"{share}_prev"].to_numpy(float)
    difference = p1 - p2
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        z = difference / se
    return pd.DataFrame(
        {
            "kind": "customers",
            "name": [f"{kind}:{name}" for name in merged[key]],
            "current": p1,
            "previous": p2,
            "difference": difference,
            "std_error": se,
            "ci_low": difference - stats.norm.ppf(0.975) * se,
            "ci_high": difference + stats.norm.ppf(0.975) * se,
            "statistic": z,
            "df": np.nan,
            "p_value": 2 * stats.norm.sf(np.abs(z)),
            "test": "z (two proportions)",
        }
    )


def risk_change(current: ValueAtRisk, previous: ValueAtRisk, name: str) -> pd.DataFrame:
    """Change of the share of value at risk between two periods (independent ratio estimates:
    SE = sqrt(SE₁² + SE₂²), normal CI and z test); a rise is a drop of ``points``."""
    difference = current.share - previous.share
    se = float(np.hypot(current.share_se, previous.share_se))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.float64(difference) / se
    half = stats.norm.ppf(0.975) * se
    return pd.DataFrame(
        [{"kind": "customers", "name": name, "current": current.share,
          "previous": previous.share, "difference": difference, "points": -100 * difference,
          "std_error": se, "ci_low": difference - half, "ci_high": difference + half,
          "statistic": z, "df": np.nan, "p_value": 2 * stats.norm.sf(abs(z)),
          "test": "z (two ratio estimates)"}]
    )  # fmt: skip


def compare_results(current: CustomersResult, previous: CustomersResult) -> pd.DataFrame:
    """Tier shares, quadrant shares and the share of value at risk, period against period.

    ``points`` (0–100) carries a direction where one is bad: the top tier's share falling, the
    loyalists' share falling, the defectors' share or the value at risk rising; other rows
    have NaN points and are reported, never alerted.
    """
    frames = []
    if not current.tiers.empty and not previous.tiers.empty:
        tiers = share_changes(current.tiers, previous.tiers, "tier", "tier share")
        top = current.tiers["tier"].iloc[0]
        tiers["points"] = np.where(tiers["name"] == f"tier share:{top}",
                                   100 * tiers["difference"], np.nan)  # fmt: skip
        frames.append(tiers)
    if not current.quadrants.empty and not previous.quadrants.empty:
        quadrants = share_changes(current.quadrants, previous.quadrants, "quadrant", "quadrant")
        direction = current.quadrants["quadrant"].map(QUADRANT_DIRECTION).to_numpy(float)
        quadrants["points"] = np.where(direction != 0, 100 * direction * quadrants["difference"],
                                       np.nan)  # fmt: skip
        frames.append(quadrants)
    for attribute, label in (("at_risk", "value at risk:dissatisfied"),
                             ("at_risk_detractors", "value at risk:detractors")):  # fmt: skip
        now, before = getattr(current, attribute), getattr(previous, attribute)
        if now is not None and before is not None:
            frames.append(risk_change(now, before, label))
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def history_figures(result: CustomersResult) -> dict[str, float | None]:
    """Figures recorded per period: value-at-risk share, defector share, Gini, the top tier's
    satisfaction, retention odds ratio (None where the file has no such input)."""
    quadrants = dict(
        zip(result.quadrants.get("quadrant", []), result.quadrants.get("share", []), strict=True)
    )
    tiers = result.tiers
    top = tiers["satisfaction"].iloc[0] if "satisfaction" in tiers and len(tiers) else None
    figures = {
        "value_at_risk_share": None if result.at_risk is None else result.at_risk.share,
        "defector_share": quadrants.get("defector"),
        "gini": None if result.concentration is None else result.concentration.gini,
        "top_tier_satisfaction": top,
        "retention_odds_ratio": None if result.retention is None else result.retention.odds_ratio,
    }
    return {k: None if v is None or not np.isfinite(v) else float(v) for k, v in figures.items()}


# --- the analysis ----------------------------------------------------------------------------


def run_customers(survey: Survey, options: RunOptions) -> CustomersResult:
    """Gather the survey's customer inputs and analyse them (quadrants per segment with
    ``--by``)."""
    spec = survey.spec.customers
    inputs = gather(survey, spec, options.of("index", IndexOptions))
    segments = None
    if options.by is not None:
        labels = segment_labels(survey, options.by)
        names = segment_order(labels)
        codes = pd.Series(labels, dtype=object).map({n: i for i, n in enumerate(names)})
        segments = (codes.fillna(-1).to_numpy(dtype=np.int64), [str(n) for n in names])
    return analyse(inputs, spec, options.seed, segments)


class CustomersAnalysis(Analysis):
    """Customer value and loyalty: the customer pyramid (Zeithaml, Rust & Lemon 2001), value
    at risk, Jones & Sasser quadrants, the loyalty curve, Dick & Basu, retention."""

    name = "customers"
    title = "Customer value and loyalty"
    section = "customers"
    spec_type = CustomersSpec
    codes = PROBLEM_CODES
    change_note = (
        "Tier and quadrant shares: Wald z test of two proportions; value at risk: z test of "
        "two ratio estimates. A fall of the top tier's or the loyalists' share, or a rise of "
        "the defectors' share or of the value at risk, counts as a drop."
    )
    not_supported = (
        "no customer columns found (value such as spend or 年消费, a tier such as 会员等级, "
        "repeat purchases, or retention such as 留存/retained; or [customers] in the spec)."
    )

    def supports(self, survey: Survey) -> bool:
        """True when the file has a value, tier, repeat or retention column."""
        columns = self._columns(survey)
        present = set(survey.frame.columns)
        return any(c in present for c in (columns.value, columns.tier, columns.repeat,
                                          columns.retention))  # fmt: skip

    def rating_columns(self, survey: Survey) -> dict[str, tuple[float, float] | None]:
        """Value and repeat behaviour (numbers on no fixed scale) and the spec's rating
        columns."""
        columns = self._columns(survey)
        present = set(survey.frame.columns)
        named = (columns.value, columns.repeat, columns.satisfaction, columns.loyalty)
        return {c: None for c in named if c in present}

    def used_columns(self, survey: Survey) -> tuple[str, ...]:
        """Every customer column (never offered as a segment)."""
        present = set(survey.frame.columns)
        return tuple(c for c in self._columns(survey).used if c in present)

    def check(self, survey: Survey) -> list[Problem]:
        """See :func:`~csi_cli.analyses.customer_inputs.check`."""
        return check(survey, survey.spec.customers)

    def describe(self, survey: Survey) -> Description:
        """The customer columns found."""
        columns = self._columns(survey)
        found = {
            "value": columns.value, "tier": columns.tier, "repeat": columns.repeat,
            "retention": columns.retention,
        }  # fmt: skip
        rows = tuple((f"Customer {key}", name or "none") for key, name in found.items())
        return Description({"customers": found}, rows)

    def draft(self, survey: Survey) -> Mapping[str, Any] | None:
        """``[customers]``: the columns found and, for a tier column, its order."""
        if not self.supports(survey):
            return None
        columns = self._columns(survey)
        section: dict[str, Any] = {
            key: name
            for key, name in (("value", columns.value), ("tier", columns.tier),
                              ("repeat", columns.repeat))
            if name
        }  # fmt: skip
        if columns.retention:
            section["churn" if columns.churn else "retention"] = columns.retention
        if columns.tier:
            labels = survey.text(columns.tier).dropna().unique()
            order = tier_order(sorted(str(v) for v in labels), survey.spec.customers)
            if order:
                section["tier_order"] = list(order)
        return section

    def run(self, survey: Survey, options: RunOptions) -> CustomersResult:
        """See :func:`run_customers`."""
        return run_customers(survey, options)

    def compare(
        self,
        current: tuple[Survey, Any],
        previous: tuple[Survey, Any],
        options: RunOptions,
    ) -> pd.DataFrame:
        """Tier shares, quadrant shares and value at risk (:func:`compare_results`)."""
        changes = compare_results(current[1], previous[1])
        if changes.empty:
            return empty_changes()
        return changes.reindex(columns=list(CHANGE_COLUMNS))

    def alert(self, change: Mapping[str, Any], survey: Survey) -> str:
        """E.g. "customers: quadrant:defector rose 6.2 points of 100 (p = 0.01)"."""
        verb = "fell" if change["difference"] < 0 else "rose"
        return (
            f"customers: {change['name']} {verb} {abs(100 * change['difference']):.1f} points "
            f"of 100 (p = {change['p_value']:.2g})"
        )

    def history(self, result: Any) -> Mapping[str, float | None]:
        """See :func:`history_figures`."""
        return history_figures(result)

    @staticmethod
    def _columns(survey: Survey) -> Columns:
        return find_columns(list(survey.frame.columns), survey.spec.customers)


ANALYSIS = CustomersAnalysis()
