"""Is a downloaded transparency report file whole and plausible? Checks before it replaces anything.

:func:`modwatch.load.datasets.load_dataset` stores a file's rows, then makes them current only when
:func:`file_problems` and :func:`shrink_problem` find nothing; otherwise the dataset is kept as
``quarantined`` with the reason and the previous dataset of the source stays current.

File checks (:func:`file_problems`):

- the file is not smaller than the ``Content-Length`` the server announced (a body decompressed
  in transit is larger than its announced length, never smaller; an HTTP/1.1 body cut short is
  already a failed download in Scrapy, ``DOWNLOAD_FAIL_ON_DATALOSS``);
- the layout is known (``schema_version`` of the parser is not ``*-unknown``, every CSV member
  has a known header);
- every expected member or table is there: Google's zip holds a whole set of its CSV layouts
  (:data:`GOOGLE_COMPLETE_SETS`), X's CSV both
  tables with their known headers, TikTok's workbook a ``GRFCR map`` sheet;
- no CSV ends inside a row: its last record has as many cells as its first (header) record and
  no quoted cell left open (real files may lack a final line break: Meta 2023-H2).

Row count (:func:`shrink_problem`): a new file of a source must keep at least
:data:`MIN_SHARE_OF_CURRENT` of the rows of the source's current dataset (the same coverage: a
source is the file's replacement scope, and a file of the same layout set). Sources only grow in practice (Google back-fills, a
half-year file is final), so a file far smaller is taken for a partial download. A real shrink is
accepted explicitly: spider argument ``-a accept_shrink=1`` (``load_dataset(accept_shrink=True)``).

Row checks (:func:`checked`), after the parsers' own (negative counts and shares outside 0-100 are
rejected by :mod:`modwatch.transparency.common`): bytes that are not UTF-8, a period outside the
platform's reporting years (:data:`FIRST_YEAR` to the fetch time), an exact duplicate of an
earlier row of the same file. Each becomes a ``Reject`` with the reason; the rest of the file loads.
"""

from __future__ import annotations

import io
import json
import re
from itertools import groupby
from typing import Iterator

from . import google, meta, tiktok, x
from .archives import ZIP_ERRORS
from .common import Reject, csv_records, decode_text, invalid_bytes, is_blank, show_bytes

#: a new file must hold at least this share of the current dataset's rows (else: quarantined)
MIN_SHARE_OF_CURRENT = 0.9

#: first year of each platform's reports (Google 2009-H2, X 2012-H1, Meta 2013-H2, TikTok 2019-H1)
FIRST_YEAR = {"Google": 2009, "X": 2012, "Meta": 2013, "TikTok": 2019}
EARLIEST_YEAR = min(FIRST_YEAR.values())


def file_problems(
    parser: str, data: bytes, *, announced_size: int | None = None, source_url: str | None = None
) -> list[str]:
    """Why ``data`` (a file for ``PARSERS[parser]``, downloaded from ``source_url``) is not whole or not of a
    known layout; ``[]`` if fine. A reason about one CSV names the file (its zip member, or the URL's file)."""
    problems = []
    if announced_size is not None and len(data) < announced_size:
        problems.append(f"size {len(data)} bytes, below the {announced_size} the server announced (Content-Length)")
    try:
        if parser == "google_removals":
            problems += _google(data, source_url)
        else:
            problems += _LAYOUT_CHECKS[parser](data)
    except (*ZIP_ERRORS, ValueError) as error:  # ValueError: LayoutError, bad JSON
        problems.append(f"unreadable file: {error}")
    return problems


def shrink_problem(
    rows: int, current: dict | None, *, accept_shrink: bool = False, schema_version: str | None = None
) -> str | None:
    """The reason to refuse a file of ``rows`` rows replacing the ``current`` dataset row, or None.

    Row counts compare like with like only: a file of another layout set (``schema_version``,
    e.g. Google's 2026 export replacing the 2024 zip's four files) counts other rows, so its
    size is not compared; the other checks of :func:`file_problems` still apply to it.
    """
    if accept_shrink or current is None or not current.get("rows_stored"):
        return None
    if schema_version and current.get("schema_version") and current["schema_version"] != schema_version:
        return None
    floor = current["rows_stored"] * MIN_SHARE_OF_CURRENT
    if rows < floor:
        return (
            f"{rows} rows, far below the {current['rows_stored']} rows of the current dataset "
            f"{current['id']} (floor {MIN_SHARE_OF_CURRENT:.0%}); pass accept_shrink to accept a real shrink"
        )
    return None


def unended_row(text: str) -> str | None:
    """Why the CSV ``text`` ends inside a row (last record shorter than the header, open quote), or None."""
    first = last = None
    for _, raw, cells in csv_records(text):
        if is_blank(cells) and first is not None:
            continue
        if first is None:
            first = cells
        last = (raw, cells)
    if first is None or last is None:
        return "empty CSV"
    raw, cells = last
    if raw.count('"') % 2:
        return f"ends inside a quoted cell: {raw[-80:]!r}"
    if len(cells) < len(first):
        return f"ends inside a row ({len(cells)} of {len(first)} cells): {raw[-80:]!r}"
    return None


