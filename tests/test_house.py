"""The house rules that tools check: ``ruff check`` (lint) and ``lint-imports`` (the layers: the root
Scrapy project -> ``modwatch/`` -> ``db/``, never back; see ``pyproject.toml`` and ARCHITECTURE.md)."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.helpers import ROOT

BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_check_passes():
    result = run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout


def test_ruff_format_leaves_every_file_as_it_is():
    result = run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "already formatted" in result.stdout


def test_no_module_outside_tests_is_over_400_lines():
    modules = [
        path for path in ROOT.rglob("*.py") if not {".venv", "tests", "build"} & set(path.relative_to(ROOT).parts)
    ]
    assert len(modules) > 100
    long = {
        str(path.relative_to(ROOT)): n
        for path in modules
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_import_contracts_are_kept():
    result = run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout
    assert "The library runs without Scrapy (a notebook can import it) KEPT (1 ignored import)\n" in result.stdout
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    ignored = {import_ for contract in contracts["contracts"] for import_ in contract.get("ignore_imports", [])}
    assert ignored == {"modwatch.__main__ -> cli.main"}  # only the `python -m modwatch` entry script


def test_every_component_in_settings_names_a_root_package():
    """settings.py names the Scrapy parts by dotted path: each is a root package of the Scrapy project (or
    Scrapy's own), never the library ``modwatch`` or the storage ``db``."""
    import settings

    paths = [
        *settings.DOWNLOADER_MIDDLEWARES,
        *settings.SPIDER_MIDDLEWARES,
        *settings.ITEM_PIPELINES,
        *settings.EXTENSIONS,
        *settings.ADDONS,
        *settings.DOWNLOAD_HANDLERS.values(),
        settings.HTTPCACHE_STORAGE,
        settings.HTTPCACHE_POLICY,
    ]
    assert len(paths) == 17
    roots = {path.split(".")[0] for path in paths}
    assert roots == {"middlewares", "pipelines", "extensions", "scrapy"}


def _named_paths(text: str) -> list[tuple[str, str]]:
    """``(folder, path)`` for every file or folder name in ``text`` (``x/``, ``x/y.py``, ``settings.py``):
    ``folder`` is where the line's first name lives, for names relative to it (``routes.py`` of ``pipelines/``)."""
    found = []
    for line in text.splitlines():
        indent = "modwatch/" if line.startswith("  ") and not line.startswith("   ") else ""
        names = re.findall(r"(?<![\w./*-])([\w.-]+(?:/[\w.*-]*)*(?:/|\.(?:py|ya?ml|toml|md)))(?![\w/])", line)
        first = indent + names[0] if names else ""
        folder = first.rstrip("/") if first.endswith("/") else first.rpartition("/")[0]
        found += [(folder, indent + name) for name in names]
        found += [("", name) for name in names if indent]  # a name in a modwatch/ line may also be the repository's
    return found


def test_readme_and_architecture_name_paths_that_exist():
    """README's "How it fits together" and ARCHITECTURE.md name the tree as it is: every path exists (a file or
    folder name is looked up at the root, in ``modwatch/`` and beside the first name of its line)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it fits together", 1)[1].split("\n## ", 1)[0]
    architecture = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = _named_paths(section) + _named_paths(architecture)
    missing = set()
    for folder, name in named:
        plain = name.removeprefix("modwatch/")
        places = {name, plain, f"modwatch/{plain}", f"{folder}/{plain}" if folder else plain}
        if not any(list(ROOT.glob(place.rstrip("/"))) for place in places if place.rstrip("/")):
            missing.add(name)
    assert {name for _, name in named} >= {
        "cli/",
        "spiders/",
        "modwatch/extract/",
        "db/",
        "pipelines/routes.py",
        "datasette/metadata.yml",
        "items.py",
    }
    assert missing == set()
