"""``Scheduler``: scrapy-redis' shared scheduler, plus a local queue for stateful requests.

Every request goes to the Redis priority queue ``<spider>:requests`` shared by all workers
(scrapy-redis ``Scheduler``, duplicate filter ``<spider>:dupefilter``), except those the
spider's ``keep_local(request)`` says must run in the worker that made them (e.g. the news
spiders' discovery requests, whose answers drive a per-site state kept in memory): those go to
an in-process FIFO, served first. Both pass the shared duplicate filter unless
``dont_filter``. Stats: ``scheduler/enqueued/redis``, ``scheduler/dequeued/redis`` (from
scrapy-redis), ``scheduler/enqueued/local``, ``scheduler/dequeued/local``.

Settings are scrapy-redis' (``SCHEDULER_QUEUE_KEY``, ``SCHEDULER_PERSIST``...); the overlay
``settings_redis`` sets ``SCHEDULER_PERSIST = True``: a worker that closes must not wipe the
queue other workers are still crawling (the coordinator clears it between full recrawls).
"""

from __future__ import annotations

from collections import deque

from scrapy_redis.scheduler import Scheduler as RedisScheduler


class Scheduler(RedisScheduler):
    def open(self, spider):
        self.local = deque()
        return super().open(spider)

    # (scrapy-redis' own enqueue/next pass ``spider=`` to the stats collector, deprecated in Scrapy 2.19)
    def enqueue_request(self, request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        keep_local = getattr(self.spider, "keep_local", None)
        where = "local" if keep_local is not None and keep_local(request) else "redis"
        if where == "local":
            self.local.append(request)
        else:
            self.queue.push(request)
        if self.stats:
            self.stats.inc_value(f"scheduler/enqueued/{where}")
        return True

    def next_request(self):
        if self.local:
            request, where = self.local.popleft(), "local"
        else:
            request, where = self.queue.pop(self.idle_before_close), "redis"
        if request is not None and self.stats:
            self.stats.inc_value(f"scheduler/dequeued/{where}")
        return request

    def has_pending_requests(self) -> bool:
        return bool(self.local) or super().has_pending_requests()

    def __len__(self) -> int:
        return len(self.local) + super().__len__()
