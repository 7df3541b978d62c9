"""pyproject.toml pins what the code imports: runtime imports in `dependencies`, nothing twice."""

import ast
import importlib.metadata
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: the project's own top-level modules (``build_snapshot`` is demo/build_snapshot.py)
LOCAL = {
    "modwatch",
    "spiders",
    "pipelines",
    "middlewares",
    "extensions",
    "distributed",
    "cli",
    "db",
    "items",
    "provenance",
    "settings",
    "settings_redis",
    "benchmarks",
    "tests",
    "build_snapshot",
}


def _pin_list(requirements) -> list[tuple[str, str]]:
    """``(normalised name, version)`` of each ``name==version`` requirement, in file order."""
    pins = []
    for requirement in requirements:
        name, version = requirement.split("==")
        pins.append((name.strip().lower().replace("_", "-"), version.strip()))
    return pins


def _pins(requirements) -> dict[str, str]:
    return dict(_pin_list(requirements))


def _imported_distributions(paths) -> dict[str, set[str]]:
    """distribution name -> files importing it, for every third-party import in ``paths``."""
    providers = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in LOCAL:
                    continue
                for distribution in providers.get(top, [top]):
                    found.setdefault(distribution.lower().replace("_", "-"), set()).add(str(path.relative_to(REPO)))
    return found


def _runtime_files():
    for package in ("modwatch", "spiders", "pipelines", "middlewares", "extensions", "distributed", "cli", "db"):
        yield from (REPO / package).rglob("*.py")
    for module in ("items", "provenance", "settings", "settings_redis"):
        yield REPO / f"{module}.py"


RUNTIME = _imported_distributions(_runtime_files())


@pytest.mark.parametrize("distribution", sorted(RUNTIME))
def test_every_runtime_import_is_pinned_in_dependencies(distribution):
    pins = _pins(PROJECT["dependencies"])
    assert distribution in pins, f"{distribution} imported by {sorted(RUNTIME[distribution])} but not pinned"
    assert importlib.metadata.version(distribution) == pins[distribution]


def test_runtime_dependencies_include_scrapys_parts_used_directly():
    assert {"twisted", "itemadapter", "parsel", "w3lib", "lxml"} <= set(RUNTIME)


def test_beautifulsoup_is_a_test_dependency_only():
    """modwatch parses HTML with lxml; bs4 serves the tests (tests/db/test_fts.py)."""
    assert "beautifulsoup4" not in RUNTIME
    assert "beautifulsoup4" not in _pins(PROJECT["dependencies"])
    assert "beautifulsoup4" in _pins(PROJECT["optional-dependencies"]["test"])


def test_no_package_is_pinned_twice():
    groups = [PROJECT["dependencies"], *PROJECT["optional-dependencies"].values()]
    names = [name for group in groups for name, _ in _pin_list(group)]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []
