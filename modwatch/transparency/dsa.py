"""EU DSA Transparency Database daily dumps: statements of reasons, read as a stream.

Pure reading; no network, no database (``modwatch/load/dsa.py`` stores the rows in batches).

Archive layout (official exporter ``app/Jobs/StatementCsvExportZ.php``, see
``/work/shared/data/transparency/dsa_transparency_db/SOURCE.md``)::

    sor-<slug>-<YYYY-MM-DD>-<full|light>.zip           the daily dump (~2 GiB for ``global``)
      sor-<slug>-<date>-<version>-<part>.csv.zip        zipped CSVs nested inside
        sor-<slug>-<date>-<version>-<part>-<sub>.csv    100,000 statements each, own header row

Columns: 37 before 1 July 2025 (schema ``v1``), 38 after (``v2`` adds ``content_id_ean``);
the ``light`` version drops ``illegal_content_explanation``, ``incompatible_content_explanation``,
``territorial_scope`` and ``decision_facts``. Columns are matched by header name, so every
variant maps onto :data:`COLUMNS` (absent columns -> None). Empty strings become None.
JSON arrays inside cells (:data:`JSON_ARRAY_COLUMNS`) are kept as their JSON text (valid JSON
lists that SQLite's ``json_each`` and Datasette's ``_facet_array`` read); ``platform_uid`` and
every other value stay text (leading zeros, ids >= 2**63).

Memory: outer and inner zips are read member by member through ``zipfile``; each inner
``.csv.zip`` is first copied to a spooled temporary file (in memory up to
:data:`SPOOL_MAX_BYTES`, then on disk) because ``zipfile`` needs a seekable file and seeking
inside a compressed member would decompress it again and again. The CSV text is decoded and
parsed incrementally, so memory does not grow with the size of the day.
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
import re
import shutil
import tempfile
import zipfile
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import BinaryIO, Iterable, Iterator

from db.dsa_schema import CATEGORY_RENAMES as CATEGORY_RENAMES
from db.dsa_schema import COLUMNS as COLUMNS
from db.dsa_schema import JSON_ARRAY_COLUMNS as JSON_ARRAY_COLUMNS
from db.dsa_schema import KEYWORD_RENAMES as KEYWORD_RENAMES

from .archives import check_archive, open_member
from .common import Reject as Reject

#: the Transparency Database's stable download route (since June 2026): ``<base>sor-<slug>-<day>-<version>.zip``
#: (and ``.zip.sha1``) answer 302 to a presigned URL, valid 60 minutes, on the storage host of the day
#: (``X-Amz-*`` query parameters: a secret, never stored; see :func:`dump_url`)
DOWNLOAD_BASE = "https://transparency.dsa.ec.europa.eu/explore-data/download/"
DUMP_NAME = "sor-{slug}-{day}-{version}.zip"
#: date of the first daily dump
FIRST_DUMP = date(2023, 9, 25)
#: first day of the v2 schema (API v2: new categories, ``content_id_ean``)
V2_FROM = date(2025, 7, 1)
SPOOL_MAX_BYTES = 64 * 1024 * 1024
#: zips inside the dump zip: one level (``.csv.zip``); deeper is refused
MAX_ZIP_DEPTH = 1
#: longest CSV cell read, in characters (the csv module's default, 131,072, is far below real
#: ``decision_facts`` texts); a longer cell rejects its record only (``csv.field_size_limit`` is
#: process-wide: raised here, never lowered)
MAX_CELL_CHARS = 64 * 1024 * 1024
if csv.field_size_limit() < MAX_CELL_CHARS:
    csv.field_size_limit(MAX_CELL_CHARS)

LIGHT_DROPPED = (
    "illegal_content_explanation",
    "incompatible_content_explanation",
    "territorial_scope",
    "decision_facts",
)
#: date columns (``YYYY-MM-DD HH:MM:SS``): a cell that is not a real date rejects its record
DATE_COLUMNS = (
    "end_date_visibility_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_account_restriction",
    "content_date",
    "application_date",
    "created_at",
)
#: columns every dump has (light and v1 included): a CSV missing one is rejected as a whole
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in LIGHT_DROPPED and c != "content_id_ean")


class DumpError(ValueError):
    """A file that is not a readable DSA dump (not a zip, CSV without a ``uuid`` header ...)."""


class ChecksumError(DumpError):
    """A dump whose SHA-1 differs from the one published beside it (``.zip.sha1``), or a checksum
    file that holds no SHA-1."""


#: invalid UTF-8 bytes decoded so far (all streams); :func:`iter_statements` checks its records
#: for them only once this grows, so valid dumps pay nothing
_INVALID_UTF8 = [0]
#: the lone surrogates U+DC80..U+DCFF that ``surrogateescape`` decodes invalid bytes 0x80..0xFF to
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
DECODE_ERRORS = "modwatch-dsa-invalid-utf8"


_surrogateescape = codecs.lookup_error("surrogateescape")


def _escape_invalid_utf8(error: UnicodeDecodeError):
    _INVALID_UTF8[0] += 1
    return _surrogateescape(error)


codecs.register_error(DECODE_ERRORS, _escape_invalid_utf8)


def _utf8_text(binary: BinaryIO) -> io.TextIOWrapper:
    """UTF-8 text of a CSV member; an invalid byte becomes a lone surrogate (``surrogateescape``)
    that :func:`iter_statements` turns into a Reject of its record instead of stopping the load."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors=DECODE_ERRORS, newline="")  # a BOM is dropped
    text.invalid_utf8_before = _INVALID_UTF8[0]  # nothing of it decoded yet
    return text


