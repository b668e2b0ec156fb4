"""Question text beside item codes in tables: a Qualtrics item ``Q4_2`` reads as
"Q4_2 — Please rate the store on the following - Reliability of service" nowhere but in a
``question`` column next to it, so codes stay short and stable for specs and history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from csi_cli.results import Table

QUESTION_COLUMN = "question"
#: Table columns that list item (column) codes.
ITEM_COLUMNS = ("item", "column", "indicator")


def with_questions(table: Table, questions: Mapping[str, str]) -> Table:
    """``table`` with a ``question`` column after its column of item codes (``item``,
    ``column`` or ``indicator`` holding a code the file states a question text for);
    unchanged when it has none."""
    frame = table.frame
    if not questions or QUESTION_COLUMN in frame.columns:
        return table
    for position, column in enumerate(frame.columns):
        values = frame[column]
        if column not in ITEM_COLUMNS:
            continue
        texts = values.astype(str).map(lambda v: questions.get(v, ""))
        if texts.ne("").any():
            annotated = frame.copy()
            annotated.insert(position + 1, QUESTION_COLUMN, texts.to_numpy())
            return replace(table, frame=annotated)
    return table


def tables_with_questions(tables: Sequence[Table], questions: Mapping[str, str]) -> list[Table]:
    """Every table with the question texts of its items (see :func:`with_questions`)."""
    return [with_questions(t, questions) for t in tables]


class WithQuestions:
    """A result whose tables show the question text beside item codes; everything else is
    the result's own (its JSON document is unchanged)."""

    def __init__(self, result: Any, questions: Mapping[str, str]) -> None:
        self._result = result
        self._questions = questions

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)

    def tables(self) -> list[Table]:
        """The result's tables, each with a ``question`` column where it lists item codes."""
        return tables_with_questions(self._result.tables(), self._questions)


def annotate(results: Sequence[Any], questions: Mapping[str, str]) -> list[Any]:
    """Every result with question texts in its tables (unchanged when none are known)."""
    return [WithQuestions(r, questions) for r in results] if questions else list(results)
