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


# --- destinations: never an input, never a special file replaced --------------------------------


def test_an_output_that_is_an_input_is_refused_by_path_symlink_and_hard_link(
    tmp_path: Path,
) -> None:
    survey = tmp_path / "s.csv"
    survey.write_bytes(b"data")
    link = tmp_path / "link.csv"
    link.symlink_to(survey)
    hard = tmp_path / "hard.csv"
    os.link(survey, hard)
    relative = tmp_path / "sub" / ".." / "s.csv"
    (tmp_path / "sub").mkdir()
    for output_path in (survey, link, hard, relative):
        with pytest.raises(UsageError, match="the survey file, which csi never overwrites"):
            output.check_destinations([output_path], {"the survey file": survey})
    assert survey.read_bytes() == b"data"


def test_a_history_that_does_not_exist_yet_is_still_protected(tmp_path: Path) -> None:
    history = tmp_path / "h.db"
    with pytest.raises(UsageError, match="the history"):
        output.check_destinations([tmp_path / "." / "h.db"], {"the history": history})


def test_two_outputs_on_one_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="another output"):
        output.check_destinations([tmp_path / "a.json", tmp_path / "a.json"], {})


def test_dev_null_is_written_not_replaced(tmp_path: Path) -> None:
    output.check_destinations([Path(os.devnull)], {"the survey file": Path(os.devnull)})
    write_bytes_atomic(os.devnull, b"thrown away")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_fifo_is_written_directly(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_bytes_atomic(fifo, b"through the pipe")
    reader.join(10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_symlink_is_kept_and_its_target_replaced(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "report.json"
    target.write_bytes(b"old")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    write_bytes_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path / "real")) == ["report.json"]


def test_a_read_only_file_is_refused_as_a_shell_would(existing: Path) -> None:
    existing.chmod(0o444)
    with pytest.raises(UsageError, match="read-only"):
        write_bytes_atomic(existing, b"new")
    assert existing.read_bytes() == OLD


def test_a_folder_that_is_a_file_is_called_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_bytes(b"x")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        output.check_output_path(afile / "x.json")


def test_a_full_device_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match="No space left on device"):
        write_bytes_atomic("/dev/full", b"x")


def test_several_files_are_all_old_or_all_new_when_staging_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third of four files cannot be staged (a full disk): none of the four changes."""
    files = {tmp_path / f"r.{s}": f"old {s}".encode() for s in ("xlsx", "html", "md", "json")}
    for path, data in files.items():
        path.write_bytes(data)
    calls = []
    real_fsync = os.fsync

    def full(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(descriptor)

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(UsageError, match="No space left"):
        output.write_files_atomic({path: b"new" for path in files})
    assert {path: path.read_bytes() for path in files} == files
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in files)


def test_several_files_are_written(tmp_path: Path) -> None:
    files = {tmp_path / "a.md": b"a", tmp_path / "b.json": b"{}"}
    output.write_files_atomic(files)
    assert {path: path.read_bytes() for path in files} == files
