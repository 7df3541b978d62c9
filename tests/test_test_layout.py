"""Rules of the test suite itself: each real file kept once, no test module importing from another.

- Fixture files (``tests/fixtures/``) never duplicate each other or a file of the demo snapshot
  (``demo/files/``) byte for byte: tests read the one copy (``tests.helpers``).
- Test modules share data and helpers through plain modules (``tests/helpers.py``,
  ``tests/<area>/helpers.py``, ``samples.py``...), never by importing a ``test_*`` module or a
  ``conftest`` (pytest loads those itself; importing them re-registers fixtures).
"""

import ast
import hashlib
from collections import defaultdict

import pytest

from tests.helpers import DEMO_FILES, FIXTURES, ROOT, report_file


def test_no_fixture_file_is_a_byte_copy_of_another_or_of_a_demo_file():
    by_digest = defaultdict(list)
    for folder in (FIXTURES, DEMO_FILES):
        for path in folder.rglob("*"):
            if path.is_file() and path.name != "SOURCE.md":
                by_digest[hashlib.sha256(path.read_bytes()).hexdigest()].append(str(path.relative_to(ROOT)))
    copies = [sorted(paths) for paths in by_digest.values() if len(paths) > 1]
    assert copies == []


def test_report_file_finds_the_one_copy():
    assert (
        report_file("google-government-removals.zip")
        == DEMO_FILES / "storage.googleapis.com" / "google-government-removals.zip"
    )
    assert report_file("GRFCR_map_2022_H1.derived.csv") == FIXTURES / "transparency" / "GRFCR_map_2022_H1.derived.csv"
    with pytest.raises(FileNotFoundError, match="Content_Restrictions_2099_H1.csv"):
        report_file("Content_Restrictions_2099_H1.csv")


def imported_test_modules(path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    names += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    return [
        name
        for name in names
        if name.startswith("tests.") and name.rpartition(".")[2].startswith(("test_", "conftest"))
    ]


def test_no_test_module_imports_another_test_module_or_a_conftest():
    offenders = {
        str(path.relative_to(ROOT)): imported_test_modules(path)
        for path in (ROOT / "tests").rglob("*.py")
        if "fixtures" not in path.parts
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_every_spider_has_its_test_module_under_tests_spiders():
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    loader = SpiderLoader.from_settings(get_project_settings())
    modules = {loader.load(name).__module__.rpartition(".")[2] for name in loader.list()}
    assert len(modules) >= 9
    tests = {path.stem for path in (ROOT / "tests" / "spiders").glob("test_*.py")}
    assert [m for m in sorted(modules) if not {f"test_{m}", f"test_{m}_spider"} & tests] == []
