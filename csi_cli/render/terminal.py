"""Tables for people at a terminal (rich), and the same as plain text for files and pipes.

Survey text is always passed to rich as :class:`rich.text.Text`, so brackets in it are never read
as rich markup. Whether colour and escape codes appear is the console's decision: rich writes
none when the output is not a terminal, when ``TERM=dumb``, and no colour when ``NO_COLOR`` is set.

A table wider than the console is fitted in three steps, so that no part is ambiguous:

1. long text columns wrap, down to :data:`MIN_TEXT_WIDTH`;
2. if it still does not fit, it is split into column groups that each repeat every key column
   (``Table.keys``, default the first column), so every row of every part says which row it is;
3. if the key columns and one more column cannot share a line, each row is printed as a block of
   ``column: value`` lines under its keys (a transposed layout).

Titles are printed on their own line, never squeezed into the width of a narrow table.
Diagnostic tables (``Table.detail``) are shown only when asked for (``--detail full``).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from csi_cli.actions import ACTIONS_TITLE, RANKING_NOTE, Action, headline_text
from csi_cli.errors import visible
from csi_cli.render.text import (
    column_titles,
    display_width,
    format_headline,
    format_value,
    formatted_rows,
    headline_items,
    hidden_note,
    is_numeric_column,
    shown_sections,
    visible_frame,
)
from csi_cli.results import Document, Section, Table

PLAIN_WIDTH = 80
"""Width of the plain-text rendering when ``COLUMNS`` does not say otherwise."""

MIN_PLAIN_WIDTH = 40
"""Narrowest layout width accepted from ``COLUMNS``."""

MAX_TEXT_WIDTH = 30
"""Text columns wider than this wrap instead of pushing other columns off the screen."""

MIN_TEXT_WIDTH = 16
"""Text columns wrap down to this width before a table is split."""

MAX_HEADER_WIDTH = 20
"""Headers longer than this wrap; shorter ones stay on one line."""

DEFAULT_KEYS = 2
"""At most this many leading text columns identify a row when ``Table.keys`` names none."""

COLUMN_PADDING = 3
"""Columns a rich table spends on each column beyond its content (padding and separator)."""


def plain_width() -> int:
    """Width of piped or file text: ``COLUMNS`` when it is a usable number, else 80.

    Returns
    -------
    int
        At least :data:`MIN_PLAIN_WIDTH`.
    """
    value = os.environ.get("COLUMNS", "")
    if value.strip().isdigit():
        return max(int(value), MIN_PLAIN_WIDTH)
    return PLAIN_WIDTH


def render_terminal(document: Document, console: Console, *, detail: bool = True) -> None:
    """Print the document to ``console``.

    Parameters
    ----------
    document : Document
        The document to print.
    console : rich.console.Console
        Where to print; its width, colour system and terminal detection decide the layout and
        whether any escape codes are written.
    detail : bool, default True
        Print diagnostic tables too; otherwise a closing line counts the tables left out.
    """
    console.print(_text(document.title, style="bold"))
    console.print(_headline(document))
    for note in document.notes:
        console.print(_text(f"! {note}", style="bold yellow"))
    if document.actions:
        _print_actions(document.actions, console)
    sections, hidden = shown_sections(document, detail)
    for section in sections:
        _print_section(section, console)
    if hidden:
        console.print()
        console.print(Text(hidden_note(hidden), style="dim"))


def render_plain(document: Document, width: int | None = None, *, detail: bool = True) -> str:
    """The terminal rendering as plain text, with no escape codes.

    Parameters
    ----------
    document : Document
        The document to render.
    width : int, optional
        Line width to lay the tables out for (default: :func:`plain_width`).
    detail : bool, default True
        Include diagnostic tables.

    Returns
    -------
    str
        The text without trailing spaces, ending in a newline.
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or plain_width(),
        force_terminal=False,
        color_system=None,
        emoji=False,
    )
    render_terminal(document, console, detail=detail)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _headline(document: Document) -> RichTable:
    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in headline_items(document):
        grid.add_row(_text(label), _text(format_headline(value)))
    return grid


