"""The journey analysis: does satisfaction with the whole journey predict overall satisfaction and
loyalty better than its touchpoints, does inconsistency across touchpoints hurt, what does one
failed touchpoint cost, which touchpoints matter — and how consistency and the touchpoints moved
between periods (numerics in :mod:`csi_cli.methods.journey`; columns in
:mod:`csi_cli.analyses.experience_inputs`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from csi_cli.analyses import experience_inputs as inputs
from csi_cli.analysis import Analysis, Description, changes_frame
from csi_cli.errors import ModelError
from csi_cli.methods import journey as jm
from csi_cli.methods.twosample import welch_differences
from csi_cli.results import Chart, Figure, Table, diagnostic, plain, records, summary_of
from csi_cli.survey import infer_scale

if TYPE_CHECKING:
    from csi_cli.options import RunOptions
    from csi_cli.survey import Survey
    from csi_cli.validate import Problem

P_DIGITS = {"p_value": 4, "n": 0, "n_failed": 0, "n_none": 0, "folds": 0}


@dataclass(frozen=True)
class JourneyColumns:
    """Touchpoints (journey order), journey ratings and outcomes the analysis reads."""

    touchpoints: tuple[str, ...]
    journey: tuple[str, ...]
    outcomes: inputs.Outcomes

    @property
    def used(self) -> tuple[str, ...]:
        """Every column read."""
        return self.touchpoints + self.journey + self.outcomes.columns


def journey_columns(survey: Survey) -> JourneyColumns:
    """Find the journey columns by the ``[journey]`` section or the conventions."""
    spec = survey.spec.section("journey")
    return JourneyColumns(
        touchpoints=tuple(inputs.touchpoint_columns(survey, spec)),
        journey=tuple(inputs.journey_columns(survey, spec)),
        outcomes=inputs.outcomes(survey, spec),
    )


@dataclass(frozen=True)
class JourneyResult:
    """The journey analysis of a survey (see :class:`csi_cli.methods.journey.Journey`)."""

    journey: jm.Journey
    scale: tuple[float, float] | None
    columns: dict[str, Any]
    skipped: tuple[str, ...]
    name: str = "journey"
    title: str = "Journey vs touchpoints"
    warnings: tuple[str, ...] = ()

    def r2_for(self, outcome: str) -> jm.R2Comparison | None:
        """The R² comparison of ``outcome`` (None when skipped)."""
        return next((c for c in self.journey.r2 if c.outcome == outcome), None)

    def effect_for(self, outcome: str) -> jm.ConsistencyEffect | None:
        """The consistency effect on ``outcome`` (None when not estimated)."""
        return next((c for c in self.journey.consistency if c.outcome == outcome), None)

    def headline(self) -> dict[str, Any]:
        """R² points the journey rating adds over the touchpoints; the consistency effect."""
        figures: dict[str, Any] = {}
        r2 = self.r2_for("satisfaction")
        if r2 is not None:
            label = "Journey vs touchpoints, satisfaction (R² points)"
            figures[label] = Figure(100 * r2.difference, 1, 100 * r2.ci_low, 100 * r2.ci_high)
        effect = self.effect_for("satisfaction")
        if effect is not None:
            figures["Consistency effect (satisfaction per SD point)"] = Figure(
                effect.estimate, 2, effect.ci_low, effect.ci_high
            )
        return figures

    def to_dict(self) -> dict[str, Any]:
        """The keys of the contract (issue #15) and the details behind them."""
        j = self.journey
        r2 = self.r2_for("satisfaction")
        effect = self.effect_for("satisfaction")
        weakest = j.weakest_link.set_index("outcome")
        satisfaction = weakest.loc["satisfaction"]
        return plain(
            {
                "n": j.n,
                "r2_journey": None if r2 is None else r2.r2_journey,
                "r2_touchpoints": None if r2 is None else r2.r2_touchpoints,
                "r2_difference": None if r2 is None else r2.difference,
                "ci_low": None if r2 is None else r2.ci_low,
                "ci_high": None if r2 is None else r2.ci_high,
                "consistency": _effect_document(effect),
                "weakest_link": {
                    "threshold": j.threshold,
                    "n_failed": int(satisfaction["n_failed"]),
                    "n_none": int(satisfaction["n_none"]),
                    "share_failed": j.share_failed,
                    "satisfaction_failed": satisfaction["failed"],
                    "satisfaction_none": satisfaction["none"],
                    "difference": satisfaction["difference"],
                    "ci_low": satisfaction["ci_low"],
                    "ci_high": satisfaction["ci_high"],
                    "p_value": satisfaction["p_value"],
                },
                "touchpoints": records(j.touchpoints),
                "touchpoint_r2": j.touchpoint_r2,
                "mean_sd": j.mean_sd,
                "mean_range": j.mean_range,
                "r2": [asdict(c) for c in j.r2],
                "consistency_effects": [asdict(c) for c in j.consistency],
                "weakest_links": records(j.weakest_link),
                "columns": self.columns,
                "skipped": list(self.skipped),
            }
        )

    def tables(self) -> list[Table]:
        """R² comparison, consistency effect, weakest link, touchpoints — each with a chart."""
        j = self.journey
        tables = []
        if j.r2:
            tables.append(_r2_table(j.r2))
        tables += [_consistency_table(j), _weakest_table(j), _touchpoint_table(j)]
        if not j.r2:  # no journey rating: the consistency effect is the compact view
            return tables[:1] + diagnostic(*tables[1:])
        return [summary_of(tables[0], COMPACT_R2), *diagnostic(*tables)]


def _effect_document(effect: jm.ConsistencyEffect | None) -> dict[str, Any] | None:
    if effect is None:
        return None
    return {k: v for k, v in asdict(effect).items() if k != "outcome"}


def _r2_table(comparisons: tuple[jm.R2Comparison, ...]) -> Table:
    frame = pd.DataFrame([asdict(c) for c in comparisons])
    chart = Chart(kind="bar", x="outcome", y=("r2_journey", "r2_touchpoints"),
                  title="Out-of-sample R²: journey vs touchpoints", y_title="R²")  # fmt: skip
    return Table(
        "Journey vs touchpoints: out-of-sample R²",
        frame,
        P_DIGITS,
        note=f"{comparisons[0].folds}-fold cross-validated R² of OLS on the journey rating(s) "
        "and on the touchpoint ratings (same folds); difference = journey − touchpoints with a "
        "percentile bootstrap 95% CI (Rawson, Duncan & Jones 2013).",
        chart=chart,
        key="journey_r2",
    )


def _consistency_table(j: jm.Journey) -> Table:
    frame = pd.DataFrame([asdict(c) for c in j.consistency])
    chart = Chart(kind="bar", x="outcome", y=("estimate",), title="Effect of one point of "
                  "touchpoint SD", y_title="change in outcome")  # fmt: skip
    return Table(
        "Consistency effect",
        frame,
        P_DIGITS,
        note="OLS of the outcome on each respondent's touchpoint mean and SD, HC3 robust SE; "
        f"estimate: the SD's coefficient (average SD {j.mean_sd:.2f}, average range "
        f"{j.mean_range:.2f}). Negative: inconsistency lowers the outcome at a given mean.",
        chart=chart,
        key="journey_consistency",
    )


def _weakest_table(j: jm.Journey) -> Table:
    chart = Chart(kind="bar", x="outcome", y=("failed", "none"),
                  title="One failed touchpoint vs none")  # fmt: skip
    return Table(
        "Weakest link",
        j.weakest_link,
        P_DIGITS,
        note=f"Failed: at least one touchpoint rated ≤ {j.threshold:g} ({j.share_failed:.1%} "
        "of journeys); Welch t test of failed − none.",
        chart=chart,
        key="journey_weakest",
    )


def _touchpoint_table(j: jm.Journey) -> Table:
    chart = Chart(kind="bar", x="touchpoint", y=("importance",),
                  title="Touchpoint importance (relative weights)")  # fmt: skip
    return Table(
        "Touchpoints",
        j.touchpoints,
        note=f"importance: Johnson's (2000) relative weight for overall satisfaction (they sum "
        f"to R² = {j.touchpoint_r2:.3f}); failure_rate: share rated ≤ {j.threshold:g}.",
        chart=chart,
        key="journey_touchpoints",
    )


def _scale(survey: Survey, values: np.ndarray) -> tuple[float, float] | None:
    return survey.spec.survey.scale or infer_scale(values.ravel())


def analyze_journey(survey: Survey, options: RunOptions) -> JourneyResult:
    """The journey analysis of a survey (see :func:`csi_cli.methods.journey.journey_analysis`).

    Raises
    ------
    ModelError
        Fewer respondents who rated every touchpoint than the analysis needs.
    """
    spec = survey.spec.section("journey")
    columns = journey_columns(survey)
    touch = survey.ratings(columns.touchpoints)
    complete = int(np.count_nonzero(~np.isnan(touch).any(axis=1)))
    needed = max(2 * spec.folds, len(columns.touchpoints) + 3)
    if complete < needed:
        raise ModelError(
            f"{survey.source.where()}: the journey analysis needs at least {needed} respondents "
            f"who rated every touchpoint ({', '.join(columns.touchpoints)}); {complete} did."
        )
    satisfaction = inputs.mean_rating(survey, columns.outcomes.satisfaction)
    loyalty = inputs.mean_rating(survey, columns.outcomes.loyalty)
    outcomes = {"satisfaction": satisfaction}
    skipped = []
    if loyalty is not None:
        outcomes["loyalty"] = loyalty
    else:
        skipped.append("no loyalty items (LOY…): satisfaction only")
    journey = survey.ratings(columns.journey) if columns.journey else None
    if journey is None:
        skipped.append("no journey rating (journey…): the R² comparison is skipped")
    scale = _scale(survey, touch)
    threshold = inputs.dissatisfied_threshold(spec.dissatisfied, touch.ravel(), scale)
    result = jm.journey_analysis(
        columns.touchpoints, touch, journey, outcomes, threshold, folds=spec.folds,
        seed=options.seed, resamples=options.bootstrap,
    )  # fmt: skip
    if journey is not None and not result.r2:
        skipped.append(
            f"fewer than {2 * spec.folds} respondents gave every journey rating and outcome: "
            "the R² comparison is skipped"
        )
    return JourneyResult(
        journey=result,
        scale=scale,
        columns={
            "touchpoints": list(columns.touchpoints),
            "journey": list(columns.journey),
            "satisfaction": list(columns.outcomes.satisfaction),
            "loyalty": list(columns.outcomes.loyalty),
        },
        skipped=tuple(skipped),
    )


def _consistency_rows(current: Survey, previous: Survey) -> pd.DataFrame:
    """Mean touchpoint SD per period (Welch), touchpoint and journey means, on 0–100 points."""
    columns = journey_columns(current)
    named = list(columns.touchpoints + columns.journey)
    now, then = current.ratings(named), previous.ratings(named)
    k = len(columns.touchpoints)
    sds = [jm.consistency(np.asfortranarray(r[:, :k]))[1] for r in (now, then)]
    frame = welch_differences(
        np.column_stack([sds[0], now]), np.column_stack([sds[1], then]), ["touchpoint_sd", *named]
    )
    scale = _scale(current, now[:, :k]) or (np.nanmin(now), np.nanmax(now))
    width = scale[1] - scale[0]
    sign = np.where(frame["name"] == "touchpoint_sd", -1.0, 1.0)  # more spread: a drop
    frame["points"] = sign * frame["difference"] / width * 100
    return frame


class JourneyAnalysis(Analysis):
    """Journey vs touchpoints, consistency and the weakest link (Rawson et al. 2013)."""

    name = "journey"
    title = "Journey vs touchpoints"
    section = "journey"
    spec_type = inputs.JourneySpec
    change_note = "Welch t tests; points: change on a 0–100 scale (an SD rise counts as a drop)."
    not_supported = (
        "no touchpoint ratings found (two or more columns TP1.. or tp_<stage>, or [journey] "
        "touchpoints) with an overall satisfaction rating (overall, or SAT items)."
    )

    def supports(self, survey: Survey) -> bool:
        """Two or more touchpoints and an overall satisfaction rating."""
        columns = journey_columns(survey)
        return len(columns.touchpoints) >= 2 and bool(columns.outcomes.satisfaction)

    def rating_columns(self, survey: Survey) -> dict[str, tuple[float, float] | None]:
        """Touchpoints, journey ratings and the outcomes no other analysis checks."""
        if not self.supports(survey):
            return {}
        return inputs.own_ratings(survey, journey_columns(survey).used)

    def used_columns(self, survey: Survey) -> tuple[str, ...]:
        """Touchpoints, journey ratings and outcomes."""
        return journey_columns(survey).used if self.supports(survey) else ()

    def check(self, survey: Survey) -> list[Problem]:
        """Spec-named columns the file lacks."""
        spec = survey.spec.section("journey")
        named = {key: getattr(spec, key) for key in ("touchpoints", "journey", "overall",
                                                     "loyalty")}  # fmt: skip
        return inputs.missing_columns(survey, self.name, named)

    def describe(self, survey: Survey) -> Description:
        """The touchpoints and journey ratings found."""
        columns = journey_columns(survey)
        return Description(
            {"touchpoints": columns.touchpoints, "journey_ratings": columns.journey},
            (
                ("Touchpoints", ", ".join(columns.touchpoints) or "none"),
                ("Journey ratings", ", ".join(columns.journey) or "none"),
            ),
        )

    def draft(self, survey: Survey) -> Mapping[str, Any] | None:
        """``[journey]``: touchpoints in file order and the journey ratings."""
        if not self.supports(survey):
            return None
        columns = journey_columns(survey)
        draft: dict[str, Any] = {"touchpoints": list(columns.touchpoints)}
        if columns.journey:
            draft["journey"] = list(columns.journey)
        return draft

    def run(self, survey: Survey, options: RunOptions) -> JourneyResult:
        """See :func:`analyze_journey`."""
        return analyze_journey(survey, options)

    def compare(
        self,
        current: tuple[Survey, Any],
        previous: tuple[Survey, Any],
        options: RunOptions,
    ) -> pd.DataFrame:
        """Consistency (mean touchpoint SD) and each touchpoint's and journey rating's mean."""
        rows = _consistency_rows(current[0], previous[0])
        return changes_frame(self.name, rows, name="name", test="Welch t")

    def alert(self, change: Mapping[str, Any], survey: Survey) -> str:
        """E.g. "journey: touchpoint SD rose 0.3 (consistency fell 3.3 points; p = 0.01)"."""
        if change["name"] == "touchpoint_sd":
            return (
                f"journey: touchpoints grew less consistent (SD rose {change['difference']:.2f}, "
                f"{-change['points']:.1f} points of the scale; p = {change['p_value']:.2g})"
            )
        return (
            f"journey: {change['name']} fell {-change['difference']:.2f} "
            f"({-change['points']:.1f} points of the scale; p = {change['p_value']:.2g})"
        )

    def history(self, result: Any) -> Mapping[str, float | None]:
        """R² advantage of the journey, consistency effect, average SD, share failed."""
        r2 = result.r2_for("satisfaction")
        effect = result.effect_for("satisfaction")
        return plain(
            {
                "r2_difference": None if r2 is None else r2.difference,
                "consistency_effect": None if effect is None else effect.estimate,
                "mean_sd": result.journey.mean_sd,
                "share_failed": result.journey.share_failed,
            }
        )


ANALYSIS = JourneyAnalysis()


#: Columns of the R² comparison in the compact view (the full table is a diagnostic table).
COMPACT_R2 = ("outcome", "r2_journey", "r2_touchpoints", "difference", "ci_low", "ci_high")
