"""The house rules that tools check: ``ruff check`` (lint) and ``lint-imports`` (the layers: the root
Scrapy project -> ``modwatch/`` -> ``db/``, never back; see ``pyproject.toml`` and ARCHITECTURE.md)."""

import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def test_ruff_check_passes():
    result = run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout


def test_import_contracts_are_kept():
    result = run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_every_component_in_settings_names_a_root_package():
    """settings.py names the Scrapy parts by dotted path: each is a root package of the Scrapy project (or
    Scrapy's own), never the library ``modwatch`` or the storage ``db``."""
    import settings

    paths = [*settings.DOWNLOADER_MIDDLEWARES, *settings.SPIDER_MIDDLEWARES, *settings.ITEM_PIPELINES,
             *settings.EXTENSIONS, *settings.ADDONS, *settings.DOWNLOAD_HANDLERS.values(), settings.HTTPCACHE_STORAGE,
             settings.HTTPCACHE_POLICY]
    assert len(paths) == 17
    roots = {path.split(".")[0] for path in paths}
    assert roots == {"middlewares", "pipelines", "extensions", "scrapy"}
