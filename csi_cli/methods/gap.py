"""Expectation gaps (SERVQUAL), zones of tolerance and gap differences between segments.

The core works on float arrays (respondents × items, NaN for a missing answer). One pass over
blocks of respondents computes every item's paired differences, masks and sums once, and the
per-respondent sums of the dimensions and the overall gap from the same masked blocks.
Integer-valued gaps (ratings) are summarized by counting their distinct values, which gives
the moments, the disconfirmation shares and exact Wilcoxon ranks without sorting; other data
fall back to sorting. :mod:`csi_cli.analyses.gap` wires it to a survey.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from csi_cli.methods.gap_distribution import (
    DELIGHT_RATIO,
    PairCounts,
    Spread,
    spread_from_values,
)
from csi_cli.methods.multitest import Adjustment, adjust_pvalues

if TYPE_CHECKING:
    pass

CONFIDENCE = 0.95
#: Respondents per block of the pass over the items: a block's temporaries stay in the cache.
BLOCK_RESPONDENTS = 16_384

# --- paired statistics of items --------------------------------------------------------------


@dataclass(frozen=True)
class _Summary:
    """Sufficient statistics of one level's columns: sums of the levels and the gaps' spread."""

    sum_e: np.ndarray  # Σ E over answered pairs
    sum_p: np.ndarray  # Σ P over answered pairs
    delighted: np.ndarray  # count of P ≥ 1.2·E
    spread: Spread


def _frame(summary: _Summary, names: Sequence[str], label: str) -> pd.DataFrame:
    """The table of :func:`paired_gaps` from a level's sufficient statistics."""
    s = summary.spread
    n = s.n
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = s.total / n
        sd = np.sqrt(s.squares / (n - 1))
        se = sd / np.sqrt(n)
        t = gap / se
        half_width = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * se
        return pd.DataFrame(
            {
                label: list(names),
                "n": n,
                "expectation": summary.sum_e / n,
                "perception": summary.sum_p / n,
                "gap": gap,
                "sd": sd,
                "ci_low": gap - half_width,
                "ci_high": gap + half_width,
                "t": t,
                "p_value": 2 * stats.t.sf(np.abs(t), n - 1),
                "p_wilcoxon": s.p_wilcoxon,
                "d_z": gap / sd,
                "share_below": s.below / n,
                "share_meeting": (n - s.below - s.exceeding) / n,
                "share_exceeding": s.exceeding / n,
                "share_exceeding_20": summary.delighted / n,
            }
        )


def paired_gaps(
    expectation: np.ndarray, perception: np.ndarray, names: Sequence[str], label: str = "item"
) -> pd.DataFrame:
    """Paired statistics of the gap G = P − E for every column at once.

    Parameters
    ----------
    expectation, perception : ndarray, shape (n, k)
        Ratings of n respondents on k items (NaN where not answered). Each item uses the
        respondents who answered both.
    names : sequence of str
        The k item names.
    label : str
        Name of the column holding ``names``.

    Returns
    -------
    DataFrame
        One row per item: ``n``, means of ``expectation``, ``perception`` and ``gap``, ``sd`` of
        G, 95% ``ci_low``/``ci_high`` (paired t), ``t``, ``p_value`` (paired t test),
        ``p_wilcoxon`` (Wilcoxon signed-rank), ``d_z`` (effect size), and the shares of
        respondents ``share_below`` (G < 0), ``share_meeting`` (G = 0), ``share_exceeding``
        (G > 0) and ``share_exceeding_20`` (P ≥ 1.2·E, exceeding expectation by 20% or more).

    Notes
    -----
    Ḡ = Σ G_r / n, s = sqrt(Σ (G_r − Ḡ)² / (n − 1)), t = Ḡ / (s/√n) on n − 1 degrees of freedom,
    CI = Ḡ ± t_{0.975, n−1} s/√n, d_z = Ḡ / s (Cohen 1988). The disconfirmation shares follow
    Oliver (1980): below expectation dissatisfies, meeting it satisfies, exceeding it delights.
    "Exceeding by 20%" is the rule of thumb of methods.md §6, read as a ratio P ≥ 1.2·E.
    Integer-valued gaps are summarized from the counts of their distinct values (exact sums,
    centred squares Σ c_v (v − Ḡ)², Wilcoxon ranks); see :func:`signed_rank_pvalues`.

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *J. Retailing* 64(1).
    Oliver, R. L. (1980). A cognitive model of the antecedents and consequences of satisfaction
    decisions. *J. Marketing Research* 17(4), 460–469.
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.
    """
    return _frame(_item_pass(expectation, perception).items, names, label)


