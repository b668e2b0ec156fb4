"""``csi init``: a draft spec that, passed back with ``--spec``, gives the same analysis as the
conventions did — every column choice written out so people can edit it."""

from __future__ import annotations

from typing import Any

from csi_cli.methods.overview import segment_columns
from csi_cli.spec import KanoSpec, render_toml
from csi_cli.survey import Survey


def draft_spec(survey: Survey) -> str:
    """The TOML spec describing how csi reads ``survey`` now."""
    layout = survey.layout
    spec = survey.spec
    document: dict[str, dict[str, Any]] = {"survey": _survey_section(survey)}
    if layout.csi_blocks:
        csi: dict[str, Any] = {}
        if layout.csi_model:
            csi["model"] = layout.csi_model
        csi.update(scheme=spec.csi.scheme, scaled=spec.csi.scaled, target=spec.csi.target)
        csi["blocks"] = {c: list(cols) for c, cols in layout.csi_blocks.items()}
        if spec.csi.modes:
            csi["modes"] = dict(spec.csi.modes)
        if layout.csi_model == "custom":
            csi["paths"] = {c: list(p) for c, p in layout.csi_paths.items()}
        document["csi"] = csi
    if layout.kano:
        k = spec.kano
        kano: dict[str, Any] = {
            "functional": k.functional,
            "dysfunctional": k.dysfunctional,
            "importance": k.importance,
            "table": k.table,
            "rule": k.rule,
        }
        if k.performance != KanoSpec().performance:
            kano["performance"] = k.performance
        if k.answers:
            kano["answers"] = dict(k.answers)
        document["kano"] = kano
    if layout.gap:
        document["gap"] = _gap_section(survey)
    return (
        f"# Draft spec for {survey.source.name}, written by `csi init`.\n"
        "# Edit it, then pass it with --spec. Every key is optional.\n\n" + render_toml(document)
    )


def _survey_section(survey: Survey) -> dict[str, Any]:
    layout = survey.layout
    section: dict[str, Any] = {}
    if survey.source.sheet is not None:
        section["sheet"] = survey.source.sheet
    if survey.source.header_row != 1:
        section["header_row"] = survey.source.header_row
    for key in ("id", "date", "nps", "overall"):
        if getattr(layout, key):
            section[key] = getattr(layout, key)
    segments = segment_columns(survey)
    if segments:
        section["segments"] = segments
    section["missing"] = list(survey.spec.survey.missing)
    if layout.csi_scale:
        section["scale"] = list(layout.csi_scale)
    return section


def _gap_section(survey: Survey) -> dict[str, Any]:
    layout = survey.layout
    g = survey.spec.gap
    section: dict[str, Any] = {"expectation": g.expectation, "perception": g.perception}
    for key in ("minimum", "desired", "importance"):
        if any(getattr(item, key) for item in layout.gap):
            section[key] = getattr(g, key)
    if layout.gap_scale:
        section["scale"] = list(layout.gap_scale)
    if layout.gap_dimensions:
        section["dimensions"] = {d: list(items) for d, items in layout.gap_dimensions.items()}
    return section
