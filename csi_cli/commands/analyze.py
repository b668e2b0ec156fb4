"""``csi analyze FILE``: every analysis the columns support, in one report."""

from __future__ import annotations

from csi_cli.commands import common
from csi_cli.options import DEFAULT_BOOTSTRAP, DEFAULT_SEED, RunOptions


@common.handle_errors
def analyze(
    file: common.FileArg,
    spec: common.SpecOpt = None,
    sheet: common.SheetOpt = None,
    header_row: common.HeaderRowOpt = None,
    by: common.ByOpt = None,
    fmt: common.FormatOpt = None,
    output: common.OutputOpt = None,
    seed: common.SeedOpt = DEFAULT_SEED,
    bootstrap: common.BootstrapOpt = DEFAULT_BOOTSTRAP,
    max_cells: common.MaxCellsOpt = common.DEFAULT_MAX_CELLS,
) -> None:
    """Run every analysis the file supports (CSI, Kano, gaps, NPS) and render one report."""
    common.execute(
        file,
        spec=spec,
        sheet=sheet,
        header_row=header_row,
        fmt=fmt,
        output=output,
        analyses=None,
        options=RunOptions(seed=seed, bootstrap=bootstrap, by=by),
        title="Customer satisfaction report",
        max_cells=max_cells,
    )