@dataclass(frozen=True)
class _ItemPass:
    """What one pass over the items gives: the summaries of the items and of each level of
    groups, and the groups' sums per respondent."""

    items: _Summary
    levels: list[_Summary]
    #: Per group (rows, level after level) and respondent (columns): Σ w E, Σ w (P − E) and
    #: Σ w over the items answered; w = 1, or stated importance in the importance-weighted row.
    sum_e: np.ndarray
    sum_g: np.ndarray
    weight: np.ndarray


def _item_pass(
    expectation: np.ndarray,
    perception: np.ndarray,
    levels: Sequence[Sequence[np.ndarray]] = (),
    importance: np.ndarray | None = None,
) -> _ItemPass:
    """One pass over blocks of respondents for every item and every group of items.

    ``levels`` lists levels (dimensions, overall), each a list of groups given as item
    positions; ``importance`` (n × k) adds an importance-weighted group of all items to the
    last level. Per block, G = P − E is computed once; E and G with 0 where a pair is
    incomplete give the items' sums and the counts of G's distinct values (integer data; see
    :class:`PairCounts`); added row by row they give each group's sums per respondent, whose
    ratios (the respondent's mean E, P and G over the group's answered items) are summarized
    in the same block, while in the cache.
    """
    # Items × respondents views: contiguous rows when the caller passes F-ordered arrays (as
    # survey_inputs does), so every reduction runs along memory.
    e = np.asarray(expectation, dtype=float).T
    p = np.asarray(perception, dtype=float).T
    w_all = None if importance is None else np.asarray(importance, dtype=float).T
    k, n = e.shape
    groups = [g for level in levels for g in level]
    plans = _group_plans(groups)
    bounds = np.cumsum([0, *(len(level) for level in levels)])
    rows = [slice(a, b) for a, b in itertools.pairwise(bounds)]
    if importance is not None and rows:
        rows[-1] = slice(rows[-1].start, rows[-1].stop + 1)
    sum_e, sum_g, weight = (np.zeros((len(groups) + (importance is not None), n)) for _ in "egw")
    items = _Accumulator(k)
    level_sums = [_Accumulator(r.stop - r.start) for r in rows]
    for start in range(0, n, BLOCK_RESPONDENTS):
        block = slice(start, min(start + BLOCK_RESPONDENTS, n))
        e_b, p_b = e[:, block], p[:, block]
        g = p_b - e_b
        answered = g == g  # False where either rating is NaN
        e0 = np.where(answered, e_b, 0.0)
        g0 = np.where(answered, g, 0.0)
        items.sum_e += e0.sum(axis=1)
        items.delighted += np.count_nonzero(p_b >= DELIGHT_RATIO * e_b, axis=1)
        items.counts.add(g0, unanswered=g0.shape[1] - np.count_nonzero(answered, axis=1))
        for j, (from_items, sources) in enumerate(plans):
            source = (
                (e0, g0, answered) if from_items else (x[:, block] for x in (sum_e, sum_g, weight))
            )
            for out, x in zip((sum_e, sum_g, weight), source, strict=True):
                _add_rows(out[j, block], x, sources)
        if w_all is not None:
            w = w_all[:, block]
            w = np.where(answered & (w > 0), w, 0.0)  # NaN > 0 is False
            sum_e[-1, block] = np.einsum("ij,ij->j", w, e0)
            sum_g[-1, block] = np.einsum("ij,ij->j", w, g0)
            weight[-1, block] = w.sum(axis=0)
        for level, r in zip(level_sums, rows, strict=True):
            level.add_ratios(sum_e[r, block], sum_g[r, block], weight[r, block])
    summaries = [items.summary(lambda: spread_from_values(p - e))]
    for level, r in zip(level_sums, rows, strict=True):
        summaries.append(level.summary(lambda r=r: spread_from_values(_ratio(sum_g[r], weight[r]))))
    return _ItemPass(summaries[0], summaries[1:], sum_e, sum_g, weight)


