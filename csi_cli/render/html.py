"""HTML: one self-contained file that reads on a phone, prints, and never loads anything.

The page has inline CSS, charts drawn here as inline SVG, no script and no external resource
(a Content-Security-Policy forbids them as a second line of defence). Every piece of text from
the document passes through :func:`html.escape`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from csi_cli.render.text import (
    column_titles,
    display_width,
    format_headline,
    format_number,
    format_value,
    formatted_rows,
    headline_items,
    is_numeric_column,
    setting_items,
    visible_frame,
)
from csi_cli.results import Chart, Document, Section, Table

CHART_WIDTH = 480
"""Width of every chart's SVG coordinate system (the chart scales to the page)."""

CHAR_WIDTH = 7.5
"""Approximate width in SVG units of one character of chart text (12 px font)."""

COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
"""Series colours (Okabe–Ito: distinguishable with colour-vision deficiencies)."""

_CSS = """
:root { --ink: #1a1a1a; --muted: #595959; --rule: #d9d9d9; --head: #f3f3f3; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC",
    "Microsoft YaHei", sans-serif; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .75rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--rule); }
h3 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
.headline { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem;
  margin: 0 0 1rem; }
.headline dt { font-weight: 600; }
.headline dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.alerts { margin: 1rem 0; padding: .5rem 1rem; background: #fff4e5;
  border-left: 4px solid #d55e00; }
.alerts h2 { font-size: 1rem; margin: 0; padding: 0; border: 0; }
.alerts ul { margin: .25rem 0 0; padding-left: 1.25rem; }
.table-wrap { overflow-x: auto; margin: 0 0 .5rem; }
table { border-collapse: collapse; font-size: .875rem; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid var(--rule); text-align: left;
  vertical-align: top; }
thead th { background: var(--head); border-bottom: 2px solid #bdbdbd; }
.num { text-align: right; white-space: nowrap; }
.note { color: var(--muted); font-size: .875rem; margin: .25rem 0 1rem; }
figure { margin: .5rem 0 1rem; max-width: 36rem; }
figcaption { color: var(--muted); font-size: .875rem; }
figure svg { display: block; width: 100%; height: auto; }
svg text { font-size: 12px; fill: var(--ink); }
svg .tick { fill: var(--muted); font-size: 11px; }
svg .grid { stroke: #e6e6e6; }
svg .axis { stroke: #8c8c8c; }
svg .cross { stroke: #595959; stroke-dasharray: 5 4; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  .table-wrap { overflow: visible; }
  figure, tr, .alerts { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  thead { display: table-header-group; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def escape(text: str) -> str:
    """``text`` safe inside HTML or SVG content and quoted attributes.

    Parameters
    ----------
    text : str
        Any text, e.g. from the survey.

    Returns
    -------
    str
        The text with ``& < > " '`` escaped.
    """
    return html.escape(text, quote=True)


def render_html(document: Document) -> str:
    """The document as one self-contained HTML page.

    Parameters
    ----------
    document : Document
        The document to render.

    Returns
    -------
    str
        An HTML5 document ending in a newline.
    """
    parts = [_header(document)]
    parts.extend(_section(section) for section in document.sections())
    if document.settings:
        parts.append(_settings(document))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(document.title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )


def _header(document: Document) -> str:
    items = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(format_headline(value))}</dd>"
        for label, value in headline_items(document)
    )
    parts = [f"<header>\n<h1>{escape(document.title)}</h1>", f'<dl class="headline">{items}</dl>']
    if document.notes:
        notes = "".join(f"<li>{escape(note)}</li>" for note in document.notes)
        heading = "<h2>Alerts and warnings</h2>"
        parts.append(f'<aside class="alerts" role="note">{heading}<ul>{notes}</ul></aside>')
    return "\n".join(parts) + "\n</header>"


def _section(section: Section) -> str:
    parts = [
        f'<section id="{escape("section-" + section.key)}">',
        f"<h2>{escape(section.title)}</h2>",
    ]
    parts.extend(f'<p class="note">{escape(note)}</p>' for note in section.notes)
    parts.extend(_table_block(table) for table in section.tables)
    parts.append("</section>")
    return "\n".join(parts)


def _table_block(table: Table) -> str:
    parts = [f"<h3>{escape(table.title)}</h3>"]
    if table.chart is not None:
        parts.append(_figure(table, table.chart))
    if len(visible_frame(table).columns):
        parts.append(_table_html(table))
    if table.note:
        parts.append(f'<p class="note">{escape(table.note)}</p>')
    return "\n".join(parts)


def _table_html(table: Table) -> str:
    frame = visible_frame(table)
    classes = [' class="num"' if is_numeric_column(frame, i) else "" for i in range(frame.shape[1])]
    head = "".join(
        f'<th scope="col"{css}>{escape(title)}</th>'
        for title, css in zip(column_titles(frame), classes, strict=True)
    )
    body = "\n".join(
        "<tr>"
        + "".join(f"<td{css}>{escape(cell)}</td>" for cell, css in zip(row, classes, strict=True))
        + "</tr>"
        for row in formatted_rows(table)
    )
    return (
        f'<div class="table-wrap"><table>\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table></div>"
    )


def _settings(document: Document) -> str:
    rows = "\n".join(
        f'<tr><th scope="row">{escape(name)}</th><td>{escape(value)}</td></tr>'
        for name, value in setting_items(document)
    )
    return (
        '<section id="settings">\n<h2>Settings</h2>\n'
        f'<div class="table-wrap"><table>\n<tbody>\n{rows}\n</tbody>\n</table></div>\n</section>'
    )


# ---------------------------------------------------------------------------------------------
# Charts as inline SVG


@dataclass(frozen=True)
class _Scale:
    """A linear map from data values (covered by ``ticks``) to SVG coordinates."""

    ticks: tuple[float, ...]
    start: float
    end: float

    def __call__(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.start + (value - low) / (high - low) * (self.end - self.start)

    @property
    def decimals(self) -> int:
        """Decimals that show every tick exactly."""
        step = self.ticks[1] - self.ticks[0]
        return next(d for d in range(7) if abs(round(step, d) - step) < 1e-9 * max(1, step))


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[float, ...]:
    """Round axis ticks (steps of 1, 2, 2.5 or 5 × 10^k) covering ``low``..``high``.

    Parameters
    ----------
    low, high : float
        The range the axis must show.
    count : int, default 5
        About how many intervals to use.

    Returns
    -------
    tuple of float
        At least two ticks, the first ≤ ``low`` and the last ≥ ``high``.
    """
    if not high - low > 1e-9 * max(abs(low), abs(high), 1e-300):  # a single value
        low, high = low - 1, high + 1
    raw_step = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step * 0.999)
    first, last = math.floor(low / step), math.ceil(high / step)
    if first * step > low:  # guard against rounding in the division
        first -= 1
    if last * step < high:
        last += 1
    return tuple(k * step for k in range(first, max(last, first + 1) + 1))


def _scale(values: Iterable[float | None], start: float, end: float) -> _Scale:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    return _Scale(nice_ticks(low, high), start, end)


def _numbers(frame: pd.DataFrame, column: str) -> list[float]:
    return pd.to_numeric(frame[column], errors="coerce").astype(float).tolist()


def _labels(table: Table, column: str | None) -> list[str]:
    frame = visible_frame(table)
    if column is None:
        return [""] * len(frame)
    return [format_value(value, table.digits_for(column)) for value in frame[column]]


def _truncate(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to about ``width`` SVG units."""
    limit = max(1, int(width / CHAR_WIDTH))
    if display_width(text) <= limit:
        return text
    kept = ""
    for char in text:
        if display_width(kept + char) > limit - 1:
            break
        kept += char
    return kept + "…"


