"""The NPS analysis: the survey's 0–10 recommend column as a Net Promoter Score, per segment,
and its change between periods (numerics in :mod:`csi_cli.methods.nps`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from csi_cli.actions import Action, nps_actions
from csi_cli.analysis import Analysis, Description, changes_frame
from csi_cli.methods.nps import (
    BOOTSTRAP_BELOW_N,
    NPS_RESAMPLES,
    NpsSummary,
    composition_test,
    nps_difference,
    nps_summary,
)
from csi_cli.results import Chart, Figure, Table, diagnostic, plain, records, respondents_used
from csi_cli.segments import segment_labels, segment_order

if TYPE_CHECKING:
    from csi_cli.options import RunOptions
    from csi_cli.survey import Survey


@dataclass(frozen=True)
class NpsResult:
    """NPS of the survey, and per segment with ``--by``."""

    n: int
    column: str
    summary: NpsSummary
    by: str | None = None
    segments: pd.DataFrame | None = None
    segment_test: dict[str, float] | None = None
    name: str = "nps"
    title: str = "Net Promoter Score"
    warnings: tuple[str, ...] = ()

    def headline(self) -> dict[str, Any]:
        """The headline figure: NPS with its CI (and how many answered, when not everyone)."""
        s = self.summary
        figures: dict[str, Any] = {"NPS": Figure(s.nps, 1, s.ci_low, s.ci_high)}
        if s.n < self.n:
            figures["Respondents used (NPS)"] = respondents_used(
                s.n, self.n, f"no answer in {self.column}"
            )
        return figures

    def actions(self) -> list[Action]:
        """A negative NPS (:func:`csi_cli.actions.nps_actions`)."""
        s = self.summary
        detractors = s.detractors / s.n if s.n else float("nan")
        return nps_actions(s.nps, s.ci_low, s.ci_high, detractors)

    def to_dict(self) -> dict[str, Any]:
        """``n`` (respondents), ``column``, the summary's keys, ``segments``, ``segment_test``."""
        return {
            "n": self.n,
            "column": self.column,
            **{k: v for k, v in self.summary.to_dict().items() if k != "n"},
            "n_answered": self.summary.n,
            "by": self.by,
            "segments": None if self.segments is None else records(self.segments),
            "segment_test": plain(self.segment_test),
        }

    def tables(self) -> list[Table]:
        """Composition (bar chart), the NPS with its CI, and segments when asked for."""
        tables = [_composition_table(self.summary), *diagnostic(_score_table(self.summary))]
        if self.segments is not None:
            tables.append(_segment_table(self.by or "", self.segments, self.segment_test or {}))
        return tables


def _composition_table(s: NpsSummary) -> Table:
    frame = pd.DataFrame(
        {
            "group": ["Promoters (9–10)", "Passives (7–8)", "Detractors (0–6)"],
            "count": [s.promoters, s.passives, s.detractors],
        }
    )
    frame["share"] = frame["count"] / s.n if s.n else np.nan
    chart = Chart(kind="bar", x="group", y=("share",), title="NPS composition")
    return Table("NPS composition", frame, {"count": 0}, chart=chart, key="nps_composition")


def _score_table(s: NpsSummary) -> Table:
    frame = pd.DataFrame([{"n": s.n, "nps": s.nps, "se": s.se, "ci_low": s.ci_low,
                           "ci_high": s.ci_high, "ci_method": s.ci_method}])  # fmt: skip
    ci = {
        "normal": "95% CI = NPS ± 1.96 SE",
        "bootstrap": f"95% CI: percentile bootstrap ({NPS_RESAMPLES:,} resamples; fewer "
        f"than {BOOTSTRAP_BELOW_N} answers)",
    }[s.ci_method]
    return Table(
        "Net Promoter Score",
        frame,
        {"n": 0, "nps": 1, "se": 2, "ci_low": 1, "ci_high": 1},
        note=f"NPS = % promoters − % detractors; {ci}.",
        key="nps_score",
    )


def _segment_table(by: str, segments: pd.DataFrame, test: Mapping[str, float]) -> Table:
    chart = Chart(kind="bar", x="segment", y=("nps",), title=f"NPS by {by}")
    return Table(
        f"NPS by {by}",
        segments,
        {"n": 0, "promoters": 0, "passives": 0, "detractors": 0, "nps": 1, "se": 2},
        note=f"Composition differs between segments: χ² = {test.get('chi2')}, "
        f"df = {test.get('df')}, p = {test.get('p_value')}.",
        chart=chart,
        key="nps_segments",
    )


def nps_change(first: np.ndarray, second: np.ndarray) -> dict[str, Any]:
    """NPS of two independent groups and the z test of their difference (see
    :func:`csi_cli.methods.nps.nps_difference`)."""
    current, previous = nps_summary(first), nps_summary(second)
    change = nps_difference(current, previous)
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


NPS_SCALE = (0.0, 10.0)


class NpsAnalysis(Analysis):
    """Net Promoter Score of a 0–10 recommend column (Reichheld 2003)."""

    name = "nps"
    title = "Net Promoter Score"
    change_note = "z test of two independent NPS values."
    not_supported = "no NPS column found (a 0–10 column named NPS or recommend, or [survey] nps)."

    def supports(self, survey: Survey) -> bool:
        """True when the file has a 0–10 recommend column (``NPS``/``recommend`` or the spec's)."""
        return survey.layout.nps is not None

    def rating_columns(self, survey: Survey) -> dict[str, tuple[float, float] | None]:
        """The recommend column, on 0–10."""
        return {survey.layout.nps: NPS_SCALE} if survey.layout.nps else {}

    def describe(self, survey: Survey) -> Description:
        """The recommend column."""
        return Description(
            {"nps": survey.layout.nps}, (("NPS column", survey.layout.nps or "none"),)
        )

    def run(self, survey: Survey, options: RunOptions) -> NpsResult:
        """NPS of the survey's recommend column, per segment when ``options.by`` is set.

        See :func:`~csi_cli.methods.nps.nps_summary` and
        :func:`~csi_cli.methods.nps.composition_test`.
        """
        column = survey.layout.nps
        assert column is not None
        scores = survey.numeric(column)
        segments = test = None
        if options.by is not None:
            labels = segment_labels(survey, options.by)
            names = segment_order(labels)
            summaries = [nps_summary(scores[labels == name], options.seed) for name in names]
            segments = pd.DataFrame([asdict(s) for s in summaries])
            segments.insert(0, "segment", names)
            test = composition_test(summaries)
        return NpsResult(
            n=survey.n,
            column=column,
            summary=nps_summary(scores, options.seed),
            by=options.by,
            segments=segments,
            segment_test=test,
        )

    def compare(
        self,
        current: tuple[Survey, Any],
        previous: tuple[Survey, Any],
        options: RunOptions,
    ) -> pd.DataFrame:
        """The NPS of both periods and the z test of the difference (points = NPS points)."""
        column = current[0].layout.nps
        assert column is not None
        row = nps_change(current[0].numeric(column), previous[0].numeric(column))
        frame = pd.DataFrame([{"name": "nps", **row, "points": row["difference"]}])
        return changes_frame(self.name, frame, name="name", test="z")

    def history(self, result: Any) -> Mapping[str, float | None]:
        """The NPS."""
        return {"nps": result.summary.nps}


ANALYSIS = NpsAnalysis()
