"""Validation: every code of csi_cli.validate.all_codes(), each with its column, the file rows
a person sees in Excel (header on row 1 → first respondent on row 2; a title row shifts them), and a
message that names file, sheet, column and says what to do."""

from __future__ import annotations

import json

import pytest

from csi_cli.spec import parse_spec
from csi_cli.survey import load
from csi_cli.validate import ERROR, all_codes, blocking, validate
from tests.helpers import ecsi_columns, ecsi_rows, write_csv, write_xlsx

ITEMS = ecsi_columns(2)
N = 20


def _table(n=N):
    """id + ECSI items (1–10, every item varies) + NPS; rows as lists to edit."""
    rows = [[f"R{i + 1:02d}", *r, i % 11] for i, r in enumerate(ecsi_rows(n, ITEMS, seed=3))]
    return ["resp_id", *ITEMS, "NPS"], rows


def _col(header, name):
    return header.index(name)


def _check(problems, code, *, column, rows, count=None, says=(), file="s.csv", sheet=None):
    found = [p for p in problems if p.code == code and p.column == column]
    assert len(found) == 1, [(p.code, p.column) for p in problems]
    problem = found[0]
    assert problem.severity == ERROR
    assert list(problem.rows) == rows[:5]
    assert problem.count == (len(rows) if count is None else count)
    message = problem.message
    assert message.startswith(file), message
    if sheet is not None:
        assert f"sheet {sheet}" in message
    if column is not None:
        assert column in message
    if rows:
        assert ", ".join(str(r) for r in rows[:5]) in message
    for words in says:
        assert words in message, message
    return problem


def test_every_code_is_tested():
    tested = {
        "no-respondents",
        "duplicate-column",
        "duplicate-id",
        "missing-column",
        "text-in-rating",
        "out-of-scale",
        "unknown-scale",
        "no-variance",
        "empty-block",
        "csi-model",
        "unknown-kano-answer",
    }
    assert set(all_codes()) == tested


def test_clean_file_has_no_problems(tmp_path):
    header, rows = _table()
    assert validate(load(write_csv(tmp_path / "s.csv", header, rows))) == []


def test_no_respondents(tmp_path):
    header, _ = _table()
    problems = validate(load(write_csv(tmp_path / "s.csv", header, [])))
    _check(problems, "no-respondents", column=None, rows=[], says=["Export"])


def test_duplicate_column(tmp_path):
    header, rows = _table()
    header = [*header, "备注", "备注"]
    rows = [[*r, "a", "b"] for r in rows]
    path = write_xlsx(tmp_path / "s.xlsx", {"回答": (header, rows)})
    problems = validate(load(path))
    _check(
        problems,
        "duplicate-column",
        column="备注",
        rows=[],
        file="s.xlsx",
        sheet="回答",
        says=["2 columns", "Rename", "备注 (2)"],
    )


def test_duplicate_id(tmp_path):
    header, rows = _table()
    rows[4][0] = rows[1][0]  # respondents 2 and 5 → file rows 3 and 6
    rows[9][0] = rows[1][0]  # and 10 → row 11
    problems = validate(load(write_csv(tmp_path / "s.csv", header, rows)))
    _check(problems, "duplicate-id", column="resp_id", rows=[3, 6, 11], says=["Remove"])


def test_missing_column(tmp_path):
    header, rows = _table()
    spec = parse_spec({"survey": {"segments": ["地区"], "id": "resp_id"}})
    problems = validate(load(write_csv(tmp_path / "s.csv", header, rows), spec=spec))
    _check(
        problems, "missing-column", column="地区", rows=[], says=["[survey] segments", "Correct"]
    )


def test_text_in_rating_with_title_row(tmp_path):
    header, rows = _table()
    j = _col(header, "QUAL2")
    for i in (0, 6, 7):
        rows[i][j] = "很好"  # respondents 1, 7, 8 → rows 3, 9, 10 below a title row
    path = write_xlsx(tmp_path / "s.xlsx", {"Data": (header, rows)}, title="满意度调查")
    problems = validate(load(path))
    problem = _check(
        problems,
        "text-in-rating",
        column="QUAL2",
        rows=[3, 9, 10],
        file="s.xlsx",
        sheet="Data",
        says=["很好", "missing", "Correct"],
    )
    assert problem.analysis == "index"


def test_text_in_rating_reports_first_five_and_count(tmp_path):
    header, rows = _table()
    j = _col(header, "SAT1")
    for i in range(0, 14, 2):
        rows[i][j] = "n/a"
    problems = validate(load(write_csv(tmp_path / "s.csv", header, rows)))
    expected = [i + 2 for i in range(0, 14, 2)]
    _check(problems, "text-in-rating", column="SAT1", rows=expected, says=["and 2 more"])


