"""``csi kano FILE``: Kano categories, Better/Worse, significance, continuous scores, and
penalty–reward analysis."""

from __future__ import annotations

from typing import Annotated

import typer

from csi_cli.commands import common
from csi_cli.options import KanoRule, KanoTable


@common.command(bootstrap=None)
def kano(
    shared: common.Shared,
    rule: Annotated[
        KanoRule | None,
        typer.Option(
            "--rule",
            help="mode (most frequent; ties M > O > A > I) | aom (A+O+M vs I+R+Q first). "
            "Default: the spec's [kano] rule, else mode.",
        ),
    ] = None,
    table: Annotated[
        KanoTable | None,
        typer.Option(
            "--table",
            help="standard (Berger et al. 1993) | pouliot (same answer twice is Q). "
            "Default: the spec's [kano] table, else standard.",
        ),
    ] = None,
) -> None:
    """Kano category of every attribute (A, O, M, I, R, Q) from its functional/dysfunctional
    answers, with category strength, the Fong test, Better/Worse, DuMouchel's continuous scores,
    priorities for action, and — when the file has `overall` and `<attribute>_perf` ratings —
    penalty–reward contrast analysis. With --by, results per segment and a chi-square test of
    the category mix."""
    common.execute(
        shared,
        analyses=["kano"],
        options=shared.run_options(),
        title="Kano analysis",
        spec_overrides={"kano": {"rule": rule, "table": table}},
    )
