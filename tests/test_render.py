"""Renderers: golden Markdown/JSON, structure of xlsx and HTML, plain terminal output.

The report is built by hand from tables holding Chinese text, NaN, None, booleans and hostile
survey text (a spreadsheet formula, an HTML script, rich markup). Regenerate the golden files
with ``CSI_UPDATE_GOLDEN=1 pytest tests/test_render.py``.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from csi_cli.errors import UsageError
from csi_cli.render import FILE_SUFFIXES, FORMATS, render, render_terminal
from csi_cli.render.html import nice_ticks
from csi_cli.render.markdown import escape_markdown
from csi_cli.render.text import (
    MISSING,
    display_width,
    format_value,
    formatted_rows,
    is_numeric_column,
    visible_frame,
)
from csi_cli.render.xlsx import safe_sheet_name
from csi_cli.results import Chart, Document, Table

GOLDEN = Path(__file__).parent / "golden"
FORMULA = '=HYPERLINK("http://x")'
SCRIPT = "<script>alert(1)</script>"
MARKUP = "[bold red]loud[/bold red]"
ESCAPE_CODE = re.compile(r"\x1b\[")


@dataclass(frozen=True)
class HandMadeResult:
    """A stand-in for a method's result: a fixed document and fixed tables."""

    name: str
    title: str
    document: dict[str, Any]
    table_list: tuple[Table, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return self.document

    def tables(self) -> list[Table]:
        return list(self.table_list)


def index_result() -> HandMadeResult:
    constructs = pd.DataFrame(
        {
            "construct": ["IMAG", "EXPE", "QUAL", "VAL", "SAT", "满意度"],
            "index": [74.21, 70.55, 72.04, 65.5, 71.23, 69.99],
            "previous": [73.9, 71.2, 71.0, 66.1, 73.1, np.nan],
            "ci_low": [73.1, 69.4, 70.9, 64.2, 70.1, 68.0],
            "ci_high": [75.3, 71.7, 73.2, 66.8, 72.3, 71.9],
        }
    )
    paths = pd.DataFrame(
        {
            "from": ["QUAL", "VAL", "IMAG"],
            "to": ["SAT", "SAT", "SAT"],
            "estimate": [0.41, 0.2954, -0.0004],
            "p_value": [1e-20, 0.0123, 0.91],
            "significant": [True, True, False],
        }
    )
    chart = Chart(
        kind="bar",
        x="construct",
        y=("index", "previous"),
        title="Index by construct, this period and the previous one",
        y_title="Index (0–100)",
    )
    tables = (
        Table("Index by construct", constructs, digits=dict.fromkeys(constructs, 1), chart=chart),
        Table("Paths", paths, digits={"p_value": 4}, note="Standardized PLS path estimates."),
    )
    document = {"n": 6, "index": {"value": 71.23, "ci_low": 70.1, "ci_high": 72.3}}
    return HandMadeResult("index", "Customer satisfaction index", document, tables)


def kano_result() -> HandMadeResult:
    attributes = pd.DataFrame(
        {
            "attribute": ["fast_delivery", "快速配送", FORMULA, SCRIPT, "@SUM(A1)", MARKUP],
            "category": ["M", "O", "A", "I", "-2+3", None],
            "n": [120, 118, 119, 120, 117, 0],
            "better": [0.29, 0.61, 0.72, 0.18, 0.33, np.nan],
            "|worse|": [0.74, 0.58, 0.21, 0.12, 0.4, np.nan],
            "significant": [True, False, True, False, False, None],
        }
    )
    chart = Chart(
        kind="scatter",
        x="|worse|",
        y=("better",),
        label="attribute",
        title="Better against |Worse|",
        x_title="|Worse|",
        y_title="Better",
        x_line=0.5,
        y_line=0.5,
    )
    table = Table("Kano categories", attributes, digits={"better": 2, "|worse|": 2}, chart=chart)
    document = {"n": 120, "attributes": [{"attribute": FORMULA, "better": math.nan}]}
    return HandMadeResult("kano", "Kano analysis", document, (table,))


def gap_result() -> HandMadeResult:
    dimensions = pd.DataFrame(
        {
            "dimension": ["Tangibles", "Reliability", "响应性", "Assurance", "Empathy"],
            "gap": [-0.42, -1.21, -0.87, 0.15, -0.33],
        }
    )
    items = pd.DataFrame(
        {
            "item": [f"Q{i}" for i in range(1, 7)],
            "importance": [0.31, 0.12, 0.44, 0.28, 0.09, 0.35],
            "performance": [5.1, 5.8, 4.2, 4.9, 6.1, 5.5],
        }
    )
    trend = pd.DataFrame(
        {
            "period": ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"],
            "gap": [-0.66, -0.61, np.nan, -0.58, -0.49],
        }
    )
    wide = pd.DataFrame(
        {f"column number {i}": [i * 1.5, -i * 0.25] for i in range(1, 15)}, index=["Q1", "Q2"]
    ).rename_axis("item")
    tables = (
        Table(
            "Gap by dimension",
            dimensions,
            digits={"gap": 2},
            chart=Chart("bar", x="dimension", y=("gap",), y_title="Perception − expectation"),
        ),
        Table(
            "Importance–performance",
            items,
            chart=Chart(
                "scatter",
                x="importance",
                y=("performance",),
                label="item",
                x_title="Importance",
                y_title="Performance",
                x_line=0.265,
                y_line=5.27,
            ),
        ),
        Table("Gap by period", trend, digits={"gap": 2}, chart=Chart("line", "period", ("gap",))),
        Table("A wide table", wide, digits=dict.fromkeys(wide, 2)),
    )
    document = {"n": 320, "dimensions": [{"dimension": "响应性", "gap": -0.87}]}
    return HandMadeResult("gap", "Expectation gaps", document, tables)


def sample_report() -> Document:
    return Document(
        title="Customer satisfaction 2026-10 · 客户满意度",
        source="survey_2026-10.xlsx",
        n=320,
        results=(index_result(), kano_result(), gap_result()),
        settings={
            "seed": 1,
            "bootstrap": 5000,
            "method": "pls",
            "n per period": {"2026-09": 280, "2026-10": 320},
        },
        notes=("index:SAT fell 1.9 points (p = 0.002)", f"Kano answer {SCRIPT} was questionable"),
        summary={
            "CSI": 71.2345,
            "CSI 95% CI": (70.1, 72.3),
            "Change vs 2026-09": -1.9,
            "Period": "2026-10",
        },
    )


@pytest.fixture(scope="module")
def report() -> Document:
    return sample_report()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CSI_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


# --- shared formatting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (None, 3, MISSING),
        (math.nan, 3, MISSING),
        (np.float64(math.inf), 3, MISSING),
        (pd.NA, 3, MISSING),
        (True, 3, "yes"),
        (np.bool_(False), 3, "no"),
        (600, 3, "600"),
        (np.int64(7), 1, "7"),
        (71.2345, 1, "71.2"),
        (-0.0004, 3, "0.000"),
        (-1.25, 1, "-1.2"),
        ((70.1, 72.3), 1, "70.1, 72.3"),
        ({"a": 1, "b": 0.5}, 2, "a: 1; b: 0.50"),
        ("满意度", 3, "满意度"),
    ],
)
def test_format_value(value: Any, digits: int, expected: str) -> None:
    assert format_value(value, digits) == expected


