"""Tables that fit: every part of a split table names its rows by all key columns, text wraps
before a table splits, rows become blocks when even the keys do not fit, titles stay whole,
``COLUMNS`` sets the piped width, and diagnostic tables wait for ``--detail full``."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from csi_cli.actions import FIX, Action
from csi_cli.render.terminal import (
    MIN_TEXT_WIDTH,
    PLAIN_WIDTH,
    column_groups,
    plain_width,
    print_table,
    render_plain,
    table_width,
)
from csi_cli.render.text import display_width
from csi_cli.results import Document, Figure, Table


def printed(table: Table, width: int = 80) -> str:
    buffer = io.StringIO()
    print_table(table, Console(file=buffer, width=width, color_system=None))
    return buffer.getvalue()


def loadings_table(keys: tuple[str, ...] = ("construct", "item")) -> Table:
    """Four rows of one construct: only construct AND item tell them apart."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "construct": ["QUAL"] * 4,
            "item": [f"QUAL{i}" for i in range(1, 5)],
            **{f"statistic_number_{k}": rng.random(4) for k in range(8)},
        }
    )
    return Table("Outer weights and loadings", frame, keys=keys)


def parts(text: str) -> list[list[str]]:
    """Body lines of each printed part (between a header rule and the next title)."""
    blocks, current = [], None
    for line in text.splitlines():
        if set(line.strip()) == {"─"}:
            current = []
            blocks.append(current)
        elif current is not None and line.strip() and not line.startswith("Outer"):
            current.append(line)
        else:
            current = None
    return blocks


def test_every_part_of_a_split_table_repeats_all_key_columns():
    text = printed(loadings_table())
    blocks = parts(text)
    assert len(blocks) > 1, text
    for block in blocks:
        assert [line.split()[:2] for line in block] == [["QUAL", f"QUAL{i}"] for i in range(1, 5)]
    assert max(display_width(line) for line in text.splitlines()) <= 80


def test_leading_text_columns_are_the_default_keys():
    text = printed(loadings_table(keys=()))
    assert all(line.split()[1].startswith("QUAL") for block in parts(text) for line in block)


def test_titles_are_never_wrapped_into_a_narrow_part():
    text = printed(loadings_table())
    titles = [line for line in text.splitlines() if line.startswith("Outer")]
    assert titles[0] == "Outer weights and loadings"
    assert set(titles[1:]) == {"Outer weights and loadings (continued)"}


def test_long_text_wraps_before_the_table_splits():
    frame = pd.DataFrame(
        {
            "item": ["Q1", "Q2"],
            "wording": ["The staff answered every question clearly and politely"] * 2,
            "comment": ["Delivery was late twice in October and nobody called"] * 2,
            "gap": [-1.0, -0.5],
        }
    )
    text = printed(Table("Items", frame), width=60)
    assert "(continued)" not in text
    assert max(display_width(line) for line in text.splitlines()) <= 60


def test_rows_become_blocks_when_keys_and_a_column_cannot_share_a_line():
    frame = pd.DataFrame({"segment": ["华东地区的大客户"], "what": ["x" * 20], "value": [1.5]})
    text = printed(Table("Narrow", frame, keys=("segment", "what")), width=40)
    lines = text.splitlines()
    assert "华东地区的大客户 · " + "x" * 20 in lines
    assert "  value  1.500" in lines


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 30), min_size=1, max_size=15),
    st.integers(40, 160),
    st.integers(1, 3),
)
def test_column_groups_start_with_the_keys_cover_every_column_and_fit(widths, width, nkeys):
    keys = list(range(min(nkeys, len(widths))))
    groups = column_groups(widths, width, keys)
    assert all(group[: len(keys)] == keys for group in groups)
    others = [p for group in groups for p in group[len(keys) :]]
    assert others == [p for p in range(len(widths)) if p not in keys]
    for group in groups:
        if len(group) > len(keys) + 1:  # a block with more than one column beside the keys fits
            assert table_width([widths[p] for p in group]) <= width


@pytest.mark.parametrize(
    ("value", "expected"), [("120", 120), ("", PLAIN_WIDTH), ("wide", PLAIN_WIDTH), ("10", 40)]
)
def test_columns_sets_the_piped_width(monkeypatch, value, expected):
    monkeypatch.setenv("COLUMNS", value)
    assert plain_width() == expected


def report_with(tables: list[Table], actions: tuple[Action, ...] = ()) -> Document:
    @__import__("dataclasses").dataclass
    class Result:
        name: str = "demo"
        title: str = "Demo analysis"

        def to_dict(self):
            return {}

        def tables(self):
            return tables

    return Document("Document", "file.xlsx", 10, (Result(),), actions=actions)


def test_diagnostic_tables_wait_for_detail_and_are_counted():
    summary = Table("Summary", pd.DataFrame({"a": [1]}))
    diagnostic = Table("Loadings", pd.DataFrame({"b": [2]}), detail=True)
    report = report_with([summary, diagnostic])
    short = render_plain(report, 80, detail=False)
    assert "Summary" in short and "Loadings" not in short
    assert "1 diagnostic table not shown: add --detail full" in short
    full = render_plain(report, 80, detail=True)
    assert "Loadings" in full and "not shown" not in full


def test_action_list_follows_the_headline_with_its_evidence():
    action = Action(
        "Reliability", "largest significant shortfall", (Figure(-1.05, 2, -1.09, -1.01, "P − E"),),
        "gap", FIX, 0.99,
    )  # fmt: skip
    text = render_plain(report_with([], (action,)), 80)
    lines = text.splitlines()
    start = lines.index("What to act on first")
    assert lines[start + 1] == "1. Reliability (gap) · fix first · largest significant shortfall"
    assert re.fullmatch(r"\s+P − E -1\.05 \(95% CI -1\.09 to -1\.01\)", lines[start + 2])
    assert lines.index("Demo analysis " + "─" * (80 - len("Demo analysis "))) > start


def test_min_text_width_is_a_readable_column():
    assert MIN_TEXT_WIDTH >= 12


def test_a_section_of_diagnostics_only_is_left_out_of_the_summary():
    report = report_with([Table("Loadings", pd.DataFrame({"b": [2]}), detail=True)])
    assert "Demo analysis" not in render_plain(report, 80, detail=False)
    assert "Demo analysis" in render_plain(report, 80, detail=True)