def _text(x: float, y: float, text: str, anchor: str = "start", css: str = "") -> str:
    css_attribute = f' class="{css}"' if css else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{css_attribute}>{escape(text)}</text>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{css}"/>'


def _legend(names: Sequence[str], y: float, x: float = 8) -> list[str]:
    """Swatch and name of each series on one row (empty for a single series)."""
    if len(names) < 2:
        return []
    parts = []
    for index, name in enumerate(names):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(x + 14, y, name))
        x += 14 + display_width(name) * CHAR_WIDTH + 16
    return parts


def _svg(title: str, height: float, elements: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height:.0f}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(elements)
        + "</svg>"
    )


def _figure(table: Table, chart: Chart) -> str:
    draw = {"bar": _bar_chart, "scatter": _scatter_chart, "line": _line_chart}[chart.kind]
    title = chart.title or table.title
    caption = f"<figcaption>{escape(chart.title)}</figcaption>" if chart.title else ""
    return f"<figure>{draw(table, chart, title)}{caption}</figure>"


def _bar_chart(table: Table, chart: Chart, title: str) -> str:
    """Horizontal grouped bars: one group per category, one bar per series."""
    categories = _labels(table, chart.x)
    series = [_numbers(visible_frame(table), name) for name in chart.y]
    label_space = min(max((display_width(c) for c in categories), default=0), 26) * CHAR_WIDTH + 18
    values = [v for values in series for v in values]
    negative = any(v < 0 for v in values if math.isfinite(v))
    scale = _scale([0.0, *values], label_space + (44 if negative else 4), CHART_WIDTH - 44)
    top = 26 if len(series) > 1 else 8
    bar, group = 14, 14 * len(series) + 10
    bottom = top + group * len(categories)
    parts = _legend(chart.y, 14)
    parts.extend(_value_grid(scale, top, bottom))
    for row, category in enumerate(categories):
        y = top + row * group + 5
        label = _truncate(category, label_space)
        parts.append(_text(label_space - 6, y + group / 2 - 1, label, "end"))
        for index, values in enumerate(series):
            digits = table.digits_for(chart.y[index])
            parts.extend(_bar(scale, values[row], y + index * bar, index, digits))
    parts.append(_line(scale(0), top, scale(0), bottom, "axis"))
    if chart.y_title:
        parts.append(_text((scale.start + scale.end) / 2, bottom + 34, chart.y_title, "middle"))
    return _svg(title, bottom + (44 if chart.y_title else 26), parts)


