"""What every command shares: option declarations, error handling, and the load → validate →
run → render → write pipeline. Commands stay one short function each."""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from csi_cli.analyses import get, supported
from csi_cli.errors import CsiError, UsageError, ValidationFailed, safe_text
from csi_cli.options import DEFAULT_BOOTSTRAP, DEFAULT_SEED, Crosshair, RunOptions
from csi_cli.reading import DEFAULT_MAX_CELLS
from csi_cli.results import Document, Result
from csi_cli.spec import Spec, load_spec, with_overrides
from csi_cli.survey import Survey, load
from csi_cli.validate import Problem, blocking, validate


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"
    md = "md"
    html = "html"
    xlsx = "xlsx"


SUFFIX_FORMATS = {
    ".json": "json",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".txt": "table",
}


FileArg = Annotated[
    Path,
    typer.Argument(
        metavar="FILE", help="Survey file: .xlsx, .csv, .tsv or .parquet.", show_default=False
    ),
]
SpecOpt = Annotated[Path | None, typer.Option("--spec", help="Survey spec (TOML); see `csi init`.")]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Sheet name (xlsx).")]
HeaderRowOpt = Annotated[
    int | None,
    typer.Option("--header-row", min=1, help="1-based row of the column names (default: found)."),
]
ByOpt = Annotated[str | None, typer.Option("--by", help="Segment column: results per segment.")]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="table | json | md | html | xlsx (default: table, or from the --output suffix).",
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout."),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (bootstrap, permutations).")]
BootstrapOpt = Annotated[
    int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples for SEs and CIs (0 skips).")
]
CrosshairOpt = Annotated[
    Crosshair,
    typer.Option(
        "--crosshair",
        help="Importance–performance crosshair: mean (data means) | mid (scale midpoint).",
    ),
]
MaxCellsOpt = Annotated[
    int,
    typer.Option("--max-cells", min=1, help="Largest workbook sheet read (rows × columns)."),
]


@dataclass(frozen=True)
class Shared:
    """The options every analysis command takes, declared once (:func:`command`)."""

    file: Path
    spec: Path | None = None
    sheet: str | None = None
    header_row: int | None = None
    by: str | None = None
    fmt: Format | None = None
    output: Path | None = None
    seed: int = DEFAULT_SEED
    bootstrap: int = DEFAULT_BOOTSTRAP
    max_cells: int = DEFAULT_MAX_CELLS

    def run_options(self, **analyses: Any) -> RunOptions:
        """Seed, resamples and segments of this run, with analyses' own options by name."""
        return RunOptions(
            seed=self.seed,
            bootstrap=self.bootstrap,
            by=self.by,
            analyses=MappingProxyType(analyses),
        )


_SHARED_ANNOTATIONS: dict[str, Any] = {
    "spec": SpecOpt,
    "sheet": SheetOpt,
    "header_row": HeaderRowOpt,
    "by": ByOpt,
    "fmt": FormatOpt,
    "output": OutputOpt,
    "seed": SeedOpt,
    "bootstrap": BootstrapOpt,
    "max_cells": MaxCellsOpt,
}