def test_formatted_rows_round_each_column_with_its_digits() -> None:
    frame = pd.DataFrame({"a": [1.23456], "b": [1.23456], "n": [3]})
    table = Table("t", frame, digits={"a": 1})
    assert formatted_rows(table) == [["1.2", "1.235", "3"]]


def test_named_index_is_shown_as_a_column() -> None:
    frame = pd.DataFrame({"gap": [0.5]}, index=pd.Index(["Q1"], name="item"))
    assert list(visible_frame(Table("t", frame)).columns) == ["item", "gap"]


def test_numeric_columns_are_told_apart_from_text_and_booleans() -> None:
    frame = pd.DataFrame(
        {
            "text": ["a"],
            "number": [1.0],
            "flag": [True],
            "mixed": pd.Series([1, None], dtype=object)[:1],
        }
    )
    assert [is_numeric_column(frame, i) for i in range(4)] == [False, True, False, True]


def test_display_width_counts_chinese_characters_double() -> None:
    assert display_width("满意度 ok") == 9


# --- dispatch ---------------------------------------------------------------------------------


def test_render_gives_text_for_every_format_but_xlsx(report: Document) -> None:
    for fmt in FORMATS:
        output = render(report, fmt)
        assert isinstance(output, bytes if fmt == "xlsx" else str), fmt
        assert fmt in FILE_SUFFIXES


def test_unknown_format_is_a_usage_error_listing_the_choices(report: Document) -> None:
    with pytest.raises(UsageError, match="Choose one of: table, json, md, html, xlsx"):
        render(report, "pdf")


# --- JSON and Markdown ------------------------------------------------------------------------


def test_json_matches_golden_file(report: Document) -> None:
    check_golden("report.json", render(report, "json"))


def test_json_is_the_report_document_with_null_for_nan(report: Document) -> None:
    text = render(report, "json")
    document = json.loads(text)
    assert document["kano"]["attributes"][0] == {"attribute": FORMULA, "better": None}
    assert "响应性" in text
    assert "NaN" not in text


def test_markdown_matches_golden_file(report: Document) -> None:
    check_golden("report.md", render(report, "md"))


