"""Platform transparency reports (Google, Meta, X, TikTok) -> the common ``removal_requests`` table.

Each platform module holds a pure parser ``parse_xxx(data: bytes, *, source_url) -> iterator of
(location, row dict | Reject)`` and ``schema_version(data) -> str``. Rows are
``removal_requests`` rows (see ``db/migrations_transparency.py``) unless they carry a
``_table`` key naming another table (``meta_global_geoblocks``). Spiders only download and
yield a :class:`items.DatasetFileItem`; ``pipelines/transparency.py`` stores it.
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
    #: the layouts ``schema_version`` can name (what ``source_status.layouts_known`` shows)
    layouts: tuple[str, ...] = ()
    #: ``notes(data, source_url) -> [str]``: what the parser kept without rejecting (extra columns)
    notes: Callable[..., list[str]] | None = None


PARSERS: dict[str, Parser] = {
    "google_removals": Parser(
        google.parse_google_removals,
        google.schema_version,
        layouts=tuple(f"google-{name}" for name in google.LAYOUT_NAMES),
        notes=google.notes,
    ),
    "meta_restrictions": Parser(
        meta.parse_meta_restrictions,
        meta.schema_version,
        ("removal_requests", "meta_global_geoblocks"),
        layouts=("meta-count", "meta-2018h2", "meta-2023h2"),
    ),
    "x_removals": Parser(x.parse_x_removals, x.schema_version, layouts=("x-two-tables",)),
    "tiktok_removals": Parser(
        tiktok.parse_tiktok_removals, tiktok.schema_version, layouts=tiktok.LAYOUT_NAMES, notes=tiktok.notes
    ),
}
