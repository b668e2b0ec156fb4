"""``csi validate`` and ``csi init``: check a file, draft its spec."""

from __future__ import annotations

import json
import sys

from rich.table import Table as RichTable
from rich.text import Text

from csi_cli.commands import common
from csi_cli.draft import draft_spec
from csi_cli.errors import EXIT_BAD_INPUT
from csi_cli.output import write_text_atomic
from csi_cli.survey import load
from csi_cli.validate import ERROR, validate


@common.handle_errors
def validate_command(
    file: common.FileArg,
    spec: common.SpecOpt = None,
    sheet: common.SheetOpt = None,
    header_row: common.HeaderRowOpt = None,
    fmt: common.FormatOpt = None,
    max_cells: common.MaxCellsOpt = common.DEFAULT_MAX_CELLS,
) -> None:
    """Check a file against its spec (or the conventions) and list every problem.

    Exits 2 when any problem is an error, 0 otherwise (warnings are listed but pass).
    """
    survey = load(
        file,
        spec=common.resolve_spec(spec, {}),
        sheet=sheet,
        header_row=header_row,
        max_cells=max_cells,
    )
    problems = validate(survey)
    errors = [p for p in problems if p.severity == ERROR]
    if fmt is not None and fmt.value == "json":
        document = {
            "file": survey.source.name,
            "sheet": survey.source.sheet,
            "n": survey.n,
            "valid": not errors,
            "problems": [p.to_dict() for p in problems],
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_problems(survey.source.where(), survey.n, problems)
    if errors:
        raise common.typer.Exit(EXIT_BAD_INPUT)


def _print_problems(where: str, n: int, problems: list) -> None:
    console = common.stdout_console()
    if not problems:
        console.print(f"{where}: {n} respondents, no problems found.", markup=False)
        return
    table = RichTable(title=f"{where}: {len(problems)} problems", show_lines=False)
    for name in ("severity", "code", "column", "rows", "message"):
        table.add_column(name, overflow="fold")
    for p in problems:
        rows = ", ".join(map(str, p.rows)) + (
            f" (+{p.count - len(p.rows)})" if p.count > len(p.rows) else ""
        )
        # Text, not markup: messages quote spec sections such as "[survey] missing".
        table.add_row(*(Text(v) for v in (p.severity, p.code, p.column or "", rows, p.message)))
    console.print(table)


@common.handle_errors
def init_command(
    file: common.FileArg,
    spec: common.SpecOpt = None,
    sheet: common.SheetOpt = None,
    header_row: common.HeaderRowOpt = None,
    output: common.OutputOpt = None,
    max_cells: common.MaxCellsOpt = common.DEFAULT_MAX_CELLS,
) -> None:
    """Print a draft spec (TOML) for FILE; edit it and pass it back with --spec."""
    survey = load(
        file,
        spec=common.resolve_spec(spec, {}),
        sheet=sheet,
        header_row=header_row,
        max_cells=max_cells,
    )
    text = draft_spec(survey)
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text)
