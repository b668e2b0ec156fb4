"""The action list: each builder's rule on hand-made tables, the ranking rule as a property, and
``collect`` on any object with ``actions()``. The sample's designed truth is checked through
``csi analyze`` in tests/test_sample.py."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from csi_cli import actions
from csi_cli.actions import FIX, IMPROVE, WATCH, Action
from csi_cli.methods import kano
from csi_cli.results import Figure


def action(subject: str, tier: int, score: float, source: str = "x") -> Action:
    return Action(subject, "why", (Figure(score, 2),), source, tier, score)


def ipma_inputs():
    ipma = pd.DataFrame(
        {
            "construct": ["A", "B", "C", "D"],
            "performance": [60.0, 70.0, 62.0, 61.0],
            "importance": [0.5, 0.6, 0.1, 0.4],
            "total_effect": [0.45, 0.50, 0.10, 0.35],
        }
    )
    effects = pd.DataFrame(
        {
            "from": ["A", "B", "C", "D", "A"],
            "to": ["SAT", "SAT", "SAT", "SAT", "LOY"],
            "total": [0.45, 0.50, 0.10, 0.35, 0.9],
            "total_ci_low": [0.3, 0.4, 0.02, -0.05, 0.8],
            "total_ci_high": [0.6, 0.6, 0.18, 0.7, 1.0],
        }
    )
    constructs = pd.DataFrame(
        {
            "name": ["A", "B", "C", "D", "SAT"],
            "index": [60.0, 70.0, 62.0, 61.0, 65.0],
            "ci_low": [59.0, 69.0, 61.0, 60.0, 64.0],
            "ci_high": [61.0, 71.0, 63.0, 62.0, 66.0],
        }
    )
    return ipma, effects, constructs


def test_driver_actions_follow_the_crosshair_and_significance():
    ipma, effects, constructs = ipma_inputs()
    # crosshair: performance 63.25 (mean), importance 0.4 (mean)
    found = actions.driver_actions(
        ipma, effects, constructs, "SAT", {"performance": 63.25, "importance": 0.4}
    )
    by_subject = {a.subject: a for a in found}
    # A: important, low performance, CI excludes 0 -> fix; B performs above the line -> none;
    # C: low importance, significant -> improve; D: interval reaches 0 -> none
    assert set(by_subject) == {"A", "C"}
    assert by_subject["A"].tier == FIX and by_subject["C"].tier == IMPROVE
    assert by_subject["A"].score == 0.45
    effect, index = by_subject["A"].evidence
    assert (effect.value, effect.low, effect.high) == (0.45, 0.3, 0.6)
    assert (index.value, index.low, index.high) == (60.0, 59.0, 61.0)


def test_no_driver_actions_without_a_map():
    _, effects, constructs = ipma_inputs()
    assert actions.driver_actions(pd.DataFrame(), effects, constructs, "SAT", {}) == []


def kano_frame(rows: dict[str, list[int]]) -> pd.DataFrame:
    counts = np.array(list(rows.values()))
    frame = kano.summarize_counts(counts)
    frame.insert(0, "attribute", list(rows))
    return frame


def test_kano_actions_by_category_and_separation():
    frame = kano_frame(
        {  # A, O, M, I, R, Q
            "must": [10, 20, 150, 20, 0, 0],
            "one_big": [20, 150, 20, 10, 0, 0],
            "one_small": [60, 70, 0, 70, 0, 0],  # O/I: not separated, |Worse| 0.35
            "mixed": [10, 80, 75, 35, 0, 0],  # O vs M: 2.5% strength -> O/M
            "attractive": [150, 20, 10, 20, 0, 0],
        }
    )
    found = {a.subject: a for a in actions.kano_actions(frame)}
    assert found["must"].tier == FIX
    assert found["one_big"].tier == IMPROVE
    assert found["mixed"].tier == WATCH and "O/M" in found["mixed"].reason
    assert found["one_small"].tier == WATCH  # O/I names O: watched, never fixed
    assert "attractive" not in found
    # |Worse| = (O + M) / (A + O + M + I) with its Wilson interval (statsmodels)
    low, high = proportion_confint(170, 200, method="wilson")
    worse = found["must"].evidence[0]
    assert worse.value == found["must"].score == 170 / 200
    np.testing.assert_allclose([worse.low, worse.high], [low, high], rtol=1e-12)


def test_kano_evidence_adds_the_penalty_of_low_performance():
    frame = kano_frame({"must": [10, 20, 150, 20, 0, 0], "other": [150, 20, 10, 20, 0, 0]})
    penalties = pd.DataFrame(
        {
            "attribute": ["must"],
            "penalty": [-1.2],
            "penalty_ci_low": [-1.5],
            "penalty_ci_high": [-0.9],
        }
    )
    (found,) = actions.kano_actions(frame, penalties)
    assert len(found.evidence) == 2
    penalty = found.evidence[1]
    assert (penalty.label, penalty.value, penalty.low, penalty.high) == (
        "penalty on overall", -1.2, -1.5, -0.9,
    )  # fmt: skip


def test_a_kano_category_that_is_not_separated_is_never_separated_or_fixed():
    frame = kano_frame({"mixed": [10, 80, 75, 35, 0, 0]})
    assert frame["label"].tolist() == ["O/M"]
    assert not frame["separated"].iloc[0]
    assert all(a.tier == WATCH for a in actions.kano_actions(frame))


def test_gap_actions_take_significant_shortfalls_largest_first():
    levels = pd.DataFrame(
        {
            "dimension": ["T", "R", "S", "E", "N"],
            "gap": [-0.3, -1.0, -0.6, 0.2, -0.05],
            "ci_low": [-0.4, -1.1, -0.7, 0.1, -0.15],
            "ci_high": [-0.2, -0.9, -0.5, 0.3, 0.05],
            "p_adj": [0.001, 1e-9, 1e-5, 0.001, 0.3],
            "share_below": [0.6, 0.9, 0.8, 0.2, 0.45],
        }
    )
    found = actions.gap_actions(levels, "dimension")
    assert [(a.subject, a.tier) for a in found] == [("R", FIX), ("S", IMPROVE), ("T", IMPROVE)]
    assert [a.score for a in found] == [0.9, 0.8, 0.6]


def test_ipa_actions_take_established_concentrate_here_items_only():
    ipa = pd.DataFrame(
        {
            "item": ["Q1", "Q2", "Q3", "Q4"],
            "quadrant": ["Concentrate here"] * 2 + ["Low priority", "Concentrate here"],
            "uncertain": [False, True, False, None],
            **{f"{m}{end}": [0.5, 0.5, 0.5, 0.5] for m in ("importance", "performance")
               for end in ("", "_ci_low", "_ci_high")},
        }
    )  # fmt: skip
    items = pd.DataFrame({"item": ["Q1", "Q2", "Q3", "Q4"], "share_below": [0.7, 0.6, 0.5, 0.4]})
    found = actions.ipa_actions(ipa, items)
    assert [(a.subject, a.tier, a.score) for a in found] == [("Q1", IMPROVE, 0.7)]


def test_nps_action_tier_depends_on_the_interval():
    assert actions.nps_actions(5.0, -2.0, 12.0, 0.3) == []
    assert actions.nps_actions(-10.0, -18.0, -2.0, 0.4)[0].tier == IMPROVE
    assert actions.nps_actions(-3.0, -11.0, 5.0, 0.35)[0].tier == WATCH


tiers = st.sampled_from([FIX, IMPROVE, WATCH])
scores = st.floats(0, 1, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(tiers, scores), max_size=20))
def test_rank_orders_by_tier_then_score(items):
    ranked = actions.rank([action(f"s{i}", t, s) for i, (t, s) in enumerate(items)])
    keys = [(a.tier, -a.score) for a in ranked]
    assert keys == sorted(keys)
    assert sorted(a.subject for a in ranked) == sorted(f"s{i}" for i in range(len(items)))


@dataclass
class _Contributor:
    name: str
    found: list[Action]

    def actions(self) -> list[Action]:
        return self.found


def test_collect_merges_any_result_with_actions_and_breaks_ties_by_report_order():
    first = _Contributor("comments", [action("late parcels", IMPROVE, 0.4, "comments")])
    second = _Contributor("kano", [action("speed", IMPROVE, 0.4, "kano")])
    third = _Contributor("gap", [action("R", FIX, 0.1, "gap")])
    merged = actions.collect([first, object(), second, third])
    assert [a.subject for a in merged] == ["R", "late parcels", "speed"]


def test_action_table_and_json_hold_every_field():
    found = [action("R", FIX, 0.9, "gap"), action("speed", IMPROVE, 0.8, "kano")]
    table = actions.action_table(found)
    assert list(table.frame.columns) == list(actions.ACTION_COLUMNS)
    assert table.frame["#"].tolist() == [1, 2]
    assert table.frame["act"].tolist() == ["fix first", "improve"]
    document = found[0].to_dict()
    assert document["tier_name"] == "fix first" and document["source"] == "gap"
    assert document["evidence"] == [{"label": "", "value": 0.9, "ci_low": None, "ci_high": None}]
