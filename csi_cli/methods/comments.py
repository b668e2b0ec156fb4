"""What low scorers write about: distinguishing terms, themes, their impact, verbatims.

Pure numerics over comments already read from a survey: texts, which respondents are in the
low and the high group of the contrast, and their satisfaction and recommendation scores. The
text handling (masking, segmentation, counting) is in :mod:`csi_cli.methods.text`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import sparse, stats
from statsmodels.stats.proportion import proportion_confint

from csi_cli.methods.multitest import Adjustment, adjust_pvalues
from csi_cli.methods.nps import nps_difference, nps_summary
from csi_cli.methods.text import (
    Corpus,
    Vocabulary,
    default_stopwords,
    document_terms,
    make_segmenter,
    mask_corpus,
    tokenize,
    with_bigrams,
)
from csi_cli.methods.twosample import welch_differences

CONFIDENCE = 0.95
#: A term must occur this often in both groups together to be compared.
MIN_TERM_COUNT = 3
#: Terms listed per group.
TOP_TERMS = 15
#: Comments shown per theme and per top term.
VERBATIMS_PER_TOPIC = 3
#: Top terms of each group that get verbatims.
VERBATIM_TERMS = 5
#: A verbatim must have at least this many terms (after stopwords) to be informative.
MIN_VERBATIM_TERMS = 3

#: Starter themes for service surveys in Chinese and English (spec ``[comments.themes]``
#: replaces them). Chinese keywords match anywhere in a comment, English ones as whole words
#: (plural -s/-es included).
DEFAULT_THEMES: dict[str, tuple[str, ...]] = {
    "delivery/配送": ("配送", "快递", "物流", "送货", "发货", "到货", "慢", "delivery",
                      "shipping", "courier", "late", "slow"),
    "service/客服": ("客服", "售后", "态度", "回复", "不理", "customer service", "support",
                     "rude", "unhelpful", "helpful"),
    "price/价格": ("价格", "便宜", "贵", "优惠", "性价比", "实惠", "price", "expensive",
                   "cheap", "cost", "discount", "value"),
    "quality/质量": ("质量", "品质", "做工", "正品", "quality", "defect", "defective",
                     "broken", "durable"),
    "staff/员工": ("员工", "店员", "服务员", "工作人员", "快递员", "staff", "employee",
                   "cashier", "waiter", "driver"),
    "waiting/等待": ("等待", "排队", "等太久", "wait", "waiting", "queue", "hours"),
    "app/website/网站": ("app", "网站", "页面", "网页", "卡顿", "闪退", "登录", "website",
                         "site", "page", "login", "crash"),
    "refund/退款": ("退款", "退货", "换货", "refund", "return", "money back"),
    "packaging/包装": ("包装", "破损", "packaging", "package", "box", "damaged"),
}  # fmt: skip


@dataclass(frozen=True)
class Contrast:
    """The two groups compared: labels and a boolean row mask for each."""

    low_label: str
    high_label: str
    low: np.ndarray
    high: np.ndarray


def informative_prior(pooled: np.ndarray, scale: float | None = None) -> np.ndarray:
    """Dirichlet prior α_i = α₀ · y_i / n from pooled counts (default α₀ = n, i.e. α_i = y_i).

    Monroe et al. (2008, §3.5.3) shrink towards the term's frequency in a larger corpus; with
    no outside corpus, the comments of both groups are that corpus.
    """
    total = float(pooled.sum())
    return pooled * ((total if scale is None else scale) / total) if total else pooled * 0.0


def log_odds(
    counts_a: np.ndarray, counts_b: np.ndarray, prior: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted log-odds ratio of every term, group a against group b, and its z-score.

    Parameters
    ----------
    counts_a, counts_b : ndarray
        y_iᵃ, y_iᵇ: how often term i occurs in each group's comments.
    prior : ndarray
        α_i > 0, the informative Dirichlet prior (:func:`informative_prior`); α₀ = Σ α_i.

    Returns
    -------
    delta, z : ndarray
        δ̂_i (positive: typical of group a) and z_i = δ̂_i / σ_i.

    Notes
    -----
    With nᵃ, nᵇ the groups' total term counts (Monroe, Colaresi & Quinn 2008, eq. 16 and 20):

        δ̂_i = log((y_iᵃ + α_i) / (nᵃ + α₀ − y_iᵃ − α_i))
              − log((y_iᵇ + α_i) / (nᵇ + α₀ − y_iᵇ − α_i))
        σ²(δ̂_i) ≈ 1 / (y_iᵃ + α_i) + 1 / (y_iᵇ + α_i)

    References
    ----------
    Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' words: Lexical feature
    selection and evaluation for identifying the content of political conflict. *Political
    Analysis* 16(4), 372–403.
    """
    a = np.asarray(counts_a, dtype=float) + prior
    b = np.asarray(counts_b, dtype=float) + prior
    alpha_0 = prior.sum()
    total_a, total_b = counts_a.sum() + alpha_0, counts_b.sum() + alpha_0
    delta = np.log(a / (total_a - a)) - np.log(b / (total_b - b))
    return delta, delta / np.sqrt(1 / a + 1 / b)


