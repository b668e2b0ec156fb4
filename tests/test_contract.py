"""The contract every registered analysis keeps (csi_cli/analysis.py), checked for each one.

A new analysis is picked up from the registry: if it forgets a part — its result is not
JSON-safe, a table does not render in some format, ``compare`` returns other columns, a
problem has an undeclared code, its drafted spec section does not parse back, or the bundled
sample does not exercise it — one of these tests fails.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path

import pandas as pd
import pytest

from csi_cli.analyses import MODULES, get, registered, supported
from csi_cli.analysis import CHANGE_COLUMNS, Analysis, Description
from csi_cli.comparison import select_periods
from csi_cli.errors import CsiError
from csi_cli.options import RunOptions
from csi_cli.periods import parse_period
from csi_cli.render import FORMATS, render
from csi_cli.results import Document, Figure, Result, Table
from csi_cli.spec import parse_section, parse_spec, render_toml
from csi_cli.survey import Survey, load
from csi_cli.validate import all_codes, validate
from tests.test_comparison import write_period_survey

NAMES = list(MODULES)
QUICK = RunOptions(seed=2, bootstrap=50)


@pytest.fixture(scope="module")
def sample(sample_file: Path) -> Survey:
    return load(sample_file)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    """A file the repository does not ship: two months, ECSI, Kano, gaps, NPS."""
    return load(write_period_survey(tmp_path_factory.mktemp("contract") / "s.csv", drop=1.0))


@pytest.fixture(scope="module", params=["sample", "generated"])
def survey(request: pytest.FixtureRequest) -> Survey:
    return request.getfixturevalue(request.param)


def _run(analysis: Analysis, survey: Survey) -> Result | None:
    """The analysis' result, or None when the file has no columns for it (the generated file
    predates later analyses; the sample must exercise every one)."""
    if not analysis.supports(survey):
        assert analysis not in supported(survey)
        return None
    return analysis.run(survey, QUICK)


def test_registry_names_match_modules() -> None:
    assert [a.name for a in registered()] == NAMES
    assert len(set(NAMES)) == len(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_sample_exercises_every_analysis(name: str, sample: Survey) -> None:
    assert get(name) in supported(sample), f"sample_data/survey.xlsx has no columns for {name}"


@pytest.mark.parametrize("name", NAMES)
def test_declared_parts(name: str) -> None:
    analysis = get(name)
    assert analysis.title and isinstance(analysis.title, str)
    assert is_dataclass(analysis.options_type)
    analysis.options_type()  # every option has a default
    if analysis.in_report:
        assert analysis.not_supported.endswith(".")
    if analysis.section is not None:
        assert analysis.spec_type is not None and is_dataclass(analysis.spec_type)
        assert parse_section(analysis.section, analysis.spec_type, {}, "t") == (
            analysis.spec_type()
        )
        assert parse_spec({analysis.section: {}}).section(analysis.section) == (
            analysis.spec_type()
        )
    for code, meaning in analysis.codes.items():
        assert code == code.lower() and " " not in code and meaning


@pytest.mark.parametrize("name", NAMES)
def test_result_keeps_the_protocol(name: str, survey: Survey) -> None:
    result = _run(get(name), survey)
    if result is None:
        return
    assert isinstance(result, Result)
    assert result.name == name and result.title
    assert all(isinstance(w, str) for w in result.warnings)
    document = json.loads(json.dumps(result.to_dict(), allow_nan=False, ensure_ascii=False))
    assert isinstance(document, dict) and document
    for label, value in result.headline().items():
        assert isinstance(label, str)
        assert isinstance(value, Figure | str | int | float)
    tables = result.tables()
    assert tables and all(
        isinstance(t, Table) and isinstance(t.frame, pd.DataFrame) for t in tables
    )
    keys = [t.key for t in tables]
    assert len(keys) == len(set(keys)), "table keys must be unique (xlsx sheets, HTML anchors)"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_every_table_renders_in_every_format(name: str, fmt: str, survey: Survey) -> None:
    result = _run(get(name), survey)
    if result is None:
        return
    document = Document(title="t", source="s", n=survey.n, results=(result,))
    rendered = render(document, fmt)
    assert rendered
    if fmt == "json":
        assert json.loads(rendered) == json.loads(json.dumps(result.to_dict(), allow_nan=False))


@pytest.mark.parametrize("name", [a.name for a in registered() if a.in_report])
def test_compare_two_periods(name: str, survey: Survey) -> None:
    analysis = get(name)
    if not analysis.supports(survey):
        assert analysis not in supported(survey)
        return
    current, previous = select_periods(survey, parse_period("2026-10"), parse_period("2026-09"))
    pair = [(s, analysis.run(s, QUICK)) for s in (current, previous)]
    changes = analysis.compare(pair[0], pair[1], QUICK)
    assert list(changes.columns) == list(CHANGE_COLUMNS)
    assert not changes.empty and (changes["kind"] == name).all()
    assert changes["name"].map(lambda v: isinstance(v, str) and v != "").all()
    assert changes["p_value"].dropna().between(0, 1).all()
    table_rows = changes.assign(measure=name, significant=False)
    for table in analysis.change_tables(table_rows, ("2026-10", "2026-09")):
        assert isinstance(table, Table) and len(table.frame) == len(changes)
    for figure, value in analysis.history(pair[0][1]).items():
        assert isinstance(figure, str) and (value is None or isinstance(value, float | int))


@pytest.mark.parametrize("name", NAMES)
def test_problems_have_declared_codes(name: str, survey: Survey) -> None:
    codes = all_codes()
    for problem in get(name).check(survey):
        assert problem.code in codes
        assert problem.analysis in (name, "general")
    assert {p.code for p in validate(survey)} <= set(codes)


@pytest.mark.parametrize("name", NAMES)
def test_overview_and_draft(name: str, survey: Survey) -> None:
    analysis = get(name)
    description = analysis.describe(survey)
    assert isinstance(description, Description)
    json.dumps(dict(description.document), default=list, ensure_ascii=False)
    assert all(isinstance(label, str) and isinstance(text, str) for label, text in description.rows)
    section = analysis.draft(survey) if analysis.section else None
    if section:
        text = render_toml({analysis.section: dict(section)})
        parsed = parse_spec(tomllib.loads(text)).section(analysis.section)
        assert parsed == parse_section(analysis.section, analysis.spec_type, dict(section), "t")


def test_unsupported_analysis_is_a_clear_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("resp_id,comment\n1,ok\n2,fine\n", encoding="utf-8")
    survey = load(path)
    from csi_cli.commands.common import run_analyses

    for analysis in registered():
        if analysis.in_report and not analysis.supports(survey):
            with pytest.raises(CsiError, match=analysis.not_supported[:20]):
                run_analyses(survey, [analysis.name], QUICK)


def test_options_are_frozen() -> None:
    for analysis in registered():
        options = analysis.options_type()
        for field in fields(options):
            with pytest.raises(AttributeError):
                setattr(options, field.name, None)
