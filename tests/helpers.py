"""Helpers shared by the tests: project paths, the environment of a crawl in a subprocess, a free
TCP port, polling, and a local HTTP server on 127.0.0.1.

- :func:`crawl_env`: ``os.environ`` plus the project on ``PYTHONPATH`` and every modwatch path
  (database, WARC folder, HTTP cache) inside one folder, live (no replay) unless told otherwise.
- :func:`modwatch`: the argv of ``python -m modwatch ...`` (run with ``cwd=ROOT``).
- :func:`free_port`, :func:`wait_for`.
- :func:`start_serve`, :func:`stop_process`, :func:`served_rows`: a real ``python -m modwatch serve`` and
  what it answers to SQL.
- :class:`PageHandler` and :func:`local_server`: a threaded HTTP server for a handler class.
- Real files kept once: pages and feeds of the demo snapshot (``WIKIMEDIA_PAGE``...) and
  :func:`report_file` for the platforms' transparency reports.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
#: the real files of the demo snapshot (origins in demo/SOURCES.md); tests read them there, no copies
DEMO_FILES = ROOT / "demo" / "files"

#: real article pages and feeds of the demo snapshot that the tests read
WIKIMEDIA_PAGE = DEMO_FILES / "wikimediafoundation.org" / "access-to-wikipedia-restored-in-turkey.html"
DH2020_PAGE = DEMO_FILES / "dh2020.adho.org" / "post-farewell-ottawa.html"
KULU_PAGE = DEMO_FILES / "kulu-media.com" / "meta-outage-hits-facebook-instagram-and-messenger.html"
NETZPOLITIK_PAGE = DEMO_FILES / "netzpolitik.org" / "die-cider-connection-abmahnungen.html"
ACLU_PAGE = DEMO_FILES / "www.aclu.org" / "facebook-tracking-me-even-though-im-not-facebook.html"
WPTAVERN_PAGE = DEMO_FILES / "wptavern.com" / "stack-overflow-jobs-data-shows-reactjs-skills.html"
VI_FEED = DEMO_FILES / "99hainnguyen.github.io" / "category-tin-tuc-feed.xml"

#: folders of demo/files/ that hold the platforms' transparency report files
REPORT_FOLDERS = (
    DEMO_FILES / "storage.googleapis.com",
    DEMO_FILES / "raw.githubusercontent.com" / "joe-sturla",
    DEMO_FILES / "raw.githubusercontent.com" / "krmaynard",
)

T = TypeVar("T")


def report_file(name: str) -> Path:
    """A platform transparency report file by its file name (``Content_Restrictions_2023_H2.csv``).

    The demo snapshot's copy (``demo/files/``, origins in ``demo/SOURCES.md``) if it has one, else
    ``tests/fixtures/transparency/<name>`` (origins in its SOURCE.md): each file is kept once.
    Raises ``FileNotFoundError`` if neither exists.
    """
    for path in [folder / name for folder in REPORT_FOLDERS] + [FIXTURES / "transparency" / name]:
        if path.is_file():
            return path
    raise FileNotFoundError(f"no report file {name!r} in {', '.join(map(str, REPORT_FOLDERS))} or tests/fixtures")


def crawl_env(folder: Path, **variables: object) -> dict[str, str]:
    """Environment of a ``scrapy``/``python -m modwatch`` subprocess whose state lives in ``folder``.

    ``os.environ``, the repository root first on ``PYTHONPATH``, ``MODWATCH_DB`` =
    ``folder/modwatch.db``, ``MODWATCH_WARC_DIR`` = ``folder/warc``, ``MODWATCH_HTTPCACHE_DIR`` =
    ``folder/httpcache``, ``MODWATCH_REPLAY`` = ``""`` (live), then ``variables`` (values
    ``str()``-ed). Env vars, not ``-s`` settings, because ``settings.py`` reads them at import.
    """
    folder = Path(folder)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "MODWATCH_DB": str(folder / "modwatch.db"),
        "MODWATCH_WARC_DIR": str(folder / "warc"),
        "MODWATCH_HTTPCACHE_DIR": str(folder / "httpcache"),
        "MODWATCH_REPLAY": "",
    }
    env.update({name: str(value) for name, value in variables.items()})
    return env


def modwatch(*args: object) -> list[str]:
    """``[python, "-m", "modwatch", *args]`` with this interpreter (the venv's)."""
    return [sys.executable, "-m", "modwatch", *map(str, args)]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], T], timeout: float = 30.0, what: str = "", interval: float = 0.1) -> T:
    """Call ``predicate`` every ``interval`` seconds until it returns a true value; return that value.

    Raises ``AssertionError`` naming ``what`` (or the predicate) after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


class PageHandler(BaseHTTPRequestHandler):
    """A quiet request handler with :meth:`send`; subclasses implement ``do_GET``."""

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``status`` with ``body`` (bytes as sent), its Content-Type and Length, and ``headers``."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def local_server(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``handler`` on ``host`` (127.0.0.1; another loopback address such as 127.0.0.2 plays a
    second host) on a free port, one thread per connection; yield the base URL
    ``http://<host>:<port>`` (no trailing slash); shut down on exit."""
    httpd = ThreadingHTTPServer((host, 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def start_serve(path, port: int):
    """``python -m modwatch serve path`` (serve's own options: immutable by default) on ``port``, once it
    answers; its own process group (:func:`stop_process`)."""
    import subprocess
    import urllib.request

    process = subprocess.Popen(
        modwatch("serve", path, "--port", port),
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def answers():
        assert process.poll() is None, process.stderr.read().decode()
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1).status == 200
        except OSError:
            return False

    wait_for(answers, timeout=60, what="serve to answer")
    return process


def stop_process(process) -> None:
    """Kill ``process``'s group (Datasette runs in the group ``serve`` started) and reap it."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(10)


def served_rows(base: str, sql: str) -> list:
    """The rows the site at ``base`` answers to ``sql``; anything but an HTTP 200 with rows raises."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{base}/modwatch.json?sql={urllib.request.quote(sql)}", timeout=10) as response:
        assert response.status == 200
        data = json.loads(response.read())
    assert data.get("ok", True) and "rows" in data, data
    return data["rows"]
