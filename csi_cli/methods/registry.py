"""The analyses ``csi analyze`` walks, in report order.

Each entry names a method module exposing ``supports(survey) -> bool`` and
``run(survey, options) -> Result``. Modules are imported when first used, so a command pays
only for the methods it runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from csi_cli.options import RunOptions
from csi_cli.results import Result
from csi_cli.survey import Survey

#: name → module, in the order results appear in a report.
ANALYSIS_MODULES = {
    "overview": "csi_cli.methods.overview",
    "index": "csi_cli.methods.index",
    "kano": "csi_cli.methods.kano",
    "gap": "csi_cli.methods.gap",
    "nps": "csi_cli.methods.nps",
}


@dataclass(frozen=True)
class Analysis:
    """One analysis: whether a survey supports it, and how to run it."""

    name: str
    supports: Callable[[Survey], bool]
    run: Callable[[Survey, RunOptions], Result]


def analysis(name: str) -> Analysis:
    """The registered analysis called ``name``."""
    module = importlib.import_module(ANALYSIS_MODULES[name])
    return Analysis(name=name, supports=module.supports, run=module.run)


def supported(survey: Survey) -> list[Analysis]:
    """Every registered analysis the survey's columns support, in report order."""
    found = [analysis(name) for name in ANALYSIS_MODULES]
    return [a for a in found if a.supports(survey)]
