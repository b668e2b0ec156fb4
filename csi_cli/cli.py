"""The ``csi`` command line: a thin Typer layer over the core (see docs/architecture.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from csi_cli import __version__
from csi_cli.commands import (
    analyze,
    comments,
    common,
    customers,
    experience,
    gap,
    index,
    kano,
    report,
    setup,
)

app = typer.Typer(
    name="csi",
    help="Customer-satisfaction survey analyzer: CSI (PLS path modeling), Kano, expectation "
    "gaps, NPS, customer value and loyalty, and monthly reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"csi {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Hide warnings.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Customer-satisfaction survey analyzer."""
    common.set_flags(debug=debug, quiet=quiet)


app.command("analyze")(analyze.analyze)
app.command("index")(index.index)
app.command("kano")(kano.kano)
app.command("gap")(gap.gap)
app.command("customers")(customers.customers)
app.command("complaints")(experience.complaints)
app.command("journey")(experience.journey)
app.command("comments")(comments.comments)
app.command("report")(report.report_command)
app.command("validate")(setup.validate_command)
app.command("init")(setup.init_command)


def main() -> None:
    """Console-script entry point: streams and signals prepared for cron and pipes."""
    from csi_cli import streams

    streams.install()
    app(prog_name="csi")
