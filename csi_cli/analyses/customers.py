"""Customer value and loyalty as csi runs it: Survey → per-respondent arrays
(:mod:`~csi_cli.analyses.customer_inputs`) → the pure statistics of
:mod:`csi_cli.methods.customers` and :mod:`csi_cli.methods.loyalty` →
:class:`~csi_cli.analyses.customer_result.CustomersResult`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from csi_cli.analyses.customer_inputs import CustomersSpec, Inputs, Rating, thresholds
from csi_cli.analyses.customer_result import CustomersResult
from csi_cli.methods import customers as value_methods
from csi_cli.methods import loyalty as loyalty_methods
from csi_cli.methods.nps import DETRACTOR_MAX

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Flags:
    """Per-respondent 1.0/0.0/NaN classifications from the ratings and their thresholds."""

    satisfied: np.ndarray | None
    dissatisfied: np.ndarray | None
    loyal: np.ndarray | None
    detractor: np.ndarray | None


def _flag(values: np.ndarray, condition: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), np.nan, condition.astype(float))


def classify(inputs: Inputs, spec: CustomersSpec) -> tuple[Flags, dict[str, object]]:
    """Satisfied, dissatisfied, loyal and detractor flags, and the thresholds used."""
    sat, loy = inputs.satisfaction, inputs.loyalty
    used: dict[str, object] = {}
    satisfied = dissatisfied = loyal = detractor = None
    if sat is not None:
        cut = thresholds(sat, spec.satisfied, spec.dissatisfied)
        levels = sat.levels
        with np.errstate(invalid="ignore"):
            satisfied = _flag(levels, levels >= cut.top_box)
            dissatisfied = _flag(levels, levels <= cut.dissatisfied)
        used |= {
            "satisfied": cut.top_box,
            "satisfied_width": cut.width,
            "dissatisfied": cut.dissatisfied,
            "satisfaction_scale": list(sat.scale),
        }
    if loy is not None:
        cut = thresholds(loy, spec.loyal, None)
        with np.errstate(invalid="ignore"):
            loyal = _flag(loy.levels, loy.levels >= cut.top_box)
        used |= {"loyal": cut.top_box, "loyalty_scale": list(loy.scale)}
    if inputs.recommend is not None:
        with np.errstate(invalid="ignore"):
            detractor = _flag(inputs.recommend, inputs.recommend <= DETRACTOR_MAX)
        used["detractor"] = DETRACTOR_MAX
    return Flags(satisfied, dissatisfied, loyal, detractor), used


def tier_codes(inputs: Inputs, spec: CustomersSpec) -> tuple[np.ndarray, tuple[str, ...], str]:
    """Tier of every respondent (−1: none), tier names top first, and what they came from."""
    if inputs.tier_labels is not None:
        codes = value_methods.label_tiers(inputs.tier_labels, inputs.tier_names)
        return codes, inputs.tier_names, f"column {inputs.tier_column}"
    cuts = spec.tier_cuts
    shares = np.diff([0.0, *cuts, 1.0])
    split = " / ".join(
        f"{name} {share:.0%}"
        for name, share in zip(value_methods.PYRAMID_TIERS, shares, strict=True)
    )
    codes = value_methods.value_tiers(inputs.value, cuts)
    return codes, value_methods.PYRAMID_TIERS, f"{inputs.value_column} ({split} of customers)"


def top_versus_rest(scores: np.ndarray, codes: np.ndarray, names: tuple[str, ...]) -> dict | None:
    """The top tier's mean 0–100 satisfaction minus the other tiers': Welch t interval."""
    top = scores[(codes == 0) & ~np.isnan(scores)]
    rest = scores[(codes > 0) & ~np.isnan(scores)]
    if top.size < 2 or rest.size < 2:
        return None
    test = stats.ttest_ind(top, rest, equal_var=False)
    interval = test.confidence_interval(CONFIDENCE)
    return {
        "tier": names[0],
        "top": float(top.mean()),
        "rest": float(rest.mean()),
        "difference": float(top.mean() - rest.mean()),
        "ci_low": float(interval.low),
        "ci_high": float(interval.high),
        "p_value": float(test.pvalue),
        "test": "welch",
    }


def analyse(
    inputs: Inputs,
    spec: CustomersSpec,
    seed: int = 1,
    segments: tuple[np.ndarray, list[str]] | None = None,
) -> CustomersResult:
    """Every part of the analysis the inputs support.

    Parameters
    ----------
    segments : (codes, names), optional
        Segment of every respondent (−1: none) for the quadrants by segment (``--by``).
    """
    flags, used = classify(inputs, spec)
    sat = inputs.satisfaction
    warnings: list[str] = []
    parts: dict[str, object] = {}
    codes, names = None, ()
    if inputs.tier_labels is not None or inputs.value is not None:
        codes, names, basis = tier_codes(inputs, spec)
        parts |= _tier_parts(inputs, flags, codes, names, seed) | {"tier_basis": basis}
    if inputs.value is not None:
        parts |= _value_parts(inputs.value, flags, warnings)
    if flags.satisfied is not None and flags.loyal is not None:
        parts |= _loyalty_parts(sat, flags, used, _groups(codes, names, segments))
    if sat is not None:
        parts["boxes"] = loyalty_methods.box_shares(sat.levels, sat.scale)
    if inputs.repeat is not None and flags.loyal is not None:
        patronage = loyalty_methods.high_patronage(inputs.repeat, spec.repeat_min)
        parts["dick_basu"] = loyalty_methods.dick_basu(flags.loyal, patronage)
        used["repeat"] = (
            f"{inputs.repeat_column} ≥ {spec.repeat_min:g}"
            if spec.repeat_min is not None
            else f"{inputs.repeat_column} above its median"
        )
    if inputs.retained is not None and sat is not None:
        model = loyalty_methods.retention_model(sat.scores, inputs.retained, inputs.value)
        parts["retention"] = model
        warnings += [model.warning] if model.warning else []
    return CustomersResult(
        n=inputs.n,
        sources=_sources(inputs),
        thresholds=used,
        skipped=inputs.skipped,
        warnings=tuple(warnings),
        **parts,
    )


def _tier_parts(inputs: Inputs, flags: Flags, codes, names, seed: int) -> dict[str, object]:
    sat, loy = inputs.satisfaction, inputs.loyalty
    table = value_methods.tier_table(
        value_methods.TierInputs(
            codes=codes,
            names=names,
            value=inputs.value,
            satisfaction=None if sat is None else sat.score100,
            loyalty=None if loy is None else loy.score100,
            recommend=inputs.recommend,
            dissatisfied=flags.dissatisfied,
            detractor=flags.detractor,
        ),
        seed,
    )
    parts: dict[str, object] = {"tiers": table}
    if sat is not None:
        parts["tier_test"] = value_methods.kruskal_test(sat.score100, codes)
        parts["top_vs_rest"] = top_versus_rest(sat.score100, codes, names)
    return parts


def _value_parts(value: np.ndarray, flags: Flags, warnings: list[str]) -> dict[str, object]:
    known = value[~np.isnan(value)]
    parts: dict[str, object] = {}
    if known.size and known.min() >= 0 and known.sum() > 0:
        parts["concentration"] = value_methods.concentration(value)
    else:
        warnings.append(
            "Value has negative entries (or none positive): no Lorenz curve or "
            "Gini, which need non-negative values."
        )
    if flags.dissatisfied is not None:
        parts["at_risk"] = value_methods.value_at_risk(value, flags.dissatisfied)
    if flags.detractor is not None:
        parts["at_risk_detractors"] = value_methods.value_at_risk(value, flags.detractor)
    return parts


def _groups(codes, names, segments) -> list[tuple[np.ndarray, list[str]]]:
    groups = []
    if codes is not None:
        groups.append((codes, list(names)))
    if segments is not None:
        groups.append(segments)
    return groups


def _loyalty_parts(sat: Rating, flags: Flags, used: dict, groups) -> dict[str, object]:
    top_box, width = float(used["satisfied"]), float(used["satisfied_width"])
    quadrant = loyalty_methods.quadrant_codes(flags.satisfied, flags.loyal)
    frames = [loyalty_methods.quadrants_by(quadrant, codes, names) for codes, names in groups]
    return {
        "quadrants": loyalty_methods.coded_shares(
            quadrant, list(loyalty_methods.QUADRANTS.values()), "quadrant"
        ),
        "quadrant_groups": _concat(frames),
        "loyalty_curve": loyalty_methods.rate_by_level(sat.levels, flags.loyal, "loyal_share"),
        "loyalty_ratio": loyalty_methods.loyalty_ratio(sat.levels, flags.loyal, top_box, width),
    }


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _sources(inputs: Inputs) -> dict[str, object]:
    return {
        "satisfaction": None if inputs.satisfaction is None else inputs.satisfaction.source,
        "loyalty": None if inputs.loyalty is None else inputs.loyalty.source,
        "value": inputs.value_column,
        "tier": inputs.tier_column,
        "repeat": inputs.repeat_column,
        "retention": inputs.retention_column,
    }
