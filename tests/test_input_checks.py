"""Delimited files read the same with or without a trailing delimiter; ragged rows refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csi_cli.errors import InputError
from csi_cli.reading import read_table

CELLS = st.integers(min_value=0, max_value=10)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(min_value=2, max_value=6).flatmap(
        lambda width: st.lists(
            st.lists(CELLS, min_size=width, max_size=width), min_size=1, max_size=8
        )
    ),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["every line", "data lines", "none"]),
)
def test_a_trailing_delimiter_never_shifts_a_column(tmp_path: Path, rows, sep, where) -> None:
    header = [f"Q{i + 1}" for i in range(len(rows[0]))]

    def line(cells, is_header: bool) -> str:
        text = sep.join(map(str, cells))
        return (
            text + sep
            if where == "every line" or (where == "data lines" and not is_header)
            else text
        )

    path = tmp_path / ("t.tsv" if sep == "\t" else "t.csv")
    path.write_text("\n".join([line(header, True), *(line(r, False) for r in rows)]) + "\n")
    frame, _ = read_table(path)
    expected = pd.DataFrame(rows, columns=header, index=range(2, 2 + len(rows)))
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)


def test_ragged_rows_are_named(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n11,12\n")
    with pytest.raises(InputError, match=r"rows 3, 5: 2, 4 fields where the header has 3"):
        read_table(path)