def dump_url(day: date | str, version: str = "full", slug: str = "global", base: str = DOWNLOAD_BASE) -> str:
    """Stable URL of one daily dump. ``version`` is ``full`` or ``light``; ``slug`` ``global`` or a
    platform slug; ``base`` the download route (:data:`DOWNLOAD_BASE`, a local server in tests).

    This URL is the dump's identity (``datasets.url``): it answers with a redirect to a presigned
    URL that changes at every request, so two downloads of one day are recognised as the same
    by this URL and their sha256.
    """
    if version not in ("full", "light"):
        raise ValueError(f"version must be 'full' or 'light', got {version!r}")
    day = day if isinstance(day, str) else day.isoformat()
    return base.rstrip("/") + "/" + DUMP_NAME.format(slug=slug, day=day, version=version)


def checksum_url(url: str) -> str:
    """URL of the SHA-1 checksum published beside a dump: the dump URL + ``.sha1`` (same route)."""
    return url + ".sha1"


_SHA1 = re.compile(rb"^\s*([0-9a-fA-F]{40})(?:\s|$)")


def parse_sha1(body: bytes) -> str:
    """The lower-case hex SHA-1 of a ``.zip.sha1`` file (``<40 hex>`` alone, or followed by
    whitespace and the file name, as ``sha1sum`` writes). Raises ChecksumError otherwise."""
    match = _SHA1.match(body[:1024])
    if match is None:
        raise ChecksumError(f"checksum file holds no SHA-1: {body[:80]!r}")
    return match.group(1).decode("ascii").lower()


def default_day(today: date) -> date:
    """The dump fetched when no day is asked for: the day before yesterday of ``today`` (UTC).

    The Commission's guidance: yesterday's file may not be ready yet, so downloaders fetch the
    day before yesterday (data-retention-policy.md of the Transparency Database).
    """
    return today - timedelta(days=2)


def days(start: date | str, end: date | str | None = None) -> list[date]:
    """Every day from ``start`` to ``end`` (both included; ``end`` defaults to ``start``).

    Raises ValueError for a reversed range or a day before the first dump (2023-09-25).
    """
    start = date.fromisoformat(start) if isinstance(start, str) else start
    end = start if end is None else (date.fromisoformat(end) if isinstance(end, str) else end)
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if start < FIRST_DUMP:
        raise ValueError(f"no dumps before {FIRST_DUMP}")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def schema_version(header: Iterable[str]) -> str:
    """``v1-full``, ``v2-full``, ``v1-light`` or ``v2-light`` from a CSV header row."""
    header = set(header)
    version = "v2" if "content_id_ean" in header else "v1"
    return f"{version}-{'full' if 'territorial_scope' in header else 'light'}"


