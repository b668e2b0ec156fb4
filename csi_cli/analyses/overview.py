"""What a survey file holds: respondents, the columns of every analysis, the overall rating,
segments and periods. The first section of ``csi analyze`` and the basis of ``csi init``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from csi_cli.analysis import Analysis, Description
from csi_cli.errors import InputError
from csi_cli.options import RunOptions
from csi_cli.periods import distinct_months
from csi_cli.results import Table, plain
from csi_cli.survey import Survey

MAX_SEGMENT_LEVELS = 20


@dataclass(frozen=True)
class Overview:
    """What the file holds: each analysis' description, then the general facts."""

    n: int
    sheet: str | None
    descriptions: tuple[Description, ...]
    overall: str | None
    segments: dict[str, tuple[str, ...]]
    periods: tuple[str, ...]
    name: str = "overview"
    title: str = "Survey overview"
    warnings: tuple[str, ...] = ()

    def headline(self) -> dict[str, Any]:
        """The overview repeats no figure in the headline."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """``n``, ``sheet``, each analysis' keys (``csi``, ``kano_attributes``, ``gap_items``,
        ``gap_dimensions``, ``nps`` …), ``overall``, ``segments``, ``periods``."""
        document: dict[str, Any] = {"n": self.n, "sheet": self.sheet}
        for description in self.descriptions:
            document |= description.document
        document |= {"overall": self.overall, "segments": self.segments, "periods": self.periods}
        return plain(document)

    def tables(self) -> list[Table]:
        """One table: what was found, and where."""
        rows = [("Respondents", str(self.n))]
        rows += [row for d in self.descriptions for row in d.rows]
        rows += [
            ("Overall rating", self.overall or "none"),
            ("Segments", ", ".join(f"{k} ({len(v)})" for k, v in self.segments.items()) or "none"),
            ("Periods", ", ".join(self.periods) or "none"),
        ]
        frame = pd.DataFrame(rows, columns=["What", "Found"])
        return [Table(title="What the file holds", frame=frame, key="overview")]


class OverviewAnalysis(Analysis):
    """What the file holds (no statistics)."""

    name = "overview"
    title = "Survey overview"
    in_report = False

    def supports(self, survey: Survey) -> bool:
        """Every survey has an overview."""
        return True

    def rating_columns(self, survey: Survey) -> dict[str, tuple[float, float] | None]:
        """The overall rating (no fixed scale)."""
        return {survey.layout.overall: None} if survey.layout.overall else {}

    def run(self, survey: Survey, options: RunOptions) -> Overview:
        """Describe the survey's layout: every registered analysis' description."""
        from csi_cli.analyses import registered

        return Overview(
            n=survey.n,
            sheet=survey.source.sheet,
            descriptions=tuple(a.describe(survey) for a in registered() if a is not self),
            overall=survey.layout.overall,
            segments={c: segment_levels(survey, c) for c in segment_columns(survey)},
            periods=_periods(survey),
        )


def _periods(survey: Survey) -> tuple[str, ...]:
    if survey.layout.date is None:
        return ()
    try:
        return tuple(distinct_months(survey.frame[survey.layout.date]))
    except InputError:
        return ()


def segment_columns(survey: Survey) -> list[str]:
    """The spec's segments, else text columns with 2–20 levels that no analysis uses."""
    from csi_cli.analyses import registered

    layout = survey.layout
    if layout.segments:
        return list(layout.segments)
    used = {c for a in registered() for c in a.used_columns(survey)} | {layout.id, layout.date}
    found = []
    for column in survey.frame.columns:
        series = survey.frame[column]
        if column in used or pd.api.types.is_numeric_dtype(series.dtype):
            continue
        if 2 <= series.nunique(dropna=True) <= MAX_SEGMENT_LEVELS:
            found.append(column)
    return found


def segment_levels(survey: Survey, column: str) -> tuple[str, ...]:
    """The distinct values of a segment column, as text, sorted."""
    return tuple(sorted(str(v) for v in survey.frame[column].dropna().unique()))


ANALYSIS = OverviewAnalysis()
