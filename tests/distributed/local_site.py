"""A local news site on 127.0.0.1 serving real pages, counting every hit (tests and benchmark).

:class:`LocalSite` serves, for each site key: ``/<key>/sitemap.xml`` (an XML sitemap listing the
site's pages), ``/<key>/<id>.html`` (a real page; sent gzip-encoded to clients that accept it,
as a real server would) and 404 for anything else (``/robots.txt``, ``/<key>/feed/``...).
Each answer can be delayed (``delay`` seconds, network latency). ``hits`` counts requests per
path, ``agents`` per (User-Agent, path). Threads: one per connection.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import yaml


class LocalSite:
    def __init__(self, pages: dict[str, dict[str, bytes]], *, delay: float = 0.0):
        """``pages``: ``{site key: {page id: gzip-compressed HTML}}``."""
        self.pages = pages
        self.delay = delay
        self.hits: Counter = Counter()
        self.agents: Counter = Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def page_paths(self) -> list[str]:
        return [f"/{key}/{page}.html" for key, pages in self.pages.items() for page in pages]

    def sitemap(self, key: str) -> bytes:
        urls = "".join(f"<url><loc>{escape(self.url)}{key}/{page}.html</loc></url>" for page in self.pages[key])
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>\n"
        ).encode()

    def write_sites_file(self, path: Path, discovery=("rss", "sitemap")) -> Path:
        """A modwatch sites file for these sites: the feed is tried first (404), then the sitemap."""
        sites = [
            {
                "key": key,
                "name": f"Local {key}",
                "base_url": f"{self.url}{key}/",
                "language": "en",
                "discovery": list(discovery),
                "feeds": ["feed/"],
                "sitemaps": ["sitemap.xml"],
                "article_url_pattern": rf"^/{key}/[0-9a-f]+\.html$",
            }
            for key in self.pages
        ]
        path.write_text(yaml.safe_dump({"sites": sites}, sort_keys=False), encoding="utf-8")
        return path

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                with site.lock:
                    site.hits[path] += 1
                    site.agents[(self.headers.get("User-Agent", ""), path)] += 1
                if site.delay:
                    time.sleep(site.delay)
                parts = path.strip("/").split("/")
                body, content_type, encoding = None, "text/html; charset=utf-8", None
                if len(parts) == 2 and parts[0] in site.pages:
                    key, name = parts
                    if name == "sitemap.xml":
                        body, content_type = site.sitemap(key), "application/xml"
                    elif name.endswith(".html") and name[:-5] in site.pages[key]:
                        body = site.pages[key][name[:-5]]
                        if "gzip" in self.headers.get("Accept-Encoding", ""):
                            encoding = "gzip"
                        else:
                            body = gzip.decompress(body)
                if body is None:
                    body, content_type, encoding = b"not found", "text/plain", None
                self.send_response(200 if content_type != "text/plain" else 404)
                self.send_header("Content-Type", content_type)
                if encoding:
                    self.send_header("Content-Encoding", encoding)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
