"""Fixtures of the transparency tests: the real report files and a loader into a migrated DB."""

import pytest

from modwatch.load.datasets import load_dataset
from tests.helpers import report_file

GOOGLE_URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"


def fixture_bytes(name: str) -> bytes:
    """A report file by name: the demo snapshot's copy or ``tests/fixtures/transparency/`` (tests.helpers.report_file)."""
    return report_file(name).read_bytes()


@pytest.fixture
def read_fixture():
    """``read_fixture(name) -> bytes`` of a real report file (:func:`fixture_bytes`)."""
    return fixture_bytes


@pytest.fixture
def load(memory_db):
    """``load(parser, file_name, *, source=None, url=None, data=None) -> result dict`` into ``memory_db``."""

    def run(parser, name, *, source=None, url=None, data=None):
        return load_dataset(
            memory_db,
            parser=parser,
            source=source or parser,
            url=url or f"https://example.org/files/{name}",
            data=fixture_bytes(name) if data is None else data,
            fetched_at="2026-11-29T12:00:00Z",
        )

    return run