class _Accumulator:
    """Running sums of a level's columns over blocks of respondents (see :func:`_item_pass`)."""

    def __init__(self, columns: int) -> None:
        self.sum_e = np.zeros(columns)
        self.sum_p: np.ndarray | None = None  # groups only (add_ratios); items: Σ E + Σ G
        self.delighted = np.zeros(columns, dtype=np.int64)
        self.counts = PairCounts(columns)

    def add_ratios(self, sum_e: np.ndarray, sum_g: np.ndarray, weight: np.ndarray) -> None:
        """Add a block of per-respondent group sums: means Ē = Σ E / w, P̄ = (Σ E + Σ G) / w."""
        has = weight > 0
        mean_e = np.divide(sum_e, weight, out=np.zeros(has.shape), where=has)
        mean_p = np.divide(sum_e + sum_g, weight, out=np.zeros(has.shape), where=has)
        self.sum_e += mean_e.sum(axis=1)
        self.sum_p = mean_p.sum(axis=1) + (0.0 if self.sum_p is None else self.sum_p)
        self.delighted += np.count_nonzero((mean_p >= DELIGHT_RATIO * mean_e) & has, axis=1)
        self.counts.add(sum_g, weight)

    def summary(self, fallback: Callable[[], Spread]) -> _Summary:
        """The level's summary; ``fallback`` gives the spread when the gaps were not countable."""
        spread = self.counts.spread() if self.counts.countable else fallback()
        sum_p = self.sum_e + spread.total if self.sum_p is None else self.sum_p
        return _Summary(self.sum_e, sum_p, self.delighted, spread)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator where the denominator is positive, else NaN."""
    has = denominator > 0
    return np.divide(numerator, denominator, out=np.full(has.shape, np.nan), where=has)


def _group_plans(groups: Sequence[np.ndarray]) -> list[tuple[bool, np.ndarray]]:
    """How to sum each group per respondent: (True, item positions) or, when the group is the
    disjoint union of earlier groups (overall = Σ dimensions), (False, those groups' rows)."""
    plans = []
    for j, group in enumerate(groups):
        members, parts, covered = set(group.tolist()), [], set()
        for i in range(j):
            earlier = set(groups[i].tolist())
            if earlier <= members and not earlier & covered:
                parts.append(i)
                covered |= earlier
        if covered == members and len(parts) < len(members):
            plans.append((False, np.array(parts)))
        else:
            plans.append((True, group))
    return plans


def _add_rows(out: np.ndarray, x: np.ndarray, rows: np.ndarray) -> None:
    """out += Σ x[rows] (rows of a block), in place. Row by row: faster and steadier here than
    a blocked matmul by the membership matrix, which pays BLAS threading per block."""
    for i in rows:
        np.add(out, x[i], out=out)


def respondent_means(
    levels: Sequence[np.ndarray], weights: np.ndarray, membership: np.ndarray
) -> list[np.ndarray]:
    """Each respondent's weighted mean of item levels within each group of items.

    Parameters
    ----------
    levels : sequence of ndarray, each shape (n, k)
        Item ratings (NaN where missing), e.g. expectation and perception.
    weights : ndarray, shape (n, k)
        Per respondent and item weight; 0 (or NaN) leaves the item out for that respondent.
    membership : ndarray, shape (k, g)
        1 where item i belongs to group j, else 0 (see :func:`membership_matrix`).

    Returns
    -------
    list of ndarray, each shape (n, g)
        x̄_rj = Σ_i w_ri m_ij x_ri / Σ_i w_ri m_ij for each of ``levels``; NaN where the
        denominator is 0.

    Notes
    -----
    With weights 1 where a respondent answered both expectation and perception, this is the
    SERVQUAL dimension score: the mean of the dimension's items per respondent
    (Parasuraman, Zeithaml & Berry 1988), so that the dimension gap P̄_rj − Ē_rj is the mean of
    the item gaps. With stated importance as weights it is the importance-weighted score
    (Parasuraman, Zeithaml & Berry 1991, *J. Retailing* 67(4)). :func:`gap_levels` computes
    the same sums in its single pass over the items.
    """
    w = np.asarray(weights, dtype=float).T  # items × respondents (see paired_gaps)
    used = w > 0  # False for 0 and NaN
    groups = np.asarray(membership, dtype=float).T
    with np.errstate(invalid="ignore", divide="ignore"):
        total_weight = groups @ np.where(used, w, 0.0)
        means = [groups @ _masked_product(np.asarray(x, dtype=float).T, w, used) / total_weight
                 for x in levels]  # fmt: skip
    return [np.where(np.isfinite(m), m, np.nan).T for m in means]


def _masked_product(x: np.ndarray, w: np.ndarray, used: np.ndarray) -> np.ndarray:
    """x · w where ``used``, else 0 (one allocation: NaN · 0 would stay NaN)."""
    product = x * w
    np.copyto(product, 0.0, where=~used)
    return product


def membership_matrix(items: Sequence[str], groups: Mapping[str, Sequence[str]]) -> np.ndarray:
    """0/1 matrix (items × groups): which item belongs to which group (dimension)."""
    position = {item: i for i, item in enumerate(items)}
    matrix = np.zeros((len(items), len(groups)))
    for j, members in enumerate(groups.values()):
        matrix[[position[m] for m in members], j] = 1.0
    return matrix


def tolerance_zones(
    adequate: np.ndarray, desired: np.ndarray, perception: np.ndarray, names: Sequence[str]
) -> pd.DataFrame:
    """Zones of tolerance: measures of service adequacy (MSA) and superiority (MSS) per item.

    Parameters
    ----------
    adequate, desired, perception : ndarray, shape (n, k)
        Minimum adequate (A), desired (D) and perceived (P) service levels; each item uses the
        respondents who answered all three.
    names : sequence of str
        The k item names.

    Returns
    -------
    DataFrame
        Per item: ``n``, means of ``adequate``, ``desired``, ``perception``; ``msa`` = mean of
        P − A and ``mss`` = mean of P − D with paired-t 95% CIs; the shares of respondents
        below the zone (P < A), within it, and above it (P > D, and not below); and
        ``position`` of the mean perception: "below" (P̄ < Ā), "above" (P̄ > D̄) or "within".

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1994). Alternating scales for measuring
    service quality: a comparative assessment based on psychometric and diagnostic criteria.
    *J. Retailing* 70(3), 201–230.
    """
    a, d, p = (np.asarray(x, dtype=float) for x in (adequate, desired, perception))
    complete = ~(np.isnan(a) | np.isnan(d) | np.isnan(p))
    a, d, p = (np.where(complete, x, np.nan) for x in (a, d, p))
    msa = paired_gaps(a, p, names)
    mss = paired_gaps(d, p, names)
    n = msa["n"].to_numpy()
    below = p < a
    above = (p > d) & ~below
    with np.errstate(invalid="ignore", divide="ignore"):
        share_below = np.count_nonzero(below, axis=0) / n
        share_above = np.count_nonzero(above, axis=0) / n
    frame = pd.DataFrame(
        {
            "item": list(names),
            "n": n,
            "adequate": msa["expectation"],
            "desired": mss["expectation"],
            "perception": msa["perception"],
            "msa": msa["gap"],
            "msa_ci_low": msa["ci_low"],
            "msa_ci_high": msa["ci_high"],
            "mss": mss["gap"],
            "mss_ci_low": mss["ci_low"],
            "mss_ci_high": mss["ci_high"],
            "share_below_zone": share_below,
            "share_within_zone": 1 - share_below - share_above,
            "share_above_zone": share_above,
        }
    )
    frame["position"] = np.select(
        [frame["msa"] < 0, frame["mss"] > 0], ["below", "above"], default="within"
    )
    return frame


def segment_tests(
    gaps: np.ndarray, segments: np.ndarray, names: Sequence[str], adjust: Adjustment = "holm"
) -> pd.DataFrame:
    """Do gaps differ between segments? Welch's t for two segments, Kruskal–Wallis for more.

    Parameters
    ----------
    gaps : ndarray, shape (n, k)
        Per-respondent gaps (items, dimensions or the overall gap; NaN where missing).
    segments : ndarray, shape (n,)
        Segment label of each respondent (respondents with a missing label are left out).
    names : sequence of str
        The k names of the gap columns.
    adjust : {"holm", "bh"}
        Adjustment of the k p-values.

    Returns
    -------
    DataFrame
        Per gap column: ``test``, ``statistic`` (t or H), ``p_value``, ``p_adj``.

    Notes
    -----
    Welch: t = (Ḡ₁ − Ḡ₂) / sqrt(s₁²/n₁ + s₂²/n₂) on Welch–Satterthwaite degrees of freedom
    (Welch 1947). Kruskal–Wallis H on the ranks of the pooled gaps, tie-corrected, χ² on
    (segments − 1) degrees of freedom (Kruskal & Wallis 1952). Both via ``scipy.stats``.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem. *Biometrika* 34(1–2).
    Kruskal, W. H., & Wallis, W. A. (1952). Use of ranks in one-criterion variance analysis.
    *JASA* 47(260), 583–621.
    """
    labels = pd.Series(segments)
    keep = labels.notna().to_numpy()
    codes, _ = pd.factorize(labels[keep])
    values = np.asarray(gaps, dtype=float)[keep]
    two = codes.max(initial=-1) == 1
    rows = [_segment_test(values[:, j], codes, two) for j in range(values.shape[1])]
    frame = pd.DataFrame(rows, columns=["test", "statistic", "p_value"])
    frame.insert(0, "name", list(names))
    frame["p_adj"] = adjust_pvalues(frame["p_value"].to_numpy(), adjust)
    return frame


def _segment_test(gap: np.ndarray, codes: np.ndarray, two: bool) -> tuple[str, float, float]:
    answered = ~np.isnan(gap)
    groups = [gap[answered & (codes == c)] for c in range(codes.max(initial=-1) + 1)]
    groups = [g for g in groups if g.size > 0]
    if two:
        if min(g.size for g in groups) < 2 or len(groups) < 2:
            return "welch", np.nan, np.nan
        result = stats.ttest_ind(*groups, equal_var=False)
        return "welch", float(result.statistic), float(result.pvalue)
    if len(groups) < 2 or np.ptp(np.concatenate(groups)) == 0:
        return "kruskal", np.nan, np.nan
    result = stats.kruskal(*groups)
    return "kruskal", float(result.statistic), float(result.pvalue)


def with_adjusted(frame: pd.DataFrame, adjust: Adjustment) -> pd.DataFrame:
    """Add ``p_adj`` (paired t) and ``p_wilcoxon_adj`` adjusted across the rows of ``frame``."""
    return frame.assign(
        p_adj=adjust_pvalues(frame["p_value"].to_numpy(), adjust),
        p_wilcoxon_adj=adjust_pvalues(frame["p_wilcoxon"].to_numpy(), adjust),
    )


@dataclass(frozen=True)
class GapInputs:
    """The arrays of one gap analysis (n respondents × k items, NaN where not answered).

    ``importance`` holds stated importance (NaN for items without an ``_I`` column), or is None.
    """

    items: tuple[str, ...]
    expectation: np.ndarray
    perception: np.ndarray
    dimensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    importance: np.ndarray | None = None

    def subset(self, keep: np.ndarray) -> GapInputs:
        """The same inputs for the respondents selected by a boolean mask."""
        importance = None if self.importance is None else self.importance[keep]
        return replace(
            self,
            expectation=self.expectation[keep],
            perception=self.perception[keep],
            importance=importance,
        )


@dataclass(frozen=True)
class GapLevel:
    """Per-respondent expectation and perception at one level: items, dimensions or overall.

    For dimensions and the overall gap, ``gap_sum`` and ``weight`` (n × g) are Σ w (P − E)
    and Σ w over the items a respondent answered (w = 1, or stated importance): the gap is
    their ratio, and integer sums let :func:`gap_tables` count instead of sort.
    """

    label: str
    names: tuple[str, ...]
    expectation: np.ndarray
    perception: np.ndarray
    gap_sum: np.ndarray | None = None
    weight: np.ndarray | None = None

    @property
    def gaps(self) -> np.ndarray:
        """Each respondent's gap P − E (n × g, NaN where the respondent has none)."""
        if self.gap_sum is None or self.weight is None:
            return self.perception - self.expectation
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.weight > 0, self.gap_sum / self.weight, np.nan)


