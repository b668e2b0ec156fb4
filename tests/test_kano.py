"""Kano classification against published results (REPPL, qrm-kano), designed truths and
invariants."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from typer.testing import CliRunner

from csi_cli.analyses import get
from csi_cli.methods import kano
from csi_cli.methods.kano_answers import parse_answers
from csi_cli.spec import parse_spec
from csi_cli.survey import load
from tests.helpers import run_analysis

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
KANO_DATA = SHARED_DATA / "kano"
REPPL_TRANSFERS = KANO_DATA / "reppl" / "transfers--all_cohorts-clean.csv"

# Published in the REPPL README (SOURCE.md §2): transfers, n = 358, Pouliot table, aom rule.
REPPL_PUBLISHED = pd.DataFrame(
    [
        ("F6", 5.089385, 91, 19, 9, 160, 49, 30, "I", 0.3942652, -0.1003584),
        ("F7", 6.804469, 70, 121, 59, 77, 9, 22, "O", 0.5840979, -0.5504587),
        ("F8", 7.125698, 78, 122, 66, 62, 7, 23, "O", 0.6097561, -0.5731707),
        ("F9", 6.664804, 145, 76, 25, 78, 12, 22, "A", 0.6820988, -0.3117284),
        ("F10", 7.729050, 18, 174, 90, 42, 7, 27, "O", 0.5925926, -0.8148148),
        ("F11", 6.865922, 88, 90, 32, 105, 15, 28, "O", 0.5650794, -0.3873016),
    ],
    columns=["attribute", "importance", *"AOMIRQ", "category", "better", "worse"],
)

# Recomputed in SOURCE.md §1 (standard table, mode rule) on the 29 committed qrm-kano rows.
QRM_RECOMPUTED = pd.DataFrame(
    [
        ("vibration_alarm", 9, 0, 0, 8, 12, 0, "R", 0.53, 0.00),
        ("audio_alarm", 12, 3, 0, 11, 3, 0, "A", 0.58, -0.12),
        ("sleep_analysis", 15, 1, 0, 11, 2, 0, "A", 0.59, -0.04),
        ("massage", 15, 2, 0, 9, 3, 0, "A", 0.65, -0.08),
        ("home_automation", 7, 3, 0, 13, 6, 0, "I", 0.43, -0.13),
        ("do_not_disturb", 6, 2, 0, 14, 7, 0, "I", 0.36, -0.09),
        ("heating_mode", 11, 2, 0, 6, 10, 0, "A", 0.68, -0.11),
        ("cooling_mode", 15, 1, 0, 7, 6, 0, "A", 0.70, -0.04),
        ("tilt_adjustment", 13, 3, 1, 12, 0, 0, "A", 0.55, -0.14),
        ("meal_tray", 9, 0, 0, 11, 9, 0, "I", 0.45, 0.00),
        ("easily_compactable", 15, 0, 0, 13, 1, 0, "A", 0.54, 0.00),
    ],
    columns=["attribute", *"AOMIRQ", "category", "better", "worse"],
)

# methods.md §2 (Berger et al. 1993 p.6), typed as a dict: (functional, dysfunctional) → category.
STANDARD_CELLS = {
    (f, d): "Q" if (f, d) in {(1, 1), (5, 5)} else
    "O" if (f, d) == (1, 5) else
    "A" if f == 1 else
    "R" if f == 5 or d == 1 else
    "M" if d == 5 else "I"
    for f in range(1, 6) for d in range(1, 6)
}  # fmt: skip
POULIOT_CELLS = {**STANDARD_CELLS, (2, 2): "Q", (4, 4): "Q"}


answers = st.integers(0, 5)


@st.composite
def answer_arrays(draw):
    n = draw(st.integers(1, 30))
    k = draw(st.integers(1, 4))
    cells = st.lists(answers, min_size=n * k, max_size=n * k)
    functional = np.array(draw(cells)).reshape(n, k)
    dysfunctional = np.array(draw(cells)).reshape(n, k)
    return functional, dysfunctional


def reppl_arrays():
    frame = pd.read_csv(REPPL_TRANSFERS, dtype=str)
    attributes = [f"F{k}" for k in range(6, 12)]
    functional = np.column_stack([parse_answers(frame[f"{a}_functional"])[0] for a in attributes])
    dysfunctional = np.column_stack(
        [parse_answers(frame[f"{a}_dysfunctional"])[0] for a in attributes]
    )
    return attributes, functional, dysfunctional


def assert_matches_reppl(result: pd.DataFrame) -> None:
    published = REPPL_PUBLISHED.set_index("attribute")
    ours = result.set_index("attribute").loc[published.index]
    for letter in "AOMIRQ":
        assert ours[letter].tolist() == published[letter].tolist(), letter
    assert ours["category"].tolist() == published["category"].tolist()
    np.testing.assert_allclose(ours["better"], published["better"], atol=5e-8)
    np.testing.assert_allclose(ours["worse"], published["worse"], atol=5e-8)
    np.testing.assert_allclose(ours["importance"], published["importance"], atol=5e-7)
    assert (ours["n"] == 358).all()


# --- published results ---------------------------------------------------------------------------


def test_reppl_transfers_published_table_from_arrays():
    attributes, functional, dysfunctional = reppl_arrays()
    frame = pd.read_csv(REPPL_TRANSFERS, dtype=str)
    importance = np.column_stack(
        [frame[f"{a}_importance"].str.extract(r"^(\d)")[0].astype(float) for a in attributes]
    )
    result = kano.classify(
        functional, dysfunctional, attributes, importance, table="pouliot", rule="aom"
    )
    assert_matches_reppl(result)


def test_reppl_transfers_published_table_through_a_survey():
    spec = parse_spec(
        {
            "kano": {
                "functional": "{attr}_functional",
                "dysfunctional": "{attr}_dysfunctional",
                "importance": "{attr}_importance",
                "table": "pouliot",
                "rule": "aom",
            }
        }
    )
    survey = load(REPPL_TRANSFERS, spec=spec)
    assert get("kano").supports(survey)
    result = run_analysis("kano", survey)
    assert result.n == 358
    assert_matches_reppl(result.attributes)


def test_qrm_recomputed_counts_from_the_french_answers():
    raw = pd.read_csv(KANO_DATA / "qrm-kano_answers_raw.tsv", sep="\t", dtype=str)
    columns = raw.columns[1:]
    functional = np.column_stack([parse_answers(raw[c])[0] for c in columns[0::2]])
    dysfunctional = np.column_stack([parse_answers(raw[c])[0] for c in columns[1::2]])
    result = kano.classify(functional, dysfunctional, QRM_RECOMPUTED["attribute"])
    for letter in "AOMIRQ":
        assert result[letter].tolist() == QRM_RECOMPUTED[letter].tolist(), letter
    assert result["category"].tolist() == QRM_RECOMPUTED["category"].tolist()
    np.testing.assert_allclose(result["better"], QRM_RECOMPUTED["better"], atol=0.005)
    np.testing.assert_allclose(result["worse"], QRM_RECOMPUTED["worse"], atol=0.005)


def reppl_evaluation(f: int, d: int) -> str:
    """REPPL's ``KANO_evalution`` (Annotated-Script.Rmd), transcribed if by if."""
    if f == 1 and d == 1:
        return "Q"
    if f == 1 and d in (2, 3, 4):
        return "A"
    if f == 1 and d == 5:
        return "O"
    if f in (2, 3, 4, 5) and d == 1:
        return "R"
    if f == 2 and d == 2:
        return "Q"
    if (f in (3, 4) and d in (2, 3)) or (f in (2, 3) and d in (3, 4)):
        return "I"
    if f == 4 and d == 4:
        return "Q"
    if f in (2, 3, 4) and d == 5:
        return "M"
    return "R" if d != 5 else "Q"


