"""The expectation-gap analysis: a survey's expectation/perception pairs as gaps per item,
dimension and overall, zones of tolerance, importance–performance, segments, and the change of
each dimension's gap between periods (numerics in :mod:`csi_cli.methods.gap`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from csi_cli.analysis import Analysis, Description, changes_frame
from csi_cli.methods.gap import (
    GapInputs,
    gap_levels,
    gap_tables,
    segment_tests,
    tolerance_zones,
)
from csi_cli.methods.ipa import IpaResult
from csi_cli.methods.ipa import analyze as analyze_ipa
from csi_cli.methods.multitest import Adjustment
from csi_cli.methods.twosample import welch_differences
from csi_cli.options import GapOptions
from csi_cli.results import Chart, Figure, Table, records
from csi_cli.segments import segment_labels, segment_order
from csi_cli.spec import GapSpec

if TYPE_CHECKING:
    from csi_cli.options import RunOptions
    from csi_cli.survey import Survey

ITEM_COLUMNS = (
    "item", "dimension", "n", "expectation", "perception", "gap", "ci_low", "ci_high",
    "p_value", "p_adj", "p_wilcoxon", "d_z", "share_below", "share_meeting", "share_exceeding",
    "share_exceeding_20",
)  # fmt: skip
P_DIGITS = {"p_value": 4, "p_adj": 4, "p_wilcoxon": 4, "p_wilcoxon_adj": 4, "n": 0}


@dataclass(frozen=True)
class GapResult:
    """Expectation gaps per item, dimension and overall, with zones, IPA and segments."""

    n: int
    items: pd.DataFrame
    dimensions: pd.DataFrame
    overall: pd.DataFrame
    adjust: str
    zones: pd.DataFrame | None = None
    ipa: IpaResult | None = None
    by: str | None = None
    segments: pd.DataFrame | None = None
    segment_tests: pd.DataFrame | None = None
    name: str = "gap"
    title: str = "Expectation gap (SERVQUAL)"
    warnings: tuple[str, ...] = ()

    def headline(self) -> dict[str, Any]:
        """The headline figures: the overall gap (P − E) and the largest shortfall."""
        overall = self.overall.iloc[0]
        figures: dict[str, Any] = {
            "Overall gap (P − E)": Figure(overall["gap"], 2, overall["ci_low"], overall["ci_high"])
        }
        by_dimension = not self.dimensions.empty
        levels = self.dimensions if by_dimension else self.items
        if not levels.empty:
            worst = levels.loc[levels["gap"].idxmin()]
            name = worst["dimension"] if by_dimension else worst["item"]
            figures[f"Largest shortfall: {name}"] = Figure(worst["gap"], 2)
        return figures

    def to_dict(self) -> dict[str, Any]:
        """The document of survey-spec.md §5 (``n``, ``items``, ``dimensions``) and more."""
        optional = {
            "zones": self.zones,
            "segments": self.segments,
            "segment_tests": self.segment_tests,
        }
        return {
            "n": self.n,
            "adjust": self.adjust,
            "items": records(self.items),
            "dimensions": records(self.dimensions),
            "overall": records(self.overall),
            **{key: None if frame is None else records(frame) for key, frame in optional.items()},
            "ipa": None if self.ipa is None else self.ipa.to_dict(),
            "by": self.by,
        }

    def tables(self) -> list[Table]:
        """Items, dimensions (bar chart), overall, zones, IPA, segments — those that exist."""
        tables = [self._items_table()]
        if len(self.dimensions):
            tables.append(self._dimensions_table())
        tables.append(Table("Overall gap", self.overall, P_DIGITS, key="gap_overall"))
        if self.zones is not None:
            tables.append(self._zones_table())
        if self.ipa is not None:
            tables.extend(self.ipa.tables())
        if self.segments is not None and self.segment_tests is not None:
            tables.extend(self._segment_tables())
        return tables

    def _items_table(self) -> Table:
        chart = None if len(self.dimensions) else _gap_chart("item", "Gap by item")
        return Table(
            "Gap per item (P − E)",
            self.items.loc[:, list(ITEM_COLUMNS)],
            P_DIGITS,
            note=f"p_adj: {_ADJUST_NAMES[self.adjust]} across items. share_exceeding_20: "
            "perception ≥ 1.2 × expectation.",
            chart=chart,
            key="gap_items",
        )

    def _dimensions_table(self) -> Table:
        columns = ["dimension", *ITEM_COLUMNS[2:]]
        return Table(
            "Gap per dimension",
            self.dimensions.loc[:, columns],
            P_DIGITS,
            note="Per respondent, a dimension's gap is the mean of its items' gaps.",
            chart=_gap_chart("dimension", "Gap by dimension"),
            key="gap_dimensions",
        )

    def _zones_table(self) -> Table:
        return Table(
            "Zones of tolerance",
            self.zones,
            {"n": 0},
            note="MSA = P − adequate, MSS = P − desired; below the zone when P < adequate, "
            "above when P > desired.",
            key="gap_zones",
        )

    def _segment_tables(self) -> list[Table]:
        level = "dimension" if len(self.dimensions) else "item"
        shown = self.segments[self.segments["level"].isin([level, "overall"])]
        return [
            Table(f"Gap by {self.by}", shown.reset_index(drop=True), P_DIGITS, key="gap_segments"),
            Table(
                f"Do gaps differ by {self.by}?",
                self.segment_tests,
                P_DIGITS,
                note="Welch t test for two segments, Kruskal–Wallis for more; p_adj: "
                f"{_ADJUST_NAMES[self.adjust]} across rows.",
                key="gap_segment_tests",
            ),
        ]


_ADJUST_NAMES = {"holm": "Holm", "bh": "Benjamini–Hochberg"}


def _gap_chart(category: str, title: str) -> Chart:
    return Chart(
        kind="bar", x=category, y=("gap",), title=title, y_title="Perception − expectation"
    )


def analyze_gaps(survey: Survey, options: GapOptions, by: str | None) -> GapResult:
    """Expectation gaps of a survey: items, dimensions, overall, zones, IPA, segments.

    See :func:`paired_gaps`, :func:`tolerance_zones`, :func:`segment_tests` and
    :func:`csi_cli.methods.ipa.analyze`.

    Raises
    ------
    UsageError
        ``by`` names a column the file does not have, or ``options.importance`` needs
        columns the file lacks.
    """
    inputs = survey_inputs(survey)
    tables = gap_tables(inputs, options.adjust)
    segments = None
    tests = None
    if by is not None:
        segments, tests = _by_segment(inputs, segment_labels(survey, by), options.adjust)
    return GapResult(
        n=survey.n,
        items=tables["item"],
        dimensions=tables.get("dimension", _empty_dimensions(tables["item"])),
        overall=tables["overall"],
        adjust=options.adjust,
        zones=_zones(survey),
        ipa=analyze_ipa(survey, options),
        by=by,
        segments=segments,
        segment_tests=tests,
    )


def survey_inputs(survey: Survey) -> GapInputs:
    """Read the gap items' expectation, perception and stated importance from a survey."""
    items = survey.layout.gap
    importance = None
    if any(i.importance is not None for i in items):
        importance = _respondents_by_items(survey, [i.importance for i in items])
    return GapInputs(
        items=tuple(i.item for i in items),
        expectation=_respondents_by_items(survey, [i.expectation for i in items]),
        perception=_respondents_by_items(survey, [i.perception for i in items]),
        dimensions=survey.layout.gap_dimensions,
        importance=importance,
    )


