"""Comments: tokenizing, Fightin' Words log-odds, themes, impact, masking, the sample's truth.

Expected values come from the formulas written out here (Monroe, Colaresi & Quinn 2008 eq. 16
and 20; Wilson 1927), from scipy, from hand counts of small corpora written in the tests, and
from the designed truth of ``sample_data/make_sample.py``.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from csi_cli.methods.comments import (
    DEFAULT_THEMES,
    CommentSettings,
    Contrast,
    analyse_comments,
    distinguishing_terms,
    informative_prior,
    log_odds,
    pick_verbatims,
    proportion_differences,
    theme_candidates,
    theme_impact,
    theme_mentions,
    wilson_shares,
)
from csi_cli.methods.text import (
    Corpus,
    Tokens,
    Vocabulary,
    default_stopwords,
    document_terms,
    make_segmenter,
    mask_corpus,
    mask_personal,
    tokenize,
    with_bigrams,
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def tokens_of(texts: pd.Series, words: tuple[str, ...] = ()) -> Tokens:
    corpus = mask_corpus(Corpus.of(texts))
    return tokenize(corpus, make_segmenter(words), default_stopwords())


def terms_of(*texts: str | None, words: tuple[str, ...] = ()) -> list[list[str]]:
    return tokens_of(pd.Series(texts, dtype=object), words).per_document()


def vocabulary_of(documents: list[list[str]]) -> Vocabulary:
    """A vocabulary of documents already split into terms (no segmenter, no stopwords)."""
    return document_terms(with_bigrams(split_tokens(documents)))


def split_tokens(documents: list[list[str]]) -> Tokens:
    flat = [t for terms in documents for t in terms]
    codes, terms = pd.factorize(pd.Series(flat, dtype=object))
    docs = np.repeat(np.arange(len(documents)), [len(d) for d in documents])
    return Tokens(docs, codes, np.asarray(terms, dtype=object), len(documents))


# --- tokenizing --------------------------------------------------------------------------------


def test_numbers_punctuation_emoji_and_stopwords_are_dropped():
    (terms,) = terms_of("配送太慢了😡！！等了3天，2024年12月……The parcel was LATE!!! 👍")
    assert terms == ["配送", "太慢", "天", "parcel", "late"]  # 了 等 年 月 was: stopwords


def test_english_is_lower_cased_and_contractions_stay_one_word():
    (terms,) = terms_of("The Courier didn’t call, I'm not happy")
    assert terms == ["courier", "didnt", "call", "not", "happy"]


def test_full_width_letters_are_folded():
    (terms,) = terms_of("ＡＰＰ很卡")
    assert terms[0] == "app"


def test_user_words_are_kept_whole():
    text = "这个快递小哥真给力"
    assert "快递小哥" not in terms_of(text)[0]
    assert "快递小哥" in terms_of(text, words=("快递小哥",))[0]


def test_missing_comments_have_no_terms():
    assert terms_of(None, "好", "") == [[], ["好"], []]


def test_document_terms_counts_match_hand_counts():
    vocabulary = vocabulary_of([["a", "b", "a"], [], ["b"]])
    frame = pd.DataFrame(vocabulary.counts.toarray(), columns=vocabulary.terms)
    assert frame.to_dict("list") == {"a": [2, 0, 0], "b": [1, 0, 1], "a b": [1, 0, 0],
                                     "b a": [1, 0, 0]}  # fmt: skip


def test_personal_data_never_becomes_a_term():
    (terms,) = terms_of("电话13812345678 邮箱 wang.fang@example.org 谢谢")
    assert not {"wang", "fang", "example", "org"} & set(terms)


# --- Fightin' Words ------------------------------------------------------------------------------

CORPUS_LOW = ["slow delivery slow", "rude service", "slow refund", "delivery late"]
CORPUS_HIGH = ["great price", "good quality", "great delivery", "price fair"]


def direct_log_odds(
    low: list[str], high: list[str], alpha: dict[str, float]
) -> dict[str, tuple[float, float]]:
    """Monroe et al. (2008) eq. 16 and 20 written out term by term."""
    y_a = pd.Series(" ".join(low).split()).value_counts()
    y_b = pd.Series(" ".join(high).split()).value_counts()
    n_a, n_b, alpha_0 = y_a.sum(), y_b.sum(), sum(alpha.values())
    result = {}
    for term, a_i in alpha.items():
        ya, yb = y_a.get(term, 0), y_b.get(term, 0)
        delta = math.log((ya + a_i) / (n_a + alpha_0 - ya - a_i)) - math.log(
            (yb + a_i) / (n_b + alpha_0 - yb - a_i)
        )
        result[term] = (delta, delta / math.sqrt(1 / (ya + a_i) + 1 / (yb + a_i)))
    return result


def test_log_odds_match_the_formula_term_by_term():
    terms = sorted(set(" ".join(CORPUS_LOW + CORPUS_HIGH).split()))
    count = pd.Series(" ".join(CORPUS_LOW + CORPUS_HIGH).split()).value_counts()
    alpha = {t: 0.5 * count[t] for t in terms}  # an informative prior, α₀ = half the corpus
    low = pd.Series(" ".join(CORPUS_LOW).split()).value_counts().reindex(terms, fill_value=0)
    high = pd.Series(" ".join(CORPUS_HIGH).split()).value_counts().reindex(terms, fill_value=0)
    delta, z = log_odds(low.to_numpy(), high.to_numpy(), np.array([alpha[t] for t in terms]))
    expected = direct_log_odds(CORPUS_LOW, CORPUS_HIGH, alpha)
    np.testing.assert_allclose(delta, [expected[t][0] for t in terms], rtol=1e-12)
    np.testing.assert_allclose(z, [expected[t][1] for t in terms], rtol=1e-12)


def test_default_prior_is_the_pooled_counts():
    pooled = np.array([3.0, 1.0, 6.0])
    np.testing.assert_allclose(informative_prior(pooled), pooled)
    np.testing.assert_allclose(informative_prior(pooled, scale=5.0), pooled / 2)


def test_distinguishing_terms_rank_by_z_with_hand_counted_shares():
    texts = CORPUS_LOW + CORPUS_HIGH
    vocabulary = document_terms(split_tokens([t.split() for t in texts]))
    low = np.arange(8) < 4
    contrast = Contrast("low", "high", low, ~low)
    table = distinguishing_terms(vocabulary, contrast, min_count=1, top=50)
    alpha = pd.Series(" ".join(texts).split()).value_counts().to_dict()
    expected = direct_log_odds(CORPUS_LOW, CORPUS_HIGH, alpha)
    slow = table.set_index(["term", "group"]).loc[("slow", "low")]
    assert slow["z"] == pytest.approx(expected["slow"][1])
    assert (slow["count"], slow["share"], slow["count_other"]) == (3, 0.5, 0)
    great = table.set_index(["term", "group"]).loc[("great", "high")]
    assert great["z"] == pytest.approx(-expected["great"][1])
    assert great["share"] == 0.5
    first_low = table[table["group"] == "low"].iloc[0]["term"]
    assert first_low == max(expected, key=lambda t: expected[t][1])
    assert table[table["term"] == "delivery"]["group"].tolist() == ["low"]  # 2 : 1, listed once


def test_phrases_no_more_informative_than_their_words_are_dropped():
    texts = ["客服 踢皮球", "客服 踢皮球", "客服 踢皮球", "价格 便宜", "价格 便宜", "便宜 好",
             "价格 不错"]  # fmt: skip
    vocabulary = vocabulary_of([t.split() for t in texts])
    low = np.arange(7) < 3
    table = distinguishing_terms(vocabulary, Contrast("low", "high", low, ~low), min_count=1)
    listed = set(table["term"])
    assert "客服 踢皮球" not in listed and "踢皮球" in listed  # 踢皮球 never without 客服
    assert "价格 便宜" in listed  # each of its words also occurs without the other


# --- themes -----------------------------------------------------------------------------------

THEME_TEXTS = pd.Series(
    ["快递太慢", "Prices are too high", "客服不回复，物流也慢", None, "great price, poor box",
     "the delivery guy was nice", "pricey"]
)  # fmt: skip
THEMES = {"配送": ["快递", "物流", "慢", "delivery"], "price": ["price", "expensive"]}


def test_theme_mentions_by_hand():
    vocabulary = document_terms(with_bigrams(tokens_of(THEME_TEXTS)))
    mentions = theme_mentions(vocabulary, THEMES)
    assert mentions["配送"].tolist() == [True, False, True, False, False, True, False]
    # "Prices" counts (plural), "pricey" does not (whole words only)
    assert mentions["price"].tolist() == [False, True, False, False, True, False, False]


def test_wilson_shares_match_the_formula():
    mentions = pd.DataFrame({"t": [True, True, False, False, False, True, False]})
    groups = pd.Series(["a", "a", "a", "b", "b", "b", "b"])
    table = wilson_shares(mentions, groups).set_index("group")
    for group, (count, n) in {"a": (2, 3), "b": (1, 4)}.items():
        z = stats.norm.ppf(0.975)
        p = count / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
        row = table.loc[group]
        assert (row["count"], row["n"]) == (count, n)
        assert row["ci_low"] == pytest.approx(centre - half)
        assert row["ci_high"] == pytest.approx(centre + half)


def test_theme_impact_matches_scipy_welch_and_nps_by_hand():
    rng = np.random.default_rng(3)
    mentions = pd.DataFrame({"x": rng.random(60) < 0.4, "y": rng.random(60) < 0.5})
    satisfaction = rng.normal(60, 15, 60)
    recommend = rng.integers(0, 11, 60).astype(float)
    table = theme_impact(mentions, satisfaction, recommend, adjust="holm").set_index("theme")
    p_values = []
    for theme in ("x", "y"):
        flag = mentions[theme].to_numpy()
        test = stats.ttest_ind(satisfaction[flag], satisfaction[~flag], equal_var=False)
        interval = test.confidence_interval(0.95)
        row = table.loc[theme]
        assert row["satisfaction_with"] == pytest.approx(satisfaction[flag].mean())
        assert row["difference"] == pytest.approx(
            satisfaction[flag].mean() - satisfaction[~flag].mean()
        )
        assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx(
            (interval.low, interval.high)
        )
        assert row["p_value"] == pytest.approx(test.pvalue)
        nps = 100 * (np.mean(recommend[flag] >= 9) - np.mean(recommend[flag] <= 6))
        assert row["nps_with"] == pytest.approx(nps)
        p_values.append(test.pvalue)
    smaller, larger = sorted(p_values)
    assert sorted(table["p_adj"]) == pytest.approx([2 * smaller, max(2 * smaller, larger)])


def test_theme_impact_without_mentions_is_missing_not_an_error():
    table = theme_impact(pd.DataFrame({"x": [False] * 5}), np.arange(5.0), None)
    assert np.isnan(table.loc[0, "difference"]) and table.loc[0, "mentions"] == 0


def test_candidates_are_low_group_terms_outside_every_theme():
    terms = pd.DataFrame(
        {
            "term": ["客服", "太慢", "踢皮球", "价格"],
            "group": ["low", "low", "low", "high"],
            "z": [3.0, 2.5, 2.1, 4.0],
        }
    )
    themes = {"配送": ["慢"], "price": ["价格"]}
    assert theme_candidates(terms, "low", themes) == ["客服", "踢皮球"]


# --- verbatims and masking --------------------------------------------------------------------


def test_verbatims_are_informative_shortest_first_and_seeded():
    texts = pd.Series(["慢", "配送太慢了，客服也不理", "配送太慢", "物流慢，等了一周才到货", None])
    n_terms = tokens_of(texts).counts_per_document()
    rows = np.array([True, True, True, True, False])
    chosen = pick_verbatims(texts, rows, n_terms, seed=1, k=2)
    assert chosen == sorted(chosen, key=len)
    assert "慢" not in chosen  # one term: not informative while longer ones exist
    assert chosen == pick_verbatims(texts, rows, n_terms, seed=1, k=2)


def mainland_mobile(draw) -> str:
    digits = draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    separator = draw(st.sampled_from(["", " ", "-"]))
    number = separator.join([digits[:3], digits[3:7], digits[7:]])
    return draw(st.sampled_from(["", "+86 ", "+86-", "0086 ", "+86"])) + number


def international(draw) -> str:
    country = draw(st.sampled_from(["+44", "+1", "+852", "+49", "0044"]))
    groups = draw(st.lists(st.from_regex(r"[0-9]{2,4}", fullmatch=True), min_size=2, max_size=4))
    return " ".join([country, *groups])


def landline(draw) -> str:
    area = draw(st.sampled_from(["010", "021", "0755", "0571"]))
    local = draw(st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True))
    return draw(st.sampled_from([f"{area}-{local}", f"({area}) {local}", f"{area}{local}"]))


@st.composite
def personal_datum(draw) -> str:
    kind = draw(st.sampled_from([mainland_mobile, international, landline]))
    return kind(draw)


SURROUNDING = st.text(
    alphabet=st.sampled_from(list("配送太慢客服电话请联系我 abcXYZ，。!?:😡")), max_size=12
)


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


@settings(max_examples=300, deadline=None)
@given(before=SURROUNDING, number=personal_datum(), after=SURROUNDING)
def test_phone_numbers_are_masked_anywhere_in_text(before, number, after):
    masked = mask_personal(pd.Series([before + number + after]))[0]
    assert "[phone]" in masked
    assert digits_of(number) not in digits_of(masked)
    assert not re.search(r"\d{4}", masked)


EMAIL = st.from_regex(r"[a-z][a-z0-9._+\-]{0,12}@[a-z0-9]{1,10}(\.[a-z]{2,4}){1,2}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(before=SURROUNDING, email=EMAIL, after=SURROUNDING)
def test_emails_are_masked_anywhere_in_text(before, email, after):
    masked = mask_personal(pd.Series([f"{before} {email} {after}"]))[0]
    assert "@" not in masked and "[email]" in masked


def test_id_card_order_number_and_full_width_digits_are_masked():
    texts = pd.Series(
        ["身份证11010519491231002X", "订单号DD20261101000123请查", "１３８１２３４５６７８"]
    )
    masked = mask_personal(texts, order_pattern=r"DD\d{14}").tolist()
    assert masked == ["身份证[id]", "订单号[order]请查", "[number]"]


def test_short_numbers_dates_and_prices_are_left_alone():
    text = "等了3天，2026-11-01下单，花了199元"
    assert mask_personal(pd.Series([text]))[0] == text


# --- the sample's designed truth ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    sys.path.insert(0, str(SAMPLE))
    try:
        import make_sample
    finally:
        sys.path.remove(str(SAMPLE))
    return make_sample.make_frame()


def test_sample_detractors_write_about_delivery_and_service(sample):
    texts, nps = sample["意见"], sample["NPS"].to_numpy(float)
    answered = texts.notna().to_numpy()
    low, high = answered & (nps <= 6), answered & (nps >= 9)
    vocabulary = document_terms(with_bigrams(tokens_of(texts)))
    terms = distinguishing_terms(vocabulary, Contrast("detractors", "promoters", low, high))
    detractor_terms = terms[terms["group"] == "detractors"]["term"].tolist()
    promoter_terms = terms[terms["group"] == "promoters"]["term"].tolist()
    assert detractor_terms[0] == "客服" and "太慢" in detractor_terms[:3]
    assert {"价格", "质量"} <= set(promoter_terms[:5])
    mentions = theme_mentions(vocabulary, DEFAULT_THEMES)[answered]
    groups = pd.Series(np.where(nps <= 6, "d", np.where(nps >= 9, "p", "x")))[answered]
    shares = wilson_shares(mentions, groups)
    top = shares.sort_values("share", ascending=False).groupby("group")["theme"].apply(list)
    assert set(top["d"][:2]) == {"delivery/配送", "service/客服"}
    assert set(top["p"][:2]) == {"price/价格", "quality/质量"}


def test_phrases_never_span_two_comments_and_line_breaks_stay_inside_one():
    assert list(vocabulary_of([["a"], ["b"]]).terms) == ["a", "b"]
    assert terms_of("配送\n太慢", "客服") == [["配送", "太慢"], ["客服"]]


# --- the whole analysis -------------------------------------------------------------------------


def test_analysis_masks_every_verbatim_and_counts_only_commenters(sample):
    texts = sample["意见"]
    nps = sample["NPS"].to_numpy(float)
    contrast = Contrast("detractors", "promoters", nps <= 6, nps >= 9)
    satisfaction = sample[["SAT1", "SAT2", "SAT3"]].mean(axis=1).to_numpy()
    findings = analyse_comments(texts, contrast, satisfaction, nps, CommentSettings(), seed=4)
    assert findings.n == len(texts)
    assert findings.n_comments == int(texts.notna().sum())
    shown = " ".join(findings.verbatims["text"])
    assert "5678" not in shown and "@" not in shown and "7946" not in shown
    delivery = findings.themes.set_index("theme").loc["delivery/配送"]
    answered = texts.dropna()
    assert (
        delivery["count"]
        == answered.str.contains("配送|快递|物流|送货|发货|慢|delivery|courier").sum()
    )
    assert delivery["difference"] < 0 and delivery["p_adj"] < 0.05
    again = analyse_comments(texts, contrast, satisfaction, nps, CommentSettings(), seed=4)
    pd.testing.assert_frame_equal(findings.verbatims, again.verbatims)


def test_verbatims_of_comments_full_of_personal_data_show_only_labels():
    texts = pd.Series(
        ["快递太慢了，请打我电话 138 1234 5678 谢谢", "客服不理人，邮箱 li.na@example.com 请回复我",
         "delivery was slow, call +44 20 7946 0958 today", "快递太慢，订单DD20261101000123没到"]
    )  # fmt: skip
    low = np.ones(4, dtype=bool)
    contrast = Contrast("low", "high", low, ~low)
    settings = CommentSettings(order_pattern=r"DD\d{14}")
    findings = analyse_comments(texts, contrast, np.arange(4.0), None, settings, seed=1)
    shown = " ".join(findings.verbatims["text"])
    assert not re.search(r"\d{3}|@", shown)
    assert {"[phone]", "[email]", "[order]"} <= set(re.findall(r"\[\w+\]", shown))


def test_proportion_differences_match_statsmodels():
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    table = proportion_differences(np.array([30, 5]), np.array([100, 40]),
                                   np.array([18, 9]), np.array([120, 35]))  # fmt: skip
    for k, (c1, n1, c2, n2) in enumerate([(30, 100, 18, 120), (5, 40, 9, 35)]):
        z, p = proportions_ztest([c1, c2], [n1, n2])
        low, high = confint_proportions_2indep(c1, n1, c2, n2, method="wald")
        row = table.iloc[k]
        assert (row["statistic"], row["p_value"]) == pytest.approx((z, p))
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
        assert row["difference"] == pytest.approx(c1 / n1 - c2 / n2)
