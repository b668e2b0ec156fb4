"""Hostile outputs: destinations that would destroy an input, special files, odd paths.

Every refused case must leave every file as it was (the test compares bytes and mtimes); every
accepted one may change only the files its ``writes`` names.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from tests.helpers import write_csv, write_xlsx
from tests.hostile.corpus import ANALYZE, Case, _good, _table

NEVER = ("never overwrites",)


def output_onto_input(folder: Path) -> Case:
    """``csi analyze s.csv -o s.csv``: the survey would be replaced by the report."""
    path = _good(folder, "s.csv")
    return Case(
        path, 2, commands=((ANALYZE,),), output=path, words=("s.csv", "the survey file", *NEVER)
    )


def output_onto_input_xlsx(folder: Path) -> Case:
    path = write_xlsx(folder / "s.xlsx", {"S": _table(30)})
    return Case(path, 2, commands=((ANALYZE,),), output=path, words=("s.xlsx", *NEVER))


def output_onto_spec(folder: Path) -> Case:
    """``--spec my.toml -o my.toml``: the spec would be replaced."""
    spec = folder / "my.toml"
    spec.write_text("[survey]\nscale = [1, 10]\n", encoding="utf-8")
    return Case(
        _good(folder),
        2,
        commands=((ANALYZE,),),
        args=("--spec", str(spec)),
        output=spec,
        words=("my.toml", "the spec", *NEVER),
    )


def output_symlink_to_input(folder: Path) -> Case:
    """``-o latest.json`` where latest.json is a symlink to the survey."""
    path = _good(folder, "s.csv")
    link = folder / "latest.json"
    link.symlink_to(path)
    return Case(path, 2, commands=((ANALYZE,),), output=link, words=("latest.json", *NEVER))


def output_hard_link_to_input(folder: Path) -> Case:
    """``-o copy.json`` where copy.json is a hard link to the survey (same inode)."""
    path = _good(folder, "s.csv")
    hard = folder / "copy.json"
    os.link(path, hard)
    return Case(path, 2, commands=((ANALYZE,),), output=hard, words=("copy.json", *NEVER))


def output_dotted_path_to_input(folder: Path) -> Case:
    """``-o sub/../s.csv``: another spelling of the survey's path."""
    path = _good(folder, "s.csv")
    (folder / "sub").mkdir()
    return Case(
        path, 2, commands=((ANALYZE,),), output=folder / "sub" / ".." / "s.csv", words=NEVER
    )


def output_to_dev_null(folder: Path) -> Case:
    """``-o /dev/null`` is written to (as a shell ``>`` would), never replaced by a file."""

    def still_a_device(_: Path) -> None:
        assert stat.S_ISCHR(os.stat(os.devnull).st_mode)

    return Case(
        _good(folder),
        0,
        commands=((ANALYZE, "--format", "json"),),
        output=Path(os.devnull),
        after=still_a_device,
    )


def output_through_symlink(folder: Path) -> Case:
    """``-o latest.json``, a symlink to reports/2026-10.json: the link stays, the target is
    replaced (atomically)."""
    (folder / "reports").mkdir()
    target = folder / "reports" / "2026-10.json"
    target.write_text("{}", encoding="utf-8")
    link = folder / "latest.json"
    link.symlink_to(Path("reports") / "2026-10.json")

    def link_kept(where: Path) -> None:
        assert (where / "latest.json").is_symlink()
        assert (where / "reports" / "2026-10.json").read_text(encoding="utf-8").startswith("{\n")
        assert os.listdir(where / "reports") == ["2026-10.json"]

    return Case(
        _good(folder),
        0,
        commands=((ANALYZE,),),
        output=link,
        writes=("reports/2026-10.json", "latest.json"),
        after=link_kept,
    )


def output_read_only_file(folder: Path) -> Case:
    """A read-only report is refused, as a shell ``>`` refuses it."""
    target = folder / "report.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(0o444)
    return Case(
        _good(folder), 2, commands=((ANALYZE,),), output=target, words=("report.json", "read-only")
    )


def output_folder_is_a_file(folder: Path) -> Case:
    """``-o afile/x.json`` where afile is a file: say so (not "does not exist")."""
    (folder / "afile").write_text("x", encoding="utf-8")
    return Case(
        _good(folder),
        2,
        commands=((ANALYZE,),),
        output=folder / "afile" / "x.json",
        words=("afile", "is a file, not a folder"),
    )


def output_is_a_folder(folder: Path) -> Case:
    (folder / "out.json").mkdir()
    return Case(
        _good(folder),
        2,
        commands=((ANALYZE,),),
        output=folder / "out.json",
        words=("out.json", "it is a folder"),
    )


def input_fifo(folder: Path) -> Case:
    """The survey is a FIFO: refused at once, never opened (opening would hang)."""
    fifo = folder / "s.csv"
    os.mkfifo(fifo)
    return Case(fifo, 2, words=("s.csv", "FIFO", "regular files"))


def input_symlink_to_urandom(folder: Path) -> Case:
    """A symlink to /dev/urandom is a device, not "empty (0 bytes)"."""
    link = folder / "s.csv"
    link.symlink_to("/dev/urandom")
    return Case(link, 2, words=("s.csv", "/dev/urandom", "device"))


