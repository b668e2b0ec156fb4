"""Question text beside item codes in tables: a Qualtrics item ``Q4_2`` reads as
"Q4_2 — Please rate the store on the following - Reliability of service" nowhere but in a
``question`` column next to it, so codes stay short and stable for specs and history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from csi_cli.results import Table

QUESTION_COLUMN = "question"


def with_questions(table: Table, questions: Mapping[str, str]) -> Table:
    """``table`` with a ``question`` column after its first column of item codes (the first
    column holding a code the file states a question text for); unchanged when it has none."""
    frame = table.frame
    if not questions or QUESTION_COLUMN in frame.columns:
        return table
    for position, column in enumerate(frame.columns):
        values = frame[column]
        if values.dtype != object and not str(values.dtype).startswith(("str", "string")):
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