def iter_csv_members(fileobj: BinaryIO, name: str = "", *, depth: int = 0) -> Iterator[tuple[str, io.TextIOBase]]:
    """Yield ``(member path, UTF-8 text stream)`` for every CSV in a dump, nested zips included.

    ``fileobj`` is a seekable binary file holding the outer zip, or a bare CSV when ``name``
    ends in ``.csv``. The name yielded is the CSV's own file name
    (``sor-global-2024-03-14-full-00000-00000.csv``): unique within a dump, it carries the part
    and sub-part numbers, so it also names the inner zip.
    Raises DumpError when the file is not a zip, a zip is nested deeper than :data:`MAX_ZIP_DEPTH`
    (``depth``: how deep ``fileobj`` is), or a member is damaged or a decompression bomb.
    """
    if name.endswith(".csv"):
        yield name, _utf8_text(fileobj)
        return
    try:
        outer = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile as exc:
        raise DumpError(f"{name or 'dump'} is not a zip file: {exc}") from exc
    with outer:
        check_archive(outer)
        for info in outer.infolist():
            if info.is_dir() or not info.filename.endswith((".zip", ".csv")):
                continue
            if info.filename.endswith(".zip"):
                if depth >= MAX_ZIP_DEPTH:  # a zip of zips of zips..., a zip quine: not a dump's layout
                    raise DumpError(
                        f"{name or 'dump'}: {info.filename}: zip nested deeper than a dump's layout "
                        f"(dump zip > .csv.zip > .csv)"
                    )
                # streamed, so no size limit; a bomb's compression ratio is refused
                with (
                    open_member(outer, info, None, error=DumpError, where=name or "dump") as member,
                    tempfile.SpooledTemporaryFile(SPOOL_MAX_BYTES) as spool,
                ):
                    shutil.copyfileobj(member, spool, 1024 * 1024)
                    spool.seek(0)
                    yield from iter_csv_members(spool, info.filename, depth=depth + 1)
                continue
            with open_member(outer, info, None, error=DumpError, where=name or "dump") as member:
                yield info.filename, _utf8_text(member)


def open_csv(text: io.TextIOBase) -> tuple[list[str] | None, Iterator[list[str]]]:
    """``(header or None for an empty file, csv reader positioned after the header)``."""
    reader = csv.reader(text)
    return next(reader, None), reader


def iter_statements(
    text: io.TextIOBase,
    member: str,
    *,
    platforms: set[str] | None = None,
    territorial_scope: set[str] | None = None,
    opened: tuple | None = None,
    stats: dict | None = None,
) -> Iterator[tuple | Reject]:
    """Read one CSV of statements of reasons: yield a tuple per kept statement, a Reject per bad record.

    Tuples hold the values of :data:`COLUMNS` in that order, as written in the CSV (``""`` for
    an empty cell or a column this schema lacks; the loader stores ``""`` as NULL), then the
    location (``member:line``). Filters: ``platforms`` (exact ``platform_name`` values) and
    ``territorial_scope`` (ISO 3166 codes; a statement is kept when its scope contains any of
    them). Rejected: a record the csv module cannot read (a cell over :data:`MAX_CELL_CHARS`),
    a record whose field count differs from the header, an empty ``uuid``, a date cell of
    :data:`DATE_COLUMNS` that is no real date (:func:`date_problem`), a
    JSON-array cell that is not ``[...]``, a record with bytes that are not UTF-8 (streams from
    :func:`iter_csv_members`; the excerpt shows them as U+FFFD). An empty CSV (no header, or a header only) yields
    nothing. ``opened`` is the result of :func:`open_csv` on ``text`` when the caller already read
    the header. ``stats`` (optional dict) gets ``read`` and ``filtered`` counts added (CSV
    records, not physical lines). Raises DumpError when the header lacks a column of
    :data:`REQUIRED_COLUMNS` (the message lists every missing one) or a filter's column.

    This loop runs once per statement (millions a day), hence the flat, inlined code.
    """
    header, reader = opened or open_csv(text)
    if header is None:
        return
    positions = {name: i for i, name in enumerate(header)}
    if "uuid" not in positions:
        raise DumpError(f"{member}: header without a uuid column: {header[:5]}")
    if missing := [name for name in REQUIRED_COLUMNS if name not in positions]:
        raise DumpError(f"{member}: header lacks required column(s): {', '.join(missing)}")
    width = len(header)
    # a column the header lacks reads the "" appended at index ``width`` of every row; the
    # location is appended at ``width + 1`` (one tuple per row, no concatenation)
    getter = operator.itemgetter(*(positions.get(name, width) for name in COLUMNS), width + 1)
    uuid_at = positions["uuid"]
    json_at = [(positions[c], c) for c in JSON_ARRAY_COLUMNS if c in positions]
    json_cells = operator.itemgetter(*(at for at, _ in json_at), width)  # ``width``: "" (>= 2 indexes)
    dates_at = [(positions[c], c) for c in DATE_COLUMNS if c in positions]
    created_at = positions.get("created_at")
    latest = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    platform_at = positions.get("platform_name")
    scope_at = positions.get("territorial_scope")
    if platforms and platform_at is None:
        raise DumpError(f"{member}: no platform_name column to filter on")
    if territorial_scope and scope_at is None:
        raise DumpError(f"{member}: no territorial_scope column (light dump?) to filter on")
    scope_needles = [f'"{code.upper()}"' for code in territorial_scope or ()]
    read = filtered = 0
    invalid_utf8 = _INVALID_UTF8
    invalid_before = getattr(text, "invalid_utf8_before", invalid_utf8[0])
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:  # e.g. a cell over MAX_CELL_CHARS: that record only
                read += 1
                yield Reject(f"{member}:{reader.line_num}", f"unreadable CSV record: {error}", "")
                continue
            read += 1
            if invalid_utf8[0] != invalid_before:  # this stream held an invalid byte: find its records
                bad_bytes = list(dict.fromkeys(b for cell in row for b in _ESCAPED_BYTE.findall(cell)))
                if bad_bytes:
                    listed = " ".join(f"0x{ord(b) - 0xDC00:02x}" for b in bad_bytes)
                    yield Reject(f"{member}:{reader.line_num}", f"invalid UTF-8 (bytes {listed})", _excerpt(row))
                    continue
            if len(row) != width:
                yield Reject(f"{member}:{reader.line_num}", f"{len(row)} fields instead of {width}", _excerpt(row))
                continue
            if platforms and row[platform_at] not in platforms:
                filtered += 1
                continue
            if scope_needles and not any(n in row[scope_at] for n in scope_needles):
                filtered += 1
                continue
            if not row[uuid_at]:
                yield Reject(f"{member}:{reader.line_num}", "empty uuid", _excerpt(row))
                continue
            bad_date = next((f"{name}: {why}" for at, name in dates_at if (why := date_problem(row[at]))), None)
            if bad_date:
                yield Reject(f"{member}:{reader.line_num}", bad_date, _excerpt(row))
                continue
            if created_at is not None and row[created_at] and not _DUMP_TIME.fullmatch(row[created_at]):
                row[created_at] = dump_time(row[created_at])
            if created_at is not None and row[created_at] and not FIRST_CREATED_AT <= row[created_at] < latest:
                why = (
                    f"created_at outside the database's time ({FIRST_CREATED_AT[:10]} to tomorrow): {row[created_at]!r}"
                )
                yield Reject(f"{member}:{reader.line_num}", why, _excerpt(row))
                continue
            row.append("")
            for cell in json_cells(row):
                if cell and (cell[0] != "[" or cell[-1] != "]"):
                    break
            else:  # every JSON-array cell is empty or [...]
                row.append(f"{member}:{reader.line_num}")
                yield getter(row)
                continue
            del row[width:]
            bad = next(name for at, name in json_at if row[at] and (row[at][0] != "[" or row[at][-1] != "]"))
            yield Reject(f"{member}:{reader.line_num}", f"{bad} is not a JSON array", _excerpt(row))
    finally:
        if stats is not None:
            stats["read"] = stats.get("read", 0) + read
            stats["filtered"] = stats.get("filtered", 0) + filtered


