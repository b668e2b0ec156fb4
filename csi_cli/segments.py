"""Respondent segments for ``--by``: one reading of the segment column for every analysis.

A segment column with thousands of values (an id, a free-text answer) would run every analysis
thousands of times: :func:`check_segments` refuses more than ``--max-segments`` (default
:data:`MAX_SEGMENTS`) before any work. Segments of fewer than :data:`MIN_SEGMENT_SIZE`
respondents estimate nothing: :func:`segment_labels` leaves them out (their respondents still
count in the whole-sample results), and :func:`check_segments` says so in one warning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csi_cli.errors import UsageError, safe_text
from csi_cli.survey import Survey

#: Default of ``--max-segments``: most distinct values a ``--by`` column may have.
MAX_SEGMENTS = 50
#: Segments with fewer respondents are left out of the per-segment results.
MIN_SEGMENT_SIZE = 5


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
    labels = survey.text(by).to_numpy(dtype=object, na_value=None)
    tiny = (_sizes(labels) < MIN_SEGMENT_SIZE) & pd.notna(labels)
    if tiny.any():
        labels = labels.copy()
        labels[tiny] = None
    return labels


def _sizes(labels: np.ndarray) -> np.ndarray:
    """Each respondent's segment size (0 where the label is blank)."""
    series = pd.Series(labels)
    return series.map(series.value_counts()).fillna(0).to_numpy(dtype=int)


def check_segments(survey: Survey, by: str, max_segments: int = MAX_SEGMENTS) -> str | None:
    """Refuse a ``--by`` column with more than ``max_segments`` values; return one warning
    naming the segments left out for having fewer than :data:`MIN_SEGMENT_SIZE`
    respondents (None when there are none).

    Raises
    ------
    UsageError
        The column has no such name, or too many values; the message says how to go on.
    """
    if by not in survey.frame.columns:
        segment_labels(survey, by)  # raises the usual message
    counts = pd.Series(survey.text(by).to_numpy(dtype=object, na_value=None)).value_counts()
    if len(counts) > max_segments:
        raise UsageError(
            f"--by {safe_text(by)}: {survey.source.where(by)} has {len(counts):,} different "
            f"values, more than the {max_segments} segments allowed (each runs every analysis "
            "again). Choose a column of groups such as a region, or pass --max-segments "
            f"{len(counts)} to allow them."
        )
    small = counts[counts < MIN_SEGMENT_SIZE]
    if small.empty:
        return None
    if len(small) == len(counts):
        raise UsageError(
            f"--by {safe_text(by)}: every segment of {survey.source.where(by)} has fewer than "
            f"{MIN_SEGMENT_SIZE} respondents, too few to estimate anything. Choose a column of "
            "larger groups, such as a region."
        )
    names = ", ".join(safe_text(name, 30) for name in small.index[:5])
    more = f" and {len(small) - 5} more" if len(small) > 5 else ""
    return (
        f"--by {safe_text(by)}: {len(small)} segment{'s' if len(small) > 1 else ''} with fewer "
        f"than {MIN_SEGMENT_SIZE} respondents ({names}{more}; {int(small.sum())} respondents "
        "in all) are left out of the per-segment results; the overall results include them."
    )


def segment_order(labels: np.ndarray) -> list[str]:
    """The distinct segments present, in one order for every table: sorted as text."""
    return sorted(pd.unique(pd.Series(labels).dropna()), key=str)
