"""Question wording → roles (csi_cli/wording.py) and the commented draft it writes."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from csi_cli.spec import parse_spec
from csi_cli.survey import load
from csi_cli.validate import validate
from csi_cli.wording import guess_roles, wording_draft
from tests.helpers import write_csv, write_xlsx

RNG = np.random.default_rng(5)


def _ratings(n, low=1, high=5):
    return RNG.integers(low, high + 1, n).tolist()


def _file(tmp_path, questions, n=30, name="s.csv"):
    header = list(questions)
    columns = [questions[q] for q in header]
    rows = [list(r) for r in zip(*columns, strict=True)]
    if name.endswith(".xlsx"):
        return write_xlsx(tmp_path / name, {"Data": (header, rows)})
    return write_csv(tmp_path / name, header, rows)


@pytest.mark.parametrize(
    ("question", "construct"),
    [
        ("总体而言，您对本店满意吗", "SAT"),
        ("与您的期望相比，本店的表现令您满意吗", "SAT"),
        ("与理想中的餐厅相比，您的满意程度", "SAT"),
        ("Overall, how satisfied are you with us?", "SAT"),
        ("Compared with your expectations, how would you rate us?", "SAT"),
        ("Compared to an ideal provider, how close are we?", "SAT"),
        ("考虑到价格，您如何评价质量", "VAL"),
        ("Given the quality, how would you rate the price?", "VAL"),
        ("您是否投诉过本店", "COMP"),
        ("您会再次购买吗", "LOY"),
        ("How likely are you to purchase again?", "LOY"),
        ("本店口碑很好", "IMAG"),
        ("The company has a good reputation", "IMAG"),
        ("购买之前，您对产品质量的期望", "EXPE"),
        ("Before buying, what quality did you expect?", "EXPE"),
        ("产品的可靠性", "QUAL"),
        ("How well does the product meet your needs?", "QUAL"),
    ],
)
def test_standard_csi_wording_gives_the_construct(tmp_path, question, construct):
    path = _file(tmp_path, {"id": list(range(30)), f"3、{question}": _ratings(30)})
    roles = guess_roles(load(path))
    assert {c: [g.column for g in gs] for c, gs in roles.blocks.items()} == {
        construct: [f"3、{question}"]
    }
    assert roles.blocks[construct][0].reason  # every guess says why


def test_recommend_on_0_to_10_is_nps_on_1_to_5_loyalty(tmp_path):
    path = _file(
        tmp_path,
        {
            "Q1. How likely are you to recommend us? (0-10)": [0, *_ratings(29, 0, 10)],
            "Q2. Would you recommend us to friends?": _ratings(30),
        },
    )
    roles = guess_roles(load(path))
    assert roles.nps.column.startswith("Q1.")
    assert [g.column for g in roles.blocks["LOY"]] == ["Q2. Would you recommend us to friends?"]


def test_kano_and_gap_pairs_become_patterns_that_pair_them(tmp_path):
    kano = ["我喜欢这样", "它理应如此", "我无所谓", "我能忍受", "我不喜欢这样"]
    answers = [kano[i % 5] for i in range(30)]
    questions = {
        "5、如果APP提供夜间模式，您的感受是？": answers,
        "6、如果APP不提供夜间模式，您的感受是？": answers[::-1],
        "7、您期望的服务—响应速度": _ratings(30, 1, 7),
        "7、准确性": _ratings(30, 1, 7),
        "8、您实际感受到的服务—响应速度": _ratings(30, 1, 7),
        "8、准确性": _ratings(30, 1, 7),
    }
    path = _file(
        tmp_path,
        {
            "序号": list(range(30)),
            "提交答卷时间": ["2026/10/01 10:00"] * 30,
            "所用时间": ["60秒"] * 30,
            **questions,
        },
        name="wjx.xlsx",
    )
    survey = load(path)
    draft = wording_draft(survey)
    spec = tomllib.loads(draft)
    assert spec["kano"] == {
        "functional": "*如果APP提供{attr}，*",
        "dysfunctional": "*如果APP不提供{attr}，*",
    }
    assert spec["gap"] == {
        "expectation": "*您期望的服务—{item}",
        "perception": "*您实际感受到的服务—{item}",
    }
    assert "sheet" not in spec["survey"]  # one data sheet: next month's CSV runs as well
    drafted = load(path, spec=parse_spec(spec))
    assert [(p.attribute, p.functional) for p in drafted.layout.kano] == [
        ("夜间模式", "5、如果APP提供夜间模式，您的感受是？")
    ]
    assert [(i.item, i.expectation, i.perception) for i in drafted.layout.gap] == [
        ("响应速度", "7、您期望的服务—响应速度", "8、您实际感受到的服务—响应速度"),
        ("准确性", "7、准确性", "8、准确性"),
    ]


def test_draft_comments_every_guess_suggests_codes_and_lists_the_rest(tmp_path):
    sat = _ratings(30)
    sat[3] = 99
    path = _file(
        tmp_path,
        {
            "id": list(range(30)),
            "Overall, how satisfied are you?": sat,
            "How tasty was the food?": _ratings(30),
        },
    )
    draft = wording_draft(load(path))
    spec = tomllib.loads(draft)
    assert spec["survey"]["missing"] == ["99"]
    guess = next(line for line in draft.splitlines() if "Overall, how satisfied" in line)
    assert "# overall satisfaction" in guess
    assert '#   "How tasty was the food?"' in draft  # unassigned, commented out
    assert "How tasty" not in str(spec)


def test_the_sheet_is_pinned_only_when_the_workbook_has_several(tmp_path):
    header, rows = ["id", "Overall, how satisfied are you?"], [[i, 1 + i % 5] for i in range(30)]
    path = write_xlsx(tmp_path / "two.xlsx", {"Notes": (["note"], [["x"]]), "Data": (header, rows)})
    survey = load(path, sheet="Data")
    assert tomllib.loads(wording_draft(survey))["survey"]["sheet"] == "Data"


def test_no_wording_no_draft(tmp_path):
    path = _file(tmp_path, {"id": list(range(30)), "colour": ["red", "blue"] * 15})
    assert wording_draft(load(path)) is None


def test_spec_patterns_that_match_nothing_are_errors(tmp_path):
    path = _file(tmp_path, {"id": list(range(30)), "Q1 [Speed]": _ratings(30)})
    spec = parse_spec(
        {
            "csi": {"blocks": {"SAT": "Overall*"}},
            "kano": {"functional": "If we had {attr}", "dysfunctional": "If we lacked {attr}"},
            "survey": {"nps": "*recommend*"},
        }
    )
    problems = validate(load(path, spec=spec))
    messages = " ".join(p.message for p in problems if p.code == "missing-column")
    assert "'Overall*'" in messages and "'*recommend*'" in messages
    assert "If we had {attr}" in messages
    matched = load(path, spec=parse_spec({"csi": {"blocks": {"QUAL": ["Q1 [*]"]}}}))
    assert matched.layout.csi_blocks == {"QUAL": ("Q1 [Speed]",)}  # brackets are literal
