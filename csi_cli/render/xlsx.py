"""xlsx (XlsxWriter, in memory): a summary sheet, one sheet per section, a settings sheet.

Numbers stay numbers (formatted with the table's digits), each table's chart becomes a native
Excel chart beside it, and text is always written with ``write_string``: survey text such as
``=HYPERLINK(...)`` or ``@SUM(...)`` is stored as text and can never become a live formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.chart import Chart as ExcelChart
from xlsxwriter.format import Format
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from csi_cli.render.html import COLOURS
from csi_cli.render.text import (
    column_titles,
    display_width,
    format_headline,
    format_value,
    formatted_rows,
    headline_items,
    is_missing,
    is_number,
    visible_frame,
)
from csi_cli.results import Chart, Document, Section, Table

SHEET_NAME_LENGTH = 31
"""Excel's limit on sheet names."""

_FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED_SHEET_NAMES = {"history"}

MAX_COLUMN_WIDTH = 50
"""Widest column set from content (Excel character units)."""

CHART_WIDTH = 560
"""Width of a chart in pixels."""

CHART_HEIGHT = 320
"""Height of a chart in pixels (bar charts grow with their bars)."""

ROW_HEIGHT = 20
"""Pixels of a default row: how many rows a chart covers."""

_WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def render_xlsx(document: Document) -> bytes:
    """The document as an xlsx workbook.

    Parameters
    ----------
    document : Document
        The document to render.

    Returns
    -------
    bytes
        The workbook file: "Summary" first, then one sheet per section, then "Settings" when
        the document has settings.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
    workbook.set_properties({"title": document.title})
    styles = _Styles(workbook)
    taken: set[str] = set()
    _summary_sheet(_add_sheet(workbook, "Summary", taken), document, styles)
    for section in document.sections():
        sheet = _add_sheet(workbook, section.title or section.key, taken)
        _SectionWriter(workbook, sheet, styles).write(section)
    if document.settings:
        _settings_sheet(_add_sheet(workbook, "Settings", taken), document, styles)
    workbook.close()
    return buffer.getvalue()


def _add_sheet(workbook: Workbook, wanted: str, taken: set[str]) -> Worksheet:
    """A new sheet named after ``wanted`` that prints one page wide."""
    sheet = workbook.add_worksheet(safe_sheet_name(wanted, taken))
    sheet.fit_to_pages(1, 0)
    return sheet


def safe_sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unused sheet name close to ``wanted``; it is added to ``taken``.

    Parameters
    ----------
    wanted : str
        The name people should see, e.g. a section title.
    taken : set of str
        Case-folded names already used in the workbook (Excel ignores case); updated.

    Returns
    -------
    str
        At most 31 characters, none of ``[ ] : * ? / \\``, not starting or ending with an
        apostrophe, not "History", unique (`` (2)``, `` (3)``… appended when needed).
    """
    base = " ".join(_FORBIDDEN_IN_SHEET_NAMES.sub(" ", wanted).split()).strip("'").strip()
    base = base[:SHEET_NAME_LENGTH].rstrip("' ") or "Sheet"
    if base.casefold() in _RESERVED_SHEET_NAMES:
        base = f"{base} (sheet)"
    name, number = base, 2
    while name.casefold() in taken:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_LENGTH - len(suffix)].rstrip("' ") + suffix
        number += 1
    taken.add(name.casefold())
    return name


