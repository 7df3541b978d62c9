"""Fixtures: a database built from real data and a Datasette app configured as ``modwatch serve``."""

import asyncio

import pytest
import yaml
from datasette.app import Datasette

from modwatch import publish
from tests.datasette import sitedb


@pytest.fixture(scope="session")
def site_db(tmp_path_factory):
    """Path of ``modwatch.db`` built by :func:`tests.datasette.sitedb.build`."""
    return sitedb.build(tmp_path_factory.mktemp("site") / "modwatch.db")


@pytest.fixture(scope="session")
def datasette(site_db):
    """The Datasette app over ``site_db``, immutable, with modwatch's metadata, plugins and settings."""
    metadata = yaml.safe_load(publish.METADATA.read_text(encoding="utf-8"))
    ds = Datasette(
        immutables=[str(site_db)],
        metadata=metadata,
        plugins_dir=str(publish.PLUGINS_DIR),
        settings=publish.SETTINGS,
    )
    asyncio.run(ds.invoke_startup())
    return ds


@pytest.fixture(scope="session")
def get(datasette):
    """``get(path) -> httpx.Response`` from the app (no network)."""

    def _get(path, **kwargs):
        return asyncio.run(datasette.client.get(path, **kwargs))

    return _get
