"""Files are what their names say: the --output suffix decides or must match the format, an
unknown suffix is refused with the list; validation problems print one grep-friendly line."""

from __future__ import annotations

from pathlib import Path

import pytest

from csi_cli.errors import UsageError
from csi_cli.formats import FORMATS, SUFFIX_FORMATS, output_format
from csi_cli.render import _RENDERERS
from csi_cli.validate import Problem


def test_every_format_has_a_renderer():
    assert tuple(_RENDERERS) == FORMATS


@pytest.mark.parametrize(
    ("fmt", "output", "expected"),
    [
        (None, None, "table"),
        ("json", None, "json"),
        (None, "report.HTML", "html"),
        (None, "report.htm", "html"),
        (None, "out.xlsx", "xlsx"),
        ("md", "notes.markdown", "md"),
        ("json", "out", "json"),  # no suffix: nothing to contradict
        (None, "out", "table"),
    ],
)
def test_format_from_option_and_suffix(fmt, output, expected):
    assert output_format(fmt, None if output is None else Path(output)) == expected


def test_a_suffix_that_names_another_format_is_refused():
    with pytest.raises(UsageError) as caught:
        output_format("json", Path("out.xlsx"))
    message = caught.value.message
    assert "--format json does not match --output out.xlsx" in message
    assert "-o out.json" in message


@pytest.mark.parametrize("name", ["report.pdf", "report.docx", "report.csv"])
def test_an_unsupported_suffix_is_refused_with_the_supported_list(name):
    with pytest.raises(UsageError) as caught:
        output_format(None, Path(name))
    message = caught.value.message
    assert f"does not write {Path(name).suffix} files" in message
    assert all(suffix in message for suffix in SUFFIX_FORMATS)


def test_xlsx_needs_a_file():
    with pytest.raises(UsageError, match="give a file with --output"):
        output_format("xlsx", None)


def test_problem_line_holds_file_sheet_column_rows_code_and_message():
    problem = Problem(
        code="text-in-rating", severity="error", analysis="index",
        message="2 cells hold text,\n  not a rating.", column="SAT1", rows=(3, 7), count=4,
    )  # fmt: skip
    assert problem.line("bad.xlsx", "data") == (
        "bad.xlsx:data:SAT1:3,7,+2: error [text-in-rating] 2 cells hold text, not a rating."
    )
    general = Problem("no-analysis", "error", "general", "Nothing to analyze.")
    assert general.line("x.csv", None) == "x.csv:::: error [no-analysis] Nothing to analyze."
