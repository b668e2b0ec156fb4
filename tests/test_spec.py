"""The TOML spec (docs/spec.md) as frozen dataclasses; every mistake is a SpecError naming the
file and the key."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csi_cli.errors import SpecError
from csi_cli.spec import Spec, load_spec, render_toml, with_overrides

# The example spec of the user contract, verbatim (including `target` after the [csi.modes] header).
CONTRACT_EXAMPLE = """
[survey]
sheet = "Responses"            # xlsx sheet name
id = "resp_id"                 # respondent id column
date = "month"                 # date or period column, used by `report --period`
segments = ["region"]          # columns allowed for --by
missing = ["", "99", "N/A"]    # extra missing-value codes
scale = [1, 10]                # rating scale of the CSI items (min, max)

[csi]
model = "ecsi"                 # acsi | ecsi | ccsi | custom
scheme = "path"                # path | centroid | factorial
scaled = true                  # false: centred, not standardized (R plspm scaled = FALSE)
[csi.modes]                    # construct -> "A" (reflective, default) or "B" (formative)
QUAL = "A"
target = "SAT"                 # the construct whose 0-100 index is "the CSI"
[csi.blocks]                   # construct -> columns: a list, or a glob pattern
IMAG = "IMAG*"
SAT = ["SAT1", "SAT2", "SAT3"]
[csi.paths]                    # for model = "custom": construct -> its predecessors
SAT = ["IMAG", "QUAL", "VAL"]

[kano]
functional = "{attr}_func"
dysfunctional = "{attr}_dysf"
importance = "{attr}_imp"
table = "standard"             # standard | pouliot (Berger et al. 1993 p.33)
rule = "mode"                  # mode (M > O > A > I on ties) | aom (A+O+M vs I+R+Q first)
[kano.answers]                 # extra answer texts -> 1..5
"非常喜欢" = 1

