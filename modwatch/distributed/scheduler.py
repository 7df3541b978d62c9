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

    def enqueue_request(self, request) -> bool:
        keep_local = getattr(self.spider, "keep_local", None)
        if keep_local is None or not keep_local(request):
            return super().enqueue_request(request)
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.local.append(request)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/local")
        return True

    def next_request(self):
        if self.local:
            if self.stats:
                self.stats.inc_value("scheduler/dequeued/local")
            return self.local.popleft()
        return super().next_request()

    def has_pending_requests(self) -> bool:
        return bool(self.local) or super().has_pending_requests()

    def __len__(self) -> int:
        return len(self.local) + super().__len__()
