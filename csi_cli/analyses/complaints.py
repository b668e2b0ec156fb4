"""The complaint analysis: the complaint iceberg (voice rate, silent customers per complaint) and
service recovery (outcomes of no-problem, silent, resolved and unresolved customers; the
recovery-paradox test; drivers of loyalty among complainers), per segment and between periods
(numerics in :mod:`csi_cli.methods.complaints`; columns in
:mod:`csi_cli.analyses.experience_inputs`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from csi_cli.analyses import experience_inputs as inputs
from csi_cli.analysis import Analysis, Description, changes_frame
from csi_cli.methods import complaints as cm
from csi_cli.methods.regression import OlsFit
from csi_cli.results import Chart, Figure, Table, diagnostic, plain, records
from csi_cli.segments import segment_labels, segment_order

if TYPE_CHECKING:
    from csi_cli.options import RunOptions
    from csi_cli.survey import Survey
    from csi_cli.validate import Problem

GROUP_LABELS = {
    "no_problem": "No problem",
    "silent": "Problem, did not complain",
    "resolved": "Complained, resolved",
    "unresolved": "Complained, not resolved",
}
P_DIGITS = {"p_value": 4, "p_adjusted": 4, "p_one_sided": 4, "n": 0}


@dataclass(frozen=True)
class ComplaintsOptions:
    """Options of the complaint analysis.

    Attributes
    ----------
    received : int or None
        Complaints the complaint system received in the period (``--complaints N``): the
        iceberg then estimates how many customers had a problem.
    """

    received: int | None = None


@dataclass(frozen=True)
class ComplaintColumns:
    """The columns the analysis reads (None / empty when the file has none)."""

    problem: str | None
    complained: str | None
    channel: str | None
    resolved: str | None
    handling: str | None
    outcomes: inputs.Outcomes

    @property
    def used(self) -> tuple[str, ...]:
        """Every column read."""
        named = (self.problem, self.complained, self.channel, self.resolved, self.handling)
        return tuple(c for c in named if c) + self.outcomes.columns


def complaint_columns(survey: Survey) -> ComplaintColumns:
    """Find the complaint columns by the ``[complaints]`` section or the conventions."""
    spec = survey.spec.section("complaints")
    return ComplaintColumns(
        problem=inputs.named_column(survey, spec.problem, inputs.PROBLEM_NAMES),
        complained=inputs.named_column(survey, spec.complained, inputs.COMPLAINED_NAMES),
        channel=inputs.named_column(survey, spec.channel, inputs.CHANNEL_NAMES),
        resolved=inputs.named_column(survey, spec.resolved, inputs.RESOLVED_NAMES),
        handling=inputs.named_column(survey, spec.handling, inputs.HANDLING_NAMES),
        outcomes=inputs.outcomes(survey, spec),
    )


@dataclass(frozen=True)
class ComplaintsResult:
    """The complaint iceberg, service recovery, drivers, channels and segments."""

    iceberg: cm.Iceberg
    resolution: dict[str, float]
    recovery: cm.Recovery | None
    drivers: OlsFit | None
    channels: pd.DataFrame | None
    by: str | None
    segments: pd.DataFrame | None
    columns: dict[str, Any]
    skipped: tuple[str, ...]
    name: str = "complaints"
    title: str = "Complaints and service recovery"
    warnings: tuple[str, ...] = ()

    def headline(self) -> dict[str, Any]:
        """Silent customers per complaint (with CI) and the voice rate in %."""
        ice = self.iceberg
        return {
            "Silent customers with a problem, per complaint": Figure(
                ice.silent_per_complaint, 1, ice.silent_ci_low, ice.silent_ci_high
            ),
            "Voice rate (% who complained)": Figure(
                100 * ice.voice_rate, 1, 100 * ice.voice_ci_low, 100 * ice.voice_ci_high
            ),
        }

    def to_dict(self) -> dict[str, Any]:
        """The keys of the contract (issue #15) and the details behind them."""
        ice = self.iceberg
        paradox = _paradox_document(self.recovery)
        return plain(
            {
                "n": ice.n,
                "base": ice.base,
                "problem_rate": ice.problem_rate,
                "n_problem": ice.n_problem,
                "n_complained": ice.n_voiced,
                "voice_rate": ice.voice_rate,
                "voice_ci_low": ice.voice_ci_low,
                "voice_ci_high": ice.voice_ci_high,
                "silent_per_complaint": ice.silent_per_complaint,
                "silent_ci_low": ice.silent_ci_low,
                "silent_ci_high": ice.silent_ci_high,
                "handbook_silent_per_complaint": ice.handbook_silent_per_complaint,
                "complaints_received": ice.complaints_received,
                "estimated_with_problem": ice.estimated_with_problem,
                "estimated_ci_low": ice.estimated_ci_low,
                "estimated_ci_high": ice.estimated_ci_high,
                "resolution_rate": self.resolution["rate"],
                "resolution_ci_low": self.resolution["ci_low"],
                "resolution_ci_high": self.resolution["ci_high"],
                "recovery": _recovery_records(self.recovery),
                "paradox": paradox,
                "pairs": None if self.recovery is None else records(self.recovery.pairs),
                "drivers": None if self.drivers is None else records(self.drivers.coefficients),
                "channels": None if self.channels is None else records(self.channels),
                "by": self.by,
                "segments": None if self.segments is None else records(self.segments),
                "columns": self.columns,
                "skipped": list(self.skipped),
            }
        )

    def tables(self) -> list[Table]:
        """The iceberg (stacked bar), recovery groups (bar with CIs), tests, drivers, more."""
        tables = _iceberg_tables(self.iceberg, self.resolution)
        if self.recovery is not None:
            tables += _recovery_tables(self.recovery)
        if self.drivers is not None:
            tables.append(_drivers_table(self.drivers))
        if self.channels is not None:
            tables.append(Table("Complaints by channel", self.channels, {"n": 0},
                                key="complaints_channels"))  # fmt: skip
        if self.segments is not None:
            tables.append(_segments_table(self.by or "", self.segments))
        return tables[:1] + diagnostic(*tables[1:])  # the iceberg is the compact view


def _recovery_records(recovery: cm.Recovery | None) -> list[dict[str, Any]] | None:
    if recovery is None:
        return None
    frame = recovery.groups.rename(
        columns={"satisfaction_ci_low": "ci_low", "satisfaction_ci_high": "ci_high"}
    )
    return records(frame)


def _paradox_document(recovery: cm.Recovery | None) -> dict[str, Any] | None:
    if recovery is None:
        return None
    rows = recovery.paradox.set_index("outcome")
    keys = ["difference", "ci_low", "ci_high", "p_value", "p_one_sided", "hedges_g",
            "resolved", "no_problem"]  # fmt: skip
    document = {key: rows.loc["satisfaction", key] for key in keys}
    if "loyalty" in rows.index:
        document["loyalty"] = {key: rows.loc["loyalty", key] for key in keys}
    return document


def _iceberg_tables(ice: cm.Iceberg, resolution: Mapping[str, float]) -> list[Table]:
    base = "had a problem" if ice.base == "problem" else "were dissatisfied"
    parts = pd.DataFrame(
        {
            "customers": [f"who {base}"],
            "complained": [ice.n_voiced],
            "silent": [ice.n_asked - ice.n_voiced],
        }
    )
    chart = Chart(kind="bar", x="customers", y=("complained", "silent"), stacked=True,
                  title="The complaint iceberg", y_title="respondents")  # fmt: skip
    note = f"Of {ice.n} respondents, {ice.n_problem} {base} (problem rate {ice.problem_rate:.1%})."
    if ice.base == "dissatisfied":
        note += " The file has no problem question: the base is the dissatisfied customers."
    iceberg = Table("Complaint iceberg", parts, {"complained": 0, "silent": 0}, note=note,
                    chart=chart, key="complaints_iceberg")  # fmt: skip
    rows = [
        ("problem rate", ice.problem_rate, np.nan, np.nan),
        ("voice rate", ice.voice_rate, ice.voice_ci_low, ice.voice_ci_high),
        ("silent per complaint", ice.silent_per_complaint, ice.silent_ci_low, ice.silent_ci_high),
        ("handbook silent per complaint (TARP)", ice.handbook_silent_per_complaint, np.nan, np.nan),
        ("resolution rate", resolution["rate"], resolution["ci_low"], resolution["ci_high"]),
    ]
    if ice.complaints_received is not None:
        rows.append(
            (f"customers with a problem behind {ice.complaints_received} complaints",
             ice.estimated_with_problem, ice.estimated_ci_low, ice.estimated_ci_high)
        )  # fmt: skip
    measures = pd.DataFrame(rows, columns=["measure", "estimate", "ci_low", "ci_high"])
    leverage = Table(
        "Voice rate and leverage",
        measures,
        note=f"Voice rate = complained / {base.removeprefix('had ')} (Wilson 95% CI); silent per "
        "complaint = (1 − voice)/voice, its CI from the Wilson bounds; resolution rate among "
        "complainers (Wilson CI); customers behind N complaints = N/voice.",
        key="complaints_leverage",
    )
    return [iceberg, leverage]


def _recovery_tables(recovery: cm.Recovery) -> list[Table]:
    groups = recovery.groups.copy()
    groups.insert(1, "label", groups["group"].map(GROUP_LABELS))
    chart = Chart(kind="bar", x="label", y=("satisfaction",), title="Satisfaction by recovery "
                  "group", y_title="mean overall satisfaction")  # fmt: skip
    paradox = recovery.paradox
    return [
        Table(
            "Service recovery groups",
            groups,
            {"n": 0, "nps": 1, "nps_ci_low": 1, "nps_ci_high": 1},
            note="Means with t-based 95% CIs; NPS with its 95% CI.",
            chart=chart,
            key="complaints_recovery",
        ),
        Table(
            "Recovery groups compared",
            recovery.pairs,
            P_DIGITS,
            note="Welch t tests; p_adjusted: Holm across the six pairs of each outcome.",
            key="complaints_pairs",
        ),
        Table(
            "Service-recovery paradox: resolved vs no problem",
            paradox,
            P_DIGITS,
            note="Welch t test; p_one_sided: H₁ resolved > no problem (the paradox; Smith & "
            "Bolton 1998, de Matos et al. 2007); hedges_g: standardized difference.",
            key="complaints_paradox",
        ),
    ]


def _drivers_table(fit: OlsFit) -> Table:
    return Table(
        "Drivers of loyalty among complainers",
        fit.coefficients,
        {"p_value": 4},
        note=f"OLS of loyalty on resolved (0/1) and handling satisfaction, n = {fit.n}, "
        f"R² = {fit.r2:.3f}; HC3 robust standard errors.",
        key="complaints_drivers",
    )


def _segments_table(by: str, segments: pd.DataFrame) -> Table:
    chart = Chart(kind="bar", x="segment", y=("voice_rate",), title=f"Voice rate by {by}")
    return Table(f"Complaint iceberg by {by}", segments, {"n": 0, "n_problem": 0,
                 "n_complained": 0}, chart=chart, key="complaints_segments")  # fmt: skip


@dataclass(frozen=True)
class _Answers:
    problem: np.ndarray
    complained: np.ndarray
    resolved: np.ndarray
    handling: np.ndarray | None
    satisfaction: np.ndarray | None
    loyalty: np.ndarray | None
    nps: np.ndarray | None
    base: str
    skipped: tuple[str, ...]


def _read(survey: Survey, columns: ComplaintColumns) -> _Answers:
    spec = survey.spec.section("complaints")
    answers = spec.answers
    complained = inputs.yes_no(survey, columns.complained, answers)
    assert complained is not None
    satisfaction = inputs.mean_rating(survey, columns.outcomes.satisfaction)
    loyalty = inputs.mean_rating(survey, columns.outcomes.loyalty)
    skipped = []
    problem = inputs.yes_no(survey, columns.problem, answers)
    base = "problem"
    if problem is None:
        assert satisfaction is not None
        threshold = inputs.dissatisfied_threshold(spec.dissatisfied, satisfaction,
                                                  survey.spec.survey.scale)  # fmt: skip
        problem = np.where(np.isnan(satisfaction), np.nan, satisfaction <= threshold)
        base = "dissatisfied"
        skipped.append(
            "no problem question: the voice rate is among the dissatisfied (satisfaction ≤ "
            f"{threshold:g}), and the no-problem and silent groups are not compared"
        )
    resolved = inputs.yes_no(survey, columns.resolved, answers)
    if resolved is None:
        resolved = np.full(survey.n, np.nan)
        skipped.append("no resolution question: the resolved/unresolved groups are empty")
    handling = survey.numeric(columns.handling) if columns.handling else None
    if handling is None:
        skipped.append("no handling-satisfaction column: loyalty drivers use resolution only")
    if satisfaction is None:
        skipped.append("no overall satisfaction: service recovery skipped")
    if loyalty is None:
        skipped.append("no loyalty items (LOY…): recovery shows satisfaction only")
    nps = survey.numeric(survey.layout.nps) if survey.layout.nps else None
    return _Answers(problem, complained, resolved, handling, satisfaction, loyalty, nps, base,
                    tuple(skipped))  # fmt: skip


def _resolution(answers: _Answers) -> dict[str, float]:
    asked = (answers.complained == 1) & ~np.isnan(answers.resolved)
    n = int(np.count_nonzero(asked))
    resolved = int(np.count_nonzero(asked & (answers.resolved == 1)))
    low, high = cm.wilson_interval(resolved, n)
    return {"n": n, "resolved": resolved, "rate": resolved / n if n else np.nan,
            "ci_low": low, "ci_high": high}  # fmt: skip


def _channels(survey: Survey, column: str | None, answers: _Answers) -> pd.DataFrame | None:
    if column is None:
        return None
    complained = answers.complained == 1
    frame = pd.DataFrame(
        {
            "channel": survey.frame[column].astype("string").to_numpy()[complained],
            "resolved": answers.resolved[complained],
        }
    ).dropna(subset=["channel"])
    if frame.empty:
        return None
    grouped = frame.groupby("channel", sort=True)["resolved"]
    return pd.DataFrame({"n": grouped.size(), "resolution_rate": grouped.mean()}).reset_index()


def _segment_rows(labels: np.ndarray, answers: _Answers) -> pd.DataFrame:
    rows = []
    for segment in segment_order(labels):
        inside = labels == segment
        ice = cm.complaint_iceberg(answers.problem[inside], answers.complained[inside])
        rows.append(
            {
                "segment": segment,
                "n": ice.n,
                "n_problem": ice.n_problem,
                "n_complained": ice.n_voiced,
                "problem_rate": ice.problem_rate,
                "voice_rate": ice.voice_rate,
                "voice_ci_low": ice.voice_ci_low,
                "voice_ci_high": ice.voice_ci_high,
                "silent_per_complaint": ice.silent_per_complaint,
            }
        )
    return pd.DataFrame(rows)


def analyze_complaints(survey: Survey, options: RunOptions) -> ComplaintsResult:
    """The complaint iceberg and service recovery of a survey.

    See :func:`~csi_cli.methods.complaints.complaint_iceberg`,
    :func:`~csi_cli.methods.complaints.service_recovery` and
    :func:`~csi_cli.methods.complaints.loyalty_drivers`.
    """
    columns = complaint_columns(survey)
    answers = _read(survey, columns)
    own = options.of("complaints", ComplaintsOptions)
    iceberg = cm.complaint_iceberg(answers.problem, answers.complained, base=answers.base,
                                   complaints_received=own.received)  # fmt: skip
    recovery = drivers = None
    if answers.satisfaction is not None:
        codes = cm.recovery_groups(answers.problem, answers.complained, answers.resolved)
        if answers.base == "dissatisfied":
            codes = np.where(codes < 2, cm.UNCLASSIFIED, codes).astype(np.int8)
        outcomes = {"satisfaction": answers.satisfaction}
        if answers.loyalty is not None:
            outcomes["loyalty"] = answers.loyalty
        recovery = cm.service_recovery(codes, outcomes, answers.nps, seed=options.seed)
        if answers.loyalty is not None:
            drivers = cm.loyalty_drivers(answers.loyalty, answers.resolved, answers.handling,
                                         answers.complained)  # fmt: skip
    labels = segment_labels(survey, options.by) if options.by else None
    return ComplaintsResult(
        iceberg=iceberg,
        resolution=_resolution(answers),
        recovery=recovery,
        drivers=drivers,
        channels=_channels(survey, columns.channel, answers),
        by=options.by,
        segments=None if labels is None else _segment_rows(labels, answers),
        columns={
            "problem": columns.problem,
            "complained": columns.complained,
            "channel": columns.channel,
            "resolved": columns.resolved,
            "handling": columns.handling,
            "satisfaction": list(columns.outcomes.satisfaction),
            "loyalty": list(columns.outcomes.loyalty),
        },
        skipped=answers.skipped,
        warnings=_warnings(iceberg, recovery),
    )


def _warnings(iceberg: cm.Iceberg, recovery: cm.Recovery | None) -> tuple[str, ...]:
    notes = []
    if iceberg.n_voiced < 10:
        notes.append(
            f"Only {iceberg.n_voiced} complainers: the voice rate and the recovery groups have "
            "wide intervals; pool more periods for a firm reading."
        )
    if recovery is not None and (recovery.groups["n"] < 2).any():
        empty = ", ".join(recovery.groups.loc[recovery.groups["n"] < 2, "group"])
        notes.append(f"Recovery groups with fewer than 2 respondents ({empty}) are not tested.")
    return tuple(notes)


def proportion_change(
    name: str, current: tuple[int, int], previous: tuple[int, int]
) -> dict[str, Any]:
    """Two independent proportions (successes, n) in % and the two-proportion z test.

    Notes
    -----
    Δ = p₁ − p₂; the test uses the pooled SE sqrt(p̄(1 − p̄)(1/n₁ + 1/n₂)), the CI the unpooled
    SE sqrt(p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂) (Agresti 2013, §1.4 and §3.1.3).
    """
    (x1, n1), (x2, n2) = current, previous
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2, pooled = np.float64(x1) / n1, np.float64(x2) / n2, np.float64(x1 + x2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    half = cm.Z_95 * se
    return {
        "name": name,
        "current": 100 * p1,
        "previous": 100 * p2,
        "difference": 100 * (p1 - p2),
        "points": 100 * (p1 - p2),
        "std_error": 100 * se,
        "ci_low": 100 * (p1 - p2 - half),
        "ci_high": 100 * (p1 - p2 + half),
        "statistic": z,
        "df": np.nan,
        "p_value": 2 * stats.norm.sf(abs(z)) if np.isfinite(z) else np.nan,
    }


class ComplaintsAnalysis(Analysis):
    """The complaint iceberg and service recovery (TARP 1986; Smith & Bolton 1998)."""

    name = "complaints"
    title = "Complaints and service recovery"
    section = "complaints"
    spec_type = inputs.ComplaintsSpec
    options_type = ComplaintsOptions
    codes = MappingProxyType({inputs.UNKNOWN_ANSWER: "a yes/no answer is neither a yes nor a no"})
    change_note = "Two-proportion z test; shares in %."
    not_supported = (
        "no complaint question found (a yes/no column named complained, 投诉…, or [complaints] "
        "complained), or neither a problem question nor an overall satisfaction rating."
    )

    def supports(self, survey: Survey) -> bool:
        """A complained column, and a problem column or an overall satisfaction rating."""
        columns = complaint_columns(survey)
        has_base = columns.problem is not None or bool(columns.outcomes.satisfaction)
        return columns.complained is not None and has_base

    def rating_columns(self, survey: Survey) -> dict[str, tuple[float, float] | None]:
        """Handling satisfaction and the outcome ratings no other analysis checks."""
        columns = complaint_columns(survey)
        return inputs.own_ratings(survey, (columns.handling, *columns.outcomes.columns))

    def used_columns(self, survey: Survey) -> tuple[str, ...]:
        """The yes/no questions, the channel and the ratings."""
        return complaint_columns(survey).used

    def check(self, survey: Survey) -> list[Problem]:
        """Spec-named columns the file lacks; yes/no answers that are neither."""
        spec = survey.spec.section("complaints")
        named = {key: getattr(spec, key) for key in
                 ("problem", "complained", "channel", "resolved", "handling", "overall",
                  "loyalty")}  # fmt: skip
        columns = complaint_columns(survey)
        yes_no = (columns.problem, columns.complained, columns.resolved)
        return inputs.missing_columns(survey, self.name, named) + inputs.check_yes_no(
            survey, self.name, yes_no, spec.answers
        )

    def describe(self, survey: Survey) -> Description:
        """The complaint questions found."""
        columns = complaint_columns(survey)
        found = [c for c in (columns.problem, columns.complained, columns.resolved,
                             columns.handling) if c]  # fmt: skip
        return Description(
            {"complaint_columns": tuple(found)},
            (("Complaint questions", ", ".join(found) or "none"),),
        )

    def draft(self, survey: Survey) -> Mapping[str, Any] | None:
        """``[complaints]``: the columns found by convention."""
        if not self.supports(survey):
            return None
        columns = complaint_columns(survey)
        named = {"problem": columns.problem, "complained": columns.complained,
                 "channel": columns.channel, "resolved": columns.resolved,
                 "handling": columns.handling}  # fmt: skip
        return {key: value for key, value in named.items() if value}

    def run(self, survey: Survey, options: RunOptions) -> ComplaintsResult:
        """See :func:`analyze_complaints`."""
        return analyze_complaints(survey, options)

    def compare(
        self,
        current: tuple[Survey, Any],
        previous: tuple[Survey, Any],
        options: RunOptions,
    ) -> pd.DataFrame:
        """Voice rate and resolution rate of both periods (percentage points)."""
        now, then = current[1], previous[1]
        rows = [
            proportion_change(
                "voice_rate",
                (now.iceberg.n_voiced, now.iceberg.n_asked),
                (then.iceberg.n_voiced, then.iceberg.n_asked),
            ),
            proportion_change(
                "resolution_rate",
                (now.resolution["resolved"], now.resolution["n"]),
                (then.resolution["resolved"], then.resolution["n"]),
            ),
        ]
        return changes_frame(self.name, pd.DataFrame(rows), name="name", test="z")

    def alert(self, change: Mapping[str, Any], survey: Survey) -> str:
        """E.g. "complaints: voice rate fell 3.1 percentage points (p = 0.02)"."""
        what = str(change["name"]).replace("_", " ")
        return (
            f"complaints: {what} fell {-change['difference']:.1f} percentage points "
            f"(p = {change['p_value']:.2g})"
        )

    def history(self, result: Any) -> Mapping[str, float | None]:
        """Voice rate, silent customers per complaint and resolution rate."""
        return plain(
            {
                "voice_rate": result.iceberg.voice_rate,
                "silent_per_complaint": result.iceberg.silent_per_complaint,
                "resolution_rate": result.resolution["rate"],
            }
        )


ANALYSIS = ComplaintsAnalysis()
