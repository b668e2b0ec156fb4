"""Recognise Kano answers — Chinese, English, French, codes 1–5 — as codes 1..5.

Codes follow Berger et al. (1993): 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike.
Texts are compared after :func:`normalise_answer` (NFKC, case folding, emoji, zero-width joiners
and punctuation dropped), so "I’m neutral", "i'm NEUTRAL " and "Cela m'est égal 🤷‍♂️" all match.
Only the distinct values of a column are normalised; the codes are broadcast back to the rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

LIKE, MUST_BE, NEUTRAL, LIVE_WITH, DISLIKE = 1, 2, 3, 4, 5
BLANK = 0
_UNKNOWN = -1

# Wordings per code: the Chinese and English texts of the naming conventions (docs/spec.md),
# the usual Chinese questionnaire wordings (我喜欢这样 / 它理应如此 / 我无所谓 / 我能忍受 /
# 我不喜欢这样), the answer sets of
# Berger et al. (1993) pp. 25–26 as used in the REPPL study, and the French set of qrm-kano
# (tests/data/kano/SOURCE.md).
WORDINGS: Mapping[int, tuple[str, ...]] = {
    LIKE: (
        "我很喜欢",
        "非常喜欢",
        "喜欢",
        "我喜欢",
        "我喜欢这样",
        "我很喜欢这样",
        "很喜欢",
        "令人满意",
        "like",
        "i like it",
        "i like it that way",
        "i enjoy it that way",
        "this would be very helpful to me",
        "cela me plaît",
    ),
    MUST_BE: (
        "理应如此",
        "理所当然",
        "必须这样",
        "它理应如此",
        "它必须这样",
        "应该的",
        "应该如此",
        "本应如此",
        "必须的",
        "must be",
        "must-be",
        "expect",
        "i expect it",
        "i expect it that way",
        "it must be that way",
        "i must be that way",
        "it is a basic necessity or i expect it that way",
        "this is a basic requirement for me",
        "cela est normal ainsi",
    ),
    NEUTRAL: (
        "无所谓",
        "一般",
        "我无所谓",
        "都可以",
        "没感觉",
        "neutral",
        "i am neutral",
        "i'm neutral",
        "i feel neutral",
        "this would not affect me",
        "cela m'est égal",
    ),
    LIVE_WITH: (
        "能忍受",
        "可以忍受",
        "勉强接受",
        "我能忍受",
        "我可以忍受",
        "能接受",
        "可以接受",
        "live with",
        "live-with",
        "tolerate",
        "i can tolerate it",
        "i can live with it",
        "i can live with it that way",
        "i dislike it, but i can live with it that way",
        "this would be a minor inconvenience",
        "je m'en contente",
    ),
    DISLIKE: (
        "我很不喜欢",
        "很不喜欢",
        "不喜欢",
        "我不喜欢",
        "我不喜欢这样",
        "我很不喜欢这样",
        "不能接受",
        "dislike",
        "i dislike it",
        "i dislike it that way",
        "i dislike it, and i can't accept it",
        "this would be a major problem for me",
        "cela me déplaît",
    ),
}

_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_SPACES = re.compile(r"\s+")
_DROPPED_CATEGORIES = frozenset({"So", "Sk", "Cf", "Cs", "Co", "Cn"})
_VARIATION_SELECTORS = frozenset(chr(c) for c in range(0xFE00, 0xFE10))


def normalise_answer(value: object) -> str:
    """Canonical text of one answer, the key under which it is looked up.

    NFKC (full-width letters and digits become ASCII), case folding, apostrophes removed, other
    punctuation read as a space, emoji / zero-width joiners / variation selectors dropped,
    whitespace collapsed. Integral numbers (``3``, ``3.0``, ``"３"``) become their digits.

    Parameters
    ----------
    value : object
        A cell as read (text, int, float).

    Returns
    -------
    str
        The canonical text; ``""`` for a blank cell.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).casefold().strip()
    number = _integral_number(text)
    if number is not None:
        return number
    text = _APOSTROPHES.sub("", text)
    kept = (
        " " if unicodedata.category(ch).startswith("P") else ch
        for ch in text
        if unicodedata.category(ch) not in _DROPPED_CATEGORIES and ch not in _VARIATION_SELECTORS
    )
    return _SPACES.sub(" ", "".join(kept)).strip()


def _integral_number(text: str) -> str | None:
    """``"3.0"`` → ``"3"``; None when ``text`` is not an integral number."""
    try:
        number = float(text)
    except ValueError:
        return None
    return str(int(number)) if number.is_integer() else None


def answer_lookup(extra: Mapping[str, int] | None = None) -> dict[str, int]:
    """The normalised-text → code dictionary: built-in wordings, codes 1–5, spec additions.

    Parameters
    ----------
    extra : mapping of str to int, optional
        ``[kano.answers]`` of the spec (checked by ``spec.py``): more texts, each mapped to a
        code 1..5; they override built-in wordings.
    """
    lookup = {str(code): code for code in WORDINGS}
    for code, texts in WORDINGS.items():
        lookup.update({normalise_answer(text): code for text in texts})
    lookup.update({normalise_answer(text): int(code) for text, code in (extra or {}).items()})
    return lookup


def parse_answers(
    values: pd.Series,
    extra: Mapping[str, int] | None = None,
    missing: Iterable[str] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Codes 1..5 of a column of Kano answers, and which cells are not recognised.

    Parameters
    ----------
    values : pandas.Series
        One functional or dysfunctional question, one cell per respondent.
    extra : mapping of str to int, optional
        Spec additions (``[kano.answers]``), text → code 1..5.
    missing : iterable of str
        Declared missing codes (``[survey] missing``); they count as blank.

    Returns
    -------
    codes : numpy.ndarray of int8
        1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike; 0 for blank, missing or unknown.
    unknown : numpy.ndarray of bool
        Non-blank cells whose text is no known answer (validation reports them).

    References
    ----------
    Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality.
    *Center for Quality of Management Journal* 2(4), 3–36 (answer sets pp. 25–26).
    """
    lookup = answer_lookup(extra)
    blanks = {normalise_answer(m) for m in missing} | {""}
    positions, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    unique_codes = np.array(
        [_code_of(normalise_answer(u), lookup, blanks) for u in uniques] + [BLANK], dtype=np.int8
    )
    per_cell = unique_codes[positions]  # sentinel -1 picks the trailing BLANK
    return np.where(per_cell > 0, per_cell, BLANK).astype(np.int8), per_cell == _UNKNOWN


def _code_of(key: str, lookup: Mapping[str, int], blanks: set[str]) -> int:
    if key in blanks:
        return BLANK
    return lookup.get(key, _UNKNOWN)
