"""Which columns feed which analysis: the naming conventions (docs/spec.md) with no spec, and
the spec's choices (missing columns recorded, never dropped silently)."""

from __future__ import annotations

import pytest

from csi_cli.layout import CCSI_PATHS, ECSI_PATHS, GapItem, KanoPair, resolve_layout
from csi_cli.spec import Spec, parse_spec
from tests.helpers import ECSI, ecsi_columns


def _layout(columns, spec=None, scale=(1.0, 10.0)):
    return resolve_layout(columns, spec or Spec(), lambda cols: scale)


def test_construct_codes_are_case_insensitive():
    columns = ["imag1", "Imag2", "expe1", "EXPE2", "qual1", "val1", "Sat1", "sat2", "comp1", "loy1"]
    layout = _layout(columns)
    assert dict(layout.csi_blocks) == {
        "IMAG": ("imag1", "Imag2"),
        "EXPE": ("expe1", "EXPE2"),
        "QUAL": ("qual1",),
        "VAL": ("val1",),
        "SAT": ("Sat1", "sat2"),
        "COMP": ("comp1",),
        "LOY": ("loy1",),
    }
    assert layout.csi_model == "ecsi"


def test_items_sorted_by_number_not_text():
    layout = _layout(["SAT10", "SAT2", "SAT1", *ecsi_columns(1, ("IMAG", "EXPE", "QUAL", "VAL"))])
    assert layout.csi_blocks["SAT"] == ("SAT1", "SAT2", "SAT10")


def test_not_construct_items():
    layout = _layout(["SATISFIED", "SAT", "SAT_1", "xSAT1", "SAT1a", "VALUE1"])
    assert dict(layout.csi_blocks) == {}
    assert layout.csi_model is None and layout.csi_problem is None


@pytest.mark.parametrize(
    ("constructs", "model"),
    [
        (ECSI, "ecsi"),
        (("EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY"), "acsi"),
        (("IMAG", "EXPE", "QUAL", "VAL", "SAT", "LOY"), "ccsi"),
    ],
)
def test_model_from_blocks(constructs, model):
    layout = _layout(["id", *ecsi_columns(2, constructs)])
    assert layout.csi_model == model
    assert layout.csi_problem is None
    assert set(layout.csi_paths) | {p for ps in layout.csi_paths.values() for p in ps} == set(
        constructs
    )


def test_paths_follow_the_contract():
    assert _layout(ecsi_columns(1)).csi_paths == ECSI_PATHS
    ccsi = _layout(ecsi_columns(1, ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "LOY")))
    assert ccsi.csi_paths == CCSI_PATHS
    # docs/spec.md, "Models": CCSI is ECSI without COMP
    assert {(p, c) for c, ps in CCSI_PATHS.items() for p in ps} == {
        (p, c) for c, ps in ECSI_PATHS.items() for p in ps if "COMP" not in (p, c)
    }


@pytest.mark.parametrize(
    "constructs",
    [("SAT",), ("EXPE", "QUAL", "VAL", "SAT", "LOY"), ("IMAG", "SAT", "LOY"), ECSI[:-1]],
)
def test_other_block_sets_need_a_spec(constructs):
    layout = _layout(ecsi_columns(2, constructs))
    assert layout.csi_model is None
    assert "custom" in layout.csi_problem and "[csi.paths]" in layout.csi_problem


def test_spec_model_lacking_blocks():
    layout = _layout(ecsi_columns(1, ("SAT", "LOY")), parse_spec({"csi": {"model": "acsi"}}))
    assert layout.csi_model is None
    assert "EXPE" in layout.csi_problem and "[csi.blocks]" in layout.csi_problem


def test_custom_model():
    spec = parse_spec({"csi": {"model": "custom", "paths": {"loy": ["sat"]}}})
    layout = _layout(["SAT1", "SAT2", "LOY1"], spec)
    assert layout.csi_model == "custom"
    assert dict(layout.csi_paths) == {"LOY": ("SAT",)}
    no_paths = _layout(["SAT1", "LOY1"], parse_spec({"csi": {"model": "custom"}}))
    assert no_paths.csi_model is None and "[csi.paths]" in no_paths.csi_problem


def test_spec_blocks_glob_and_list_and_missing():
    spec = parse_spec(
        {"csi": {"blocks": {"sat": "Q1*", "LOY": ["rebuy", "推荐", "gone"], "IMAG": "zz*"}}}
    )
    layout = _layout(["Q1", "Q10", "q11", "Q2", "rebuy", "推荐"], spec)
    assert layout.csi_blocks["SAT"] == ("Q1", "Q10", "q11")
    assert layout.csi_blocks["LOY"] == ("rebuy", "推荐")
    assert layout.csi_blocks["IMAG"] == ()
    missing = {(m.column, m.where) for m in layout.missing}
    assert ("gone", "[csi.blocks] LOY") in missing
    assert ("zz*", "[csi.blocks] IMAG") in missing


