"""Answer labels read as scores (csi_cli/labels.py) and through the survey's numeric parsing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csi_cli.labels import SCALES, numeric_label, read_labels, unknown_labels_advice
from csi_cli.survey import parse_numbers

ZH5 = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
ZH7 = ["非常不满意", "不满意", "比较不满意", "一般", "比较满意", "满意", "非常满意"]
EN_AGREE = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
]


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (ZH5, [1, 2, 3, 4, 5]),
        (ZH7, [1, 2, 3, 4, 5, 6, 7]),
        (EN_AGREE, [1, 2, 3, 4, 5]),
        (["很不满意", "不太满意", "一般", "比较满意", "很满意"], [1, 2, 3, 4, 5]),
        (["非常不同意", "不同意", "一般", "同意", "非常同意"], [1, 2, 3, 4, 5]),
        (["Poor", "Fair", "Good", "Very good", "Excellent"], [1, 2, 3, 4, 5]),
        (["Not at all important", "Extremely important"], [1, 5]),
    ],
)
def test_a_columns_labels_score_on_the_scale_they_fit(labels, expected):
    reading = read_labels(labels)
    assert reading.unknown == ()
    assert [reading.scores[t] for t in labels] == expected


def test_the_same_label_scores_by_the_scale_of_its_column():
    """满意 is 4 of 5 beside 5-point labels and 6 of 7 beside 比较满意 (a 7-point-only level)."""
    assert read_labels(ZH5).scores["满意"] == 4
    assert read_labels(ZH7).scores["满意"] == 6


def test_numeric_labels_and_missing_labels():
    assert numeric_label("5分") == 5
    assert numeric_label("★★★★☆") == 4
    assert numeric_label("3 stars") == 3
    assert numeric_label("满意") is None
    reading = read_labels(["不适用", "(跳过)", "N/A", "Don't know", "4分"])
    assert np.isnan([reading.scores[t] for t in ("不适用", "(跳过)", "N/A", "Don't know")]).all()
    assert reading.scores["4分"] == 4


def test_spec_labels_add_and_override():
    reading = read_labels(["还行", "满意", "非常满意"], {"还行": 3, "满意": 4.5})
    assert reading.scores == {"还行": 3, "满意": 4.5, "非常满意": 5}
    assert reading.unknown == ()


def test_unknown_labels_are_listed_all_with_the_toml_line():
    reading = read_labels(["满意", "凑合", "还行吧", "非常满意"])
    assert sorted(reading.unknown) == ["凑合", "还行吧"]
    advice = unknown_labels_advice(["凑合", "还行吧"], [3, 1])
    assert "'凑合' (3)" in advice and "'还行吧' (1)" in advice
    assert '[survey.labels] "凑合" = <score> "还行吧" = <score>' in advice
    assert "[survey] missing" in advice


def test_parse_numbers_reads_text_likert_columns_per_column():
    values = pd.Series(["非常满意", "满意", None, "不适用", "一般", "5", "不满意"], dtype=object)
    numbers, bad = parse_numbers(values)
    np.testing.assert_array_equal(numbers, [5, 4, np.nan, np.nan, 3, 5, 2])
    assert not bad.any()
    numbers, bad = parse_numbers(pd.Series(["满意", "太棒了"], dtype=object), (), {"太棒了": 5})
    np.testing.assert_array_equal(numbers, [4, 5])
    numbers, bad = parse_numbers(pd.Series(["满意", "太棒了"], dtype=object))
    assert bad.tolist() == [False, True]


@given(st.sampled_from(SCALES), st.data())
def test_any_subset_of_a_scales_levels_scores_within_its_range(scale, data):
    """Whatever levels respondents used, each label scores within the scale's range and a
    higher level never scores lower (the order of the scale is kept)."""
    picked = data.draw(
        st.lists(st.integers(0, scale.points - 1), min_size=1, max_size=scale.points, unique=True)
    )
    texts = [scale.levels[k][0] for k in sorted(picked)]
    reading = read_labels(texts)
    assert reading.unknown == ()
    scores = [reading.scores[t] for t in texts]
    assert all(1 <= s <= 7 for s in scores)
    assert scores == sorted(scores)
