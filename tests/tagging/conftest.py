"""Fixtures of the tagging tests: real article texts and the Vietnam seed tables (see
``tests/fixtures/tagging/SOURCE.md``)."""

import csv
import json
from pathlib import Path

import pytest

from modwatch.tagging import load_vocabulary

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tagging"


def articles() -> dict[str, dict]:
    """``{fixture id: {id, origin, url, language, title, body}}`` from ``articles.json``."""
    entries = json.loads((FIXTURES / "articles.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in entries}


def seed_rows(name: str, url_column: str) -> dict[str, list[dict]]:
    """Rows of a Vietnam seed table grouped by page URL (a page may have several rows)."""
    grouped: dict[str, list[dict]] = {}
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped.setdefault(row[url_column], []).append(row)
    return grouped


def seed_text(url: str) -> str:
    """Every cell of every row about ``url`` in both seed tables, one cell per line: the real
    quoted wording, outlet names, notes and the URL itself."""
    lines = []
    for name, column in (("seed_urls.csv", "url"), ("mic_platform_takedown_figures.compiled.csv", "source_url")):
        for row in seed_rows(name, column).get(url, []):
            lines.extend(value for value in row.values() if value)
    assert lines, f"no seed row for {url}"
    return "\n".join(lines)


@pytest.fixture(scope="session")
def vocabulary():
    return load_vocabulary()


@pytest.fixture(scope="session")
def real_articles():
    return articles()
