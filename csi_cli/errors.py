"""Typed errors. The CLI maps every :class:`CsiError` to one message and an exit code.

A message says what went wrong *and what to do*; where it concerns the input it names the
file, sheet, column and row(s).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_ALERT = 3


class CsiError(Exception):
    """Base class: a problem the user can fix. ``code`` is stable; ``exit_code`` is 2."""

    code = "csi-error"
    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InputError(CsiError):
    """The survey file cannot be read or does not hold usable data."""

    code = "input-error"


class SpecError(CsiError):
    """The spec file (TOML) is malformed or names something that does not exist."""

    code = "spec-error"


class UsageError(CsiError):
    """Command-line options that cannot work together or do not fit the data."""

    code = "usage-error"


class ModelError(CsiError):
    """A statistical model cannot be estimated on this data (e.g. PLS did not converge)."""

    code = "model-error"


class ValidationFailed(CsiError):
    """Validation found problems; ``problems`` holds every one of them."""

    code = "validation-failed"

    def __init__(self, message: str, problems: list) -> None:
        super().__init__(message)
        self.problems = problems


#: Longest file path shown in a message (longer ones are cut, keeping their start).
PATH_LIMIT = 200


def visible(text: object) -> str:
    """Text with every character that is not printable (ESC and the other C0/C1 controls,
    line breaks, bidi overrides, zero-width characters) shown as its escape (``\\x1b``), so
    text from a file or an argument can never drive a terminal or hide in a report."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)
    )


def safe_text(text: object, limit: int = 80) -> str:
    """Text fit for a one-line message: control characters escaped, long text shortened."""
    shown = visible(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
