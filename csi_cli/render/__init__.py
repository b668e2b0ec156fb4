"""Renderers: one :class:`~csi_cli.results.Document`, many formats.

Renderers never compute statistics; they only round (with ``Table.digits``) and lay out.
"""

from __future__ import annotations

from collections.abc import Callable

from csi_cli.errors import UsageError
from csi_cli.render.html import render_html
from csi_cli.render.json import render_json
from csi_cli.render.markdown import render_markdown
from csi_cli.render.terminal import render_plain, render_terminal
from csi_cli.render.xlsx import render_xlsx
from csi_cli.results import Document

__all__ = ["FILE_SUFFIXES", "FORMATS", "render", "render_terminal"]

_RENDERERS: dict[str, Callable[[Document], str | bytes]] = {
    "table": render_plain,
    "json": render_json,
    "md": render_markdown,
    "html": render_html,
    "xlsx": render_xlsx,
}

FORMATS: tuple[str, ...] = tuple(_RENDERERS)
"""Every value ``--format`` accepts."""

FILE_SUFFIXES: dict[str, str] = {
    "table": ".txt",
    "json": ".json",
    "md": ".md",
    "html": ".html",
    "xlsx": ".xlsx",
}
"""The file suffix of each format, for ``--output-dir``."""


def render(document: Document, fmt: str) -> str | bytes:
    """Render ``document`` in format ``fmt``.

    Parameters
    ----------
    document : Document
        The document to render.
    fmt : {"table", "json", "md", "html", "xlsx"}
        "table" is the plain-text table layout for files and pipes (use
        :func:`render_terminal` to print to a terminal).

    Returns
    -------
    str or bytes
        Text for every format but "xlsx", which gives the workbook's bytes.

    Raises
    ------
    UsageError
        If ``fmt`` is not a known format.
    """
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise UsageError(
            f"Unknown format {fmt!r}. Choose one of: {choices}.", code="unknown-format"
        ) from None
    return renderer(document)
