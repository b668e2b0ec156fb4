"""Output formats and the file suffixes that name them; no renderer is imported, so a command
checks ``--format`` against ``--output`` before any work."""

from __future__ import annotations

from pathlib import Path

from csi_cli.errors import UsageError, safe_text

FORMATS: tuple[str, ...] = ("table", "json", "md", "html", "xlsx")
"""Every value ``--format`` accepts."""

FILE_SUFFIXES: dict[str, str] = {
    "table": ".txt",
    "json": ".json",
    "md": ".md",
    "html": ".html",
    "xlsx": ".xlsx",
}
"""The file suffix of each format, for ``--output-dir``."""

SUFFIX_FORMATS: dict[str, str] = {
    **{suffix: fmt for fmt, suffix in FILE_SUFFIXES.items()},
    ".htm": "html",
    ".markdown": "md",
}
"""The format each accepted ``--output`` suffix names."""


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format to write: ``--format``, else the one the ``--output`` suffix names, else
    ``table``; a file is always what its name says.

    Parameters
    ----------
    fmt : str, optional
        ``--format`` as given.
    output : Path, optional
        ``--output`` as given.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    UsageError
        The suffix is not one csi writes (e.g. ``.pdf``), or it names another format than
        ``--format``, or xlsx is asked for without a file.
    """
    if output is None:
        if fmt == "xlsx":
            raise UsageError("--format xlsx writes a workbook: give a file with --output.")
        return fmt or "table"
    suffix = output.suffix.lower()
    if not suffix:
        return fmt or "table"
    named = SUFFIX_FORMATS.get(suffix)
    if named is None:
        raise UsageError(
            f"--output {safe_text(output.name)}: csi does not write {safe_text(suffix)} files. "
            f"Use one of: {', '.join(SUFFIX_FORMATS)} (e.g. -o report.html, then print it to "
            "PDF from a browser)."
        )
    if fmt is not None and fmt != named:
        raise UsageError(
            f"--format {fmt} does not match --output {safe_text(output.name)}, whose name says "
            f"{named}: use -o {safe_text(output.stem)}{FILE_SUFFIXES[fmt]}, or drop --format."
        )
    return named
