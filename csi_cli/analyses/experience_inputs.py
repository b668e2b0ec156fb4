"""Inputs of the complaint and journey analyses: their spec sections, the naming conventions that
find their columns without a spec, and the outcomes (overall satisfaction, loyalty) they share.

Conventions (names compared after trimming, in any case):

- had a problem: ``problem``, ``had_problem``, ``遇到问题``, ``是否遇到问题``;
- complained: ``complained``, ``complaint``, ``投诉``, ``是否投诉``; channel: ``channel``,
  ``complaint_channel``, ``投诉渠道``;
- resolved: ``resolved``, ``解决``, ``问题解决``, ``是否解决``; satisfaction with the handling:
  ``handling``, ``handling_satisfaction``, ``处理满意度``;
- touchpoints, in file order: ``TP1``, ``TP2`` … or ``tp_<stage>``; journey ratings: columns whose
  name starts with ``journey``;
- overall satisfaction: ``[survey] overall`` / ``overall``, else the mean of the SAT items;
  loyalty: the mean of the LOY items.

Yes/no answers are read by :func:`csi_cli.methods.binary.parse_binary` (是/否, 有/没有, Yes/No,
1/0, 已解决/未解决 …; more in the section's ``answers`` table).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from csi_cli.errors import safe_text
from csi_cli.methods.binary import parse_binary
from csi_cli.spec import expect_str, positive_int, str_list
from csi_cli.survey import infer_scale
from csi_cli.validate import plural, problem

if TYPE_CHECKING:
    from csi_cli.survey import Survey
    from csi_cli.validate import Problem

PROBLEM_NAMES = ("problem", "had_problem", "遇到问题", "是否遇到问题")
COMPLAINED_NAMES = ("complained", "complaint", "投诉", "是否投诉")
CHANNEL_NAMES = ("channel", "complaint_channel", "投诉渠道")
RESOLVED_NAMES = ("resolved", "解决", "问题解决", "是否解决")
HANDLING_NAMES = ("handling", "handling_satisfaction", "处理满意度")
_TOUCHPOINT = re.compile(r"^tp(?:\d+|_.+)$", re.IGNORECASE)
_JOURNEY = re.compile(r"^journey", re.IGNORECASE)
UNKNOWN_ANSWER = "unknown-yes-no"
MISSING_COLUMN = "missing-column"


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def _answers(value: Any) -> Mapping[str, bool]:
    if not isinstance(value, Mapping) or not all(isinstance(v, bool) for v in value.values()):
        raise TypeError('expected a table "answer text" = true (yes) or false (no)')
    return MappingProxyType(dict(value))


_OUTCOME_CONVERTERS = {"overall": expect_str, "loyalty": str_list, "dissatisfied": _number}


@dataclass(frozen=True)
class ComplaintsSpec:
    """``[complaints]``: the yes/no questions, the handling rating and the outcomes.

    ``dissatisfied``: a satisfaction rating at or below it counts as dissatisfied (the base of
    the voice rate when there is no problem question); default the bottom third of the scale.
    ``answers``: more yes/no wordings, text = true/false.
    """

    problem: str | None = None
    complained: str | None = None
    channel: str | None = None
    resolved: str | None = None
    handling: str | None = None
    overall: str | None = None
    loyalty: tuple[str, ...] = ()
    dissatisfied: float | None = None
    answers: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))

    CONVERTERS: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {**_OUTCOME_CONVERTERS, "answers": _answers}
    )


@dataclass(frozen=True)
class JourneySpec:
    """``[journey]``: touchpoints in journey order, journey-level ratings, outcomes, folds.

    ``dissatisfied``: a touchpoint rating at or below it is a failure (the weakest link);
    default the bottom third of the touchpoints' scale.
    """

    touchpoints: tuple[str, ...] = ()
    journey: tuple[str, ...] = ()
    overall: str | None = None
    loyalty: tuple[str, ...] = ()
    dissatisfied: float | None = None
    folds: int = 10

    CONVERTERS: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {
            **_OUTCOME_CONVERTERS,
            "touchpoints": str_list,
            "journey": str_list,
            "folds": positive_int,
        }
    )


def named_column(survey: Survey, chosen: str | None, conventional: Sequence[str]) -> str | None:
    """The spec's column when the file has it (None when not: :func:`missing_columns` reports
    it), else the first conventional name present, compared trimmed and in any case."""
    present = list(survey.frame.columns)
    if chosen is not None:
        return chosen if chosen in present else None
    lowered = {str(c).strip().lower(): c for c in reversed(present)}
    return next((lowered[n] for n in conventional if n in lowered), None)


def matching_columns(survey: Survey, chosen: Sequence[str], pattern: re.Pattern[str]) -> list[str]:
    """The spec's columns that exist, else every column whose name matches ``pattern``."""
    present = [str(c) for c in survey.frame.columns]
    if chosen:
        return [c for c in chosen if c in present]
    return [c for c in present if pattern.match(c.strip())]


