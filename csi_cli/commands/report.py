"""``csi report FILE --period P``: one period against the previous one, for people and for cron.

Every output is rendered in memory first and written atomically; an alert condition asked for
(``--fail-below``, ``--fail-on-drop``) exits 3 only after every file is written. Nothing is
ever asked on stdin; progress goes to stderr, and only on a terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from csi_cli.commands import common
from csi_cli.errors import EXIT_ALERT, PATH_LIMIT, UsageError, safe_text
from csi_cli.options import DEFAULT_MIN_CHANGE, REPORT_BOOTSTRAP
from csi_cli.output import check_destinations, write_files_atomic
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
            callback=common.finite_option,
            help="Alert on significant drops larger than this many points (0–100 scale).",
        ),
    ] = DEFAULT_MIN_CHANGE,
    fail_below: Annotated[
        float | None,
        typer.Option(
            "--fail-below",
            callback=common.score_option,
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
    _check_destinations(shared, history_path, output_dir, wanted.file_label)
    chosen_format = common.output_format(shared.fmt, shared.output)
    survey, problems = common.load_checked(
        shared.file,
        spec=common.resolve_spec(shared.spec, {}),
        sheet=shared.sheet,
        header_row=shared.header_row,
        analyses=None,
        max_cells=shared.max_cells,
        by=shared.by,
        max_segments=shared.max_segments,
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
        trend = history.preview(history_path, history.entry(result))
        result = comparison.with_trend(result, trend)
    to_stdout = output_dir is None or (shared.fmt is not None and shared.output is None)
    if output_dir is not None:
        _write_all(result, output_dir, sys.stderr if to_stdout else sys.stdout)
    if output_dir is None or shared.fmt is not None or shared.output is not None:
        common.emit(result, chosen_format, shared.output, detail=shared.shows_detail())
    if history_path is not None:  # only once every output is written
        history.record(history_path, history.entry(result), history.figures(result))
    failures = _failures(result, fail_below, fail_on_drop)
    if failures:
        console = common.stderr()
        for failure in failures:
            console.print(f"csi: alert: {failure}", markup=False)
        raise typer.Exit(EXIT_ALERT)


def _report_paths(folder: Path, label: str) -> dict[str, Path]:
    """The files ``--output-dir`` writes for the period labelled ``label``, by format."""
    from csi_cli.render import FILE_SUFFIXES

    return {fmt: folder / f"{REPORT_STEM}-{label}{FILE_SUFFIXES[fmt]}" for fmt in REPORT_FORMATS}


def _check_destinations(
    shared: common.Shared, history_path: Path | None, output_dir: Path | None, label: str
) -> None:
    """Every destination checked before any work: the history and the outputs are none of the
    inputs (nor each other) and can be written. The output folder is created after the other
    checks (a run they refuse leaves no empty folder), then its files are checked."""
    from csi_cli import history

    inputs = {"the survey file": shared.file, "the spec": shared.spec}
    if history_path is not None:
        check_destinations([history_path], inputs)
        history.check(history_path)
    protected = {**inputs, "the history": history_path}
    output = [shared.output] if shared.output is not None else []
    check_destinations(output, protected)
    if output_dir is not None:
        if output_dir.exists() and not output_dir.is_dir():
            raise UsageError(
                f"--output-dir {safe_text(output_dir, PATH_LIMIT)} is a file, not a folder. "
                "Give a folder.",
                code="output-error",
            )
        _make_folder(output_dir)
        check_destinations([*_report_paths(output_dir, label).values(), *output], protected)


def _write_all(result: PeriodDocument, folder: Path, listing: TextIO | None) -> None:
    """Render every format first, then write the files as one step: all are staged before
    any replaces its old version (:func:`csi_cli.output.write_files_atomic`). List each
    written file on ``listing`` (stdout, or stderr when the document itself goes to stdout),
    one per line (nothing with ``--quiet``)."""
    from csi_cli.render import render

    assert result.period is not None
    paths = _report_paths(folder, result.period.file_label)
    rendered = {paths[fmt]: render(result, fmt) for fmt in REPORT_FORMATS}
    write_files_atomic(
        {path: c if isinstance(c, bytes) else c.encode("utf-8") for path, c in rendered.items()}
    )
    if listing is not None and not common.FLAGS["quiet"]:
        listing.write("".join(f"{path}\n" for path in rendered))


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--output-dir {safe_text(folder, PATH_LIMIT)}: cannot create the folder "
            f"({error.strerror}).",
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
