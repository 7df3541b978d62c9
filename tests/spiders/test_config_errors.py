"""A crawl that cannot start says why in one line: sites file, spider arguments (new-user finding 12)."""

import logging
import subprocess
import sys

import pytest

from modwatch.errors import ConfigurationError, StartupErrorFilter
from modwatch.sites import DEFAULT_SITES_FILE, SitesConfigError, load_sites
from spiders.meta_restrictions import parse_period
from tests.helpers import ROOT, crawl_env, modwatch

SNAPSHOT = ROOT / "demo" / "snapshot.warc.gz"  # a real binary file


@pytest.fixture
def broken_sites(tmp_path):
    """The real sites file with its first key mistyped (a space in it)."""
    text = DEFAULT_SITES_FILE.read_text(encoding="utf-8")
    first_key = text.split("- key: ", 1)[1].split()[0]
    path = tmp_path / "sites.yaml"
    path.write_text(text.replace(f"- key: {first_key}", f"- key: {first_key} news", 1), encoding="utf-8")
    return path, first_key


def test_binary_sites_file():
    with pytest.raises(SitesConfigError, match=rf"^{SNAPSHOT}: not a UTF-8 text file \(byte 0x8b at offset 1\)$"):
        load_sites(SNAPSHOT)


def test_missing_sites_file(tmp_path):
    with pytest.raises(SitesConfigError, match=r"nope\.yaml: cannot read the sites file: No such file or directory$"):
        load_sites(tmp_path / "nope.yaml")


@pytest.mark.parametrize("value, period", [("2018-H2", (2018, 2)), ("2018H2", (2018, 2)), (" 2023-h1", (2023, 1))])
def test_meta_periods(value, period):
    assert parse_period(value) == period


@pytest.mark.parametrize("value", ["2018-H3", "H2-2018", "2018", "18-H2"])
def test_meta_period_of_the_wrong_shape(value):
    with pytest.raises(ConfigurationError, match=rf"-a periods: '{value}' is not a half-year like 2018-H2"):
        parse_period(value)


def scrapy_crawl(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", *args],
        cwd=ROOT,
        env=crawl_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("case", ["invalid key", "binary", "missing", "meta periods"])
def test_scrapy_crawl_stops_with_one_line(tmp_path, broken_sites, case):
    path, first_key = broken_sites
    args, message = {
        "invalid key": (
            ["news", "-a", f"sites_file={path}"],
            f"{path}: site #1 ({first_key} news): key must match [a-z0-9_-]+",
        ),
        "binary": (["news", "-a", f"sites_file={SNAPSHOT}"], f"{SNAPSHOT}: not a UTF-8 text file"),
        "missing": (
            ["news", "-a", f"sites_file={tmp_path / 'nope.yaml'}"],
            f"{tmp_path / 'nope.yaml'}: cannot read the sites file",
        ),
        "meta periods": (
            ["meta_restrictions", "-a", "periods=2018-H3"],
            "meta_restrictions: -a periods: '2018-H3' is not a half-year like 2018-H2",
        ),
    }[case]
    result = scrapy_crawl(tmp_path, *args)
    assert result.returncode == 1
    assert f"ERROR: crawl not started: {message}" in result.stderr
    assert "Traceback" not in result.stderr and "never retrieved" not in result.stderr


def test_modwatch_crawl_shows_the_reason(tmp_path, broken_sites):
    path, first_key = broken_sites
    result = subprocess.run(
        modwatch("crawl", "news", "--logs-dir", tmp_path / "logs", "--jobs-dir", tmp_path / "jobs"),
        cwd=ROOT,
        env=crawl_env(tmp_path, MODWATCH_SITES_FILE=path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert (
        f"  news: no crawl run recorded (exit status 1): crawl not started: {path}: site #1 ({first_key} news): "
        "key must match [a-z0-9_-]+"
    ) in result.stdout


def test_other_exceptions_keep_their_traceback():
    def record(error):
        return logging.LogRecord(
            "asyncio",
            logging.ERROR,
            __file__,
            1,
            "Task exception was never retrieved\nfuture: x",
            None,
            (type(error), error, None),
        )

    config, other = record(ConfigurationError("bad value")), record(RuntimeError("bug"))
    assert StartupErrorFilter().filter(config) and StartupErrorFilter().filter(other)
    assert (config.getMessage(), config.exc_info) == ("crawl not started: bad value", None)
    assert other.getMessage().startswith("Task exception was never retrieved") and other.exc_info[1].args == ("bug",)
