"""Question wording → roles, for ``csi init`` on files whose columns carry question text.

The conventions (``QUAL1``, ``parking_func``, ``staff_E``…) find nothing in a platform export
named by its questions. This module reads the wording instead, in Chinese and English:

- **CSI blocks** from the wording of the standard ACSI / ECSI / CCSI questionnaires (Fornell
  et al. 1996; ECSI Technical Committee 1998; 清华大学 CCSI 1999): overall satisfaction,
  compared with expectations, compared with the ideal (SAT); quality given price, price given
  quality (VAL); complaints (COMP); repurchase, recommend on a rating scale (LOY);
  image / reputation (IMAG); expectations before purchase (EXPE); quality, reliability,
  meets needs (QUAL). A matrix title naming a construct assigns its rows.
- **Kano pairs** from "如果…提供 / 如果…不提供" and "if … offers / does not offer" wording.
- **Gap pairs** from one matrix asked twice, once about expectations (期望, expected) and once
  about experience (实际感受, experienced), with the same rows.
- **NPS** from a 0–10 question about recommending (推荐, recommend).
- **Missing codes** seen beyond the scale (99, 98, 999, −1, −2, −3).

The guesses become a spec in which columns are named as they are (never renamed): CSI blocks
as lists of column names, Kano and gap pairs as ``{attr}``/``{item}`` patterns with ``*``
wildcards matching the question text. Each guess carries a comment giving the question and the
reason; rating questions given no role are listed, commented out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csi_cli.labels import missing_codes_beyond, toml_key
from csi_cli.platforms import _NUMBERED, matrix_questions
from csi_cli.survey import Survey

# (construct, pattern, reason); tried in order, the first match wins.
_CSI_RULES: tuple[tuple[str, str, str], ...] = (
    ("SAT", r"(总体|整体|总的来说|综合|overall|in general).*满意|满意.*(总体|整体)"
     r"|overall.*satisf|satisf.*overall", "overall satisfaction"),
    ("SAT", r"(相比|相较|比较|compared|relative).*(期望|预期|期待|expect)"
     r"|(期望|预期|expect).*(相比|compared)", "satisfaction compared with expectations"),
    ("SAT", r"理想|ideal", "compared with the ideal"),
    ("VAL", r"价格|价钱|性价比|物有所值|物超所值|price|value for money|worth the",
     "quality given price / price given quality"),
    ("COMP", r"投诉|抱怨|complain", "complaints"),
    ("LOY", r"再次|重复购买|继续|回购|再来|介绍给|推荐|again|repurchase|return|loyal"
     r"|recommend|continue", "repurchase / recommend"),
    ("IMAG", r"形象|口碑|声誉|信誉|名声|知名|品牌|reputation|image|brand|trustworth",
     "image / reputation"),
    ("EXPE", r"预期|期望|期待|事先|之前|expect|before", "expectation before purchase"),
    ("QUAL", r"质量|品质|可靠|满足.*需|符合.*要求|quality|reliab|meets?.*need|dependab",
     "quality / reliability / meets needs"),
)  # fmt: skip
_NPS = re.compile(r"推荐|recommend", re.IGNORECASE)
_ZERO_TO_TEN = re.compile(r"\b0\s*(?:-|–|~|到|至|to)\s*10\b", re.IGNORECASE)
_EXPECTED = re.compile(r"期望|期待|预期|理想中|应该|expect|should", re.IGNORECASE)
_EXPERIENCED = re.compile(r"实际|感受|体验|感知|experienc|actual|perceiv|receiv", re.IGNORECASE)

_KANO_ZH = re.compile(
    r"(?P<head>(如果|假如|若|要是)(?P<subj>.*?))(?P<neg>不|没有|没|未|无法|不能)?"
    r"(?P<verb>提供|具备|支持|配备|设置|开通|有)(?P<attr>.+?)(?P<post>[，,。？?！!：:（(].*)?$"
)
_KANO_EN = re.compile(
    r"(?P<head>\bif\b(?P<subj>.*?))\s(?P<neg>(?:does|did|do|would|will|could|can)\s*(?:not|n't)"
    r"|doesn't|didn't|don't|cannot|can't)?\s*"
    r"(?P<verb>has|have|had|offers?|offered|provides?|provided|includes?|supports?)\s+"
    r"(?P<attr>.+?)(?P<post>[,;:.?!(].*)?$",
    re.IGNORECASE,
)
# "title—row", "title - row", "title: row", "title [row]" (Google Forms grids), "title — row"
# (SurveyMonkey, as platforms.py names it).
_MATRIX = re.compile(
    r"^(?P<title>.+?)(?P<sep>\s*——\s*|\s*—\s*|\s+-\s+|\s*[:：]\s*|\s*\[)"
    r"(?P<row>[^\[\]—]+?)(?P<close>\])?$"
)


@dataclass(frozen=True)
class Guess:
    """One column given a role: the question it asks and why."""

    column: str
    question: str
    reason: str


@dataclass(frozen=True)
class PairPattern:
    """Kano or gap pairs found by wording, as the two patterns that pair them."""

    first: str
    second: str
    pairs: tuple[tuple[str, str, str], ...]  # (key, first column, second column)


@dataclass
class Roles:
    """Everything :func:`guess_roles` found."""

    blocks: dict[str, list[Guess]] = field(default_factory=dict)
    kano: PairPattern | None = None
    gap: PairPattern | None = None
    nps: Guess | None = None
    unassigned: list[Guess] = field(default_factory=list)
    missing_codes: dict[str, list[str]] = field(default_factory=dict)  # code → columns
    scales: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """Whether any analysis was found."""
        return bool(self.blocks or self.kano or self.gap or self.nps)


def question_of(survey: Survey, column: str) -> str:
    """The question a column asks: the file's question text (Qualtrics row 2; a 问卷星 matrix
    title carried to its later rows), else the column name."""
    known = survey.export.questions.get(column)
    if known is None:
        known = matrix_questions([column]).get(column) or column
    return known


def _bare(text: str) -> str:
    """Question text without its leading number ("12、", "Q3.")."""
    match = _NUMBERED.match(text)
    return match.group(2).strip() if match else text.strip()


def guess_roles(survey: Survey) -> Roles:
    """Read every column's wording and values; see the module docstring for the rules."""
    roles = Roles()
    skip = set(survey.export.metadata) | {survey.layout.date, survey.layout.id}
    columns = [c for c in survey.frame.columns if c not in skip]
    questions = {c: question_of(survey, c) for c in columns}
    roles.kano = _kano_pairs(questions)
    kano_columns = {c for _, f, d in (roles.kano.pairs if roles.kano else ()) for c in (f, d)}
    ratings = {}
    for column in columns:
        if column in kano_columns:
            continue
        reading = _rating(survey, column)
        if reading is not None:
            ratings[column] = reading
    for column, (scale, codes) in ratings.items():
        roles.scales[column] = scale
        for code in codes:
            roles.missing_codes.setdefault(code, []).append(column)
    roles.gap = _gap_pairs({c: questions[c] for c in ratings})
    gap_columns = {c for _, e, p in (roles.gap.pairs if roles.gap else ()) for c in (e, p)}
    for column in ratings:
        if column in gap_columns:
            continue
        _assign(roles, column, questions[column], ratings[column][0])
    return roles