def gap_levels(inputs: GapInputs) -> list[GapLevel]:
    """Items; dimensions (mean of their items per respondent); the overall gap.

    The overall gap is the mean of all items per respondent ("unweighted") and, with stated
    importance, the importance-weighted mean Σ I_i G_i / Σ I_i over the items the respondent
    answered with an importance ("importance-weighted"); see :func:`respondent_means`.
    """
    return _levels(inputs, _item_pass_of(inputs))


def _item_pass_of(inputs: GapInputs) -> _ItemPass:
    """The single pass over the items (:func:`_item_pass`) with the levels of
    :func:`_level_names`."""
    position = {item: i for i, item in enumerate(inputs.items)}
    dimensions = [np.array([position[m] for m in ms]) for ms in inputs.dimensions.values()]
    overall = [np.arange(len(inputs.items))]
    levels = [dimensions, overall] if dimensions else [overall]
    return _item_pass(inputs.expectation, inputs.perception, levels, inputs.importance)


def _level_names(inputs: GapInputs) -> list[tuple[str, tuple[str, ...]]]:
    """The group levels of :func:`gap_levels` (label, column names): dimensions, overall."""
    overall = (
        ("unweighted",) if inputs.importance is None else ("unweighted", "importance-weighted")
    )
    dimensions = [("dimension", tuple(inputs.dimensions))] if inputs.dimensions else []
    return [*dimensions, ("overall", overall)]


