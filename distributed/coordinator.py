"""Coordinator of a distributed crawl: seed it, clear it between full recrawls, report on it.

Run once per crawl, from any machine that reaches Redis (``python -m modwatch distributed
seed|clear|status``), never by each worker at start: a worker that flushed the shared queue
when it started would throw away what the others had queued.

- :func:`seed`: pushes seeds to ``<spider>:start_urls`` (``{"site": key}`` per news site,
  ``{"url": ...}`` per URL) and the sites' descriptions to ``<spider>:sites`` (for the
  writer's ``sources`` rows).
- :func:`clear`: deletes the shared state of the previous crawl (request queue, duplicate
  filter, seeds, worker stats, sites) so that a full recrawl fetches every page again.
  Refuses while workers are alive or items are waiting for the writer (:class:`Busy`),
  unless ``force``.
- :func:`status`: the size of each key and the live workers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from distributed import WORKER_TIMEOUT, keys
from distributed.worker import redis_time

#: keys a full recrawl starts without (``items`` and ``workers`` are checked, not cleared)
CLEARED = ("requests", "dupefilter", "start_urls", "worker_stats", "sites")


class Busy(RuntimeError):
    """Clearing now would lose work: workers are alive or items are not stored yet."""


def live_workers(server, spider: str) -> list[str]:
    """Ids of the workers of ``spider`` whose heartbeat is newer than ``WORKER_TIMEOUT``."""
    now = redis_time(server)
    return [w.decode() for w in server.zrangebyscore(keys(spider)["workers"], now - WORKER_TIMEOUT, "+inf")]


def seed(server, spider: str, *, sites: Iterable = (), urls: Iterable[str] = ()) -> int:
    """Push one seed per site (objects with ``key``, ``name``, ``base_url``, ``language``) and
    per URL; returns the number of seeds pushed. Sites are described in ``<spider>:sites``."""
    k = keys(spider)
    sites, urls = list(sites), list(urls)
    seeds = [json.dumps({"site": s.key}) for s in sites] + [json.dumps({"url": u}) for u in urls]
    if not seeds:
        return 0
    with server.pipeline() as pipe:
        for site in sites:
            pipe.hset(
                k["sites"],
                site.key,
                json.dumps(
                    {"name": site.name, "base_url": site.base_url, "language": site.language}, ensure_ascii=False
                ),
            )
        pipe.rpush(k["start_urls"], *seeds)
        pipe.execute()
    return len(seeds)


def clear(server, spider: str, *, items: bool = False, force: bool = False) -> dict[str, int]:
    """Delete the shared state of ``spider``'s crawl (see the module docstring).

    ``items``: also drop items not stored yet. Returns ``{key: existed (0/1)}``. Raises
    :class:`Busy` if workers are alive, or items are waiting and ``items`` is not given,
    unless ``force``.
    """
    k = keys(spider)
    if not force:
        alive = live_workers(server, spider)
        if alive:
            raise Busy(f"{len(alive)} worker(s) of {spider} still alive ({', '.join(alive)}): stop them first")
        waiting = server.llen(k["items"]) + server.llen(k["writing"])
        if waiting and not items:
            raise Busy(f"{waiting} item(s) of {spider} not stored yet: run the writer first, or clear --items")
    names = [*CLEARED, "items", "writing", "workers"] if items or force else list(CLEARED)
    return {k[name]: server.delete(k[name]) for name in names}


def status(server, spider: str) -> dict:
    """``{"seeds", "requests", "seen", "items", "writing", "workers", "finished_workers"}`` of ``spider``."""
    k = keys(spider)
    with server.pipeline(transaction=False) as pipe:
        pipe.llen(k["start_urls"])
        pipe.zcard(k["requests"])
        pipe.scard(k["dupefilter"])
        pipe.llen(k["items"])
        pipe.llen(k["writing"])
        pipe.llen(k["worker_stats"])
        seeds, requests, seen, items, writing, finished = pipe.execute()
    return {
        "seeds": seeds,
        "requests": requests,
        "seen": seen,
        "items": items,
        "writing": writing,
        "workers": live_workers(server, spider),
        "finished_workers": finished,
    }