@pytest.mark.parametrize("cohort", [1, 2, 3, 4])
def test_reppl_storage_cohorts_match_the_studys_own_evaluation(cohort):
    frame = pd.read_csv(KANO_DATA / "reppl" / f"storage--cohort{cohort}-clean.csv", dtype=str)
    attributes = [f"F{k}" for k in range(1, 6)]
    functional = np.column_stack([parse_answers(frame[f"{a}_functional"])[0] for a in attributes])
    dysfunctional = np.column_stack(
        [parse_answers(frame[f"{a}_dysfunctional"])[0] for a in attributes]
    )
    result = kano.classify(functional, dysfunctional, attributes, table="pouliot", rule="aom")
    for j, attribute in enumerate(attributes):
        pairs = zip(functional[:, j], dysfunctional[:, j], strict=True)
        expected = pd.Series([reppl_evaluation(f, d) for f, d in pairs]).value_counts()
        row = result.iloc[j]
        assert [row[c] for c in "AOMIRQ"] == [expected.get(c, 0) for c in "AOMIRQ"], attribute
        assert row["n"] == len(frame)


# --- the evaluation table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "cells"), [("standard", STANDARD_CELLS), ("pouliot", POULIOT_CELLS)]
)
@pytest.mark.parametrize("cell", sorted(STANDARD_CELLS))
def test_every_cell_reached_by_a_one_respondent_file(table, cells, cell):
    functional, dysfunctional = np.array([[cell[0]]]), np.array([[cell[1]]])
    result = kano.classify(functional, dysfunctional, ["x"], table=table)
    row = result.iloc[0]
    expected = cells[cell]
    assert row["category"] == expected
    assert row[expected] == 1 and row["n"] == 1