def _value_grid(scale: _Scale, top: float, bottom: float) -> list[str]:
    """Vertical grid lines with tick labels below, for a horizontal value axis."""
    parts = []
    for tick in scale.ticks:
        x = scale(tick)
        parts.append(_line(x, top, x, bottom, "grid"))
        parts.append(_text(x, bottom + 14, format_number(tick, scale.decimals), "middle", "tick"))
    return parts


def _bar(scale: _Scale, value: float, y: float, index: int, digits: int) -> list[str]:
    """One bar from zero to ``value`` with its value at the end (nothing for a missing value)."""
    if not math.isfinite(value):
        return []
    zero, end = scale(0), scale(value)
    label = format_number(value, digits)
    colour = COLOURS[index % len(COLOURS)]
    rect = (
        f'<rect x="{min(zero, end):.1f}" y="{y:.1f}" width="{abs(end - zero):.1f}" height="12" '
        f'fill="{colour}"><title>{escape(label)}</title></rect>'
    )
    anchor, offset = ("start", 4) if value >= 0 else ("end", -4)
    return [rect, _text(end + offset, y + 10, label, anchor, "tick")]


_LEFT, _RIGHT, _TOP, _PLOT_HEIGHT = 56, 16, 30, 300


def _vertical_grid(scale: _Scale, left: float, right: float) -> list[str]:
    """Horizontal grid lines with tick labels on the left, for a vertical value axis."""
    parts = []
    for tick in scale.ticks:
        y = scale(tick)
        parts.append(_line(left, y, right, y, "grid"))
        parts.append(_text(left - 6, y + 4, format_number(tick, scale.decimals), "end", "tick"))
    return parts


def _axis_titles(chart: Chart, bottom: float) -> list[str]:
    """The x title under the plot and the y title turned along the left edge."""
    parts = []
    if chart.x_title:
        middle = (_LEFT + CHART_WIDTH - _RIGHT) / 2
        parts.append(_text(middle, bottom + 34, chart.x_title, "middle"))
    if chart.y_title:
        middle = (_TOP + bottom) / 2
        parts.append(
            f'<text transform="translate(14 {middle:.1f}) rotate(-90)" text-anchor="middle">'
            f"{escape(chart.y_title)}</text>"
        )
    return parts


