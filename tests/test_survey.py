"""Loading real files (docs/spec.md, "Reading files"): xlsx through calamine, csv/tsv with
encoding detection and delimiter sniffing, parquet; title rows; Chinese text; the input is
never modified."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csi_cli.errors import InputError, UsageError
from csi_cli.spec import parse_spec
from csi_cli.survey import load, parse_numbers
from tests.helpers import survey_table, write_csv, write_xlsx

HEADER, ROWS = survey_table(12)


def _assert_same_table(survey, header, rows, first_row=2):
    """The frame holds exactly what was written: headers, text, numbers, file rows."""
    assert list(survey.frame.columns) == list(header)
    assert survey.n == len(rows)
    assert survey.frame.index.tolist() == list(range(first_row, first_row + len(rows)))
    for j, name in enumerate(header):
        column = survey.frame[name].tolist()
        expected = [row[j] for row in rows]
        if isinstance(expected[0], str):
            assert column == expected, name
        else:
            assert np.allclose(np.asarray(column, dtype=float), expected), name


# --- delimited text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),  # GB18030 is a superset of GBK: the same bytes decode the same
        ("utf-16", "utf-16"),  # Python writes a BOM for "utf-16"
    ],
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encodings_and_delimiters(tmp_path, encoding, detected, delimiter):
    path = write_csv(tmp_path / "s.csv", HEADER, ROWS, encoding=encoding, delimiter=delimiter)
    survey = load(path)
    assert survey.source.encoding == detected
    assert survey.source.delimiter == delimiter
    _assert_same_table(survey, HEADER, ROWS)
    assert survey.frame["地区"].iloc[0] == "华东"
    assert survey.layout.csi_model == "ecsi"


def test_gbk_bytes_are_not_mojibake(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("编号,满意度,SAT1\n1,非常满意,5\n2,不适用,4\n".encode("gbk"))
    survey = load(path)
    assert list(survey.frame.columns) == ["编号", "满意度", "SAT1"]
    assert survey.frame["满意度"].tolist() == ["非常满意", "不适用"]


def test_tsv_suffix_means_tab(tmp_path):
    path = write_csv(tmp_path / "s.tsv", HEADER, ROWS, delimiter="\t")
    survey = load(path)
    assert survey.source.delimiter == "\t"
    _assert_same_table(survey, HEADER, ROWS)


def test_csv_title_row_is_skipped_and_rows_shift(tmp_path):
    path = write_csv(tmp_path / "t.csv", HEADER, ROWS, title=["客户满意度调查 2026年10月"])
    survey = load(path)
    assert survey.source.header_row == 2
    _assert_same_table(survey, HEADER, ROWS, first_row=3)
    assert survey.file_row(0) == 3


def test_blank_lines_keep_file_row_numbers(tmp_path):
    # Excel shows: 1 header, 2 A, 3 blank, 4 B, 5 empty cells, 6 C.
    path = tmp_path / "blank.csv"
    path.write_text("id,SAT1,SAT2\nA,1,2\n\nB,3,4\n,,\nC,5,6\n", encoding="utf-8")
    survey = load(path)
    assert survey.frame["id"].tolist() == ["A", "B", "C"]
    assert survey.frame.index.tolist() == [2, 4, 6]


def test_header_cell_with_line_break(tmp_path):
    # Alt+Enter in an Excel header is common in exported questionnaires.
    path = tmp_path / "ml.csv"
    text = '标题\r\n\r\nid,"Q1\r\n满意度",SAT1\r\nA,1,2\r\n\r\nB,3,4\r\n'
    path.write_text(text, encoding="utf-8")
    survey = load(path)
    assert list(survey.frame.columns) == ["id", "Q1\r\n满意度", "SAT1"]
    assert survey.source.header_row == 3
    assert survey.frame.index.tolist() == [4, 6]
    assert survey.frame["SAT1"].tolist() == [2, 4]


def test_explicit_header_row_beyond_scan(tmp_path):
    path = tmp_path / "deep.csv"
    path.write_text("".join(f"note {i}\n" for i in range(40)) + "id,SAT1\nA,1\n", encoding="utf-8")
    survey = load(path, header_row=41)
    assert list(survey.frame.columns) == ["id", "SAT1"]
    assert survey.frame.index.tolist() == [42]


def test_duplicate_headers_are_renamed_and_recorded(tmp_path):
    path = write_csv(tmp_path / "d.csv", ["SAT1", "SAT1", "x"], [[1, 2, 3]])
    survey = load(path)
    assert list(survey.frame.columns) == ["SAT1", "SAT1 (2)", "x"]
    assert survey.source.duplicate_columns == (("SAT1", ("SAT1", "SAT1 (2)")),)


# --- workbooks ---------------------------------------------------------------------------------


def test_xlsx_first_sheet_by_default(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"回答": (HEADER, ROWS), "Other": (["a"], [[1]])})
    survey = load(path)
    assert survey.source.sheet == "回答"
    _assert_same_table(survey, HEADER, ROWS)


def test_xlsx_sheet_by_name(tmp_path):
    other_header = ["SAT1", "SAT2", "备注"]
    other_rows = [[1, 2, "好"], [3, 4, "差"]]
    path = write_xlsx(
        tmp_path / "s.xlsx", {"First": (HEADER, ROWS), "第二": (other_header, other_rows)}
    )
    survey = load(path, sheet="第二")
    assert survey.source.sheet == "第二"
    _assert_same_table(survey, other_header, other_rows)


def test_xlsx_sheet_from_spec(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"A": (["x", "y"], [[1, 2]]), "B": (HEADER, ROWS)})
    survey = load(path, spec=parse_spec({"survey": {"sheet": "B"}}))
    _assert_same_table(survey, HEADER, ROWS)


def test_xlsx_unknown_sheet_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"Responses": (HEADER, ROWS), "说明": (["a"], [[1]])})
    with pytest.raises(InputError) as caught:
        load(path, sheet="Nope")
    message = str(caught.value)
    assert "s.xlsx" in message and "Nope" in message
    assert "Responses" in message and "说明" in message and "--sheet" in message


def test_xlsx_title_row_detected(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"R": (HEADER, ROWS)}, title="2026年10月 满意度调查")
    survey = load(path)
    assert survey.source.header_row == 2
    _assert_same_table(survey, HEADER, ROWS, first_row=3)


def test_numeric_header_needs_header_row(tmp_path):
    # Every row is numbers: no header can be found, and the message says what to pass.
    rows = [[i, i + 1, i + 2] for i in range(5)]
    path = write_xlsx(tmp_path / "n.xlsx", {"S": ([], rows)})
    with pytest.raises(InputError, match=r"--header-row N"):
        load(path)
    # write_xlsx leaves row 1 blank (the empty header); the numbers start on row 2.
    survey = load(path, header_row=2)
    assert list(survey.frame.columns) == ["0", "1", "2"]  # as Excel shows them, not "0.0"
    assert survey.frame.index.tolist() == [3, 4, 5, 6]


def test_header_row_past_the_end(tmp_path):
    path = write_csv(tmp_path / "s.csv", ["a", "b"], [[1, 2]])
    with pytest.raises(InputError, match="past the end"):
        load(path, header_row=9)


def test_sheet_option_on_csv_is_a_usage_error(tmp_path):
    path = write_csv(tmp_path / "s.csv", HEADER, ROWS)
    with pytest.raises(UsageError, match="--sheet"):
        load(path, sheet="x")


# --- parquet -----------------------------------------------------------------------------------


def test_parquet(tmp_path):
    frame = pd.DataFrame(ROWS, columns=HEADER)
    path = tmp_path / "s.parquet"
    frame.to_parquet(path)
    survey = load(path)
    _assert_same_table(survey, HEADER, ROWS)


# --- files that cannot be read -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("zero.csv", b"", "empty"),
        ("zero.xlsx", b"", "empty"),
        ("random.xlsx", bytes(range(256)) * 8, "not a valid xlsx"),
        ("binary.csv", b"\x00\x01\x02PK\x03\x04" * 100, "not a text file"),
        ("data.sav", b"a,b\n1,2\n", "unknown file type"),
        ("bad.parquet", b"PAR1 not really", "not a readable parquet"),
    ],
)
def test_unreadable_files_raise_input_error(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load(path)
    assert fragment in str(caught.value)
    assert name in str(caught.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="folder"):
        load(tmp_path)


# --- the input is never modified ---------------------------------------------------------------


def _fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.mark.parametrize("kind", ["csv-gb18030", "csv-utf16", "xlsx", "parquet"])
def test_input_is_never_modified(tmp_path, kind):
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "s.xlsx", {"S": (HEADER, ROWS)}, title="标题")
    elif kind == "parquet":
        path = tmp_path / "s.parquet"
        pd.DataFrame(ROWS, columns=HEADER).to_parquet(path)
    else:
        encoding = kind.split("-")[1]
        path = write_csv(tmp_path / "s.csv", HEADER, ROWS, encoding=encoding, title=["标题"])
    old = 1_600_000_000_000_000_000
    os.utime(path, ns=(old, old))
    before = _fingerprint(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    from csi_cli.draft import draft_spec
    from csi_cli.validate import validate

    survey = load(path)
    validate(survey)
    draft_spec(survey)
    survey.ratings(survey.layout.csi_columns)
    assert _fingerprint(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


# --- numbers -----------------------------------------------------------------------------------


def test_labels_and_text_numbers_parse():
    values = pd.Series(
        [
            "1 - Not at all important",
            "7 = Extremely important",
            "５",
            " 3 ",
            "4.5",
            "10分",
            None,
            "",
        ],
        dtype=object,
    )
    numbers, bad = parse_numbers(values)
    expected = [1, 7, 5, 3, 4.5, 10, np.nan, np.nan]  # "10分" states its score (issue 11)
    np.testing.assert_array_equal(numbers, expected)
    assert not bad.any()


def test_text_that_is_not_a_label_is_bad():
    numbers, bad = parse_numbers(pd.Series(["3 4", "2x", "棒棒哒", "5"], dtype=object))
    assert np.isnan(numbers[:3]).all() and numbers[3] == 5
    assert bad.tolist() == [True, True, True, False]


def test_declared_missing_codes_are_missing_not_bad():
    values = pd.Series(["99", "N/A", "不适用", "4", " N/A "], dtype=object)
    numbers, bad = parse_numbers(values, ["99", "N/A", "不适用"])
    np.testing.assert_array_equal(numbers, [np.nan, np.nan, np.nan, 4, np.nan])
    assert not bad.any()
    numbers, bad = parse_numbers(pd.Series([99, 3, 99.0]), ["99"])
    np.testing.assert_array_equal(numbers, [np.nan, 3, np.nan])


def test_subset_keeps_file_rows(tmp_path):
    path = write_csv(tmp_path / "s.csv", HEADER, ROWS, title=["t"])
    survey = load(path)
    part = survey.subset(survey.frame["地区"].to_numpy() == "华北")
    expected = [3 + i for i, row in enumerate(ROWS) if row[1] == "华北"]
    assert part.frame.index.tolist() == expected
    assert part.file_rows(np.ones(part.n, dtype=bool)) == expected


# --- arbitrary headers -------------------------------------------------------------------------

# Any printable text, plus the separators and line breaks real exports put in headers.
_CHARS = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(
    ["\n", ",", ";", '"', " ", "|", "\t"]
)
_NAMES = st.text(_CHARS, min_size=1, max_size=12).filter(lambda s: s.strip())
_HEADERS = st.lists(_NAMES, min_size=2, max_size=6, unique_by=str.strip)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=_HEADERS, kind=st.sampled_from(["utf-8", "gb18030", "utf-8-sig", "xlsx"]))
def test_arbitrary_headers_come_back_unchanged(header, kind):
    rows = [[i * 10 + j for j in range(len(header))] for i in range(3)]
    with tempfile.TemporaryDirectory() as folder:
        if kind == "xlsx":
            path = write_xlsx(Path(folder) / "h.xlsx", {"S": (header, rows)})
        else:
            path = write_csv(Path(folder) / "h.csv", header, rows, encoding=kind)
        try:
            survey = load(path)
        except InputError:
            return  # allowed; anything else fails the test
        assert list(survey.frame.columns) == [name.strip() for name in header]
        assert survey.n == 3
        assert survey.frame.iloc[:, 0].tolist() == [0, 10, 20]


@settings(max_examples=30, deadline=None)
@given(
    content=st.binary(min_size=1, max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".tsv"])
)
def test_arbitrary_bytes_raise_only_input_error(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"f{suffix}"
        path.write_bytes(content)
        with contextlib.suppress(InputError):  # anything else fails the test
            load(path)


def test_long_folder_does_not_hide_the_file_name(tmp_path):
    folder = tmp_path / ("很长的文件夹名称" * 8)
    folder.mkdir()
    path = folder / "survey.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"survey\.csv is empty"):
        load(path)
