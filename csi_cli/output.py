"""Atomic writes: a report file is either the old one or the complete new one, never half.

The data goes to a temporary file in the destination's folder, is flushed to disk, and then
replaces the destination with :func:`os.replace` (atomic on POSIX and Windows within one file
system). If anything fails, the temporary file is removed and the old file is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from csi_cli.errors import PATH_LIMIT, UsageError, safe_text

DEFAULT_FILE_MODE = 0o666
"""Permissions of a new file before the umask, as ``open()`` would create it."""


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Destination file; its folder must exist.
    data : bytes
        The complete new content.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    UsageError
        If the folder does not exist or the file cannot be written; the message names the path
        and says what to do. The previous file, if any, is left intact.
    """
    target = Path(path)
    check_output_path(target)
    try:
        _replace_with(target, data)
    except OSError as error:
        raise UsageError(_write_failure(target, error), code="output-error") from error
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` atomically as UTF-8, newlines unchanged.

    Parameters
    ----------
    path : str or os.PathLike
        Destination file; its folder must exist.
    text : str
        The complete new content.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    UsageError
        As :func:`write_bytes_atomic`.
    """
    return write_bytes_atomic(path, text.encode("utf-8"))


def check_output_path(target: Path) -> None:
    """Fail early (before any work) when ``target`` cannot be written: its folder is missing or
    it is itself a folder.

    Raises
    ------
    UsageError
        Naming the path (control characters escaped) and what to do.
    """
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(
            f"Cannot write {_shown(target)}: the folder {_shown(folder)} does not exist. "
            "Create it first or choose another output path.",
            code="output-error",
        )
    if target.is_dir():
        raise UsageError(
            f"Cannot write {_shown(target)}: it is a folder. Give a file name instead.",
            code="output-error",
        )


def _replace_with(target: Path, data: bytes) -> None:
    mode = _file_mode(target)
    temporary = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on disk
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    temporary_path = Path(temporary.name)
    try:
        with temporary:
            temporary.write(data)
            temporary.flush()
            os.fsync(temporary.fileno())
        os.chmod(temporary_path, mode)
        os.replace(temporary_path, target)
    except BaseException:
        _remove_quietly(temporary_path)
        raise
    _sync_folder(target.parent)


def _file_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ``0o666 & ~umask``."""
    with contextlib.suppress(FileNotFoundError):
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return DEFAULT_FILE_MODE & ~umask


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk where the platform allows opening a folder."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _write_failure(target: Path, error: OSError) -> str:
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        advice = "Choose a folder you can write to, or fix its permissions."
    elif error.errno == errno.ENOSPC:
        advice = "Free some disk space or write somewhere else."
    else:
        advice = "Check the path and try again."
    reason = error.strerror or str(error)
    return (
        f"Cannot write {_shown(target)}: {safe_text(reason)}. The previous file, if any, is "
        f"unchanged. {advice}"
    )


def _shown(path: Path) -> str:
    """A path as shown in a message: control characters escaped (no terminal escapes)."""
    return safe_text(path, PATH_LIMIT)
