"""Answer labels → scores: rating answers exported as text ("非常满意", "Strongly agree",
"5 - Very satisfied", "5分", "★★★★") read as the numbers they stand for.

Built-in scales (Chinese and English, 5 and 7 points: satisfaction, agreement, quality,
importance, likelihood) are recognised per column: the distinct labels of one column must all
belong to one scale, so "满意" scores 4 in a column whose other answers are 5-point labels and 6
in a column holding 7-point labels ("比较满意"). When several scales fit, the one with fewer
points wins (a 7-point column whose respondents never used a 7-point-only label reads the same
as it would on 5 points only if the labels coincide; declare it in ``[survey.labels]`` when
not). Labels meaning "no answer" ("不适用", "N/A", "(跳过)", "Don't know") are missing.
``[survey.labels]`` of the spec adds or overrides labels (text → score) for every column.

Texts are compared after :func:`csi_cli.methods.kano_answers.normalise_answer` (NFKC, case
folding, punctuation read as a space), so "Very  satisfied", "very satisfied." and "ＶＥＲＹ
satisfied" are one label.

The wordings are those of the standard response scales: Likert (1932) agreement; the ACSI
satisfaction and quality anchors (Fornell et al. 1996); the Qualtrics and SurveyMonkey answer
libraries; the 问卷星 and 腾讯问卷 量表题 templates (see ``tests/exports/README.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from csi_cli.methods.kano_answers import normalise_answer

#: Answers that mean "no answer" in every rating column (compared normalised).
MISSING_LABELS = (
    "不适用", "(跳过)", "跳过", "(空)", "不知道", "不清楚", "说不清", "无法评价", "不了解",
    "N/A", "NA", "n.a.", "Not applicable", "Don't know", "Do not know", "Prefer not to say",
    "No opinion", "Can't say", "Not sure",
)  # fmt: skip


@dataclass(frozen=True)
class LabelScale:
    """One answer scale: ``levels[k]`` are the wordings of score ``low + k``."""

    name: str
    levels: tuple[tuple[str, ...], ...]
    low: int = 1

    @property
    def points(self) -> int:
        """Number of answer levels."""
        return len(self.levels)

    def scores(self) -> dict[str, float]:
        """Normalised wording → score."""
        return {
            normalise_answer(text): float(self.low + k)
            for k, wordings in enumerate(self.levels)
            for text in wordings
        }


def _scale(name: str, *levels: tuple[str, ...] | str) -> LabelScale:
    return LabelScale(name, tuple((lv,) if isinstance(lv, str) else lv for lv in levels))


# Each scale lists its levels from the lowest score to the highest.
SCALES: tuple[LabelScale, ...] = (
    _scale(
        "satisfaction-zh-5",
        ("非常不满意", "很不满意", "极不满意", "完全不满意"),
        ("不满意", "不太满意", "比较不满意", "较不满意"),
        ("一般", "中立", "说不上满意不满意", "既不满意也不是不满意", "一般满意"),
        ("满意", "比较满意", "较满意", "还算满意"),
        ("非常满意", "很满意", "十分满意", "极其满意", "完全满意"),
    ),
    _scale(
        "satisfaction-zh-7",
        ("非常不满意", "很不满意", "极不满意"),
        "不满意",
        ("比较不满意", "有点不满意", "较不满意"),
        ("一般", "中立"),
        ("比较满意", "有点满意", "较满意"),
        "满意",
        ("非常满意", "很满意", "极其满意"),
    ),
    _scale(
        "agreement-zh-5",
        ("非常不同意", "很不同意", "完全不同意", "非常不符合", "完全不符合"),
        ("不同意", "不太同意", "比较不同意", "不符合", "不太符合", "比较不符合"),
        ("一般", "中立", "不确定", "说不清楚", "不好说", "一般符合"),
        ("同意", "比较同意", "符合", "比较符合"),
        ("非常同意", "很同意", "完全同意", "非常符合", "完全符合"),
    ),
    _scale(
        "agreement-zh-7",
        ("非常不同意", "完全不同意"),
        "不同意",
        ("比较不同意", "有点不同意"),
        ("一般", "中立", "不确定"),
        ("比较同意", "有点同意"),
        "同意",
        ("非常同意", "完全同意"),
    ),
    _scale(
        "quality-zh-5",
        ("非常差", "很差", "极差"),
        ("差", "较差", "比较差", "不好", "不太好"),
        ("一般", "中等", "还行"),
        ("好", "较好", "比较好", "良好"),
        ("非常好", "很好", "优秀", "极好"),
    ),
    _scale(
        "importance-zh-5",
        ("非常不重要", "很不重要", "完全不重要"),
        ("不重要", "不太重要", "比较不重要"),
        ("一般", "一般重要"),
        ("重要", "比较重要"),
        ("非常重要", "很重要", "极其重要"),
    ),
    _scale(
        "likelihood-zh-5",
        ("非常不可能", "完全不可能", "肯定不会", "一定不会"),
        ("不可能", "不太可能", "可能不会", "不会"),
        ("不确定", "一般", "说不准", "不一定"),
        ("可能", "比较可能", "可能会", "会"),
        ("非常可能", "很可能", "肯定会", "一定会"),
    ),
    _scale(
        "satisfaction-en-5",
        ("Very dissatisfied", "Extremely dissatisfied", "Completely dissatisfied"),
        ("Dissatisfied", "Somewhat dissatisfied"),
        ("Neither satisfied nor dissatisfied", "Neutral"),
        ("Satisfied", "Somewhat satisfied"),
        ("Very satisfied", "Extremely satisfied", "Completely satisfied"),
    ),
    _scale(
        "satisfaction-en-7",
        ("Extremely dissatisfied", "Very dissatisfied", "Completely dissatisfied"),
        ("Moderately dissatisfied", "Dissatisfied"),
        ("Slightly dissatisfied", "Somewhat dissatisfied"),
        ("Neither satisfied nor dissatisfied", "Neutral"),
        ("Slightly satisfied", "Somewhat satisfied"),
        ("Moderately satisfied", "Satisfied"),
        ("Extremely satisfied", "Very satisfied", "Completely satisfied"),
    ),
    _scale(
        "agreement-en-5",
        ("Strongly disagree", "Completely disagree"),
        ("Disagree", "Somewhat disagree"),
        ("Neither agree nor disagree", "Neutral", "Undecided"),
        ("Agree", "Somewhat agree"),
        ("Strongly agree", "Completely agree"),
    ),
    _scale(
        "agreement-en-7",
        "Strongly disagree",
        "Disagree",
        ("Somewhat disagree", "Slightly disagree"),
        ("Neither agree nor disagree", "Neutral"),
        ("Somewhat agree", "Slightly agree"),
        "Agree",
        "Strongly agree",
    ),
    _scale(
        "quality-en-5",
        ("Poor", "Very poor", "Terrible"),
        ("Fair", "Below average"),
        ("Good", "Average"),
        ("Very good", "Above average"),
        "Excellent",
    ),
    _scale(
        "importance-en-5",
        "Not at all important",
        ("Slightly important", "Low importance", "Not important"),
        ("Moderately important", "Neutral"),
        ("Very important", "Important"),
        ("Extremely important", "Essential"),
    ),
    _scale(
        "likelihood-en-5",
        ("Very unlikely", "Extremely unlikely", "Not at all likely"),
        ("Unlikely", "Somewhat unlikely", "Not so likely"),
        ("Neither likely nor unlikely", "Neutral"),
        ("Likely", "Somewhat likely"),
        ("Very likely", "Extremely likely", "Definitely"),
    ),
)

_SCALE_SCORES = tuple((scale, scale.scores()) for scale in SCALES)
_MISSING = frozenset(normalise_answer(m) for m in MISSING_LABELS) | {""}
_SCORE_PREFIX = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:分|星|points?|stars?)\s*$", re.I)
_STARS = re.compile(r"^\s*([★⭐]+)[☆\s]*$")


def numeric_label(text: str) -> float | None:
    """The number a label states itself: ``"5分"`` → 5, ``"4 stars"`` → 4, ``"★★★★☆"`` → 4
    (filled stars counted); None when it states none."""
    stars = _STARS.match(text)
    if stars:
        return float(len(stars.group(1)))
    prefix = _SCORE_PREFIX.match(text)
    return float(prefix.group(1)) if prefix else None


@dataclass(frozen=True)
class LabelReading:
    """How one column's text answers read as scores.

    ``scores`` maps each distinct raw text to its score (NaN for a missing label);
    ``unknown`` lists the texts no scale (and no spec label) knows; ``scale`` names the
    built-in scale used (None when none was needed)."""

    scores: Mapping[str, float]
    unknown: tuple[str, ...]
    scale: str | None


def read_labels(
    texts: Iterable[str],
    extra: Mapping[str, float] | None = None,
    within: Sequence[float] | None = None,
) -> LabelReading:
    """Score the distinct text answers of one rating column.

    Parameters
    ----------
    texts : iterable of str
        The column's distinct answers that are not plain numbers.
    extra : mapping of str to float, optional
        ``[survey.labels]`` of the spec; they win over built-in wordings.
    within : (min, max), optional
        Range of the column's plain numbers (NaN when none): a built-in scale is used only if
        they lie within its scores.

    Returns
    -------
    LabelReading
        Scores per text. The built-in scale chosen is the one holding every remaining label
        (fewest points first); when none holds them all, the one holding most, and the others
        are ``unknown``.
    """
    spec = {normalise_answer(k): float(v) for k, v in (extra or {}).items()}
    scores: dict[str, float] = {}
    pending: dict[str, str] = {}
    for text in texts:
        key = normalise_answer(text)
        if key in spec:
            scores[text] = spec[key]
        elif key in _MISSING:
            scores[text] = np.nan
        elif (number := numeric_label(str(text))) is not None:
            scores[text] = number
        else:
            pending[text] = key
    if not pending:
        return LabelReading(scores, (), None)
    scale, lookup = _best_scale(set(pending.values()))
    if within is not None and not _holds(scale, within):
        lookup = {}
    unknown = []
    for text, key in pending.items():
        if key in lookup:
            scores[text] = lookup[key]
        else:
            unknown.append(text)
    return LabelReading(scores, tuple(unknown), scale.name if len(unknown) < len(pending) else None)


def _best_scale(keys: set[str]) -> tuple[LabelScale, dict[str, float]]:
    """The scale covering most of ``keys``; among those, the one on which they fall on most
    distinct levels (one column's answers are one scale's levels, never two synonyms), then
    the one with fewer points, then the first listed."""

    def fit(item: tuple[LabelScale, dict[str, float]]) -> tuple[int, int, int]:
        covered = keys & item[1].keys()
        return len(covered), len({item[1][k] for k in covered}), -item[0].points

    return max(_SCALE_SCORES, key=fit)


def _holds(scale: LabelScale, numbers: Sequence[float]) -> bool:
    low, high = numbers
    if np.isnan(low):
        return True
    return scale.low <= low and high <= scale.low + scale.points - 1


def toml_key(text: str) -> str:
    """``text`` as a quoted TOML key."""
    import json

    return json.dumps(str(text), ensure_ascii=False)


def unknown_labels_advice(values: Sequence[object], counts: Sequence[int]) -> str:
    """The sentence listing every unknown label with its count and the spec lines mapping it:
    ``'还行' (3), '凑合' (1). Correct them, map each … ([survey.labels] "还行" = <score> …)``."""
    from csi_cli.errors import safe_text

    listed = ", ".join(f"'{safe_text(v, 40)}' ({c})" for v, c in zip(values, counts, strict=True))
    lines = " ".join(f"{toml_key(v)} = <score>" for v in values)
    codes = ", ".join(toml_key(v) for v in values)
    return (
        f"{listed}. Correct them, map each to its score in the spec ([survey.labels] {lines}), "
        f"or, if they mean no answer, declare them: [survey] missing = [{codes}]."
    )


#: Codes that mean "no answer" when they lie beyond a rating scale.
MISSING_CODE_CANDIDATES = (-9.0, -3.0, -2.0, -1.0, 97.0, 98.0, 99.0, 999.0, 9999.0)


def missing_codes_beyond(values: np.ndarray) -> tuple[list[float], tuple[float, float] | None]:
    """``(codes, scale)``: the usual "no answer" codes among ``values`` (99, 98, 999, −1, −2,
    −3…) that lie beyond the usual scale the other values fit (None when none fits)."""
    from csi_cli.survey import infer_scale

    finite = values[np.isfinite(values)]
    present = [c for c in MISSING_CODE_CANDIDATES if np.any(finite == c)]
    rest = finite[~np.isin(finite, present)]
    scale = infer_scale(rest) if rest.size else None
    if scale is None:
        return [], None
    return [c for c in present if c < scale[0] or c > scale[1]], scale


def missing_line(codes: Sequence[float], declared: Sequence[str] = ()) -> str:
    """The exact spec line declaring ``codes`` missing, keeping the codes declared already."""
    listed = list(declared) + [f"{c:g}" for c in codes if f"{c:g}" not in declared]
    return "[survey] missing = [" + ", ".join(toml_key(c) for c in listed) + "]"


def distinct_counts(values: Sequence[object]) -> tuple[list[object], list[int]]:
    """The distinct values, most frequent first (ties in first-seen order), and their counts:
    how a message lists every unknown answer of a column."""
    import pandas as pd

    counts = pd.Series(list(values), dtype=object).value_counts(sort=True, dropna=True)
    return list(counts.index), [int(c) for c in counts.to_numpy()]
