"""Google Transparency Report, "Government requests to remove content": the bulk download.

Upstream: ``https://storage.googleapis.com/transparencyreport/google-government-removals.zip``,
one zip with the full history (a new download replaces the previous one entirely: Google
renames countries retroactively and back-fills old periods). Its four CSVs (under
``google-government-removals/``) are recognised by their header, not their name, and give the
series (``report``):

- ``google/by_requester`` from ``google-government-removal-requests.csv`` (2019-H1 onward):
  one row per country x requester; requests, items, six ``% <outcome>`` columns.
- ``google/by_product_reason`` from ``google-government-detailed-removal-requests.csv``
  (2011-H1 onward): one row per country x product x reason, a request count (``Total``).
- ``google/historical_by_country`` from ``historical/...-removal-requests-historical.csv``
  (2009-H2 to 2019-H1): rows ``All Requests``, ``Court Orders``, ``Other Requests (Executive,
  Police, etc.)`` with requests, % complied, items (``<10``, ``?`` and blanks occur).
- ``google/historical_by_product_reason`` from ``historical/...-detailed-...-historical.csv``
  (2009-H2 to 2019-H1): requests = court orders + executive requests, items.

Overlaps (documented choice): the newer file wins. A historical product x reason row whose
country and period also appear in the current product x reason file (2011-H1 to 2019-H1) is
stored with ``duplicate_of`` = the current member's name; for the per-country totals see
:data:`TOTAL_PRECEDENCE` below. Nothing is counted twice and nothing is lost.

``counts_in_total = 1`` (the per-country total): the rows of the first series of
:data:`TOTAL_PRECEDENCE` present for that country and half-year. The product x reason counts are
a different count (they do not reconcile with the requester files) and never count in the total.

Percentages: ``compliance_pct`` of a requester row is ``% Removed-Legal + % Removed-Policy``
(share of *items* removed; a blank outcome cell means none of the items, 0 %, as the
rows of outcome shares sum to ~100); of a historical row the published ``% Fully Or Partially
Complied With`` (share of *requests*).

The current layout (2026, ``by_requester_product_reason``): one row per country x requester x
product x reason with item *counts* per outcome and the half-year written as text
(``January - June 2025``), possibly nested in a dated bundle folder
``government-removals_<start>_<end>_en_v1/`` (inside the zip, or the file's parent in its URL),
which dates rows that carry no period column. ``compliance_pct`` = (items removed-legal +
removed-policy) / items requested x 100, computed from the counts; ``items_actioned`` = those
removed items. Its request counts are not the detailed file's ``Total`` (Vietnam, YouTube,
2021-H1: 611 here, 326 there): both are kept, each under its own ``report`` (the series).

Headers are matched as a set of known columns with aliases (``country`` / ``country_name`` /
``Country/Region``, ``items_requested_removal`` / ``items_requested``, ``Requestor`` /
``Requester``), in any order (:mod:`modwatch.transparency.layouts`); an extra column is kept in
``extra`` and named in :func:`notes`. A CSV member whose header matches no layout raises
:class:`~modwatch.transparency.layouts.LayoutError` before any row is read: the download is a
new layout, it is not loaded, and the previous dataset stays current.

Per-country total (``counts_in_total = 1``) when several series cover a country and half-year:
the first of :data:`TOTAL_PRECEDENCE` present in the download wins (the 2026 layout, then the
2019+ requester file, then the historical ``All Requests`` row); the rows of the others for that
country and half-year get ``duplicate_of`` = the winning member and ``counts_in_total = 0``.
So a half-year is counted once whether the zip holds the new file, the old one, or both (the
sums agree: Vietnam 2023-H2 = 787 requests in both).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import PurePosixPath
from typing import Iterator
from urllib.parse import unquote, urlsplit

from .archives import check_archive, read_member
from .common import Reject, csv_records, decode_text, is_blank, overlong_reason
from .google_layouts import LAYOUT_NAMES as LAYOUT_NAMES
from .google_layouts import LAYOUTS, ROW_PARSERS
from .layouts import LayoutError, bundle_period, match_header

SOURCE = "google_removals"
PLATFORM = "Google"
URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"

#: series giving the per-country total, best first: a lower one counts only where no higher one is present
TOTAL_PRECEDENCE = ("by_requester_product_reason", "by_requester", "historical_by_country")
#: a historical layout -> the current layout that supersedes it for the periods both cover
SUPERSEDED_BY = {"historical_by_product_reason": "by_product_reason"}


def schema_version(data: bytes) -> str:
    """``google-<layouts>``: the layouts found in the zip, e.g. ``google-by_product_reason+...``."""
    try:
        layouts = sorted({match.layout.name for _, match, _ in _members(data)})
    except LayoutError:
        return "google-unknown"
    return "google-" + "+".join(layouts)


def notes(data: bytes, source_url: str = URL) -> list[str]:
    """What the download holds beyond the layouts: the extra columns of each member (kept in ``extra``)."""
    try:
        return [note for name, match, _ in _members(data) if (note := match.note(name))]
    except LayoutError:
        return []


def parse_google_removals(data: bytes, *, source_url: str = URL) -> Iterator[tuple[str, dict | Reject]]:
    """Parse the zip (or one of its CSVs) into ``(location, row | Reject)`` pairs.

    Rows are ``removal_requests`` dicts (see ``db/migrations_transparency.py``) without
    ``dataset_id``/``is_current``; ``location`` is ``<member>:<line>``. A bad data line yields a
    ``Reject`` and parsing goes on. Raises :class:`LayoutError` (naming the member and its header)
    before yielding anything if a CSV member's header matches no layout, and
    ``zipfile.BadZipFile`` if ``data`` is neither a zip nor a CSV.
    """
    members = list(_members(data, source_url))
    url_bundle = bundle_period(unquote(urlsplit(source_url or "").path))
    rows_of = {}  # member name -> [(location, row | Reject)]
    for name, match, text in members:
        bundle = bundle_period(name) or url_bundle
        rows_of[name] = list(_parse_member(name, match, text, bundle))
    # which member gives each (country, period) its per-country total / product x reason count
    owner: dict[tuple[str, tuple], str] = {}
    for chain in [TOTAL_PRECEDENCE, *([current, old] for old, current in SUPERSEDED_BY.items())]:
        for layout in chain:
            for name, match, _ in members:
                if match.layout.name != layout:
                    continue
                for _, row in rows_of[name]:
                    if isinstance(row, dict):
                        owner.setdefault((chain[0], _place_key(row)), name)
    for name, match, _ in members:
        layout = match.layout.name
        chain = next(
            (chain for chain in [TOTAL_PRECEDENCE, *([c, o] for o, c in SUPERSEDED_BY.items())] if layout in chain),
            None,
        )
        for location, row in rows_of[name]:
            if isinstance(row, dict) and chain is not None:
                first = owner.get((chain[0], _place_key(row)))
                if first is not None and first != name:
                    row.update(duplicate_of=first, counts_in_total=0)
            yield location, row


def _place_key(row: dict) -> tuple:
    return (row["country"] or row["country_name_raw"], row["period_end"])


def _members(data: bytes, source_url: str = URL) -> Iterator[tuple[str, object, str]]:
    """``(member name, HeaderMatch, text)`` for each CSV in the zip (or the one CSV given).

    Raises :class:`LayoutError` for a CSV whose header matches no layout.
    """
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive)
            for info in archive.infolist():
                if info.is_dir() or not info.filename.lower().endswith(".csv"):
                    continue  # README.txt and folders
                text = decode_text(read_member(archive, info))  # a zip bomb: ArchiveTooLarge
                yield info.filename, _layout(text, info.filename), text
        return
    text = decode_text(data)
    name = PurePosixPath(unquote(urlsplit(source_url or "").path)).name or "google-government-removals.csv"
    header = next(iter(csv_records(text)), (1, "", []))[2]
    match = match_header(header, LAYOUTS)
    if match is None:
        if data[:1] in (b"", b"<", b"{") or not text.strip():
            raise zipfile.BadZipFile("neither a zip nor a Google removals CSV with a known header")
        raise LayoutError(name, header, LAYOUT_NAMES)
    yield name, match, text


def _layout(text: str, name: str):
    for _, _, cells in csv_records(text):
        if (match := match_header(cells, LAYOUTS)) is None:
            raise LayoutError(name, cells, LAYOUT_NAMES)
        return match
    raise LayoutError(name, "(empty file)", LAYOUT_NAMES)


def _parse_member(name, match, text, bundle):
    layout = match.layout.name
    records = csv_records(text, overlong=True)
    next(records, None)  # header
    for line, raw, cells in records:
        location = f"{name}:{line}"
        if cells is None:
            yield location, Reject(location, overlong_reason(), raw)
            continue
        if is_blank(cells):
            continue
        record = match.record(cells)
        try:
            if len(cells) != len(match.positions) + len(match.extra):
                raise ValueError(f"expected {len(match.positions) + len(match.extra)} cells, found {len(cells)}")
            rows = list(ROW_PARSERS[layout](record, bundle))
        except (ValueError, IndexError) as error:
            yield location, Reject(location, f"{layout}: {error}", raw)
            continue
        extras = match.extras(cells)
        for row in rows:
            row.update(platform=PLATFORM, report=f"google/{layout}")
            if extras:
                row["extra"] = json.dumps({**json.loads(row.get("extra") or "{}"), **extras}, ensure_ascii=False)
            yield location, row
