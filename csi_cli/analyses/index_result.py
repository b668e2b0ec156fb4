"""The CSI result: its JSON document, tables and headline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from csi_cli.actions import Action, driver_actions
from csi_cli.results import (
    Chart,
    Figure,
    Table,
    diagnostic,
    plain,
    records,
    respondents_used,
)

DROP_REASONS = {
    "listwise": "a blank CSI answer; --missing mean keeps them",
    "mean": "no CSI answer at all",
}
"""Why respondents are left out of the CSI, by missing-answer rule."""

QUALITY_COLUMNS = ("r2", "r2_adj", "alpha", "rho_c", "rho_a", "ave")
"""Measurement-quality columns of the construct table (shown with ``--detail full``)."""


@dataclass(frozen=True)
class IndexResult:
    """The CSI: index per construct, structural and measurement model, quality, IPMA, segments."""

    name: str
    title: str
    n: int
    n_used: int
    model: str
    method: str
    target: str
    scale: tuple[float, float]
    index: dict[str, float]
    constructs: pd.DataFrame
    paths: pd.DataFrame
    outer: pd.DataFrame
    effects: pd.DataFrame = field(default_factory=pd.DataFrame)
    htmt: pd.DataFrame = field(default_factory=pd.DataFrame)
    ipma: pd.DataFrame = field(default_factory=pd.DataFrame)
    segments: pd.DataFrame = field(default_factory=pd.DataFrame)
    group_test: pd.DataFrame = field(default_factory=pd.DataFrame)
    gof: float = float("nan")
    settings: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def headline(self) -> dict[str, Any]:
        """The headline figure with its CI: the target construct's 0–100 index (PLS), or the
        weighted average of the constructs' indices (``method = "weighted"``; by default the
        target and its antecedents, see :func:`csi_cli.methods.index.satisfaction_constructs`)."""
        label = (
            f"CSI ({self.target}, PLS)"
            if self.method == "pls"
            else f"CSI (weighted average of {', '.join(self.settings['construct_weights'])})"
        )
        figures: dict[str, Any] = {
            label: Figure(
                self.index["value"], 1, self.index.get("ci_low"), self.index.get("ci_high")
            )
        }
        if self.n_used < self.n:
            figures["Respondents used (CSI)"] = respondents_used(
                self.n_used, self.n, DROP_REASONS.get(self.settings.get("missing"), "")
            )
        return figures

    def actions(self) -> list[Action]:
        """Drivers of the target with low performance (:func:`csi_cli.actions.driver_actions`)."""
        crosshair = self.settings.get("crosshair", {})
        return driver_actions(self.ipma, self.effects, self.constructs, self.target, crosshair)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of docs/json.md, with effects, HTMT, IPMA, segments, settings."""
        document = {
            "n": self.n,
            "n_used": self.n_used,
            "model": self.model,
            "method": self.method,
            "target": self.target,
            "index": plain(self.index),
            "constructs": records(self.constructs),
            "paths": records(self.paths),
            "outer": records(self.outer),
            "effects": records(self.effects),
            "htmt": records(self.htmt),
            "gof": plain(self.gof),
            "ipma": records(self.ipma),
            "scale": list(self.scale),
            "settings": plain(self.settings),
            "warnings": list(self.warnings),
        }
        if not self.segments.empty:
            document["segments"] = records(self.segments)
        if not self.group_test.empty:
            document["group_test"] = records(self.group_test)
        return document

    def tables(self) -> list[Table]:
        """Index by construct (compact, bar chart) and the IPMA; then the diagnostics:
        measurement quality, paths, outer model, effects, HTMT; segments."""
        note = "; ".join(self.warnings)
        shown = [c for c in ("name", "n_items", "index", "ci_low", "ci_high", "r2")
                 if c in self.constructs]  # fmt: skip
        quality = [c for c in ("name", "mode", *QUALITY_COLUMNS) if c in self.constructs]
        tables = [
            Table(
                "CSI by construct (0–100)",
                self.constructs[shown],
                digits={"index": 1, "ci_low": 1, "ci_high": 1},
                note=note,
                chart=Chart(
                    "bar",
                    x="name",
                    y=("index",),
                    title="Index by construct",
                    y_title="index (0–100)",
                ),
                key="constructs",
            )
        ]
        if not self.ipma.empty:
            tables.append(self._ipma_table())
        tables += diagnostic(
            *(
                Table(title, frame, key=key)
                for title, frame, key in (
                    ("Measurement quality", self.constructs[quality], "quality"),
                    ("Path coefficients", self.paths, "paths"),
                    ("Outer weights and loadings", self.outer, "outer"),
                    ("Direct, indirect and total effects", self.effects, "effects"),
                    ("Discriminant validity (HTMT)", self.htmt, "htmt"),
                )
                if not frame.empty and len(frame.columns) > 1
            )
        )
        if not self.segments.empty:
            tables.append(
                Table(
                    "Index by segment",
                    self.segments,
                    digits={"index": 1, "ci_low": 1, "ci_high": 1},
                    key="segments",
                )
            )
        if not self.group_test.empty:
            tables += diagnostic(
                Table(
                    "Path differences between groups (permutation test)",
                    self.group_test,
                    key="group_test",
                )
            )
        return tables

    def _ipma_table(self) -> Table:
        crosshair = self.settings.get("crosshair", {})
        return Table(
            f"Importance–performance map of {self.target}",
            self.ipma,
            digits={"performance": 1},
            chart=Chart(
                "scatter",
                x="performance",
                y=("importance",),
                label="construct",
                title=f"Importance–performance map ({self.target})",
                x_title="performance (0–100)",
                y_title="importance (total effect)",
                x_line=crosshair.get("performance"),
                y_line=crosshair.get("importance"),
            ),
            key="ipma",
        )
