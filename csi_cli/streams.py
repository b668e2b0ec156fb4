"""Standard streams and signals as cron, pipes and odd consoles give them.

:func:`install` is called once by the console entry point, before any command runs:

- a closed stdout or stderr (``>&-``, ``2>&-``: Python sets ``sys.stdout`` to None) is replaced:
  stderr by a sink (messages are lost, the exit code still tells), stdout by a stream whose
  first write is a clear error (exit 2) telling to use ``--output``. File descriptors 0–2 are
  reopened on ``/dev/null`` so no file csi opens later takes their number;
- writing stdout fails cleanly: a full disk (``> /dev/full``) is one line and exit 2; a reader
  that stopped reading (``| head``, ``| true``) ends csi quietly with 141 (128 + SIGPIPE, what
  a process killed by SIGPIPE returns);
- a stdout or stderr whose encoding cannot carry a character (``PYTHONIOENCODING=gbk``, a
  Chinese Windows console) gets the nearest ASCII (``−`` → ``-``, ``×`` → ``x``) instead of a
  crash;
- SIGTERM, SIGHUP and SIGINT (``timeout``, a closing terminal, Ctrl-C) remove the temporary
  files being written and end with 128 + the signal number.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import signal
import sys
import unicodedata
from typing import Any

from csi_cli.errors import CsiError
from csi_cli.output import remove_temporary_files

#: Exit code of a write to a closed pipe: 128 + SIGPIPE, as if killed by the signal.
EXIT_BROKEN_PIPE = 128 + 13
#: Signals after which temporary files are removed and csi exits with 128 + the number.
CLEANUP_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")
DEGRADE = "csi-degrade"

_NEAREST_ASCII = {
    "−": "-",
    "–": "-",
    "—": "-",
    "×": "x",
    "…": "...",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "·": ".",
    "•": "*",
    "≥": ">=",
    "≤": "<=",
    "±": "+/-",
    "→": "->",
    "←": "<-",
    "↑": "^",
    "↓": "v",
    "▲": "^",
    "▼": "v",
    "█": "#",
    "▏": "|",
    "│": "|",
    "─": "-",
    "━": "-",
}


class OutputStreamError(CsiError):
    """Standard output cannot be written (closed, or the disk is full)."""

    code = "output-error"


class BrokenPipe(CsiError):
    """The reader of stdout stopped reading: end quietly with :data:`EXIT_BROKEN_PIPE`."""

    code = "broken-pipe"
    exit_code = EXIT_BROKEN_PIPE
    quiet = True


def nearest_ascii(text: str) -> str:
    """``text`` with each character the table or a compatibility decomposition maps to ASCII
    replaced (``−`` → ``-``, ``é`` → ``e``), any other non-ASCII character as ``?``."""
    return "".join(_ascii_char(ch) for ch in text)


def _ascii_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _NEAREST_ASCII:
        return _NEAREST_ASCII[ch]
    decomposed = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
    return decomposed or "?"


def _degrade(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return nearest_ascii(error.object[error.start : error.end]), error.end


codecs.register_error(DEGRADE, _degrade)


class GuardedStdout(io.TextIOBase):
    """stdout that turns a failed write into :class:`OutputStreamError` or
    :class:`BrokenPipe`; ``None`` as the stream means stdout is closed."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return self._guarded(lambda stream: stream.write(text))

    def flush(self) -> None:
        if self._stream is not None:
            self._guarded(lambda stream: stream.flush())

    def _guarded(self, action: Any) -> Any:
        if self._stream is None:
            raise OutputStreamError(
                "cannot write the results: standard output is closed. Write them to a file "
                "with --output (or --output-dir)."
            )
        try:
            return action(self._stream)
        except BrokenPipeError:
            self._silence()
            raise BrokenPipe("standard output was closed by its reader") from None
        except OSError as error:
            self._silence()
            raise OutputStreamError(
                f"cannot write the results to standard output: {error.strerror or error}. "
                + (
                    "Free some disk space or write elsewhere with --output."
                    if error.errno == errno.ENOSPC
                    else "Write them to a file with --output."
                )
            ) from None

    def _silence(self) -> None:
        """Point stdout at /dev/null so the interpreter's final flush fails no more."""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sink = os.open(os.devnull, os.O_WRONLY)
            os.dup2(sink, self._stream.fileno())
            os.close(sink)
        self._stream = _sink()


def _sink() -> io.TextIOWrapper:
    return open(os.devnull, "w", encoding="utf-8")


def _reserve_standard_descriptors() -> None:
    """Open /dev/null on any of descriptors 0–2 that is closed, so a report file opened later
    never becomes 'stdout'."""
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != descriptor:
                os.dup2(opened, descriptor)
                os.close(opened)


def _degrading(stream: Any) -> Any:
    """The stream re-configured to degrade characters its encoding lacks (UTF encodings carry
    every character and are left as they are)."""
    encoding = codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
    if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
        with contextlib.suppress(ValueError, io.UnsupportedOperation):
            stream.reconfigure(errors=DEGRADE)
    return stream


def install_signal_handlers() -> None:
    """On SIGTERM, SIGHUP and SIGINT: remove this process's temporary files, say so on stderr
    and exit with 128 + the signal number."""
    for name in CLEANUP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, _stop)


def _stop(number: int, _frame: object) -> None:
    remove_temporary_files()
    with contextlib.suppress(Exception):
        message = f"csi: stopped by {signal.Signals(number).name}; nothing was left half-written\n"
        os.write(2, message.encode("ascii"))
    os._exit(128 + number)


def install() -> None:
    """Prepare stdout, stderr and signals for a command-line run (see the module docstring)."""
    stdout_closed = sys.stdout is None
    if sys.stdout is None or sys.stderr is None:
        _reserve_standard_descriptors()
    sys.stderr = _degrading(sys.stderr) if sys.stderr is not None else _sink()
    sys.stdout = GuardedStdout(None if stdout_closed else _degrading(sys.stdout))
    install_signal_handlers()
