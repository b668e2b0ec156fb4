"""What methods hand to renderers: tables with optional charts, and the ``Result`` protocol.

Renderers (terminal, Markdown, HTML, xlsx) only ever see :class:`Table` objects and the
``to_dict()`` document, so a new method needs no renderer changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

ChartKind = Literal["bar", "scatter", "line"]


@dataclass(frozen=True)
class Chart:
    """A chart drawn from the columns of its table.

    ``x`` is the category (bar/line) or x-value (scatter) column; ``y`` one or more value
    columns (one series each); ``label`` names the points of a scatter; ``x_line``/``y_line``
    draw reference lines (e.g. the crosshair of an importance–performance map); ``stacked``
    stacks a bar chart's series in one bar per category (parts of a whole).
    """

    kind: ChartKind
    x: str
    y: tuple[str, ...]
    title: str = ""
    label: str | None = None
    x_title: str = ""
    y_title: str = ""
    x_line: float | None = None
    y_line: float | None = None
    stacked: bool = False


@dataclass(frozen=True)
class Table:
    """A titled table for people: renderers round with ``digits`` (default 3 decimals).

    ``keys`` names the columns that identify a row (default: the first column); a renderer
    that splits a wide table repeats all of them in every part. ``detail`` marks a diagnostic
    table: the terminal and Markdown on stdout show it only with ``--detail full``, files
    (xlsx, HTML, JSON) always hold it.
    """

    title: str
    frame: pd.DataFrame
    digits: Mapping[str, int] = field(default_factory=dict)
    note: str = ""
    chart: Chart | None = None
    key: str = ""
    keys: tuple[str, ...] = ()
    detail: bool = False

    def digits_for(self, column: str) -> int:
        """Decimals to show for ``column``."""
        return self.digits.get(column, 3)


def respondents_used(n_used: int, n: int, reason: str) -> str:
    """The headline text for an analysis that left respondents out, e.g.
    ``"492 of 500 (8 left out: a blank CSI answer)"``."""
    because = f": {reason}" if reason else ""
    return f"{n_used} of {n} ({n - n_used} left out{because})"


def summary_of(table: Table, columns: Sequence[str], rows: Any = None) -> Table:
    """A compact view of ``table`` for the terminal: only ``columns`` (those it has) and the
    ``rows`` selected (a boolean mask; all by default), without note or chart; its key gains
    ``_summary`` (the full table stays, as a diagnostic)."""
    frame = table.frame if rows is None else table.frame[rows]
    shown = [c for c in columns if c in frame.columns]
    return replace(table, frame=frame[shown], key=f"{table.key}_summary", chart=None, note="")


def diagnostic(*tables: Table) -> list[Table]:
    """The tables marked as diagnostics (``detail=True``): shown with ``--detail full``."""
    return [replace(table, detail=True) for table in tables]


@dataclass(frozen=True)
class Figure:
    """A headline number with the decimals it is shown with (and an optional interval).

    The core never rounds: it says how many decimals a figure deserves, renderers apply it.
    ``label`` names the measure when the figure stands in a table cell ("gap P − E -1.05
    (95% CI ...)").
    """

    value: float
    digits: int = 1
    low: float | None = None
    high: float | None = None
    label: str = ""


@runtime_checkable
class Result(Protocol):
    """What every analysis returns (a frozen dataclass): its JSON document, tables for people,
    the headline figures people read first and warnings.

    ``headline()`` maps a label to a :class:`Figure`, a text or a number; ``warnings`` are
    sentences shown on stderr and in every rendering.
    """

    name: str
    title: str
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]: ...

    def tables(self) -> list[Table]: ...

    def headline(self) -> dict[str, Any]: ...


def plain(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to JSON-safe Python values.

    NaN and infinities become ``None``: JSON has no NaN, and a consumer must never read one as
    a number.
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, pd.DataFrame):
        return [plain(r) for r in value.to_dict(orient="records")]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as a list of JSON-safe row dictionaries."""
    return [plain(row) for row in frame.to_dict(orient="records")]


@dataclass(frozen=True)
class Section:
    """A group of tables under one heading (one xlsx sheet, one HTML/Markdown section)."""

    key: str
    title: str
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """What renderers render: one or more results plus run metadata.

    ``to_dict()`` of a document with one result, or with a ``primary`` one, is that result's
    document (the contract of ``csi index|kano|gap --format json``), any other result nested
    under its ``name`` (``csi gap`` adds ``"nps"``); with several and no primary
    (``csi analyze``) it maps each result's ``name`` to its document, beside ``n`` and
    ``source``. ``summary`` holds the headline
    figures people read first (label → :class:`Figure`, text or number); they repeat numbers of
    the results, so the JSON document leaves them out. ``actions`` is the ranked action list
    (:class:`csi_cli.actions.Action`) that renderers show right after the headline; the JSON of
    a several-result report holds it under ``"actions"``.
    """

    title: str
    source: str
    n: int
    results: tuple[Result, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    summary: Mapping[str, Any] = field(default_factory=dict)
    primary: str | None = None
    actions: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        if len(self.results) == 1 or self.primary is not None:
            main = next(r for r in self.results if self.primary in (None, r.name))
            document = plain(main.to_dict())
            for other in self.results:
                if other is not main:
                    document[other.name] = plain(other.to_dict())
            return document
        document: dict[str, Any] = {"source": self.source, "n": self.n}
        for result in self.results:
            document[result.name] = plain(result.to_dict())
        if self.actions:
            document["actions"] = [action.to_dict() for action in self.actions]
        if self.notes:
            document["notes"] = list(self.notes)
        return document

    def sections(self) -> list[Section]:
        """One section per result, in order."""
        return [Section(key=r.name, title=r.title, tables=tuple(r.tables())) for r in self.results]
