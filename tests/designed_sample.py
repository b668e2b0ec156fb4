"""A large draw of the sample generator, for tests that recover its designed truth.

``sample_data/make_sample.py`` states the truth; 500 respondents are too few for some of it (about
ten complainers), so the tests draw 40,000 respondents from the same generator.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

from csi_cli.methods.binary import parse_binary

REPO = Path(__file__).resolve().parents[1]
LARGE_N = 40_000


@cache
def generator() -> ModuleType:
    """``sample_data/make_sample.py`` as a module."""
    spec = importlib.util.spec_from_file_location(
        "make_sample", REPO / "sample_data/make_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def large_frame(n: int = LARGE_N) -> pd.DataFrame:
    """The sample survey with n respondents (same seed and generator as the workbook)."""
    return generator().make_frame(n=n)


def arrays(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns the complaint and journey analyses read, as the conventions define them."""
    generator_module = generator()
    loyalty = np.nanmean(frame[["LOY1", "LOY2", "LOY3"]].to_numpy(float), axis=1)
    return {
        "problem": parse_binary(frame["遇到问题"])[0],
        "complained": parse_binary(frame["投诉"])[0],
        "resolved": parse_binary(frame["问题解决"])[0],
        "handling": frame["处理满意度"].to_numpy(float),
        "satisfaction": frame["overall"].to_numpy(float),
        "loyalty": loyalty,
        "nps": frame["NPS"].to_numpy(float),
        "touchpoints": frame[[f"tp_{s}" for s in generator_module.STAGES]].to_numpy(float),
        "journey": frame[["journey"]].to_numpy(float),
    }
