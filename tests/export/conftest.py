"""Fixture: a database built from real data (``tests/datasette/sitedb.py``)."""

import pytest

from tests.datasette import sitedb


@pytest.fixture(scope="session")
def site_db(tmp_path_factory):
    return sitedb.build(tmp_path_factory.mktemp("export-site") / "modwatch.db")
