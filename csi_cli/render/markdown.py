"""Markdown for wikis and mail: headline, alerts, one section per analysis, settings.

Survey text is escaped so that it can neither inject HTML into a wiki nor break a table.
"""

from __future__ import annotations

import html
import re

from csi_cli.render.text import (
    column_titles,
    format_headline,
    formatted_rows,
    headline_items,
    is_numeric_column,
    setting_items,
    visible_frame,
)
from csi_cli.results import Document, Section, Table

_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]|])|(?<!\w)_|_(?!\w)")
_BLOCK_MARKER = re.compile(r"^(\d*)([#+=.)-])")


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown: HTML characters become entities, markup is backslashed.

    Parameters
    ----------
    text : str
        Any text, e.g. from the survey.

    Returns
    -------
    str
        Text that renders as itself on one line; an underscore inside a word stays as it is
        (``fast_delivery``), since it cannot start emphasis there.
    """
    escaped = html.escape(" ".join(text.split()), quote=False)
    return _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(0), escaped)


def render_markdown(document: Document) -> str:
    """The document as a Markdown document.

    Parameters
    ----------
    document : Document
        The document to render.

    Returns
    -------
    str
        Markdown text ending in a newline.
    """
    blocks = [f"# {escape_markdown(document.title)}", _headline(document)]
    if document.notes:
        blocks.append(_notes(document.notes))
    blocks.extend(_section(section) for section in document.sections())
    if document.settings:
        blocks.append(_settings(document))
    return "\n\n".join(blocks) + "\n"


def _headline(document: Document) -> str:
    return "\n".join(
        f"- **{escape_markdown(label)}:** {escape_markdown(format_headline(value))}"
        for label, value in headline_items(document)
    )


def _notes(notes: tuple[str, ...]) -> str:
    lines = ["> **Alerts and warnings**", ">"]
    lines.extend(f"> - {_literal_line(escape_markdown(note))}" for note in notes)
    return "\n".join(lines)


def _literal_line(text: str) -> str:
    """Escape a heading, list or rule marker at the start of a list item's text."""
    return _BLOCK_MARKER.sub(lambda match: f"{match.group(1)}\\{match.group(2)}", text, count=1)


def _section(section: Section) -> str:
    blocks = [f"## {escape_markdown(section.title)}"]
    blocks.extend(f"*{escape_markdown(note)}*" for note in section.notes)
    blocks.extend(_table(table) for table in section.tables)
    return "\n\n".join(blocks)


def _table(table: Table) -> str:
    frame = visible_frame(table)
    blocks = [f"### {escape_markdown(table.title)}"]
    if len(frame.columns):
        blocks.append(_grid(table))
    if table.note:
        blocks.append(f"*{escape_markdown(table.note)}*")
    return "\n\n".join(blocks)


def _grid(table: Table) -> str:
    frame = visible_frame(table)
    rule = ["---:" if is_numeric_column(frame, i) else "---" for i in range(frame.shape[1])]
    lines = [_row(column_titles(frame)), _row(rule, escape=False)]
    lines.extend(_row(cells) for cells in formatted_rows(table))
    return "\n".join(lines)


def _row(cells: list[str], *, escape: bool = True) -> str:
    texts = [escape_markdown(cell) if escape else cell for cell in cells]
    return "| " + " | ".join(texts) + " |"


def _settings(document: Document) -> str:
    rows = [_row(["Setting", "Value"]), _row(["---", "---"], escape=False)]
    rows.extend(_row([name, value]) for name, value in setting_items(document))
    return "## Settings\n\n" + "\n".join(rows)