class _Styles:
    """The workbook's cell formats, each created once."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.bold = workbook.add_format({"bold": True})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#F3F3F3", "bottom": 2, "text_wrap": True, "valign": "top"}
        )
        self.note = workbook.add_format({"italic": True, "font_color": "#595959"})
        self.alert = workbook.add_format({"bold": True, "font_color": "#B03A00"})
        self._numbers: dict[tuple[str, bool], Format] = {}

    def number(self, value: Any, digits: int | None) -> Format:
        """The format of a number: integers whole, floats with ``digits`` decimals.

        ``digits`` None marks a summary or settings value: at most 3 decimals, aligned left
        like the text beside it.
        """
        if isinstance(value, (int, np.integer)):
            pattern = "0"
        elif digits is None:
            pattern = "0.0##"
        else:
            pattern = "0." + "0" * digits if digits > 0 else "0"
        key = (pattern, digits is None)
        if key not in self._numbers:
            options = {"num_format": pattern} | ({"align": "left"} if digits is None else {})
            self._numbers[key] = self._workbook.add_format(options)
        return self._numbers[key]


def _write_value(
    sheet: Worksheet, cell: tuple[int, int], value: Any, digits: int | None, styles: _Styles
) -> None:
    """One cell: numbers as numbers, booleans as booleans, missing as blank, the rest as text.

    ``digits`` None marks a summary or settings value, shown as :func:`format_headline` does.
    """
    row, column = cell
    if is_missing(value):
        sheet.write_blank(row, column, None)
    elif isinstance(value, (bool, np.bool_)):
        sheet.write_boolean(row, column, bool(value))
    elif is_number(value):
        sheet.write_number(row, column, float(value), styles.number(value, digits))
    elif digits is None:
        sheet.write_string(row, column, format_headline(value))
    else:
        sheet.write_string(row, column, format_value(value, digits))


def _fit_columns(sheet: Worksheet, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        sheet.set_column(column, column, min(max(width + 2, 8), MAX_COLUMN_WIDTH))


def _widen(widths: dict[int, int], first_column: int, texts: Iterable[str]) -> None:
    for offset, text in enumerate(texts):
        column = first_column + offset
        widths[column] = max(widths.get(column, 0), display_width(text))


def _summary_sheet(sheet: Worksheet, document: Document, styles: _Styles) -> None:
    items = headline_items(document)
    sheet.write_string(0, 0, document.title, styles.title)
    row = 2
    for label, value in items:
        sheet.write_string(row, 0, label, styles.bold)
        _write_value(sheet, (row, 1), value, None, styles)
        row += 1
    if document.notes:
        row += 1
        sheet.write_string(row, 0, "Alerts and warnings", styles.alert)
        for offset, note in enumerate(document.notes, start=1):
            sheet.write_string(row + offset, 0, note, styles.alert)
    widths: dict[int, int] = {}
    for label, value in items:
        _widen(widths, 0, [label, format_headline(value)])
    _fit_columns(sheet, widths)


def _settings_sheet(sheet: Worksheet, document: Document, styles: _Styles) -> None:
    sheet.write_string(0, 0, "Setting", styles.header)
    sheet.write_string(0, 1, "Value", styles.header)
    sheet.freeze_panes(1, 0)
    widths = {0: display_width("Setting"), 1: display_width("Value")}
    for row, (name, value) in enumerate(document.settings.items(), start=1):
        sheet.write_string(row, 0, str(name))
        _write_value(sheet, (row, 1), value, None, styles)
        _widen(widths, 0, [str(name), format_headline(value)])
    _fit_columns(sheet, widths)


class _SectionWriter:
    """Writes one section's tables down a sheet, each followed by its chart."""

    def __init__(self, workbook: Workbook, sheet: Worksheet, styles: _Styles) -> None:
        self._workbook = workbook
        self._sheet = sheet
        self._styles = styles
        self._widths: dict[int, int] = {}
        self._frozen = False

    def write(self, section: Section) -> None:
        """Write the section title, its notes and every table."""
        self._sheet.write_string(0, 0, section.title, self._styles.title)
        row = 1
        for note in section.notes:
            self._sheet.write_string(row, 0, note, self._styles.note)
            row += 1
        row += 1
        for table in section.tables:
            row = self._table(table, row)
        _fit_columns(self._sheet, self._widths)

    def _table(self, table: Table, top: int) -> int:
        """Write ``table`` from row ``top``; return the first free row after it (and its chart)."""
        titles = column_titles(visible_frame(table))
        self._sheet.write_string(top, 0, table.title, self._styles.bold)
        header = top + 1
        self._header(titles, header)
        last = self._rows(table, titles, header + 1)
        self._widen_for(table, titles)
        if table.note:
            last += 1
            self._sheet.write_string(last, 0, table.note, self._styles.note)
        if table.chart is not None and len(table.frame):
            last = self._insert_chart(table, table.chart, header, last + 2)
        return last + 2

    def _header(self, titles: list[str], row: int) -> None:
        """Header cells; the first table's header (and first column) stay in view."""
        for column, title in enumerate(titles):
            self._sheet.write_string(row, column, title, self._styles.header)
        if titles and not self._frozen:
            self._sheet.freeze_panes(row + 1, 1)
            self._frozen = True

    def _rows(self, table: Table, titles: list[str], first: int) -> int:
        """Data cells from row ``first``; return the last row written."""
        digits = [table.digits_for(title) for title in titles]
        frame = visible_frame(table)
        for row, values in enumerate(frame.itertuples(index=False, name=None), start=first):
            for column, (value, places) in enumerate(zip(values, digits, strict=True)):
                _write_value(self._sheet, (row, column), value, places, self._styles)
        return first + len(frame) - 1

    def _widen_for(self, table: Table, titles: list[str]) -> None:
        _widen(self._widths, 0, titles)
        for cells in formatted_rows(table):
            _widen(self._widths, 0, cells)

    def _insert_chart(self, table: Table, chart: Chart, header: int, row: int) -> int:
        """Put the table's chart at ``row``; return the last row it covers."""
        builder = _ChartBuilder(self._workbook, self._sheet.get_name(), table, header)
        height = _chart_height(table, chart)
        self._sheet.insert_chart(
            row, 0, builder.build(chart), {"x_scale": CHART_WIDTH / 480, "y_scale": height / 288}
        )
        return row + math.ceil(height / ROW_HEIGHT)


