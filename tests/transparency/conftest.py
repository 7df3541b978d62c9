"""Fixtures of the transparency tests: a loader of the real report files into a migrated DB."""

import pytest

from modwatch.load.datasets import load_dataset
from tests.helpers import report_file

GOOGLE_URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"


@pytest.fixture
def load(memory_db):
    """``load(parser, file_name, *, source=None, url=None, data=None) -> result dict`` into ``memory_db``."""

    def run(parser, name, *, source=None, url=None, data=None):
        return load_dataset(
            memory_db,
            parser=parser,
            source=source or parser,
            url=url or f"https://example.org/files/{name}",
            data=report_file(name).read_bytes() if data is None else data,
            fetched_at="2026-11-29T12:00:00Z",
        )

    return run
