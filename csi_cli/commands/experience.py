"""``csi complaints FILE`` (the complaint iceberg and service recovery) and ``csi journey FILE``
(journey vs touchpoints, consistency, the weakest link)."""

from __future__ import annotations

from typing import Annotated

import typer

from csi_cli.analyses.complaints import ComplaintsOptions
from csi_cli.commands import common
from csi_cli.options import DEFAULT_BOOTSTRAP


@common.command(omit=("bootstrap",))
def complaints(
    shared: common.Shared,
    received: Annotated[
        int | None,
        typer.Option(
            "--complaints",
            min=0,
            help="Complaints received in the period (from the complaint system): estimates how "
            "many customers had a problem, with a CI.",
        ),
    ] = None,
) -> None:
    """The complaint iceberg — problem rate, voice rate (Wilson CI), silent customers per
    complaint beside the handbooks' 24 — and service recovery: satisfaction, loyalty and NPS of
    customers with no problem, silent, resolved and unresolved, pairwise tests (Holm), the
    recovery-paradox test, and the drivers of loyalty among complainers. With --by, the iceberg
    per segment."""
    common.execute(
        shared,
        analyses=["complaints"],
        options=shared.run_options(complaints=ComplaintsOptions(received=received)),
        title="Complaints and service recovery",
    )


@common.command(bootstrap=DEFAULT_BOOTSTRAP)
def journey(shared: common.Shared) -> None:
    """Journey vs touchpoints: k-fold out-of-sample R² of overall satisfaction and loyalty on
    the journey rating vs on the touchpoint ratings (bootstrap CI of the difference), the effect
    of inconsistency across touchpoints (OLS, HC3), the weakest link (one failed touchpoint vs
    none) and the touchpoints' relative weights."""
    common.execute(
        shared,
        analyses=["journey"],
        options=shared.run_options(),
        title="Journey vs touchpoints",
    )
