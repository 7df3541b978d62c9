"""Distributed crawl on Redis (scrapy-redis): coordinator, workers and the writer.

    redis-server --port 6379 --save ''                              # or the Debian service
    python -m modwatch distributed clear news                       # once, before a full recrawl
    python -m modwatch distributed seed news                        # one seed per site of the sites file
    MODWATCH_WORKERS=2 python -m modwatch distributed worker news   # on each worker (x2)
    python -m modwatch distributed writer news                      # once, where the database is
    python -m modwatch distributed status news

``worker`` runs ``scrapy crawl SPIDER`` with ``settings_redis`` (same as
``SCRAPY_SETTINGS_MODULE=settings_redis scrapy crawl SPIDER``); ``--max-idle N`` stops it after N
seconds with nothing to do (default: keep waiting for seeds). ``writer`` stores the items into
``--db`` and stops when the crawl is over (``--follow``: never). ``clear`` refuses while
workers are alive or items are waiting (``--force``, ``--items``). Redis: ``--redis-url`` or
``MODWATCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``). See :mod:`distributed`.
Exit status 0; 1 when ``clear`` refuses, Redis cannot be reached, or a seed names an unknown site.
"""

from __future__ import annotations

import json
import os
import sys

from db import default_path

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("MODWATCH_REDIS_URL", DEFAULT_REDIS_URL),
        help="Redis server (default $MODWATCH_REDIS_URL or %(default)s)",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    seed = sub.add_parser("seed", help="push seeds to <spider>:start_urls")
    seed.add_argument("spider")
    seed.add_argument(
        "--site",
        action="append",
        dest="sites",
        metavar="KEY",
        help="site key of the sites file (repeatable; default: every site)",
    )
    seed.add_argument("--url", action="append", dest="urls", default=[], metavar="URL", help="a URL seed (repeatable)")
    seed.add_argument(
        "--sites-file",
        default=os.environ.get("MODWATCH_SITES_FILE") or None,
        help="sites file (default $MODWATCH_SITES_FILE or modwatch/sites.yaml)",
    )
    clear = sub.add_parser("clear", help="delete the shared state of the last crawl (before a full recrawl)")
    clear.add_argument("spider")
    clear.add_argument("--items", action="store_true", help="also drop items the writer has not stored")
    clear.add_argument("--force", action="store_true", help="clear even with live workers (drops items too)")
    status = sub.add_parser("status", help="print queue sizes and live workers as JSON")
    status.add_argument("spider")
    worker = sub.add_parser("worker", help="run one worker (scrapy crawl with settings_redis)")
    worker.add_argument("spider")
    worker.add_argument("-a", dest="spider_args", action="append", default=[], metavar="NAME=VALUE")
    worker.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    worker.add_argument("--max-idle", type=int, help="stop after this many idle seconds (default: never)")
    writer = sub.add_parser("writer", help="store the items of the crawl into SQLite")
    writer.add_argument("spider")
    writer.add_argument("--db", default=default_path())
    writer.add_argument("--follow", action="store_true", help="keep waiting for items (a service)")
    writer.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")


def _pairs(values: list[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep:
            raise SystemExit(f"expected NAME=VALUE, got {value!r}")
        pairs[name] = rest
    return pairs


def _crawl(args, spider, **spider_args) -> int:
    os.environ["SCRAPY_SETTINGS_MODULE"] = "settings_redis"
    os.environ["MODWATCH_REDIS_URL"] = args.redis_url
    if getattr(args, "db", None):
        os.environ["MODWATCH_DB"] = args.db
    if getattr(args, "max_idle", None) is not None:
        os.environ["MODWATCH_MAX_IDLE"] = str(args.max_idle)
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.setdict(_pairs(args.settings), priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_args)
    process.start()
    return 0 if crawler.stats.get_value("finish_reason") in ("finished", "shutdown") else 1


def run(args) -> int:
    import redis

    from distributed import coordinator

    if args.action == "worker":
        return _crawl(args, args.spider, **_pairs(args.spider_args))
    if args.action == "writer":
        from distributed.writer import ItemWriterSpider

        return _crawl(args, ItemWriterSpider, name=args.spider, follow=args.follow)
    server = redis.Redis.from_url(args.redis_url)
    try:
        if args.action == "seed":
            from modwatch.sites import SitesConfigError, load_sites

            try:
                sites = load_sites(args.sites_file, args.sites) if args.sites or not args.urls else []
            except SitesConfigError as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
            count = coordinator.seed(server, args.spider, sites=sites, urls=args.urls)
            print(f"{count} seed(s) pushed to {args.spider}:start_urls")
        elif args.action == "clear":
            try:
                deleted = coordinator.clear(server, args.spider, items=args.items, force=args.force)
            except coordinator.Busy as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
            cleared = [key for key, existed in deleted.items() if existed]
            print("cleared: " + ", ".join(cleared) if cleared else "nothing to clear")
        else:
            print(json.dumps(coordinator.status(server, args.spider), indent=2))
    except redis.ConnectionError as error:
        print(f"error: cannot reach Redis at {args.redis_url}: {error}", file=sys.stderr)
        return 1
    return 0
