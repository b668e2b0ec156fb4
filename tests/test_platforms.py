"""Platform detection and reading (csi_cli/platforms.py), on small hand-built frames."""

from __future__ import annotations

import pandas as pd

from csi_cli.platforms import detect, header_row_index, matrix_questions, recognise
from tests.helpers import write_csv


def _frame(columns, rows, first_row=2):
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    return frame


def test_detected_by_metadata_columns_only():
    assert detect(["序号", "提交答卷时间", "所用时间", "1、Q"]).name == "问卷星"
    assert detect(["编号", "开始答题时间", "结束答题时间"]).name == "腾讯问卷"
    assert detect(["StartDate", "EndDate", "ResponseId"]).name == "Qualtrics"
    assert (
        detect(["Respondent ID", "Collector ID", "Start Date", "End Date"]).name == "SurveyMonkey"
    )
    assert detect(["Timestamp", "Q"]).name == "Google Forms"
    assert detect(["ID", "Start time", "Completion time"]).name == "Microsoft Forms"
    assert detect(["Q", "Timestamp"]) is None  # Google Forms puts Timestamp first
    assert detect(["id", "SAT1"]) is None


def test_surveymonkey_sparse_header_row_is_found():
    rows = [
        ["Respondent ID", "Collector ID", "Start Date", "End Date", "Rate us", "", "", ""],
        ["", "", "", "", "Speed", "Price", "Staff", "Taste"],
    ]
    # Row 1 has fewer than half its cells filled: only the platform's columns tell it apart.
    assert header_row_index(rows) == 0


def test_qualtrics_rows_2_and_3_and_exclusions():
    columns = ["StartDate", "EndDate", "Status", "Finished", "ResponseId", "IPAddress", "Q1"]
    rows = [
        [
            "Start Date",
            "End Date",
            "Response Type",
            "Finished",
            "Response ID",
            "IP Address",
            "Rate",
        ],
        ['{"ImportId":"startDate"}', "", "", "", "", "", '{"ImportId":"QID1"}'],
        ["d", "d", "IP Address", "True", "R_1", "1.2.3.4", "5"],
        ["d", "d", "Survey Preview", "True", "R_2", "", "4"],
        ["d", "d", "IP Address", "False", "R_3", "1.2.3.5", "3"],
        ["d", "d", "0", "1", "R_4", "1.2.3.6", "2"],  # numeric export: 0 = IP Address
    ]
    frame, export = recognise(_frame(columns, rows))
    assert list(frame["ResponseId"]) == ["R_1", "R_4"]
    assert list(frame.index) == [4, 7]  # file rows kept for messages
    assert export.header_rows == (1, 2, 3)
    assert export.questions == {
        "Q1": "Rate",
        "Status": "Response Type",
        "ResponseId": "Response ID",
        "StartDate": "Start Date",
        "EndDate": "End Date",
        "IPAddress": "IP Address",
    }
    assert dict(export.excluded) == {
        "survey previews (Status)": 1,
        "unfinished (Finished = False; keep them: [survey] keep_unfinished = true)": 1,
    }
    assert "IPAddress" not in frame and export.personal == ("IPAddress",)
    assert (export.date, export.id) == ("EndDate", "ResponseId")
    kept, export = recognise(_frame(columns, rows), keep_unfinished=True)
    assert list(kept["ResponseId"]) == ["R_1", "R_3", "R_4"]


def test_surveymonkey_question_option_names():
    columns = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "Email Address",
        "Rate us",
        "column_7",
        "Comments",
    ]
    rows = [
        [None, None, None, None, None, "Speed", "Price", "Open-Ended Response"],
        [1, 9, "d", "d", "a@b.c", "4", "5", "ok"],
    ]
    frame, export = recognise(_frame(columns, rows))
    assert list(frame.columns) == [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "Rate us — Speed",
        "Rate us — Price",
        "Comments",
    ]
    assert export.header_rows == (1, 2) and export.personal == ("Email Address",)


def test_wjx_matrix_title_carried_to_later_rows():
    questions = matrix_questions(
        ["序号", "2、请评价以下方面—服务态度", "2、环境", "2、(价格)", "3、总体满意度", "3、其他"]
    )
    assert questions == {"2、环境": "2、请评价以下方面—环境", "2、(价格)": "2、请评价以下方面—价格"}


def test_an_unknown_file_is_left_as_it_is():
    frame = _frame(["id", "SAT1"], [[1, 5]])
    same, export = recognise(frame)
    assert same is frame and export.platform is None and export.describe() == {}


def test_trailing_blank_header_cells_keep_their_columns_and_empty_ones_go(tmp_path):
    from csi_cli.reading import read_table

    path = write_csv(tmp_path / "t.csv", ["a", "b", ""], [[1, 2, 3], [4, 5, 6]])
    frame, _ = read_table(path)
    assert list(frame.columns) == ["a", "b", "column_3"]
    path = write_csv(tmp_path / "u.csv", ["a", "b", ""], [[1, 2, None], [4, 5, None]])
    frame, _ = read_table(path)
    assert list(frame.columns) == ["a", "b"]


def test_tencent_csv_with_a_trailing_comma_on_every_line(tmp_path):
    """腾讯问卷's sample export ends each line with a comma: one empty field more than named."""
    from csi_cli.survey import load

    path = tmp_path / "tencent.csv"
    path.write_text(
        '"编号","开始答题时间","结束答题时间","答题时长","地理位置省","1.总体而言，您满意吗",\n'
        '"1","2026-10-01 10:00:00","2026-10-01 10:01:00","60","江苏","满意",\n'
        '"2","2026-10-01 10:02:00","2026-10-01 10:03:00","60","江苏","一般",\n',
        encoding="utf-8",
    )
    survey = load(path)
    assert survey.export.platform == "腾讯问卷"
    assert list(survey.frame.columns) == ["编号", "开始答题时间", "结束答题时间", "答题时长",
                                          "1.总体而言，您满意吗"]  # fmt: skip
    assert survey.numeric("1.总体而言，您满意吗").tolist() == [4, 3]
