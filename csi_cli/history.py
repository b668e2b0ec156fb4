"""The history of headline figures, one row per reported period, in a SQLite file.

``csi report --history history.sqlite`` records the period it reports on (re-running a period
replaces its row, never adds a second one) and shows the last :data:`TREND_PERIODS` recorded
periods up to it as a trend. This is the only core module that touches a file: SQLite makes
every change one atomic transaction, and a concurrent run waits for the other's lock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import pandas as pd

from csi_cli.analyses import get
from csi_cli.comparison import PeriodDocument
from csi_cli.errors import UsageError, safe_text
from csi_cli.results import plain

TREND_PERIODS = 12
LOCK_TIMEOUT_SECONDS = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS periods (
    period TEXT PRIMARY KEY,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    n INTEGER NOT NULL,
    csi REAL,
    csi_ci_low REAL,
    csi_ci_high REAL,
    nps REAL,
    alerts INTEGER NOT NULL,
    source TEXT NOT NULL
)
"""
_FIGURES_SCHEMA = """
CREATE TABLE IF NOT EXISTS figures (
    period TEXT NOT NULL,
    analysis TEXT NOT NULL,
    figure TEXT NOT NULL,
    value REAL,
    PRIMARY KEY (period, analysis, figure)
)
"""
TREND_COLUMNS = ("period", "n", "csi", "csi_ci_low", "csi_ci_high", "nps", "alerts")


@dataclass(frozen=True)
class Entry:
    """The headline figures of one period (NaN or None where the file has no CSI or NPS)."""

    period: str
    first_day: str
    last_day: str
    n: int
    csi: float | None
    csi_ci_low: float | None
    csi_ci_high: float | None
    nps: float | None
    alerts: int
    source: str


def entry(report: PeriodDocument) -> Entry:
    """The headline figures of a report's current period: CSI with its CI, NPS, alerts."""
    assert report.period is not None
    figures = {k: v for r in report.results for k, v in get(r.name).history(r).items()}
    return Entry(
        *plain(
            [
                report.period.label,
                str(report.period.first),
                str(report.period.last),
                report.n,
                figures.get("csi"),
                figures.get("csi_ci_low"),
                figures.get("csi_ci_high"),
                figures.get("nps"),
                len(report.alerts),
                report.source,
            ]
        )
    )


def figures(report: PeriodDocument) -> list[tuple[str, str, str, float | None]]:
    """Every history figure of every analysis of the report's current period:
    (period, analysis, figure, value) rows (:meth:`csi_cli.analysis.Analysis.history`)."""
    assert report.period is not None
    return [
        (report.period.label, r.name, figure, plain(value))
        for r in report.results
        for figure, value in get(r.name).history(r).items()
    ]


def check(path: Path) -> None:
    """Create the history, or check an existing one, before a long run uses it.

    Raises
    ------
    UsageError
        As :func:`record`.
    """
    with _database(path):
        pass


def record(path: Path, row: Entry, rows: Sequence[tuple[str, str, str, float | None]] = ()) -> None:
    """Insert or replace the row of ``row.period`` (an upsert keyed by the period label), and
    the period's figures (:func:`figures`), in one transaction.

    Raises
    ------
    UsageError
        The file cannot be created or written, or is not a csi history.
    """
    names = [f.name for f in fields(Entry)]
    updates = ", ".join(f"{name} = excluded.{name}" for name in names[1:])
    statement = (
        f"INSERT INTO periods ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT(period) DO UPDATE SET {updates}"
    )
    with _database(path) as connection:
        connection.execute(statement, astuple(row))
        connection.execute("DELETE FROM figures WHERE period = ?", (row.period,))
        connection.executemany("INSERT INTO figures VALUES (?, ?, ?, ?)", rows)


def trend(path: Path, until: dt.date, limit: int = TREND_PERIODS) -> pd.DataFrame:
    """The last ``limit`` recorded periods that start on or before ``until``, oldest first.

    Returns
    -------
    DataFrame
        Columns :data:`TREND_COLUMNS`; CSI and NPS are NaN where a period had none.
    """
    query = (
        f"SELECT {', '.join(TREND_COLUMNS)} FROM periods WHERE first_day <= ? "
        "ORDER BY first_day DESC, last_day DESC LIMIT ?"
    )
    with _database(path) as connection:
        rows = connection.execute(query, (str(until), limit)).fetchall()
    frame = pd.DataFrame(rows[::-1], columns=list(TREND_COLUMNS))
    return frame.astype({c: float for c in ("csi", "csi_ci_low", "csi_ci_high", "nps")})


@contextmanager
def _database(path: Path) -> Iterator[sqlite3.Connection]:
    """An open history with its table, inside one transaction (committed on success)."""
    name = safe_text(path)
    if not path.parent.is_dir():
        raise UsageError(f"--history {name}: the folder {safe_text(path.parent)} does not exist.")
    try:
        with closing(sqlite3.connect(path, timeout=LOCK_TIMEOUT_SECONDS)) as connection:
            connection.execute(_SCHEMA)
            connection.execute(_FIGURES_SCHEMA)
            columns = [row[1] for row in connection.execute("PRAGMA table_info(periods)")]
            if columns != [f.name for f in fields(Entry)]:
                raise UsageError(
                    f"--history {name} holds a table 'periods' that csi did not write. "
                    "Give another file."
                )
            with connection:
                yield connection
    except sqlite3.DatabaseError as error:
        raise UsageError(
            f"--history {name} cannot be used as a csi history ({error}). Give a new file in a "
            "folder you can write to, or the file an earlier `csi report --history` wrote."
        ) from None
