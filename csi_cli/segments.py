"""Respondent segments for ``--by``: one reading of the segment column for every analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csi_cli.errors import UsageError, safe_text
from csi_cli.survey import Survey


def segment_labels(survey: Survey, by: str) -> np.ndarray:
    """Each respondent's segment in column ``by`` as stripped text; None when the cell is blank
    or holds a declared missing code (``[survey] missing``), so "N/A" is never a segment.

    Raises
    ------
    UsageError
        The file has no column ``by``.
    """
    if by not in survey.frame.columns:
        raise UsageError(
            f"--by {safe_text(by)}: {survey.source.name} has no such column. Give one of its "
            "columns (e.g. a region or channel column)."
        )
    return survey.text(by).to_numpy(dtype=object, na_value=None)


def segment_order(labels: np.ndarray) -> list[str]:
    """The distinct segments present, in one order for every table: sorted as text."""
    return sorted(pd.unique(pd.Series(labels).dropna()), key=str)
