"""The documentation covers what the code declares and emits, and never points outside the clone.

- every validation code (``csi_cli.validate.all_codes()``: the general ones and every registered
  analysis' ``codes``) has a row in ``docs/validation.md``;
- every key of every command's JSON (the pinned documents in ``tests/golden/cmd_*.json``, which
  ``tests/test_golden_json.py`` keeps equal to what the commands write) is named in
  ``docs/json.md``; keys that are data (construct, column, segment names) are not keys of the
  contract and are skipped;
- every section and key of the spec (``csi_cli.spec.section_types()``: ``[survey]`` and the
  section of every registered analysis) is named in ``docs/spec.md``;
- every local link in README and ``docs/`` leads to a file of the repository, and no text file
  of the repository points outside it (see ``OUTSIDE``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from csi_cli.spec import section_types
from csi_cli.validate import all_codes

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
GOLDEN = REPO / "tests" / "golden"

#: Objects whose keys are names from the survey, not contract keys: construct → mode,
#: construct → columns, dimension → items, column → values.
DATA_KEYED = {"modes", "blocks", "gap_dimensions", "segments"}


def documented(page: str) -> set[str]:
    """Every name written as code (between backticks) on a docs page."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return set(re.findall(r"`([^`\n]+)`", text))


def contract_keys(value: Any, parent: str = "$") -> Iterator[tuple[str, str]]:
    """(key, where) for every key of a JSON document, skipping data-keyed objects."""
    if isinstance(value, dict):
        if parent.rsplit(".", 1)[-1] in DATA_KEYED:
            return
        for key, item in value.items():
            yield key, parent
            yield from contract_keys(item, f"{parent}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from contract_keys(item, parent)


@pytest.mark.parametrize("code", sorted(all_codes()))
def test_every_validation_code_is_documented(code: str) -> None:
    rows = [
        line
        for line in (DOCS / "validation.md").read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| `{code}` |")
    ]
    assert len(rows) == 1, f"docs/validation.md needs one table row for code {code!r}"


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("cmd_*.json")), ids=lambda p: p.stem)
def test_every_json_key_is_documented(path: Path) -> None:
    names = documented("json.md")
    document = json.loads(path.read_text(encoding="utf-8"))
    missing = sorted({f"{where}.{key}" for key, where in contract_keys(document)
                      if key not in names})  # fmt: skip
    assert not missing, f"docs/json.md does not name these keys of {path.name}: {missing}"


def test_every_spec_section_and_key_is_documented() -> None:
    names = documented("spec.md")
    for section, cls in section_types().items():
        assert f"[{section}]" in names, f"docs/spec.md has no [{section}] section"
        for key in (f.name for f in fields(cls)):
            assert key in names or f"[{section}.{key}]" in names, f"[{section}] {key}"


@pytest.mark.parametrize(
    "page", ["README.md", *(f"docs/{p.name}" for p in sorted(DOCS.glob("*.md")))]
)
def test_local_links_lead_to_files(page: str) -> None:
    path = REPO / page
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
        if "://" not in target:
            assert (path.parent / target).exists(), f"{page} links to missing {target}"


#: Places outside the clone that a user never has: the sibling folders of the workspace the
#: project grew up in (built by concatenation so that this file does not match itself).
OUTSIDE = ("../" + "shared", "../" + "data/", "survey" + "-spec")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".json"}


def repository_texts() -> Iterator[Path]:
    """The repository's own text files (no virtualenvs, caches, builds or reference data)."""
    for path in REPO.rglob("*"):
        parts = path.relative_to(REPO).parts
        if any(
            p.startswith(".") or p in {"build", "dist"} or p.endswith(".egg-info") for p in parts
        ):
            continue
        if path.suffix in TEXT_SUFFIXES and parts[:2] != ("tests", "data"):
            yield path


def test_nothing_points_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(REPO)}: {needle}"
        for path in repository_texts()
        for needle in OUTSIDE
        if needle in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert not found, f"pointers outside the clone: {found}"
