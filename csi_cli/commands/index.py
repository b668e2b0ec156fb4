"""``csi index FILE``: the customer satisfaction index by PLS path modeling or weighted average."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from csi_cli.commands import common
from csi_cli.options import DEFAULT_BOOTSTRAP, DEFAULT_SEED, RunOptions


class Method(StrEnum):
    """CSI estimation methods."""

    pls = "pls"
    weighted = "weighted"


class Missing(StrEnum):
    """Treatments of missing CSI answers."""

    listwise = "listwise"
    mean = "mean"


class Scheme(StrEnum):
    """PLS inner weighting schemes."""

    path = "path"
    centroid = "centroid"
    factorial = "factorial"


@common.handle_errors
def index(
    file: common.FileArg,
    spec: common.SpecOpt = None,
    sheet: common.SheetOpt = None,
    header_row: common.HeaderRowOpt = None,
    by: common.ByOpt = None,
    fmt: common.FormatOpt = None,
    output: common.OutputOpt = None,
    seed: common.SeedOpt = DEFAULT_SEED,
    method: Annotated[
        Method,
        typer.Option("--method", help="pls (PLS path model) | weighted (mean of items, no model)."),
    ] = Method.pls,
    bootstrap: common.BootstrapOpt = DEFAULT_BOOTSTRAP,
    missing: Annotated[
        Missing,
        typer.Option("--missing", help="listwise (drop incomplete respondents) | mean (impute)."),
    ] = Missing.listwise,
    refit: Annotated[
        bool,
        typer.Option("--refit", help="With --by: fit the model per segment (default: pooled)."),
    ] = False,
    scheme: Annotated[
        Scheme | None,
        typer.Option("--scheme", help="Inner weighting: path | centroid | factorial."),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help="Construct whose index is the headline CSI (default SAT)."),
    ] = None,
    crosshair: common.CrosshairOpt = common.Crosshair.mean,
    max_cells: common.MaxCellsOpt = common.DEFAULT_MAX_CELLS,
) -> None:
    """The customer satisfaction index (0–100) of every construct, with path coefficients,
    outer weights and loadings, reliability, HTMT, effects, an importance–performance map and
    bootstrap intervals (ACSI / ECSI / CCSI or a custom model)."""
    common.execute(
        file,
        spec=spec,
        sheet=sheet,
        header_row=header_row,
        fmt=fmt,
        output=output,
        analyses=["index"],
        options=RunOptions(
            seed=seed,
            bootstrap=bootstrap,
            by=by,
            missing=missing.value,
            method=method.value,
            refit=refit,
            crosshair=crosshair.value,
        ),
        title="Customer satisfaction index",
        spec_overrides={"csi": {"scheme": scheme.value if scheme else None, "target": target}},
        max_cells=max_cells,
    )
