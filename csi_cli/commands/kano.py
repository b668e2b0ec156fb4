"""``csi kano FILE``: Kano categories, Better/Worse, significance, continuous scores, and
penalty–reward analysis."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from csi_cli.commands import common
from csi_cli.options import RunOptions


class Rule(StrEnum):
    """How an attribute's category follows from its counts."""

    mode = "mode"
    aom = "aom"


class EvaluationTable(StrEnum):
    """Kano evaluation tables (Berger et al. 1993 p.6 and Pouliot's variant, p.33)."""

    standard = "standard"
    pouliot = "pouliot"


@common.handle_errors
def kano(
    file: common.FileArg,
    spec: common.SpecOpt = None,
    sheet: common.SheetOpt = None,
    header_row: common.HeaderRowOpt = None,
    by: common.ByOpt = None,
    fmt: common.FormatOpt = None,
    output: common.OutputOpt = None,
    rule: Annotated[
        Rule | None,
        typer.Option(
            "--rule",
            help="mode (most frequent; ties M > O > A > I) | aom (A+O+M vs I+R+Q first). "
            "Default: the spec's [kano] rule, else mode.",
        ),
    ] = None,
    table: Annotated[
        EvaluationTable | None,
        typer.Option(
            "--table",
            help="standard (Berger et al. 1993) | pouliot (same answer twice is Q). "
            "Default: the spec's [kano] table, else standard.",
        ),
    ] = None,
    max_cells: common.MaxCellsOpt = common.DEFAULT_MAX_CELLS,
) -> None:
    """Kano category of every attribute (A, O, M, I, R, Q) from its functional/dysfunctional
    answers, with category strength, the Fong test, Better/Worse, DuMouchel's continuous scores,
    priorities for action, and — when the file has `overall` and `<attribute>_perf` ratings —
    penalty–reward contrast analysis. With --by, results per segment and a chi-square test of
    the category mix."""
    common.execute(
        file,
        spec=spec,
        sheet=sheet,
        header_row=header_row,
        fmt=fmt,
        output=output,
        analyses=["kano"],
        options=RunOptions(by=by),
        title="Kano analysis",
        spec_overrides={
            "kano": {
                "rule": rule.value if rule else None,
                "table": table.value if table else None,
            }
        },
        max_cells=max_cells,
    )
