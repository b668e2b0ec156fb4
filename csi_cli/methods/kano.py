"""Kano classification: evaluation table, categories, strength, Fong test, Better/Worse,
DuMouchel's continuous scores, priorities for action, segment comparison.

The core works on answer codes (1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike, 0 blank)
as ``n × k`` integer arrays; :mod:`csi_cli.analyses.kano` reads them from a survey.
Every respondent is classified by one table lookup over the whole array.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from csi_cli.errors import UsageError

CATEGORIES = ("A", "O", "M", "I", "R", "Q")
UNANSWERED = len(CATEGORIES)
CATEGORY_NAMES = {
    "A": "attractive",
    "O": "one-dimensional",
    "M": "must-be",
    "I": "indifferent",
    "R": "reverse",
    "Q": "questionable",
}
MIXED_STRENGTH = 0.06
FONG_Z = 1.65
QUADRANT_SPLIT = 2.0

# Berger et al. (1993) p.6: rows functional answer 1..5, columns dysfunctional answer 1..5.
_STANDARD = ("QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ")
# Pouliot (in Berger et al. 1993 p.33): the same answer to both questions is questionable,
# except neutral–neutral.
_POULIOT = ("QAAAO", "RQIIM", "RIIIM", "RIIQM", "RRRRQ")
TABLES = {"standard": _STANDARD, "pouliot": _POULIOT}

# Tie order of the mode rule (Matzler & Hinterhuber 1998), then R; Q never beats a real category.
_MODE_ORDER = np.array([CATEGORIES.index(c) for c in "MOAIR"])
_AOM_WANTED = np.array([CATEGORIES.index(c) for c in "MOA"])
_AOM_OTHER = np.array([CATEGORIES.index(c) for c in "IRQ"])
_Q = CATEGORIES.index("Q")
_REAL = np.arange(_Q)  # A, O, M, I, R: the categories that can be an attribute's class

# DuMouchel (in Berger et al. 1993 pp.20–23): scores of answers 1..5 (index 0 = blank).
FUNCTIONAL_SCORES = np.array([np.nan, 4.0, 2.0, 0.0, -1.0, -2.0])
DYSFUNCTIONAL_SCORES = np.array([np.nan, -2.0, -1.0, 0.0, 2.0, 4.0])


def evaluation_lookup(table: str = "standard") -> np.ndarray:
    """The evaluation table as a flat lookup of 36 category indices, position ``6·f + d``.

    Parameters
    ----------
    table : {"standard", "pouliot"}
        Berger et al. (1993) p.6, or Pouliot's variant (p.33) that also marks must-be/must-be
        and live-with/live-with as questionable.

    Returns
    -------
    numpy.ndarray of int8
        Index into :data:`CATEGORIES` for answer codes ``f, d`` in 1..5; ``UNANSWERED`` (6)
        when either code is 0 (blank).
    """
    if table not in TABLES:
        raise UsageError(f"unknown Kano table {table!r}; use one of {', '.join(TABLES)}.")
    lookup = np.full((6, 6), UNANSWERED, dtype=np.int8)
    lookup[1:, 1:] = [[CATEGORIES.index(c) for c in row] for row in TABLES[table]]
    return lookup.ravel()


def _cells(functional: np.ndarray, dysfunctional: np.ndarray) -> np.ndarray:
    """Position ``6·f + d`` of each answer pair in the flat evaluation table (int8)."""
    return np.asarray(functional, dtype=np.int8) * np.int8(6) + np.asarray(
        dysfunctional, dtype=np.int8
    )


def evaluate(
    functional: np.ndarray, dysfunctional: np.ndarray, table: str = "standard"
) -> np.ndarray:
    """Category of every respondent × attribute by one vectorized table lookup.

    Parameters
    ----------
    functional, dysfunctional : numpy.ndarray of int
        Answer codes 0..5 (0 blank), same shape (respondents × attributes).
    table : {"standard", "pouliot"}
        Evaluation table (Berger et al. 1993 p.6 / p.33).

    Returns
    -------
    numpy.ndarray of int8
        Indices into :data:`CATEGORIES`; ``UNANSWERED`` where either answer is blank.
    """
    return evaluation_lookup(table).take(_cells(functional, dysfunctional))


def answer_pairs(functional: np.ndarray, dysfunctional: np.ndarray) -> np.ndarray:
    """How many respondents gave each (functional, dysfunctional) answer pair, per attribute.

    Every per-attribute statistic (category counts, continuous scores) is a function of these
    36 counts, so the respondents are read once.

    Parameters
    ----------
    functional, dysfunctional : numpy.ndarray, shape (n, k)
        Answer codes 0..5 (0 blank).

    Returns
    -------
    numpy.ndarray of int64, shape (k, 36)
        Count of the pair ``(f, d)`` at position ``6·f + d``.
    """
    cells = _cells(np.atleast_2d(functional), np.atleast_2d(dysfunctional))
    return np.stack([np.bincount(cells[:, j], minlength=36) for j in range(cells.shape[1])]).astype(
        np.int64
    )


def count_categories(pairs: np.ndarray, table: str = "standard") -> np.ndarray:
    """Counts of A, O, M, I, R, Q per attribute from its answer-pair counts.

    Parameters
    ----------
    pairs : numpy.ndarray, shape (k, 36)
        From :func:`answer_pairs`.
    table : {"standard", "pouliot"}
        Evaluation table.

    Returns
    -------
    numpy.ndarray of int64, shape (k, 6)
    """
    membership = np.eye(len(CATEGORIES) + 1, dtype=np.int64)[evaluation_lookup(table)]
    return np.asarray(pairs, dtype=np.int64) @ membership[:, : len(CATEGORIES)]


def choose_category(counts: np.ndarray, rule: str = "mode") -> np.ndarray:
    """Category index of each attribute from its counts (rows of A, O, M, I, R, Q).

    Parameters
    ----------
    counts : numpy.ndarray, shape (k, 6)
    rule : {"mode", "aom"}
        ``mode``: the most frequent category, ties broken M > O > A > I > R (Matzler &
        Hinterhuber 1998); Q wins only when no real category was chosen. ``aom``: if
        A + O + M > I + R + Q the largest of M, O, A, else the largest of I, R, Q (ties in that
        order), the rule of the REPPL study.

    Returns
    -------
    numpy.ndarray of int
        Indices into :data:`CATEGORIES`; ``UNANSWERED`` for an attribute nobody answered.
    """
    counts = np.atleast_2d(counts)
    if rule == "mode":
        real = _MODE_ORDER[np.argmax(counts[:, _MODE_ORDER], axis=1)]
        chosen = np.where(counts[:, _MODE_ORDER].max(axis=1) > 0, real, _Q)
    elif rule == "aom":
        wanted = _AOM_WANTED[np.argmax(counts[:, _AOM_WANTED], axis=1)]
        other = _AOM_OTHER[np.argmax(counts[:, _AOM_OTHER], axis=1)]
        aom_wins = counts[:, _AOM_WANTED].sum(axis=1) > counts[:, _AOM_OTHER].sum(axis=1)
        chosen = np.where(aom_wins, wanted, other)
    else:
        raise UsageError(f"unknown Kano rule {rule!r}; use mode or aom.")
    return np.where(counts.sum(axis=1) > 0, chosen, UNANSWERED)


def fong_significant(first: np.ndarray, second: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Fong test: is the largest category count significantly above the second?

    Notes
    -----
    With a, b the two largest counts and n respondents, the difference is significant when
    ``|a − b| ≥ 1.65 · sqrt((a + b)(2n − a − b) / (2n))`` (α = 0.10).

    References
    ----------
    Fong, D. (1996). Using the self-stated importance questionnaire to interpret Kano
    questionnaire results. *Center for Quality of Management Journal* 5(3), 21–24.
    """
    first, second, n = (np.asarray(x, dtype=float) for x in (first, second, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        critical = FONG_Z * np.sqrt((first + second) * (2 * n - first - second) / (2 * n))
    return (n > 0) & (np.abs(first - second) >= critical)


def better_worse(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Customer-satisfaction coefficients of each attribute.

    Notes
    -----
    ``Better = (A + O) / (A + O + M + I)``, ``Worse = −(O + M) / (A + O + M + I)``; NaN when
    nobody gave A, O, M or I.

    References
    ----------
    Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality.
    *Center for Quality of Management Journal* 2(4), p.18.
    """
    a, o, m, i = (np.asarray(counts)[:, CATEGORIES.index(c)].astype(float) for c in "AOMI")
    base = np.where(a + o + m + i > 0, a + o + m + i, np.nan)
    return (a + o) / base, 0.0 - (o + m) / base  # 0.0 − … keeps a Worse of 0 unsigned


def continuous_scores(pairs: np.ndarray) -> pd.DataFrame:
    """DuMouchel's continuous functional and dysfunctional scores per attribute.

    Parameters
    ----------
    pairs : numpy.ndarray, shape (k, 36)
        Answer-pair counts from :func:`answer_pairs`.

    Returns
    -------
    pandas.DataFrame
        ``functional_mean``, ``functional_sd``, ``dysfunctional_mean``, ``dysfunctional_sd``,
        ``quadrant``.

    Notes
    -----
    Functional answers score like 4, must-be 2, neutral 0, live-with −1, dislike −2;
    dysfunctional answers like −2, must-be −1, neutral 0, live-with 2, dislike 4. Mean and
    sample SD per attribute over the respondents who answered both questions. Quadrants split
    at 2: functional ≥ 2 and dysfunctional ≥ 2 is O, functional only A, dysfunctional only M,
    neither I.

    References
    ----------
    DuMouchel, W., in Berger, C. et al. (1993). *Center for Quality of Management Journal*
    2(4), pp.20–23.
    """
    f_code, d_code = np.divmod(np.arange(36), 6)
    both = (f_code > 0) & (d_code > 0)
    weights = np.asarray(pairs, dtype=float)[:, both]
    f_mean, f_sd = _weighted_mean_sd(FUNCTIONAL_SCORES[f_code[both]], weights)
    d_mean, d_sd = _weighted_mean_sd(DYSFUNCTIONAL_SCORES[d_code[both]], weights)
    quadrant = np.select(
        [
            (f_mean >= QUADRANT_SPLIT) & (d_mean >= QUADRANT_SPLIT),
            f_mean >= QUADRANT_SPLIT,
            d_mean >= QUADRANT_SPLIT,
            np.isfinite(f_mean),
        ],
        ["O", "A", "M", "I"],
        default="",
    )
    return pd.DataFrame(
        {
            "functional_mean": f_mean,
            "functional_sd": f_sd,
            "dysfunctional_mean": d_mean,
            "dysfunctional_sd": d_sd,
            "quadrant": quadrant,
        }
    )


def _weighted_mean_sd(scores: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample SD of ``scores`` repeated ``weights[i]`` times, for each row i."""
    count = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = weights @ scores / count
        squares = (weights * (scores - mean[:, None]) ** 2).sum(axis=1)
        sd = np.sqrt(squares / (count - 1))
    return mean, np.where(count > 1, sd, np.nan)


def column_means(values: np.ndarray) -> np.ndarray:
    """Mean of each column ignoring NaN (NaN for an empty column)."""
    values = np.asarray(values, dtype=float)
    answered = np.isfinite(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(answered, values, 0.0).sum(axis=0) / answered.sum(axis=0)


def summarize_counts(counts: np.ndarray, rule: str = "mode") -> pd.DataFrame:
    """Per attribute: category, shares, strengths, Fong test, mixed label, Better and Worse.

    Parameters
    ----------
    counts : numpy.ndarray, shape (k, 6)
        Counts of A, O, M, I, R, Q.
    rule : {"mode", "aom"}
        See :func:`choose_category`.

    Returns
    -------
    pandas.DataFrame
        Columns ``n``, ``A`` … ``Q``, ``share_A`` … ``share_Q``, ``category``, ``label``,
        ``strength``, ``total_strength``, ``significant``, ``better``, ``worse``.

    Notes
    -----
    Category strength = share of the largest minus share of the second largest category;
    total strength = A% + O% + M% (Lee & Newcomb 1997). Both, and the Fong test, rank the real
    categories A, O, M, I, R (Q cannot be a class); shares are of every answer, Q included.
    ``label`` is the category, or "category/runner-up" (e.g. ``A/O``) when the Fong test is not
    significant or the category strength is below 6%.

    References
    ----------
    Lee, M. C. & Newcomb, J. F. (1997). Applying the Kano methodology to meet customer
    requirements: NASA's microgravity science program. *Quality Management Journal* 4(3).
    """
    counts = np.atleast_2d(np.asarray(counts, dtype=np.int64))
    n = counts.sum(axis=1)
    shares = counts / np.where(n > 0, n, np.nan)[:, None]
    ordered = -np.sort(-counts[:, _REAL], axis=1)
    strength = (ordered[:, 0] - ordered[:, 1]) / np.where(n > 0, n, np.nan)
    significant = fong_significant(ordered[:, 0], ordered[:, 1], n)
    chosen = choose_category(counts, rule)
    better, worse = better_worse(counts)
    frame = pd.DataFrame(counts, columns=list(CATEGORIES))
    frame.insert(0, "n", n)
    frame[[f"share_{c}" for c in CATEGORIES]] = shares
    frame["category"] = _letters(chosen)
    frame["label"] = _labels(counts, chosen, significant & (strength >= MIXED_STRENGTH))
    frame["strength"] = strength
    frame["total_strength"] = shares[:, :3].sum(axis=1)
    frame["significant"] = significant
    frame["better"] = better
    frame["worse"] = worse
    return frame


def _letters(indices: np.ndarray) -> np.ndarray:
    return np.array([*CATEGORIES, ""], dtype=object)[indices]


def _labels(counts: np.ndarray, chosen: np.ndarray, clear: np.ndarray) -> np.ndarray:
    """The category, or ``category/runner-up`` where the category is not clearly ahead.

    The runner-up is the largest other real category (ties M, O, A, I, R), never Q.
    """
    others = np.where(np.arange(len(CATEGORIES)) == chosen[:, None], 0, counts)[:, _MODE_ORDER]
    runner_up = _MODE_ORDER[np.argmax(others, axis=1)]
    letters = _letters(chosen)
    mixed = letters + "/" + _letters(runner_up)
    return np.where(clear | (others.max(axis=1) == 0), letters, mixed)


def action_order(frame: pd.DataFrame) -> np.ndarray:
    """Rank (1 = act first) of each attribute for action.

    Must-be attributes first (by |Worse|: a missing must-be is the costliest gap), then
    one-dimensional by |Worse|, then attractive by Better, then the rest by Better.
    """
    group = frame["category"].map({"M": 0, "O": 1, "A": 2}).fillna(3).to_numpy()
    by_worse = group <= 1
    key = np.where(by_worse, -frame["worse"].abs().fillna(0), -frame["better"].fillna(0))
    order = np.lexsort((key, group))
    ranks = np.empty(len(frame), dtype=int)
    ranks[order] = np.arange(1, len(frame) + 1)
    return ranks


def classify(
    functional: np.ndarray,
    dysfunctional: np.ndarray,
    attributes: Sequence[str],
    importance: np.ndarray | None = None,
    table: str = "standard",
    rule: str = "mode",
) -> pd.DataFrame:
    """The full Kano table: one row per attribute.

    Parameters
    ----------
    functional, dysfunctional : numpy.ndarray, shape (n, k)
        Answer codes 0..5 (0 blank).
    attributes : sequence of str
        Names of the k attributes.
    importance : numpy.ndarray, shape (n, k), optional
        Self-stated importance (e.g. 1–9, Berger et al. 1993 §IIb), NaN for blanks.
    table, rule : str
        See :func:`evaluate` and :func:`choose_category`.

    Returns
    -------
    pandas.DataFrame
        ``attribute``, :func:`summarize_counts` columns, :func:`continuous_scores` columns,
        ``importance`` (mean) and ``action_rank``.
    """
    pairs = answer_pairs(functional, dysfunctional)
    frame = summarize_counts(count_categories(pairs, table), rule)
    frame.insert(0, "attribute", list(attributes))
    frame = pd.concat([frame, continuous_scores(pairs)], axis=1)
    frame["importance"] = (
        np.full(len(frame), np.nan) if importance is None else column_means(importance)
    )
    frame["action_rank"] = action_order(frame)
    return frame


def segment_test(counts_by_segment: np.ndarray) -> tuple[float, int, float, float]:
    """Chi-square test of independence of segment and category.

    Parameters
    ----------
    counts_by_segment : numpy.ndarray, shape (segments, 6)
        Category counts of one attribute in each segment.

    Returns
    -------
    (statistic, dof, p_value, min_expected)
        Pearson's chi-square without continuity correction, over the segments and categories
        that occur, and the smallest expected count (the p-value is approximate below 5);
        NaN when fewer than two of either remain.

    References
    ----------
    Pearson, K. (1900); as in ``scipy.stats.chi2_contingency``. Comparing Kano category mixes
    between groups: methods.md §5.
    """
    table = np.asarray(counts_by_segment)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return float("nan"), 0, float("nan"), float("nan")
    result = stats.chi2_contingency(table, correction=False)
    return (
        float(result.statistic),
        int(result.dof),
        float(result.pvalue),
        float(result.expected_freq.min()),
    )
