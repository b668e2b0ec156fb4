"""``csi comments FILE``: what dissatisfied customers write about (terms, themes, impact,
verbatims with personal data masked)."""

from __future__ import annotations

from typing import Annotated

import typer

from csi_cli.analyses.comments import CommentsOptions
from csi_cli.commands import common
from csi_cli.options import Adjustment


@common.command(bootstrap=None, omit=())
def comments(
    shared: common.Shared,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="The contrast: nps (detractors 0–6 vs promoters 9–10) | satisfaction "
            "(dissatisfied vs satisfied on the CSI target's items or the overall rating, split "
            "at the scale's midpoint) | SEGMENT=VALUE (that segment vs the rest). Default: nps "
            "when the file has an NPS column, else satisfaction.",
        ),
    ] = None,
    adjust: Annotated[
        Adjustment,
        typer.Option("--adjust", help="p-value adjustment across themes: holm | bh."),
    ] = "holm",
) -> None:
    """The open question's comments in Chinese, English or both: the words and phrases that
    distinguish low scorers (weighted log-odds with an informative Dirichlet prior), themes
    with their share and impact on satisfaction and NPS, candidate themes, and example comments
    with phone numbers, e-mails, ID-card and order numbers masked."""
    common.execute(
        shared,
        analyses=["comments"],
        options=shared.run_options(comments=CommentsOptions(against=against, adjust=adjust)),
        title="Comments",
    )