def test_blank_answers_are_not_classified():
    categories = kano.evaluate(np.array([[0, 1, 3]]), np.array([[5, 0, 3]]))
    assert categories.tolist() == [[kano.UNANSWERED, kano.UNANSWERED, kano.CATEGORIES.index("I")]]


@settings(max_examples=50, deadline=None)
@given(arrays=answer_arrays(), table=st.sampled_from(["standard", "pouliot"]))
def test_counts_from_pairs_equal_counts_of_respondent_categories(arrays, table):
    functional, dysfunctional = arrays
    categories = kano.evaluate(functional, dysfunctional, table)
    expected = [[np.sum(column == c) for c in range(6)] for column in categories.T]
    got = kano.count_categories(kano.answer_pairs(functional, dysfunctional), table)
    assert got.tolist() == expected


def test_nobody_answered():
    result = kano.classify(np.zeros((3, 1), int), np.zeros((3, 1), int), ["x"])
    row = result.iloc[0]
    assert row["category"] == "" and row["n"] == 0
    assert np.isnan(row["better"]) and np.isnan(row["functional_mean"])


# --- rules ---------------------------------------------------------------------------------------


def counts(**given: int) -> np.ndarray:
    return np.array([[given.get(c, 0) for c in "AOMIRQ"]])


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"M": 5, "O": 5, "A": 5, "I": 5}, "M"),
        ({"O": 5, "A": 5, "I": 5}, "O"),
        ({"A": 5, "I": 5}, "A"),
        ({"I": 5, "R": 5}, "I"),
        ({"A": 3, "Q": 9}, "A"),  # Q cannot win over a real category
        ({"Q": 4}, "Q"),
        ({"I": 7, "M": 6}, "I"),
    ],
)
def test_mode_rule_and_its_tie_order(given, expected):
    assert kano.CATEGORIES[kano.choose_category(counts(**given), "mode")[0]] == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"A": 4, "O": 4, "M": 4, "I": 11}, "M"),  # 12 > 11: largest of M, O, A with M first
        ({"A": 5, "O": 2, "I": 7}, "I"),  # 7 = 7: not more, so the largest of I, R, Q
        ({"A": 7, "I": 3, "R": 3}, "A"),
        ({"A": 6, "I": 3, "R": 3}, "I"),  # 6 = 6 goes to I, R, Q
        ({"I": 2, "R": 2, "Q": 2}, "I"),
        ({"R": 3, "Q": 3, "A": 1}, "R"),
    ],
)
def test_aom_rule(given, expected):
    assert kano.CATEGORIES[kano.choose_category(counts(**given), "aom")[0]] == expected


