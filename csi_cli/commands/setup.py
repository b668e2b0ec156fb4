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
from csi_cli.survey import Survey, load
from csi_cli.validate import ERROR, validate


@common.command(bootstrap=None, omit=("by", "output"))
def validate_command(shared: common.Shared) -> None:
    """Check a file against its spec (or the conventions) and list every problem.

    Exits 2 when any problem is an error, 0 otherwise (warnings are listed but pass).
    """
    survey = _load(shared)
    problems = validate(survey)
    errors = [p for p in problems if p.severity == ERROR]
    if shared.fmt is not None and shared.fmt.value == "json":
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


@common.command(bootstrap=None, omit=("by", "fmt"))
def init_command(shared: common.Shared) -> None:
    """Print a draft spec (TOML) for FILE; edit it and pass it back with --spec."""
    text = draft_spec(_load(shared))
    if shared.output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(shared.output, text)


def _load(shared: common.Shared) -> Survey:
    return load(
        shared.file,
        spec=common.resolve_spec(shared.spec, {}),
        sheet=shared.sheet,
        header_row=shared.header_row,
        max_cells=shared.max_cells,
    )
