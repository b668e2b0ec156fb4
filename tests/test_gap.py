"""Expectation gaps: every statistic against an independent computation (scipy, statsmodels,
pandas, or a designed truth), hypothesis invariants, the Survey wiring and the CLI."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import ttest_ind as sm_ttest_ind
from typer.testing import CliRunner

from csi_cli import cli
from csi_cli.analyses import get
from csi_cli.errors import UsageError
from csi_cli.layout import SERVQUAL22
from csi_cli.methods import gap, gap_distribution
from csi_cli.methods.multitest import adjust_pvalues
from csi_cli.survey import load
from tests.helpers import run_analysis

ITEMS = tuple(f"Q{i}" for i in range(1, 23))
LIMITED = settings(max_examples=50, deadline=None)


def ratings(rng: np.random.Generator, shape: tuple[int, int], missing: float = 0.05):
    """Integer ratings on 1–7 with a share of missing answers."""
    values = rng.integers(1, 8, shape).astype(float)
    values[rng.random(shape) < missing] = np.nan
    return values


def gap_pairs(rng: np.random.Generator, n: int, shifts: np.ndarray, missing: float = 0.05):
    """Expectation, and perception shifted by ``shifts`` (true gaps, before clipping)."""
    expectation = ratings(rng, (n, len(shifts)), missing)
    noise = rng.integers(-1, 2, expectation.shape)
    perception = np.clip(np.round(expectation + shifts + noise), 1, 7)
    perception[rng.random(perception.shape) < missing] = np.nan
    return expectation, perception


# --- paired statistics ----------------------------------------------------------------------


def test_paired_gaps_match_scipy_paired_t_per_item():
    rng = np.random.default_rng(11)
    e, p = gap_pairs(rng, 400, np.array([-1.0, -0.3, 0.0, 0.4, 1.2]))
    names = [f"A{i}" for i in range(5)]
    table = gap.paired_gaps(e, p, names)
    for j, row in table.iterrows():
        both = ~(np.isnan(e[:, j]) | np.isnan(p[:, j]))
        pj, ej = p[both, j], e[both, j]
        reference = stats.ttest_rel(pj, ej)
        low, high = reference.confidence_interval(0.95)
        d = pj - ej
        assert row["item"] == names[j]
        assert row["n"] == both.sum()
        assert row["expectation"] == pytest.approx(ej.mean(), rel=1e-12)
        assert row["perception"] == pytest.approx(pj.mean(), rel=1e-12)
        assert row["gap"] == pytest.approx(np.mean(d), rel=1e-12, abs=1e-14)
        assert row["sd"] == pytest.approx(np.std(d, ddof=1), rel=1e-12)
        assert row["t"] == pytest.approx(reference.statistic, rel=1e-10)
        assert row["p_value"] == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
        assert row["ci_low"] == pytest.approx(low, rel=1e-10)
        assert row["ci_high"] == pytest.approx(high, rel=1e-10)
        assert row["d_z"] == pytest.approx(reference.statistic / np.sqrt(both.sum()), rel=1e-10)


def test_disconfirmation_shares_count_respondents():
    e = np.array([[5.0], [5.0], [5.0], [4.0], [3.0], [np.nan], [6.0], [5.0]])
    p = np.array([[4.0], [5.0], [6.0], [5.0], [4.0], [7.0], [np.nan], [7.0]])
    row = gap.paired_gaps(e, p, ["A"]).iloc[0]
    # answered both: (5,4) (5,5) (5,6) (4,5) (3,4) (5,7) -> below 1, meeting 1, exceeding 4;
    # P >= 1.2 E: 6 >= 6, 5 >= 4.8, 4 >= 3.6, 7 >= 6 -> 4 of 6.
    assert row["n"] == 6
    assert row["share_below"] == pytest.approx(1 / 6)
    assert row["share_meeting"] == pytest.approx(1 / 6)
    assert row["share_exceeding"] == pytest.approx(4 / 6)
    assert row["share_exceeding_20"] == pytest.approx(4 / 6)


@pytest.mark.parametrize("n", [30, 49, 51, 400, 5000])
def test_wilcoxon_matches_scipy_with_ties_and_zeros(n):
    rng = np.random.default_rng(n)
    e, p = gap_pairs(rng, n, np.array([-0.5, 0.0, 0.3, 1.0]))
    ours = gap_distribution.signed_rank_pvalues(p - e)
    for j in range(4):
        d = (p - e)[:, j]
        d = d[~np.isnan(d)]
        assert ours[j] == pytest.approx(stats.wilcoxon(d).pvalue, rel=1e-9, abs=1e-300)


def test_wilcoxon_matches_scipy_on_continuous_differences():
    rng = np.random.default_rng(3)
    d = rng.normal(0.1, 1.0, (300, 3))
    d[rng.random(d.shape) < 0.1] = np.nan
    expected = [stats.wilcoxon(c[~np.isnan(c)]).pvalue for c in d.T]
    np.testing.assert_allclose(gap_distribution.signed_rank_pvalues(d), expected, rtol=1e-9)


def test_wilcoxon_is_missing_without_a_nonzero_difference():
    d = np.zeros((80, 2))
    d[:, 1] = np.nan
    assert np.isnan(gap_distribution.signed_rank_pvalues(d)).all()


def counted(d: np.ndarray) -> bool:
    """Whether signed_rank_pvalues takes the counting path (integer data, narrow range)."""
    answered = ~np.isnan(d.T)
    counts = gap_distribution.PairCounts(d.shape[1])
    counts.add(np.where(answered, d.T, 0.0), unanswered=d.shape[0] - answered.sum(axis=1))
    return counts.countable


@pytest.mark.parametrize("n", [20, 50, 51, 60, 300, 20_000])
def test_wilcoxon_by_counting_equals_scipy_with_many_ties_and_zeros(n):
    # Integer differences in −3..3, ~40% zeros, a column of one sign, one nearly all zeros
    # and one with a wide range (±1000): the bincount path, exact average ranks with ties.
    rng = np.random.default_rng(n)
    shares = [0.05, 0.1, 0.1, 0.4, 0.15, 0.1, 0.1]
    d = rng.choice(np.arange(-3.0, 4.0), size=(n, 5), p=shares)
    d[:, 1] = np.abs(d[:, 1])
    d[: n - 3, 2] = 0.0
    d[:, 3] = rng.integers(-1000, 1001, n)
    d[rng.random(d.shape) < 0.1] = np.nan
    assert counted(d)
    ours = gap_distribution.signed_rank_pvalues(d)
    for j in range(d.shape[1]):
        column = d[~np.isnan(d[:, j]), j]
        expected = stats.wilcoxon(column).pvalue if np.any(column != 0) else np.nan
        np.testing.assert_allclose(ours[j], expected, rtol=1e-9, atol=1e-300, err_msg=str(j))


def test_wilcoxon_falls_back_to_sorting_beyond_the_counting_range():
    rng = np.random.default_rng(12)
    d = rng.integers(-(10**7), 10**7, (400, 2)).astype(float)
    d[::7, 0] = 0.0
    assert not counted(d)
    np.testing.assert_allclose(
        gap_distribution.signed_rank_pvalues(d), [stats.wilcoxon(c).pvalue for c in d.T], rtol=1e-9
    )


def test_counting_and_sorting_paths_agree():
    # Halving every rating makes the gaps non-integer (sorting path) and changes no test.
    rng = np.random.default_rng(13)
    e, p = gap_pairs(rng, 700, np.array([-1.0, -0.2, 0.0, 0.6]))
    whole, halves = gap.paired_gaps(e, p, list("ABCD")), gap.paired_gaps(e / 2, p / 2, list("ABCD"))
    assert counted(p - e) and not counted((p - e) / 2)
    for column in ("n", "t", "p_value", "p_wilcoxon", "d_z", "share_below", "share_meeting",
                   "share_exceeding", "share_exceeding_20"):  # fmt: skip
        np.testing.assert_allclose(halves[column], whole[column], rtol=1e-9, err_msg=column)
    for column in ("expectation", "perception", "gap", "sd", "ci_low", "ci_high"):
        np.testing.assert_allclose(halves[column], whole[column] / 2, rtol=1e-12, err_msg=column)


@pytest.mark.parametrize("block", [gap.BLOCK_RESPONDENTS, 64])
def test_every_level_matches_scipy_on_its_per_respondent_gaps(block, monkeypatch):
    # Dimensions and overall (also importance-weighted) summarized in the pass over the items,
    # across block boundaries, against scipy on the per-respondent gaps of gap_levels.
    monkeypatch.setattr(gap, "BLOCK_RESPONDENTS", block)
    rng = np.random.default_rng(14)
    e, p = gap_pairs(rng, 1000, np.linspace(-1.0, 0.5, 22), missing=0.1)
    importance = rng.integers(1, 8, e.shape).astype(float)
    importance[rng.random(e.shape) < 0.1] = np.nan
    inputs = gap.GapInputs(ITEMS, e, p, SERVQUAL22, importance)
    tables = gap.gap_tables(inputs)
    for level in gap.gap_levels(inputs):
        table = tables[level.label]
        assert len(table) == len(level.names)
        for j, row in table.iterrows():
            g = level.gaps[:, j]
            both = ~np.isnan(g)
            ej, pj, gj = level.expectation[both, j], level.perception[both, j], g[both]
            reference = stats.ttest_rel(pj, ej)
            assert row["n"] == both.sum()
            assert row["expectation"] == pytest.approx(ej.mean(), rel=1e-12)
            assert row["perception"] == pytest.approx(pj.mean(), rel=1e-12)
            assert row["gap"] == pytest.approx(gj.mean(), rel=1e-12, abs=1e-14)
            assert row["sd"] == pytest.approx(np.std(gj, ddof=1), rel=1e-9)
            assert row["t"] == pytest.approx(reference.statistic, rel=1e-9)
            assert row["p_value"] == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
            assert row["p_wilcoxon"] == pytest.approx(stats.wilcoxon(gj).pvalue, rel=1e-9)
            assert row["share_below"] == pytest.approx(np.mean(gj < 0), rel=1e-12)
            assert row["share_exceeding"] == pytest.approx(np.mean(gj > 0), rel=1e-12)
            assert row["share_exceeding_20"] == pytest.approx(np.mean(pj >= 1.2 * ej), rel=1e-12)


# --- multiple testing -----------------------------------------------------------------------


def holm_by_hand(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted


def bh_by_hand(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)[::-1]
    m = len(p)
    adjusted = np.empty(m)
    running = 1.0
    for position, index in enumerate(order):
        rank = m - position
        running = min(running, p[index] * m / rank)
        adjusted[index] = running
    return adjusted


def test_holm_and_bh_agree_with_the_published_procedures():
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.5, 0.02])
    np.testing.assert_allclose(adjust_pvalues(p, "holm"), holm_by_hand(p), rtol=1e-12)
    np.testing.assert_allclose(adjust_pvalues(p, "bh"), bh_by_hand(p), rtol=1e-12)


@pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("bh", "fdr_bh")])
def test_adjustment_equals_statsmodels(ours, theirs):
    p = np.random.default_rng(7).uniform(0, 0.2, 40)
    np.testing.assert_allclose(adjust_pvalues(p, ours), multipletests(p, method=theirs)[1])


def test_adjustment_ignores_missing_pvalues():
    p = np.array([0.01, np.nan, 0.04])
    adjusted = adjust_pvalues(p, "holm")
    assert np.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2]], holm_by_hand(np.array([0.01, 0.04])))


@LIMITED
@given(
    p=st.lists(st.floats(1e-12, 1.0), min_size=1, max_size=30).map(np.array),
    method=st.sampled_from(["holm", "bh"]),
)
def test_adjusted_pvalues_are_at_least_the_raw_ones(p, method):
    adjusted = adjust_pvalues(p, method)
    assert np.all(adjusted >= p - 1e-15)
    assert np.all(adjusted <= 1.0)


# --- invariants -----------------------------------------------------------------------------

pairs = st.integers(0, 2**32 - 1).map(lambda seed: gap_pairs(
    np.random.default_rng(seed), 60, np.random.default_rng(seed).normal(0, 1, 4)
))  # fmt: skip


@LIMITED
@given(data=pairs, shift=st.integers(-3, 3))
def test_adding_a_constant_to_both_leaves_gaps_unchanged(data, shift):
    e, p = data
    names = list("ABCD")
    before = gap.paired_gaps(e, p, names)
    after = gap.paired_gaps(e + shift, p + shift, names)
    for column in ("n", "gap", "sd", "ci_low", "ci_high", "p_value", "p_wilcoxon", "d_z"):
        np.testing.assert_allclose(after[column], before[column], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(after["expectation"], before["expectation"] + shift, rtol=1e-12)


@LIMITED
@given(data=pairs)
def test_disconfirmation_shares_sum_to_one(data):
    e, p = data
    table = gap.paired_gaps(e, p, list("ABCD"))
    total = table[["share_below", "share_meeting", "share_exceeding"]].sum(axis=1)
    np.testing.assert_allclose(total, 1.0)
    assert np.all(table["share_exceeding_20"] <= 1.0)


@LIMITED
@given(seed=st.integers(0, 2**32 - 1))
def test_dimension_gap_is_the_mean_of_its_items_per_respondent_gaps(seed):
    rng = np.random.default_rng(seed)
    e, p = gap_pairs(rng, 50, rng.normal(0, 1, 22), missing=0.2)
    inputs = gap.GapInputs(ITEMS, e, p, SERVQUAL22)
    dimension = next(lv for lv in gap.gap_levels(inputs) if lv.label == "dimension")
    item_gaps = pd.DataFrame(p - e, columns=ITEMS)
    for j, (name, members) in enumerate(SERVQUAL22.items()):
        expected = item_gaps[list(members)].mean(axis=1, skipna=True).to_numpy()
        ours = dimension.perception[:, j] - dimension.expectation[:, j]
        np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12, err_msg=name)


def test_importance_weighted_overall_gap_per_respondent():
    rng = np.random.default_rng(5)
    e, p = gap_pairs(rng, 40, np.array([-1.0, 0.0, 1.0]))
    importance = rng.integers(1, 8, e.shape).astype(float)
    importance[0, 0] = np.nan
    inputs = gap.GapInputs(("A", "B", "C"), e, p, {}, importance)
    overall = next(lv for lv in gap.gap_levels(inputs) if lv.label == "overall")
    assert overall.names == ("unweighted", "importance-weighted")
    for r in range(40):
        g, w = p[r] - e[r], importance[r]
        use = ~np.isnan(g) & ~np.isnan(w)
        expected = np.sum(g[use] * w[use]) / np.sum(w[use]) if use.any() else np.nan
        np.testing.assert_allclose(overall.perception[r, 1] - overall.expectation[r, 1], expected)
        np.testing.assert_allclose(
            overall.perception[r, 0] - overall.expectation[r, 0], np.nanmean(g)
        )


# --- zones of tolerance ---------------------------------------------------------------------


def test_tolerance_zones_against_pandas():
    rng = np.random.default_rng(8)
    n = 200
    adequate = rng.integers(2, 5, (n, 3)).astype(float)
    desired = np.clip(adequate + rng.integers(1, 3, (n, 3)), 1, 7)
    perception = rng.integers(1, 8, (n, 3)).astype(float)
    perception[:10, 0] = np.nan
    zones = gap.tolerance_zones(adequate, desired, perception, ["A", "B", "C"])
    for j in range(3):
        frame = pd.DataFrame({"a": adequate[:, j], "d": desired[:, j], "p": perception[:, j]})
        frame = frame.dropna()
        row = zones.iloc[j]
        assert row["n"] == len(frame)
        assert row["msa"] == pytest.approx((frame.p - frame.a).mean())
        assert row["mss"] == pytest.approx((frame.p - frame.d).mean())
        low, high = stats.ttest_rel(frame.p, frame.a).confidence_interval()
        assert (row["msa_ci_low"], row["msa_ci_high"]) == pytest.approx((low, high))
        assert row["share_below_zone"] == pytest.approx((frame.p < frame.a).mean())
        assert row["share_above_zone"] == pytest.approx((frame.p > frame.d).mean())
        assert row["share_within_zone"] == pytest.approx(
            ((frame.p >= frame.a) & (frame.p <= frame.d)).mean()
        )


def test_zone_position_of_the_mean_perception():
    adequate = np.array([[4.0, 2.0, 2.0]] * 3)
    desired = np.array([[6.0, 6.0, 3.0]] * 3)
    perception = np.array([[3.0, 4.0, 5.0]] * 3)
    zones = gap.tolerance_zones(adequate, desired, perception, ["low", "mid", "high"])
    assert list(zones["position"]) == ["below", "within", "above"]


# --- segments -------------------------------------------------------------------------------


def test_two_segments_use_welch_like_statsmodels():
    rng = np.random.default_rng(21)
    gaps = rng.normal(0, 1, (300, 2))
    gaps[rng.random(gaps.shape) < 0.1] = np.nan
    labels = np.where(rng.random(300) < 0.4, "north", "south").astype(object)
    labels[:5] = None
    gaps[labels == "north", 0] += 0.5
    tests = gap.segment_tests(gaps, labels, ["A", "B"], "holm")
    for j in range(2):
        a = gaps[labels == "north", j]
        b = gaps[labels == "south", j]
        t, p, _ = sm_ttest_ind(a[~np.isnan(a)], b[~np.isnan(b)], usevar="unequal")
        assert tests.loc[j, "test"] == "welch"
        assert tests.loc[j, "statistic"] == pytest.approx(t, rel=1e-10)
        assert tests.loc[j, "p_value"] == pytest.approx(p, rel=1e-9)
    np.testing.assert_allclose(tests["p_adj"], holm_by_hand(tests["p_value"].to_numpy()))


def kruskal_by_hand(groups: list[np.ndarray]) -> tuple[float, float]:
    pooled = np.concatenate(groups)
    ranks = pd.Series(pooled).rank(method="average").to_numpy()
    n = len(pooled)
    h, start = 0.0, 0
    for g in groups:
        r = ranks[start : start + len(g)]
        h += r.sum() ** 2 / len(g)
        start += len(g)
    h = 12 / (n * (n + 1)) * h - 3 * (n + 1)
    _, ties = np.unique(pooled, return_counts=True)
    h /= 1 - np.sum(ties**3 - ties) / (n**3 - n)
    return h, stats.chi2.sf(h, len(groups) - 1)


def test_three_segments_use_kruskal_wallis():
    rng = np.random.default_rng(4)
    gaps = rng.integers(-3, 4, (240, 1)).astype(float)
    labels = np.array(["a", "b", "c"] * 80, dtype=object)
    gaps[labels == "c", 0] += 1
    tests = gap.segment_tests(gaps, labels, ["A"])
    h, p = kruskal_by_hand([gaps[labels == s, 0] for s in ("a", "b", "c")])
    assert tests.loc[0, "test"] == "kruskal"
    assert tests.loc[0, "statistic"] == pytest.approx(h, rel=1e-10)
    assert tests.loc[0, "p_value"] == pytest.approx(p, rel=1e-9)


# --- the survey wiring ----------------------------------------------------------------------

TRUE_GAPS = np.linspace(-1.5, 1.0, 22)


def servqual_frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    e = rng.integers(3, 6, (n, 22)).astype(float)
    p = np.round(e + TRUE_GAPS + rng.normal(0, 0.8, e.shape))  # stays within 1..7 enough
    p = np.clip(p, 1, 7)
    frame = pd.DataFrame({"resp_id": np.arange(1, n + 1)})
    frame["region"] = rng.choice(["north", "south"], n)
    for j, item in enumerate(ITEMS):
        frame[f"{item}_E"] = e[:, j]
        frame[f"{item}_P"] = p[:, j]
        frame[f"{item}_I"] = rng.integers(1, 8, n)
    for item in ITEMS[:3]:
        frame[f"{item}_MIN"] = rng.integers(2, 5, n)
        frame[f"{item}_DES"] = rng.integers(5, 8, n)
    return frame


@pytest.fixture(scope="module")
def survey_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gap") / "servqual.csv"
    servqual_frame().to_csv(path, index=False)
    return path


def test_run_reads_pairs_dimensions_zones_and_importance(survey_file):
    survey = load(survey_file)
    assert get("gap").supports(survey)
    result = run_analysis("gap", survey, by="region")
    document = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert document["n"] == 600
    item_keys = {"item", "dimension", "expectation", "perception", "gap", "ci_low", "ci_high",
                 "p_value", "p_adj"}  # fmt: skip
    assert item_keys <= set(document["items"][0])
    assert {"dimension", "gap", "ci_low", "ci_high"} <= set(document["dimensions"][0])
    assert [d["dimension"] for d in document["dimensions"]] == list(SERVQUAL22)
    assert [i["item"] for i in document["items"]] == list(ITEMS)
    assert document["items"][4]["dimension"] == "Reliability"
    assert [z["item"] for z in document["zones"]] == ["Q1", "Q2", "Q3"]
    assert document["ipa"]["importance"] == "stated"
    assert {o["measure"] for o in document["overall"]} == {"unweighted", "importance-weighted"}
    assert {t["test"] for t in document["segment_tests"]} == {"welch"}
    assert {s["segment"] for s in document["segments"]} == {"north", "south"}
    titles = [t.title for t in result.tables()]
    assert "Gap per dimension" in titles and "Zones of tolerance" in titles


def test_true_gaps_are_recovered_within_their_confidence_intervals(survey_file):
    result = run_analysis("gap", load(survey_file))
    # Rounding and clipping keep the designed gaps where 3..5 + gap ± noise stays in 1..7.
    inside = (result.items["ci_low"] <= TRUE_GAPS) & (result.items["ci_high"] >= TRUE_GAPS)
    assert inside.mean() >= 0.85
    np.testing.assert_allclose(result.items["gap"], TRUE_GAPS, atol=0.15)


def test_segment_column_must_exist(survey_file):
    with pytest.raises(UsageError, match="no such column"):
        run_analysis("gap", load(survey_file), by="nowhere")


def test_bh_adjustment_is_applied_on_request(survey_file):
    result = run_analysis("gap", load(survey_file), adjust="bh")
    expected = bh_by_hand(result.items["p_value"].to_numpy())
    np.testing.assert_allclose(result.items["p_adj"], np.minimum(expected, 1.0), rtol=1e-10)


# --- command line ---------------------------------------------------------------------------


def cli_app() -> typer.Typer:
    """The ``csi`` application."""
    return cli.app


def test_csi_gap_json_has_the_keys_of_the_spec(survey_file):
    result = CliRunner().invoke(
        cli_app(), ["gap", str(survey_file), "--format", "json", "--adjust", "bh",
                    "--crosshair", "mid", "--importance", "relative"]
    )  # fmt: skip
    assert result.exit_code == 2, result.output  # no 'overall' column for derived importance
    result = CliRunner().invoke(
        cli_app(), ["gap", str(survey_file), "--format", "json", "--crosshair", "mid"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {"n", "items", "dimensions"} <= set(document)
    assert document["adjust"] == "holm"
    assert document["ipa"]["crosshair"] == "mid"
    assert document["ipa"]["x_line"] == pytest.approx(4.0)


# --- the bundled sample ---------------------------------------------------------------------


def sample_truth(sample_file: Path) -> dict[str, float]:
    """``TRUE_GAPS`` of sample_data/make_sample.py: the exact expected P − E per dimension."""
    spec = importlib.util.spec_from_file_location(
        "make_sample", sample_file.parent / "make_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TRUE_GAPS


def test_sample_gaps_are_recovered_within_their_confidence_intervals(sample_file):
    truth = sample_truth(sample_file)
    result = run_analysis("gap", load(sample_file))
    dimensions = result.dimensions.set_index("dimension")
    assert list(dimensions.index) == list(truth)
    for dimension, true_gap in truth.items():
        row = dimensions.loc[dimension]
        assert row["ci_low"] <= true_gap <= row["ci_high"], dimension
    items = result.items
    true_item_gaps = items["dimension"].map(truth)
    inside = (items["ci_low"] <= true_item_gaps) & (items["ci_high"] >= true_item_gaps)
    assert inside.mean() >= 0.9  # 95% intervals: about one miss in 22 is expected
