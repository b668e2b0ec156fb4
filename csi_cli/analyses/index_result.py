"""The CSI result: its JSON document, tables and headline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from csi_cli.results import Chart, Figure, Table, plain, records


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
        weighted average of the constructs' indices (``method = "weighted"``)."""
        label = (
            f"CSI ({self.target}, PLS)"
            if self.method == "pls"
            else "CSI (weighted average of constructs)"
        )
        return {
            label: Figure(
                self.index["value"], 1, self.index.get("ci_low"), self.index.get("ci_high")
            )
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of survey-spec §5, plus effects, HTMT, IPMA, segments, settings."""
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
        """Index by construct (bar chart), paths, outer model, effects, HTMT, IPMA, segments."""
        note = "; ".join(self.warnings)
        tables = [
            Table(
                "CSI by construct (0–100)",
                self.constructs,
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
        tables += [
            Table(title, frame, key=key)
            for title, frame, key in (
                ("Path coefficients", self.paths, "paths"),
                ("Outer weights and loadings", self.outer, "outer"),
                ("Direct, indirect and total effects", self.effects, "effects"),
                ("Discriminant validity (HTMT)", self.htmt, "htmt"),
            )
            if not frame.empty
        ]
        if not self.ipma.empty:
            tables.append(self._ipma_table())
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
            tables.append(
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
