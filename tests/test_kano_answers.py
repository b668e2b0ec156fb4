"""Recognition of Kano answers: wordings of docs/spec.md, the REPPL and qrm-kano files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csi_cli.methods.kano_answers import parse_answers

# The five answers in the order of docs/spec.md (1 like … 5 dislike), as the texts appear.
SPEC_CHINESE = {
    1: ["我很喜欢", "非常喜欢", "喜欢"],
    2: ["理应如此", "理所当然", "必须这样"],
    3: ["无所谓", "一般"],
    4: ["能忍受", "可以忍受", "勉强接受"],
    5: ["我很不喜欢", "很不喜欢", "不喜欢"],
}
BERGER_ENGLISH = {
    1: "I like it",
    2: "I expect it",
    3: "I am neutral",
    4: "I can tolerate it",
    5: "I dislike it",
}
# Per REPPL storage cohort, the answer options in the order like … dislike
# (tests/data/kano/SOURCE.md).
REPPL_SETS = {
    "storage--cohort1-clean.csv": [
        "I like it that way",
        "I must be that way",
        "I am neutral",
        "I can live with it that way",
        "I dislike it that way",
    ],
    "storage--cohort2-clean.csv": [
        "I enjoy it that way",
        "It is a basic necessity or I expect it that way",
        "I am neutral",
        "I dislike it, but I can live with it that way",
        "I dislike it, and I can’t accept it",
    ],
    "storage--cohort3-clean.csv": [
        "This would be very helpful to me",
        "This is a basic requirement for me",
        "This would not affect me",
        "This would be a minor inconvenience",
        "This would be a major problem for me",
    ],
    "storage--cohort4-clean.csv": [
        "I like it",
        "I expect it",
        "I’m neutral",
        "I can tolerate it",
        "I dislike it",
    ],
    "transfers--all_cohorts-clean.csv": list(BERGER_ENGLISH.values()),
}
QRM_LABELS = {"like": 1, "must-be": 2, "neutral": 3, "live-with": 4, "dislike": 5}

FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def parse(values, **kwargs):
    return parse_answers(pd.Series(values, dtype=object), **kwargs)


@pytest.mark.parametrize("code", [1, 2, 3, 4, 5])
def test_spec_chinese_and_english_wordings(code):
    texts = [*SPEC_CHINESE[code], BERGER_ENGLISH[code]]
    codes, unknown = parse(texts)
    assert codes.tolist() == [code] * len(texts)
    assert not unknown.any()


def test_codes_as_int_float_text_and_full_width():
    codes, unknown = parse([1, 2.0, "3", " 4.0 ", "５", np.int64(2)])
    assert codes.tolist() == [1, 2, 3, 4, 5, 2]
    assert not unknown.any()


def test_blank_and_declared_missing_are_zero_not_unknown():
    codes, unknown = parse(
        [None, np.nan, "", "   ", "N/A", "不适用", "99", 99, 99.0], missing=["N/A", "不适用", "99"]
    )
    assert codes.tolist() == [0] * 9
    assert not unknown.any()


def test_unknown_texts_and_out_of_range_codes_are_flagged():
    codes, unknown = parse(["I like it", "maybe", 0, 6, "2.5", "I like it a lot"])
    assert unknown.tolist() == [False, True, True, True, True, True]
    assert codes.tolist() == [1, 0, 0, 0, 0, 0]


def test_spec_additions_extend_and_override():
    extra = {"Super!": 1, "一般": 4}
    codes, unknown = parse(["super", "SUPER !", "一般"], extra=extra)
    assert codes.tolist() == [1, 1, 4]
    assert not unknown.any()


@pytest.mark.parametrize("name", sorted(REPPL_SETS))
def test_every_reppl_answer_set(name, reference_data):
    frame = pd.read_csv(reference_data / "kano" / "reppl" / name, dtype=str, keep_default_na=False)
    answers = frame.filter(regex=r"_(functional|dysfunctional)$")
    expected = {text: code for code, text in enumerate(REPPL_SETS[name], start=1)}
    for column in answers:
        codes, unknown = parse_answers(answers[column])
        assert not unknown.any(), column
        assert codes.tolist() == answers[column].map(expected).tolist(), column


def test_qrm_french_answers_match_the_english_export(reference_data):
    raw = pd.read_csv(reference_data / "kano" / "qrm-kano_answers_raw.tsv", sep="\t", dtype=str)
    wide = pd.read_csv(reference_data / "kano" / "qrm-kano_bed_features_wide.csv", dtype=str)
    english = wide.filter(regex=r"_[FD]$")
    assert raw.shape[1] - 1 == english.shape[1]
    for french_column, english_column in zip(raw.columns[1:], english.columns, strict=True):
        codes, unknown = parse_answers(raw[french_column])
        assert not unknown.any(), french_column
        assert codes.tolist() == english[english_column].map(QRM_LABELS).tolist()


def _variants():
    texts = [t for ts in SPEC_CHINESE.values() for t in ts] + list(BERGER_ENGLISH.values())
    texts += [t for ts in REPPL_SETS.values() for t in ts]
    return st.sampled_from(texts)


def _disguise(text: str, how: tuple[bool, bool, bool, str]) -> str:
    upper, full_width, emoji, pad = how
    text = text.upper() if upper else text
    text = text.translate(FULL_WIDTH) if full_width else text
    text = f"{text} 🤷\u200d♂️" if emoji else text
    return f"{pad}{text}{pad}"


@settings(max_examples=50, deadline=None)
@given(
    text=_variants(),
    how=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.sampled_from(["", " ", "\t"])),
)
def test_case_width_emoji_and_padding_do_not_matter(text, how):
    codes, unknown = parse([text, _disguise(text, how)])
    assert not unknown.any()
    assert codes[0] == codes[1] > 0


@settings(max_examples=50, deadline=None)
@given(
    cells=st.lists(
        st.one_of(st.integers(0, 7), st.none(), st.sampled_from(["I like it", "xx", "", "一般"])),
        max_size=40,
    ),
    seed=st.integers(0, 2**16),
)
def test_cellwise_and_order_independent(cells, seed):
    codes, unknown = parse(cells)
    expected = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, "I like it": 1, "一般": 3}
    assert codes.tolist() == [expected.get(c, 0) for c in cells]
    assert unknown.tolist() == [c not in expected and c not in (None, "") for c in cells]
    order = np.random.default_rng(seed).permutation(len(cells))
    shuffled_codes, shuffled_unknown = parse([cells[i] for i in order])
    assert np.array_equal(shuffled_codes, codes[order])
    assert np.array_equal(shuffled_unknown, unknown[order])
    assert codes.dtype == np.int8
