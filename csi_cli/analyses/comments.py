"""The comments analysis: what low scorers write about in the open question, in Chinese,
English or both — distinguishing terms, themes with their impact, candidates for new themes,
masked verbatims — and the theme shares that rose between periods (numerics in
:mod:`csi_cli.methods.comments` and :mod:`csi_cli.methods.text`)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from csi_cli.analyses.comments_result import CommentsResult
from csi_cli.analysis import Analysis, Description, changes_frame
from csi_cli.errors import UsageError, safe_text
from csi_cli.methods.comments import (
    CommentSettings,
    Contrast,
    analyse_comments,
    proportion_differences,
)
from csi_cli.methods.multitest import Adjustment
from csi_cli.methods.nps import DETRACTOR_MAX, PROMOTER_MIN
from csi_cli.segments import segment_labels
from csi_cli.spec import Converter, expect_str, str_list
from csi_cli.survey import infer_scale
from csi_cli.validate import Problem, problem

if TYPE_CHECKING:
    from csi_cli.options import RunOptions
    from csi_cli.survey import Survey

#: Column names taken as the open question when the spec names none (compared in lower case).
COMMENT_NAMES = (
    "comment",
    "comments",
    "意见",
    "建议",
    "意见建议",
    "意见或建议",
    "其他意见",
    "其他建议",
    "评论",
    "留言",
    "备注",
    "feedback",
    "remarks",
    "remark",
    "verbatim",
    "open_text",
    "open answer",
    "suggestions",
    "other comments",
)
#: On the 0–100 satisfaction scale: below the scale's midpoint is dissatisfied, above satisfied.
SATISFACTION_MIDPOINT = 50.0


def _regex(value: Any) -> str:
    text = expect_str(value)
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {value!r}") from None
    return text


def _themes(value: Any) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, Mapping) or not value:
        raise TypeError('expected a table theme = ["keyword", …]')
    return MappingProxyType({str(k): str_list(v) for k, v in value.items()})


@dataclass(frozen=True)
class CommentsSpec:
    """``[comments]``: the comment column, themes, user dictionary, stopwords, order numbers.

    ``themes`` (a table ``name = ["keyword", …]``) replaces the starter set; ``words`` are kept
    whole by the segmenter; ``stopwords`` are left out besides the shipped lists;
    ``order_pattern`` is a regular expression of order numbers, masked like phone numbers.
    """

    column: str | None = None
    themes: Mapping[str, tuple[str, ...]] | None = None
    words: tuple[str, ...] = ()
    stopwords: tuple[str, ...] = ()
    order_pattern: str | None = None

    CONVERTERS: ClassVar[Mapping[str, Converter]] = MappingProxyType(
        {"themes": _themes, "words": str_list, "stopwords": str_list, "order_pattern": _regex}
    )

    def settings(self) -> CommentSettings:
        """The settings the numerics take (starter themes unless the spec gives its own)."""
        extra = {"themes": dict(self.themes)} if self.themes else {}
        return CommentSettings(
            words=self.words, stopwords=self.stopwords, order_pattern=self.order_pattern, **extra
        )


@dataclass(frozen=True)
class CommentsOptions:
    """Options of the comments analysis.

    Attributes
    ----------
    against : str or None
        The contrast: "nps" (detractors vs promoters), "satisfaction" (dissatisfied vs
        satisfied) or "SEGMENT=VALUE" (that segment vs the rest); None: nps when the file has
        an NPS column, else satisfaction.
    adjust : {"holm", "bh"}
        Adjustment of the theme p-values.
    """

    against: str | None = None
    adjust: Adjustment = "holm"


def comment_column(survey: Survey) -> str | None:
    """The open question: ``[comments] column``, or the first column named like one."""
    named = survey.spec.comments.column
    if named is not None:
        return named if named in survey.frame.columns else None
    return next((c for c in survey.frame.columns if str(c).strip().lower() in COMMENT_NAMES), None)


@dataclass(frozen=True)
class Scores:
    """Each respondent's satisfaction on 0–100 and 0–10 recommendation (NaN: none)."""

    satisfaction: np.ndarray
    source: str
    recommend: np.ndarray | None = field(default=None)


def respondent_scores(survey: Survey) -> Scores:
    """Satisfaction: mean of the CSI target's items, else the overall rating, on 0–100."""
    layout = survey.layout
    target = survey.spec.csi.target
    if target in layout.csi_blocks:
        items = survey.ratings(list(layout.csi_blocks[target]))
        scale = survey.spec.survey.scale or layout.csi_scale
        source = f"mean of {target} items"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # no item answered: NaN
            values = np.nanmean(items, axis=1)
    elif layout.overall is not None:
        values, source = survey.numeric(layout.overall), layout.overall
        scale = survey.spec.survey.scale or infer_scale(survey.bounds(layout.overall))
    else:
        values, source, scale = np.full(survey.n, np.nan), "none", None
    low, high = scale if scale else (np.nan, np.nan)
    recommend = survey.numeric(layout.nps) if layout.nps else None
    return Scores(100 * (values - low) / (high - low), source, recommend)