#: the CSV layouts a whole Google zip holds, one set per generation of the export: today's
#: requestor x product x reason file (the old product x reason file may stand beside it), or the
#: four files of the 2024 zip. A zip holding no whole set lacks a member.
GOOGLE_COMPLETE_SETS = (
    frozenset({"by_requester_product_reason"}),
    frozenset({"by_requester", "by_product_reason", "historical_by_country", "historical_by_product_reason"}),
)


def _google(data: bytes, source_url: str | None = None) -> list[str]:
    members = list(
        google._members(data, source_url or google.URL)
    )  # a member of unknown layout raises LayoutError (a ValueError)
    problems = []
    if data[:4] == b"PK\x03\x04":
        found = {match.layout.name for _, match, _ in members}
        if not any(expected <= found for expected in GOOGLE_COMPLETE_SETS):
            # the generation the members found belong to (most in common), else the one nearest to whole
            nearest = max(GOOGLE_COMPLETE_SETS, key=lambda expected: (len(expected & found), -len(expected - found)))
            problems.append(f"zip lacks the member(s) for {', '.join(sorted(nearest - found))}")
    problems += [f"{name}: {why}" for name, _, text in members if (why := unended_row(text))]
    return problems


def _x(data: bytes) -> list[str]:
    text = decode_text(data)
    headers, table = [], None
    for _, _, cells in csv_records(text):
        if is_blank(cells):
            continue
        if marker := x._MARKER.match(cells[0]):
            table = marker.group(3).lower()
            continue
        if table is not None:
            found = [x.normalise_header(cell) for cell in cells]
            while found and found[-1] == "":
                found.pop()
            headers.append((table, found))
            table = None
    problems = []
    for title, expected in (("legal demands", x.LEGAL_DEMANDS), ("local law(s)", x.LOCAL_LAW)):
        if (title, expected) not in headers:
            problems.append(f"table {title!r} missing or with an unknown header")
    if why := unended_row(text):
        problems.append(why)
    return problems


def _meta(data: bytes) -> list[str]:
    problems = ["unrecognised header"] if meta.schema_version(data) == "meta-unknown" else []
    if why := unended_row(decode_text(data)):
        problems.append(why)
    return problems


def _tiktok(data: bytes) -> list[str]:
    layout = tiktok.schema_version(data)
    if layout == "tiktok-unknown":
        return ["unrecognised header"]
    if layout == "tiktok-xlsx":
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            try:
                titles = {sheet.title.strip().lower() for sheet in workbook.worksheets}
            finally:
                workbook.close()
        except tiktok.WORKBOOK_ERRORS as error:
            return [f"unreadable xlsx workbook ({type(error).__name__}: {error})"]
        return [] if "grfcr map" in titles else ["workbook lacks the 'GRFCR map' sheet"]
    why = unended_row(decode_text(data))
    return [why] if why else []


_LAYOUT_CHECKS = {"google_removals": _google, "x_removals": _x, "meta_restrictions": _meta, "tiktok_removals": _tiktok}


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$", re.ASCII)


def row_problem(row: dict, *, fetched_at: str) -> str | None:
    """Why a parsed ``removal_requests`` row is impossible (bytes, period), or None."""
    for key, value in row.items():
        if isinstance(value, str) and (bad := invalid_bytes(value)):
            return f"invalid UTF-8 bytes {bad!r} in {key}"
    start, end = row.get("period_start"), row.get("period_end")
    if start and end:
        first = FIRST_YEAR.get(row.get("platform"), EARLIEST_YEAR)
        if not _ISO_DAY.match(start) or not _ISO_DAY.match(end):
            return f"period {start}..{end} is not two ISO dates (YYYY-MM-DD)"
        if int(start[:4]) < first:
            return f"period {start}..{end} before the platform's first report year {first}"
        if end > fetched_at[:10]:
            return f"period {start}..{end} ends after the file was fetched ({fetched_at})"
    return None


def checked(parsed: Iterator, *, fetched_at: str) -> Iterator[tuple[str, dict | Reject]]:
    """The parser's ``(location, row | Reject)`` pairs with impossible lines turned into one ``Reject``.

    The rows of one line (consecutive pairs with the same ``location``) stand or fall together:
    one impossible row rejects its line. The excerpt of such a reject is the first bad row as
    parsed (JSON, bytes that were not UTF-8 shown as ``\\xNN``). A parser's own ``Reject`` gets
    its bytes shown the same way.
    """
    seen: set[str] = set()
    for location, pairs in groupby(parsed, key=lambda pair: pair[0]):
        rows, problem, keys = [], None, []
        for _, row in pairs:
            if isinstance(row, Reject):
                yield location, Reject(row.location, row.reason, show_bytes(row.excerpt))
                continue
            key = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
            if problem is None and "_table" not in row:
                problem = row_problem(row, fetched_at=fetched_at)
                if problem is None and key in seen:
                    problem = "exact duplicate of an earlier row of this file"
                if problem:
                    problem = (problem, key)
            keys.append(key)
            rows.append(row)
        seen.update(keys)
        if problem:
            yield location, Reject(location, problem[0], show_bytes(problem[1]))
            continue
        for row in rows:
            yield location, row