def _print_actions(actions: Sequence[Action], console: Console) -> None:
    """The ranked action list: per action its headline, then its evidence, indented."""
    console.print()
    console.print(Text(ACTIONS_TITLE, style="bold"))
    grid = RichTable.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for number, action in enumerate(actions, start=1):
        grid.add_row(Text(f"{number}."), _text(headline_text(action)))
        grid.add_row(Text(""), _text(format_value(action.evidence), style="dim"))
    console.print(grid)
    console.print(Text(RANKING_NOTE, style="dim"))


def _print_section(section: Section, console: Console) -> None:
    console.print()
    console.rule(_text(section.title, style="bold"), align="left")
    for note in section.notes:
        console.print(_text(note, style="italic"))
    for table in section.tables:
        print_table(table, console)


@dataclass(frozen=True)
class _Column:
    title: str
    width: int
    numeric: bool
    natural: int = 0  # the widest cell, uncapped


def print_table(table: Table, console: Console) -> None:
    """Print one table fitted to the console's width (see the module docstring).

    Parameters
    ----------
    table : Table
        The table to print.
    console : rich.console.Console
        Where to print.
    """
    frame = visible_frame(table)
    rows = formatted_rows(table)
    keys = key_positions(table, frame)
    columns = fit_text_columns(_columns(frame, rows), console.width)
    console.print()
    console.print(_text(table.title, style="bold"))
    if columns and rows and not _fits(columns, [*keys, _widest_other(columns, keys)], console):
        _print_records(columns, rows, keys, console)
    elif columns:
        groups = column_groups([c.width for c in columns], console.width, keys)
        for number, group in enumerate(groups):
            if number:
                console.print(_text(f"{table.title} (continued)", style="bold"))
            console.print(_rich_table(columns, rows, group))
    if table.note:
        console.print(_text(table.note, style="dim"))


def key_positions(table: Table, frame: pd.DataFrame) -> list[int]:
    """Positions of the table's key columns in the visible frame.

    Parameters
    ----------
    table : Table
        The table, whose ``keys`` name its identifying columns.
    frame : pandas.DataFrame
        Its visible frame.

    Returns
    -------
    list of int
        The named keys in column order; without any, the leading text columns (at most
        :data:`DEFAULT_KEYS`, at least the first column) — ``from``/``to``,
        ``construct``/``item``.
    """
    titles = column_titles(frame)
    found = [position for position, title in enumerate(titles) if title in table.keys]
    if found or not titles:
        return found
    leading = 1
    while leading < min(DEFAULT_KEYS, len(titles)) and not is_numeric_column(frame, leading):
        leading += 1
    return list(range(leading)) if not is_numeric_column(frame, 0) else [0]


def _columns(frame: pd.DataFrame, rows: list[list[str]]) -> list[_Column]:
    """Each column's header, alignment and the width it needs: its widest cell (text capped at
    :data:`MAX_TEXT_WIDTH`) or its header (capped at :data:`MAX_HEADER_WIDTH`)."""
    columns = []
    for position, title in enumerate(column_titles(frame)):
        cells = max((display_width(row[position]) for row in rows), default=0)
        header = min(display_width(title), MAX_HEADER_WIDTH)
        width = max(min(cells, MAX_TEXT_WIDTH), header)
        columns.append(_Column(title, width, is_numeric_column(frame, position), cells))
    return columns


def table_width(widths: Sequence[int]) -> int:
    """Console columns a table with these column widths takes."""
    return sum(widths) + COLUMN_PADDING * len(widths)


