"""The HTML report leads with the action list, checked without a browser (CI has none): in
document order the action list comes right after the title, before the headline figures and any
table or chart, as an ordered list that needs no horizontal room. The same report in headless
Chromium at phone and desktop widths (console messages, the list visible above the fold) and
the xlsx in LibreOffice are checked by ``python bench/look.py``, which needs those programs."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from csi_cli.cli import app

runner = CliRunner()
FAST = ("--bootstrap", "200")


class Order(HTMLParser):
    """Tags in document order, with their id and class."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found.get("id") or "", found.get("class") or ""))


@pytest.fixture(scope="module")
def page(sample_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("look")
    for suffix in ("html", "json"):
        result = runner.invoke(
            app, ["analyze", str(sample_file), "-o", str(folder / f"r.{suffix}"), *FAST]
        )
        assert result.exit_code == 0, result.output
    html = (folder / "r.html").read_text(encoding="utf-8")
    document = json.loads((folder / "r.json").read_text(encoding="utf-8"))
    parser = Order()
    parser.feed(html)
    return html, parser.tags, document


def position(tags, tag, *, id_="", css=""):
    """Index of the first ``tag`` whose id contains ``id_`` and whose classes include ``css``."""
    return next(
        i
        for i, (name, ident, classes) in enumerate(tags)
        if name == tag and id_ in ident and (not css or css in classes.split())
    )


def test_the_action_list_comes_first(page):
    _, tags, document = page
    actions = position(tags, "section", id_="actions")
    assert position(tags, "h1") < actions < position(tags, "dl", css="headline")
    assert actions < position(tags, "table") and actions < position(tags, "svg")
    items = [t for t in tags[actions:] if t[0] == "li"][: len(document["actions"])]
    assert len(items) == len(document["actions"]) >= 8
    assert items[0][2] == "tier-1"


def test_the_page_loads_nothing_and_runs_nothing(page):
    html, tags, _ = page
    assert not any(t == "script" for t, _, _ in tags)
    assert "http://" not in html.split("<body>")[0] and "https://" not in html
    assert 'name="viewport"' in html
