"""``csi index FILE``: the customer satisfaction index by PLS path modeling or weighted average."""

from __future__ import annotations

from typing import Annotated

import typer

from csi_cli.commands import common
from csi_cli.options import IndexMethod, IndexOptions, MissingRule, Scheme


@common.command()
def index(
    shared: common.Shared,
    method: Annotated[
        IndexMethod,
        typer.Option(
            "--method",
            help="pls (PLS path model) | weighted (mean of items, no model).",
        ),
    ] = "pls",
    missing: Annotated[
        MissingRule,
        typer.Option(
            "--missing",
            help="listwise (drop incomplete respondents) | mean (impute).",
        ),
    ] = "listwise",
    refit: Annotated[
        bool,
        typer.Option("--refit", help="With --by: fit the model per segment (default: pooled)."),
    ] = False,
    scheme: Annotated[
        Scheme | None,
        typer.Option(
            "--scheme",
            help="Inner weighting: path | centroid | factorial.",
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help="Construct whose index is the headline CSI (default SAT)."),
    ] = None,
    crosshair: common.CrosshairOpt = "mean",
) -> None:
    """The customer satisfaction index (0–100) of every construct, with path coefficients,
    outer weights and loadings, reliability, HTMT, effects, an importance–performance map and
    bootstrap intervals (ACSI / ECSI / CCSI or a custom model)."""
    own = IndexOptions(method=method, missing=missing, refit=refit, crosshair=crosshair)
    common.execute(
        shared,
        analyses=["index"],
        options=shared.run_options(index=own),
        title="Customer satisfaction index",
        spec_overrides={"csi": {"scheme": scheme, "target": target}},
    )
