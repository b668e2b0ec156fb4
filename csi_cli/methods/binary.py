"""Yes/no answers — Chinese, English, codes — as 1.0 / 0.0 / NaN.

Survey platforms and CRMs export yes/no questions ("had a problem", "complained", "resolved",
"retained") as 是/否, 有/没有, Yes/No, True/False, 1/0, or as outcome words (retained/churned,
留存/流失). Texts are compared after :func:`~csi_cli.methods.kano_answers.normalise_answer`
(NFKC, case folding, punctuation and emoji dropped), so "Yes", " YES!" and "ｙｅｓ" agree. Only
the distinct values of a column are normalised; the result is broadcast back to the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from csi_cli.methods.kano_answers import normalise_answer

#: Built-in wordings of a positive (1) and a negative (0) answer, already normalised.
YES_WORDS: tuple[str, ...] = (
    "1", "yes", "y", "true", "t", "是", "是的", "有", "对", "yes i did", "retained", "retain",
    "stayed", "active", "renewed", "留存", "保留", "在网", "续约", "已解决", "解决", "resolved",
)  # fmt: skip
NO_WORDS: tuple[str, ...] = (
    "0", "no", "n", "false", "f", "否", "不是", "没有", "无", "不", "no i did not", "churned",
    "churn", "lost", "left", "cancelled", "canceled", "inactive", "流失", "已流失", "解约",
    "未解决", "没解决", "unresolved", "not resolved",
)  # fmt: skip

#: Wordings that name an outcome (retained, churned, resolved, ...) rather than say yes or no:
#: they keep their meaning when a question is worded the other way round ("churned?").
OUTCOME_WORDS: frozenset[str] = frozenset(
    {
        "retained", "retain", "stayed", "active", "renewed", "留存", "保留", "在网", "续约",
        "已解决", "解决", "resolved", "churned", "churn", "lost", "left", "cancelled",
        "canceled", "inactive", "流失", "已流失", "解约", "未解决", "没解决", "unresolved",
        "not resolved",
    }
)  # fmt: skip


def reversed_answers() -> dict[str, bool]:
    """Additions (for ``extra``) that read a negatively worded question, such as "churned?"
    or "是否流失": a plain yes means the outcome did *not* happen (0), a plain no that it did
    (1); outcome words (retained, 流失, ...) keep their meaning."""
    plain_yes = {w: False for w in YES_WORDS if w not in OUTCOME_WORDS}
    return plain_yes | {w: True for w in NO_WORDS if w not in OUTCOME_WORDS}


def binary_lookup(extra: Mapping[str, bool] | None = None) -> dict[str, float]:
    """The normalised-text → 1.0/0.0 dictionary: built-in wordings plus spec additions.

    Parameters
    ----------
    extra : mapping of str to bool, optional
        More texts from the spec, each mapped to true (yes) or false (no); they override the
        built-in wordings.
    """
    lookup = {normalise_answer(w): 1.0 for w in YES_WORDS}
    lookup |= {normalise_answer(w): 0.0 for w in NO_WORDS}
    lookup |= {normalise_answer(t): float(bool(v)) for t, v in (extra or {}).items()}
    return lookup


def parse_binary(
    values: pd.Series,
    extra: Mapping[str, bool] | None = None,
    missing: Iterable[str] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """1.0 (yes), 0.0 (no) or NaN (blank) for every cell, and which cells are not recognised.

    Parameters
    ----------
    values : pandas.Series
        One yes/no question, one cell per respondent (text, numbers or booleans).
    extra : mapping of str to bool, optional
        Spec additions, text → true/false.
    missing : iterable of str
        Declared missing codes (``[survey] missing``); they count as blank.

    Returns
    -------
    answers : numpy.ndarray of float64
        1.0, 0.0, or NaN for blank, missing and unrecognised cells.
    unknown : numpy.ndarray of bool
        Non-blank cells whose text is neither a yes nor a no (validation reports them).
    """
    lookup = binary_lookup(extra)
    blanks = {normalise_answer(m) for m in missing} | {""}
    # A Series is factorized in its own dtype (an Arrow string column stays Arrow: 8x faster
    # than casting a million cells to object first); anything else as objects.
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    positions, uniques = pd.factorize(series, use_na_sentinel=True)
    keys = [normalise_answer(u) for u in uniques]
    unique_values = np.array(
        [np.nan if k in blanks else lookup.get(k, np.nan) for k in keys] + [np.nan]
    )
    unique_unknown = np.array([k not in blanks and k not in lookup for k in keys] + [False])
    return unique_values[positions], unique_unknown[positions]
