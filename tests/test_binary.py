"""Yes/no answers: every built-in wording, spec additions, blanks, unknowns, row order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from csi_cli.methods.binary import NO_WORDS, YES_WORDS, parse_binary, reversed_answers


def test_every_builtin_wording_in_any_case_and_width() -> None:
    texts = [*YES_WORDS, *NO_WORDS]
    shouted = [t.upper() + " !" for t in texts]
    values, unknown = parse_binary(pd.Series(shouted))
    expected = [1.0] * len(YES_WORDS) + [0.0] * len(NO_WORDS)
    np.testing.assert_array_equal(values, expected)
    assert not unknown.any()


def test_numbers_booleans_blanks_missing_and_unknown() -> None:
    cells = pd.Series([1, 0, 1.0, True, False, None, "", "99", "maybe", "ｙｅｓ"])
    values, unknown = parse_binary(cells, missing=["99"])
    np.testing.assert_array_equal(
        values, [1.0, 0.0, 1.0, 1.0, 0.0, np.nan, np.nan, np.nan, np.nan, 1.0]
    )
    np.testing.assert_array_equal(unknown, [False] * 8 + [True, False])


def test_spec_additions_override_builtin() -> None:
    values, unknown = parse_binary(pd.Series(["续费", "有"]), extra={"续费": True, "有": False})
    np.testing.assert_array_equal(values, [1.0, 0.0])
    assert not unknown.any()


@given(st.lists(st.sampled_from(["是", "否", "Yes", "no", None, "?"]), min_size=1, max_size=40))
def test_each_cell_parsed_on_its_own(cells: list[str | None]) -> None:
    values, unknown = parse_binary(pd.Series(cells, dtype=object))
    for cell, value, bad in zip(cells, values, unknown, strict=True):
        one, one_bad = parse_binary(pd.Series([cell], dtype=object))
        assert np.array_equal(one, [value], equal_nan=True)
        assert one_bad[0] == bad


def test_reversed_question_flips_plain_answers_only() -> None:
    cells = pd.Series(["是", "否", "1", "0", "留存", "流失", "churned", "retained"])
    values, unknown = parse_binary(cells, extra=reversed_answers())
    np.testing.assert_array_equal(values, [0, 1, 0, 1, 1, 0, 0, 1])
    assert not unknown.any()
