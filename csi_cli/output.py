"""Atomic writes: a report file is either the old one or the complete new one, never half.

The data goes to a temporary file in the destination's folder, is flushed to disk, and then
replaces the destination with :func:`os.replace` (atomic on POSIX and Windows within one file
system). If anything fails, the temporary file is removed and the old file is left as it was.

What a shell ``>`` would do is kept where it is safe: a device or FIFO (``/dev/null``, a pipe)
is written directly, never replaced by a regular file; a symlink stays a symlink and its target
is replaced atomically; a read-only file is refused. :func:`check_destinations` refuses, before
any work, an output that is one of the command's inputs (the survey, the spec, the history) by
path, symlink or hard link. Temporary files carry the writer's process id
(``.<name>.csi<pid>.<random>.tmp``): a signal handler removes this process's
(:func:`remove_temporary_files`), and the next write to the same file removes those whose
process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
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
    write_files_atomic({target: data})
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
    """Fail early (before any work) when ``target`` cannot be written as a shell ``>`` could:
    its folder is missing or is a file, it is a folder, a read-only file, a disk device or a
    socket, or its folder cannot be written.

    Raises
    ------
    UsageError
        Naming the path (control characters escaped) and what to do.
    """
    if _is_special(target):
        return
    real = Path(os.path.realpath(target))
    folder = real.parent
    if not folder.is_dir():
        if folder.exists():
            reason = f"{_shown(folder)} is a file, not a folder. Choose another output path."
        else:
            reason = (
                f"the folder {_shown(folder)} does not exist. Create it first or choose another "
                "output path."
            )
        raise _refused(target, reason)
    if real.is_dir():
        raise _refused(target, "it is a folder. Give a file name instead.")
    if real.exists() and not real.is_file():
        raise _refused(target, "it is a disk device or socket, not a file. Choose a file.")
    if real.exists() and _read_only(real):
        raise _refused(
            target, "the file is read-only. Make it writable (chmod u+w) or choose another path."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refused(
            target,
            f"Permission denied in {_shown(folder)}. Choose a folder you can write to, "
            "or fix its permissions.",
        )


def check_destinations(
    outputs: Iterable[str | os.PathLike[str]],
    protected: Mapping[str, str | os.PathLike[str] | None],
) -> None:
    """Refuse, before any work, outputs that would destroy an input or each other.

    Each output must be writable (:func:`check_output_path`), must not be any of ``protected``
    (a role such as ``"the survey file"`` mapped to its path; None is skipped) and must differ
    from every other output. Two paths are the same file when they resolve to the same path
    (symlinks followed) or, when both exist, have the same device and inode (a hard link).
    Devices and FIFOs (``/dev/null``) are never the same as a file.

    Raises
    ------
    UsageError
        Naming the output, the file it would overwrite and what to do.
    """
    seen: dict[tuple[object, ...], str] = {
        key: role
        for role, path in protected.items()
        if path is not None
        for key in _identities(Path(path))
    }
    for output in map(Path, outputs):
        check_output_path(output)
        if _is_special(output):
            continue
        for key in _identities(output):
            if key in seen:
                raise _refused(
                    output,
                    f"it is {seen[key]}, which csi never overwrites. Choose another output path.",
                )
        seen.update(dict.fromkeys(_identities(output), f"another output ({_shown(output)})"))


def _read_only(path: Path) -> bool:
    """Not writable by this user, or marked read-only for everyone (refused even for root,
    whom permissions do not stop: a file nobody may write is one meant to be kept)."""
    return not os.access(path, os.W_OK) or path.stat().st_mode & 0o222 == 0


def _identities(path: Path) -> list[tuple[object, ...]]:
    """What makes two paths the same file: the resolved path, and device and inode if it
    exists."""
    keys: list[tuple[object, ...]] = [("path", os.path.realpath(path))]
    with contextlib.suppress(OSError):
        info = path.stat()
        keys.append(("inode", info.st_dev, info.st_ino))
    return keys


def _refused(target: Path, reason: str) -> UsageError:
    return UsageError(f"Cannot write {_shown(target)}: {reason}", code="output-error")


def _is_special(target: Path) -> bool:
    """A character device or FIFO (``/dev/null``, ``/dev/stdout`` on a pipe): written
    directly, as a shell ``>`` writes it."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _write_directly(target: Path, data: bytes) -> None:
    with target.open("wb") as stream:
        stream.write(data)


