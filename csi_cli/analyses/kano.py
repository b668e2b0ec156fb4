"""The Kano analysis: functional/dysfunctional answers of a survey classified per attribute,
per segment, with penalty–reward, and the category shifts between periods (numerics in
:mod:`csi_cli.methods.kano`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from csi_cli.analysis import Analysis, Description, changes_frame
from csi_cli.errors import safe_text
from csi_cli.methods.kano import (
    CATEGORIES,
    CATEGORY_NAMES,
    QUADRANT_SPLIT,
    classify,
    segment_test,
)
from csi_cli.methods.kano_answers import parse_answers
from csi_cli.methods.penalty_reward import PenaltyRewardResult, penalty_reward
from csi_cli.results import Chart, Table, plain, records
from csi_cli.segments import segment_labels, segment_order
from csi_cli.spec import KanoSpec
from csi_cli.survey import infer_scale
from csi_cli.validate import Problem, plural, problem

if TYPE_CHECKING:
    from csi_cli.options import RunOptions
    from csi_cli.survey import Survey

_CONTINUOUS = ("functional_mean", "functional_sd", "dysfunctional_mean", "dysfunctional_sd")


@dataclass(frozen=True)
class KanoResult:
    """Kano classification of every attribute, optionally per segment and with penalty–reward.

    Attributes
    ----------
    n : int
        Respondents in the file.
    table, rule : str
        Evaluation table and classification rule used.
    attributes : pandas.DataFrame
        One row per attribute (see :func:`classify`).
    by : str or None
        Segment column.
    segments : pandas.DataFrame or None
        With ``by``: the :func:`classify` rows of every segment, with a ``segment`` column.
    segment_tests : pandas.DataFrame or None
        With ``by``: per attribute the chi-square test of the category mix across segments.
    penalty_reward : PenaltyRewardResult or None
        When the file has ``overall`` and per-attribute performance ratings.
    """

    n: int
    table: str
    rule: str
    attributes: pd.DataFrame
    by: str | None = None
    segments: pd.DataFrame | None = None
    segment_tests: pd.DataFrame | None = None
    penalty_reward: PenaltyRewardResult | None = None
    name: str = "kano"
    title: str = "Kano classification"
    warnings: tuple[str, ...] = ()

    def headline(self) -> dict[str, Any]:
        """The headline: which attributes are must-be (fix first) and attractive."""
        category = self.attributes["category"]
        names = {"M": "Must-be attributes", "A": "Attractive attributes"}
        return {
            label: ", ".join(self.attributes.loc[category == code, "attribute"]) or "none"
            for code, label in names.items()
        }

    def to_dict(self) -> dict[str, Any]:
        """The document of survey-spec §5 (``n``, ``attributes`` with counts, category,
        better, worse, significant), plus table, rule, shares, strengths, continuous scores,
        importance, action rank, segments and penalty–reward."""
        document: dict[str, Any] = {
            "n": self.n,
            "table": self.table,
            "rule": self.rule,
            "attributes": _attribute_records(self.attributes),
        }
        if self.by is not None:
            document["by"] = self.by
            document["segments"] = [
                {"segment": plain(segment), "attributes": _attribute_records(rows)}
                for segment, rows in self.segments.groupby("segment", sort=False)
            ]
            document["segment_tests"] = records(self.segment_tests)
        if self.penalty_reward is not None:
            document["penalty_reward"] = self.penalty_reward.to_dict()
        return document

    def tables(self) -> list[Table]:
        """Categories, Better–|Worse| plot, continuous scores, priorities, segments, PRCA."""
        tables = [
            _category_table(self.attributes, self.table, self.rule),
            _better_worse_table(self.attributes),
            _continuous_table(self.attributes),
            _action_table(self.attributes),
        ]
        if self.by is not None:
            tables += _segment_tables(self.by, self.segments, self.segment_tests)
        if self.penalty_reward is not None:
            tables += self.penalty_reward.tables()
        return tables


_CONTINUOUS = ("functional_mean", "functional_sd", "dysfunctional_mean", "dysfunctional_sd")


def _attribute_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        plain(
            {
                "attribute": row["attribute"],
                "category": row["category"] or None,
                "category_name": CATEGORY_NAMES.get(row["category"]),
                "label": row["label"] or None,
                "n": row["n"],
                "counts": {c: row[c] for c in CATEGORIES},
                "shares": {c: row[f"share_{c}"] for c in CATEGORIES},
                "better": row["better"],
                "worse": row["worse"],
                "significant": row["significant"],
                "strength": row["strength"],
                "total_strength": row["total_strength"],
                "continuous": {
                    **{key: row[key] for key in _CONTINUOUS},
                    "quadrant": row["quadrant"] or None,
                },
                "importance": row["importance"],
                "action_rank": row["action_rank"],
            }
        )
        for row in frame.to_dict(orient="records")
    ]


def _category_table(frame: pd.DataFrame, table: str, rule: str) -> Table:
    columns = ["attribute", "label", "n", *CATEGORIES, "strength", "total_strength"]
    columns += ["significant", "better", "worse", "importance"]
    return Table(
        title="Kano categories",
        frame=frame[columns].rename(columns={"label": "category"}),
        digits={"strength": 2, "total_strength": 2, "better": 2, "worse": 2, "importance": 2},
        note=(
            f"Evaluation table: {table}; rule: {rule}. A attractive, O one-dimensional, M must-be, "
            "I indifferent, R reverse, Q questionable; X/Y = not clearly separated (Fong test "
            "at α = 0.10, or category strength < 6%)."
        ),
        key="kano_categories",
    )


def _better_worse_table(frame: pd.DataFrame) -> Table:
    plot = pd.DataFrame(
        {
            "attribute": frame["attribute"],
            "category": frame["label"],
            "better": frame["better"],
            "abs_worse": frame["worse"].abs(),
        }
    )
    return Table(
        title="Better and |Worse| (customer-satisfaction coefficients)",
        frame=plot,
        digits={"better": 2, "abs_worse": 2},
        note="Better = (A+O)/(A+O+M+I); |Worse| = (O+M)/(A+O+M+I) (Berger et al. 1993).",
        chart=Chart(
            kind="scatter",
            x="abs_worse",
            y=("better",),
            label="attribute",
            title="Kano: Better against |Worse|",
            x_title="|Worse| (dissatisfaction when absent)",
            y_title="Better (satisfaction when present)",
            x_line=0.5,
            y_line=0.5,
        ),
        key="kano_better_worse",
    )


def _continuous_table(frame: pd.DataFrame) -> Table:
    columns = ["attribute", *_CONTINUOUS, "quadrant", "importance"]
    return Table(
        title="Continuous scores (DuMouchel)",
        frame=frame[columns],
        digits=dict.fromkeys((*_CONTINUOUS, "importance"), 2),
        note="Functional 4/2/0/−1/−2, dysfunctional −2/−1/0/2/4; quadrants split at 2.",
        chart=Chart(
            kind="scatter",
            x="dysfunctional_mean",
            y=("functional_mean",),
            label="attribute",
            title="Kano: continuous scores",
            x_title="Dysfunctional score",
            y_title="Functional score",
            x_line=QUADRANT_SPLIT,
            y_line=QUADRANT_SPLIT,
        ),
        key="kano_continuous",
    )


def _action_table(frame: pd.DataFrame) -> Table:
    ranked = frame.sort_values("action_rank", ignore_index=True)
    return Table(
        title="Priorities for action",
        frame=ranked[["action_rank", "attribute", "label", "better", "worse"]].rename(
            columns={"action_rank": "rank", "label": "category"}
        ),
        digits={"better": 2, "worse": 2},
        note="Must-be first, then one-dimensional by |Worse|, then attractive by Better.",
        key="kano_actions",
    )


def _segment_tables(by: str, segments: pd.DataFrame, tests: pd.DataFrame) -> list[Table]:
    columns = ["segment", "attribute", "label", "n", *CATEGORIES, "better", "worse"]
    return [
        Table(
            title=f"Kano categories by {by}",
            frame=segments[columns].rename(columns={"segment": by, "label": "category"}),
            digits={"better": 2, "worse": 2},
            key="kano_segments",
        ),
        Table(
            title=f"Does the category mix differ by {by}?",
            frame=tests,
            digits={"chi2": 2, "p_value": 4, "min_expected": 1},
            note=(
                "Pearson chi-square of segment × category counts (no continuity correction); "
                "approximate where min_expected < 5."
            ),
            key="kano_segment_tests",
        ),
    ]


def classify_survey(survey: Survey, options: RunOptions) -> KanoResult:
    """Classify every Kano attribute of ``survey`` (per segment with ``options.by``)."""
    functional, dysfunctional, importance = _answers(survey)
    attributes = [pair.attribute for pair in survey.layout.kano]
    kano = survey.spec.kano
    whole = classify(functional, dysfunctional, attributes, importance, kano.table, kano.rule)
    segments = tests = None
    if options.by is not None:
        segments, tests = _by_segment(survey, options.by, functional, dysfunctional, importance)
    return KanoResult(
        n=len(survey.frame),
        table=kano.table,
        rule=kano.rule,
        attributes=whole,
        by=options.by,
        segments=segments,
        segment_tests=tests,
        penalty_reward=_penalty_reward(survey),
    )


def _answers(survey: Survey) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Functional and dysfunctional codes and importance ratings, respondents × attributes."""
    pairs = survey.layout.kano
    extra, missing = survey.spec.kano.answers, survey.spec.survey.missing

    def codes(column: str) -> np.ndarray:
        return parse_answers(survey.frame[column], extra, missing)[0]

    functional = np.column_stack([codes(p.functional) for p in pairs])
    dysfunctional = np.column_stack([codes(p.dysfunctional) for p in pairs])
    blank = np.full(len(survey.frame), np.nan)
    importance = np.column_stack(
        [survey.numeric(p.importance) if p.importance else blank for p in pairs]
    )
    return functional, dysfunctional, importance


