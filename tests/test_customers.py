"""Customer value and loyalty: numerics against direct formulas, scipy and statsmodels; hand
counts; invariants (hypothesis); inputs and the spec; the sample's designed truth."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.proportion import confint_proportions_2indep
from typer.testing import CliRunner

from csi_cli.analyses import get
from csi_cli.analyses.customer_inputs import (
    CustomersSpec,
    check,
    find_columns,
    gather,
    retention,
    tier_order,
)
from csi_cli.analyses.customer_result import CustomersResult
from csi_cli.analyses.customers import analyse, compare_results, history_figures, share_changes
from csi_cli.analysis import CHANGE_COLUMNS
from csi_cli.cli import app
from csi_cli.errors import SpecError
from csi_cli.methods import customers as cm
from csi_cli.methods import loyalty as lm
from csi_cli.methods.nps import nps_summary
from csi_cli.spec import parse_section
from csi_cli.survey import load
from csi_cli.validate import validate
from tests.helpers import write_csv

Z = stats.norm.ppf(0.975)
runner = CliRunner()
values_strategy = st.lists(
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=60
)


def wilson_direct(k: float, n: float) -> tuple[float, float]:
    """Wilson (1927) interval written out."""
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


# --- tiers -----------------------------------------------------------------------------------


def test_value_tiers_by_hand() -> None:
    value = np.array([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, np.nan], dtype=float)
    codes = cm.value_tiers(value)
    # 20% / 30% / 30% / 20% of ten customers, highest value first; NaN has no tier
    np.testing.assert_array_equal(codes, [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, -1])


def test_equal_values_share_a_tier() -> None:
    codes = cm.value_tiers(np.array([5.0, 5.0, 5.0, 1.0, 1.0]))
    assert codes[0] == codes[1] == codes[2] == 0 and codes[3] == codes[4]


def test_curry_cuts_put_one_percent_on_top() -> None:
    codes = cm.value_tiers(np.arange(1000, dtype=float), (0.01, 0.05, 0.20))
    np.testing.assert_array_equal(np.bincount(codes), [10, 40, 150, 800])


@given(values_strategy, st.randoms(use_true_random=False))
def test_tiers_partition_and_ignore_row_order(values: list[float], rnd) -> None:
    value = np.array(values)
    codes = cm.value_tiers(value)
    assert ((codes >= 0) & (codes < 4)).all()
    assert np.bincount(codes, minlength=4).sum() == value.size
    order = np.arange(value.size)
    rnd.shuffle(order)
    np.testing.assert_array_equal(cm.value_tiers(value[order]), codes[order])
    # a higher value never sits in a lower tier
    ranked = np.argsort(-value, kind="stable")
    assert (np.diff(codes[ranked]) >= 0).all()


def test_label_tiers_maps_order_and_blanks() -> None:
    codes = cm.label_tiers(["金卡", None, "钻石", "普通"], ("钻石", "金卡", "银卡", "普通"))
    np.testing.assert_array_equal(codes, [1, -1, 0, 3])


# --- concentration ---------------------------------------------------------------------------


@given(values_strategy.filter(lambda v: sum(v) > 0))
def test_gini_is_the_mean_absolute_difference(values: list[float]) -> None:
    x = np.array(values)
    direct = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert cm.gini(x) == pytest.approx(direct, abs=1e-9)
    shuffled = x[::-1].copy()
    assert cm.gini(shuffled) == pytest.approx(cm.gini(x), abs=1e-12)


def test_lorenz_and_top_share_by_hand() -> None:
    value = np.array([1.0, 2, 3, 4, 10])  # total 20
    customers, held = cm.lorenz_curve(value)
    np.testing.assert_allclose(customers, [0, 0.2, 0.4, 0.6, 0.8, 1])
    np.testing.assert_allclose(held, np.array([0, 1, 3, 6, 10, 20]) / 20)
    result = cm.concentration(value)
    assert result.top_share == pytest.approx(10 / 20)  # the top customer is the top 20%
    assert result.lorenz["value"].iloc[-1] == pytest.approx(1.0)
    equal = cm.concentration(np.full(7, 3.0))
    assert equal.gini == pytest.approx(0.0) and equal.top_share == pytest.approx(0.2)


# --- value at risk ---------------------------------------------------------------------------


def test_value_at_risk_share_and_delta_method_se() -> None:
    rng = np.random.default_rng(3)
    value = rng.lognormal(7, 1, 400)
    risk = (rng.random(400) < 0.3).astype(float)
    risk[:5] = np.nan
    value[5:8] = np.nan
    result = cm.value_at_risk(value, risk)
    keep = ~(np.isnan(value) | np.isnan(risk))
    v, d = value[keep], risk[keep]
    assert result.value == pytest.approx((v * d).sum())
    assert result.share == pytest.approx((v * d).sum() / v.sum())
    # delta method on the means of (v·d, v), with the sample covariance (divisor n − 1)
    cov = np.cov(np.vstack([v * d, v])) / v.size
    r = result.share
    gradient = np.array([1 / v.mean(), -r / v.mean()])
    assert result.share_se == pytest.approx(math.sqrt(gradient @ cov @ gradient), rel=1e-9)
    assert result.ci_low == pytest.approx(v.sum() * (r - Z * result.share_se))
    assert result.n == v.size and result.at_risk == int(d.sum())


@given(
    st.lists(st.tuples(st.floats(0.01, 1e5), st.sampled_from([0.0, 1.0])), min_size=2, max_size=40),
    st.randoms(use_true_random=False),
)
def test_value_at_risk_complements_and_ignores_row_order(pairs, rnd) -> None:
    value, risk = (np.array(v) for v in zip(*pairs, strict=True))
    held = cm.value_at_risk(value, risk)
    assert held.share + cm.value_at_risk(value, 1 - risk).share == pytest.approx(1.0)
    order = list(range(value.size))
    rnd.shuffle(order)
    shuffled = cm.value_at_risk(value[order], risk[order])
    assert shuffled.share == pytest.approx(held.share)
    assert shuffled.share_se == pytest.approx(held.share_se, abs=1e-12)


# --- per tier --------------------------------------------------------------------------------


def test_group_means_match_scipy_t_interval() -> None:
    rng = np.random.default_rng(1)
    scores = rng.normal(60, 15, 300)
    codes = rng.integers(-1, 3, 300)
    frame = cm.group_means(scores, codes, 3)
    for g in range(3):
        x = scores[codes == g]
        low, high = stats.t.interval(0.95, x.size - 1, x.mean(), stats.sem(x))
        row = frame.iloc[g]
        assert row["n"] == x.size
        assert row["mean"] == pytest.approx(x.mean())
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


def test_kruskal_matches_scipy_and_needs_two_groups() -> None:
    rng = np.random.default_rng(2)
    scores = rng.integers(1, 11, 200).astype(float)
    codes = rng.integers(0, 4, 200)
    expected = stats.kruskal(*[scores[codes == g] for g in range(4)])
    result = cm.kruskal_test(scores, codes)
    assert result["statistic"] == pytest.approx(expected.statistic)
    assert result["p_value"] == pytest.approx(expected.pvalue)
    assert math.isnan(cm.kruskal_test(scores, np.zeros(200, dtype=int))["p_value"])


def test_tier_table_by_hand() -> None:
    codes = np.array([0, 0, 1, 1, 1, -1])
    value = np.array([100.0, 50, 10, 20, np.nan, 999])
    dissatisfied = np.array([1.0, 0, 1, 0, 1, 1])
    recommend = np.array([10.0, 3, 9, 9, 2, 0])
    table = cm.tier_table(
        cm.TierInputs(
            codes, ("top", "rest"), value=value, recommend=recommend, dissatisfied=dissatisfied
        )
    )
    assert table["n"].tolist() == [2, 3]
    assert table["share_customers"].sum() == pytest.approx(1.0)
    assert table["value"].tolist() == [150.0, 30.0]
    assert table["share_value"].tolist() == pytest.approx([150 / 180, 30 / 180])
    assert table["mean_value"].tolist() == pytest.approx([75.0, 15.0])
    assert table["value_at_risk"].tolist() == [100.0, 10.0]
    assert table["nps"].iloc[1] == pytest.approx(nps_summary(np.array([9.0, 9, 2])).nps)


# --- levels, boxes, quadrants ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "top", "dissatisfied"),
    [((1, 5), 5, 2), ((1, 7), 7, 3), ((1, 10), 9, 5), ((0, 10), 9, 4)],
)
def test_default_thresholds(scale, top, dissatisfied) -> None:
    assert lm.default_top_box(scale) == top
    assert lm.default_dissatisfied(scale) == dissatisfied


def test_levels_round_half_up_and_clip() -> None:
    np.testing.assert_array_equal(
        lm.to_levels(np.array([8.5, 8.49, 0.2, 11.0, np.nan]), (1, 10)), [9, 8, 1, 10, np.nan]
    )


def test_quadrants_by_hand_counts_with_wilson() -> None:
    satisfied = np.array([1, 1, 1, 0, 0, 0, 0, 1, np.nan], dtype=float)
    loyal = np.array([1, 1, 0, 1, 0, 0, 0, 0, 1], dtype=float)
    frame = lm.quadrants(satisfied, loyal)
    assert frame["quadrant"].tolist() == ["loyalist", "mercenary", "hostage", "defector"]
    assert frame["n"].tolist() == [2, 2, 1, 3]
    assert frame["share"].sum() == pytest.approx(1.0)
    low, high = wilson_direct(3, 8)
    assert (frame["ci_low"].iloc[3], frame["ci_high"].iloc[3]) == pytest.approx((low, high))


@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 1.0, np.nan]), st.sampled_from([0.0, 1.0])),
        min_size=1,
        max_size=50,
    )
)
def test_quadrant_shares_sum_to_one(pairs) -> None:
    satisfied, loyal = (np.array(v) for v in zip(*pairs, strict=True))
    frame = lm.quadrants(satisfied, loyal)
    known = int((~np.isnan(satisfied)).sum())
    assert frame["n"].sum() == known
    if known:
        assert frame["share"].sum() == pytest.approx(1.0)


def test_box_shares_and_loyalty_curve_by_hand() -> None:
    levels = np.array([10, 9, 9, 8, 7, 10, np.nan])
    boxes = lm.box_shares(levels, (1, 10))
    assert boxes["n"].tolist() == [2, 4]
    assert boxes["share"].tolist() == pytest.approx([2 / 6, 4 / 6])
    loyal = np.array([1, 1, 0, 0, 0, 1, 1], dtype=float)
    curve = lm.rate_by_level(levels, loyal, "loyal_share")
    assert curve["level"].tolist() == [7, 8, 9, 10]
    assert curve["loyal_share"].tolist() == pytest.approx([0, 0, 0.5, 1])
    assert (curve["ci_low"].iloc[2], curve["ci_high"].iloc[2]) == pytest.approx(wilson_direct(1, 2))


def test_loyalty_ratio_is_katz_as_in_statsmodels() -> None:
    rng = np.random.default_rng(4)
    levels = rng.integers(1, 6, 400).astype(float)
    loyal = (rng.random(400) < np.where(levels == 5, 0.6, 0.15)).astype(float)
    ratio = lm.loyalty_ratio(levels, loyal, top_box=5, width=1)
    a, n1 = loyal[levels == 5].sum(), (levels == 5).sum()
    c, n2 = loyal[levels == 4].sum(), (levels == 4).sum()
    assert ratio.ratio == pytest.approx((a / n1) / (c / n2))
    low, high = confint_proportions_2indep(a, n1, c, n2, method="log", compare="ratio")
    assert (ratio.ci_low, ratio.ci_high) == pytest.approx((low, high))


def test_dick_basu_by_hand_and_median_split() -> None:
    repeat = np.array([1, 2, 3, 4, 5, np.nan])
    patronage = lm.high_patronage(repeat)
    np.testing.assert_array_equal(patronage, [0, 0, 0, 1, 1, np.nan])
    np.testing.assert_array_equal(lm.high_patronage(repeat, 2), [0, 1, 1, 1, 1, np.nan])
    attitude = np.array([1, 0, 1, 1, 0, 1], dtype=float)
    frame = lm.dick_basu(attitude, patronage)
    assert dict(zip(frame["cell"], frame["n"], strict=True)) == {
        "true loyalty": 1,
        "latent loyalty": 2,
        "spurious loyalty": 1,
        "no loyalty": 1,
    }


# --- retention -------------------------------------------------------------------------------


def test_retention_matches_statsmodels_and_direct_formulas() -> None:
    rng = np.random.default_rng(5)
    s = rng.integers(1, 11, 600).astype(float)
    y = (rng.random(600) < 1 / (1 + np.exp(-(-2 + 0.4 * s)))).astype(float)
    value = rng.lognormal(6, 1, 600)
    model = lm.retention_model(s, y, value)
    reference = sm.GLM(y, sm.add_constant(s), family=sm.families.Binomial()).fit()
    b0, b1 = reference.params
    assert model.slope == pytest.approx(b1, rel=1e-6)
    assert model.odds_ratio == pytest.approx(math.exp(b1), rel=1e-6)
    assert model.ci_low == pytest.approx(math.exp(b1 - Z * reference.bse[1]), rel=1e-5)
    p = 1 / (1 + np.exp(-(b0 + b1 * s)))
    assert model.marginal_effect == pytest.approx(np.mean(b1 * p * (1 - p)), rel=1e-6)
    # value per point = the derivative of Σ v p(s + h) at h = 0
    h = 1e-5
    shifted = 1 / (1 + np.exp(-(b0 + b1 * (s + h))))
    assert model.value_per_point == pytest.approx((value @ (shifted - p)) / h, rel=1e-4)
    assert model.curve["level"].tolist() == list(range(1, 11))


def test_marginal_effect_interval_matches_get_margeff() -> None:
    rng = np.random.default_rng(6)
    s = rng.normal(6, 2, 300)
    y = (rng.random(300) < 1 / (1 + np.exp(-(-3 + 0.6 * s)))).astype(float)
    margins = sm.Logit(y, sm.add_constant(s)).fit(disp=0).get_margeff(at="overall")
    low, high = margins.conf_int()[0]
    model = lm.retention_model(s, y)
    assert model.marginal_effect == pytest.approx(margins.margeff[0], rel=1e-6)
    assert (model.marginal_ci_low, model.marginal_ci_high) == pytest.approx((low, high), rel=1e-4)


def test_retention_unfit_cases_say_why() -> None:
    s = np.arange(20, dtype=float)
    separated = lm.retention_model(s, (s > 9).astype(float))
    assert math.isnan(separated.odds_ratio) and "separates" in separated.warning
    constant = lm.retention_model(s, np.ones(20))
    assert math.isnan(constant.odds_ratio) and "some retained and some churned" in constant.warning


# --- the spec ---------------------------------------------------------------------------------


def test_spec_parses_and_converts() -> None:
    spec = parse_section(
        "customers",
        CustomersSpec,
        {
            "value": "spend",
            "tier_order": ["A", "B"],
            "tier_cuts": [0.01, 0.05, 0.2],
            "satisfied": 5,
            "answers": {"stayed on": True},
        },
        "csi.toml",
    )
    assert spec.tier_cuts == (0.01, 0.05, 0.2) and spec.satisfied == 5.0
    assert spec.answers["stayed on"] is True


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"valu": "x"}, "unknown key 'valu'"),
        ({"tier_cuts": [0.5, 0.2, 0.8]}, "tier_cuts"),
        ({"tier_cuts": [0.2, 0.5]}, "expected 3 shares"),
        ({"tier_cuts": "0.2"}, "tier_cuts"),
        ({"tier_order": ["a", "a"]}, "distinct"),
        ({"tier_order": []}, "tier_order"),
        ({"satisfied": "top"}, "satisfied: expected a number"),
        ({"answers": {"x": 1}}, "answers"),
        ({"value": 3}, r"\[customers\] value: expected text"),
    ],
)
def test_spec_errors_name_the_key(raw, words) -> None:
    with pytest.raises(SpecError, match=words):
        parse_section("customers", CustomersSpec, raw, "csi.toml")


def test_conventions_and_tier_vocabularies() -> None:
    columns = find_columns(["ID", "Annual_Spend", "会员等级", "Visits", "Churned"], CustomersSpec())
    assert (columns.value, columns.tier, columns.repeat) == ("Annual_Spend", "会员等级", "Visits")
    assert columns.retention == "Churned" and columns.churn
    assert tier_order(["普通", "金卡", "钻石", "银卡", "白金"], CustomersSpec()) == (
        "钻石", "白金", "金卡", "银卡", "普通",
    )  # fmt: skip
    assert tier_order(["Regular", "Gold", "Platinum"], CustomersSpec()) == (
        "Platinum", "Gold", "Regular",
    )  # fmt: skip
    assert tier_order(["A", "Gold"], CustomersSpec()) is None


# --- surveys ---------------------------------------------------------------------------------


def small_survey(tmp_path: Path, extra: dict[str, list], name: str = "s.csv"):
    rng = np.random.default_rng(8)
    n = len(next(iter(extra.values())))
    header = ["id", "overall", "NPS", *extra]
    rows = [
        [i + 1, int(rng.integers(1, 11)), int(rng.integers(0, 11)), *[extra[k][i] for k in extra]]
        for i in range(n)
    ]
    return load(write_csv(tmp_path / name, header, rows))


def test_churn_column_is_read_reversed(tmp_path: Path) -> None:
    survey = small_survey(tmp_path, {"churn": ["是", "否", "1", "0", "流失", "留存", "maybe"]})
    columns = find_columns(list(survey.frame.columns), CustomersSpec())
    values, unknown = retention(survey, columns.retention, columns.churn, CustomersSpec())
    np.testing.assert_array_equal(values, [0, 1, 0, 1, 0, 1, np.nan])
    assert unknown.tolist() == [False] * 6 + [True]


def test_unordered_tier_labels_are_a_spec_error(tmp_path: Path) -> None:
    survey = small_survey(tmp_path, {"tier": ["A", "B", "A"]})
    with pytest.raises(SpecError, match=r"s\.csv, column tier.*tier_order = \[\"A\", \"B\"\]"):
        gather(survey, CustomersSpec())
    with pytest.raises(SpecError, match=r"'B' are not in \[customers\] tier_order"):
        gather(survey, CustomersSpec(tier_order=("A", "C")))


def test_missing_inputs_are_skipped_with_reasons(tmp_path: Path) -> None:
    survey = small_survey(tmp_path, {"comment": ["x"] * 12})
    result = analyse(gather(survey, CustomersSpec()), CustomersSpec())
    document = result.to_dict()
    assert document["tiers"] == [] and document["gini"] is None
    assert document["value_at_risk"] is None and document["retention"] is None
    assert len(document["quadrants"]) == 4  # overall × recommend still give quadrants
    assert any("No value column" in s for s in result.skipped)
    assert any("No retention column" in s for s in result.skipped)


def test_negative_profit_skips_concentration(tmp_path: Path) -> None:
    survey = small_survey(tmp_path, {"profit": [100, -20, 50, 30, 10, 5, 0, 70, 80, 1]})
    result = analyse(gather(survey, CustomersSpec()), CustomersSpec())
    assert result.concentration is None and "negative" in result.warnings[0]
    assert result.tiers["tier"].tolist() == list(cm.PYRAMID_TIERS)


def test_row_order_does_not_change_the_result(tmp_path: Path, sample_file: Path) -> None:
    survey = load(sample_file)
    frame = survey.frame.sample(frac=1.0, random_state=3)
    path = tmp_path / "shuffled.csv"
    frame.to_csv(path, index=False)
    first = analyse(gather(survey, CustomersSpec()), CustomersSpec()).to_dict()
    second = analyse(gather(load(path), CustomersSpec()), CustomersSpec()).to_dict()
    for key in ("gini", "top20_value_share", "quadrants", "loyalty_curve"):
        assert pd.DataFrame(np.atleast_1d(second[key])).equals(
            pd.DataFrame(np.atleast_1d(first[key]))
        ) or second[key] == pytest.approx(first[key])
    assert second["value_at_risk"]["dissatisfied"] == pytest.approx(
        first["value_at_risk"]["dissatisfied"]
    )
    assert second["retention"]["odds_ratio"] == pytest.approx(first["retention"]["odds_ratio"])


# --- the sample's designed truth (sample_data/make_sample.py) ---------------------------------


@pytest.fixture(scope="module")
def sample_result(sample_file: Path):
    return analyse(gather(load(sample_file), CustomersSpec()), CustomersSpec())


def test_sample_gold_tier_is_least_satisfied(sample_result) -> None:
    tiers = sample_result.tiers.set_index("tier")
    assert list(tiers.index) == ["钻石", "金卡", "银卡", "普通"]
    assert tiers["satisfaction"].idxmin() == "金卡"
    assert tiers.loc["金卡", "satisfaction_ci_high"] < tiers.loc["银卡", "satisfaction_ci_low"]
    assert sample_result.tier_test["p_value"] < 0.001
    assert tiers["share_value"].sum() == pytest.approx(1.0)


def test_sample_retention_rises_with_satisfaction(sample_result) -> None:
    model = sample_result.retention
    assert model.ci_low <= math.exp(0.5) <= model.ci_high  # the designed slope, 0.5 a point
    assert model.ci_low > 1 and model.marginal_ci_low > 0 and model.value_per_point > 0


def test_sample_loyalty_jumps_at_the_top_box(sample_result) -> None:
    ratio = sample_result.loyalty_ratio
    assert ratio.ci_low > 2  # completely satisfied: several times as often loyal
    curve = sample_result.loyalty_curve.set_index("level")["loyal_share"]
    assert curve.loc[9] > 2 * curve.loc[7]


def test_sample_repeat_patronage_follows_the_top_box(sample_file: Path) -> None:
    survey = load(sample_file)
    inputs = gather(survey, CustomersSpec())
    top = inputs.satisfaction.levels >= 9
    purchases = inputs.repeat
    # designed: Poisson(7) in the top box, Poisson(3) below (the truth uses the SAT mean)
    assert purchases[top].mean() > 5.5 and purchases[~top & ~np.isnan(purchases)].mean() < 3.6


# --- periods and validation ------------------------------------------------------------------


def test_share_changes_are_the_wald_two_proportion_test() -> None:
    current = pd.DataFrame({"quadrant": ["a", "b"], "n": [30, 70], "share": [0.3, 0.7]})
    previous = pd.DataFrame({"quadrant": ["a", "b"], "n": [45, 55], "share": [0.45, 0.55]})
    rows = share_changes(current, previous, "quadrant", "quadrant")
    test = sm_proportion.test_proportions_2indep(30, 100, 45, 100, method="wald", compare="diff")
    low, high = confint_proportions_2indep(30, 100, 45, 100, method="wald", compare="diff")
    first = rows.iloc[0]
    assert first["name"] == "quadrant:a" and first["difference"] == pytest.approx(-0.15)
    assert first["p_value"] == pytest.approx(test.pvalue)
    assert (first["ci_low"], first["ci_high"]) == pytest.approx((low, high))


def test_period_comparison_of_the_sample(sample_file: Path) -> None:
    survey = load(sample_file)
    month = pd.to_datetime(survey.frame["日期"]).dt.strftime("%Y-%m").to_numpy()
    results = [
        analyse(gather(survey.subset(month == m), CustomersSpec()), CustomersSpec())
        for m in ("2026-10", "2026-09")
    ]
    changes = compare_results(*results).set_index("name")
    assert set(CHANGE_COLUMNS) <= {*changes.columns, "name"}
    assert {"tier share:钻石", "quadrant:defector", "value at risk:dissatisfied"} <= set(
        changes.index
    )
    defector = changes.loc["quadrant:defector"]
    assert defector["points"] == pytest.approx(-100 * defector["difference"])
    assert np.isnan(changes.loc["quadrant:mercenary", "points"])
    now, before = results[0].at_risk, results[1].at_risk
    risk = changes.loc["value at risk:dissatisfied"]
    assert risk["difference"] == pytest.approx(now.share - before.share)
    assert risk["std_error"] == pytest.approx(math.hypot(now.share_se, before.share_se))
    figures = history_figures(results[0])
    assert figures["defector_share"] == pytest.approx(defector["current"])
    assert figures["value_at_risk_share"] == pytest.approx(now.share)


def test_check_reports_customer_column_problems(tmp_path: Path) -> None:
    survey = small_survey(
        tmp_path,
        {"spend": [10, "lots", 30, 5], "retained": ["留存", "流失", "maybe", "是"],
         "tier": ["A", "B", "A", "B"]},
    )  # fmt: skip
    problems = {p.code: p for p in validate(survey) if p.analysis == "customers"}
    assert set(problems) == {"text-in-rating", "unknown-retention-answer", "tier-order"}
    assert problems["text-in-rating"].rows == (3,) and problems["text-in-rating"].column == "spend"
    assert "row 4" in problems["unknown-retention-answer"].message
    assert "[customers.answers]" in problems["unknown-retention-answer"].message
    assert "tier_order" in problems["tier-order"].message
    fixed = CustomersSpec(answers={"maybe": True}, tier_order=("A", "B"))
    assert check(survey, fixed) == []
    missing = CustomersSpec(value="revenue", tier_order=("A", "B"), answers={"maybe": True})
    (named,) = check(survey, missing)
    assert named.code == "missing-column" and "'revenue'" in named.message


# --- the command line ------------------------------------------------------------------------

CONTRACT_KEYS = {"n", "tiers", "gini", "top20_value_share", "value_at_risk", "quadrants",
                 "loyalty_curve", "retention"}  # fmt: skip
TIER_KEYS = {"tier", "n", "share_customers", "value", "share_value", "satisfaction",
             "satisfaction_ci_low", "satisfaction_ci_high", "value_at_risk"}  # fmt: skip


def test_command_json_has_the_contract_keys(sample_file: Path) -> None:
    result = runner.invoke(app, ["customers", str(sample_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) >= CONTRACT_KEYS
    assert all(set(row) >= TIER_KEYS for row in document["tiers"])
    assert {"dissatisfied", "detractors", "ci_low", "ci_high"} <= set(document["value_at_risk"])
    assert [q["quadrant"] for q in document["quadrants"]] == [
        "loyalist", "mercenary", "hostage", "defector",
    ]  # fmt: skip
    assert all({"level", "n", "loyal_share", "ci_low", "ci_high"} <= set(row)
               for row in document["loyalty_curve"])  # fmt: skip
    assert {"odds_ratio", "ci_low", "ci_high", "marginal_effect"} <= set(document["retention"])


def test_analyze_nests_the_same_document(tmp_path: Path, sample_file: Path) -> None:
    out = tmp_path / "all.json"
    result = runner.invoke(app, ["analyze", str(sample_file), "--bootstrap", "0", "-o", str(out)])
    assert result.exit_code == 0, result.output
    nested = json.loads(out.read_text(encoding="utf-8"))["customers"]
    alone = json.loads(runner.invoke(app, ["customers", str(sample_file), "-f", "json"]).stdout)
    assert nested == alone


def test_value_tiers_from_a_new_csv_and_thresholds(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    n = 200
    overall = rng.integers(1, 6, n)
    spend = np.round(rng.lognormal(6, 1, n))
    header = ["id", "overall", "recommend", "Revenue", "Visits", "churn"]
    rows = [[i, int(overall[i]), int(rng.integers(0, 11)), float(spend[i]),
             int(rng.integers(0, 9)), ["yes", "no"][int(rng.random() < 0.7)]]
            for i in range(n)]  # fmt: skip
    path = write_csv(tmp_path / "crm.csv", header, rows)
    result = runner.invoke(app, ["customers", str(path), "-f", "json", "--satisfied", "4"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [t["tier"] for t in document["tiers"]] == list(cm.PYRAMID_TIERS)
    assert [t["n"] for t in document["tiers"]] == [40, 60, 60, 40]
    assert document["thresholds"]["satisfied"] == 4
    satisfied = (overall >= 4).mean()
    quadrants = {q["quadrant"]: q["share"] for q in document["quadrants"]}
    assert quadrants["loyalist"] + quadrants["mercenary"] == pytest.approx(satisfied)
    assert document["gini"] == pytest.approx(cm.gini(spend))
    assert document["sources"]["retention"] == "churn"


def test_unknown_retention_answer_exits_2(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "crm.csv", ["id", "overall", "spend", "retained"],
                     [[1, 5, 10, "留存"], [2, 4, 20, "maybe"], [3, 3, 5, "流失"]])  # fmt: skip
    result = runner.invoke(app, ["customers", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "[unknown-retention-answer] crm.csv, column retained, row 3" in result.stderr
    assert "[customers.answers]" in result.stderr


def test_unordered_tiers_exit_2_with_the_fix(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "crm.csv", ["id", "overall", "tier"],
                     [[1, 5, "A"], [2, 4, "B"]])  # fmt: skip
    result = runner.invoke(app, ["customers", str(path)])
    assert result.exit_code == 2
    assert "[tier-order] crm.csv, column tier" in result.stderr
    assert 'tier_order = ["A", "B"]' in result.stderr


def test_spec_errors_exit_2(tmp_path: Path, sample_file: Path) -> None:
    spec = tmp_path / "csi.toml"
    spec.write_text("[customers]\ntier_cuts = [0.5, 0.2, 0.8]\n", encoding="utf-8")
    result = runner.invoke(app, ["customers", str(sample_file), "--spec", str(spec)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "[customers] tier_cuts: expected increasing shares" in result.stderr
    spec.write_text('[customers]\nvalue = "revenue"\n', encoding="utf-8")
    result = runner.invoke(app, ["customers", str(sample_file), "--spec", str(spec)])
    assert result.exit_code == 2
    assert "[missing-column]" in result.stderr and "'revenue'" in result.stderr


def test_file_without_customer_columns_exits_2(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plain.csv", ["id", "overall"], [[1, 5], [2, 4]])
    result = runner.invoke(app, ["customers", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "no customer columns found" in result.stderr


def test_rising_defectors_are_a_significant_drop_with_an_alert(sample_file: Path) -> None:
    def result(defectors: int) -> CustomersResult:
        kept = np.r_[np.ones(400 - defectors), np.zeros(defectors)]
        return CustomersResult(n=400, sources={}, thresholds={},
                               quadrants=lm.quadrants(kept, kept))  # fmt: skip

    changes = compare_results(result(120), result(60)).set_index("name")
    defector = changes.loc["quadrant:defector"]
    assert defector["p_value"] < 0.001 and defector["points"] == pytest.approx(-15.0)
    message = get("customers").alert({**defector.to_dict(), "name": "quadrant:defector"},
                                     load(sample_file))  # fmt: skip
    assert message.startswith("customers: quadrant:defector rose 15.0 points of 100 (p = ")
