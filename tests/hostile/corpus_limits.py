"""Hostile sizes and values: zip bombs judged per part, periods at the ends of the calendar,
parquet columns of lists and time-zoned dates, runaway segments, option values."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tests.helpers import write_csv, write_xlsx
from tests.hostile.corpus import (
    ANALYZE,
    VALIDATE,
    Case,
    _append_raw,
    _good,
    _raw_workbook,
    _table,
    survey_numbers,
)

# --- zip bombs under the total limit ----------------------------------------------------------


def _part_bomb(path: Path, part: str, gib: float) -> Path:
    """A valid workbook plus ``part``: ``gib`` GiB of blanks deflated about 1000 times."""
    filler = b" " * (1 << 24)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(b"<sst>") + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = int(gib * 1024**3) // len(filler)
    data = start + block * count + compressor.compress(b"</sst>") + compressor.flush()
    _raw_workbook(path, '<row r="1"><c r="A1" t="inlineStr"><is><t>SAT1</t></is></c></row>')
    info = zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    _append_raw(path, info, data, 0, 5 + count * len(filler) + 6)
    return path


def zip_bomb_shared_strings(folder: Path) -> Case:
    """sharedStrings.xml expands to 1.5 GiB from 1.5 MB: under the 2 GiB total, refused by
    its expansion ratio before the reader allocates it."""
    path = _part_bomb(folder / "strings.xlsx", "xl/sharedStrings.xml", 1.5)
    return Case(path, 2, words=("strings.xlsx", "xl/sharedStrings.xml", "1.5 GiB", "zip bomb"))


def zip_bomb_styles(folder: Path) -> Case:
    path = _part_bomb(folder / "styles.xlsx", "xl/styles.xml", 0.5)
    return Case(path, 2, words=("styles.xlsx", "xl/styles.xml", "times", "zip bomb"))


def xlsx_part_beyond_max_cells(folder: Path) -> Case:
    """A real workbook whose sheet needs more bytes than ``--max-cells 500`` cells can."""
    path = write_xlsx(folder / "big.xlsx", {"S": _table(400)})
    return Case(
        path,
        2,
        args=("--max-cells", "500"),
        words=("big.xlsx", "xl/worksheets/sheet1.xml", "500 cells allowed"),
    )


# --- periods and dates --------------------------------------------------------------------

REPORT = "report"


def _period(folder: Path, period: str) -> Case:
    header, rows = _table(40)
    path = write_csv(folder / "p.csv", ["date", *header], [["2026-10-02", *r] for r in rows])
    return Case(
        path,
        2,
        commands=((REPORT, "--period", period, "--bootstrap", "0"),),
        words=(period, "between 1900 and 2999"),
    )


def period_year_one(folder: Path) -> Case:
    """``--period 0001-01`` used to crash (out of pandas' date range)."""
    return _period(folder, "0001-01")


def period_until_year_9999(folder: Path) -> Case:
    return _period(folder, "2026-01-01..9999-12-31")


def comparison_period_empty(folder: Path) -> Case:
    """Data in August and October: ``--period 2026-10`` compares with September, which has no
    respondents. The message says that September is the comparison period."""
    header, rows = _table(40)
    dates = ["2026-08-15" if i % 2 else "2026-10-15" for i in range(len(rows))]
    table = [[d, *r] for d, r in zip(dates, rows, strict=True)]
    path = write_csv(folder / "gap.csv", ["date", *header], table)
    return Case(
        path,
        2,
        commands=((REPORT, "--period", "2026-10", "--bootstrap", "0"),),
        words=("gap.csv", "no respondents in 2026-09", "comparison period", "--previous"),
    )


def parquet_tz_dates(folder: Path) -> Case:
    """A parquet date column with a time zone (Asia/Shanghai), late in the evening: each
    respondent's day is the local day written (it used to be an internal error)."""
    import pandas as pd

    header, rows = _table(60)
    frame = pd.DataFrame(rows, columns=header)
    local = [f"2026-{9 + i % 2:02d}-30 23:30" if i % 2 == 0 else f"2026-{9 + i % 2}-01 00:30"
             for i in range(len(rows))]  # fmt: skip
    frame.insert(0, "date", pd.to_datetime(local).tz_localize("Asia/Shanghai"))
    path = folder / "tz.parquet"
    frame.to_parquet(path)
    october = sum(d.startswith("2026-10") for d in local)
    return Case(
        path,
        0,
        commands=((VALIDATE,), (REPORT, "--period", "2026-10", "--bootstrap", "50")),
        numbers={"current.index.n": october, "prior.index.n": len(rows) - october},
    )


def parquet_list_column(folder: Path) -> Case:
    """A list-typed column (tags) beside the survey: read as text, the survey analysed (it used
    to be an internal error, 'unhashable type')."""
    import pandas as pd

    header, rows = _table(40)
    frame = pd.DataFrame(rows, columns=header)
    frame["tags"] = [[1, 2] if i % 2 else [3] for i in range(len(rows))]
    path = folder / "lists.parquet"
    frame.to_parquet(path)
    return Case(path, 0, numbers=survey_numbers(header, rows))


# --- segments -----------------------------------------------------------------------------


def by_a_column_of_ids(folder: Path) -> Case:
    """``--by resp_id``: 60 segments of one respondent each, more than the 50 allowed (10,000
    used to take 199 s, 2.5 GB and print 10,000 warnings)."""
    header, rows = _table(60)
    return Case(
        write_csv(folder / "ids.csv", header, rows),
        2,
        commands=((ANALYZE,), ("gap",)),
        args=("--by", "resp_id"),
        words=("--by resp_id", "60 different values", "--max-segments 60"),
    )


def by_over_max_segments(folder: Path) -> Case:
    """``--max-segments 2`` with three regions: the limit is the user's to set."""
    return Case(
        _good(folder),
        2,
        commands=((ANALYZE,),),
        args=("--by", "地区", "--max-segments", "2"),
        words=("--by 地区", "3 different values", "more than the 2 segments"),
    )


def by_only_tiny_segments(folder: Path) -> Case:
    """30 segments of one respondent: under the cap, but none large enough to estimate."""
    return Case(
        _good(folder),
        2,
        commands=((ANALYZE,),),
        args=("--by", "resp_id"),
        words=("--by resp_id", "every segment", "fewer than 5"),
    )


def by_with_tiny_segments(folder: Path) -> Case:
    """Two respondents in a segment of their own: left out of the per-segment results (one
    warning), still counted overall."""
    header, rows = _table(60)
    for row in rows[:2]:
        row[header.index("地区")] = "西藏"
    path = write_csv(folder / "tiny.csv", header, rows)
    numbers = survey_numbers(header, rows)
    return Case(path, 0, commands=((ANALYZE, "--by", "地区"),), numbers=numbers)


# --- options and limits -------------------------------------------------------------------


def bootstrap_two(folder: Path) -> Case:
    """``--bootstrap 2`` gave a CI (64.1–64.2) that excluded the estimate (64.3)."""
    return Case(
        _good(folder),
        2,
        commands=((ANALYZE, "--bootstrap", "2"),),
        words=("--bootstrap", "at least 50"),
    )


def bootstrap_a_billion(folder: Path) -> Case:
    return Case(
        _good(folder),
        2,
        commands=((ANALYZE, "--bootstrap", "1000000000"),),
        words=("--bootstrap", "100000"),
    )


def seed_negative(folder: Path) -> Case:
    return Case(_good(folder), 2, commands=((ANALYZE,),), args=("--seed", "-1"), words=("--seed",))


def fail_below_nan(folder: Path) -> Case:
    """``--fail-below nan`` never alerted (NaN compares false)."""
    return Case(
        _good(folder),
        2,
        commands=((REPORT, "--period", "2026-10", "--fail-below", "nan"),),
        words=("--fail-below", "not a number"),
    )


def block_too_large(folder: Path) -> Case:
    """A SAT block of 300 items (a whole item bank matched SAT*): refused with the limit
    (5,000 items used to ask for 46 GiB)."""
    header, rows = _table(40)
    rng = np.random.default_rng(12)
    extra = [f"SAT{i}" for i in range(3, 301)]
    rows = [[*r, *rng.integers(1, 11, len(extra)).tolist()] for r in rows]
    path = write_csv(folder / "bank.csv", [*header, *extra], rows)
    return Case(
        path,
        2,
        words=("bank.csv", "block SAT", "300 items", "200", "[csi.blocks]"),
        codes=("block-too-large",),
    )


def kano_one_respondent(folder: Path) -> Case:
    """``csi kano`` on one respondent used to print 24 warnings about CSI blocks it does not
    use; it shows only what concerns Kano."""
    header, rows = _table(1)
    return Case(
        write_csv(folder / "one.csv", header, rows),
        0,
        commands=(("kano",),),
        unsaid=("no-variance", "csi-model", "block"),
    )


CASES: dict[str, Callable[[Path], Case]] = {
    f.__name__: f
    for f in (
        zip_bomb_shared_strings,
        zip_bomb_styles,
        xlsx_part_beyond_max_cells,
        period_year_one,
        period_until_year_9999,
        comparison_period_empty,
        parquet_tz_dates,
        parquet_list_column,
        by_a_column_of_ids,
        by_only_tiny_segments,
        by_over_max_segments,
        by_with_tiny_segments,
        bootstrap_two,
        bootstrap_a_billion,
        seed_negative,
        fail_below_nan,
        block_too_large,
        kano_one_respondent,
    )
}