def contrast_of(survey: Survey, against: str | None, scores: Scores) -> tuple[str, Contrast]:
    """The two groups compared (see :class:`CommentsOptions`).

    Raises
    ------
    UsageError
        The contrast needs a column the file does not have, or ``against`` is none of the forms.
    """
    against = against or ("nps" if scores.recommend is not None else "satisfaction")
    where = survey.source.where()
    if against == "nps":
        if scores.recommend is None:
            raise UsageError(
                f"{where}: --against nps needs an NPS column (0–10, named NPS or "
                "recommend, or [survey] nps); use --against satisfaction."
            )
        r = scores.recommend
        return against, Contrast("detractors", "promoters", r <= DETRACTOR_MAX, r >= PROMOTER_MIN)
    if against == "satisfaction":
        s = scores.satisfaction
        if np.isnan(s).all():
            raise UsageError(
                f"{where}: --against satisfaction needs the CSI target's items or "
                "an overall rating; use --against SEGMENT=VALUE."
            )
        midpoint = SATISFACTION_MIDPOINT
        return against, Contrast("dissatisfied", "satisfied", s < midpoint, s > midpoint)
    column, equals, value = against.partition("=")
    if not equals or not column.strip() or not value.strip():
        raise UsageError(
            f"--against {safe_text(against)}: give nps, satisfaction or "
            "SEGMENT=VALUE (e.g. 地区=华南)."
        )
    if column.strip() not in survey.frame.columns:
        raise UsageError(
            f"--against {safe_text(against)}: {survey.source.name} has no column "
            f"{safe_text(column.strip())}; give SEGMENT=VALUE with one of its columns."
        )
    labels = segment_labels(survey, column.strip())
    inside = labels == value.strip()
    if not inside.any():
        raise UsageError(
            f"--against {safe_text(against)}: no respondent has "
            f"{safe_text(value.strip())} in column {safe_text(column.strip())}; "
            "give one of its values."
        )
    rest = pd.notna(labels) & ~inside
    return against, Contrast(value.strip(), "rest", inside, rest)


def analyze_comments(survey: Survey, options: RunOptions) -> CommentsResult:
    """Run the comment analysis of a validated survey on its comment column."""
    own = options.of("comments", CommentsOptions)
    column = comment_column(survey)
    assert column is not None
    scores = respondent_scores(survey)
    against, contrast = contrast_of(survey, own.against, scores)
    segments = None
    if options.by is not None:
        segments = pd.Series(segment_labels(survey, options.by), name=options.by)
    findings = analyse_comments(
        survey.text(column).astype(object).reset_index(drop=True),
        contrast,
        scores.satisfaction,
        scores.recommend,
        survey.spec.comments.settings(),
        segments=segments,
        seed=options.seed,
        adjust=own.adjust,
    )
    warnings = ()
    if findings.n_comments == 0:
        warnings = (f"column {column} holds no comments.",)
    return CommentsResult(
        column, against, scores.source, findings, own.adjust, options.by, warnings=warnings
    )


class CommentsAnalysis(Analysis):
    """What dissatisfied customers write about (Monroe, Colaresi & Quinn 2008 for terms)."""

    name = "comments"
    title = "Comments"
    section = "comments"
    spec_type = CommentsSpec
    options_type = CommentsOptions
    change_note = (
        "Share of the low group's commenters mentioning each theme: difference of two "
        "proportions, z test; a significant rise is alerted."
    )
    not_supported = (
        "no comment column found (a column named 意见, 建议, comment(s), feedback …, or "
        "[comments] column in the spec)."
    )

    def supports(self, survey: Survey) -> bool:
        """True when the file has a comment column."""
        return comment_column(survey) is not None

    def used_columns(self, survey: Survey) -> tuple[str, ...]:
        """The comment column."""
        column = comment_column(survey)
        return (column,) if column else ()

    def check(self, survey: Survey) -> list[Problem]:
        """A ``[comments] column`` the file does not have."""
        named = survey.spec.comments.column
        if named is None or named in survey.frame.columns:
            return []
        what = (
            f"[comments] column = {safe_text(named)!r} is not a column of the file. Name "
            "the column that holds the open question."
        )
        return [problem(survey, "missing-comment-column", self.name, what)]

    def describe(self, survey: Survey) -> Description:
        """The comment column."""
        column = comment_column(survey)
        return Description({"comment_column": column}, (("Comment column", column or "none"),))

    def draft(self, survey: Survey) -> Mapping[str, Any] | None:
        """``[comments]``: the comment column found."""
        column = comment_column(survey)
        return {"column": column} if column else None

    def run(self, survey: Survey, options: RunOptions) -> CommentsResult:
        """See :func:`analyze_comments`."""
        return analyze_comments(survey, options)

    def compare(
        self,
        current: tuple[Survey, Any],
        previous: tuple[Survey, Any],
        options: RunOptions,
    ) -> pd.DataFrame:
        """Each theme's share among the low group's commenters in both periods (z test);
        ``points`` = −(rise in percentage points), so a significant rise is alerted."""
        now, before = (_low_group_shares(result) for _, result in (current, previous))
        both = now.add_suffix("_1").join(before.add_suffix("_2"), how="inner")
        table = proportion_differences(both["count_1"], both["n_1"], both["count_2"], both["n_2"])
        table = table.assign(name=both.index.to_numpy(), df=np.nan)
        table["points"] = -100 * table["difference"]
        return changes_frame(self.name, table, name="name", test="z")

    def alert(self, change: Mapping[str, Any], survey: Survey) -> str:
        """A theme mentioned by more of the low group's commenters."""
        return (
            f"{change['measure']}: {100 * change['current']:.0f}% of unhappy commenters mention "
            f"it, up from {100 * change['previous']:.0f}% (p = {change['p_value']:.2g})"
        )

    def history(self, result: Any) -> Mapping[str, float | None]:
        """Each theme's share of commenters (0–1)."""
        themes = result.findings.themes
        return {
            f"share:{t}": float(s) for t, s in zip(themes["theme"], themes["share"], strict=True)
        }


def _low_group_shares(result: CommentsResult) -> pd.DataFrame:
    shares = result.findings.shares
    low = shares[(shares["by"] == "group") & (shares["group"] == result.low_label)]
    return low.set_index("theme")[["count", "n"]]


ANALYSIS = CommentsAnalysis()
