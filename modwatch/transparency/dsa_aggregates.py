"""The EC's daily aggregates of DSA statements of reasons (``aggregates-<YYYY-MM-DD>.csv|json``): pure parsing.

Published at ``https://transparency.dsa.ec.europa.eu/explore-data/download/aggregates-<date>.<csv|json>``
(SOURCE.md of ``/work/shared/data/transparency/dsa_transparency_db/``): statements per platform x
category x decision x ... for one day; small enough for the whole history since September 2023.

**Layout ASSUMED from the EC's application code, not from a real file** (no sample exists here):
``OpenSearchAPIController::aggregatesCsvForDate`` of ``digital-services-act/transparency-database``
writes the header ``StatementElasticSearchService::getAllowedAggregateAttributes()`` —
``automated_decision, automated_detection, category, content_type_single, decision_account,
decision_ground, decision_monetary, decision_provision, decision_visibility_single, platform_id,
received_date, source_type`` — without ``platform_id``, plus ``platform_name`` and ``total``; the
JSON variant is ``{"aggregates": [{column: value, ...}, ...], ...}`` with the same keys. The
header is therefore matched strictly, as a set with aliases (:data:`ALIASES`): every column of
:data:`REQUIRED` must be there, an unknown column is an :class:`AggregatesError` (a changed
layout is reported, never half-read). Values: ``automated_detection`` ``Yes``/``No``, ``true``/
``false`` or ``1``/``0``; ``received_date`` a date, a date-time or epoch milliseconds, and it must
be the file's day; ``total`` a non-negative integer; ``category`` is mapped to the API v2 names.
A row that breaks these is a :class:`~modwatch.transparency.common.Reject`, the rest is read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from typing import Iterator

from modwatch.transparency.common import Reject
from modwatch.transparency.dsa import CATEGORY_RENAMES

#: canonical column -> accepted header names (lower case)
ALIASES = {
    "platform_name": ("platform_name", "platform"),
    "category": ("category",),
    "decision_ground": ("decision_ground",),
    "automated_detection": ("automated_detection",),
    "automated_decision": ("automated_decision",),
    "total": ("total", "count", "count(*)", "statements"),
    "content_type": ("content_type_single", "content_type"),
    "received_date": ("received_date", "date", "day", "created_at"),
    "decision_visibility": ("decision_visibility_single", "decision_visibility"),
    "decision_account": ("decision_account",),
    "decision_monetary": ("decision_monetary",),
    "decision_provision": ("decision_provision",),
    "source_type": ("source_type",),
    "platform_id": ("platform_id",),
}
REQUIRED = ("platform_name", "category", "decision_ground", "automated_detection", "automated_decision", "total")
_BY_NAME = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
_NAME = re.compile(r"aggregates-(\d{4}-\d{2}-\d{2})\.(csv|json)$")
_YES = {"yes": "Yes", "true": "Yes", "1": "Yes", "no": "No", "false": "No", "0": "No"}


class AggregatesError(ValueError):
    """Not an aggregates file of the known layout (header, JSON shape, file name)."""


def day_of(name: str) -> str:
    """The day of an ``aggregates-YYYY-MM-DD.csv|json`` file name; AggregatesError otherwise."""
    match = _NAME.search(name)
    if not match:
        raise AggregatesError(f"{name}: not an aggregates-YYYY-MM-DD.csv|json file name")
    return match[1]


def map_header(header: list[str], where: str) -> dict[str, int]:
    """Canonical column -> position; AggregatesError for an unknown, repeated or missing column."""
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        column = _BY_NAME.get(name.strip().lower())
        if column is None:
            raise AggregatesError(f"{where}: unknown column {name!r} (known: {', '.join(sorted(_BY_NAME))})")
        if column in positions:
            raise AggregatesError(f"{where}: column {column!r} given twice")
        positions[column] = i
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        raise AggregatesError(f"{where}: missing column(s) {', '.join(missing)}")
    return positions


def _day(value: str) -> str | None:
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", value):
        return value[:10]
    if re.fullmatch(r"\d{10,13}", value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return datetime.fromtimestamp(seconds, timezone.utc).date().isoformat()
    return None


def parse_record(record: dict[str, str], day: str, location: str, raw: str) -> dict | Reject:
    """One aggregates row (canonical columns -> text) as a summary row, or a Reject."""
    total = (record.get("total") or "").strip()
    if not total.isdigit():
        return Reject(location, f"total is not a non-negative integer: {total!r}", raw)
    detection = _YES.get((record.get("automated_detection") or "").strip().lower())
    if detection is None:
        return Reject(location, f"automated_detection is not yes/no: {record.get('automated_detection')!r}", raw)
    if "received_date" in record and record["received_date"] not in (None, ""):
        got = _day(str(record["received_date"]))
        if got != day:
            return Reject(location, f"received_date {record['received_date']!r} is not the file's day {day}", raw)
    if not (record.get("platform_name") or "").strip():
        return Reject(location, "empty platform_name", raw)
    category = (record.get("category") or "").strip()
    content_type = (record.get("content_type") or "").strip()
    return {
        "day": day,
        "platform_name": record["platform_name"].strip(),
        "category": CATEGORY_RENAMES.get(category, category),
        "decision_ground": (record.get("decision_ground") or "").strip(),
        "automated_detection": detection,
        "automated_decision": (record.get("automated_decision") or "").strip(),
        "content_type": json.dumps([content_type], separators=(",", ":")) if content_type else None,
        "statements": int(total),
    }


def iter_rows(data: bytes, name: str) -> Iterator[dict | Reject]:
    """Summary rows (dicts) and Rejects of one aggregates file (``name`` gives the day and format)."""
    day = day_of(name)
    if name.endswith(".json"):
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise AggregatesError(f"{name}: not JSON: {error}") from error
        records = document.get("aggregates") if isinstance(document, dict) else None
        if not isinstance(records, list):
            raise AggregatesError(f"{name}: no 'aggregates' list")
        for n, record in enumerate(records):
            if not isinstance(record, dict):
                yield Reject(f"{name}:aggregates[{n}]", "not an object", json.dumps(record)[:4096])
                continue
            positions = map_header(list(record), f"{name}:aggregates[{n}]")
            values = list(record.values())
            canonical = {column: "" if values[i] is None else str(values[i]) for column, i in positions.items()}
            yield parse_record(canonical, day, f"{name}:aggregates[{n}]", json.dumps(record)[:4096])
        return
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = next(reader, None)
    if header is None:
        raise AggregatesError(f"{name}: empty file")
    positions = map_header(header, name)
    for row in reader:
        if not row:
            continue
        location = f"{name}:{reader.line_num}"
        if len(row) != len(header):
            yield Reject(location, f"{len(row)} fields instead of {len(header)}", ",".join(row)[:4096])
            continue
        yield parse_record({column: row[i] for column, i in positions.items()}, day, location, ",".join(row)[:4096])
