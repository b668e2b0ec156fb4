"""Formatting shared by every renderer: numbers by digits, missing values, widths, headlines.

Renderers never compute statistics; this module only turns values into the text people read.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from csi_cli.results import Document, Figure, Table

MISSING = "–"
"""What a missing value (None, NaN, NA, infinity) reads as."""

DEFAULT_DIGITS = 3
"""Decimals of numbers that carry no ``digits`` of their own (as ``Table.digits_for``)."""


def is_missing(value: Any) -> bool:
    """Whether ``value`` is shown as :data:`MISSING`.

    Parameters
    ----------
    value : Any
        A table cell or summary value.

    Returns
    -------
    bool
        True for None, NaN, pandas NA/NaT and infinities.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return not math.isfinite(float(value))
    return False


def is_number(value: Any) -> bool:
    """Whether ``value`` is a finite int or float (booleans are not numbers here).

    Parameters
    ----------
    value : Any
        A table cell or summary value.

    Returns
    -------
    bool
        True if the value should be written as a number.
    """
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, (int, float, np.integer, np.floating)) and not is_missing(value)


def format_number(value: float, digits: int, *, trim: bool = False) -> str:
    """``value`` with ``digits`` decimals; a rounded zero never shows a minus sign.

    Parameters
    ----------
    value : float
        A finite number.
    digits : int
        Decimals to show (at most, with ``trim``).
    trim : bool, default False
        Drop trailing zeros but keep one decimal: a headline figure reads as given.

    Returns
    -------
    str
        E.g. ``format_number(-0.0004, 3) == "0.000"``,
        ``format_number(70.1, 3, trim=True) == "70.1"``.
    """
    text = f"{value:.{digits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    if trim and "." in text:
        whole, decimals = text.split(".")
        text = f"{whole}.{decimals.rstrip('0') or '0'}"
    return text


def format_value(value: Any, digits: int = DEFAULT_DIGITS, *, trim: bool = False) -> str:
    """The text of one value as people read it.

    Parameters
    ----------
    value : Any
        A string, number, boolean, missing value, sequence or mapping.
    digits : int, default 3
        Decimals of floats (integers are shown whole).
    trim : bool, default False
        Drop trailing zeros of floats (see :func:`format_number`).

    Returns
    -------
    str
        Missing values read :data:`MISSING`, booleans "yes"/"no", sequences are joined with
        ", " and mappings read "key: value; ...".
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return format_number(float(value), digits, trim=trim)
    if isinstance(value, Mapping):
        return "; ".join(
            f"{key}: {format_value(item, digits, trim=trim)}" for key, item in value.items()
        )
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(format_value(item, digits, trim=trim) for item in value)
    return str(value)


def format_headline(value: Any) -> str:
    """A summary or settings value: floats with at most 3 decimals, trailing zeros dropped.

    Summary items carry no digits of their own, so they are shown as given, only cut at
    :data:`DEFAULT_DIGITS` decimals.

    Parameters
    ----------
    value : Any
        A value of ``Document.summary`` or ``Document.settings``.

    Returns
    -------
    str
        E.g. ``format_headline((70.1, 72.3)) == "70.1, 72.3"``.
    """
    if isinstance(value, Figure):
        shown = format_value(value.value, value.digits)
        if value.low is not None and value.high is not None:
            low, high = (format_value(v, value.digits) for v in (value.low, value.high))
            shown += f" (95% CI {low} to {high})"
        return shown
    return format_value(value, DEFAULT_DIGITS, trim=True)


def visible_frame(table: Table) -> pd.DataFrame:
    """The table's frame as shown: a named or non-default index becomes leading columns.

    Parameters
    ----------
    table : Table
        The table to show.

    Returns
    -------
    pandas.DataFrame
        A frame whose columns are everything people should see, with a default row index.
    """
    frame = table.frame
    if isinstance(frame.index, pd.RangeIndex) and not any(frame.index.names):
        return frame
    return frame.reset_index()


def column_titles(frame: pd.DataFrame) -> list[str]:
    """Header texts of ``frame``'s columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        A visible frame.

    Returns
    -------
    list of str
        One title per column.
    """
    return [str(column) for column in frame.columns]


def formatted_rows(table: Table) -> list[list[str]]:
    """Every cell of ``table`` as text, rounded with the table's digits.

    Parameters
    ----------
    table : Table
        The table to show.

    Returns
    -------
    list of list of str
        One list per row, in column order.
    """
    frame = visible_frame(table)
    digits = [table.digits_for(str(column)) for column in frame.columns]
    return [
        [format_value(value, places) for value, places in zip(row, digits, strict=True)]
        for row in frame.itertuples(index=False, name=None)
    ]


def is_numeric_column(frame: pd.DataFrame, position: int) -> bool:
    """Whether the column at ``position`` holds numbers (right-aligned by renderers).

    Parameters
    ----------
    frame : pandas.DataFrame
        A visible frame.
    position : int
        Column position (names may repeat).

    Returns
    -------
    bool
        True for numeric, non-boolean columns, or object columns whose values are all numbers
        or missing.
    """
    column = frame.iloc[:, position]
    if is_bool_dtype(column.dtype):
        return False
    if is_numeric_dtype(column.dtype):
        return True
    values = [value for value in column if not is_missing(value)]
    return bool(values) and all(is_number(value) for value in values)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or spreadsheet: wide (e.g. Chinese) characters count 2.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    int
        The display width.
    """
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def headline_items(document: Document) -> list[tuple[str, Any]]:
    """What every rendering shows first: the source, n, then the document.s summary items.

    Parameters
    ----------
    document : Document
        The document being rendered.

    Returns
    -------
    list of (str, Any)
        Labels and raw values; renderers format them.
    """
    items: list[tuple[str, Any]] = [("Source", document.source), ("Respondents (n)", document.n)]
    items.extend((str(label), value) for label, value in document.summary.items())
    return items


def setting_items(document: Document) -> list[tuple[str, str]]:
    """The method settings of the run, as label and text.

    Parameters
    ----------
    document : Document
        The document being rendered.

    Returns
    -------
    list of (str, str)
        One item per setting, in the document.s order.
    """
    return [(str(name), format_headline(value)) for name, value in document.settings.items()]
