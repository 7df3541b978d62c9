"""Platform transparency reports (Google, Meta, X, TikTok) -> the common ``removal_requests`` table.

Each platform module holds a pure parser ``parse_xxx(data: bytes, *, source_url) -> iterator of
(location, row dict | Reject)`` and ``schema_version(data) -> str``. Rows are
``removal_requests`` rows (see ``db/migrations_transparency.py``) unless they carry a
``_table`` key naming another table (``meta_global_geoblocks``). Spiders only download and
yield a :class:`modwatch.items.DatasetFileItem`; ``pipelines/transparency.py`` stores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from . import google, meta, tiktok, x


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