def _rating(survey: Survey, column: str) -> tuple[tuple[float, float], list[str]] | None:
    """``(scale, missing codes)`` of a column that reads as ratings (numbers or answer
    labels, nearly no other text), or None."""
    values, bad = survey.parsed(column)
    finite = values[np.isfinite(values)]
    if finite.size == 0 or bad.sum() > 0.05 * max(finite.size, 1):
        return None
    codes, scale = missing_codes_beyond(finite)
    if scale is None or not np.all(finite == np.round(finite)):
        return None
    return scale, [f"{c:g}" for c in codes]


def _assign(roles: Roles, column: str, question: str, scale: tuple[float, float]) -> None:
    text = _bare(question)
    guess = Guess(column, question, "")
    zero_to_ten = scale == (0.0, 10.0) or (scale[1] == 10.0 and _ZERO_TO_TEN.search(text))
    if zero_to_ten and _NPS.search(text) and roles.nps is None:
        roles.nps = Guess(column, question, "0–10 answers to a question about recommending")
        return
    for construct, pattern, reason in _CSI_RULES:
        if re.search(pattern, text, re.IGNORECASE):
            roles.blocks.setdefault(construct, []).append(Guess(column, question, reason))
            return
    roles.unassigned.append(guess)


def _kano_pairs(questions: Mapping[str, str]) -> PairPattern | None:
    """Functional / dysfunctional questions with the same subject and attribute."""
    found: dict[tuple, dict[bool, tuple[str, re.Match[str]]]] = {}
    for column, question in questions.items():
        text = _bare(question)
        match = _KANO_ZH.search(text) or _KANO_EN.search(text)
        if match:
            key = (match["subj"].strip().lower(), match["attr"].strip())
            found.setdefault(key, {})[match["neg"] is not None] = (column, match)
    complete = [(key, sides) for key, sides in found.items() if len(sides) == 2]
    if not complete:
        return None
    shapes = Counter(_kano_shape(sides) for _, sides in complete)
    shape = shapes.most_common(1)[0][0]
    pairs = tuple(
        (key[1], sides[False][0], sides[True][0])
        for key, sides in complete
        if _kano_shape(sides) == shape
    )
    return PairPattern(shape[0], shape[1], pairs)


