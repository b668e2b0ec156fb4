"""What every analysis is to the rest of csi: one :class:`Analysis` subclass per method.

``csi analyze``, the per-method commands, ``csi validate``, ``csi init``, the survey overview,
period comparison (``csi report``) and the history all walk the registry
(:mod:`csi_cli.analyses`) and ask each analysis the same questions. Adding a method is one
module under ``csi_cli/analyses/`` (its ``Analysis``), the pure statistics it calls under
``csi_cli/methods/``, a line in the registry, its command line (if it has one) and its tests;
``docs/architecture.md`` walks through an example.

An analysis never prints, reads files or rounds: it takes a validated :class:`Survey` and
returns a frozen :class:`Result`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from csi_cli.results import Result, Table

if TYPE_CHECKING:
    from csi_cli.options import RunOptions
    from csi_cli.survey import Survey
    from csi_cli.validate import Problem

#: Columns of the change rows that :meth:`Analysis.compare` returns (one row per measure).
CHANGE_COLUMNS = (
    "kind", "name", "current", "previous", "difference", "points", "std_error", "ci_low",
    "ci_high", "statistic", "df", "p_value", "test",
)  # fmt: skip


@dataclass(frozen=True)
class Description:
    """What the overview says of one analysis: keys of the overview's JSON document, and rows
    (label, text) of its table."""

    document: Mapping[str, Any] = field(default_factory=dict)
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NoOptions:
    """Options of an analysis that has none beyond the shared ones."""


class Analysis:
    """One method as csi uses it. Subclasses set the class attributes and override what
    applies; the defaults say "nothing to add".

    Class attributes
    ----------------
    name : str
        Registry key, JSON key under ``csi analyze`` and ``report``'s ``current``/``prior``,
        change ``kind``.
    title : str
        Heading of its report section.
    section : str or None
        Its spec section (``[name]``), parsed into ``spec_type``; None when it has none.
    spec_type : type or None
        Frozen dataclass of the section, with defaults; ``spec_type.parse(raw, source)`` checks
        a raw TOML table (see :func:`csi_cli.spec.parse_section`).
    options_type : type
        Frozen dataclass of its command-line options (defaults = what ``csi analyze`` uses).
    not_supported : str
        Why a file does not support it, and how to make it (shown by its command).
    in_report : bool
        Whether period reports run it (the overview is not compared).
    codes : mapping of str to str
        The codes of the problems :meth:`check` reports, and what each means.
    change_note : str
        How :meth:`compare` tests a change (the note under its changes table).
    """

    name: ClassVar[str]
    title: ClassVar[str]
    section: ClassVar[str | None] = None
    spec_type: ClassVar[type | None] = None
    options_type: ClassVar[type] = NoOptions
    not_supported: ClassVar[str] = ""
    in_report: ClassVar[bool] = True
    codes: ClassVar[Mapping[str, str]] = {}
    change_note: ClassVar[str] = ""

    # --- what the file holds ---------------------------------------------------------------

    def supports(self, survey: Survey) -> bool:
        """Whether the survey's columns support this analysis."""
        raise NotImplementedError

    def rating_columns(self, survey: Survey) -> dict[str, tuple[float, float] | None]:
        """Columns this analysis reads as numeric ratings, each with its scale (None: no
        fixed scale); validation checks them for text and for values outside the scale."""
        return {}

    def used_columns(self, survey: Survey) -> tuple[str, ...]:
        """Every column this analysis reads (never offered as a segment)."""
        return tuple(self.rating_columns(survey))

    def check(self, survey: Survey) -> list[Problem]:
        """Problems of this analysis' own columns (stable codes; ``analysis`` = ``name``)."""
        return []

    def describe(self, survey: Survey) -> Description:
        """What the overview says the file holds for this analysis (whether or not it applies)."""
        return Description()

    def draft(self, survey: Survey) -> Mapping[str, Any] | None:
        """The spec section ``csi init`` writes (None: nothing to write)."""
        return None

    # --- running ---------------------------------------------------------------------------

    def run(self, survey: Survey, options: RunOptions) -> Result:
        """Compute the result (``options.of(self)`` gives this analysis' own options)."""
        raise NotImplementedError

    # --- periods ---------------------------------------------------------------------------

    def compare(
        self,
        current: tuple[Survey, Result],
        previous: tuple[Survey, Result],
        options: RunOptions,
    ) -> pd.DataFrame:
        """Changes between two periods: rows of :data:`CHANGE_COLUMNS` (``kind`` = ``name``).

        ``points`` is the change on a 0–100 scale (what ``--min-change`` is compared with);
        NaN where a change has no direction (never alerted).
        """
        return empty_changes()

    def change_tables(self, changes: pd.DataFrame, labels: tuple[str, str]) -> list[Table]:
        """Tables of this analysis' rows of the changes (``labels``: current, previous); none
        means one table of the rows as they are, with :attr:`change_note`."""
        return []

    def alert(self, change: Mapping[str, Any], survey: Survey) -> str:
        """The alert sentence for a significant drop of one change row (its ``measure``, the
        drop in points and the p-value)."""
        return (
            f"{change['measure']} fell {-change['difference']:.1f} points "
            f"(p = {change['p_value']:.2g})"
        )

    def history(self, result: Result) -> Mapping[str, float | None]:
        """Figures recorded per period in the history (figure name → value)."""
        return {}


def empty_changes() -> pd.DataFrame:
    """A change table with no rows."""
    return pd.DataFrame(columns=list(CHANGE_COLUMNS))


def changes_frame(kind: str, frame: pd.DataFrame, *, name: str, test: str) -> pd.DataFrame:
    """Rows of :data:`CHANGE_COLUMNS` from a frame whose ``name`` column names the measures."""
    out = frame.rename(columns={name: "name"}).assign(kind=kind, test=test)
    if "points" not in out:
        out["points"] = float("nan")
    return out.reindex(columns=list(CHANGE_COLUMNS))
