"""Peak memory and time of a whole ``csi analyze`` run, against a bare pyarrow read.

Writes (in a temporary folder) a 1,000,000-respondent × 30-column CSV (28 ECSI ratings, 1–10,
four items for each of the seven constructs, plus an id and a Chinese region), then runs, each in
a fresh subprocess whose peak resident set (``ru_maxrss`` from ``os.wait4``: the child's own
high-water mark, everything it allocated, numpy, pandas, pyarrow and rich alike) and wall time
are taken:

- ``csi analyze FILE --format json -o out.json`` (the real entry point, as cron runs it);
- ``pyarrow.csv.read_csv(FILE)`` and nothing else (the floor any reader pays);
- ``csi_cli.survey.load(FILE)``, which also prints the loaded frame's
  ``memory_usage(deep=True)`` (the data itself).

Printed: each peak in MiB and as a ratio to the frame and to the bare read; each time in seconds
and as a ratio to the bare read. The baseline runs in the same invocation, on the same file.

Run: ``python bench/analyze_memory.py [--rows N] [--bootstrap B]`` (default: 1,000,000 rows
and csi's default bootstrap).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

CONSTRUCTS = ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY")
ITEMS = [f"{c}{i}" for c in CONSTRUCTS for i in range(1, 5)]  # 28 ratings

BARE = "import sys, pyarrow.csv as c; t = c.read_csv(sys.argv[1]); print(t.num_rows)"
LOAD = (
    "import sys; from pathlib import Path; from csi_cli.survey import load; "
    "s = load(Path(sys.argv[1])); print(int(s.frame.memory_usage(deep=True).sum()))"
)


def make_csv(path: Path, n: int, seed: int = 0) -> None:
    """Correlated ratings (a common factor plus noise), so every block has a real structure."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1)).astype(np.float32)
    noise = rng.normal(scale=0.8, size=(n, len(ITEMS))).astype(np.float32)
    ratings = np.clip(np.rint(5.5 + 2 * (latent + noise)), 1, 10).astype(np.int8)
    frame = pd.DataFrame(ratings, columns=ITEMS)
    frame.insert(0, "resp_id", np.char.add("R", np.arange(n).astype(str)))
    frame.insert(1, "地区", np.array(["华东", "华北", "华南", "西部"])[rng.integers(0, 4, n)])
    frame.to_csv(path, index=False)


def measure(arguments: list[str]) -> tuple[float, int, str]:
    """(seconds, peak resident bytes, stdout) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{arguments[:4]} exited {child.returncode}")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return elapsed, usage.ru_maxrss * scale, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bootstrap", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        make_csv(path, args.rows)
        print(
            f"{args.rows:,} rows × {len(ITEMS) + 2} columns, {path.stat().st_size / 2**20:.0f} MiB"
        )
        python = sys.executable
        bare_time, bare_peak, _ = measure([python, "-c", BARE, str(path)])
        _, load_peak, frame_bytes = measure([python, "-c", LOAD, str(path)])
        frame = int(frame_bytes)
        command = [python, "-m", "csi_cli", "analyze", str(path), "--format", "json"]
        command += ["-o", str(Path(folder) / "out.json")]
        if args.bootstrap is not None:
            command += ["--bootstrap", str(args.bootstrap)]
        analyze_time, analyze_peak, _ = measure(command)
    mib = 2**20
    print(f"loaded frame:            {frame / mib:8.0f} MiB")
    for name, seconds, peak in (
        ("bare pyarrow read", bare_time, bare_peak),
        ("csi load", None, load_peak),
        ("csi analyze", analyze_time, analyze_peak),
    ):
        timing = "" if seconds is None else f"{seconds:6.1f} s ({seconds / bare_time:4.1f}× bare)"
        print(
            f"{name:<24} peak {peak / mib:6.0f} MiB = {peak / frame:4.1f}× frame, "
            f"{peak / bare_peak:4.1f}× bare   {timing}"
        )


if __name__ == "__main__":
    main()
