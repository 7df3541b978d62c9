"""Shared machinery of the transparency report spiders (Google, Meta, X, TikTok).

A subclass names its parser (a key of ``modwatch.transparency.PARSERS``) and lists the files
to download as ``(url, source)`` pairs in :meth:`TransparencySpider.files`, where ``source`` is
the dataset's replacement scope (``datasets.source``). The spider only downloads: each file's
bytes go unchanged into a :class:`~items.DatasetFileItem` with the response's
provenance (``fetched_at``, ``warc_record_id`` from the WARC middlewares), and
``pipelines/transparency.py:store_dataset_file`` (its route in ``pipelines/routes.py``)
parses and stores it. A failed download (HTTP error, DNS, 404 in
a replay) becomes a ``RejectItem``; the other files go on.

Spider argument common to all: ``-a urls=URL[,URL...]`` downloads those URLs instead of the
defaults (a newer upstream file, a mirror, or a local copy as ``file:///path/...``); the source
key is then derived from each URL. ``-a accept_shrink=1`` lets a file with far fewer rows than
the current dataset of its source replace it (a real shrink; otherwise such a file is
quarantined, see ``modwatch/transparency/validate.py``).
"""

from __future__ import annotations

import scrapy

from items import DatasetFileItem
from provenance import failure_reason, fetched_at_of, reject_for
from spiders.arguments import comma_list

MIB = 1024 * 1024


class TransparencySpider(scrapy.Spider):
    """Download transparency data files and hand their bytes to the pipeline."""

    parser: str = ""
    custom_settings = {
        # report files are small (KiB to a few MiB); anything far larger is not the file we want
        "DOWNLOAD_MAXSIZE": 64 * MIB,
        "DOWNLOAD_WARNSIZE": 16 * MIB,
    }

    def __init__(self, *args, urls: str | None = None, accept_shrink: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls = comma_list(urls) if urls else None
        self.accept_shrink = str(accept_shrink or "").strip().lower() in ("1", "true", "yes")

    def files(self) -> list[tuple[str, str]]:
        """``(url, source)`` of every file to download (subclasses)."""
        raise NotImplementedError

    def source_for(self, url: str) -> str:
        """The ``datasets.source`` of a URL given with ``-a urls=`` (subclasses may refine)."""
        return self.name

    async def start(self):
        pairs = [(url, self.source_for(url)) for url in self.urls] if self.urls else self.files()
        for url, source in pairs:
            yield scrapy.Request(
                url,
                callback=self.parse_file,
                errback=self.download_failed,
                cb_kwargs={"source": source},
                dont_filter=True,
            )

    def parse_file(self, response, source: str):
        """A downloaded file -> one DatasetFileItem (bytes unchanged, provenance of the response).

        ``source``: the dataset's replacement scope (``datasets.source``).
        """
        length = response.headers.get("Content-Length")
        yield DatasetFileItem(
            parser=self.parser,
            source=source,
            url=response.url,
            body=response.body,
            fetched_at=fetched_at_of(response),
            warc_record_id=response.meta.get("warc_record_id"),
            announced_size=int(length) if length and length.strip().isdigit() else None,
            accept_shrink=self.accept_shrink,
        )

    def download_failed(self, failure):
        """A file not downloaded (HTTP error, DNS, timeout) -> RejectItem
        ``"transparency file not downloaded: HTTP 404"``; the other files go on."""
        reason = failure_reason(failure)
        self.logger.error("%s: download of %s failed: %s", self.name, failure.request.url, reason)
        yield reject_for(failure, f"transparency file not downloaded: {reason}")