class _ChartBuilder:
    """A native Excel chart over the cells where a table was written."""

    def __init__(self, workbook: Workbook, sheet_name: str, table: Table, header: int) -> None:
        self._workbook = workbook
        self._sheet_name = sheet_name
        self._table = table
        self._header = header
        self._titles = column_titles(visible_frame(table))
        self._last = header + len(visible_frame(table))

    def build(self, chart: Chart) -> ExcelChart:
        """The chart, titled, with one series per ``chart.y`` column."""
        excel_chart = self._workbook.add_chart({"type": chart.kind})
        for index, name in enumerate(chart.y):
            excel_chart.add_series(self._series(chart, name, index))
        excel_chart.set_title(
            {"name": chart.title or self._table.title, "name_font": {"size": 12, "bold": True}}
        )
        if len(chart.y) < 2:
            excel_chart.set_legend({"none": True})
        else:
            excel_chart.set_legend({"position": "bottom"})
        self._axes(excel_chart, chart)
        return excel_chart

    def _range(self, column_name: str) -> list[Any]:
        column = self._titles.index(column_name)
        return [self._sheet_name, self._header + 1, column, self._last, column]

    def _series(self, chart: Chart, name: str, index: int) -> dict[str, Any]:
        colour = COLOURS[index % len(COLOURS)]
        series: dict[str, Any] = {
            "name": [self._sheet_name, self._header, self._titles.index(name)],
            "categories": self._range(chart.x),
            "values": self._range(name),
        }
        if chart.kind == "bar":
            series["fill"] = {"color": colour}
            series["border"] = {"none": True}
        else:
            series["marker"] = {"type": "circle", "size": 6, "fill": {"color": colour}}
            series["line"] = {"color": colour} if chart.kind == "line" else {"none": True}
        if chart.kind == "scatter" and chart.label is not None:
            series["data_labels"] = {"custom": self._labels(chart.label), "position": "right"}
        return series

    def _labels(self, column_name: str) -> list[dict[str, str]]:
        """Data labels that point at the label cells (never the label text as a formula)."""
        column = self._titles.index(column_name)
        sheet = quote_sheetname(self._sheet_name)
        return [
            {"value": f"={sheet}!{xl_rowcol_to_cell(row, column, True, True)}"}
            for row in range(self._header + 1, self._last + 1)
        ]

    def _axes(self, excel_chart: ExcelChart, chart: Chart) -> None:
        x_axis: dict[str, Any] = {"name": chart.x_title, "major_gridlines": {"visible": False}}
        y_axis: dict[str, Any] = {"name": chart.y_title}
        if chart.kind == "bar":
            x_axis, y_axis = _bar_axes(self._table, chart)
        if chart.kind == "line":
            x_axis["label_position"] = "low"
        if chart.kind == "scatter":
            x_axis.update(_crosshair_axis(chart.x_line))
            y_axis.update(_crosshair_axis(chart.y_line))
        excel_chart.set_x_axis(x_axis)
        excel_chart.set_y_axis(y_axis)


def _chart_height(table: Table, chart: Chart) -> int:
    """Pixels: enough for every bar of a bar chart, else :data:`CHART_HEIGHT`."""
    if chart.kind != "bar":
        return CHART_HEIGHT
    return max(CHART_HEIGHT, 120 + len(table.frame) * (len(chart.y) * 14 + 10))


def _bar_axes(table: Table, chart: Chart) -> tuple[dict[str, Any], dict[str, Any]]:
    """Horizontal bars: values along x from zero, categories down from the top.

    The value axis always includes zero, so a bar's length is its value; the categories run
    top to bottom in table order with the value axis kept at the bottom.
    """
    frame = visible_frame(table)
    values = pd.concat([pd.to_numeric(frame[name], errors="coerce") for name in chart.y])
    values_axis: dict[str, Any] = {"name": chart.y_title, "major_gridlines": {"visible": True}}
    if values.min() >= 0:
        values_axis["min"] = 0
    if values.max() <= 0:
        values_axis["max"] = 0
    categories_axis = {
        "name": chart.x_title,
        "reverse": True,
        "crossing": "max",
        "label_position": "low",
    }
    return values_axis, categories_axis


def _crosshair_axis(position: float | None) -> dict[str, Any]:
    """The other axis crosses this one at ``position``, drawn dashed: the crosshair line."""
    if position is None:
        return {}
    return {
        "crossing": float(position),
        "label_position": "low",
        "line": {"color": "#595959", "dash_type": "dash"},
    }