def test_markdown_escapes_html_and_table_pipes(report: Document) -> None:
    text = render(report, "md")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\\|worse\\|" in text
    assert "fast_delivery" in text


def test_markdown_tables_have_as_many_cells_per_row_as_headers(report: Document) -> None:
    unescaped_pipe = re.compile(r"(?<!\\)\|")
    for block in render(report, "md").split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("| ")]
        counts = {len(unescaped_pipe.findall(line)) for line in lines}
        assert len(counts) <= 1, block


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a|b", "a\\|b"),
        ("*bold* [link](x)", "\\*bold\\* \\[link\\](x)"),
        ("_emph_ but snake_case", "\\_emph\\_ but snake_case"),
        ("line\nbreak", "line break"),
        ("a < b & c", "a &lt; b &amp; c"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_markdown_note_cannot_start_a_heading_or_list() -> None:
    report = Document("t", "s.csv", 1, (), notes=("# not a heading", "- not a list"))
    text = render(report, "md")
    assert "> - \\# not a heading" in text
    assert "> - \\- not a list" in text


# --- HTML -------------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects tags, attributes and the text of table cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)
        self._in_cell = tag == "td"
        if self._in_cell:
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells[-1] += data


@pytest.fixture(scope="module")
def page(report: Document) -> tuple[str, PageParser]:
    text = render(report, "html")
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return text, parser


def test_html_has_no_script_and_loads_nothing(page: tuple[str, PageParser]) -> None:
    text, parser = page
    assert "script" not in parser.tags
    assert not {"link", "img", "iframe", "object", "embed"} & set(parser.tags)
    loading = [value for name, value in parser.attributes if name in {"href", "src"}]
    assert loading == []
    assert "@import" not in text
    assert "url(" not in text
    assert "default-src 'none'" in text


def test_html_escapes_survey_text_in_cells(page: tuple[str, PageParser]) -> None:
    text, parser = page
    assert SCRIPT in parser.cells
    assert FORMULA in parser.cells
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_html_is_readable_on_a_phone_and_printable(page: tuple[str, PageParser]) -> None:
    text, parser = page
    assert ("name", "viewport") in parser.attributes
    assert "overflow-x: auto" in text
    assert "@media print" in text
    assert parser.tags.count("table") == 8  # seven tables and the settings


def test_html_draws_one_svg_per_chart_with_crosshairs(
    report: Document, page: tuple[str, PageParser]
) -> None:
    text, parser = page
    charts = [t.chart for s in report.sections() for t in s.tables if t.chart is not None]
    assert parser.tags.count("svg") == len(charts)
    crosshair_lines = sum(c.x_line is not None for c in charts) + sum(
        c.y_line is not None for c in charts
    )
    assert text.count('class="cross"') == crosshair_lines
    assert parser.tags.count("polyline") == 2  # the missing period splits the line


def test_html_shows_alerts_first(page: tuple[str, PageParser]) -> None:
    text, _ = page
    assert text.index("index:SAT fell 1.9 points") < text.index("Customer satisfaction index")


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(0, 1e6, allow_nan=False),
)
def test_nice_ticks_cover_the_range_in_even_steps(low: float, span: float) -> None:
    ticks = nice_ticks(low, low + span)
    steps = np.diff(ticks)
    assert len(ticks) >= 2
    assert ticks[0] <= low
    assert ticks[-1] >= low + span
    assert np.allclose(steps, steps[0])


# --- xlsx -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook_bytes(report: Document) -> bytes:
    return render(report, "xlsx")


@pytest.fixture(scope="module")
def workbook(workbook_bytes: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes))


def test_xlsx_sheets_come_summary_first_then_sections_then_settings(
    workbook: openpyxl.Workbook,
) -> None:
    assert workbook.sheetnames == [
        "Summary",
        "Customer satisfaction index",
        "Kano analysis",
        "Expectation gaps",
        "Settings",
    ]