def test_fong_test_worked_examples():
    # 1.65·sqrt((50+30)(200−80)/200) = 11.43 < 20; 1.65·sqrt(75·125/200) = 11.30 > 5
    significant = kano.fong_significant(
        np.array([50, 40]), np.array([30, 35]), np.array([100, 100])
    )
    assert significant.tolist() == [True, False]


def test_strength_and_mixed_label():
    frame = kano.summarize_counts(
        np.array([[40, 35, 10, 15, 0, 0], [60, 10, 10, 20, 0, 0], [35, 15, 5, 5, 0, 40]])
    )
    np.testing.assert_allclose(frame["total_strength"], [0.85, 0.80, 0.55])
    assert frame["category"].tolist() == ["A", "A", "A"]
    # Fong: 1.65·sqrt(75·125/200) = 11.3 > 5 (row 1); strength 5% < 6% as well
    # Q (40) is ranked out: A 35 vs O 15 gives 20%, Fong 1.65·sqrt(50·150/200) = 10.1 < 20
    np.testing.assert_allclose(frame["strength"], [0.05, 0.40, 0.20])
    assert frame["significant"].tolist() == [False, True, True]
    assert frame["label"].tolist() == ["A/O", "A", "A"]


def test_mixed_label_from_strength_alone():
    # n = 2000: a tie is never significant; 650 vs 550 is (1.65·sqrt(1200·2800/4000) = 47.8 <
    # 100) but its strength 5% < 6% still makes it mixed
    frame = kano.summarize_counts(np.array([[600, 500, 300, 600, 0, 0]]))
    assert frame["significant"].tolist() == [False]
    frame = kano.summarize_counts(np.array([[650, 550, 300, 500, 0, 0]]))
    assert frame["significant"].tolist() == [True]
    assert frame["strength"].tolist() == [0.05]
    assert frame["label"].tolist() == ["A/O"]


def test_action_order():
    frame = pd.DataFrame(
        {
            "category": ["A", "M", "I", "O", "M", "A", "O"],
            "better": [0.7, 0.1, 0.2, 0.6, 0.2, 0.8, 0.5],
            "worse": [-0.1, -0.6, -0.1, -0.5, -0.8, -0.2, -0.7],
        }
    )
    # M by |Worse| (4, 1), O by |Worse| (6, 3), A by Better (5, 0), then the rest (2)
    assert np.argsort(kano.action_order(frame)).tolist() == [4, 1, 6, 3, 5, 0, 2]


# --- continuous scores ---------------------------------------------------------------------------


def test_continuous_scores_against_pandas():
    _, functional, dysfunctional = reppl_arrays()
    result = kano.continuous_scores(kano.answer_pairs(functional, dysfunctional))
    f_score = {1: 4, 2: 2, 3: 0, 4: -1, 5: -2}
    d_score = {1: -2, 2: -1, 3: 0, 4: 2, 5: 4}
    f_frame = pd.DataFrame(functional).apply(lambda c: c.map(f_score))
    d_frame = pd.DataFrame(dysfunctional).apply(lambda c: c.map(d_score))
    np.testing.assert_allclose(result["functional_mean"], f_frame.mean(), rtol=1e-12)
    np.testing.assert_allclose(result["functional_sd"], f_frame.std(), rtol=1e-12)
    np.testing.assert_allclose(result["dysfunctional_mean"], d_frame.mean(), rtol=1e-12)
    np.testing.assert_allclose(result["dysfunctional_sd"], d_frame.std(), rtol=1e-12)
    high_f, high_d = f_frame.mean() >= 2, d_frame.mean() >= 2
    expected = np.where(high_f, np.where(high_d, "O", "A"), np.where(high_d, "M", "I"))
    assert result["quadrant"].tolist() == expected.tolist()


def test_continuous_scores_skip_half_answered_respondents():
    result = kano.continuous_scores(
        kano.answer_pairs(np.array([[1], [1], [5]]), np.array([[5], [3], [0]]))
    )
    assert result["functional_mean"].iloc[0] == 4
    assert result["dysfunctional_mean"].iloc[0] == 2  # (4 + 0) / 2; the third has no D
    assert result["quadrant"].iloc[0] == "O"


