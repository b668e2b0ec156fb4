"""What a survey file holds: respondents, CSI blocks, Kano pairs, gap items, NPS, segments,
periods. The first section of ``csi analyze`` and the basis of ``csi init``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from csi_cli.errors import InputError
from csi_cli.options import RunOptions
from csi_cli.periods import distinct_months
from csi_cli.results import Table, plain
from csi_cli.survey import Survey

MAX_SEGMENT_LEVELS = 20


@dataclass(frozen=True)
class Overview:
    """What the file holds and which analyses it supports."""

    n: int
    sheet: str | None
    csi_model: str | None
    csi_blocks: dict[str, tuple[str, ...]]
    csi_scale: tuple[float, float] | None
    kano_attributes: tuple[str, ...]
    gap_items: tuple[str, ...]
    gap_dimensions: dict[str, tuple[str, ...]]
    nps: str | None
    overall: str | None
    segments: dict[str, tuple[str, ...]]
    periods: tuple[str, ...]
    name: str = "overview"
    title: str = "Survey overview"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return plain(
            {
                "n": self.n,
                "sheet": self.sheet,
                "csi": {
                    "model": self.csi_model,
                    "blocks": self.csi_blocks,
                    "scale": self.csi_scale,
                },
                "kano_attributes": self.kano_attributes,
                "gap_items": self.gap_items,
                "gap_dimensions": self.gap_dimensions,
                "nps": self.nps,
                "overall": self.overall,
                "segments": self.segments,
                "periods": self.periods,
            }
        )

    def tables(self) -> list[Table]:
        """One table: what was found, and where."""
        blocks = "; ".join(f"{c}: {', '.join(cols)}" for c, cols in self.csi_blocks.items())
        rows = [
            ("Respondents", str(self.n)),
            ("CSI model", self.csi_model.upper() if self.csi_model else "none"),
            ("CSI blocks", blocks or "none"),
            ("Kano attributes", ", ".join(self.kano_attributes) or "none"),
            ("Gap items", ", ".join(self.gap_items) or "none"),
            ("Gap dimensions", ", ".join(self.gap_dimensions) or "none"),
            ("NPS column", self.nps or "none"),
            ("Overall rating", self.overall or "none"),
            ("Segments", ", ".join(f"{k} ({len(v)})" for k, v in self.segments.items()) or "none"),
            ("Periods", ", ".join(self.periods) or "none"),
        ]
        frame = pd.DataFrame(rows, columns=["What", "Found"])
        return [Table(title="What the file holds", frame=frame, key="overview")]


def supports(survey: Survey) -> bool:
    """Every survey has an overview."""
    return True


def run(survey: Survey, options: RunOptions | None = None) -> Overview:
    """Describe the survey's layout (no statistics)."""
    layout = survey.layout
    return Overview(
        n=survey.n,
        sheet=survey.source.sheet,
        csi_model=layout.csi_model,
        csi_blocks=dict(layout.csi_blocks),
        csi_scale=layout.csi_scale,
        kano_attributes=tuple(p.attribute for p in layout.kano),
        gap_items=tuple(i.item for i in layout.gap),
        gap_dimensions=dict(layout.gap_dimensions),
        nps=layout.nps,
        overall=layout.overall,
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
    layout = survey.layout
    if layout.segments:
        return list(layout.segments)
    used = set(layout.rating_columns) | {layout.id, layout.date}
    used |= {c for p in layout.kano for c in (p.functional, p.dysfunctional)}
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