def command(
    *, bootstrap: int | None = DEFAULT_BOOTSTRAP, omit: Sequence[str] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a command whose first parameter receives the shared options as :class:`Shared`.

    The command's own parameters follow ``FILE``; the shared ones (``--spec``, ``--sheet``,
    ``--header-row``, ``--by``, ``--format``, ``--output``, ``--seed``, ``--bootstrap``,
    ``--max-cells``) are added here, once for every command. ``bootstrap`` is the default
    number of resamples (None: the command takes no ``--bootstrap``, nor ``--seed``); ``omit``
    leaves out other shared options. Errors are handled as :func:`handle_errors` says.
    """
    left_out = set(omit) | ({"seed", "bootstrap"} if bootstrap is None else set())
    defaults = {f.name: f.default for f in fields(Shared)} | {"bootstrap": bootstrap}

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        own = list(inspect.signature(function, eval_str=True).parameters.values())[1:]
        shared = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=hint,
                              default=defaults[name])
            for name, hint in _SHARED_ANNOTATIONS.items()
            if name not in left_out
        ]  # fmt: skip
        file = inspect.Parameter(
            "file", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=FileArg
        )
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own]

        @functools.wraps(function)
        def wrapper(**kwargs: Any) -> Any:
            given = {k: kwargs.pop(k) for k in [*_SHARED_ANNOTATIONS, "file"] if k in kwargs}
            values = {k: v for k, v in defaults.items() if k != "file"} | given
            return function(Shared(**values), **kwargs)

        parameters = [file, *own, *shared]
        wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        del wrapper.__wrapped__
        return handle_errors(wrapper)

    return decorate


F = TypeVar("F", bound=Callable[..., Any])


#: Global flags of this invocation, set by the app callback (``csi --debug --quiet``).
FLAGS = {"debug": False, "quiet": False}


def set_flags(*, debug: bool, quiet: bool) -> None:
    """Record the global flags of this invocation."""
    FLAGS.update(debug=debug, quiet=quiet)


def stderr() -> Console:
    """The console for messages: stderr, colour only on a terminal."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def handle_errors(command: F) -> F:
    """Turn a :class:`CsiError` into one message on stderr and its exit code; any other
    exception into a short 'internal error' line (exit 1). Tracebacks only with ``--debug``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except CsiError as error:
            if FLAGS["debug"]:
                raise
            report_error(error)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            stderr().print("csi: interrupted", markup=False)
            raise typer.Exit(130) from None
        except Exception as error:
            if FLAGS["debug"]:
                raise
            stderr().print(
                f"csi: internal error ({type(error).__name__}: {safe_text(error, 200)}). "
                "This is a bug in csi: rerun with --debug and report the traceback.",
                markup=False,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def report_error(error: CsiError) -> None:
    """Print an error (and, for failed validation, every problem) on stderr."""
    console = stderr()
    console.print(f"csi: error: {error.message}", markup=False)
    for problem in getattr(error, "problems", []):
        console.print(f"  [{problem.code}] {problem.message}", markup=False)


def resolve_spec(spec_path: Path | None, overrides: Mapping[str, Mapping[str, Any]]) -> Spec:
    """The spec file (or the defaults) with command-line overrides applied."""
    spec = load_spec(spec_path) if spec_path is not None else Spec()
    return with_overrides(spec, **overrides)


def load_checked(
    file: Path,
    *,
    spec: Spec,
    sheet: str | None,
    header_row: int | None,
    analyses: Sequence[str] | None,
    max_cells: int = DEFAULT_MAX_CELLS,
    by: str | None = None,
) -> tuple[Survey, list[Problem]]:
    """Load and validate; raise :class:`ValidationFailed` on errors that block ``analyses``.

    Returns the survey and the remaining (non-blocking) problems, to show as warnings.
    """
    survey = load(file, spec=spec, sheet=sheet, header_row=header_row, max_cells=max_cells)
    problems = validate(survey)
    errors = blocking(problems, analyses)
    if errors:
        raise ValidationFailed(
            f"{survey.source.name}: {len(errors)} problem{'s' if len(errors) > 1 else ''} must "
            "be fixed first (run `csi validate` for the full list):",
            errors,
        )
    if by is not None and by not in survey.frame.columns:
        raise UsageError(
            f"--by {safe_text(by)}: {survey.source.where()} has no such column. Columns are: "
            + ", ".join(safe_text(c, 30) for c in list(survey.frame.columns)[:30])
        )
    return survey, [p for p in problems if p not in errors]


def output_format(fmt: Format | None, output: Path | None) -> str:
    """The format asked for, else the one the output suffix names, else ``table``.

    Checked before the file is read, so a usage mistake costs no loading time.
    """
    if fmt is not None:
        if fmt.value == "xlsx" and output is None:
            raise UsageError("--format xlsx writes a workbook: give a file with --output.")
        return fmt.value
    if output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), "table")
    return "table"


def run_analyses(
    survey: Survey, names: Sequence[str] | None, options: RunOptions, also: Sequence[str] = ()
) -> list[Result]:
    """Run the named analyses (None: every one the survey supports), then those of ``also``
    that the survey supports."""
    if names is None:
        return [a.run(survey, options) for a in supported(survey)]
    results = []
    for name in names:
        chosen = get(name)
        if not chosen.supports(survey):
            raise UsageError(f"{survey.source.where()}: {chosen.not_supported}")
        results.append(chosen.run(survey, options))
    extra = [get(name) for name in also]
    return results + [a.run(survey, options) for a in extra if a.supports(survey)]


def build_document(
    survey: Survey,
    results: Sequence[Result],
    problems: Sequence[Problem],
    options: RunOptions,
    title: str,
    primary: str | None = None,
) -> Document:
    """Assemble results, warnings and settings into a :class:`Document`."""
    notes = [p.message for p in problems]
    for result in results:
        notes += list(result.warnings)
    settings = {
        "file": survey.source.name,
        "sheet": survey.source.sheet or "",
        "respondents": survey.n,
        "spec": str(survey.spec.path.name) if survey.spec.path else "(conventions)",
        "seed": options.seed,
        "bootstrap": options.bootstrap,
        "segments_by": options.by or "",
    }
    summary: dict[str, Any] = {}
    for result in results:
        summary.update(result.headline())
    return Document(
        title=title,
        source=survey.source.name,
        n=survey.n,
        results=tuple(results),
        settings=settings,
        notes=tuple(notes),
        summary=summary,
        primary=primary,
    )


def emit(document: Document, fmt: str, output: Path | None) -> None:
    """Render ``document`` and write it to ``output`` atomically, or to stdout.

    The ``table`` format goes through rich on a terminal, and as plain 80-column text (no
    escape codes) to a pipe or a file.
    """
    from csi_cli.output import write_bytes_atomic, write_text_atomic
    from csi_cli.render import render

    if output is None:
        if fmt == "xlsx":
            raise UsageError("--format xlsx writes a workbook: give a file with --output.")
        if fmt == "table" and stdout_is_terminal():
            from csi_cli.render.terminal import render_terminal

            render_terminal(document, Console(highlight=False))
            return
        rendered = render(document, fmt)
        sys.stdout.write(rendered.decode("utf-8") if isinstance(rendered, bytes) else rendered)
        return
    rendered = render(document, fmt)
    if isinstance(rendered, bytes):
        write_bytes_atomic(output, rendered)
    else:
        write_text_atomic(output, rendered)


def stdout_is_terminal() -> bool:
    """True when results go to an interactive terminal that handles escape codes."""
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def stdout_console() -> Console:
    """A console for results on stdout: plain text (no colour or escapes) unless a terminal."""
    if stdout_is_terminal():
        return Console(highlight=False)
    return Console(highlight=False, no_color=True, color_system=None, width=100)


def warn(problems: Sequence[Problem]) -> None:
    """Show non-blocking problems on stderr (unless --quiet)."""
    if FLAGS["quiet"] or not problems:
        return
    console = stderr()
    for problem in problems:
        # Problems that reach here do not stop this command: they are warnings for it.
        console.print(f"csi: warning: [{problem.code}] {problem.message}", markup=False)


def execute(
    shared: Shared,
    *,
    analyses: Sequence[str] | None,
    options: RunOptions,
    title: str = "Customer satisfaction report",
    spec_overrides: Mapping[str, Mapping[str, Any]] | None = None,
    also: Sequence[str] = (),
) -> Document:
    """The pipeline of every analysis command: load, validate, run, render, write.

    ``analyses=None`` runs every analysis the file supports (``csi analyze``); ``also`` names
    analyses added when the file supports them (their JSON nests under the first analysis').
    """
    chosen_format = output_format(shared.fmt, shared.output)
    if shared.output is not None:
        from csi_cli.output import check_output_path

        check_output_path(shared.output)
    survey, problems = load_checked(
        shared.file,
        spec=resolve_spec(shared.spec, spec_overrides or {}),
        sheet=shared.sheet,
        header_row=shared.header_row,
        analyses=analyses,
        max_cells=shared.max_cells,
        by=options.by,
    )
    warn(problems)
    results = run_analyses(survey, analyses, options, also)
    primary = analyses[0] if analyses else None
    document = build_document(survey, results, problems, options, title, primary)
    emit(document, chosen_format, shared.output)
    return document
