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
from csi_cli.errors import PATH_LIMIT, UsageError, safe_text
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


#: ``PRAGMA application_id`` of a csi history ("CSI1"), so another program's SQLite file is
#: never mistaken for one (nor changed).
APPLICATION_ID = 0x43534931
#: The tables of a csi history.
TABLES = {"periods", "figures"}


def check(path: Path) -> None:
    """Check, before a long run, that the history can be written: its folder exists and is
    writable, the file (if it exists) is not read-only and is a csi history. A missing history
    is not created here: :func:`record` creates it once every report file is written.

    Raises
    ------
    UsageError
        As :func:`record`.
    """
    from csi_cli.output import check_output_path

    check_output_path(path)
    if path.exists() and path.stat().st_size:
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
    with _database(path) as connection:
        _upsert(connection, row, rows)


def preview(path: Path, row: Entry, limit: int = TREND_PERIODS) -> pd.DataFrame:
    """The trend :func:`trend` will give once ``row`` is recorded, without recording it: the
    row is written inside a transaction that is rolled back (or into a database in memory when
    the history does not exist yet). ``csi report`` shows this trend, writes every report file,
    and only then :func:`record` s the period, so a failed write leaves the history as it was.

    Raises
    ------
    UsageError
        As :func:`record`.
    """
    until = dt.date.fromisoformat(row.first_day)
    if path.exists() and path.stat().st_size:
        with _database(path) as connection:
            _upsert(connection, row)
            frame = _trend_frame(connection, until, limit)
            connection.rollback()
        return frame
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.execute(_SCHEMA)
        connection.execute(_FIGURES_SCHEMA)
        _upsert(connection, row)
        return _trend_frame(connection, until, limit)


def _upsert(
    connection: sqlite3.Connection,
    row: Entry,
    rows: Sequence[tuple[str, str, str, float | None]] = (),
) -> None:
    names = [f.name for f in fields(Entry)]
    updates = ", ".join(f"{name} = excluded.{name}" for name in names[1:])
    statement = (
        f"INSERT INTO periods ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT(period) DO UPDATE SET {updates}"
    )
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
    with _database(path) as connection:
        return _trend_frame(connection, until, limit)


def _trend_frame(connection: sqlite3.Connection, until: dt.date, limit: int) -> pd.DataFrame:
    query = (
        f"SELECT {', '.join(TREND_COLUMNS)} FROM periods WHERE first_day <= ? "
        "ORDER BY first_day DESC, last_day DESC LIMIT ?"
    )
    rows = connection.execute(query, (str(until), limit)).fetchall()
    frame = pd.DataFrame(rows[::-1], columns=list(TREND_COLUMNS))
    return frame.astype({c: float for c in ("csi", "csi_ci_low", "csi_ci_high", "nps")})


@contextmanager
def _database(path: Path) -> Iterator[sqlite3.Connection]:
    """An open history with its table, inside one transaction (committed on success)."""
    name = safe_text(path, PATH_LIMIT)
    if not path.parent.is_dir():
        raise UsageError(f"--history {name}: the folder {safe_text(path.parent)} does not exist.")
    try:
        with closing(sqlite3.connect(path, timeout=LOCK_TIMEOUT_SECONDS)) as connection:
            _claim(connection, name)
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
        raise UsageError(f"--history {name} {_database_failure(error)}") from None


def _claim(connection: sqlite3.Connection, name: str) -> None:
    """Refuse another program's SQLite file; mark a new, empty one as a csi history."""
    query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    tables = {row[0] for row in connection.execute(query)}
    marked = connection.execute("PRAGMA application_id").fetchone()[0]
    if tables - TABLES or marked not in (0, APPLICATION_ID):
        listed = ", ".join(sorted(safe_text(t, 30) for t in tables)[:5]) or "none"
        raise UsageError(
            f"--history {name} is another program's SQLite database (tables: {listed}); csi "
            "never adds to it. Give a file of csi's own, e.g. csi-history.sqlite."
        )
    if not tables:
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _database_failure(error: sqlite3.DatabaseError) -> str:
    """What went wrong with the history file, and what to do."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return (
            f"is locked by another program (another csi report?): waited "
            f"{LOCK_TIMEOUT_SECONDS:.0f} s. Run again when it has finished."
        )
    if "readonly" in text or "read-only" in text:
        return "is read-only: csi records each period in it. Make it writable (chmod u+w)."
    if "not a database" in text:
        return (
            "is not an SQLite database. Give the file an earlier `csi report --history` wrote, "
            "or a new file name."
        )
    return (
        f"cannot be used as a csi history ({safe_text(error, 120)}). Give a new file in a folder "
        "you can write to, or the file an earlier `csi report --history` wrote."
    )
