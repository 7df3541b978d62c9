"""Platform transparency reports (Google, Meta, X, TikTok) -> the common ``removal_requests`` table.

Each platform module holds a pure parser ``parse_xxx(data: bytes, *, source_url) -> iterator of
(location, row dict | Reject)`` and ``schema_version(data) -> str``. Rows are
``removal_requests`` rows (see ``db/migrations_transparency.py``) unless they carry a
``_table`` key naming another table (``meta_global_geoblocks``). Spiders only download and
yield a :class:`DatasetFileItem`; ``pipelines/transparency.py`` stores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import scrapy

from . import google, meta, tiktok, x


class DatasetFileItem(scrapy.Item):
    """One downloaded transparency data file, handed from a spider to the pipeline."""

    parser = scrapy.Field()  # str: key of PARSERS, e.g. "google_removals"
    source = scrapy.Field()  # str: replacement scope (datasets.source), e.g. "meta_restrictions/2018-H2"
    url = scrapy.Field()  # str: URL the file was downloaded from
    body = scrapy.Field()  # bytes: the file as downloaded (emptied by the pipeline once stored)
    fetched_at = scrapy.Field()  # str: UTC ISO 8601
    warc_record_id = scrapy.Field()  # str | None: WARC-Record-ID of the response
    dataset_id = scrapy.Field()  # int: set by the pipeline
    rows_stored = scrapy.Field()  # int: set by the pipeline
    rows_rejected = scrapy.Field()  # int: set by the pipeline
    status = scrapy.Field()  # "loaded" | "unchanged": set by the pipeline


@dataclass(frozen=True)
class Parser:
    """A registered transparency parser: ``parse(data, source_url=...)`` and the tables it fills."""

    parse: Callable[..., Iterator]
    schema_version: Callable[[bytes], str]
    tables: tuple[str, ...] = ("removal_requests",)


PARSERS: dict[str, Parser] = {
    "google_removals": Parser(google.parse_google_removals, google.schema_version),
    "meta_restrictions": Parser(meta.parse_meta_restrictions, meta.schema_version,
                                ("removal_requests", "meta_global_geoblocks")),
    "x_removals": Parser(x.parse_x_removals, x.schema_version),
    "tiktok_removals": Parser(tiktok.parse_tiktok_removals, tiktok.schema_version),
}
