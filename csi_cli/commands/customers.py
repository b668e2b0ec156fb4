"""``csi customers FILE``: customer pyramid, value at risk, satisfaction × loyalty, retention."""

from __future__ import annotations

from typing import Annotated

import typer

from csi_cli.commands import common


@common.command(omit=("bootstrap",))
def customers(
    shared: common.Shared,
    satisfied: Annotated[
        float | None,
        typer.Option(
            "--satisfied",
            help="Lowest satisfaction level counted as (completely) satisfied, on the "
            "satisfaction rating's scale. Default: the spec's [customers] satisfied, else the "
            "top box (9–10 on 10-point scales).",
        ),
    ] = None,
    loyal: Annotated[
        float | None,
        typer.Option(
            "--loyal",
            help="Lowest loyalty level counted as loyal. Default: the spec's [customers] "
            "loyal, else the top box.",
        ),
    ] = None,
) -> None:
    """Customer value and loyalty: the customer pyramid (tiers from value, or the file's
    membership level) with satisfaction, loyalty and NPS per tier; Lorenz curve, Gini and the
    top-20% share; value held by dissatisfied customers and detractors; Jones & Sasser
    quadrants; the loyalty curve; Dick & Basu's attitude × repeat patronage; and a logistic
    regression of retention on satisfaction. With --by, quadrants per segment."""
    common.execute(
        shared,
        analyses=["customers"],
        options=shared.run_options(),
        title="Customer value and loyalty",
        spec_overrides={"customers": {"satisfied": satisfied, "loyal": loyal}},
    )