[gap]
expectation = "{item}_E"
perception = "{item}_P"
scale = [1, 7]
dimensions = "servqual22"      # the standard SERVQUAL grouping of Q1..Q22, or a table:
# [gap.dimensions]
# Tangibles = ["Q1", "Q2", "Q3", "Q4"]
"""


def _write(tmp_path, text, name="csi.toml", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_contract_example(tmp_path):
    path = _write(tmp_path, CONTRACT_EXAMPLE)
    spec = load_spec(path)
    assert spec.path == path
    s = spec.survey
    assert (s.sheet, s.id, s.date) == ("Responses", "resp_id", "month")
    assert s.segments == ("region",)
    assert s.missing == ("", "99", "N/A")
    assert s.scale == (1.0, 10.0)
    c = spec.csi
    assert (c.model, c.scheme, c.scaled) == ("ecsi", "path", True)
    assert c.target == "SAT"
    assert dict(c.modes) == {"QUAL": "A"}  # `target` is not a construct
    assert dict(c.blocks) == {"IMAG": "IMAG*", "SAT": ("SAT1", "SAT2", "SAT3")}
    assert dict(c.paths) == {"SAT": ("IMAG", "QUAL", "VAL")}
    k = spec.kano
    assert (k.functional, k.dysfunctional, k.importance) == (
        "{attr}_func",
        "{attr}_dysf",
        "{attr}_imp",
    )
    assert (k.table, k.rule) == ("standard", "mode")
    assert dict(k.answers) == {"非常喜欢": 1}
    g = spec.gap
    assert (g.expectation, g.perception, g.scale, g.dimensions) == (
        "{item}_E",
        "{item}_P",
        (1.0, 7.0),
        "servqual22",
    )


def test_target_in_csi_section(tmp_path):
    spec = load_spec(_write(tmp_path, '[csi]\ntarget = "loy"\n[csi.modes]\nSAT = "b"\n'))
    assert spec.csi.target == "LOY"
    assert dict(spec.csi.modes) == {"SAT": "B"}


def test_explicit_target_wins_over_the_modes_quirk(tmp_path):
    spec = load_spec(_write(tmp_path, '[csi]\ntarget = "LOY"\n[csi.modes]\ntarget = "SAT"\n'))
    assert spec.csi.target == "LOY"
    assert dict(spec.csi.modes) == {}


def test_spec_is_frozen(tmp_path):
    spec = load_spec(_write(tmp_path, CONTRACT_EXAMPLE))
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.survey.id = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.csi = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        spec.csi.blocks["LOY"] = ("LOY1",)  # type: ignore[index]
    with pytest.raises(TypeError):
        spec.kano.answers["x"] = 2  # type: ignore[index]


def test_empty_spec_is_the_default(tmp_path):
    spec = load_spec(_write(tmp_path, "# nothing\n"))
    assert dataclasses.replace(spec, path=None) == Spec()


def test_bom_is_accepted(tmp_path):
    spec = load_spec(_write(tmp_path, '[survey]\nid = "编号"\n', encoding="utf-8-sig"))
    assert spec.survey.id == "编号"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[surveys]\nid = 'x'\n", ["[surveys]"]),
        ("[survey]\nsegment = ['region']\n", ["segment", "[survey]"]),
        ("[csi]\nmodel = 'ecsi'\nschema = 'path'\n", ["schema", "[csi]"]),
        ("[kano]\nanswer = {}\n", ["answer", "[kano]"]),
        ("[gap]\nexpectations = '{item}_E'\n", ["expectations", "[gap]"]),
    ],
)
def test_unknown_section_or_key(tmp_path, text, names):
    path = _write(tmp_path, text)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert str(path) in message
    for name in names:
        assert name in message
    assert "known" in message  # says what is allowed


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[survey]\nscale = [10, 1]\n", "scale"),
        ("[survey]\nscale = [1]\n", "scale"),
        ("[survey]\nscale = ['1', '5']\n", "scale"),
        ("[survey]\nheader_row = 0\n", "header_row"),
        ("[survey]\nid = 3\n", "id"),
        ("[survey]\nmissing = [[1]]\n", "missing"),
        ("[csi]\nmodel = 'pls'\n", "model"),
        ("[csi]\nscheme = 'mode'\n", "scheme"),
        ("[csi]\nscaled = 'yes'\n", "scaled"),
        ("[csi]\nmax_iter = -3\n", "max_iter"),
        ("[csi.modes]\nSAT = 'C'\n", "modes"),
        ("[csi]\nblocks = 'IMAG*'\n", "blocks"),
        ("[csi.weights]\nSAT = 0\n", "weights"),
        ("[kano]\ntable = 'fancy'\n", "table"),
        ("[kano]\nrule = 'vote'\n", "rule"),
        ("[kano]\nfunctional = 'func'\n", "functional"),
        ("[kano.answers]\n'喜欢' = 7\n", "answers"),
        ("[gap]\ndimensions = 'servqual5'\n", "dimensions"),
        ("[gap]\nscale = [7, 1]\n", "scale"),
        ("survey = 3\n", "[survey]"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path, text, key):
    path = _write(tmp_path, text)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert str(path) in message
    assert key in message


def test_toml_syntax_error(tmp_path):
    path = _write(tmp_path, '[survey]\nid = "resp_id\n')
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert str(path) in message and "not valid TOML" in message
    assert "line 2" in message  # tomllib's position survives


def test_missing_and_undecodable_spec(tmp_path):
    with pytest.raises(SpecError, match="not found"):
        load_spec(tmp_path / "none.toml")
    path = _write(tmp_path, '[survey]\nid = "编号"\n', encoding="gb18030")
    with pytest.raises(SpecError, match="UTF-8"):
        load_spec(path)


def test_with_overrides_ignores_none():
    spec = with_overrides(Spec(), kano={"rule": "aom", "table": None}, csi={"scheme": None})
    assert spec.kano.rule == "aom" and spec.kano.table == "standard"
    assert spec.csi == Spec().csi
    assert with_overrides(Spec(), csi={"scheme": None}) == Spec()


_KEYS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=10)
_VALUES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=10),
    st.integers(-1000, 1000),
    st.booleans(),
    st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=6), max_size=3),
)


@settings(max_examples=30, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["survey", "csi", "kano", "gap"]),
        st.dictionaries(_KEYS, _VALUES | st.dictionaries(_KEYS, _VALUES, max_size=3), max_size=4),
        max_size=3,
    )
)
def test_render_toml_round_trips(document):
    """What `csi init` writes is TOML that reads back as the same document (Chinese keys,
    quotes, backslashes included)."""
    assert tomllib.loads(render_toml(document)) == document
