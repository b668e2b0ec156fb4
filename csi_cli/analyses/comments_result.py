"""What the comments analysis returns: its JSON document, tables and headline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from csi_cli.methods.comments import CommentFindings
from csi_cli.results import Chart, Figure, Table, diagnostic, records, summary_of

#: Keys of every theme in the JSON document (the issue's contract first).
THEME_KEYS = (
    "theme",
    "share",
    "ci_low",
    "ci_high",
    "satisfaction_with",
    "satisfaction_without",
    "difference",
    "diff_ci_low",
    "diff_ci_high",
    "p_adj",
    "count",
    "p_value",
    "nps_with",
    "nps_without",
    "nps_difference",
    "nps_ci_low",
    "nps_ci_high",
)
TERM_KEYS = ("term", "group", "log_odds", "z", "count", "share", "count_other", "share_other")
ADJUST_NAMES = {"holm": "Holm", "bh": "Benjamini–Hochberg"}
SHARE_DIGITS = {"share": 3, "ci_low": 3, "ci_high": 3, "count": 0, "n": 0}


@dataclass(frozen=True)
class CommentsResult:
    """Terms, themes, impact, candidates and masked verbatims of a comment column.

    Attributes
    ----------
    column : str
        The comment column.
    against : str
        The contrast: "nps", "satisfaction" or "SEGMENT=VALUE".
    satisfaction : str
        What "satisfaction" is: the CSI target's items or the overall rating (0–100).
    findings : CommentFindings
        The numbers (:func:`csi_cli.methods.comments.analyse_comments`).
    adjust : str
        Adjustment of the theme p-values ("holm" or "bh").
    by : str or None
        The ``--by`` column (theme shares per segment).
    """

    column: str
    against: str
    satisfaction: str
    findings: CommentFindings
    adjust: str = "holm"
    by: str | None = None
    name: str = "comments"
    title: str = "Comments"
    warnings: tuple[str, ...] = ()

    @property
    def low_label(self) -> str:
        """Label of the low group (detractors, dissatisfied, or the chosen segment)."""
        return self.findings.groups[0]

    def headline(self) -> dict[str, Any]:
        """The theme whose mentioners are least satisfied against the rest (largest penalty)."""
        themes = self.findings.themes.dropna(subset=["difference"])
        penalties = themes[themes["difference"] < 0]
        if penalties.empty:
            return {"Largest comment penalty": "none"}
        worst = penalties.loc[penalties["difference"].idxmin()]
        label = f"Largest comment penalty: {worst['theme']}"
        return {label: Figure(worst["difference"], 1, worst["diff_ci_low"], worst["diff_ci_high"])}

    def to_dict(self) -> dict[str, Any]:
        """``n``, ``n_comments``, ``groups``, ``terms``, ``themes``, ``candidates``,
        ``verbatims`` (issue 16's keys), plus ``column``, ``against``, ``satisfaction``,
        ``theme_shares`` (by group and segment) and ``by``."""
        f = self.findings
        return {
            "n": f.n,
            "n_comments": f.n_comments,
            "column": self.column,
            "against": self.against,
            "satisfaction": self.satisfaction,
            "groups": list(f.groups),
            "terms": records(f.terms[list(TERM_KEYS)]),
            "themes": records(f.themes.reindex(columns=list(THEME_KEYS))),
            "theme_shares": records(f.shares),
            "candidates": list(f.candidates),
            "verbatims": records(f.verbatims.replace({np.nan: None})),
            "adjust": self.adjust,
            "by": self.by,
        }

    def tables(self) -> list[Table]:
        """Themes with impact, themes by group (bar chart), by segment, terms, candidates,
        verbatims."""
        f = self.findings
        tables = [self._theme_table(), self._group_table("group", "group")]
        if self.by is not None:
            tables.append(self._group_table(self.by, "segment"))
        tables.append(
            Table(
                f"Words that distinguish {f.groups[0]} from {f.groups[1]}",
                f.terms[list(TERM_KEYS)],
                {"log_odds": 3, "z": 2, "count": 0, "share": 3, "count_other": 0, "share_other": 3},
                note="Weighted log-odds ratio with an informative Dirichlet prior (the pooled "
                "counts) and its z-score (Monroe, Colaresi & Quinn 2008); share = share of the "
                "group's commenters who used the term.",
                key="comment_terms",
            )
        )
        if f.candidates:
            frame = pd.DataFrame({"term": list(f.candidates)})
            tables.append(
                Table(
                    "Candidates for new themes",
                    frame,
                    key="comment_candidates",
                    note=f"Typical of {f.groups[0]} (z ≥ 1.96) but in no theme.",
                )
            )
        tables.append(
            Table(
                "Verbatims",
                f.verbatims.fillna(""),
                note="Personal data (phone numbers, e-mails, ID-card and order numbers) masked.",
                key="comment_verbatims",
            )
        )
        themes = tables[0]
        mentioned = themes.frame["share"] > 0  # themes nobody wrote about: in the full table
        return [summary_of(themes, COMPACT_THEMES, mentioned), *diagnostic(*tables)]

    def _theme_table(self) -> Table:
        themes = self.findings.themes
        columns = [k for k in THEME_KEYS if k in themes]
        digits = {k: 1 for k in columns if k.startswith(("satisfaction", "diff", "nps"))}
        return Table(
            "Comment themes and their impact",
            themes[columns],
            {**SHARE_DIGITS, **digits, "p_value": 4, "p_adj": 4},
            note=f"share: of {self.findings.n_comments} commenters, Wilson 95% CI; "
            f"satisfaction ({self.satisfaction}, 0–100) of those mentioning the theme against "
            f"those not: Welch difference, 95% CI, {ADJUST_NAMES[self.adjust]}-adjusted p; NPS "
            "likewise.",
            key="comment_themes",
        )

    def _group_table(self, by: str, kind: str) -> Table:
        shares = self.findings.shares
        rows = shares[shares["by"] == by] if kind == "segment" else shares[shares["by"] == "group"]
        wide = rows.pivot(index="theme", columns="group", values="share")
        order = list(dict.fromkeys(rows["group"]))
        wide = wide.reindex(index=list(dict.fromkeys(rows["theme"])), columns=order)
        frame = wide.reset_index().rename_axis(columns=None)
        title = f"Comment themes by {by}"
        chart = Chart(
            kind="bar",
            x="theme",
            y=tuple(str(c) for c in order),
            title=title,
            y_title="share of commenters",
        )
        frame.columns = [str(c) for c in frame.columns]
        return Table(
            title,
            frame,
            dict.fromkeys(frame.columns[1:], 3),
            chart=chart,
            key=f"comment_themes_by_{kind}",
        )


#: Columns of the themes table in the compact view (the full table is a diagnostic table).
COMPACT_THEMES = ("theme", "share", "difference", "diff_ci_low", "diff_ci_high", "p_adj")
