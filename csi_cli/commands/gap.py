"""``csi gap FILE``: expectation gaps, zones of tolerance, importance–performance."""

from __future__ import annotations

from typing import Annotated

import typer

from csi_cli.commands import common
from csi_cli.options import Adjustment, GapOptions, ImportanceSource


@common.command(omit=("bootstrap",))
def gap(
    shared: common.Shared,
    adjust: Annotated[
        Adjustment,
        typer.Option(
            "--adjust",
            help="p-value adjustment across items: holm | bh (Benjamini–Hochberg).",
        ),
    ] = "holm",
    crosshair: common.CrosshairOpt = "mean",
    importance: Annotated[
        ImportanceSource,
        typer.Option(
            "--importance",
            help="auto | stated (<item>_I columns) | correlation | regression | relative "
            "(derived from the 'overall' rating; relative = Johnson's relative weights).",
        ),
    ] = "auto",
) -> None:
    """Expectation gaps (perception − expectation) per item and dimension, with tests, zones of
    tolerance, an importance–performance map, and NPS when the file has a 0–10 recommend
    column."""
    own = GapOptions(adjust=adjust, crosshair=crosshair, importance=importance)
    common.execute(
        shared,
        analyses=["gap"],
        also=["nps"],
        options=shared.run_options(gap=own),
        title="Expectation gap",
    )
