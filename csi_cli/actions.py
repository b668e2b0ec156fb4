"""What to act on first: one ranked list of actions across every analysis of a report.

Each analysis that has something to say returns :class:`Action` objects from its result's
``actions()`` method (the builders below turn the tables of the CSI, Kano, gap and NPS results
into actions; a new analysis writes its own). :func:`collect` gathers them from any results and
:func:`rank` orders them on one scale, documented here and in ``docs/actions.md``.

The common priority scale
-------------------------
Every action carries a **tier** and a **score**; the list is ordered by tier, then by score
(largest first), then by the order of the analyses in the report, then by name.

Tier (what kind of finding it is):

1. *fix first* — a basic expectation is failing where it costs satisfaction: the weakest strong
   driver of the CSI target (importance at or above the importance–performance crosshair,
   performance below it, total effect significant); a Kano must-be attribute that is clearly
   separated; the largest significant shortfall (P − E < 0) among the SERVQUAL dimensions.
2. *improve* — a significant shortfall of smaller weight: a clearly one-dimensional Kano
   attribute with a large |Worse| (≥ :data:`LARGE_WORSE`); any other significant shortfall
   dimension; a significant driver below the performance line but with less importance; an
   item established in the "Concentrate here" quadrant of the importance–performance map (both
   intervals clear of the crosshair); an NPS whose whole interval is below zero.
3. *watch* — a signal that is not yet clear: a must-be or one-dimensional category not
   clearly separated from its runner-up (e.g. ``M/O``); a negative NPS whose interval reaches
   zero.

Score (0–1, how much of the customer base the finding concerns):

- Kano: |Worse| = (O + M)/(A + O + M + I), the share of customers dissatisfied when the
  attribute is missing (Berger et al. 1993);
- gap: the share of respondents whose perception is below their expectation on the dimension
  (on the item, for importance–performance actions);
- NPS: the share of detractors;
- CSI drivers: the standardized total effect on the target (the SDs of the target that move
  with one SD of the driver), which lies on the same 0–1 range for any real driver.

References
----------
Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality. *Center for
Quality of Management Journal* 2(4), 3–36.
Ringle, C. M. & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: the
importance-performance map analysis. *Industrial Management & Data Systems* 116(9), 1865–1886.
Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1988). SERVQUAL. *J. Retailing* 64(1), 12–40.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from csi_cli.results import Figure, Table, plain

FIX, IMPROVE, WATCH = 1, 2, 3
TIER_NAMES = {FIX: "fix first", IMPROVE: "improve", WATCH: "watch"}

LARGE_WORSE = 0.5
"""|Worse| at or above this makes a one-dimensional attribute an action (half the customers
would be dissatisfied without it)."""

SIGNIFICANCE = 0.05
"""Adjusted p-value below which a gap counts as a significant shortfall."""

ACTION_COLUMNS = ("#", "what", "act", "why", "evidence", "from")

ACTIONS_TITLE = "What to act on first"


@dataclass(frozen=True)
class Action:
    """One line of the action list.

    Attributes
    ----------
    subject : str
        The attribute, item, dimension or construct to act on.
    reason : str
        Why it is on the list, in a few words.
    evidence : tuple of Figure
        The numbers behind it, each labelled and with its 95% interval where there is one.
    source : str
        Name of the analysis it comes from (``index``, ``kano``, ``gap``, ``nps`` …).
    tier : int
        :data:`FIX`, :data:`IMPROVE` or :data:`WATCH` (see the module docstring).
    score : float
        0–1 on the common scale (see the module docstring); ranks actions within a tier.
    """

    subject: str
    reason: str
    evidence: tuple[Figure, ...]
    source: str
    tier: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the fields, with the evidence as label/value/ci_low/ci_high records."""
        return plain(
            {
                "subject": self.subject,
                "reason": self.reason,
                "tier": self.tier,
                "tier_name": TIER_NAMES[self.tier],
                "score": self.score,
                "source": self.source,
                "evidence": [
                    {"label": f.label, "value": f.value, "ci_low": f.low, "ci_high": f.high}
                    for f in self.evidence
                ],
            }
        )


@runtime_checkable
class HasActions(Protocol):
    """A result that contributes to the action list."""

    name: str

    def actions(self) -> list[Action]: ...


def collect(results: Iterable[Any]) -> list[Action]:
    """Every action of the results that have an ``actions()`` method, ranked.

    Parameters
    ----------
    results : iterable
        Analysis results in report order; those without ``actions()`` contribute nothing.

    Returns
    -------
    list of Action
        Ranked by :func:`rank`, ties broken by the order of ``results``.
    """
    ordered = [r for r in results if isinstance(r, HasActions)]
    order = {r.name: position for position, r in enumerate(ordered)}
    return rank([a for r in ordered for a in r.actions()], order)


