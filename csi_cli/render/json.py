"""JSON: the machine document of survey-spec §5, exactly ``Document.to_dict()``."""

from __future__ import annotations

import json

from csi_cli.results import Document


def render_json(document: Document) -> str:
    """The JSON of a document, UTF-8 text kept readable (Chinese is not escaped).

    Parameters
    ----------
    document : Document
        The document to render.

    Returns
    -------
    str
        Indented JSON ending in a newline.

    Raises
    ------
    ValueError
        If the document holds NaN or infinity; ``to_dict()`` must turn them into ``null``.
    """
    data = document.to_dict()
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