def _scatter_chart(table: Table, chart: Chart, title: str) -> str:
    """Points with their labels, and dashed crosshair lines at ``x_line`` / ``y_line``."""
    frame = visible_frame(table)
    xs = _numbers(frame, chart.x)
    series = [_numbers(frame, name) for name in chart.y]
    names = _labels(table, chart.label)
    bottom = _TOP + _PLOT_HEIGHT
    x_scale = _scale([*xs, chart.x_line], _LEFT, CHART_WIDTH - _RIGHT)
    y_scale = _scale([*(v for ys in series for v in ys), chart.y_line], bottom, _TOP)
    parts = _legend(chart.y, 14, _LEFT)
    parts.extend(_vertical_grid(y_scale, _LEFT, CHART_WIDTH - _RIGHT))
    for tick in x_scale.ticks:
        x = x_scale(tick)
        parts.append(_line(x, _TOP, x, bottom, "grid"))
        label = format_number(tick, x_scale.decimals)
        parts.append(_text(x, bottom + 16, label, "middle", "tick"))
    if chart.x_line is not None:
        parts.append(_line(x_scale(chart.x_line), _TOP, x_scale(chart.x_line), bottom, "cross"))
    if chart.y_line is not None:
        y = y_scale(chart.y_line)
        parts.append(_line(_LEFT, y, CHART_WIDTH - _RIGHT, y, "cross"))
    for index, ys in enumerate(series):
        parts.extend(_points(x_scale, y_scale, zip(xs, ys, names, strict=True), index))
    parts.extend(_axis_titles(chart, bottom))
    return _svg(title, bottom + (44 if chart.x_title else 26), parts)


def _points(
    x_scale: _Scale, y_scale: _Scale, points: Iterable[tuple[float, float, str]], index: int
) -> list[str]:
    """Dots of one scatter series, each labelled on the side with more room."""
    colour = COLOURS[index % len(COLOURS)]
    parts = []
    for x_value, y_value, name in points:
        if not (math.isfinite(x_value) and math.isfinite(y_value)):
            continue
        x, y = x_scale(x_value), y_scale(y_value)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
            f"<title>{escape(name)}</title></circle>"
        )
        on_right = x < (x_scale.start + x_scale.end) / 2
        room = (x_scale.end - x) if on_right else (x - x_scale.start)
        label = _truncate(name, max(room - 8, 40))
        parts.append(
            _text(x + (6 if on_right else -6), y - 6, label, "start" if on_right else "end")
        )
    return parts


def _line_chart(table: Table, chart: Chart, title: str) -> str:
    """One line per series over evenly spaced categories (e.g. periods)."""
    categories = _labels(table, chart.x)
    series = [_numbers(visible_frame(table), name) for name in chart.y]
    bottom = _TOP + _PLOT_HEIGHT
    step = (CHART_WIDTH - _LEFT - _RIGHT) / max(len(categories), 1)
    xs = [_LEFT + (position + 0.5) * step for position in range(len(categories))]
    y_scale = _scale([v for values in series for v in values], bottom, _TOP)
    parts = _legend(chart.y, 14, _LEFT)
    parts.extend(_vertical_grid(y_scale, _LEFT, CHART_WIDTH - _RIGHT))
    for x, category in zip(xs, categories, strict=True):
        parts.append(_text(x, bottom + 16, _truncate(category, step - 4), "middle", "tick"))
    for index, values in enumerate(series):
        parts.extend(_polyline(xs, [y_scale(v) for v in values], index))
    parts.extend(_axis_titles(chart, bottom))
    return _svg(title, bottom + (44 if chart.x_title else 26), parts)


def _polyline(xs: list[float], ys: list[float], index: int) -> list[str]:
    """A series as line segments between consecutive known points, with a dot on each point."""
    colour = COLOURS[index % len(COLOURS)]
    parts = []
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if math.isfinite(y)]
    segment: list[str] = []
    for x, y in zip(xs, ys, strict=True):
        if math.isfinite(y):
            segment.append(f"{x:.1f},{y:.1f}")
            continue
        parts.extend(_segment(segment, colour))
        segment = []
    parts.extend(_segment(segment, colour))
    parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>' for x, y in points)
    return parts


def _segment(points: list[str], colour: str) -> list[str]:
    if len(points) < 2:
        return []
    return [
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'
    ]
