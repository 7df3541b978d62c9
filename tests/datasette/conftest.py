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


@pytest.fixture(scope="session")
def served_site(site_db):
    """A real ``python -m modwatch serve site_db`` on a free 127.0.0.1 port (serve's own options):
    ``(base_url, pid)``; the pid is Datasette's (serve execs it). Stopped at the end of the session."""
    import os
    import signal
    import subprocess
    import urllib.request

    from tests.helpers import ROOT, free_port, modwatch, wait_for

    port = free_port()
    process = subprocess.Popen(
        modwatch("serve", site_db, "--port", port),
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        assert process.poll() is None, "serve exited before Datasette answered"
        try:
            return b"datasette" in urllib.request.urlopen(base + "/-/versions.json", timeout=1).read()
        except OSError:
            return False

    try:
        wait_for(answers, timeout=60, what="datasette to answer")
        yield base, process.pid
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
