"""Benchmark: 5,000 bootstrap resamples of a PLS path model, against the seminr PyPI port.

Run: python bench/bootstrap.py [--seminr-resamples 100]

Times, in one process: our batched bootstrap (5,000 resamples) of the ECSI model on a generated
600 × 21 data set and of the seminr ``mobi`` model (Quality in Mode B); seminr's
``bootstrap_model`` on the same data and models (fewer resamples: it is slow), comparing time
per resample; and one fit on 1,000,000 generated respondents. Targets: ≤ 1 s for 5,000
resamples, ≥ 25× faster per resample than seminr, ≤ 2 s for the 1,000,000-respondent fit.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from timing import best_of  # bench/timing.py (the script's folder is on sys.path)

from csi_cli.layout import ECSI_PATHS
from csi_cli.methods import pls, pls_bootstrap

RESAMPLES = 5000
DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "csi" / "mobi.csv"
ECSI = ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY")
MOBI_BLOCKS = {
    "Image": [f"IMAG{i}" for i in range(1, 6)],
    "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
    "Quality": [f"PERQ{i}" for i in range(1, 8)],
    "Complaints": ["CUSCO"],
    "Loyalty": ["CUSL1", "CUSL2", "CUSL3"],
}
MOBI_PATHS = [
    ("Image", "Expectation"),
    ("Expectation", "Loyalty"),
    ("Quality", "Loyalty"),
    ("Complaints", "Loyalty"),
]


def ecsi_data(n: int, seed: int = 0) -> tuple[pd.DataFrame, dict, list]:
    """ECSI data: 7 constructs × 3 items on a 1–10 scale, latent paths of 0.4."""
    rng = np.random.default_rng(seed)
    latent: dict[str, np.ndarray] = {}
    for name in ECSI:
        preds = ECSI_PATHS.get(name, ())
        signal = sum(0.4 * latent[p] for p in preds) if preds else 0
        latent[name] = signal + rng.normal(size=n)
        latent[name] /= latent[name].std()
    columns = {
        f"{name}{k}": np.clip(
            np.round(6 + 1.5 * (0.8 * latent[name] + 0.6 * rng.normal(size=n))), 1, 10
        )
        for name in ECSI
        for k in (1, 2, 3)
    }
    blocks = {name: [f"{name}{k}" for k in (1, 2, 3)] for name in ECSI}
    paths = [(p, t) for t, preds in ECSI_PATHS.items() for p in preds]
    return pd.DataFrame(columns), blocks, paths


def ours(frame: pd.DataFrame, model: pls.PathModel) -> float:
    data = frame[list(model.items)].to_numpy(float)

    def action() -> None:
        fitted = pls.fit(pls.moments(data), model)
        pls_bootstrap.bootstrap(data, model, fitted, resamples=RESAMPLES, seed=1)

    return best_of(action)


def seminr_time(frame: pd.DataFrame, blocks: dict, paths: list, modes: dict, nboot: int) -> float:
    import seminr

    specs = [
        seminr.composite(
            name, items, weights=seminr.mode_B if modes.get(name) == "B" else seminr.mode_A
        )
        for name, items in blocks.items()
    ]
    model = seminr.estimate_pls(
        frame[[c for items in blocks.values() for c in items]],
        seminr.constructs(*specs),
        seminr.relationships(*(seminr.paths(a, b) for a, b in paths)),
    )
    start = time.perf_counter()
    seminr.bootstrap_model(model, nboot=nboot, seed=1, cores=1)
    return time.perf_counter() - start


def compare(
    label: str, frame: pd.DataFrame, blocks: dict, paths: list, modes: dict, nboot: int
) -> None:
    model = pls.PathModel.build(blocks, paths, modes)
    mine = ours(frame, model)
    theirs = seminr_time(frame, blocks, paths, modes, nboot)
    ratio = (theirs / nboot) / (mine / RESAMPLES)
    each = mine / RESAMPLES * 1e6
    print(
        f"{label:<28} ours: {RESAMPLES} resamples in {mine:.3f} s ({each:.0f} µs each)"
        f" | seminr: {nboot} in {theirs:.2f} s ({theirs / nboot * 1e3:.1f} ms each)"
        f" | {ratio:.0f}× faster per resample"
    )


def million() -> None:
    frame, blocks, paths = ecsi_data(1_000_000, seed=2)
    data = frame.to_numpy(float)
    model = pls.PathModel.build(blocks, paths)

    def action() -> None:
        pls.fit(pls.moments(data), model)

    print(f"{'single fit, 1,000,000 × 21':<28} ours: {best_of(action):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seminr-resamples", type=int, default=100)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    frame, blocks, paths = ecsi_data(600)
    compare("ECSI, 600 × 21 (generated)", frame, blocks, paths, {}, args.seminr_resamples)
    mobi = pd.read_csv(DATA)
    compare(
        "mobi, 250 × 19 (Quality B)",
        mobi,
        MOBI_BLOCKS,
        MOBI_PATHS,
        {"Quality": "B"},
        args.seminr_resamples,
    )
    million()


if __name__ == "__main__":
    main()