def _kano_shape(sides: Mapping[bool, tuple[str, re.Match[str]]]) -> tuple[str, str]:
    """The two ``{attr}`` patterns (functional, dysfunctional) that match this pair."""

    def pattern(match: re.Match[str]) -> str:
        start = match.string[match.start("head") : match.start("attr")]
        post = match["post"] or ""
        if post.startswith("?"):  # "?" is a wildcard: keep the whole ending literal
            return "*" + start + "{attr}" + post
        return "*" + start + "{attr}" + (post[:1] + "*" if post else "")

    return pattern(sides[False][1]), pattern(sides[True][1])


def _gap_pairs(questions: Mapping[str, str]) -> PairPattern | None:
    """Rows of an expectation matrix and an experience matrix with the same row labels."""
    by_title: dict[tuple[str, str, str], dict[str, str]] = {}
    for column, question in questions.items():
        match = _MATRIX.match(_bare(question))
        if match:
            shape = (match["title"].strip(), match["sep"], match["close"] or "")
            by_title.setdefault(shape, {})[match["row"].strip()] = column
    expected = [s for s in by_title if _EXPECTED.search(s[0]) and not _EXPERIENCED.search(s[0])]
    experienced = [s for s in by_title if _EXPERIENCED.search(s[0])]
    best: tuple[int, tuple, tuple] | None = None
    for e in expected:
        for p in experienced:
            common = len(by_title[e].keys() & by_title[p].keys())
            if common >= 2 and (best is None or common > best[0]):
                best = (common, e, p)
    if best is None:
        return None
    _, e, p = best
    pairs = tuple(
        (row, by_title[e][row], by_title[p][row]) for row in by_title[e] if row in by_title[p]
    )
    return PairPattern(_gap_pattern(e), _gap_pattern(p), pairs)


def _gap_pattern(shape: tuple[str, str, str]) -> str:
    title, sep, close = shape
    return "*" + title + sep + "{item}" + close


# --- the draft ------------------------------------------------------------------------------

MAX_SEGMENT_LEVELS = 20


def wording_draft(survey: Survey) -> str | None:
    """The draft spec read from the question wording, or None when the wording names no
    analysis (then the conventions' draft applies)."""
    roles = guess_roles(survey)
    if not roles.found:
        return None
    return draft_from_wording(survey, roles, _segments(survey, roles))


def _segments(survey: Survey, roles: Roles) -> list[str]:
    """Text columns with 2–20 answers that no role uses and the platform did not write."""
    used = {survey.layout.date, survey.layout.id, *survey.export.metadata}
    used |= {g.column for gs in roles.blocks.values() for g in gs}
    used |= {g.column for g in roles.unassigned} | {roles.nps.column if roles.nps else None}
    for found in (roles.kano, roles.gap):
        used |= {c for _, a, b in (found.pairs if found else ()) for c in (a, b)}
    segments = []
    for column in survey.frame.columns:
        series = survey.frame[column]
        if column in used or pd.api.types.is_numeric_dtype(series.dtype):
            continue
        if 2 <= series.nunique(dropna=True) <= MAX_SEGMENT_LEVELS:
            segments.append(column)
    return segments


