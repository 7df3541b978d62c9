"""Benchmark: the modwatch crawl beside a bare Scrapy spider fetching the same pages, and its cost budget.

The same pages in each run: ``--pages`` real pages of the htmldate evaluation set
(``../shared/data/date-benchmark/pages``, or ``$MODWATCH_SHARED``; real sizes, median about 30 KiB,
gzip-encoded on the wire) split over ``--sites`` sites served from 127.0.0.1
(``tests/distributed/local_site.py``); each site answers 404 for its feed and lists its pages in an
XML sitemap.

- ``bare scrapy`` (the reference): ``scrapy runspider benchmarks/bare_spider.py`` from outside the
  project (no modwatch setting, middleware or pipeline): feed, sitemap, every page fetched, nothing
  parsed or stored;
- ``full pipeline``: ``scrapy crawl news`` with the project settings: discovery, ``parse_article``
  on every page, items with provenance, WARC, relevance and tagging, SQLite storage, a fresh database;
- ``re-crawl``: the same command again on the same database: unchanged pages (same sha256) are
  not parsed again (``middlewares.incremental.UnchangedArticleMiddleware``);
- ``parse_article alone``: modwatch's extraction of the same pages in a fresh process, CPU time of
  the calls only (the page text decoded beforehand, as Scrapy hands it to the spider);
- ``redis xN`` (``--workers``): ``redis-server`` (own port, no persistence), ``distributed clear`` +
  ``seed``, N ``distributed worker`` processes and one ``distributed writer``.

Same settings for every crawl: no robots.txt, no delay, no AutoThrottle, no HTTP cache,
``CONCURRENT_REQUESTS_PER_DOMAIN=8``. A crawl is timed from launching its processes to the last
row stored (rows polled every 0.05 s; the bare spider: to its exit); CPU = user + system time of
its processes. Each kind of crawl also runs once on the same sites with no pages, and *CPU per
page* = (CPU of the crawl - CPU of that empty crawl) / pages: start-up (imports, migrations,
vocabulary) is paid once per run, not per page. Every page's server hit count must be 1 in every
run (checked).

**Cost budget** (printed, not a test): the full pipeline's CPU per page must stay within the bare
spider's CPU per page plus ``parse_article``'s, plus 25 %: everything beyond parsing (items,
provenance, WARC, tagging, storage) stays a small share.

Figures: see the README (``benchmarks/run_all.py`` summary table).

Usage: ``python benchmarks/distributed_crawl.py [--pages 999] [--sites 4] [--workers 1 2] [--repeat 1]``
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchdata import free_port, same_work, summary  # noqa: E402  (benchmarks/ is sys.path[0])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "distributed"))
sys.path.insert(0, str(ROOT))

from local_site import LocalSite  # noqa: E402

from crawl_harness import load_pages, run_bare, run_pipeline, run_redis, parse_alone  # noqa: E402

#: the full pipeline's CPU per page may exceed bare fetching + parse_article by this share
BUDGET_MARGIN = 0.25


def per_page(result: dict, empty: dict, pages: int) -> float:
    """Milliseconds of CPU per page beyond the empty crawl's (start-up) CPU."""
    return max(result["cpu"] - empty["cpu"], 0.0) / pages * 1000


def budget(pipeline_ms: float, bare_ms: float, parse_ms: float, margin: float = BUDGET_MARGIN) -> tuple[bool, str]:
    """(within budget, the line that says so): pipeline <= (bare + parse) * (1 + margin)."""
    limit = (bare_ms + parse_ms) * (1 + margin)
    verdict = "within budget" if pipeline_ms <= limit else f"OVER budget by {pipeline_ms / limit - 1:.0%}"
    return pipeline_ms <= limit, (
        f"cost budget: full pipeline {pipeline_ms:.1f} ms CPU/page <= (bare Scrapy {bare_ms:.1f} + parse_article "
        f"{parse_ms:.1f}) x {1 + margin:.2f} = {limit:.1f} ms: {verdict}; beyond fetching and parsing "
        f"{max(pipeline_ms - bare_ms - parse_ms, 0):.1f} ms/page"
    )


def line(label: str, result: dict, pages: int, cpu_ms: float | None = None) -> str:
    text = (
        f"{label:<22} {pages:>5} pages {result['seconds']:>7.1f} s {pages / result['seconds']:>7.1f} pages/s "
        f"{result['cpu']:>7.1f} CPU-s"
    )
    if cpu_ms is not None:
        text += f" {cpu_ms:>6.1f} ms CPU/page"
    if "first page" in result:
        text += f"  (pages fetched {result.get('first page', 0):.1f}-{result.get('last page', 0):.1f} s)"
    return text


