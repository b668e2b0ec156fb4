"""Reporting periods from a date column: months (``2026-10``), quarters (``2026Q4``), ranges."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from csi_cli.errors import InputError

_MONTH = re.compile(r"^\d{4}-\d{1,2}$")


def to_months(values: pd.Series) -> pd.Series:
    """Each respondent's month as a ``pandas.Period`` (``NaT`` when blank).

    Accepts real dates (xlsx), ISO text (``2026-10-03``, ``2026-10``), ``2026/10/3`` and
    Excel serial day numbers (days since 1899-12-30) stored as numbers.

    Raises
    ------
    InputError
        When a non-blank value is not a date; the message names the first such value.
    """
    if pd.api.types.is_numeric_dtype(values.dtype):
        dates = pd.to_datetime(values, unit="D", origin="1899-12-30", errors="coerce")
    elif pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values
    else:
        text = values.astype("string").str.strip()
        text = text.mask(text.str.fullmatch(_MONTH.pattern).fillna(False), text + "-01")
        dates = pd.to_datetime(text, errors="coerce", format="mixed")
        unparsed = dates.isna() & text.notna() & (text != "")
        if unparsed.any():
            first = text[unparsed].iloc[0]
            raise InputError(f"'{first}' is not a date; write dates as 2026-10-03 or 2026-10")
    return pd.Series(pd.PeriodIndex(dates, freq="M"), index=values.index)


def distinct_months(values: pd.Series) -> list[str]:
    """The months present, oldest first, as ``YYYY-MM`` labels."""
    months = to_months(values).dropna()
    return [str(p) for p in np.sort(months.unique())]