def distinguishing_terms(
    vocabulary: Vocabulary,
    contrast: Contrast,
    *,
    min_count: int = MIN_TERM_COUNT,
    top: int = TOP_TERMS,
) -> pd.DataFrame:
    """The terms that most distinguish each group from the other, by log-odds z-score.

    Returns
    -------
    DataFrame
        One row per listed term: ``term``, ``group`` (the group it is typical of),
        ``log_odds`` and ``z`` (positive: more typical of ``group``), ``count`` (occurrences
        in ``group``), ``share`` (share of ``group``'s commenters who used it),
        ``count_other``, ``share_other`` (the other group). Sorted by group (low first), z.
    """
    counts = vocabulary.counts
    in_a, in_b = counts[contrast.low], counts[contrast.high]
    y_a, y_b = _column_sums(in_a).astype(np.int64), _column_sums(in_b).astype(np.int64)
    kept = ((y_a + y_b) >= min_count) & ~redundant_phrases(vocabulary.terms, y_a + y_b)
    delta, z = log_odds(y_a[kept], y_b[kept], informative_prior((y_a + y_b)[kept]))
    users_a = _column_sums(in_a > 0)[kept] / max(in_a.shape[0], 1)
    users_b = _column_sums(in_b > 0)[kept] / max(in_b.shape[0], 1)
    table = pd.DataFrame({"term": vocabulary.terms[kept], "delta": delta, "z_ab": z})
    low = table.assign(group=contrast.low_label, log_odds=delta, z=z, count=y_a[kept],
                       share=users_a, count_other=y_b[kept], share_other=users_b)  # fmt: skip
    high = table.assign(group=contrast.high_label, log_odds=-delta, z=-z, count=y_b[kept],
                        share=users_b, count_other=y_a[kept], share_other=users_a)  # fmt: skip
    parts = [part[part["z"] > 0].nlargest(top, "z") for part in (low, high)]
    columns = ["term", "group", "log_odds", "z", "count", "share", "count_other", "share_other"]
    return pd.concat(parts, ignore_index=True)[columns]


