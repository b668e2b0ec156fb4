"""Small writers of survey files for tests: every fixture is written per test into tmp_path,
never committed. Expected values in tests come from what these helpers wrote."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

ECSI = ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY")


def write_csv(
    path: Path,
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    title: Sequence[str] | None = None,
) -> Path:
    """Write a delimited text file; ``title`` is a line written above the header (as survey
    platforms do). ``encoding="utf-8-sig"`` writes a BOM; ``"utf-16"`` writes one too."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if title is not None:
        writer.writerow(title)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path,
    sheets: dict[str, tuple[Sequence[Any], Sequence[Sequence[Any]]]],
    *,
    title: str | None = None,
) -> Path:
    """Write a workbook with XlsxWriter: ``{sheet name: (header, rows)}``, in order. ``title``
    goes in A1 of every sheet, above the header (row 2 then)."""
    import xlsxwriter

    with xlsxwriter.Workbook(str(path), {"strings_to_numbers": False}) as book:
        for name, (header, rows) in sheets.items():
            sheet = book.add_worksheet(name)
            top = 0
            if title is not None:
                sheet.write_string(0, 0, title)
                top = 1
            for c, name_ in enumerate(header):
                sheet.write_string(top, c, str(name_))
            for r, row in enumerate(rows, start=top + 1):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str):
                        sheet.write_string(r, c, value)
                    else:
                        sheet.write_number(r, c, value)
    return path


def ecsi_columns(items: int = 3, constructs: Sequence[str] = ECSI) -> list[str]:
    """``IMAG1..IMAGk, EXPE1..`` for the given constructs."""
    return [f"{c}{i}" for c in constructs for i in range(1, items + 1)]


def ecsi_rows(
    n: int, columns: Sequence[str], *, seed: int = 0, scale: tuple[int, int] = (1, 10)
) -> list[list[int]]:
    """Correlated integer ratings on ``scale`` (one latent per respondent), so blocks are
    reliable and every item varies."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    noise = rng.normal(scale=0.7, size=(n, len(columns)))
    low, high = scale
    mid, half = (low + high) / 2, (high - low) / 4
    values = np.clip(np.rint(mid + half * (latent + noise)), low, high).astype(int)
    return values.tolist()


def survey_table(n: int = 40, *, seed: int = 0) -> tuple[list[str], list[list[Any]]]:
    """A small complete survey: id, region (Chinese), ECSI items, one Kano pair, NPS."""
    items = ecsi_columns(2)
    rows = ecsi_rows(n, items, seed=seed)
    rng = np.random.default_rng(seed + 1)
    regions = ["华东", "华北", "华南"]
    kano_f = ["我很喜欢", "理应如此", "无所谓", "能忍受", "我很不喜欢"]
    header = ["resp_id", "地区", *items, "fast_delivery_func", "fast_delivery_dysf", "NPS"]
    table = []
    for i, ratings in enumerate(rows):
        table.append(
            [
                f"R{i + 1:04d}",
                regions[i % 3],
                *ratings,
                kano_f[int(rng.integers(0, 3))],
                kano_f[int(rng.integers(2, 5))],
                int(rng.integers(0, 11)),
            ]
        )
    return header, table


def close_documents(got: Any, want: Any, where: str = "$") -> None:
    """Same keys, lists and texts; numbers equal to 1e-9 relative (platform BLAS noise)."""
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{where}: {type(got).__name__}, want an object"
        assert list(got) == list(want), f"{where}: keys {list(got)}, want {list(want)}"
        for key in want:
            close_documents(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list), f"{where}: {type(got).__name__}, want a list"
        assert len(got) == len(want), f"{where}: {len(got)} items, want {len(want)}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            close_documents(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), f"{where}: {got!r}, want {want!r}"
    else:
        assert got == want, f"{where}: {got!r}, want {want!r}"


def run_analysis(name: str, survey: Any, **settings: Any) -> Any:
    """Run the registered analysis ``name`` on ``survey``: ``seed``, ``bootstrap`` and ``by``
    are the shared options, any other keyword is one of the analysis' own options."""
    from csi_cli.analyses import get
    from csi_cli.options import RunOptions

    analysis = get(name)
    shared = {k: settings.pop(k) for k in ("seed", "bootstrap", "by") if k in settings}
    own = analysis.options_type(**settings)
    return analysis.run(survey, RunOptions(**shared, analyses={name: own}))


def invoke_cli(*args: Any) -> Any:
    """Run the ``csi`` Typer app in-process (CliRunner) with ``args`` as text."""
    from typer.testing import CliRunner

    from csi_cli.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def cli_json(*args: Any) -> Any:
    """The JSON document of a ``csi`` command that must succeed."""
    import json

    result = invoke_cli(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