def csv_line(values) -> str:
    """``values`` as one CSV record (no line break): a statement's raw form for ``rejects``."""
    return _excerpt(list(values), limit=16_384)


@lru_cache(maxsize=65_536)
def date_problem(cell: str) -> str | None:
    """Why a date cell is not a real date (``2023-02-30``, year ``0000``, ``not a date``), or None.

    Empty is fine (no date). Cached: a day's dump repeats a few thousand distinct values.
    """
    if not cell:
        return None
    try:
        datetime.fromisoformat(cell)
    except ValueError:
        return f"not a real date: {cell[:40]!r}"
    if not FIRST_YEAR_ANY <= int(cell[:4]) <= LAST_YEAR_ANY:
        return f"date out of range: {cell[:40]!r}"
    return None


#: ``created_at`` as the dumps write it (UTC): text comparisons, sorts and the hourly summary rely on it
_DUMP_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


@lru_cache(maxsize=4_096)
def dump_time(cell: str) -> str:
    """A ``created_at`` in another ISO 8601 form (``2024-03-14T06:30:00Z``, ``...+02:00``, ``2024-03-14 06``, a date)
    written as the dumps write it, ``YYYY-MM-DD HH:MM:SS`` in UTC (fractions of a second kept): mixed forms in one
    column would sort and compare wrongly as text (``T`` sorts after the space). ``cell`` passed :func:`date_problem`."""
    moment = datetime.fromisoformat(cell)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="microseconds" if moment.microsecond else "seconds")


#: the first ``created_at`` a statement can have: the DSA's obligations for the very large platforms began on
#: 25 August 2023; a statement "submitted" before that, or after tomorrow, is a corrupted cell (a flipped digit)
FIRST_CREATED_AT = "2023-08-25 00:00:00"

#: years a statement's dates may fall in (content dates go back far; end dates of restrictions ahead)
FIRST_YEAR_ANY, LAST_YEAR_ANY = 1970, 2200


def _excerpt(row: list, limit: int = 4096) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    # invalid UTF-8 bytes (lone surrogates here) are shown as U+FFFD
    return out.getvalue()[:limit].encode("utf-8", "surrogateescape").decode("utf-8", "replace")
