"""JSON: the machine document of survey-spec §5, exactly ``Report.to_dict()``."""

from __future__ import annotations

import json

from csi_cli.results import Report


def render_json(report: Report) -> str:
    """The report's JSON document, UTF-8 text kept readable (Chinese is not escaped).

    Parameters
    ----------
    report : Report
        The report to render.

    Returns
    -------
    str
        Indented JSON ending in a newline.

    Raises
    ------
    ValueError
        If the document holds NaN or infinity; ``to_dict()`` must turn them into ``null``.
    """
    document = report.to_dict()
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
