"""The charset conflict end to end: a live Scrapy crawl (project settings, local server) into SQLite.

The server sends ``Content-Type: text/html; charset=utf-8`` with a body in windows-1252 that
declares ``<meta charset="windows-1252">``; DeclaredCharsetMiddleware (registered in settings.py)
must make the stored title and body read ``Café – naïve``, not U+FFFD garbage.
"""

import http.server
import json
import threading
from pathlib import Path

import pytest

import db

SPIDER = f"{Path(__file__).resolve().parent.parent / 'archive' / 'archive_spiders.py'}:PageSpider"
PAGE = ('<html><head><meta charset="windows-1252"><title>Café – naïve</title></head>'
        "<body><p>Café – naïve, “quoted”.</p></body></html>").encode("cp1252")
LIVE = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "HTTPCACHE_ENABLED": False}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body, status, content_type = (PAGE, 200, "text/html; charset=utf-8") if self.path == "/page" \
            else (b"not found", 404, "text/plain")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_crawl_stores_text_decoded_with_declared_charset(run_crawl, db_path, server):
    run_crawl(SPIDER, db=db_path, settings=LIVE, spider_args={"urls": f"{server}/page"})
    database = db.connect(db_path)
    article = database["articles"].get(1)
    assert article["title"] == "Café – naïve"
    assert article["body"] == "Café – naïve, “quoted”."
    stats = json.loads(database["crawl_runs"].get(1)["stats_json"] or "{}")
    assert stats.get("modwatch/charset_overridden") == 1
