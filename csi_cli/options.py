"""Settings of one run: the ones every analysis shares, and each analysis' own.

Each analysis declares its own options as a frozen dataclass (``Analysis.options_type``) whose
defaults are what ``csi analyze`` uses; a command that sets some of them passes an instance in
:attr:`RunOptions.analyses`. Allowed values are declared once, as the tuples below, and used by
the dataclasses' type hints, the spec's checks and the command-line choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, get_args

DEFAULT_SEED = 1
DEFAULT_BOOTSTRAP = 5000
#: Bootstrap resamples of a period report (index CIs and index differences).
REPORT_BOOTSTRAP = 1000
#: Smallest drop (in points of a 0–100 scale) that raises a report alert.
DEFAULT_MIN_CHANGE = 1.0

#: Allowed values, declared once: the command line takes the Literal types as choices, the
#: spec and the methods check against the tuples.
IndexMethod = Literal["pls", "weighted"]
MissingRule = Literal["listwise", "mean"]
Crosshair = Literal["mean", "mid"]
Adjustment = Literal["holm", "bh"]
ImportanceSource = Literal["auto", "stated", "correlation", "regression", "relative"]
Scheme = Literal["path", "centroid", "factorial"]
KanoTable = Literal["standard", "pouliot"]
KanoRule = Literal["mode", "aom"]

INDEX_METHODS: tuple[str, ...] = get_args(IndexMethod)
MISSING_RULES: tuple[str, ...] = get_args(MissingRule)
CROSSHAIRS: tuple[str, ...] = get_args(Crosshair)
ADJUSTMENTS: tuple[str, ...] = get_args(Adjustment)
IMPORTANCE_SOURCES: tuple[str, ...] = get_args(ImportanceSource)
SCHEMES: tuple[str, ...] = get_args(Scheme)
KANO_TABLES: tuple[str, ...] = get_args(KanoTable)
KANO_RULES: tuple[str, ...] = get_args(KanoRule)


@dataclass(frozen=True)
class IndexOptions:
    """Options of the CSI.

    Attributes
    ----------
    method : {"pls", "weighted"}
        CSI estimation method.
    missing : {"listwise", "mean"}
        Treatment of missing ratings in the CSI model.
    refit : bool
        With ``by``: refit the PLS model per segment instead of using pooled weights.
    crosshair : {"mean", "mid"}
        Where the importance–performance crosshair sits.
    """

    method: IndexMethod = "pls"
    missing: MissingRule = "listwise"
    refit: bool = False
    crosshair: Crosshair = "mean"


@dataclass(frozen=True)
class GapOptions:
    """Options of the expectation-gap analysis.

    Attributes
    ----------
    adjust : {"holm", "bh"}
        Multiple-testing adjustment of per-item p-values.
    crosshair : {"mean", "mid"}
        Where the importance–performance crosshair sits.
    importance : {"auto", "stated", "correlation", "regression", "relative"}
        Source of importance in importance–performance analysis.
    """

    adjust: Adjustment = "holm"
    crosshair: Crosshair = "mean"
    importance: ImportanceSource = "auto"


@dataclass(frozen=True)
class RunOptions:
    """Settings of one run.

    Attributes
    ----------
    seed : int
        Seed of every random stream (bootstrap, permutation tests); a fixed seed gives identical
        output.
    bootstrap : int
        Bootstrap resamples (0 skips the bootstrap).
    by : str or None
        Segment column: results per segment.
    analyses : mapping of str to options
        Each analysis' own options, by analysis name; an analysis not named uses its defaults.
    """

    seed: int = DEFAULT_SEED
    bootstrap: int = DEFAULT_BOOTSTRAP
    by: str | None = None
    analyses: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, name: str, options_type: type) -> Any:
        """The options of analysis ``name`` (its ``options_type`` defaults when not given)."""
        given = self.analyses.get(name)
        return given if given is not None else options_type()

    def without_segments(self) -> RunOptions:
        """The same options with no ``by`` (period reports segment on their own)."""
        return RunOptions(seed=self.seed, bootstrap=self.bootstrap, analyses=self.analyses)
