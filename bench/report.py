"""Benchmark: ``csi report`` on 1,000,000 respondents, with the time of every stage.

Run: python bench/report.py [--n 1000000] [--resamples 1000] [--keep DIR]

Generates a parquet survey of ``--n`` respondents over two months (half each): an ECSI model
(7 constructs × 3 items, 1–10), six Kano pairs (answer codes 1–5), the 22 SERVQUAL items
(expectation and perception, 1–7), NPS and a region. Then runs what ``csi report FILE --period
2026-10 --output-dir DIR`` runs — load, validate, both periods' analyses (CSI with
``--resamples`` bootstrap resamples, Kano, gaps, NPS), the comparison (index difference by
bootstrap, Welch tests, chi-square), and the four renderings and atomic writes — timing each
stage. Target: ≤ 30 s in total for 1,000,000 respondents and 1,000 resamples.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from csi_cli import comparison
from csi_cli.analyses import registered
from csi_cli.commands.report import REPORT_FORMATS, REPORT_STEM
from csi_cli.layout import ECSI_PATHS
from csi_cli.options import RunOptions
from csi_cli.output import write_bytes_atomic, write_text_atomic
from csi_cli.periods import parse_period
from csi_cli.render import FILE_SUFFIXES, render
from csi_cli.survey import load
from csi_cli.validate import validate

ECSI = ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY")
KANO = ("delivery", "tracking", "gift", "packaging", "chat", "notice")
TARGET_SECONDS = 30.0


def make_survey(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` respondents, half in 2026-09 and half in 2026-10 (quality a little lower)."""
    rng = np.random.default_rng(seed)
    october = np.arange(n) >= n // 2
    latent: dict[str, np.ndarray] = {}
    for name in ECSI:
        preds = ECSI_PATHS.get(name, ())
        signal = sum(0.4 * latent[p] for p in preds) if preds else 0
        latent[name] = signal + rng.normal(size=n) - (0.1 * october if name == "QUAL" else 0)
        latent[name] /= latent[name].std()
    columns: dict[str, Any] = {
        "date": np.where(october, np.datetime64("2026-10-01"), np.datetime64("2026-09-01"))
        + rng.integers(0, 28, n).astype("timedelta64[D]"),
        "region": rng.choice(np.array(["east", "north", "south", "west"]), n),
    }
    for name in ECSI:
        for k in (1, 2, 3):
            noise = rng.normal(size=n)
            columns[f"{name}{k}"] = np.clip(
                np.rint(6 + 1.5 * (0.8 * latent[name] + 0.6 * noise)), 1, 10
            ).astype(np.int8)
    for attribute in KANO:
        columns[f"{attribute}_func"] = rng.integers(1, 6, n).astype(np.int8)
        columns[f"{attribute}_dysf"] = rng.integers(1, 6, n).astype(np.int8)
    for q in range(1, 23):
        expectation = rng.integers(3, 8, n)
        columns[f"Q{q}_E"] = expectation.astype(np.int8)
        columns[f"Q{q}_P"] = np.clip(expectation + rng.integers(-2, 2, n), 1, 7).astype(np.int8)
    columns["NPS"] = np.clip(np.rint(7 + 2 * latent["LOY"]), 0, 10).astype(np.int8)
    return pd.DataFrame(columns)


class Stopwatch:
    """Seconds per stage; nested calls of a timed function count once."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return function(*args, **kwargs)

        return timed


def instrument(watch: Stopwatch) -> None:
    """Time each registered analysis' run and comparison where the period report calls them."""
    for analysis in registered():
        analysis.run = watch.wrap(f"analysis: {analysis.name} (2 periods)", analysis.run)
        analysis.compare = watch.wrap(f"compare: {analysis.name}", analysis.compare)
    comparison.select_periods = watch.wrap("select periods", comparison.select_periods)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="write the survey and reports here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="csi-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "survey.parquet"
    started = time.perf_counter()
    make_survey(args.n).to_parquet(path)
    print(f"generated {args.n:,} respondents in {time.perf_counter() - started:.1f} s: {path}")

    watch = Stopwatch()
    instrument(watch)
    total = time.perf_counter()
    with watch.stage("load"):
        survey = load(path)
    with watch.stage("validate"):
        problems = validate(survey)
    with watch.stage("build report (all analyses and comparisons)"):
        result = comparison.build_period_document(
            survey,
            parse_period("2026-10"),
            options=RunOptions(seed=1, bootstrap=args.resamples),
            problems=[p.message for p in problems],
        )
    for fmt in REPORT_FORMATS:
        with watch.stage(f"render + write {fmt}"):
            content = render(result, fmt)
            target = folder / f"{REPORT_STEM}-2026-10{FILE_SUFFIXES[fmt]}"
            if isinstance(content, bytes):
                write_bytes_atomic(target, content)
            else:
                write_text_atomic(target, content)
    elapsed = time.perf_counter() - total

    print(f"\ncsi report, {args.n:,} respondents, {args.resamples} resamples")
    for name, seconds in watch.seconds.items():
        print(f"  {name:<48} {seconds:7.2f} s")
    verdict = "ok" if elapsed <= TARGET_SECONDS else "TOO SLOW"
    print(f"  {'total':<48} {elapsed:7.2f} s  (target ≤ {TARGET_SECONDS:.0f} s: {verdict})")
    print(f"alerts: {list(result.alerts)}")


if __name__ == "__main__":
    main()
