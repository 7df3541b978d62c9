"""Benchmark: distributed crawl (1, 2, 4 scrapy-redis workers + writer) vs plain single-process Scrapy.

The same crawl in each run: the ``news`` spider over a local site on 127.0.0.1
(``tests/distributed/local_site.py``) serving ``--pages`` real pages of the htmldate evaluation
set (``../shared/data/date-benchmark/pages``, or ``$MODWATCH_SHARED``; real sizes, median about
30 KiB, gzip-encoded on the wire) split over ``--sites`` sites, each found through its XML
sitemap after a 404 feed. Each page is parsed by modwatch's extractor and stored in a fresh
SQLite database.

- ``plain scrapy``: ``scrapy crawl news`` with the project settings (``SQLitePipeline`` in process);
- ``redis xN``: ``redis-server`` (own, random port, no persistence), ``distributed clear`` +
  ``seed``, N ``distributed worker`` processes and one ``distributed writer``.

Same settings everywhere: no robots.txt, no delay, no AutoThrottle, no HTTP cache,
``CONCURRENT_REQUESTS_PER_DOMAIN=8``. Time = from launching the processes to the last row
stored (the script polls ``articles`` + ``rejects`` every 0.05 s), so the start-up of Python
and Scrapy is counted for every run and the workers' idle wait before exiting is not; the
coordinator's ``clear`` and ``seed`` commands run before the clock starts (set-up, like writing
the sites file). Each line also gives when the first and the last page were fetched. Also
printed: CPU seconds of all the run's processes (workers, writer, crawl), pages per CPU-second
(the steadier figure on a shared machine), and every page's server hit count (must be 1).

Target (issue 7): ``redis x1`` keeps >= 70 % of plain Scrapy's pages/s. More workers scale
with free cores only: the page parsing is CPU-bound. Bulk DSA ingestion vs ``sqlite3 .import``
is measured by ``benchmarks/dsa_ingest.py`` (``--dsa-rows N`` runs it after the crawls).

Usage: ``python benchmarks/distributed_crawl.py [--pages 300] [--sites 4] [--workers 1 2 4] [--repeat 1]``
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdata import shared_data  # noqa: E402  (benchmarks/ is sys.path[0])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "distributed"))

from local_site import LocalSite  # noqa: E402

QUICK = {"ROBOTSTXT_OBEY": "False", "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0",
         "HTTPCACHE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "TELNETCONSOLE_ENABLED": "False",
         "LOG_LEVEL": "INFO"}


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stored_rows(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM rejects)").fetchone()[0]
    except sqlite3.Error:  # not migrated yet
        return 0


def watch(processes: list[subprocess.Popen], db_path: Path, start: float, site: LocalSite,
          timeout: float = 1800) -> tuple[float, int, dict]:
    """Wait for ``processes``; return (seconds from ``start`` to the last change of the row count,
    rows, {"first page": s, "last page": s} seconds from ``start`` to the first and last page hit)."""
    rows, last_change, marks = 0, start, {}
    paths = site.page_paths()
    while any(p.poll() is None for p in processes):
        now_rows = stored_rows(db_path)
        if now_rows != rows:
            rows, last_change = now_rows, time.perf_counter()
        fetched = sum(1 for path in paths if site.hits[path])
        if fetched and "first page" not in marks:
            marks["first page"] = time.perf_counter() - start
        if fetched == len(paths) and "last page" not in marks:
            marks["last page"] = time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            for p in processes:
                p.kill()
            raise SystemExit("run timed out")
        time.sleep(0.05)
    final = stored_rows(db_path)
    if final != rows:
        rows, last_change = final, time.perf_counter()
    bad = [p.args for p in processes if p.returncode != 0]
    if bad:
        raise SystemExit(f"failed: {bad}")
    return last_change - start, rows, marks


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def settings_args(extra: dict | None = None) -> list[str]:
    return [arg for name, value in {**QUICK, **(extra or {})}.items() for arg in ("-s", f"{name}={value}")]


def run_plain(site: LocalSite, env: dict, workdir: Path) -> dict:
    db_path = workdir / "plain.db"
    env = {**env, "MODWATCH_DB": str(db_path)}
    cpu, start = children_cpu(), time.perf_counter()
    with open(workdir / "plain.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "news", *settings_args()],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        seconds, rows, marks = watch([process], db_path, start, site)
    return {"seconds": seconds, "rows": rows, "cpu": children_cpu() - cpu, **marks}


def run_redis(site: LocalSite, env: dict, workdir: Path, workers: int, redis_url: str) -> dict:
    db_path = workdir / f"redis{workers}.db"
    env = {**env, "MODWATCH_DB": str(db_path), "MODWATCH_REDIS_URL": redis_url, "MODWATCH_WORKERS": "1",
           "MODWATCH_REDIS_POLL": "0.5"}
    cli = [sys.executable, "-m", "modwatch", "distributed"]
    subprocess.run([*cli, "clear", "news", "--items"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*cli, "seed", "news"], cwd=ROOT, env=env, check=True, capture_output=True)
    cpu, start = children_cpu(), time.perf_counter()
    logs, processes = [], []
    for n in range(workers):
        logs.append(open(workdir / f"redis{workers}-worker{n}.log", "w"))
        processes.append(subprocess.Popen([*cli, "worker", "news", "--max-idle", "2", *settings_args()],
                                          cwd=ROOT, env=env, stdout=logs[-1], stderr=subprocess.STDOUT))
    logs.append(open(workdir / f"redis{workers}-writer.log", "w"))
    processes.append(subprocess.Popen([*cli, "writer", "news", "--db", str(db_path)], cwd=ROOT, env=env,
                                      stdout=logs[-1], stderr=subprocess.STDOUT))
    try:
        seconds, rows, marks = watch(processes, db_path, start, site)
    finally:
        for log in logs:
            log.close()
    return {"seconds": seconds, "rows": rows, "cpu": children_cpu() - cpu, **marks}


def line(label: str, result: dict, pages: int, reference: dict | None) -> str:
    rate, cpu_rate = pages / result["seconds"], pages / result["cpu"]
    text = (f"{label:<14} {pages:>5} pages {result['rows']:>5} rows {result['seconds']:>7.1f} s "
            f"{rate:>7.1f} pages/s  {result['cpu']:>7.1f} CPU-s {cpu_rate:>6.1f} pages/CPU-s")
    text += f"  (pages fetched {result.get('first page', 0):.1f}-{result.get('last page', 0):.1f} s)"
    if reference:
        text += (f"  = {rate / (pages / reference['seconds']):.0%} (wall),"
                 f" {cpu_rate / (pages / reference['cpu']):.0%} (CPU) of plain")
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the fastest (wall) is shown")
    parser.add_argument("--dsa-rows", type=int, default=0, help="then run benchmarks/dsa_ingest.py --rows N")
    args = parser.parse_args(argv)
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("redis-server not found (Debian package redis-server; .ci/run installs it)")
    pages = load_pages(args.pages, args.sites)
    sizes = sorted(len(gzip.decompress(b)) for site in pages.values() for b in site.values())
    print(f"{args.pages} real pages (date-benchmark), {args.sites} sites, median {sizes[len(sizes) // 2] / 1024:.0f} KiB, "
          f"total {sum(sizes) / 2**20:.1f} MiB uncompressed; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    workdir = Path(tempfile.mkdtemp(prefix="distributed-bench-"))
    port = free_port()
    redis = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                              "--dir", str(workdir)], stdout=subprocess.DEVNULL)
    try:
        with LocalSite(pages) as site:
            env = {**os.environ, "PYTHONPATH": str(ROOT), "MODWATCH_SITES_FILE": str(site.write_sites_file(
                workdir / "sites.yaml")), "MODWATCH_WARC_DIR": str(workdir / "warc"),
                "MODWATCH_HTTPCACHE_DIR": str(workdir / "httpcache"), "MODWATCH_REPLAY": ""}
            paths = site.page_paths()
            results: dict[str, list[dict]] = {}
            for _ in range(args.repeat):  # interleaved: a busy moment of the machine hits every kind
                runs = [("plain scrapy", lambda: run_plain(site, env, workdir))]
                runs += [(f"redis x{n}", lambda n=n: run_redis(site, env, workdir, n, f"redis://127.0.0.1:{port}/0"))
                         for n in args.workers]
                for label, run in runs:
                    site.hits.clear()
                    result = run()
                    fetched = [site.hits[p] for p in paths]
                    if fetched != [1] * len(paths):
                        raise SystemExit(f"{label}: pages not fetched exactly once: "
                                         f"{sum(1 for n in fetched if n == 0)} missed, {sum(1 for n in fetched if n > 1)} repeated")
                    results.setdefault(label, []).append(result)
                    for path in workdir.glob("*.db*"):
                        path.unlink()
            best = {label: min(r, key=lambda x: x["seconds"]) for label, r in results.items()}
            print("every page fetched exactly once in every run (server-side count)")
            reference = best["plain scrapy"]
            for label, result in best.items():
                print(line(label, result, len(paths), None if label == "plain scrapy" else reference))
    finally:
        redis.terminate()
        redis.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    if args.dsa_rows:
        print()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "dsa_ingest.py"), "--rows", str(args.dsa_rows)],
                       check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