def rank(actions: Sequence[Action], source_order: Mapping[str, int] | None = None) -> list[Action]:
    """Order actions by tier, then score (largest first), then source order, then subject.

    Parameters
    ----------
    actions : sequence of Action
        Actions of any analyses.
    source_order : mapping of str to int, optional
        Position of each source analysis in the report (unknown sources go last).

    Returns
    -------
    list of Action
        A new list, most urgent first.
    """
    order = source_order or {}

    def key(action: Action) -> tuple[int, float, int, str]:
        score = action.score if np.isfinite(action.score) else 0.0
        return (action.tier, -score, order.get(action.source, len(order)), action.subject)

    return sorted(actions, key=key)


def action_table(actions: Sequence[Action], title: str = ACTIONS_TITLE) -> Table:
    """The ranked actions as a table (columns :data:`ACTION_COLUMNS`).

    Parameters
    ----------
    actions : sequence of Action
        Already ranked (see :func:`collect`).
    title : str
        Table title.

    Returns
    -------
    Table
        One row per action; ``evidence`` cells hold the figures (renderers format them).
    """
    frame = pd.DataFrame(
        [
            (rank_, a.subject, TIER_NAMES[a.tier], a.reason, a.evidence, a.source)
            for rank_, a in enumerate(actions, start=1)
        ],
        columns=list(ACTION_COLUMNS),
    )
    return Table(title, frame, note=RANKING_NOTE, key="actions", keys=("#", "what"))


RANKING_NOTE = (
    "Ranked by tier (fix first, improve, watch), then by the share of customers concerned "
    "(Kano |Worse|, share below expectation, share of detractors; for CSI drivers the "
    "standardized total effect)."
)
"""The ranking rule in one sentence, shown under every rendering of the list."""


def headline_text(action: Action) -> str:
    """First line of an action in a list: ``subject (source) · tier · reason``."""
    return f"{action.subject} ({action.source}) · {TIER_NAMES[action.tier]} · {action.reason}"


# --- builders for the analyses csi ships ------------------------------------------------------


def driver_actions(
    ipma: pd.DataFrame,
    effects: pd.DataFrame,
    constructs: pd.DataFrame,
    target: str,
    crosshair: Mapping[str, float],
) -> list[Action]:
    """Actions from the importance–performance map of the CSI target's drivers.

    Parameters
    ----------
    ipma : pandas.DataFrame
        ``construct``, ``performance`` (0–100), ``importance``, ``total_effect``.
    effects : pandas.DataFrame
        ``from``, ``to``, ``total``, ``total_ci_low``, ``total_ci_high`` (bootstrap).
    constructs : pandas.DataFrame
        ``name``, ``index``, ``ci_low``, ``ci_high``.
    target : str
        The CSI target construct.
    crosshair : mapping
        ``performance`` and ``importance`` lines of the map.

    Returns
    -------
    list of Action
        Significant drivers (total-effect interval excludes 0) whose performance is below the
        crosshair: :data:`FIX` when their importance reaches the crosshair, else
        :data:`IMPROVE`.
    """
    if ipma.empty or not crosshair:
        return []
    to_target = effects.loc[effects["to"] == target].set_index("from")
    index = constructs.set_index("name")
    actions = []
    for row in ipma.itertuples(index=False):
        if row.construct not in to_target.index or row.performance >= crosshair["performance"]:
            continue
        effect = to_target.loc[row.construct]
        low, high = effect.get("total_ci_low", np.nan), effect.get("total_ci_high", np.nan)
        if not (low > 0 or high < 0):
            continue
        strong = row.importance >= crosshair["importance"]
        reason = "strong driver of " if strong else "driver of "
        perf = index.loc[row.construct]
        actions.append(
            Action(
                subject=str(row.construct),
                reason=f"{reason}{target}, performance below average",
                evidence=(
                    Figure(row.total_effect, 2, low, high, label=f"effect on {target}"),
                    Figure(perf["index"], 1, perf["ci_low"], perf["ci_high"], label="index"),
                ),
                source="index",
                tier=FIX if strong else IMPROVE,
                score=float(abs(row.total_effect)),
            )
        )
    return actions


def kano_actions(attributes: pd.DataFrame, penalties: pd.DataFrame | None = None) -> list[Action]:
    """Actions from Kano categories.

    Parameters
    ----------
    attributes : pandas.DataFrame
        ``attribute``, ``category``, ``label``, ``separated``, ``worse``, ``abs_worse_ci_low``,
        ``abs_worse_ci_high`` (see :func:`csi_cli.methods.kano.summarize_counts`).
    penalties : pandas.DataFrame, optional
        Penalty–reward contrast analysis (``attribute``, ``penalty``, ``penalty_ci_low``,
        ``penalty_ci_high``): where present, the penalty on the overall rating of a low
        performance joins the evidence (how much falling below expectation costs).

    Returns
    -------
    list of Action
        Clearly separated must-be attributes (:data:`FIX`), clearly separated one-dimensional
        attributes with |Worse| ≥ :data:`LARGE_WORSE` (:data:`IMPROVE`), and categories whose
        leader or runner-up is M or O but are not clearly separated (:data:`WATCH`).
    """
    penalty = {} if penalties is None else penalties.set_index("attribute").to_dict("index")
    actions = []
    for row in attributes.to_dict(orient="records"):
        worse = abs(row["worse"])
        evidence = (
            Figure(worse, 2, row["abs_worse_ci_low"], row["abs_worse_ci_high"], label="|Worse|"),
        )
        if row["attribute"] in penalty:
            cost = penalty[row["attribute"]]
            evidence += (
                Figure(cost["penalty"], 2, cost["penalty_ci_low"], cost["penalty_ci_high"],
                       label="penalty on overall"),
            )  # fmt: skip
        tier, reason = _kano_tier(row["category"], row["label"], bool(row["separated"]), worse)
        if tier is None:
            continue
        actions.append(Action(row["attribute"], reason, evidence, "kano", tier, float(worse)))
    return actions