#: Temporary files this process is writing now; removed by :func:`remove_temporary_files`.
_LIVE_TEMPORARIES: set[str] = set()
_TEMPORARY_MARK = ".csi"


def remove_temporary_files() -> None:
    """Remove the temporary files this process is writing (called from signal handlers)."""
    for name in list(_LIVE_TEMPORARIES):
        with contextlib.suppress(OSError):
            os.unlink(name)
        _LIVE_TEMPORARIES.discard(name)


def _remove_stale_temporaries(target: Path) -> None:
    """Remove ``.<name>.csi<pid>.*.tmp`` files next to ``target`` left by a csi process that no
    longer runs (killed by SIGKILL or a power cut)."""
    prefix = f".{target.name}{_TEMPORARY_MARK}"
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            pid = entry.name[len(prefix) :].split(".", 1)[0]
            if pid.isdigit() and not _running(int(pid)) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists. On Windows ``os.kill(pid, 0)`` would terminate it, so
    every process counts as running there (stale files are then left alone)."""
    if pid == os.getpid() or os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process with that id: leave its file alone
    return True


def _stage(target: Path, data: bytes) -> Path:
    """The complete new content in a temporary file beside ``target``, on disk, with the
    permissions ``target`` has (or a new file would get)."""
    mode = _file_mode(target)
    temporary = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on disk
        dir=target.parent,
        prefix=f".{target.name}{_TEMPORARY_MARK}{os.getpid()}.",
        suffix=".tmp",
        delete=False,
    )
    _LIVE_TEMPORARIES.add(temporary.name)
    try:
        with temporary:
            temporary.write(data)
            temporary.flush()
            os.fsync(temporary.fileno())
        os.chmod(temporary.name, mode)
    except BaseException:
        _discard(Path(temporary.name))
        raise
    return Path(temporary.name)


def _commit(temporary: Path, target: Path) -> None:
    try:
        os.replace(temporary, target)
    except BaseException:
        _discard(temporary)
        raise
    _LIVE_TEMPORARIES.discard(str(temporary))
    _sync_folder(target.parent)


def _discard(temporary: Path) -> None:
    _remove_quietly(temporary)
    _LIVE_TEMPORARIES.discard(str(temporary))


def write_files_atomic(files: Mapping[Path, bytes]) -> None:
    """Write several files as one step, as far as a file system allows: every new content is
    first staged (written and flushed beside its destination); only when all are staged is
    each renamed over its destination. A failure while staging (a full disk, a signal) leaves
    every destination as it was; only the renames, each atomic, follow one another.

    Raises
    ------
    UsageError
        As :func:`write_bytes_atomic`, naming the file that failed.
    """
    for target in files:
        check_output_path(target)
    special = {t: d for t, d in files.items() if _is_special(t)}
    staged: dict[Path, Path] = {}
    current = next(iter(files), Path())
    try:
        for current, data in files.items():
            if current not in special:
                real = Path(os.path.realpath(current))
                _remove_stale_temporaries(real)
                staged[real] = _stage(real, data)
        for real, temporary in staged.items():
            current = real
            _commit(temporary, real)
        for current, data in special.items():
            _write_directly(current, data)
    except OSError as error:
        raise UsageError(_write_failure(current, error), code="output-error") from error
    finally:
        for temporary in staged.values():
            if str(temporary) in _LIVE_TEMPORARIES:
                _discard(temporary)


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
