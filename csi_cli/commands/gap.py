"""``csi gap FILE``: expectation gaps, zones of tolerance, importance–performance."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from csi_cli.commands import common
from csi_cli.options import DEFAULT_SEED, RunOptions


class Adjust(StrEnum):
    """Multiple-testing adjustments."""

    holm = "holm"
    bh = "bh"


class Importance(StrEnum):
    """Sources of importance."""

    auto = "auto"
    stated = "stated"
    correlation = "correlation"
    regression = "regression"
    relative = "relative"


@common.handle_errors
def gap(
    file: common.FileArg,
    spec: common.SpecOpt = None,
    sheet: common.SheetOpt = None,
    header_row: common.HeaderRowOpt = None,
    by: common.ByOpt = None,
    fmt: common.FormatOpt = None,
    output: common.OutputOpt = None,
    seed: common.SeedOpt = DEFAULT_SEED,
    adjust: Annotated[
        Adjust,
        typer.Option(
            "--adjust", help="p-value adjustment across items: holm | bh (Benjamini–Hochberg)."
        ),
    ] = Adjust.holm,
    crosshair: common.CrosshairOpt = common.Crosshair.mean,
    importance: Annotated[
        Importance,
        typer.Option(
            "--importance",
            help="auto | stated (<item>_I columns) | correlation | regression | relative "
            "(derived from the 'overall' rating; relative = Johnson's relative weights).",
        ),
    ] = Importance.auto,
    max_cells: common.MaxCellsOpt = common.DEFAULT_MAX_CELLS,
) -> None:
    """Expectation gaps (perception − expectation) per item and dimension, with tests, zones of
    tolerance, an importance–performance map, and NPS when the file has a 0–10 recommend
    column."""
    common.execute(
        file,
        spec=spec,
        sheet=sheet,
        header_row=header_row,
        fmt=fmt,
        output=output,
        analyses=["gap"],
        also=["nps"],
        options=RunOptions(
            seed=seed,
            by=by,
            adjust=adjust.value,
            crosshair=crosshair.value,
            importance=importance.value,
        ),
        title="Expectation gap",
        max_cells=max_cells,
    )