def _by_segment(
    survey: Survey,
    by: str,
    functional: np.ndarray,
    dysfunctional: np.ndarray,
    importance: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    segment_of = segment_labels(survey, by)
    attributes = [pair.attribute for pair in survey.layout.kano]
    kano = survey.spec.kano
    per_segment = []
    for segment in segment_order(segment_of):
        rows = segment_of == segment
        frame = classify(
            functional[rows],
            dysfunctional[rows],
            attributes,
            importance[rows],
            kano.table,
            kano.rule,
        )
        frame.insert(0, "segment", segment)
        per_segment.append(frame)
    segments = pd.concat(per_segment, ignore_index=True)
    return segments, _segment_tests(segments, attributes)


def _segment_tests(segments: pd.DataFrame, attributes: Sequence[str]) -> pd.DataFrame:
    rows = []
    for attribute in attributes:
        counts = segments.loc[segments["attribute"] == attribute, list(CATEGORIES)].to_numpy()
        chi2, dof, p_value, min_expected = segment_test(counts)
        rows.append(
            {
                "attribute": attribute,
                "chi2": chi2,
                "dof": dof,
                "p_value": p_value,
                "min_expected": min_expected,
            }
        )
    return pd.DataFrame(rows, columns=["attribute", "chi2", "dof", "p_value", "min_expected"])


def _penalty_reward(survey: Survey) -> PenaltyRewardResult | None:
    pairs = [p for p in survey.layout.kano if p.performance]
    if survey.layout.overall is None or not pairs:
        return None
    overall = survey.numeric(survey.layout.overall)
    performance = survey.ratings([p.performance for p in pairs])
    scale = infer_scale(performance.ravel())
    return penalty_reward(overall, performance, [p.attribute for p in pairs], scale)


def kano_shifts(current: KanoResult, previous: KanoResult) -> pd.DataFrame:
    """Category of every attribute in both periods and the chi-square test of the category
    counts (:func:`csi_cli.methods.kano.segment_test`: 2 × categories table, no continuity
    correction)."""
    rows = []
    before = previous.attributes.set_index("attribute")
    for row in current.attributes.to_dict(orient="records"):
        attribute = row["attribute"]
        old = before.loc[attribute]
        counts = np.array(
            [[row[c] for c in CATEGORIES], old[list(CATEGORIES)].tolist()], dtype=np.int64
        )
        chi2, dof, p_value = segment_test(counts)[:3]
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


def check_answers(survey: Survey) -> list[Problem]:
    """Answers that are no Kano answer csi knows, per column."""
    if not survey.layout.kano:
        return []
    problems = []
    for pair in survey.layout.kano:
        for column in (pair.functional, pair.dysfunctional):
            series = survey.frame[column]
            _, unknown = parse_answers(series, survey.spec.kano.answers, survey.spec.survey.missing)
            if unknown.any():
                texts = sorted({safe_text(t, 30) for t in series.to_numpy()[unknown]})[:3]
                problems.append(
                    problem(
                        survey,
                        "unknown-kano-answer",
                        "kano",
                        f"{plural(int(unknown.sum()), 'answer is', 'answers are')} not "
                        "Kano answers csi knows ("
                        + ", ".join(f"'{t}'" for t in texts)
                        + "). Map them to 1–5 in the spec's [kano.answers] table, or correct them.",
                        column=column,
                        mask=unknown,
                    )
                )
    return problems


class KanoAnalysis(Analysis):
    """Kano classification of functional/dysfunctional question pairs (Berger et al. 1993)."""

    name = "kano"
    title = "Kano classification"
    section = "kano"
    spec_type = KanoSpec
    codes = MappingProxyType(
        {"unknown-kano-answer": "a Kano answer is not one of the recognised wordings"}
    )
    not_supported = (
        "no Kano pairs found (columns <attribute>_func and <attribute>_dysf, or [kano] "
        "patterns in the spec)."
    )

    def supports(self, survey: Survey) -> bool:
        """True when the file has at least one functional/dysfunctional pair."""
        return bool(survey.layout.kano)

    def rating_columns(self, survey: Survey) -> dict[str, tuple[float, float] | None]:
        """Importance and performance ratings of the attributes (no fixed scale)."""
        pairs = survey.layout.kano
        return dict.fromkeys(c for p in pairs for c in (p.importance, p.performance) if c)

    def used_columns(self, survey: Survey) -> tuple[str, ...]:
        """The answer columns and the ratings."""
        answers = tuple(c for p in survey.layout.kano for c in (p.functional, p.dysfunctional))
        return answers + tuple(self.rating_columns(survey))

    def check(self, survey: Survey) -> list[Problem]:
        """See :func:`check_answers`."""
        return check_answers(survey)

    def describe(self, survey: Survey) -> Description:
        """The attributes."""
        attributes = tuple(p.attribute for p in survey.layout.kano)
        return Description(
            {"kano_attributes": attributes}, (("Kano attributes", ", ".join(attributes) or "none"),)
        )

    def draft(self, survey: Survey) -> Mapping[str, Any] | None:
        """``[kano]``: the column patterns, table, rule and answer additions."""
        if not survey.layout.kano:
            return None
        k = survey.spec.kano
        kano: dict[str, Any] = {
            "functional": k.functional,
            "dysfunctional": k.dysfunctional,
            "importance": k.importance,
            "table": k.table,
            "rule": k.rule,
        }
        if k.performance != KanoSpec().performance:
            kano["performance"] = k.performance
        if k.answers:
            kano["answers"] = dict(k.answers)
        return kano

    def run(self, survey: Survey, options: RunOptions) -> KanoResult:
        """Classify every attribute (see :func:`classify_survey`)."""
        return classify_survey(survey, options)

    def compare(
        self,
        current: tuple[Survey, Any],
        previous: tuple[Survey, Any],
        options: RunOptions,
    ) -> pd.DataFrame:
        """Kano category shifts: a chi-square test per attribute; no direction, never alerted."""
        table = kano_shifts(current[1], previous[1])
        return changes_frame(self.name, table, name="attribute", test="chi-square")

    def change_tables(self, changes: pd.DataFrame, labels: tuple[str, str]) -> list[Table]:
        """The category of every attribute in both periods and whether the mix changed."""
        frame = changes.rename(columns={"name": "attribute", "statistic": "chi2"})
        columns = ["attribute", "previous", "current", "chi2", "df", "p_value", "significant"]
        return [
            Table(
                "Kano category shifts",
                frame[columns].reset_index(drop=True),
                digits={"chi2": 2, "df": 0, "p_value": 4},
                note="Pearson chi-square on the category counts of the two periods; "
                "significant: the category mix changed (p < 0.05).",
                key="changes_kano",
            )
        ]


ANALYSIS = KanoAnalysis()
