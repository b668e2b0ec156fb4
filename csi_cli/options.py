"""Cross-cutting settings that commands may override, passed to every method's ``run``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DEFAULT_SEED = 1
DEFAULT_BOOTSTRAP = 5000
#: Bootstrap resamples of a period report (index CIs and index differences).
REPORT_BOOTSTRAP = 1000
#: Smallest drop (in points of a 0–100 scale) that raises a report alert.
DEFAULT_MIN_CHANGE = 1.0


@dataclass(frozen=True)
class RunOptions:
    """Settings of one run.

    Attributes
    ----------
    seed : int
        Seed of every random stream (bootstrap, permutation tests); a fixed seed gives identical
        output.
    bootstrap : int
        Bootstrap resamples for the CSI (0 skips the bootstrap).
    by : str or None
        Segment column: results per segment.
    missing : {"listwise", "mean"}
        Treatment of missing ratings in the CSI model.
    method : {"pls", "weighted"}
        CSI estimation method.
    refit : bool
        With ``by``: refit the PLS model per segment instead of using pooled weights.
    adjust : {"holm", "bh"}
        Multiple-testing adjustment of per-item p-values.
    crosshair : {"mean", "mid"}
        Where the importance–performance crosshair sits.
    importance : {"auto", "stated", "correlation", "regression", "relative"}
        Source of importance in importance–performance analysis.
    """

    seed: int = DEFAULT_SEED
    bootstrap: int = DEFAULT_BOOTSTRAP
    by: str | None = None
    missing: Literal["listwise", "mean"] = "listwise"
    method: Literal["pls", "weighted"] = "pls"
    refit: bool = False
    adjust: Literal["holm", "bh"] = "holm"
    crosshair: Literal["mean", "mid"] = "mean"
    importance: Literal["auto", "stated", "correlation", "regression", "relative"] = "auto"