def test_kano_pairs():
    columns = [
        "fast_func",
        "fast_dysf",
        "fast_imp",
        "送货快_func",
        "送货快_dysf",
        "lonely_func",
        "x",
    ]
    layout = _layout(columns)
    assert layout.kano == (
        KanoPair("fast", "fast_func", "fast_dysf", importance="fast_imp"),
        KanoPair("送货快", "送货快_func", "送货快_dysf"),
    )


def test_kano_spec_patterns():
    spec = parse_spec({"kano": {"functional": "F_{attr}", "dysfunctional": "D_{attr}"}})
    layout = _layout(["F_price", "D_price", "price_func", "price_dysf"], spec)
    assert layout.kano == (KanoPair("price", "F_price", "D_price"),)


def test_gap_items_natural_order_and_levels():
    columns = [
        "Q10_E",
        "Q10_P",
        "Q2_E",
        "Q2_P",
        "Q2_MIN",
        "Q2_DES",
        "Q2_I",
        "Q3_E",
        "服务_E",
        "服务_P",
    ]
    layout = _layout(columns)
    assert layout.gap == (
        GapItem("Q2", "Q2_E", "Q2_P", minimum="Q2_MIN", desired="Q2_DES", importance="Q2_I"),
        GapItem("Q10", "Q10_E", "Q10_P"),
        GapItem("服务", "服务_E", "服务_P"),
    )
    assert layout.gap_dimensions == {}


def test_servqual22_dimensions_when_all_present():
    columns = [f"Q{i}_{s}" for i in range(1, 23) for s in "EP"]
    layout = _layout(columns)
    assert list(layout.gap_dimensions) == [
        "Tangibles",
        "Reliability",
        "Responsiveness",
        "Assurance",
        "Empathy",
    ]
    assert layout.gap_dimensions["Reliability"] == ("Q5", "Q6", "Q7", "Q8", "Q9")
    partial = _layout(columns[:-2])  # Q22 missing: no dimensions unless the spec asks
    assert partial.gap_dimensions == {}
    asked = _layout(columns[:-2], parse_spec({"gap": {"dimensions": "servqual22"}}))
    assert asked.gap_dimensions["Empathy"] == ("Q18", "Q19", "Q20", "Q21")
    assert any(m.column == "Q22_E/_P" for m in asked.missing)


@pytest.mark.parametrize(
    ("columns", "nps", "overall"),
    [
        (["NPS", "overall"], "NPS", "overall"),
        (["recommend", "Overall"], "recommend", "Overall"),
        (["nps ", "x"], "nps ", None),
        (["x"], None, None),
    ],
)
def test_nps_and_overall(columns, nps, overall):
    layout = _layout(columns)
    assert (layout.nps, layout.overall) == (nps, overall)


def test_id_date_and_segments_from_spec():
    spec = parse_spec(
        {"survey": {"id": "编号", "date": "填写时间", "segments": ["地区", "渠道"], "nps": "推荐"}}
    )
    layout = _layout(["编号", "填写时间", "地区", "推荐"], spec)
    assert (layout.id, layout.date, layout.nps) == ("编号", "填写时间", "推荐")
    assert layout.segments == ("地区",)
    assert [(m.column, m.where) for m in layout.missing] == [("渠道", "[survey] segments")]


def test_spec_names_a_column_the_file_lacks():
    spec = parse_spec({"survey": {"id": "resp", "date": "when", "nps": "NPS"}})
    layout = _layout(["id", "month", "recommend"], spec)
    assert (layout.id, layout.date, layout.nps) == (None, None, None)
    assert {m.where for m in layout.missing} == {"[survey] id", "[survey] date", "[survey] nps"}


def test_conventional_id_and_date():
    layout = _layout(["Resp_ID", "Month", "SAT1"])
    assert (layout.id, layout.date) == ("Resp_ID", "Month")


def test_scale_from_spec_or_reader():
    layout = _layout(ecsi_columns(1), parse_spec({"survey": {"scale": [0, 100]}}), scale=None)
    assert layout.csi_scale == (0.0, 100.0)
    assert _layout(ecsi_columns(1), scale=(1.0, 5.0)).csi_scale == (1.0, 5.0)
    assert _layout(["x"]).csi_scale is None  # no blocks: nothing to read


def test_rating_columns():
    layout = _layout(["SAT1", "Q1_E", "Q1_P", "a_func", "a_dysf", "a_imp", "NPS", "overall"])
    assert layout.rating_columns == ("SAT1", "Q1_E", "Q1_P", "a_imp", "NPS", "overall")