def _levels(inputs: GapInputs, scan: _ItemPass) -> list[GapLevel]:
    """Items, dimensions and overall from the group sums of the pass over the items."""
    mean_e = _ratio(scan.sum_e, scan.weight)
    mean_p = _ratio(scan.sum_e + scan.sum_g, scan.weight)
    levels = [GapLevel("item", inputs.items, inputs.expectation, inputs.perception)]
    start = 0
    for label, names in _level_names(inputs):
        rows = slice(start, start + len(names))
        start = rows.stop
        # Respondents × groups views of groups × respondents arrays (see paired_gaps).
        levels.append(
            GapLevel(label, names, mean_e[rows].T, mean_p[rows].T,
                     scan.sum_g[rows].T, scan.weight[rows].T)
        )  # fmt: skip
    return levels


def gap_tables(inputs: GapInputs, adjust: Adjustment = "holm") -> dict[str, pd.DataFrame]:
    """The paired statistics of every level (see :func:`paired_gaps`), keyed by level.

    Item and dimension p-values (paired t and Wilcoxon) are adjusted within their level
    (``p_adj``, ``p_wilcoxon_adj``); the overall level (``measure`` column) is not a family and
    is not adjusted. Items carry the ``dimension`` they belong to. One pass over the items
    (:func:`_item_pass`) gives the item statistics and the dimension and overall sums per
    respondent.
    """
    scan = _item_pass_of(inputs)
    tables = {"item": _frame(scan.items, inputs.items, "item")}
    for (label, names), summary in zip(_level_names(inputs), scan.levels, strict=True):
        tables[label] = _frame(summary, names, label)
    tables["overall"] = tables["overall"].rename(columns={"overall": "measure"})
    for family in ("item", "dimension"):
        if family in tables:
            tables[family] = with_adjusted(tables[family], adjust)
    dimension_of = {item: dim for dim, members in inputs.dimensions.items() for item in members}
    tables["item"].insert(1, "dimension", [dimension_of.get(i) for i in inputs.items])
    return tables
