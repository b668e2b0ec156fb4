"""The customer analysis' result: its JSON document, tables with charts, and headline figures."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from csi_cli.methods.customers import Concentration, ValueAtRisk
from csi_cli.methods.loyalty import LoyaltyRatio, Retention
from csi_cli.results import Chart, Figure, Table, diagnostic, plain, records, summary_of

#: Columns of the tier table in the JSON document (the contract's keys first).
TIER_KEYS = (
    "tier", "n", "share_customers", "value", "share_value", "satisfaction",
    "satisfaction_ci_low", "satisfaction_ci_high", "value_at_risk",
)  # fmt: skip
SHARE_DIGITS = {"share": 3, "ci_low": 3, "ci_high": 3, "n": 0}


@dataclass(frozen=True)
class CustomersResult:
    """Customer pyramid, concentration, value at risk, satisfaction × loyalty and retention.

    Parts the file's columns do not support are None (or empty frames); ``skipped`` says why.
    """

    n: int
    sources: dict[str, Any]
    thresholds: dict[str, Any]
    tiers: pd.DataFrame = field(default_factory=pd.DataFrame)
    tier_basis: str | None = None
    tier_test: dict[str, Any] | None = None
    top_vs_rest: dict[str, Any] | None = None
    concentration: Concentration | None = None
    at_risk: ValueAtRisk | None = None
    at_risk_detractors: ValueAtRisk | None = None
    quadrants: pd.DataFrame = field(default_factory=pd.DataFrame)
    quadrant_groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    loyalty_curve: pd.DataFrame = field(default_factory=pd.DataFrame)
    loyalty_ratio: LoyaltyRatio | None = None
    boxes: pd.DataFrame = field(default_factory=pd.DataFrame)
    dick_basu: pd.DataFrame = field(default_factory=pd.DataFrame)
    retention: Retention | None = None
    skipped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    name: str = "customers"
    title: str = "Customer value and loyalty"

    # --- JSON --------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The contract's keys (``n``, ``tiers``, ``gini``, ``top20_value_share``,
        ``value_at_risk``, ``quadrants``, ``loyalty_curve``, ``retention``) and more."""
        concentration = self.concentration
        return {
            "n": self.n,
            "tiers": records(self._tier_records()),
            "tier_basis": self.tier_basis,
            "tier_test": plain(self.tier_test),
            "top_tier_vs_rest": plain(self.top_vs_rest),
            "gini": None if concentration is None else plain(concentration.gini),
            "top20_value_share": None if concentration is None else plain(concentration.top_share),
            "lorenz": [] if concentration is None else records(concentration.lorenz),
            "value_at_risk": self._value_at_risk_dict(),
            "quadrants": records(self.quadrants),
            "quadrants_by_group": records(self.quadrant_groups),
            "loyalty_curve": records(self.loyalty_curve),
            "loyalty_ratio": None
            if self.loyalty_ratio is None
            else plain(asdict(self.loyalty_ratio)),
            "boxes": records(self.boxes),
            "dick_basu": records(self.dick_basu),
            "retention": self._retention_dict(),
            "sources": plain(self.sources),
            "thresholds": plain(self.thresholds),
            "skipped": list(self.skipped),
            "warnings": list(self.warnings),
        }

    def _tier_records(self) -> pd.DataFrame:
        frame = self.tiers.copy()
        for key in TIER_KEYS:
            if key not in frame:
                frame[key] = np.nan
        rest = [c for c in frame.columns if c not in TIER_KEYS]
        return frame[[*TIER_KEYS, *rest]]

    def _value_at_risk_dict(self) -> dict[str, Any] | None:
        risk, detractors = self.at_risk, self.at_risk_detractors
        if risk is None and detractors is None:
            return None
        document: dict[str, Any] = {
            "dissatisfied": None,
            "detractors": None,
            "ci_low": None,
            "ci_high": None,
        }
        if risk is not None:
            document |= {
                "dissatisfied": risk.value,
                "ci_low": risk.ci_low,
                "ci_high": risk.ci_high,
                "share_dissatisfied": risk.share,
                "share_ci_low": risk.share_ci_low,
                "share_ci_high": risk.share_ci_high,
                "total": risk.total,
                "n": risk.n,
            }
        if detractors is not None:
            document |= {
                "detractors": detractors.value,
                "detractors_ci_low": detractors.ci_low,
                "detractors_ci_high": detractors.ci_high,
                "share_detractors": detractors.share,
            }
        return plain(document)

    def _retention_dict(self) -> dict[str, Any] | None:
        model = self.retention
        if model is None:
            return None
        document = {k: v for k, v in asdict(model).items() if k != "curve"}
        document["curve"] = records(model.curve)
        return plain(document)

    # --- headline ----------------------------------------------------------------------------

    def headline(self) -> dict[str, Any]:
        """Value at risk, share of defectors, the top tier's satisfaction against the rest."""
        lines: dict[str, Any] = {}
        if self.at_risk is not None:
            r = self.at_risk
            lines["Value held by dissatisfied customers (%)"] = Figure(
                100 * r.share, 1, 100 * r.share_ci_low, 100 * r.share_ci_high
            )
        if not self.quadrants.empty:
            row = self.quadrants.set_index("quadrant").loc["defector"]
            lines["Defectors (%)"] = Figure(
                100 * float(row["share"]),
                1,
                100 * float(row["ci_low"]),
                100 * float(row["ci_high"]),
            )
        if self.top_vs_rest is not None:
            t = self.top_vs_rest
            lines[f"Satisfaction: {t['tier']} − rest (0–100)"] = Figure(
                t["difference"], 1, t["ci_low"], t["ci_high"]
            )
        return lines

    # --- tables ------------------------------------------------------------------------------

    def tables(self) -> list[Table]:
        """Pyramid, Lorenz curve, value at risk, quadrants (and by group), loyalty curve and
        ratio, top boxes, Dick & Basu, retention model and curve — whichever exist."""
        makers = (
            self._pyramid_table, self._lorenz_table, self._risk_table, self._quadrant_table,
            self._group_table, self._curve_table, self._ratio_table, self._box_table,
            self._dick_basu_table, self._retention_table, self._retention_curve_table,
        )  # fmt: skip
        tables = [table for make in makers if (table := make()) is not None]
        if self.skipped and tables:
            tables[0] = _with_note(tables[0], " ".join(self.skipped))
        if not tables:
            return []
        return [summary_of(tables[0], COMPACT_PYRAMID), *diagnostic(*tables)]

    def _pyramid_table(self) -> Table | None:
        if self.tiers.empty:
            return None
        test = self.tier_test or {}
        note = (
            f"Tiers from {self.tier_basis}. Satisfaction and loyalty: mean 0–100 respondent "
            "scores with 95% t intervals (a tier's mean CSI score is its CSI with pooled "
            "weights). Satisfaction differs between tiers: Kruskal–Wallis H = "
            f"{_fmt(test.get('statistic'))}, df = {_fmt(test.get('df'), 0)}, "
            f"p = {_fmt_p(test.get('p_value'))}."
        )
        y = tuple(c for c in ("share_customers", "share_value") if c in self.tiers)
        digits = {
            c: 1 for c in self.tiers.columns if c.startswith(("satisfaction", "loyalty", "nps"))
        }
        digits |= {
            "n": 0,
            "value": 0,
            "mean_value": 0,
            "value_at_risk": 0,
            "value_at_risk_detractors": 0,
        }
        return Table(
            "Customer pyramid",
            self.tiers,
            digits,
            note=note,
            key="pyramid",
            chart=Chart("bar", x="tier", y=y, title="Customer pyramid", y_title="share"),
        )

    def _lorenz_table(self) -> Table | None:
        c = self.concentration
        if c is None:
            return None
        frame = c.lorenz.assign(equality=c.lorenz["customers"])
        note = (
            f"Gini = {c.gini:.3f}; the top 20% of customers hold {c.top_share:.1%} of "
            "value (the 80/20 check)."
        )
        chart = Chart(
            "line",
            x="customers",
            y=("value", "equality"),
            title="Lorenz curve",
            x_title="share of customers (lowest value first)",
            y_title="share of value",
        )
        return Table(
            "Concentration of value (Lorenz curve)", frame, note=note, chart=chart, key="lorenz"
        )

    def _risk_table(self) -> Table | None:
        rows = [
            {
                "customers": who,
                "n": r.at_risk,
                "value": r.value,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "share_value": r.share,
                "share_ci_low": r.share_ci_low,
                "share_ci_high": r.share_ci_high,
            }
            for who, r in (("dissatisfied", self.at_risk), ("detractors", self.at_risk_detractors))
            if r is not None
        ]
        if not rows:
            return None
        note = (
            "Value held by customers at risk; 95% CI of the share by the ratio-estimator "
            "(linearization) standard error, times the total for the value."
        )
        return Table(
            "Value at risk",
            pd.DataFrame(rows),
            {"n": 0, "value": 0, "ci_low": 0, "ci_high": 0},
            note=note,
            key="value_at_risk",
        )

    def _quadrant_table(self) -> Table | None:
        if self.quadrants.empty:
            return None
        t = self.thresholds
        note = (
            f"Satisfied: {self.sources.get('satisfaction')} level ≥ {t.get('satisfied')}; "
            f"loyal: {self.sources.get('loyalty')} level ≥ {t.get('loyal')} "
            "(Jones & Sasser 1995). 95% Wilson intervals."
        )
        return Table(
            "Satisfaction × loyalty quadrants",
            self.quadrants,
            SHARE_DIGITS,
            note=note,
            key="quadrants",
            chart=Chart("bar", x="quadrant", y=("share",), title="Jones & Sasser quadrants"),
        )

    def _group_table(self) -> Table | None:
        frame = self.quadrant_groups
        if frame.empty:
            return None
        wide = frame.pivot(index="group", columns="quadrant", values="share")
        wide = wide.reindex(index=pd.unique(frame["group"]), columns=pd.unique(frame["quadrant"]))
        wide = wide.assign(
            satisfied=wide["loyalist"] + wide["mercenary"], loyal=wide["loyalist"] + wide["hostage"]
        ).reset_index()
        overall = self.quadrants.set_index("quadrant")["share"]
        chart = Chart(
            "scatter",
            x="satisfied",
            y=("loyal",),
            label="group",
            title="Quadrant map by group",
            x_title="share satisfied",
            y_title="share loyal",
            x_line=float(overall["loyalist"] + overall["mercenary"]),
            y_line=float(overall["loyalist"] + overall["hostage"]),
        )
        return Table(
            "Quadrants by tier and segment",
            wide,
            note="Reference lines: all respondents.",
            chart=chart,
            key="quadrant_groups",
        )

    def _curve_table(self) -> Table | None:
        if self.loyalty_curve.empty:
            return None
        chart = Chart(
            "line",
            x="level",
            y=("loyal_share",),
            title="Loyalty by satisfaction",
            x_title="satisfaction level",
            y_title="share loyal",
        )
        return Table(
            "Loyalty curve",
            self.loyalty_curve,
            {"level": 0, "n": 0},
            chart=chart,
            note="Share loyal at every satisfaction level; 95% Wilson intervals.",
            key="loyalty_curve",
        )

    def _ratio_table(self) -> Table | None:
        if self.loyalty_ratio is None:
            return None
        frame = pd.DataFrame([asdict(self.loyalty_ratio)])
        return Table(
            "Completely versus merely satisfied",
            frame,
            {"ratio": 2, "ci_low": 2, "ci_high": 2},
            note="Loyal share of the completely satisfied (top box) "
            "over that of the merely satisfied (the levels just below); 95% CI by "
            "Katz's log method.",
            key="loyalty_ratio",
        )

    def _box_table(self) -> Table | None:
        if self.boxes.empty:
            return None
        return Table("Top-box satisfaction", self.boxes, SHARE_DIGITS, key="boxes")

    def _dick_basu_table(self) -> Table | None:
        if self.dick_basu.empty:
            return None
        return Table(
            "Attitude × repeat patronage (Dick & Basu)",
            self.dick_basu,
            SHARE_DIGITS,
            note=f"High attitude: loyal; high patronage: {self.thresholds.get('repeat')}"
            ". 95% Wilson intervals.",
            key="dick_basu",
            chart=Chart("bar", x="cell", y=("share",), title="Dick & Basu"),
        )

    def _retention_table(self) -> Table | None:
        model = self.retention
        if model is None:
            return None
        frame = pd.DataFrame(
            [{k: v for k, v in asdict(model).items() if k not in ("curve", "warning")}]
        )
        note = (
            "logit P(retained) = β₀ + β₁ · satisfaction level; odds ratio per scale point "
            "with its Wald CI; average marginal effect with its delta-method CI; value "
            "retained per point = Σ value · β₁ p(1 − p). " + model.warning
        )
        return Table(
            "Retention on satisfaction (logistic regression)",
            frame,
            {
                "n": 0,
                "retained": 0,
                "value_per_point": 0,
                "value_per_point_ci_low": 0,
                "value_per_point_ci_high": 0,
            },
            note=note.strip(),
            key="retention",
        )

    def _retention_curve_table(self) -> Table | None:
        if self.retention is None or self.retention.curve.empty:
            return None
        chart = Chart(
            "line",
            x="level",
            y=("retained_share", "predicted"),
            title="Retention by satisfaction",
            x_title="satisfaction level",
            y_title="share retained",
        )
        return Table(
            "Retention curve",
            self.retention.curve,
            {"level": 0, "n": 0},
            chart=chart,
            key="retention_curve",
        )


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    return f"{value:.{digits}f}"


def _fmt_p(value: Any) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    return f"{value:.2g}"


def _with_note(table: Table, note: str) -> Table:
    joined = f"{table.note} {note}".strip()
    return Table(table.title, table.frame, table.digits, joined, table.chart, table.key)


#: Columns of the pyramid in the compact view (the full pyramid is a diagnostic table).
COMPACT_PYRAMID = ("tier", "n", "share_customers", "share_value", "satisfaction", "nps")
