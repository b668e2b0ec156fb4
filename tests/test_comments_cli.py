"""``csi comments`` and the comments section everywhere else, on comment files written here.

The files have a designed truth (detractors write 物流/客服/refund/rude, promoters 价格/质量/
cheap/friendly); expected z-scores come from a plain-Python count of the words as written and
the formula of Monroe, Colaresi & Quinn (2008), not from csi's tokenizer.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from itertools import pairwise

import numpy as np
import pytest
from typer.testing import CliRunner

from csi_cli.cli import app
from tests.helpers import write_csv

runner = CliRunner()
LOW_WORDS = ("物流", "客服", "退款", "refund", "rude", "late")
HIGH_WORDS = ("价格", "质量", "cheap", "friendly")
NEUTRAL_WORDS = ("包装", "ok")
PERSONAL = ("13812345678", "+86 139-1234-5678", "wang.li@example.com", "+44 20 7946 0958")
ISSUE_THEME_KEYS = set(
    [
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
    ]
)


def comment_rows(
    seed: int, n: int = 120, months: tuple[str, ...] = ("2026-10",), personal_every: int = 10
):
    """Rows (id, date, NPS, overall, 客户反馈): a third each detractors, passives, promoters;
    a comment joins 2–4 words of its group's pool (and neutral ones) with spaces; every
    ``personal_every``-th carries personal data; some are blank."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        nps = (3, 7, 10)[i % 3]
        pool = {3: LOW_WORDS, 7: NEUTRAL_WORDS, 10: HIGH_WORDS}[nps] + NEUTRAL_WORDS
        words = list(rng.choice(pool, size=rng.integers(2, 5)))
        if i % personal_every == 0:
            words.append(PERSONAL[(i // personal_every) % len(PERSONAL)])
        comment = None if i % 7 == 6 else " ".join(words)
        month = months[i % len(months)]
        overall = {3: 4, 7: 7, 10: 9}[nps] + int(rng.integers(-1, 2))
        rows.append([i + 1, f"{month}-{1 + i % 28:02d}", nps, overall, comment])
    return ["id", "日期", "NPS", "overall", "客户反馈"], rows


def spec_file(tmp_path, extra: str = ""):
    path = tmp_path / "spec.toml"
    path.write_text(f'[comments]\ncolumn = "客户反馈"\n{extra}', encoding="utf-8")
    return str(path)


@pytest.fixture
def comments_csv(tmp_path):
    header, rows = comment_rows(5)
    return str(write_csv(tmp_path / "feedback.csv", header, rows)), rows


def run_json(*args):
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def expected_terms(rows) -> dict[tuple[str, str], float]:
    """z of every compared term, detractors vs promoters, from the words as written."""
    counts = {"detractors": Counter(), "promoters": Counter()}
    for _, _, nps, _, comment in rows:
        if comment is None or nps == 7:
            continue
        words = [w for w in comment.split(" ") if not re.search(r"\d|@", w) and w != "+86"]
        words += [f"{a} {b}" for a, b in pairwise(words)]
        counts["detractors" if nps == 3 else "promoters"].update(words)
    total = counts["detractors"] + counts["promoters"]

    def redundant(term):
        parts = term.split(" ")
        return len(parts) == 2 and total[term] >= min(total[parts[0]], total[parts[1]])

    kept = [t for t in total if total[t] >= 3 and not redundant(t)]
    alpha = {t: total[t] for t in kept}
    alpha_0 = sum(alpha.values())
    n_a = sum(counts["detractors"][t] for t in kept)
    n_b = sum(counts["promoters"][t] for t in kept)
    z = {}
    for t in kept:
        ya, yb, a = counts["detractors"][t], counts["promoters"][t], alpha[t]
        delta = math.log((ya + a) / (n_a + alpha_0 - ya - a)) - math.log(
            (yb + a) / (n_b + alpha_0 - yb - a)
        )
        z[t] = delta / math.sqrt(1 / (ya + a) + 1 / (yb + a))
    return z


def test_terms_match_an_independent_count_and_the_formula(comments_csv, tmp_path):
    path, rows = comments_csv
    document = run_json("comments", path, "--spec", spec_file(tmp_path))
    assert document["groups"] == ["detractors", "promoters"]
    assert document["n"] == len(rows)
    assert document["n_comments"] == sum(r[4] is not None for r in rows)
    z = expected_terms(rows)
    for term in document["terms"]:
        sign = 1 if term["group"] == "detractors" else -1
        assert term["z"] == pytest.approx(sign * z[term["term"]]), term
    low = [t["term"] for t in document["terms"] if t["group"] == "detractors"]
    assert set(low[:6]) <= set(LOW_WORDS) | {f"{a} {b}" for a in LOW_WORDS for b in LOW_WORDS}
    high = [t["term"] for t in document["terms"] if t["group"] == "promoters"]
    assert set(high[:4]) == set(HIGH_WORDS)


def test_json_keys_themes_and_verbatims(comments_csv, tmp_path):
    path, rows = comments_csv
    themes = '[comments.themes]\n"物流" = ["物流", "late"]\nprice = ["价格", "cheap"]\n'
    document = run_json("comments", path, "--spec", spec_file(tmp_path, themes))
    assert {"n", "n_comments", "groups", "terms", "themes", "candidates", "verbatims"} <= set(
        document
    )
    assert {t["theme"] for t in document["themes"]} == {"物流", "price"}  # replaces the starters
    assert all(set(t) >= ISSUE_THEME_KEYS for t in document["themes"])
    assert all({"term", "group", "log_odds", "z", "count", "share"} <= set(t)
               for t in document["terms"])  # fmt: skip
    logistics = next(t for t in document["themes"] if t["theme"] == "物流")
    answered = [r for r in rows if r[4] is not None]
    mentioning = [r for r in answered if re.search(r"物流|late", r[4])]
    assert logistics["share"] == pytest.approx(len(mentioning) / len(answered))
    assert logistics["satisfaction_with"] < logistics["satisfaction_without"]
    # candidates: detractor words that neither theme covers
    assert {"客服", "refund"} & set(document["candidates"])
    assert "物流" not in document["candidates"]
    assert {v["theme"] for v in document["verbatims"]} >= {"物流", "price"}


def test_no_output_format_shows_personal_data(tmp_path):
    header, rows = comment_rows(9, personal_every=1)
    path = str(write_csv(tmp_path / "personal.csv", header, rows))
    spec = spec_file(tmp_path)
    shown = []
    for suffix in ("json", "md", "html", "xlsx"):
        out = tmp_path / f"out.{suffix}"
        result = runner.invoke(app, ["comments", path, "--spec", spec, "-o", str(out)])
        assert result.exit_code == 0, result.output
        if suffix == "xlsx":
            import zipfile

            with zipfile.ZipFile(out) as book:
                shown.append(" ".join(book.read(n).decode("utf-8") for n in book.namelist()))
        else:
            shown.append(out.read_text(encoding="utf-8"))
    shown.append(runner.invoke(app, ["comments", path, "--spec", spec]).stdout)
    analyze = runner.invoke(app, ["analyze", path, "--spec", spec, "--format", "json"])
    shown.append(analyze.stdout)
    everything = "\n".join(shown)
    for datum in ("13812345678", "1234-5678", "wang.li", "example.com", "7946 0958"):
        assert datum not in everything
    assert "[phone]" in everything or "[email]" in everything


def test_analyze_nests_comments_and_headlines_the_largest_penalty(comments_csv, tmp_path):
    path, _ = comments_csv
    document = run_json("analyze", path, "--spec", spec_file(tmp_path))
    themes = document["comments"]["themes"]
    penalties = [t for t in themes if t["difference"] is not None and t["difference"] < 0]
    worst = min(penalties, key=lambda t: t["difference"])
    table = runner.invoke(app, ["analyze", path, "--spec", spec_file(tmp_path)]).stdout
    assert f"Largest comment penalty: {worst['theme']}" in table


def test_against_satisfaction_and_a_segment(tmp_path):
    header, rows = comment_rows(6)
    header = [*header, "渠道"]
    rows = [[*r, "APP" if r[2] == 3 else "门店"] for r in rows]
    path = str(write_csv(tmp_path / "f.csv", header, rows))
    spec = spec_file(tmp_path)
    by_satisfaction = run_json("comments", path, "--spec", spec, "--against", "satisfaction")
    assert by_satisfaction["groups"] == ["dissatisfied", "satisfied"]
    assert by_satisfaction["satisfaction"] == "overall"
    by_channel = run_json("comments", path, "--spec", spec, "--against", "渠道=APP")
    assert by_channel["groups"] == ["APP", "rest"]
    top = [t["term"] for t in by_channel["terms"] if t["group"] == "APP"][:3]
    assert set(top) <= set(LOW_WORDS) | {f"{a} {b}" for a in LOW_WORDS for b in LOW_WORDS}


def test_a_theme_rising_among_detractors_is_alerted_in_the_period_report(tmp_path):
    header, rows = comment_rows(7, n=240, months=("2026-09", "2026-10"))
    for row in rows:  # October detractors all complain about 物流
        if row[1].startswith("2026-10") and row[2] == 3:
            row[4] = "物流 太慢 物流"
        elif row[2] == 3 and row[4] is not None:
            row[4] = row[4].replace("物流", "客服")
    path = str(write_csv(tmp_path / "months.csv", header, rows))
    spec = spec_file(tmp_path, '[comments.themes]\n"物流" = ["物流"]\n')
    result = runner.invoke(
        app, ["report", path, "--spec", spec, "--period", "2026-10", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert any(a.startswith("comments:物流") for a in document["alerts"]), document["alerts"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--against", "NPS=99"], ["no respondent", "99", "NPS"]),
        (["--against", "sideways"], ["--against sideways", "SEGMENT=VALUE"]),
        (["--against", "渠道=APP"], ["--against 渠道=APP", "no column 渠道"]),
    ],
)
def test_bad_contrast_is_a_usage_error(comments_csv, tmp_path, args, fragments):
    path, _ = comments_csv
    result = runner.invoke(app, ["comments", path, "--spec", spec_file(tmp_path), *args])
    one_line_error(result, *fragments)


def test_nps_contrast_without_an_nps_column(tmp_path):
    header, rows = comment_rows(8)
    path = str(
        write_csv(tmp_path / "f.csv", header[:2] + header[3:], [r[:2] + r[3:] for r in rows])
    )
    result = runner.invoke(
        app, ["comments", path, "--spec", spec_file(tmp_path), "--against", "nps"]
    )
    one_line_error(result, "f.csv", "needs an NPS column", "--against satisfaction")


def test_file_without_comments_column(tmp_path):
    path = str(write_csv(tmp_path / "plain.csv", ["id", "NPS"], [[1, 5], [2, 9]]))
    result = runner.invoke(app, ["comments", path])
    one_line_error(result, "plain.csv", "no comment column", "[comments] column")


def test_spec_naming_a_missing_column_or_a_bad_pattern(comments_csv, tmp_path):
    path, _ = comments_csv
    spec = tmp_path / "bad.toml"
    spec.write_text('[comments]\ncolumn = "意见"\n', encoding="utf-8")
    result = runner.invoke(app, ["comments", path, "--spec", str(spec)])
    assert result.exit_code == 2 and "意见" in result.output and "Traceback" not in result.output
    spec.write_text('[comments]\ncolumn = "客户反馈"\norder_pattern = "DD(["\n', encoding="utf-8")
    result = runner.invoke(app, ["comments", path, "--spec", str(spec)])
    one_line_error(result, "order_pattern", "not a valid regular expression")


def one_line_error(result, *fragments):
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("csi: error: ")
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