# --- segments ------------------------------------------------------------------------------------


def test_segment_test_against_the_chi_square_formula():
    table = np.array([[10, 5, 20, 5, 0, 1], [4, 12, 8, 9, 0, 2], [6, 6, 6, 6, 0, 0]])
    kept = table[:, table.sum(axis=0) > 0].astype(float)
    expected = kept.sum(axis=1, keepdims=True) * kept.sum(axis=0) / kept.sum()
    chi2 = ((kept - expected) ** 2 / expected).sum()
    dof = (kept.shape[0] - 1) * (kept.shape[1] - 1)
    statistic, got_dof, p_value, min_expected = kano.segment_test(table)
    assert got_dof == dof == 8
    assert statistic == pytest.approx(chi2, rel=1e-12)
    assert p_value == pytest.approx(stats.chi2.sf(chi2, dof), rel=1e-9)
    assert min_expected == pytest.approx(expected.min(), rel=1e-12)


def test_segment_test_needs_two_segments():
    statistic, dof, p_value, min_expected = kano.segment_test(np.array([[3, 4, 0, 0, 0, 0]]))
    assert np.isnan(statistic) and dof == 0 and np.isnan(p_value) and np.isnan(min_expected)


# --- invariants ----------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(arrays=answer_arrays(), table=st.sampled_from(["standard", "pouliot"]))
def test_counts_sum_to_respondents_and_coefficients_in_range(arrays, table):
    functional, dysfunctional = arrays
    result = kano.classify(functional, dysfunctional, [f"a{j}" for j in range(functional.shape[1])])
    answered = ((functional > 0) & (dysfunctional > 0)).sum(axis=0)
    assert result[list("AOMIRQ")].sum(axis=1).tolist() == answered.tolist()
    assert result["n"].tolist() == answered.tolist()
    better, worse = result["better"].dropna(), result["worse"].dropna()
    assert ((better >= 0) & (better <= 1)).all()
    assert ((worse >= -1) & (worse <= 0)).all()
    assert sorted(result["action_rank"]) == list(range(1, len(result) + 1))


@settings(max_examples=50, deadline=None)
@given(
    arrays=answer_arrays(),
    seed=st.integers(0, 2**16),
    rule=st.sampled_from(["mode", "aom"]),
)
def test_results_do_not_depend_on_respondent_order(arrays, seed, rule):
    functional, dysfunctional = arrays
    names = [f"a{j}" for j in range(functional.shape[1])]
    order = np.random.default_rng(seed).permutation(len(functional))
    original = kano.classify(functional, dysfunctional, names, rule=rule)
    shuffled = kano.classify(functional[order], dysfunctional[order], names, rule=rule)
    pd.testing.assert_frame_equal(original, shuffled, rtol=1e-12)


# --- through a survey file -----------------------------------------------------------------------

CHINESE = ["我很喜欢", "理应如此", "无所谓", "能忍受", "我很不喜欢"]


def write_survey(path: Path, rng: np.random.Generator, n: int = 120) -> Path:
    functional = rng.integers(1, 6, size=(n, 2))
    dysfunctional = rng.integers(1, 6, size=(n, 2))
    frame = pd.DataFrame(
        {
            "region": rng.choice(["north", "south"], size=n),
            "delivery_func": np.array(CHINESE)[functional[:, 0] - 1],
            "delivery_dysf": np.array(CHINESE)[dysfunctional[:, 0] - 1],
            "delivery_imp": rng.integers(1, 10, size=n),
            "app_func": functional[:, 1],
            "app_dysf": dysfunctional[:, 1],
        }
    )
    frame.to_csv(path, index=False)
    return path


