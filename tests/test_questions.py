"""Question texts beside item codes (csi_cli/questions.py)."""

from __future__ import annotations

import pandas as pd

from csi_cli.questions import tables_with_questions, with_questions
from csi_cli.results import Table


def test_the_question_goes_beside_the_code_column():
    table = Table("Loadings", pd.DataFrame({"block": ["QUAL", "QUAL"], "item": ["Q4_1", "Q4_2"],
                                            "loading": [0.8, 0.9]}))  # fmt: skip
    # Only a column of item codes is annotated, even where another holds a known code.
    shown = with_questions(table, {"Q4_2": "Please rate - Reliability", "QUAL": "x"})
    assert list(shown.frame.columns) == ["block", "item", "question", "loading"]
    assert shown.frame["question"].tolist() == ["", "Please rate - Reliability"]
    assert table.frame.shape[1] == 3  # the result's own table is not changed


def test_tables_without_codes_or_without_questions_are_unchanged():
    table = Table("NPS", pd.DataFrame({"n": [10], "nps": [20.0]}))
    assert tables_with_questions([table], {"Q1": "q"})[0] is table
    coded = Table("Items", pd.DataFrame({"item": ["Q1"]}))
    assert with_questions(coded, {}) is coded


def test_results_keep_their_document_and_gain_the_question_column():
    class Result:
        name, title, warnings = "index", "CSI", ()

        def to_dict(self):
            return {"items": ["Q1"]}

        def tables(self):
            return [Table("Items", pd.DataFrame({"item": ["Q1"]}))]

    from csi_cli.questions import annotate

    (wrapped,) = annotate([Result()], {"Q1": "How satisfied?"})
    assert wrapped.name == "index" and wrapped.to_dict() == {"items": ["Q1"]}
    assert wrapped.tables()[0].frame["question"].tolist() == ["How satisfied?"]
    plain = Result()
    assert annotate([plain], {}) == [plain]
