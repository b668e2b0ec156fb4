"""``csi report FILE --period P``: one period against the previous one, for people and for cron.

Every output is rendered in memory first and written atomically; an alert condition asked for
(``--fail-below``, ``--fail-on-drop``) exits 3 only after every file is written. Nothing is
ever asked on stdin; progress goes to stderr, and only on a terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from csi_cli.commands import common
from csi_cli.errors import EXIT_ALERT, UsageError
from csi_cli.options import DEFAULT_MIN_CHANGE, REPORT_BOOTSTRAP
from csi_cli.output import write_bytes_atomic, write_text_atomic
from csi_cli.periods import parse_period

if TYPE_CHECKING:
    from csi_cli.comparison import PeriodDocument

#: The formats ``--output-dir`` writes, in order.
REPORT_FORMATS = ("xlsx", "html", "md", "json")
REPORT_STEM = "csi-report"


@common.command(bootstrap=REPORT_BOOTSTRAP)
def report_command(
    shared: common.Shared,
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="Period to report on: a month (2026-10), a quarter (2026Q4) or a range of "
            "days (2026-09-01..2026-10-15), from the date column.",
            show_default=False,
        ),
    ],
    previous: Annotated[
        str | None,
        typer.Option(
            "--previous", help="Period to compare with (default: the one just before, same length)."
        ),
    ] = None,
    min_change: Annotated[
        float,
        typer.Option(
            "--min-change",
            min=0.0,
            help="Alert on significant drops larger than this many points (0–100 scale).",
        ),
    ] = DEFAULT_MIN_CHANGE,
    fail_below: Annotated[
        float | None,
        typer.Option(
            "--fail-below",
            help="Exit 3 (after writing every output) when the CSI is below this value.",
        ),
    ] = None,
    fail_on_drop: Annotated[
        bool,
        typer.Option("--fail-on-drop", help="Exit 3 (after writing every output) on any alert."),
    ] = False,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            help="Write csi-report-<period>.xlsx/.html/.md/.json into this folder (atomically).",
        ),
    ] = None,
    history_path: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="SQLite file of headline figures: records this period, shows the trend.",
        ),
    ] = None,
) -> None:
    """Compare a period with the previous one: every analysis for both, significant changes,
    alerts; write report files for people (xlsx, HTML, Markdown) and for programs (JSON)."""
    from csi_cli import comparison, history  # scipy-heavy: imported when a report is made
    from csi_cli.analyses import get

    wanted = parse_period(period)
    before = parse_period(previous) if previous is not None else None
    chosen_format = common.output_format(shared.fmt, shared.output)
    if output_dir is not None:
        _make_folder(output_dir)
    if history_path is not None:
        history.check(history_path)
    survey, problems = common.load_checked(
        shared.file,
        spec=common.resolve_spec(shared.spec, {}),
        sheet=shared.sheet,
        header_row=shared.header_row,
        analyses=None,
        max_cells=shared.max_cells,
        by=shared.by,
    )
    if fail_below is not None and not get("index").supports(survey):
        raise UsageError(
            f"--fail-below compares the CSI, and {survey.source.where()} has no CSI blocks "
            "(columns such as SAT1, QUAL2 … or [csi.blocks] in the spec)."
        )
    common.warn(problems)
    _progress(f"{wanted.label}: analysing both periods ({shared.bootstrap} bootstrap resamples)…")
    result = comparison.build_period_document(
        survey,
        wanted,
        before,
        options=shared.run_options(),
        min_change=min_change,
        by=shared.by,
        problems=[p.message for p in problems],
    )
    if history_path is not None:
        assert result.period is not None
        history.record(history_path, history.entry(result), history.figures(result))
        result = comparison.with_trend(result, history.trend(history_path, result.period.first))
    if output_dir is not None:
        _write_all(result, output_dir)
    if output_dir is None or shared.fmt is not None or shared.output is not None:
        common.emit(result, chosen_format, shared.output)
    failures = _failures(result, fail_below, fail_on_drop)
    if failures:
        console = common.stderr()
        for failure in failures:
            console.print(f"csi: alert: {failure}", markup=False)
        raise typer.Exit(EXIT_ALERT)


def _write_all(result: PeriodDocument, folder: Path) -> None:
    """Render every format first, then write each file atomically."""
    from csi_cli.render import FILE_SUFFIXES, render

    assert result.period is not None
    rendered = {fmt: render(result, fmt) for fmt in REPORT_FORMATS}
    for fmt, content in rendered.items():
        path = folder / f"{REPORT_STEM}-{result.period.file_label}{FILE_SUFFIXES[fmt]}"
        if isinstance(content, bytes):
            write_bytes_atomic(path, content)
        else:
            write_text_atomic(path, content)
        _progress(f"wrote {path}")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--output-dir {folder}: cannot create the folder ({error.strerror}).",
            code="output-error",
        ) from None


def _failures(result: PeriodDocument, fail_below: float | None, fail_on_drop: bool) -> list[str]:
    """The alert conditions asked for that the report meets."""
    failures = []
    headline = result.csi_change()
    if fail_below is not None and headline is not None and headline["value"] < fail_below:
        failures.append(
            f"{headline['measure']} is {headline['value']:.1f}, below --fail-below {fail_below:g}"
        )
    if fail_on_drop:
        failures += list(result.alerts)
    return failures


def _progress(message: str) -> None:
    """A progress line on stderr, only on a terminal and without --quiet."""
    if sys.stderr.isatty() and not common.FLAGS["quiet"]:
        common.stderr().print(f"csi: {message}", markup=False)