def test_run_on_a_conventional_file_has_the_contract_keys(tmp_path):
    rng = np.random.default_rng(5)
    survey = load(write_survey(tmp_path / "kano.csv", rng))
    result = run_analysis("kano", survey)
    document = result.to_dict()
    assert document["n"] == 120
    for record in document["attributes"]:
        assert {"attribute", "category", "counts", "better", "worse", "significant"} <= set(record)
        assert set(record["counts"]) == set("AOMIRQ")
        assert sum(record["counts"].values()) == 120
    assert [r["attribute"] for r in document["attributes"]] == ["delivery", "app"]
    assert result.tables() and all(len(t.frame) == 2 for t in result.tables()[:4])


def test_run_by_segment_matches_the_segments_alone(tmp_path):
    rng = np.random.default_rng(9)
    path = write_survey(tmp_path / "kano.csv", rng)
    survey = load(path)
    result = run_analysis("kano", survey, by="region")
    document = result.to_dict()
    assert {s["segment"] for s in document["segments"]} == {"north", "south"}
    north = survey.frame["region"].to_numpy() == "north"
    alone = run_analysis("kano", survey.subset(north)).attributes
    in_segment = result.segments[result.segments["segment"] == "north"].drop(columns="segment")
    pd.testing.assert_frame_equal(in_segment.reset_index(drop=True), alone)
    assert len(document["segment_tests"]) == 2
    assert all(0 <= t["p_value"] <= 1 for t in document["segment_tests"])


# --- the command line ---------------------------------------------------------------------------

REPPL_SPEC = """
[kano]
functional = "{attr}_functional"
dysfunctional = "{attr}_dysfunctional"
importance = "{attr}_importance"
table = "standard"
rule = "mode"
"""


@pytest.fixture
def cli():
    from csi_cli import cli as cli_module

    return cli_module.app


def invoke(app, *args: str):
    return CliRunner().invoke(app, ["kano", *args])


def test_cli_json_reproduces_reppl_with_overrides_of_the_spec(cli, tmp_path):
    spec = tmp_path / "csi.toml"
    spec.write_text(REPPL_SPEC, encoding="utf-8")
    args = (str(REPPL_TRANSFERS), "--spec", str(spec), "--format", "json")
    result = invoke(cli, *args, "--rule", "aom", "--table", "pouliot")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["n"] == 358 and document["table"] == "pouliot" and document["rule"] == "aom"
    rows = pd.DataFrame(
        [{**r["counts"], **{k: r[k] for k in ("attribute", "category", "better", "worse")}}
         for r in document["attributes"]]
    )  # fmt: skip
    rows["importance"] = [r["importance"] for r in document["attributes"]]
    rows["n"] = [sum(r["counts"].values()) for r in document["attributes"]]
    assert_matches_reppl(rows)
    # Without the overrides the spec's standard table applies: (2,2) and (4,4) answers turn I
    standard = json.loads(invoke(cli, *args).stdout)
    assert standard["table"] == "standard"
    assert sum(r["counts"]["Q"] for r in standard["attributes"]) < sum(rows["Q"])


def test_cli_by_segment_with_chi_square(cli, tmp_path):
    path = write_survey(tmp_path / "kano.csv", np.random.default_rng(2))
    result = invoke(cli, str(path), "--by", "region", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["by"] == "region"
    assert {t["attribute"] for t in document["segment_tests"]} == {"delivery", "app"}
    assert "Kano categories by region" in invoke(cli, str(path), "--by", "region").stdout


def test_cli_unknown_answer_names_column_row_and_text(cli, tmp_path):
    frame = pd.DataFrame(
        {"speed_func": ["I like it", "I like it", "maybe so"], "speed_dysf": ["一般", "5", "1"]}
    )
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    result = invoke(cli, str(path), "--format", "json")
    assert result.exit_code == 2
    message = result.stderr if hasattr(result, "stderr") else result.output
    assert "speed_func" in message and "row 4" in message and "maybe so" in message


def test_cli_without_pairs_says_what_to_do(cli, tmp_path):
    path = tmp_path / "none.csv"
    pd.DataFrame({"overall": [1, 2, 3]}).to_csv(path, index=False)
    result = invoke(cli, str(path))
    assert result.exit_code == 2
    assert "_func" in result.output
