"""The shared test helpers (tests/helpers.py): environment of a subprocess crawl, local server, polling."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.helpers import ROOT, PageHandler, crawl_env, free_port, local_server, wait_for


def test_crawl_env_keeps_every_modwatch_path_in_the_folder(tmp_path):
    env = crawl_env(tmp_path, MODWATCH_SITES_FILE=tmp_path / "sites.yaml", MODWATCH_LOG_LEVEL="DEBUG")
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT)
    assert (env["MODWATCH_DB"], env["MODWATCH_WARC_DIR"], env["MODWATCH_HTTPCACHE_DIR"], env["MODWATCH_REPLAY"]) == (
        str(tmp_path / "modwatch.db"),
        str(tmp_path / "warc"),
        str(tmp_path / "httpcache"),
        "",
    )
    assert env["MODWATCH_SITES_FILE"] == str(tmp_path / "sites.yaml") and env["MODWATCH_LOG_LEVEL"] == "DEBUG"
    # what the project's settings.py reads from it, in a subprocess started outside the repository
    code = "import settings; print(settings.MODWATCH_DB, settings.HTTPCACHE_DIR, settings.LOG_LEVEL)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.stdout.split() == [str(tmp_path / "modwatch.db"), str(tmp_path / "httpcache"), "DEBUG"], out.stderr


class Echo(PageHandler):
    def do_GET(self):  # noqa: N802 (http.server API)
        if self.path == "/page":
            return self.send(200, "Café".encode(), headers={"X-Seen": "yes"})
        return self.send(404, b"not found", "text/plain")


def test_local_server_serves_the_handler_and_stops():
    with local_server(Echo) as base:
        with urllib.request.urlopen(base + "/page", timeout=5) as response:
            assert (response.status, response.read().decode(), response.headers["X-Seen"]) == (200, "Café", "yes")
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(base + "/other", timeout=5)
        assert error.value.code == 404
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "/page", timeout=2)


def test_free_port_is_bindable():
    import socket

    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_wait_for_returns_the_value_or_fails_naming_what():
    values = iter([0, [], "ready"])
    assert wait_for(lambda: next(values), timeout=5, interval=0.01) == "ready"
    with pytest.raises(AssertionError, match="timed out after 0.05s waiting for the moon"):
        wait_for(lambda: False, timeout=0.05, what="the moon", interval=0.01)
