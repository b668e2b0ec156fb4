"""``csi init``: a draft spec that, passed back with ``--spec``, gives the same analysis as the
conventions did — every column choice written out so people can edit it."""

from __future__ import annotations

from typing import Any

from csi_cli.analyses import registered
from csi_cli.analyses.overview import segment_columns
from csi_cli.spec import render_toml
from csi_cli.survey import Survey


def draft_spec(survey: Survey) -> str:
    """The TOML spec describing how csi reads ``survey`` now: ``[survey]``, then the section
    of every registered analysis that has something to write (:meth:`Analysis.draft`)."""
    document: dict[str, Any] = {"survey": _survey_section(survey)}
    for analysis in registered():
        section = analysis.draft(survey) if analysis.section else None
        if section:
            document[analysis.section] = dict(section)
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