def draft_from_wording(survey: Survey, roles: Roles, segments: Sequence[str]) -> str:
    """The commented TOML draft built from :func:`guess_roles` (see the module docstring)."""
    platform = survey.export.platform
    lines = [
        f"# Draft spec for {survey.source.name}, written by `csi init` from the question wording"
        + (f" ({platform} export)." if platform else "."),
        "# Every guess says which question it read and why: check them, then pass the file",
        "# with --spec. Columns are named as they are in the file; nothing is renamed.",
        "",
        "[survey]",
    ]
    lines += _survey_lines(survey, roles, segments)
    if roles.blocks:
        lines += ["", "[csi.blocks]"]
        for construct, guesses in roles.blocks.items():
            lines.append(f"{construct} = [")
            lines += [f"    {toml_key(g.column)},  # {_comment(g)}" for g in guesses]
            lines.append("]")
    if roles.kano:
        lines += ["", "[kano]", *_pair_lines(roles.kano, "functional", "dysfunctional")]
    if roles.gap:
        lines += ["", "[gap]", *_pair_lines(roles.gap, "expectation", "perception")]
    if roles.unassigned:
        lines += ["", "# Rating questions given no role (add them to a block if they belong):"]
        lines += [f"#   {toml_key(g.column)}" for g in roles.unassigned]
    return "\n".join(lines) + "\n"


def suggested_missing(survey: Survey) -> tuple[list[str], tuple[float, float] | None]:
    """For a draft from the conventions: the usual no-answer codes (99, −1…) seen beyond the
    scale of the rating columns, and the CSI scale once they are left out."""
    declared = set(survey.spec.survey.missing)
    codes: list[str] = []
    for column in survey.layout.rating_columns:
        found, _ = missing_codes_beyond(survey.numeric(column))
        codes += [f"{c:g}" for c in found if f"{c:g}" not in declared | set(codes)]
    scale = survey.layout.csi_scale
    if scale is None and survey.layout.csi_columns:
        _, scale = missing_codes_beyond(survey.ratings(survey.layout.csi_columns).ravel())
    return codes, scale


def _survey_lines(survey: Survey, roles: Roles, segments: Sequence[str]) -> list[str]:
    layout = survey.layout
    lines = []
    if survey.source.header_row != 1:
        lines.append(f"header_row = {survey.source.header_row}")
    if survey.source.sheet is not None and several_data_sheets(survey):
        lines.append(f"sheet = {toml_key(survey.source.sheet)}  # the workbook has several sheets")
    for key, why in (("date", "submit time"), ("id", "response id")):
        column = getattr(layout, key)
        if column is not None:
            origin = f"the {survey.export.platform} {why}" if survey.export.platform else why
            lines.append(f"{key} = {toml_key(column)}  # {origin}")
    if roles.nps is not None:
        lines.append(f"nps = {toml_key(roles.nps.column)}  # {_comment(roles.nps)}")
    if segments:
        lines.append("segments = [" + ", ".join(toml_key(s) for s in segments) + "]")
    codes = sorted(roles.missing_codes, key=float)
    if codes:
        seen = "; ".join(f"{c} in {len(roles.missing_codes[c])} columns" for c in codes)
        lines.append(
            "missing = [" + ", ".join(toml_key(c) for c in codes) + f"]  # beyond the scale: {seen}"
        )
    else:
        lines.append("missing = []")
    scales = Counter(roles.scales[g.column] for gs in roles.blocks.values() for g in gs)
    if scales:
        low, high = scales.most_common(1)[0][0]
        lines.append(f"scale = [{low:g}, {high:g}]  # the CSI answers' scale")
    return lines


def _pair_lines(found: PairPattern, first: str, second: str) -> list[str]:
    key = "{attr}" if first == "functional" else "{item}"
    lines = [
        f"{first} = {toml_key(found.first)}",
        f"{second} = {toml_key(found.second)}",
        f"# {len(found.pairs)} pairs read from the wording ({key} = the part that differs):",
    ]
    lines += [f"#   {name}: {toml_key(a)} / {toml_key(b)}" for name, a, b in found.pairs]
    return lines


def _comment(guess: Guess) -> str:
    question = guess.question.replace("\n", " ")
    shown = question if len(question) <= 60 else question[:59] + "…"
    return f"{guess.reason}: {shown}" if question != guess.column else guess.reason


def several_data_sheets(survey: Survey) -> bool:
    """Whether the workbook has more than one sheet holding data (only then is the sheet
    pinned: next month's CSV export of the same survey must run with the same spec)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(survey.source.path))
        heights = [book.get_sheet_by_name(n).height for n in book.sheet_names]
    except Exception:  # an unreadable workbook was read already; be safe: pin it
        return True
    return sum(1 for h in heights if h > 1) > 1
