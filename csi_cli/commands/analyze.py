"""``csi analyze FILE``: every analysis the columns support, in one report."""

from __future__ import annotations

from csi_cli.commands import common


@common.command()
def analyze(shared: common.Shared) -> None:
    """Run every analysis the file supports (CSI, Kano, gaps, NPS) and render one report."""
    common.execute(
        shared,
        analyses=None,
        options=shared.run_options(),
        title="Customer satisfaction report",
    )