def check_hits(site: LocalSite, label: str) -> None:
    fetched = [site.hits[p] for p in site.page_paths()]
    if fetched != [1] * len(fetched):
        raise SystemExit(
            f"{label}: pages not fetched exactly once: "
            f"{sum(1 for n in fetched if n == 0)} missed, {sum(1 for n in fetched if n > 1)} repeated"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=999)
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="*", default=[1], help="redis workers per run (none: skip)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each crawl; the least CPU is kept")
    args = parser.parse_args(argv)
    binary = shutil.which("redis-server")
    if args.workers and not binary:
        raise SystemExit("redis-server not found (Debian package redis-server; .ci/run installs it)")
    pages = load_pages(args.pages, args.sites)
    sizes = sorted(len(gzip.decompress(b)) for site in pages.values() for b in site.values())
    print(
        f"{args.pages} real pages (date-benchmark), {args.sites} sites, "
        f"median {sizes[len(sizes) // 2] / 1024:.0f} KiB, "
        f"total {sum(sizes) / 2**20:.1f} MiB uncompressed; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    same_work(
        "`scrapy crawl news` (project settings: sitemap discovery, parse_article, items, WARC, tagging, "
        "SQLite) and the same crawl again on its database",
        "`scrapy runspider bare_spider.py` (Scrapy "
        "defaults: feed, sitemap, pages fetched, nothing parsed or stored); same pages from 127.0.0.1, "
        "same -s settings; parse_article alone on the same page texts in-process",
    )
    workdir = Path(tempfile.mkdtemp(prefix="crawl-bench-"))
    port = free_port()
    redis = (
        subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        if args.workers
        else None
    )
    try:
        results: dict[str, list[dict]] = {}
        with LocalSite({key: {} for key in pages}) as empty_site:
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "MODWATCH_SITES_FILE": str(empty_site.write_sites_file(workdir / "empty-sites.yaml")),
                "MODWATCH_WARC_DIR": str(workdir / "warc"),
                "MODWATCH_HTTPCACHE_DIR": str(workdir / "httpcache"),
                "MODWATCH_REPLAY": "",
            }
            empty = {
                "bare": run_bare(empty_site, env, workdir, "bare-empty"),
                "pipeline": run_pipeline(empty_site, env, workdir, workdir / "empty.db", "pipeline-empty"),
            }
        with LocalSite(pages) as site:
            env["MODWATCH_SITES_FILE"] = str(site.write_sites_file(workdir / "sites.yaml"))
            for _ in range(args.repeat):  # interleaved: a busy moment of the machine hits every kind
                runs = [
                    ("bare scrapy", lambda: run_bare(site, env, workdir, "bare")),
                    ("full pipeline", lambda: run_pipeline(site, env, workdir, workdir / "pipeline.db", "pipeline")),
                    (
                        "re-crawl, unchanged",
                        lambda: run_pipeline(site, env, workdir, workdir / "pipeline.db", "recrawl"),
                    ),
                ]
                runs += [
                    (f"redis x{n}", lambda n=n: run_redis(site, env, workdir, n, f"redis://127.0.0.1:{port}/0"))
                    for n in args.workers
                ]
                for label, run in runs:
                    site.hits.clear()
                    results.setdefault(label, []).append(run())
                    check_hits(site, label)
                for path in workdir.glob("*.db*"):
                    path.unlink()
            parse_cpu = parse_alone(args.pages, args.sites, site.url)
        print("every page fetched exactly once in every run (server-side count)")
        best = {label: min(r, key=lambda x: x["cpu"]) for label, r in results.items()}
        n = args.pages
        ms = {
            label: per_page(result, empty["bare" if label == "bare scrapy" else "pipeline"], n)
            for label, result in best.items()
        }
        print(
            f"start-up CPU (same crawl, sites without pages): bare {empty['bare']['cpu']:.1f} s, "
            f"modwatch {empty['pipeline']['cpu']:.1f} s"
        )
        for label, result in best.items():
            print(line(label, result, n, ms[label]))
        parse_ms = parse_cpu / n * 1000
        print(f"{'parse_article alone':<22} {n:>5} pages {parse_cpu:>7.1f} CPU-s {parse_ms:>6.1f} ms CPU/page")
        _ok, verdict = budget(ms["full pipeline"], ms["bare scrapy"], parse_ms)
        print(verdict)
        bare, full = best["bare scrapy"], best["full pipeline"]
        summary(
            f"crawl, {n} pages: CPU per page",
            f"{ms['full pipeline']:.1f} ms",
            f"{ms['bare scrapy']:.1f} ms",
            ms["full pipeline"] / ms["bare scrapy"] if ms["bare scrapy"] else None,  # a tiny run: within start-up
            "`scrapy crawl news` (parse, items, WARC, tagging, SQLite) vs bare Scrapy spider fetching the same "
            "pages from 127.0.0.1; start-up CPU subtracted",
        )
        summary(
            f"crawl, {n} pages: cost budget",
            f"{ms['full pipeline']:.1f} ms CPU/page",
            f"{(ms['bare scrapy'] + parse_ms) * (1 + BUDGET_MARGIN):.1f} ms",
            ms["full pipeline"] / ((ms["bare scrapy"] + parse_ms) * (1 + BUDGET_MARGIN)),
            f"full pipeline vs (bare fetch {ms['bare scrapy']:.1f} + parse_article alone {parse_ms:.1f}) + 25 %; "
            "ratio <= 1.00 is within budget",
        )
        summary(
            f"crawl, {n} pages: pages/s",
            f"{n / full['seconds']:.1f} pages/s",
            f"{n / bare['seconds']:.1f} pages/s",
            bare["seconds"] / full["seconds"],
            "full pipeline vs bare Scrapy spider, wall-clock from launch (start-up included)",
        )
        summary(
            f"re-crawl, {n} unchanged pages: CPU per page",
            f"{ms['re-crawl, unchanged']:.1f} ms",
            f"{ms['bare scrapy']:.1f} ms",
            ms["re-crawl, unchanged"] / ms["bare scrapy"] if ms["bare scrapy"] else None,
            "second `scrapy crawl news` on the same database (sha256 equal: not parsed) vs bare Scrapy fetch",
        )
        for workers in args.workers:
            redis_run = best[f"redis x{workers}"]
            summary(
                f"distributed crawl, {n} pages, {workers} worker{'s' if workers > 1 else ''} + writer",
                f"{n / redis_run['seconds']:.1f} pages/s",
                f"{n / full['seconds']:.1f} pages/s",
                full["seconds"] / redis_run["seconds"],
                "`modwatch distributed worker`s + writer (redis) vs the same crawl in one process, wall-clock",
            )
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
