"""Period reports: one period of a survey against the previous one.

:func:`build_period_document` selects the respondents of both periods from the survey's date
column, runs every registered analysis the file supports on each, and asks each analysis for
its changes (:meth:`csi_cli.analysis.Analysis.compare`): the CSI of every construct with the
same weights and a bootstrap test, the NPS with a z test, every gap dimension with Welch's t,
every Kano attribute's category mix with a chi-square test, and whatever later analyses add.
Significant drops larger than a stated minimum become alerts. The result, a
:class:`PeriodDocument`, is the :class:`~csi_cli.results.Document` every renderer takes; its
``to_dict()`` is the ``csi report`` document of docs/json.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from csi_cli.analyses import get, supported
from csi_cli.analyses.gap import respondent_gaps
from csi_cli.analyses.index import basis_data, index_basis
from csi_cli.analyses.nps import nps_change
from csi_cli.analysis import CHANGE_COLUMNS as ANALYSIS_CHANGE_COLUMNS
from csi_cli.analysis import Analysis, empty_changes
from csi_cli.errors import CsiError, InputError, UsageError
from csi_cli.methods import index
from csi_cli.methods.index_change import IndexBasis, index_difference
from csi_cli.methods.twosample import welch_differences
from csi_cli.options import DEFAULT_MIN_CHANGE, REPORT_BOOTSTRAP, IndexOptions, RunOptions
from csi_cli.periods import Period, to_dates, to_months
from csi_cli.results import Chart, Document, Figure, Result, Section, Table, plain, records
from csi_cli.segments import segment_labels, segment_order
from csi_cli.survey import Survey

__all__ = ["DEFAULT_MIN_CHANGE", "REPORT_BOOTSTRAP", "PeriodDocument", "build_period_document"]

#: Significance level of every comparison.
ALPHA = 0.05

#: Columns of the changes: each analysis' rows (:data:`csi_cli.analysis.CHANGE_COLUMNS`) with
#: the ``measure`` key and ``significant``.
CHANGE_COLUMNS = ("measure", *ANALYSIS_CHANGE_COLUMNS, "significant")
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
    dates = to_dates(survey.frame[column])
    chosen = []
    for wanted in (period, previous):
        mask = wanted.contains(dates)
        if not mask.any():
            raise InputError(
                f"{survey.source.where(column)}: no respondents in {wanted.label}. The file "
                f"has {available_periods(dates)}. Choose one of them with --period (and "
                "--previous)."
            )
        chosen.append(survey.subset(mask))
    return chosen[0], chosen[1]


def available_periods(dates: pd.Series) -> str:
    """The months present with their respondents, e.g. ``2026-09 (170), 2026-10 (165)``."""
    counts = to_months(dates).dropna().value_counts().sort_index()
    if counts.empty:
        return "no dates at all"
    return ", ".join(f"{month} ({count})" for month, count in counts.items())


# --- the comparison --------------------------------------------------------------------------


def compare(
    analyses: Sequence[Analysis],
    current: tuple[Survey, Mapping[str, Result]],
    previous: tuple[Survey, Mapping[str, Result]],
    options: RunOptions,
) -> pd.DataFrame:
    """Every change between two periods: each analysis' :meth:`Analysis.compare` rows, then
    ``measure`` (``kind:name``, or ``kind`` alone when the name repeats it — the key scripts
    read) and ``significant`` (``p_value < 0.05``)."""
    frames = [
        _in_period(
            None,
            lambda a=a: a.compare(
                (current[0], current[1][a.name]), (previous[0], previous[1][a.name]), options
            ),
        )
        for a in analyses
    ]
    changes = pd.concat(
        [f.astype({"current": object, "previous": object}) for f in frames if not f.empty]
        or [empty_changes()],
        ignore_index=True,
    )
    measure = np.where(
        changes["name"] == changes["kind"], changes["kind"], changes["kind"] + ":" + changes["name"]
    )
    changes.insert(0, "measure", measure)
    changes["significant"] = (changes["p_value"].astype(float) < ALPHA).to_numpy(dtype=bool)
    return changes.reindex(columns=list(CHANGE_COLUMNS))


def alerts(changes: pd.DataFrame, min_change: float, survey: Survey) -> tuple[str, ...]:
    """Messages for significant drops larger than ``min_change`` points (0–100 scale), each
    worded by its analysis (:meth:`Analysis.alert`); changes without a direction (NaN
    ``points``, e.g. Kano shifts) never alert."""
    drops = changes[changes["significant"] & (changes["points"].astype(float) < -min_change)]
    return tuple(get(row["kind"]).alert(row, survey) for row in drops.to_dict(orient="records"))


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
    prepared = basis_data(basis, survey) if basis is not None else None
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
class PeriodDocument(Document):
    """One period against another: the analyses of both, the changes, alerts, segments, trend.

    ``results`` (of :class:`~csi_cli.results.Document`) hold the current period's analyses,
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

    def csi_change(self) -> dict[str, Any] | None:
        """The CSI of the current period: the target's row of the changes (None without CSI)."""
        index_result = self.result("index")
        if index_result is None:
            return None
        measure = f"index:{index_result.target}"
        row = self.changes[self.changes["measure"] == measure].iloc[0]
        return {
            "measure": measure,
            "name": index_result.target,
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
        sections += [Section(r.name, r.title, tuple(r.tables())) for r in self.results]
        return sections

    def _change_tables(self) -> list[Table]:
        """Each analysis' tables of its rows of the changes (:meth:`Analysis.change_tables`),
        by default every row of its kind in one table."""
        assert self.period is not None and self.previous is not None
        labels = (self.period.label, self.previous.label)
        tables = []
        for kind, frame in self.changes.groupby("kind", sort=False):
            own = get(str(kind)).change_tables(frame, labels)
            tables += own or [_change_table(str(kind), frame)]
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


def _change_table(kind: str, changes: pd.DataFrame) -> Table:
    """The rows of one kind of change as they are (previous, current, difference, CI, test)."""
    shown = ["previous", "current", "difference", "ci_low", "ci_high", "p_value"]
    frame = changes[["name", *shown, "significant", "test"]].reset_index(drop=True)
    return Table(
        f"{get(kind).title}: changes",
        frame.astype({"previous": float, "current": float}),
        digits=dict.fromkeys(shown[:5], 2) | {"p_value": 4},
        note=get(kind).change_note,
        key=f"changes_{kind}",
    )


def build_period_document(
    survey: Survey,
    period: Period,
    previous: Period | None = None,
    *,
    options: RunOptions,
    min_change: float = DEFAULT_MIN_CHANGE,
    by: str | None = None,
    problems: Sequence[str] = (),
) -> PeriodDocument:
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
    analyses = [a for a in supported(survey) if a.in_report]
    if not analyses:
        raise UsageError(
            f"{survey.source.where()}: no CSI blocks, Kano pairs, gap pairs or NPS column to "
            "report on (see docs/spec.md)."
        )
    options = options.without_segments()
    current = _run_period(analyses, current_survey, options, period)
    prior = _run_period(analyses, prior_survey, options, previous)
    changes = compare(analyses, (current_survey, current), (prior_survey, prior), options)
    found = alerts(changes, min_change, survey)
    warnings = tuple(problems) + tuple(
        f"{label}: {warning}"
        for label, results in ((period.label, current), (previous.label, prior))
        for result in results.values()
        for warning in result.warnings
    )
    segments = None
    if by is not None:
        basis = None
        if "index" in current:
            own = options.of("index", IndexOptions)
            basis = _in_period(period, lambda: index_basis(current_survey, own))
        segments = segment_table(current_survey, by, basis, options)
    document = PeriodDocument(
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
    return _finish(document, survey, options, min_change)


def _run_period(
    analyses: Sequence[Analysis], survey: Survey, options: RunOptions, period: Period
) -> dict[str, Result]:
    return {a.name: _in_period(period, lambda a=a: a.run(survey, options)) for a in analyses}


def _in_period(period: Period | None, work: Any) -> Any:
    """Run ``work()``; an error names the period it happened in (when given)."""
    try:
        return work()
    except CsiError as error:
        if hasattr(error, "problems") or period is None:
            raise
        raise type(error)(f"{period.label}: {error.message}", code=error.code) from None


def _finish(
    report: PeriodDocument, survey: Survey, options: RunOptions, min_change: float
) -> PeriodDocument:
    """Add the headline (summary) and settings, which read the assembled report."""
    assert report.period is not None and report.previous is not None
    now, then = report.period.label, report.previous.label
    summary: dict[str, Any] = {
        "Period": now,
        "Compared with": then,
        f"Respondents in {then}": report.n_previous,
    }
    headline = report.csi_change()
    if headline is not None:
        target = headline["name"]
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
    own = options.of("index", IndexOptions)
    settings = {
        "file": survey.source.name,
        "sheet": survey.source.sheet or "",
        "spec": survey.spec.path.name if survey.spec.path else "(conventions)",
        "date_column": survey.layout.date,
        "period": f"{report.period.first} to {report.period.last}",
        "previous_period": f"{report.previous.first} to {report.previous.last}",
        "respondents": report.n,
        "respondents_previous": report.n_previous,
        "seed": options.seed,
        "bootstrap_resamples": options.bootstrap,
        "index_method": own.method,
        "index_weights_in_comparisons": "outer weights of the current period",
        "missing_csi_answers": own.missing,
        "significance_level": ALPHA,
        "alert_min_drop_points": min_change,
        "segments_by": report.by or "",
    }
    return replace(report, summary=summary, settings=settings)


def with_trend(report: PeriodDocument, trend: pd.DataFrame) -> PeriodDocument:
    """The report with the trend of recorded periods (from :mod:`csi_cli.history`)."""
    return replace(report, trend=trend)