def _respondents_by_items(survey: Survey, columns: Sequence[str | None]) -> np.ndarray:
    """Columns as an n × k array in Fortran order (each item contiguous, see paired_gaps);
    NaN for a missing column."""
    missing = np.full(survey.n, np.nan)
    return np.vstack([missing if c is None else survey.numeric(c) for c in columns]).T


def _empty_dimensions(items: pd.DataFrame) -> pd.DataFrame:
    columns = ["dimension", *(c for c in items.columns if c not in ("item", "dimension"))]
    return pd.DataFrame(columns=columns)


def _zones(survey: Survey) -> pd.DataFrame | None:
    items = [i for i in survey.layout.gap if i.minimum is not None and i.desired is not None]
    if not items:
        return None
    return tolerance_zones(
        survey.ratings([i.minimum for i in items]),
        survey.ratings([i.desired for i in items]),
        survey.ratings([i.perception for i in items]),
        [i.item for i in items],
    )


def _by_segment(
    inputs: GapInputs, labels: np.ndarray, adjust: Adjustment
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per segment every level's gaps (long table), and the tests of differences."""
    frames = []
    for segment in segment_order(labels):
        for label, frame in gap_tables(inputs.subset(labels == segment), adjust).items():
            named = frame.rename(columns={frame.columns[0]: "name"})
            frames.append(named.assign(segment=segment, level=label))
    segments = pd.concat(frames, ignore_index=True)
    segments = segments.loc[:, ["segment", "level", "name", *ITEM_COLUMNS[2:]]]
    levels = gap_levels(inputs)
    gaps = np.column_stack([lv.gaps for lv in levels])
    names = [n for lv in levels for n in lv.names]
    tests = segment_tests(gaps, labels, names, adjust)
    tests.insert(0, "level", [lv.label for lv in levels for _ in lv.names])
    return segments, tests


def respondent_gaps(survey: Survey) -> tuple[str, tuple[str, ...], np.ndarray]:
    """Per-respondent gaps P − E by dimension (by item when the file has no dimensions).

    Returns
    -------
    (level, names, gaps)
        ``"dimension"`` or ``"item"``, the column names, and an n × k array (NaN where a
        respondent answered no pair of the dimension).
    """
    levels = gap_levels(survey_inputs(survey))
    chosen = next((lv for lv in levels if lv.label == "dimension"), levels[0])
    return chosen.label, chosen.names, chosen.perception - chosen.expectation


class GapAnalysis(Analysis):
    """Expectation gaps (SERVQUAL; Parasuraman, Zeithaml & Berry 1988)."""

    name = "gap"
    title = "Expectation gap (SERVQUAL)"
    section = "gap"
    spec_type = GapSpec
    options_type = GapOptions
    change_note = "Gap (perception − expectation): Welch t test on the respondents' gaps."
    not_supported = (
        "no expectation/perception pairs found (columns <item>_E and <item>_P, or [gap] "
        "patterns in the spec)."
    )

    def supports(self, survey: Survey) -> bool:
        """True when the file has at least one expectation/perception pair."""
        return bool(survey.layout.gap)

    def rating_columns(self, survey: Survey) -> dict[str, tuple[float, float] | None]:
        """Every level of every item on the gap scale; stated importance has no fixed scale."""
        scale = survey.layout.gap_scale
        columns: dict[str, tuple[float, float] | None] = {}
        for item in survey.layout.gap:
            levels = (item.expectation, item.perception, item.minimum, item.desired)
            columns |= dict.fromkeys((c for c in levels if c is not None), scale)
            if item.importance:
                columns[item.importance] = None
        return columns

    def describe(self, survey: Survey) -> Description:
        """The items and dimensions."""
        items = tuple(i.item for i in survey.layout.gap)
        dimensions = dict(survey.layout.gap_dimensions)
        return Description(
            {"gap_items": items, "gap_dimensions": dimensions},
            (
                ("Gap items", ", ".join(items) or "none"),
                ("Gap dimensions", ", ".join(dimensions) or "none"),
            ),
        )

    def draft(self, survey: Survey) -> Mapping[str, Any] | None:
        """``[gap]``: the column patterns in use, the scale and the dimensions."""
        layout = survey.layout
        if not layout.gap:
            return None
        g = survey.spec.gap
        section: dict[str, Any] = {"expectation": g.expectation, "perception": g.perception}
        for key in ("minimum", "desired", "importance"):
            if any(getattr(item, key) for item in layout.gap):
                section[key] = getattr(g, key)
        if layout.gap_scale:
            section["scale"] = list(layout.gap_scale)
        if layout.gap_dimensions:
            section["dimensions"] = {d: list(items) for d, items in layout.gap_dimensions.items()}
        return section

    def run(self, survey: Survey, options: RunOptions) -> GapResult:
        """See :func:`analyze_gaps`."""
        return analyze_gaps(survey, options.of(self.name, GapOptions), options.by)

    def compare(
        self,
        current: tuple[Survey, Any],
        previous: tuple[Survey, Any],
        options: RunOptions,
    ) -> pd.DataFrame:
        """Welch's t test of every dimension's gap (every item's without dimensions);
        ``points`` = difference × 100 / (scale max − min)."""
        _, names, now = respondent_gaps(current[0])
        table = welch_differences(now, respondent_gaps(previous[0])[2], names)
        low, high = current[0].layout.gap_scale or (np.nan, np.nan)
        table["points"] = table["difference"] * 100 / (high - low)
        return changes_frame(self.name, table, name="name", test="welch")

    def alert(self, change: Any, survey: Survey) -> str:
        """A drop on the rating scale, and in points of 100."""
        scale = survey.layout.gap_scale
        if scale is None:
            return super().alert(change, survey)
        return (
            f"{change['measure']} fell {-change['difference']:.2f} on the {scale[0]:g}–"
            f"{scale[1]:g} scale ({-change['points']:.1f} points of 100; "
            f"p = {change['p_value']:.2g})"
        )


ANALYSIS = GapAnalysis()
