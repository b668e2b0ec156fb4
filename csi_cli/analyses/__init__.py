"""The registry: every analysis csi knows, in report order.

``csi analyze``, the per-method commands, validation, ``csi init``, the overview, period
comparison and the history all walk :func:`registered`. Each entry is a module exposing
``ANALYSIS``, an instance of a :class:`csi_cli.analysis.Analysis` subclass. Modules are imported
when first used, so a command pays only for the analyses it runs.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csi_cli.analysis import Analysis
    from csi_cli.survey import Survey

#: name → module, in the order results appear in a report.
MODULES = {
    "overview": "csi_cli.analyses.overview",
    "index": "csi_cli.analyses.index",
    "kano": "csi_cli.analyses.kano",
    "gap": "csi_cli.analyses.gap",
    "nps": "csi_cli.analyses.nps",
    "customers": "csi_cli.analyses.customers",
    "complaints": "csi_cli.analyses.complaints",
    "journey": "csi_cli.analyses.journey",
    "comments": "csi_cli.analyses.comments",
}


@cache
def get(name: str) -> Analysis:
    """The registered analysis called ``name``."""
    return importlib.import_module(MODULES[name]).ANALYSIS


def registered() -> list[Analysis]:
    """Every registered analysis, in report order."""
    return [get(name) for name in MODULES]


def supported(survey: Survey) -> list[Analysis]:
    """Every registered analysis the survey's columns support, in report order."""
    return [a for a in registered() if a.supports(survey)]