def spec_is_dev_zero(folder: Path) -> Case:
    """``--spec /dev/zero`` used to read until memory ran out."""
    return Case(
        _good(folder), 2, args=("--spec", "/dev/zero"), words=("/dev/zero", "device", "spec")
    )


def spec_is_fifo(folder: Path) -> Case:
    fifo = folder / "csi.toml"
    os.mkfifo(fifo)
    return Case(_good(folder), 2, args=("--spec", str(fifo)), words=("csi.toml", "FIFO"))


def spec_too_large(folder: Path) -> Case:
    spec = folder / "csi.toml"
    spec.write_text("# padding\n" * 120_000, encoding="utf-8")
    return Case(_good(folder), 2, args=("--spec", str(spec)), words=("csi.toml", "1024 KiB"))


def spec_nested_deeply(folder: Path) -> Case:
    """100,000 nested arrays: Python's TOML parser recurses (RecursionError)."""
    spec = folder / "csi.toml"
    spec.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    return Case(_good(folder), 2, args=("--spec", str(spec)), words=("csi.toml", "too deeply"))


def output_control_characters_in_path(folder: Path) -> Case:
    """An output path with a terminal escape, in a folder that does not exist: the message
    shows the escape, never sends it."""
    return Case(
        _good(folder),
        2,
        commands=((ANALYZE,),),
        output=folder / "no\x1b]0;pwned\x07where" / "r.json",
        words=("\\x1b]0;pwned\\x07", "does not exist"),
    )


REPORT = ("report", "--period", "2026-10", "--bootstrap", "0")


def _dated(folder: Path) -> Path:
    header, rows = _table(40)
    dates = [f"2026-{9 + i % 2}-15" for i in range(len(rows))]
    table = [[d, *r] for d, r in zip(dates, rows, strict=True)]
    return write_csv(folder / "s.csv", ["date", *header], table)


def report_output_onto_history(folder: Path) -> Case:
    """``csi report … --history h.db -o h.db``: the history would be replaced by the report."""
    history = folder / "h.db"
    return Case(
        _dated(folder),
        2,
        commands=(REPORT,),
        args=("--history", str(history)),
        output=history,
        words=("h.db", "the history", *NEVER),
    )


def report_history_is_the_survey(folder: Path) -> Case:
    path = _dated(folder)
    return Case(
        path,
        2,
        commands=(REPORT,),
        args=("--history", str(path)),
        words=("s.csv", "the survey file", *NEVER),
    )


def report_history_of_another_program(folder: Path) -> Case:
    """``--history other_app.db`` used to add a table to an unrelated SQLite file."""
    import sqlite3
    from contextlib import closing

    other = folder / "other_app.db"
    with closing(sqlite3.connect(other)) as db, db:
        db.execute("CREATE TABLE users (name TEXT)")
    return Case(
        _dated(folder),
        2,
        commands=(REPORT,),
        args=("--history", str(other)),
        words=("other_app.db", "another program's SQLite database", "users"),
    )


def report_history_read_only(folder: Path) -> Case:
    """A read-only history used to be "cannot be used as a csi history"."""
    from csi_cli import history

    path = folder / "h.db"
    history.record(path, history.Entry("2026-09", "2026-09-01", "2026-09-30", 40, 70.0,
                                       68.0, 72.0, 10.0, 0, "s.csv"))  # fmt: skip
    path.chmod(0o444)
    return Case(
        _dated(folder),
        2,
        commands=(REPORT,),
        args=("--history", str(path)),
        words=("h.db", "read-only"),
    )


def report_output_name_taken_by_folder(folder: Path) -> Case:
    """One of the four report files is a folder: refused before any work, so the period is
    not committed to the history (which is not even created) and no file is half new."""
    out = folder / "out"
    (out / "csi-report-2026-10.html").mkdir(parents=True)
    history = folder / "h.db"
    return Case(
        _dated(folder),
        2,
        commands=(REPORT,),
        args=("--history", str(history), "--output-dir", str(out)),
        words=("csi-report-2026-10.html", "it is a folder"),
        after=lambda where: _absent(where / "h.db"),
    )


def report_output_dir_is_a_file(folder: Path) -> Case:
    (folder / "out").write_text("x", encoding="utf-8")
    return Case(
        _dated(folder),
        2,
        commands=(REPORT,),
        args=("--output-dir", str(folder / "out")),
        words=("--output-dir", "is a file, not a folder"),
    )


def _absent(path: Path) -> None:
    assert not path.exists(), f"{path} was created"


CASES: dict[str, Callable[[Path], Case]] = {
    f.__name__: f
    for f in (
        output_onto_input,
        output_onto_input_xlsx,
        output_onto_spec,
        output_symlink_to_input,
        output_hard_link_to_input,
        output_dotted_path_to_input,
        output_to_dev_null,
        output_through_symlink,
        output_read_only_file,
        output_folder_is_a_file,
        output_is_a_folder,
        input_fifo,
        input_symlink_to_urandom,
        spec_is_dev_zero,
        spec_is_fifo,
        spec_too_large,
        spec_nested_deeply,
        output_control_characters_in_path,
        report_output_onto_history,
        report_history_is_the_survey,
        report_history_of_another_program,
        report_history_read_only,
        report_output_name_taken_by_folder,
        report_output_dir_is_a_file,
    )
}
