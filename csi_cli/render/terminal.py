"""Tables for people at a terminal (rich), and the same as plain text for files and pipes.

Survey text is always passed to rich as :class:`rich.text.Text`, so brackets in it are never read
as rich markup. Whether colour and escape codes appear is the console's decision: rich writes
none when the output is not a terminal, when ``TERM=dumb``, and no colour when ``NO_COLOR`` is set.
A table wider than the console is split into column groups that fit, each repeating the first
column, instead of squeezing numbers into unreadable slivers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from csi_cli.render.text import (
    column_titles,
    display_width,
    format_headline,
    formatted_rows,
    headline_items,
    is_numeric_column,
    visible_frame,
)
from csi_cli.results import Document, Section, Table

PLAIN_WIDTH = 80
"""Width of the plain-text rendering written to files and pipes."""

MAX_TEXT_WIDTH = 30
"""Text columns wider than this wrap instead of pushing other columns off the screen."""

MAX_HEADER_WIDTH = 20
"""Headers longer than this wrap; shorter ones stay on one line."""

COLUMN_PADDING = 3
"""Columns a rich table spends on each column beyond its content (padding and separator)."""


def render_terminal(document: Document, console: Console) -> None:
    """Print the document to ``console``.

    Parameters
    ----------
    document : Document
        The document to print.
    console : rich.console.Console
        Where to print; its width, colour system and terminal detection decide the layout and
        whether any escape codes are written.
    """
    console.print(Text(document.title, style="bold"))
    console.print(_headline(document))
    for note in document.notes:
        console.print(Text(f"! {note}", style="bold yellow"))
    for section in document.sections():
        _print_section(section, console)


def render_plain(document: Document, width: int = PLAIN_WIDTH) -> str:
    """The terminal rendering as plain text, with no escape codes.

    Parameters
    ----------
    document : Document
        The document to render.
    width : int, default 80
        Line width to lay the tables out for.

    Returns
    -------
    str
        The text without trailing spaces, ending in a newline.
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=False, color_system=None, emoji=False
    )
    render_terminal(document, console)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _headline(document: Document) -> RichTable:
    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in headline_items(document):
        grid.add_row(Text(label), Text(format_headline(value)))
    return grid


def _print_section(section: Section, console: Console) -> None:
    console.print()
    console.rule(Text(section.title, style="bold"), align="left")
    for note in section.notes:
        console.print(Text(note, style="italic"))
    for table in section.tables:
        _print_table(table, console)


@dataclass(frozen=True)
class _Column:
    title: str
    width: int
    numeric: bool


def _print_table(table: Table, console: Console) -> None:
    frame = visible_frame(table)
    rows = formatted_rows(table)
    columns = _columns(frame, rows)
    console.print()
    if not columns:
        console.print(Text(table.title, style="bold"))
    groups = _column_groups([column.width for column in columns], console.width)
    for number, group in enumerate(groups):
        title = table.title if number == 0 else f"{table.title} (continued)"
        console.print(_rich_table(title, columns, rows, group))
    if table.note:
        console.print(Text(table.note, style="dim"))


def _columns(frame: pd.DataFrame, rows: list[list[str]]) -> list[_Column]:
    """Each column's header, alignment and the width it needs: its widest cell (text capped at
    :data:`MAX_TEXT_WIDTH`) or its header (capped at :data:`MAX_HEADER_WIDTH`)."""
    columns = []
    for position, title in enumerate(column_titles(frame)):
        cells = max((display_width(row[position]) for row in rows), default=0)
        header = min(display_width(title), MAX_HEADER_WIDTH)
        width = max(min(cells, MAX_TEXT_WIDTH), header)
        columns.append(_Column(title, width, is_numeric_column(frame, position)))
    return columns


def _column_groups(widths: list[int], available: int) -> list[list[int]]:
    """Column positions per printed block: each block fits ``available`` and starts with 0."""
    if not widths:
        return []
    first = widths[0] + COLUMN_PADDING
    groups: list[list[int]] = []
    current: list[int] = []
    used = first
    for position, width in enumerate(widths[1:], start=1):
        if current and used + width + COLUMN_PADDING > available:
            groups.append([0, *current])
            current, used = [], first
        current.append(position)
        used += width + COLUMN_PADDING
    groups.append([0, *current])
    return groups


def _rich_table(
    title: str, columns: list[_Column], rows: list[list[str]], group: list[int]
) -> RichTable:
    table = RichTable(
        title=Text(title, style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for position in group:
        column = columns[position]
        table.add_column(
            Text(column.title),
            justify="right" if column.numeric else "left",
            no_wrap=column.numeric,
            min_width=column.width,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(Text(row[position]) for position in group))
    return table