def test_out_of_scale(tmp_path):
    header, rows = _table()
    rows[3][_col(header, "LOY1")] = 7  # scale 1–5 declared below; the rest are ≤ 10
    rows[2][_col(header, "NPS")] = 11
    for row in rows:
        for name in ITEMS:
            row[_col(header, name)] = min(row[_col(header, name)], 5)
    rows[3][_col(header, "LOY1")] = 7
    spec = parse_spec({"survey": {"scale": [1, 5]}})
    problems = validate(load(write_csv(tmp_path / "s.csv", header, rows), spec=spec))
    _check(problems, "out-of-scale", column="LOY1", rows=[5], says=["1–5", "e.g. 7", "Correct"])
    _check(problems, "out-of-scale", column="NPS", rows=[4], says=["0–10", "e.g. 11"])


def test_unknown_scale(tmp_path):
    header, rows = _table()
    rows[0][_col(header, "SAT2")] = 99
    problems = validate(load(write_csv(tmp_path / "s.csv", header, rows)))
    _check(problems, "unknown-scale", column=None, rows=[], says=["1 to 99", "[survey] scale"])


def test_no_variance(tmp_path):
    header, rows = _table()
    for row in rows:
        row[_col(header, "VAL2")] = 6
    problems = validate(load(write_csv(tmp_path / "s.csv", header, rows)))
    _check(problems, "no-variance", column="VAL2", rows=[], says=["answered 6", "Remove"])


def test_empty_block(tmp_path):
    header, rows = _table()
    for row in rows:
        row[_col(header, "COMP1")] = None
        row[_col(header, "COMP2")] = "99"
    spec = parse_spec({"survey": {"missing": ["99"]}})
    problems = validate(load(write_csv(tmp_path / "s.csv", header, rows), spec=spec))
    _check(problems, "empty-block", column=None, rows=[], says=["COMP1, COMP2", "Check"])


def test_csi_model(tmp_path):
    header = ["id", *ecsi_columns(2, ("SAT", "LOY"))]
    rows = [[i, *r] for i, r in enumerate(ecsi_rows(N, header[1:]))]
    problems = validate(load(write_csv(tmp_path / "s.csv", header, rows)))
    _check(problems, "csi-model", column=None, rows=[], says=["LOY, SAT", 'model = "custom"'])


def test_unknown_kano_answer(tmp_path):
    header = ["id", "fast_func", "fast_dysf"]
    rows = [[i, "我很喜欢", "不喜欢"] for i in range(N)]
    rows[5][2] = "看情况"
    rows[11][2] = "maybe"
    path = write_xlsx(tmp_path / "s.xlsx", {"Kano": (header, rows)})
    problems = validate(load(path))
    _check(
        problems,
        "unknown-kano-answer",
        column="fast_dysf",
        rows=[7, 13],
        file="s.xlsx",
        sheet="Kano",
        says=["看情况", "maybe", "[kano.answers]"],
    )


def test_declared_missing_codes_are_not_errors(tmp_path):
    header, rows = _table()
    rows[0][_col(header, "SAT1")] = "99"
    rows[1][_col(header, "SAT2")] = "N/A"
    rows[2][_col(header, "LOY1")] = "不适用"
    rows[3][_col(header, "NPS")] = 99
    rows[4][_col(header, "QUAL1")] = "1 - Not at all important"
    path = write_csv(tmp_path / "s.csv", header, rows)
    undeclared = validate(load(path))
    assert {p.code for p in undeclared} >= {"text-in-rating"}
    spec = parse_spec({"survey": {"missing": ["99", "N/A", "不适用"]}})
    survey = load(path, spec=spec)
    assert validate(survey) == []
    assert survey.numeric("QUAL1")[4] == 1.0
    assert [
        survey.numeric(c)[i] != survey.numeric(c)[i]
        for c, i in (("SAT1", 0), ("SAT2", 1), ("LOY1", 2), ("NPS", 3))
    ] == [True] * 4


def test_all_problems_at_once_and_blocking(tmp_path):
    header, rows = _table()
    rows[1][0] = rows[0][0]
    rows[2][_col(header, "SAT1")] = "好"
    rows[3][_col(header, "NPS")] = 12
    header = [*header, "fast_func", "fast_dysf"]
    rows = [[*r, "喜欢", "不知道"] for r in rows]
    problems = validate(load(write_csv(tmp_path / "s.csv", header, rows)))
    codes = {(p.code, p.analysis) for p in problems}
    assert codes == {
        ("duplicate-id", "general"),
        ("text-in-rating", "index"),
        ("out-of-scale", "nps"),
        ("unknown-kano-answer", "kano"),
    }
    assert {p.analysis for p in blocking(problems, ["kano"])} == {"general", "kano"}
    assert len(blocking(problems, None)) == 4
    document = json.loads(json.dumps([p.to_dict() for p in problems], ensure_ascii=False))
    assert document[0]["code"] == "duplicate-id" and document[0]["rows"] == [2, 3]


@pytest.mark.parametrize("code", sorted(all_codes()))
def test_codes_are_documented(code):
    assert all_codes()[code]
