"""Atomic writes: the destination is the old file or the whole new one, never a torn one."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from csi_cli import output
from csi_cli.errors import UsageError
from csi_cli.output import write_bytes_atomic, write_text_atomic

OLD = b"previous report\n"


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_bytes(OLD)
    return path


def test_writes_bytes_and_returns_the_path(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    assert write_bytes_atomic(target, b"\x00\x01data") == target
    assert target.read_bytes() == b"\x00\x01data"


def test_writes_text_as_utf8_without_changing_newlines(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    write_text_atomic(str(target), "满意度\nline two\n")
    assert target.read_bytes() == "满意度\nline two\n".encode()


def test_replaces_an_existing_file_and_leaves_no_temporary_file(existing: Path) -> None:
    write_bytes_atomic(existing, b"new report")
    assert existing.read_bytes() == b"new report"
    assert os.listdir(existing.parent) == [existing.name]


def test_a_failed_rename_leaves_the_previous_report_intact(
    existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(output.os, "replace", fail)
    with pytest.raises(UsageError, match="unchanged") as caught:
        write_bytes_atomic(existing, b"half a new report")
    assert str(existing) in caught.value.message
    assert existing.read_bytes() == OLD
    assert os.listdir(existing.parent) == [existing.name]


def test_an_interrupt_during_the_write_leaves_the_previous_report_intact(
    existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(_: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(existing, "new report")
    assert existing.read_bytes() == OLD
    assert os.listdir(existing.parent) == [existing.name]


def test_a_missing_folder_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "report.json"
    with pytest.raises(UsageError, match=r"does not exist\. Create it") as caught:
        write_text_atomic(target, "{}")
    assert str(target.parent) in caught.value.message
    assert caught.value.code == "output-error"


def test_a_folder_as_target_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="it is a folder"):
        write_text_atomic(tmp_path, "{}")


def test_a_folder_without_permission_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output.tempfile, "NamedTemporaryFile", refuse)
    target = tmp_path / "report.html"
    with pytest.raises(UsageError, match=r"Permission denied.*Choose a folder you can write to"):
        write_text_atomic(target, "x")
    assert not target.exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_new_file_gets_the_usual_permissions_and_a_replaced_one_keeps_its_own(
    tmp_path: Path, existing: Path
) -> None:
    umask = os.umask(0o022)
    try:
        fresh = write_text_atomic(tmp_path / "fresh.md", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    existing.chmod(0o640)
    write_text_atomic(existing, "new")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640


def test_paths_in_messages_cannot_drive_the_terminal(tmp_path: Path) -> None:
    """A path with an escape sequence is shown escaped, never raw (no terminal control)."""
    target = tmp_path / "no\x1b[2Jdir" / "x.json"
    with pytest.raises(UsageError) as caught:
        write_text_atomic(target, "x")
    assert "\x1b" not in caught.value.message
    assert "\\x1b[2Jdir" in caught.value.message