def _kano_tier(category: str, label: str, separated: bool, worse: float) -> tuple[int | None, str]:
    if separated and category == "M":
        return FIX, "must-be: customers take it for granted"
    if separated and category == "O" and worse >= LARGE_WORSE:
        return IMPROVE, "one-dimensional, large |Worse|"
    if not separated and set(label.split("/")) & {"M", "O"}:
        return WATCH, f"{label}: must-be or one-dimensional, not clearly separated"
    return None, ""


def gap_actions(levels: pd.DataFrame, name_column: str) -> list[Action]:
    """Actions from SERVQUAL gaps (P − E) per dimension (or per item without dimensions).

    Parameters
    ----------
    levels : pandas.DataFrame
        ``gap``, ``ci_low``, ``ci_high``, ``p_adj`` and ``share_below`` per level.
    name_column : str
        ``"dimension"`` or ``"item"``.

    Returns
    -------
    list of Action
        Significant shortfalls (adjusted p < :data:`SIGNIFICANCE` and interval below 0): the
        largest :data:`FIX`, the others :data:`IMPROVE`.
    """
    if levels.empty:
        return []
    p = levels["p_adj"] if "p_adj" in levels else levels["p_value"]
    short = levels.loc[(p < SIGNIFICANCE) & (levels["ci_high"] < 0)].sort_values("gap")
    return [
        Action(
            subject=str(row[name_column]),
            reason="largest significant shortfall" if first else "significant shortfall",
            evidence=(Figure(row["gap"], 2, row["ci_low"], row["ci_high"], label="P − E"),),
            source="gap",
            tier=FIX if first else IMPROVE,
            score=float(row["share_below"]),
        )
        for first, row in zip(
            [True] + [False] * (len(short) - 1), short.to_dict(orient="records"), strict=True
        )
    ]


def ipa_actions(ipa: pd.DataFrame, items: pd.DataFrame, source: str = "gap") -> list[Action]:
    """Items established in the "Concentrate here" quadrant of the importance–performance map.

    Parameters
    ----------
    ipa : pandas.DataFrame
        ``item``, ``quadrant``, ``uncertain``, ``importance`` and ``performance`` with their
        ``*_ci_low``/``*_ci_high`` (see :func:`csi_cli.methods.ipa.importance_performance`).
    items : pandas.DataFrame
        Gap per item with ``item`` and ``share_below`` (the score).
    source : str
        The analysis the map belongs to.

    Returns
    -------
    list of Action
        :data:`IMPROVE` for each item whose quadrant is "Concentrate here" and not uncertain
        (both intervals clear of the crosshair).
    """
    from csi_cli.methods.ipa import CONCENTRATE  # here: renderers import this module, not scipy

    share = items.set_index("item")["share_below"] if "share_below" in items else pd.Series()
    established = ~ipa["uncertain"].astype("boolean").fillna(True).astype(bool)
    chosen = ipa.loc[(ipa["quadrant"] == CONCENTRATE) & established]
    return [
        Action(
            subject=str(row["item"]),
            reason="important item, performance below average",
            evidence=(
                Figure(
                    row["importance"],
                    3,
                    row["importance_ci_low"],
                    row["importance_ci_high"],
                    label="importance",
                ),
                Figure(
                    row["performance"],
                    2,
                    row["performance_ci_low"],
                    row["performance_ci_high"],
                    label="performance",
                ),
            ),
            source=source,
            tier=IMPROVE,
            score=float(share.get(row["item"], 0.0)),
        )
        for row in chosen.to_dict(orient="records")
    ]


def nps_actions(nps: float, ci_low: float, ci_high: float, detractor_share: float) -> list[Action]:
    """An action when the NPS is negative: :data:`IMPROVE` if its whole interval is below 0,
    else :data:`WATCH`; scored by the share of detractors.

    Parameters
    ----------
    nps, ci_low, ci_high : float
        The NPS (−100…100) and its 95% interval.
    detractor_share : float
        Share (0–1) of respondents who gave 0–6.
    """
    if not nps < 0:
        return []
    return [
        Action(
            subject="likelihood to recommend",
            reason="more detractors than promoters",
            evidence=(Figure(nps, 1, ci_low, ci_high, label="NPS"),),
            source="nps",
            tier=IMPROVE if ci_high < 0 else WATCH,
            score=float(detractor_share),
        )
    ]
