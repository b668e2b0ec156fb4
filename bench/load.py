"""Loading + validation against bare readers, in the same process.

Writes (in a temporary folder) a 1,000,000-respondent × 40-column CSV (ECSI items 1–10 plus text
columns) and a 100,000 × 40 xlsx (XlsxWriter, constant_memory), then times, best of 3:

- ``csi_cli.survey.load`` + ``csi_cli.validate.validate`` against ``pandas.read_csv(path,
  engine="pyarrow")`` (target ≤ 1.5×);
- the same on the xlsx against a bare calamine read (target ≤ 1.3×);

and the peak memory of load + validate (tracemalloc) relative to the loaded frame's
``memory_usage(deep=True)`` (target ≤ 3×). The whole process's peak resident set is reported
too (``VmHWM``; ``ru_maxrss`` where there is no /proc): it also counts pyarrow's and calamine's
own buffers, which tracemalloc does not see. It is measured in a fresh subprocess, for csi and
for the bare reader alike.

Run: ``python bench/load.py [--rows N] [--xlsx-rows N] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from csi_cli.survey import load
from csi_cli.validate import validate

CONSTRUCTS = ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY")
#: 7 constructs × 5 items = 35 rating columns, plus 5 text columns = 40.
ITEMS = [f"{c}{i}" for c in CONSTRUCTS for i in range(1, 6)]
TEXT = ["resp_id", "地区", "渠道", "month", "备注"]


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """Correlated 1–10 ratings (every item varies) and Chinese text columns."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1)).astype(np.float32)
    noise = rng.normal(scale=0.8, size=(n, len(ITEMS))).astype(np.float32)
    ratings = np.clip(np.rint(5.5 + 2 * (latent + noise)), 1, 10).astype(np.int8)
    frame = pd.DataFrame(ratings, columns=ITEMS)
    frame.insert(0, "resp_id", [f"R{i:07d}" for i in range(n)])
    frame.insert(1, "地区", np.array(["华东", "华北", "华南", "西部"])[rng.integers(0, 4, n)])
    frame.insert(2, "渠道", np.array(["线上", "门店"])[rng.integers(0, 2, n)])
    frame.insert(3, "month", np.array(["2026-09", "2026-10"])[rng.integers(0, 2, n)])
    frame["备注"] = np.array(["", "很好", "一般", "送货慢"])[rng.integers(0, 4, n)]
    return frame


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Row by row with constant_memory, as a survey platform's export would be."""
    import xlsxwriter

    columns = list(frame.columns)
    text = [not pd.api.types.is_numeric_dtype(frame[c].dtype) for c in columns]
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet("Responses")
        sheet.write_row(0, 0, columns)
        for r, row in enumerate(frame.itertuples(index=False, name=None), start=1):
            for c, value in enumerate(row):
                if text[c]:
                    if value:
                        sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)


def best_of(n: int, function) -> float:
    times = []
    for _ in range(n):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def ours(path: Path):
    survey = load(path)
    problems = validate(survey)
    assert not [p for p in problems if p.severity == "error"], problems[:3]
    return survey


def peak_memory(path: Path) -> tuple[float, float]:
    """(peak traced bytes of load + validate, the frame's deep memory)."""
    gc.collect()
    tracemalloc.start()
    survey = ours(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, float(survey.frame.memory_usage(deep=True).sum())


RSS_SCRIPT = """
import resource, sys
from pathlib import Path
import pandas as pd
from python_calamine import CalamineWorkbook
from csi_cli.survey import load
from csi_cli.validate import validate


def peak():
    # VmHWM: this process image's peak RSS. ru_maxrss (KiB on Linux) also holds the peak of
    # the parent inherited at fork, so it is only the fallback where /proc is missing.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


path, what = Path(sys.argv[1]), sys.argv[2]
before = peak()
if what == "ours":
    validate(load(path))
elif path.suffix == ".csv":
    pd.read_csv(path, engine="pyarrow")
else:
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
print(before, peak(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def rss_peak(path: Path, what: str) -> tuple[float, float]:
    """A fresh process reads ``path`` with csi (``what="ours"``) or with the bare reader:
    (growth of its peak resident set over its peak after the imports, its ``ru_maxrss``), in
    bytes. On Linux ``ru_maxrss`` starts from the parent's peak (inherited at fork), so it
    only means something when it exceeds this benchmark's own footprint."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", RSS_SCRIPT, str(path), what],
        capture_output=True,
        text=True,
        check=True,
    )
    before, after, maxrss = map(int, done.stdout.split())
    return float(after - before), float(maxrss)


def measure(path: Path, repeats: int, bare_read) -> dict:
    """Best-of times of a bare read and of csi load + validate, and their memory."""
    peak, frame_bytes = peak_memory(path)
    return {
        "bare": best_of(repeats, bare_read),
        "ours": best_of(repeats, lambda: ours(path)),
        "peak": peak,
        "frame": frame_bytes,
        "rss": rss_peak(path, "ours"),
        "rss_bare": rss_peak(path, "bare"),
    }


def bench_csv(path: Path, repeats: int) -> dict:
    return measure(path, repeats, lambda: pd.read_csv(path, engine="pyarrow"))


def bench_xlsx(path: Path, repeats: int) -> dict:
    from python_calamine import CalamineWorkbook

    def bare_read():
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    return measure(path, repeats, bare_read)


def report(name: str, result: dict, time_target: float) -> None:
    ratio = result["ours"] / result["bare"]
    memory = result["peak"] / result["frame"]
    print(
        f"{name}: bare {result['bare']:.2f} s, csi load+validate {result['ours']:.2f} s, "
        f"ratio {ratio:.2f}× (target ≤ {time_target}×) {'ok' if ratio <= time_target else 'MISS'}"
    )
    print(
        f"{name}: frame {result['frame'] / 2**20:.0f} MiB, peak {result['peak'] / 2**20:.0f} MiB, "
        f"ratio {memory:.2f}× (target ≤ 3×) {'ok' if memory <= 3 else 'MISS'}"
    )
    (rss, maxrss), (rss_bare, maxrss_bare) = result["rss"], result["rss_bare"]
    print(
        f"{name}: process peak RSS growth {rss / 2**20:.0f} MiB = {rss / result['frame']:.2f}× "
        f"the frame (ru_maxrss {maxrss / 2**20:.0f} MiB); bare reader {rss_bare / 2**20:.0f} "
        f"MiB (ru_maxrss {maxrss_bare / 2**20:.0f} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV respondents")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="xlsx respondents")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one load+validate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        csv_path, xlsx_path = folder / "survey.csv", folder / "survey.xlsx"
        start = time.perf_counter()
        make_frame(args.rows).to_csv(csv_path, index=False)
        write_xlsx(make_frame(args.xlsx_rows, seed=1), xlsx_path)
        print(
            f"wrote {args.rows:,} × 40 CSV ({csv_path.stat().st_size / 2**20:.0f} MiB) and "
            f"{args.xlsx_rows:,} × 40 xlsx ({xlsx_path.stat().st_size / 2**20:.0f} MiB) "
            f"in {time.perf_counter() - start:.0f} s"
        )
        report("csv ", bench_csv(csv_path, args.repeats), 1.5)
        report("xlsx", bench_xlsx(xlsx_path, args.repeats), 1.3)
        if args.profile:
            for path in (csv_path, xlsx_path):
                profiler = cProfile.Profile()
                profiler.runcall(ours, path)
                print(f"\nprofile of load+validate, {path.name}:")
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


if __name__ == "__main__":
    main()