def redundant_phrases(terms: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Two-word phrases that say no more than one of their words: as frequent as that word.

    "客服 踢皮球" is dropped when 踢皮球 never occurs without 客服 before it.
    """
    frequency = pd.Series(counts, index=terms)
    words = pd.Series(terms).str.split(" ", n=1, expand=True).reindex(columns=[0, 1])
    phrase = words[1].notna().to_numpy()
    rarer = np.fmin(frequency.reindex(words[0]).to_numpy(), frequency.reindex(words[1]).to_numpy())
    return phrase & (counts >= rarer)


def _column_sums(matrix: sparse.csr_matrix) -> np.ndarray:
    return np.asarray(matrix.sum(axis=0), dtype=float).ravel()


def theme_terms(terms: np.ndarray, themes: Mapping[str, Sequence[str]]) -> sparse.csr_matrix:
    """Which terms belong to which theme (terms × themes, 0/1).

    A Chinese keyword belongs to every term or two-word phrase that contains it (太慢 has 慢;
    the phrase 服务 态度 has 服务态度); an English keyword is a whole word or phrase, plural -s
    or -es included (price, prices; not pricey).
    """
    words = pd.Series(terms, dtype=object)
    joined = words.str.replace(" ", "", regex=False)
    columns = []
    for keywords in themes.values():
        chinese = [re.escape(k.lower()) for k in keywords if not k.isascii()]
        english = [re.escape(k.lower()) for k in keywords if k.isascii()]
        member = np.zeros(len(words), dtype=bool)
        if chinese:
            member |= joined.str.contains("|".join(chinese), regex=True).to_numpy(dtype=bool)
        if english:
            whole = rf"(?:^| )(?:{'|'.join(english)})(?:s|es)?(?: |$)"
            member |= words.str.contains(whole, regex=True).to_numpy(dtype=bool)
        columns.append(member)
    matrix = np.column_stack(columns) if columns else np.zeros((len(words), 0), dtype=bool)
    return sparse.csr_matrix(matrix.astype(np.int64))


def theme_mentions(vocabulary: Vocabulary, themes: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Which comment mentions which theme (comments × themes, bool): one sparse product."""
    hits = vocabulary.counts @ theme_terms(vocabulary.terms, themes)
    return pd.DataFrame(hits.toarray() > 0, columns=list(themes))


def wilson_shares(mentions: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Share of commenters mentioning each theme per group, with the Wilson 95% CI.

    Parameters
    ----------
    mentions : DataFrame of bool
        Commenters × themes (:func:`theme_mentions`), commenters only.
    groups : Series
        Group label of each commenter (missing: left out).

    Returns
    -------
    DataFrame
        ``theme``, ``group``, ``n`` (commenters in the group), ``count``, ``share``, ``ci_low``,
        ``ci_high``.

    Notes
    -----
    Wilson (1927) score interval: (p̂ + z²/2n ± z sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n);
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *JASA* 22(158), 209–212.
    """
    grouped = mentions.groupby(groups, sort=False, observed=True)
    counts = grouped.sum().stack().rename("count").rename_axis(["group", "theme"])
    n = grouped.size().rename("n")
    table = counts.reset_index().join(n, on="group")
    table["share"] = table["count"] / table["n"]
    low, high = proportion_confint(table["count"], table["n"], 1 - CONFIDENCE, method="wilson")
    table["ci_low"], table["ci_high"] = np.clip(low, 0, 1), np.clip(high, 0, 1)
    return table[["theme", "group", "n", "count", "share", "ci_low", "ci_high"]]


#: Columns of :func:`~csi_cli.methods.twosample.welch_differences` → theme impact columns.
IMPACT_COLUMNS = {
    "name": "theme",
    "current": "satisfaction_with",
    "previous": "satisfaction_without",
    "difference": "difference",
    "ci_low": "diff_ci_low",
    "ci_high": "diff_ci_high",
    "p_value": "p_value",
}


def theme_impact(
    mentions: pd.DataFrame,
    satisfaction: np.ndarray,
    recommend: np.ndarray | None,
    adjust: Adjustment = "holm",
) -> pd.DataFrame:
    """Mean satisfaction (and NPS) of commenters mentioning each theme against the others.

    Parameters
    ----------
    mentions : DataFrame of bool
        Commenters × themes.
    satisfaction : ndarray
        Each commenter's satisfaction on 0–100 (NaN: not answered).
    recommend : ndarray, optional
        Each commenter's 0–10 recommendation score, for the NPS of both groups.
    adjust : {"holm", "bh"}
        Adjustment of the Welch p-values across themes.

    Returns
    -------
    DataFrame
        ``theme``, ``mentions``, ``satisfaction_with``, ``satisfaction_without``,
        ``difference``, ``diff_ci_low``, ``diff_ci_high``, ``p_value``, ``p_adj``, and when
        ``recommend`` is given ``nps_with``, ``nps_without``, ``nps_difference``,
        ``nps_ci_low``, ``nps_ci_high``.

    Notes
    -----
    The satisfaction difference is Welch's t test with its 95% CI
    (:func:`~csi_cli.methods.twosample.welch_differences`; Welch 1947); the NPS
    difference is that of two independent NPS values (:func:`~csi_cli.methods.nps.
    nps_difference`).
    """
    flags = mentions.to_numpy(dtype=bool)
    with_theme = np.where(flags, satisfaction[:, None], np.nan)
    without = np.where(~flags, satisfaction[:, None], np.nan)
    welch = welch_differences(with_theme, without, list(mentions.columns))
    table = welch.rename(columns=IMPACT_COLUMNS)[list(IMPACT_COLUMNS.values())]
    table.insert(1, "mentions", flags.sum(axis=0))
    table["p_adj"] = adjust_pvalues(table["p_value"].to_numpy(), adjust)
    if recommend is not None:
        table = table.join(_nps_impact(flags, recommend))
    return table


def _nps_impact(flags: np.ndarray, recommend: np.ndarray) -> pd.DataFrame:
    rows = []
    for column in flags.T:
        with_theme, without = nps_summary(recommend[column]), nps_summary(recommend[~column])
        change = nps_difference(with_theme, without)
        rows.append((with_theme.nps, without.nps, change.difference, change.ci_low, change.ci_high))
    return pd.DataFrame(
        rows, columns=["nps_with", "nps_without", "nps_difference", "nps_ci_low", "nps_ci_high"]
    )


def theme_candidates(
    terms: pd.DataFrame, low_label: str, themes: Mapping[str, Sequence[str]], min_z: float = 1.96
) -> list[str]:
    """Terms typical of the low group (z ≥ ``min_z``) that no theme's keywords cover."""
    keywords = [k.lower() for words in themes.values() for k in words]
    low = terms[(terms["group"] == low_label) & (terms["z"] >= min_z)]
    return [t for t in low["term"] if not any(k in t or t in k for k in keywords if k)]


def pick_verbatims(
    texts: pd.Series, rows: np.ndarray, n_terms: np.ndarray, seed: int, k: int = VERBATIMS_PER_TOPIC
) -> list[str]:
    """A few example comments among ``rows``: informative ones, shortest first, seeded choice.

    Parameters
    ----------
    texts : Series of str
        Masked comments (personal data already replaced), one per respondent.
    rows : ndarray of bool
        Which comments may be shown.
    n_terms : ndarray of int
        Number of terms of each comment; those with fewer than :data:`MIN_VERBATIM_TERMS` are
        shown only when nothing else is available.
    seed : int
        Seed of the draw: 3k distinct comments drawn at random, the k shortest shown.
    """
    candidates = texts[rows & (n_terms >= MIN_VERBATIM_TERMS)].drop_duplicates()
    if candidates.empty:
        candidates = texts[rows].dropna().drop_duplicates()
    drawn = candidates.sample(min(len(candidates), 3 * k), random_state=seed)
    return drawn.iloc[np.argsort(drawn.str.len().to_numpy(), kind="stable")][:k].tolist()


@dataclass(frozen=True)
class CommentSettings:
    """What the spec's ``[comments]`` section may change (defaults: none of it)."""

    themes: Mapping[str, Sequence[str]] = field(default_factory=lambda: dict(DEFAULT_THEMES))
    words: tuple[str, ...] = ()
    stopwords: tuple[str, ...] = ()
    order_pattern: str | None = None


@dataclass(frozen=True)
class CommentFindings:
    """Everything :func:`analyse_comments` finds, as frames (rendering is the caller's)."""

    n: int
    n_comments: int
    groups: tuple[str, str]
    terms: pd.DataFrame
    themes: pd.DataFrame
    shares: pd.DataFrame
    candidates: tuple[str, ...]
    verbatims: pd.DataFrame


def analyse_comments(
    texts: pd.Series,
    contrast: Contrast,
    satisfaction: np.ndarray,
    recommend: np.ndarray | None,
    settings: CommentSettings,
    *,
    segments: pd.Series | None = None,
    seed: int = 0,
    adjust: Adjustment = "holm",
) -> CommentFindings:
    """Terms, themes, impact, candidates and masked verbatims of one comment column.

    Parameters
    ----------
    texts : Series of str
        One comment per respondent (missing or blank: no comment).
    contrast : Contrast
        The low and the high group (row masks over all respondents).
    satisfaction : ndarray
        Satisfaction of each respondent on 0–100 (NaN: not answered).
    recommend : ndarray, optional
        0–10 recommendation scores, for the NPS of theme mentioners.
    settings : CommentSettings
        Themes, user words, extra stopwords, order-number pattern.
    segments : Series, optional
        A segment label per respondent (``--by``): theme shares per segment too.
    seed : int
        Seed of the verbatim draw.
    adjust : {"holm", "bh"}
        Adjustment of the theme p-values.

    Notes
    -----
    Personal data is masked first (:func:`~csi_cli.methods.text.mask_personal`): no term,
    theme match or verbatim ever sees it.
    """
    corpus = mask_corpus(Corpus.of(texts), settings.order_pattern)
    masked = corpus.lines()
    commented = (texts.notna() & texts.astype(str).str.strip().ne("")).to_numpy()
    stopwords = default_stopwords() | {w.lower() for w in settings.stopwords}
    tokens = tokenize(corpus, make_segmenter(settings.words), stopwords)
    vocabulary = document_terms(with_bigrams(tokens))
    contrast = replace(contrast, low=contrast.low & commented, high=contrast.high & commented)
    terms = distinguishing_terms(vocabulary, contrast)
    mentions = theme_mentions(vocabulary, settings.themes)[commented].reset_index(drop=True)
    group = pd.Series(np.select([contrast.low, contrast.high],
                                [contrast.low_label, contrast.high_label], None))  # fmt: skip
    shares = _group_shares(
        mentions, group[commented], None if segments is None else segments[commented]
    )
    themes = _theme_table(mentions, satisfaction[commented], recommend, commented, adjust)
    themes = themes.sort_values("share", ascending=False, kind="stable", ignore_index=True)
    n_terms = tokens.counts_per_document()
    verbatim_rows = _verbatim_rows(vocabulary, terms, mentions, contrast, commented)
    verbatims = pd.DataFrame(
        [
            {"theme": theme, "term": term, "text": text}
            for (theme, term), rows in verbatim_rows.items()
            for text in pick_verbatims(masked, rows, n_terms, seed)
        ],
        columns=["theme", "term", "text"],
    )
    return CommentFindings(
        n=len(texts),
        n_comments=int(commented.sum()),
        groups=(contrast.low_label, contrast.high_label),
        terms=terms,
        themes=themes,
        shares=shares,
        candidates=tuple(theme_candidates(terms, contrast.low_label, settings.themes)),
        verbatims=verbatims,
    )


def _group_shares(
    mentions: pd.DataFrame, group: pd.Series, segments: pd.Series | None
) -> pd.DataFrame:
    parts = [wilson_shares(mentions, group.set_axis(mentions.index)).assign(by="group")]
    if segments is not None:
        by_segment = wilson_shares(mentions, segments.set_axis(mentions.index))
        parts.append(by_segment.assign(by=segments.name or "segment"))
    return pd.concat(parts, ignore_index=True)


def _theme_table(
    mentions: pd.DataFrame,
    satisfaction: np.ndarray,
    recommend: np.ndarray | None,
    commented: np.ndarray,
    adjust: Adjustment,
) -> pd.DataFrame:
    overall = wilson_shares(mentions, pd.Series("all", index=mentions.index))
    scores = None if recommend is None else recommend[commented]
    impact = theme_impact(mentions, satisfaction, scores, adjust)
    share = overall.set_index("theme")[["count", "share", "ci_low", "ci_high"]]
    return share.join(impact.set_index("theme")).reset_index()


def _verbatim_rows(
    vocabulary: Vocabulary,
    terms: pd.DataFrame,
    mentions: pd.DataFrame,
    contrast: Contrast,
    commented: np.ndarray,
) -> dict[tuple[str | None, str | None], np.ndarray]:
    """Which comments may illustrate each theme (its low-group mentioners when there are any)
    and each of the top terms of each group (comments of that group using it)."""
    rows: dict[tuple[str | None, str | None], np.ndarray] = {}
    for theme in mentions.columns:
        mentioned = np.zeros(commented.size, dtype=bool)
        mentioned[commented] = mentions[theme].to_numpy()
        if mentioned.any():
            low = mentioned & contrast.low
            rows[(theme, None)] = low if low.any() else mentioned
    column = {term: j for j, term in enumerate(vocabulary.terms)}
    for label, mask in ((contrast.low_label, contrast.low), (contrast.high_label, contrast.high)):
        for term in terms[terms["group"] == label]["term"].head(VERBATIM_TERMS):
            uses = vocabulary.counts[:, column[term]].toarray().ravel() > 0
            rows[(None, term)] = uses & mask
    return rows


def proportion_differences(
    count_1: np.ndarray, n_1: np.ndarray, count_2: np.ndarray, n_2: np.ndarray
) -> pd.DataFrame:
    """Difference of two independent proportions: CI and two-sided z test, element-wise.

    Returns ``current`` (p₁), ``previous`` (p₂), ``difference``, ``std_error``, ``ci_low``,
    ``ci_high``, ``statistic`` (z), ``p_value``; NaN where a group is empty.

    Notes
    -----
    Δ = p₁ − p₂; the 95% CI is Δ ± 1.96 sqrt(p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂) (Wald); the test
    uses the pooled proportion p = (x₁ + x₂)/(n₁ + n₂): z = Δ / sqrt(p(1 − p)(1/n₁ + 1/n₂)),
    p-value 2Φ(−|z|) (Agresti 2013, §3.1; ``statsmodels proportions_ztest``).

    References
    ----------
    Agresti, A. (2013). *Categorical Data Analysis* (3rd ed.). Wiley.
    """
    count_1, n_1, count_2, n_2 = (np.asarray(v, dtype=float) for v in (count_1, n_1, count_2, n_2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_1, p_2 = count_1 / n_1, count_2 / n_2
        pooled = (count_1 + count_2) / (n_1 + n_2)
        se = np.sqrt(p_1 * (1 - p_1) / n_1 + p_2 * (1 - p_2) / n_2)
        z = (p_1 - p_2) / np.sqrt(pooled * (1 - pooled) * (1 / n_1 + 1 / n_2))
    difference, half = p_1 - p_2, stats.norm.ppf(0.5 + CONFIDENCE / 2) * se
    columns = {
        "current": p_1,
        "previous": p_2,
        "difference": difference,
        "std_error": se,
        "ci_low": difference - half,
        "ci_high": difference + half,
        "statistic": z,
        "p_value": 2 * stats.norm.sf(np.abs(z)),
    }
    return pd.DataFrame(columns)