def test_xlsx_has_one_native_chart_per_table_chart(report: Document, workbook_bytes: bytes) -> None:
    charts = [t.chart for s in report.sections() for t in s.tables if t.chart is not None]
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        chart_files = [n for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
        chart_xml = "".join(archive.read(name).decode() for name in chart_files)
    assert len(chart_files) == len(charts)
    assert "<c:scatterChart>" in chart_xml
    assert '<c:barDir val="bar"/>' in chart_xml
    references = re.findall(r"<c:f>(.*?)</c:f>", chart_xml)
    cell_range = re.compile(r"^'?[^!]+'?!\$[A-Z]+\$\d+(:\$[A-Z]+\$\d+)?$")
    assert references
    assert all(cell_range.match(reference) for reference in references), references


def test_xlsx_never_writes_a_formula_from_data(workbook: openpyxl.Workbook) -> None:
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s"
                    texts.append(cell.value)
    assert {FORMULA, "@SUM(A1)", "-2+3"} <= set(texts)


def test_xlsx_freezes_the_header_of_each_section_sheet(workbook: openpyxl.Workbook) -> None:
    kano = workbook["Kano analysis"]
    assert kano.freeze_panes == "B5"
    assert kano["A4"].value == "attribute"
    assert workbook["Settings"].freeze_panes == "A2"


def test_xlsx_keeps_numbers_as_numbers_with_the_tables_digits(
    workbook: openpyxl.Workbook,
) -> None:
    sheet = workbook["Customer satisfaction index"]
    assert sheet["A5"].value == "IMAG"
    assert sheet["B5"].value == pytest.approx(74.21)
    assert sheet["B5"].number_format == "0.0"
    assert sheet["C10"].value is None  # NaN is a blank cell
    kano = workbook["Kano analysis"]
    assert kano["C5"].value == 120
    assert kano["C5"].number_format == "0"
    assert kano["F5"].value is True


def test_xlsx_summary_shows_headline_and_alerts(workbook: openpyxl.Workbook) -> None:
    values = [cell.value for row in workbook["Summary"].iter_rows() for cell in row]
    assert "Customer satisfaction 2026-10 · 客户满意度" in values
    assert 320 in values
    assert "index:SAT fell 1.9 points (p = 0.002)" in values
    assert "70.1, 72.3" in values


@pytest.mark.parametrize(
    ("wanted", "taken", "expected"),
    [
        ("Kano: categories [A/O]?", set(), "Kano categories A O"),
        ("x" * 40, set(), "x" * 31),
        ("Summary", {"summary"}, "Summary (2)"),
        ("y" * 40, {"y" * 31}, "y" * 27 + " (2)"),
        ("'quoted'", set(), "quoted"),
        ("History", set(), "History (sheet)"),
        ("***", set(), "Sheet"),
    ],
)
def test_safe_sheet_name(wanted: str, taken: set[str], expected: str) -> None:
    name = safe_sheet_name(wanted, taken)
    assert name == expected
    assert name.casefold() in taken


def test_xlsx_accepts_sections_with_the_same_title() -> None:
    tables = (Table("t", pd.DataFrame({"a": [1]})),)
    results = tuple(HandMadeResult(f"r{i}", "Same: title", {}, tables) for i in range(3))
    data = render(Document("t", "s.csv", 1, results), "xlsx")
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert names == ["Summary", "Same title", "Same title (2)", "Same title (3)"]


# --- terminal ---------------------------------------------------------------------------------


def terminal_output(report: Document, **console_options: Any) -> str:
    buffer = io.StringIO()
    render_terminal(report, Console(file=buffer, width=80, **console_options))
    return buffer.getvalue()


def test_terminal_output_to_a_pipe_has_no_escape_codes(report: Document) -> None:
    text = terminal_output(report, force_terminal=False)
    assert not ESCAPE_CODE.search(text)
    assert MARKUP in text


def test_terminal_respects_term_dumb_and_no_color(report: Document) -> None:
    assert ESCAPE_CODE.search(terminal_output(report, force_terminal=True))
    dumb = terminal_output(report, force_terminal=True, _environ={"TERM": "dumb"})
    assert not ESCAPE_CODE.search(dumb)
    no_color = terminal_output(report, force_terminal=True, _environ={"NO_COLOR": "1"})
    assert not re.search(r"\x1b\[[0-9;]*(3[0-9]|9[0-7])m", no_color)


def test_wide_table_is_split_to_fit_80_columns(report: Document) -> None:
    text = render(report, "table")
    assert max(display_width(line) for line in text.splitlines()) <= 80
    for i in range(1, 15):
        assert f"number {i}" in text
    assert "A wide table (continued)" in text
    assert "-3.50" in text  # numbers are never folded


def test_plain_table_shows_missing_values_and_booleans(report: Document) -> None:
    text = render(report, "table")
    assert MISSING in text
    assert "yes" in text
    assert "满意度" in text


# --- edge cases -------------------------------------------------------------------------------


def test_every_format_renders_empty_tables_and_an_empty_report() -> None:
    empty = pd.DataFrame({"item": pd.Series(dtype=object), "gap": pd.Series(dtype=float)})
    tables = (
        Table("No rows", empty, chart=Chart("bar", "item", ("gap",))),
        Table("No columns", pd.DataFrame()),
    )
    with_tables = Document("t", "s.csv", 0, (HandMadeResult("gap", "Gaps", {"n": 0}, tables),))
    for report in (with_tables, Document("Nothing", "s.csv", 0, ())):
        for fmt in FORMATS:
            assert render(report, fmt), (report.title, fmt)