def touchpoint_columns(survey: Survey, spec: JourneySpec) -> list[str]:
    """Touchpoint columns in journey order (``TP1..`` / ``tp_<stage>``, or the spec's)."""
    return matching_columns(survey, spec.touchpoints, _TOUCHPOINT)


def journey_columns(survey: Survey, spec: JourneySpec) -> list[str]:
    """Journey-level rating columns (``journey…``, or the spec's)."""
    return matching_columns(survey, spec.journey, _JOURNEY)


@dataclass(frozen=True)
class Outcomes:
    """Where overall satisfaction and loyalty come from (column lists; several are averaged)."""

    satisfaction: tuple[str, ...]
    loyalty: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every outcome column."""
        return self.satisfaction + self.loyalty


def outcomes(survey: Survey, section: ComplaintsSpec | JourneySpec) -> Outcomes:
    """Overall satisfaction: the section's ``overall``, else ``[survey] overall``/``overall``,
    else the SAT items; loyalty: the section's ``loyalty`` columns, else the LOY items."""
    present = set(survey.frame.columns)
    if section.overall is not None:
        satisfaction = (section.overall,) if section.overall in present else ()
    elif survey.layout.overall is not None:
        satisfaction = (survey.layout.overall,)
    else:
        satisfaction = tuple(survey.layout.csi_blocks.get("SAT", ()))
    if section.loyalty:
        loyalty = tuple(c for c in section.loyalty if c in present)
    else:
        loyalty = tuple(survey.layout.csi_blocks.get("LOY", ()))
    return Outcomes(satisfaction, loyalty)


def own_ratings(survey: Survey, columns: Sequence[str | None]) -> dict[str, None]:
    """``columns`` less those another analysis already checks as ratings (the overall rating,
    NPS, the CSI items), so a bad cell is reported once; no fixed scale."""
    layout = survey.layout
    shared = {layout.overall, layout.nps, *layout.csi_columns}
    return dict.fromkeys(c for c in columns if c and c not in shared)


def mean_rating(survey: Survey, columns: Sequence[str]) -> np.ndarray | None:
    """Each respondent's mean of ``columns`` (NaN-skipping; None when there are none)."""
    if not columns:
        return None
    if len(columns) == 1:
        return survey.numeric(columns[0])
    ratings = survey.ratings(columns)
    with np.errstate(invalid="ignore"):
        answered = np.count_nonzero(~np.isnan(ratings), axis=1)
        return np.where(answered > 0, np.nansum(ratings, axis=1) / answered, np.nan)


def dissatisfied_threshold(
    given: float | None, values: np.ndarray, scale: tuple[float, float] | None
) -> float:
    """The given threshold, else the top of the bottom third of the scale: min + (max − min)/3
    (4 on 1–10, 2.33 on 1–5, 3 on 1–7, 3.33 on 0–10 — the penalty–reward convention); the
    scale is ``[survey] scale`` or inferred from the values."""
    if given is not None:
        return given
    low, high = scale or infer_scale(values) or (np.nanmin(values), np.nanmax(values))
    return float(low + (high - low) / 3)


def yes_no(survey: Survey, column: str | None, answers: Mapping[str, bool]) -> np.ndarray | None:
    """A yes/no column as 1.0/0.0/NaN (None when the column is absent)."""
    if column is None:
        return None
    return parse_binary(survey.frame[column], answers, survey.spec.survey.missing)[0]


def check_yes_no(
    survey: Survey, analysis: str, columns: Sequence[str | None], answers: Mapping[str, bool]
) -> list[Problem]:
    """Answers of the yes/no columns that are neither a yes nor a no csi knows."""
    problems = []
    for column in filter(None, columns):
        series = survey.frame[column]
        _, unknown = parse_binary(series, answers, survey.spec.survey.missing)
        if unknown.any():
            texts = sorted({safe_text(t, 30) for t in series.to_numpy()[unknown]})[:3]
            problems.append(
                problem(
                    survey,
                    UNKNOWN_ANSWER,
                    analysis,
                    f"{plural(int(unknown.sum()), 'answer is', 'answers are')} neither yes nor "
                    "no (" + ", ".join(f"'{t}'" for t in texts) + "). Correct them, or add them "
                    f'to the spec\'s [{analysis}.answers] table, e.g. "{texts[0]}" = true.',
                    column=column,
                    mask=unknown,
                )
            )
    return problems


def missing_columns(survey: Survey, analysis: str, named: Mapping[str, Any]) -> list[Problem]:
    """The section's named columns (key → name or names) that the file does not have."""
    present = set(survey.frame.columns)
    problems = []
    for key, value in named.items():
        for column in (value,) if isinstance(value, str) else value or ():
            if column not in present:
                problems.append(
                    problem(
                        survey,
                        MISSING_COLUMN,
                        analysis,
                        f"[{analysis}] {key} names column '{safe_text(column)}', which the file "
                        "does not have. Correct the spec or the file's header.",
                        column=column,
                    )
                )
    return problems
