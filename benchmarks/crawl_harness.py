"""The processes of benchmarks/distributed_crawl.py: the local site's pages, one crawl (bare spider,
full pipeline, Redis workers) in a subprocess with its CPU time and stored rows, parse_article alone."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from benchdata import shared_data  # noqa: E402  (benchmarks/ is sys.path[0])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "distributed"))
sys.path.insert(0, str(ROOT))

from local_site import LocalSite  # noqa: E402

QUICK = {
    "ROBOTSTXT_OBEY": "False",
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "HTTPCACHE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "TELNETCONSOLE_ENABLED": "False",
    "LOG_LEVEL": "INFO",
}


def shared_pages() -> Path:
    return shared_data() / "date-benchmark" / "pages"


def load_pages(count: int, sites: int) -> dict[str, dict[str, bytes]]:
    """``count`` real pages (gzip bytes, sorted by name) dealt round-robin into ``sites`` sites."""
    files = sorted(shared_pages().glob("*.gz"))[:count]
    if len(files) < count:
        raise SystemExit(f"only {len(files)} pages in {shared_pages()}")
    pages: dict[str, dict[str, bytes]] = {f"site{i}": {} for i in range(sites)}
    for n, path in enumerate(files):
        page_id = hashlib.sha1(path.name.encode()).hexdigest()[:16]
        pages[f"site{n % sites}"][page_id] = path.read_bytes()
    return pages


def stored_rows(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute(
                "SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM rejects)"
                " + (SELECT coalesce(sum(last_seen_at > first_seen_at), 0) FROM articles)"
            ).fetchone()[0]
    except sqlite3.Error:  # not migrated yet
        return 0


def watch(
    processes: list[subprocess.Popen], db_path: Path | None, start: float, site: LocalSite, timeout: float = 3600
) -> tuple[float, dict]:
    """Wait for ``processes``; return (seconds from ``start`` to the last change of the stored rows,
    or to the processes' exit without ``db_path``; {"first page": s, "last page": s} from ``start``)."""
    rows, last_change, marks = 0, start, {}
    paths = site.page_paths()
    while any(p.poll() is None for p in processes):
        if db_path is not None:
            now_rows = stored_rows(db_path)
            if now_rows != rows:
                rows, last_change = now_rows, time.perf_counter()
        fetched = sum(1 for path in paths if site.hits[path])
        if fetched and "first page" not in marks:
            marks["first page"] = time.perf_counter() - start
        if paths and fetched == len(paths) and "last page" not in marks:
            marks["last page"] = time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            for p in processes:
                p.kill()
            raise SystemExit("run timed out")
        time.sleep(0.05)
    end = time.perf_counter()
    if db_path is not None:
        final = stored_rows(db_path)
        end = time.perf_counter() if final != rows else last_change
    bad = [p.args for p in processes if p.returncode != 0]
    if bad:
        raise SystemExit(f"failed: {bad}")
    return end - start, marks


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def settings_args(extra: dict | None = None) -> list[str]:
    return [arg for name, value in {**QUICK, **(extra or {})}.items() for arg in ("-s", f"{name}={value}")]


def run_bare(site: LocalSite, env: dict, workdir: Path, label: str) -> dict:
    """The bare spider, from ``workdir`` (outside the project: Scrapy's defaults + the same -s settings)."""
    env = {key: value for key, value in env.items() if key not in ("SCRAPY_SETTINGS_MODULE", "PYTHONPATH")}
    sites = ",".join(f"{site.url}{key}/" for key in site.pages)
    cpu, start = children_cpu(), time.perf_counter()
    with open(workdir / f"{label}.log", "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scrapy",
                "runspider",
                str(ROOT / "benchmarks" / "bare_spider.py"),
                "-a",
                f"sites={sites}",
                *settings_args(),
            ],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        seconds, marks = watch([process], None, start, site)
    return {"seconds": seconds, "cpu": children_cpu() - cpu, **marks}


def run_pipeline(site: LocalSite, env: dict, workdir: Path, db_path: Path, label: str) -> dict:
    """``scrapy crawl news`` with the project settings into ``db_path``."""
    env = {**env, "MODWATCH_DB": str(db_path)}
    cpu, start = children_cpu(), time.perf_counter()
    with open(workdir / f"{label}.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "news", *settings_args()],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        seconds, marks = watch([process], db_path, start, site)
    return {"seconds": seconds, "cpu": children_cpu() - cpu, "rows": stored_rows(db_path), **marks}


def run_redis(site: LocalSite, env: dict, workdir: Path, workers: int, redis_url: str) -> dict:
    db_path = workdir / f"redis{workers}.db"
    env = {
        **env,
        "MODWATCH_DB": str(db_path),
        "MODWATCH_REDIS_URL": redis_url,
        "MODWATCH_WORKERS": "1",
        "MODWATCH_REDIS_POLL": "0.5",
    }
    cli = [sys.executable, "-m", "modwatch", "distributed"]
    subprocess.run([*cli, "clear", "news", "--items"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*cli, "seed", "news"], cwd=ROOT, env=env, check=True, capture_output=True)
    cpu, start = children_cpu(), time.perf_counter()
    logs, processes = [], []
    for n in range(workers):
        logs.append(open(workdir / f"redis{workers}-worker{n}.log", "w"))
        processes.append(
            subprocess.Popen(
                [*cli, "worker", "news", "--max-idle", "2", *settings_args()],
                cwd=ROOT,
                env=env,
                stdout=logs[-1],
                stderr=subprocess.STDOUT,
            )
        )
    logs.append(open(workdir / f"redis{workers}-writer.log", "w"))
    processes.append(
        subprocess.Popen(
            [*cli, "writer", "news", "--db", str(db_path)], cwd=ROOT, env=env, stdout=logs[-1], stderr=subprocess.STDOUT
        )
    )
    try:
        seconds, marks = watch(processes, db_path, start, site)
    finally:
        for log in logs:
            log.close()
    return {"seconds": seconds, "cpu": children_cpu() - cpu, "rows": stored_rows(db_path), **marks}


# parse_article alone in a fresh process, as in a crawl: modules imported before the clock, but the first
# pages pay the extractor's lazy set-up (language model, dateparser tables, compiled patterns) as the crawl's do
CHILD_PARSE = r"""
import gzip, json, sys, time
sys.path[:0] = [sys.argv[1] + "/benchmarks", sys.argv[1] + "/tests/distributed", sys.argv[1]]
from scrapy.http import HtmlResponse
from modwatch.extract.article import parse_article
from distributed_crawl import load_pages
pages = load_pages(int(sys.argv[2]), int(sys.argv[3]))
base = sys.argv[4]
texts = [(f"{base}{key}/{page}.html", HtmlResponse(f"{base}{key}/{page}.html", body=gzip.decompress(body),
          headers={"Content-Type": "text/html; charset=utf-8"}).text)
         for key, site in pages.items() for page, body in site.items()]
cpu = 0.0
for url, text in texts:
    started = time.process_time()
    try:
        parse_article(text, url, language="en")
    except ValueError:  # an empty document: the spider rejects it after the same work
        pass
    cpu += time.process_time() - started
print(json.dumps({"cpu": cpu, "pages": len(texts)}))
"""


def parse_alone(count: int, sites: int, base_url: str) -> float:
    """CPU seconds of ``parse_article`` over the crawl's pages, as the spider calls it (page text decoded
    beforehand, outside the timing), in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD_PARSE, str(ROOT), str(count), str(sites), base_url],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["cpu"]