def fit_text_columns(columns: list[_Column], available: int) -> list[_Column]:
    """Narrow the widest text columns (they wrap) so that the whole table fits; when even text
    columns of :data:`MIN_TEXT_WIDTH` would not make it fit, keep every width (the table is
    split instead, and wrapping would only cost lines). A table narrower than the line gives
    the spare width to its capped text columns.

    Parameters
    ----------
    columns : list of _Column
        The columns at their natural widths.
    available : int
        Console width.

    Returns
    -------
    list of _Column
        The same columns, text columns narrower only if that makes the table fit.
    """
    widths = [c.width for c in columns]
    excess = table_width(widths) - available
    if excess < 0:
        return _widen_capped(columns, -excess)
    while excess > 0:
        wrappable = [
            i for i, c in enumerate(columns) if not c.numeric and widths[i] > MIN_TEXT_WIDTH
        ]
        if not wrappable:
            break
        widest = max(wrappable, key=lambda i: widths[i])
        cut = min(excess, widths[widest] - MIN_TEXT_WIDTH)
        widths[widest] -= cut
        excess -= cut
    if excess > 0:
        return columns
    return [replace(c, width=w) for c, w in zip(columns, widths, strict=True)]


def _widen_capped(columns: list[_Column], room: int) -> list[_Column]:
    """Give spare line width to text columns capped at :data:`MAX_TEXT_WIDTH` (fewer wraps)."""
    widened = []
    for column in columns:
        extra = min(room, max(column.natural - column.width, 0)) if not column.numeric else 0
        room -= extra
        widened.append(replace(column, width=column.width + extra))
    return widened


def column_groups(widths: list[int], available: int, keys: Sequence[int] = (0,)) -> list[list[int]]:
    """Column positions per printed block: each block fits ``available`` (when the keys and
    one more column do) and starts with every key column.

    Parameters
    ----------
    widths : list of int
        Width of each column.
    available : int
        Console width.
    keys : sequence of int, default (0,)
        Positions of the key columns, repeated in every block.

    Returns
    -------
    list of list of int
        Blocks of column positions, keys first, the other columns in order.
    """
    if not widths:
        return []
    keys = list(keys)
    base = table_width([widths[k] for k in keys])
    groups: list[list[int]] = []
    current: list[int] = []
    used = base
    for position in (p for p in range(len(widths)) if p not in keys):
        if current and used + widths[position] + COLUMN_PADDING > available:
            groups.append([*keys, *current])
            current, used = [], base
        current.append(position)
        used += widths[position] + COLUMN_PADDING
    groups.append([*keys, *current])
    return groups


def _widest_other(columns: list[_Column], keys: Sequence[int]) -> int:
    others = [i for i in range(len(columns)) if i not in keys]
    return max(others, key=lambda i: columns[i].width) if others else keys[0]


def _fits(columns: list[_Column], positions: Sequence[int], console: Console) -> bool:
    return table_width([columns[p].width for p in set(positions)]) <= console.width


def _print_records(
    columns: list[_Column], rows: list[list[str]], keys: Sequence[int], console: Console
) -> None:
    """The transposed layout: per row, its keys on one line, then ``column: value`` lines."""
    others = [i for i in range(len(columns)) if i not in keys]
    label_width = max((display_width(columns[i].title) for i in others), default=0)
    for row in rows:
        console.print(_text(" · ".join(row[k] for k in keys), style="bold"))
        for i in others:
            title = columns[i].title
            padding = " " * (label_width - display_width(title))
            console.print(_text(f"  {title}{padding}  {row[i]}"))


def _rich_table(columns: list[_Column], rows: list[list[str]], group: list[int]) -> RichTable:
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for position in group:
        column = columns[position]
        table.add_column(
            _text(column.title),
            justify="right" if column.numeric else "left",
            no_wrap=column.numeric,
            min_width=column.width if column.numeric else None,
            width=None if column.numeric else column.width,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(_text(row[position]) for position in group))
    return table


def _text(content: str, style: str = "") -> Text:
    """Rich text with control characters made visible (rich leaves ESC through)."""
    return Text(visible(content), style=style)
