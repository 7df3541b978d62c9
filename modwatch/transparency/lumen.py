"""Lumen Database takedown notices: pure parsing, normalisation and query planning.

Nothing here does network or database I/O; the ``lumen`` spider routes responses and
``modwatch/load/notices.py`` stores what these functions return.

Format (``/work/shared/data/transparency/lumen/SOURCE.md``, Lumen source
``berkmancenter/lumendatabase``):

- one notice: ``{"<type_root>": {...}}`` where the root is snake case (``dmca``, ``other``,
  ``court_order``, ``local_law`` ...) and ``type`` inside is CamelCase (``Dmca``, ``CourtOrder``);
  the search API (``/notices/search.json``) returns flat notices with ``type`` in a
  ``{"notices": [...], "meta": {...}}`` page. Both shapes are accepted.
- fields renamed per notice type: ``body`` / ``explanation``; ``works`` / ``marks``; in a work the
  description is ``description`` / ``complaint`` / ``subject_of_court_order`` /
  ``subject_of_enforcement_request`` / ``legal_complaint``, and its URL lists are
  ``infringing_urls`` / ``problematic_urls`` / ``targetted_urls`` (sic) / ``defamatory_urls`` / ...
  (the URLs complained about) and ``copyrighted_urls`` / ``original_work_urls`` (the original work).
- URL list items: ``{"url": ...}``; ``{"url": "[REDACTED]"}`` (LocalLaw notices);
  ``{"fqdn": "example.com", "count": 12}`` (aggregated for users without research permission);
  ``[{"url": "No URL submitted"}]`` stands for an empty list.
- rescinded notices keep only ``{"id", "title", "body": "Notice Rescinded"}``.
- dates are ISO 8601 UTC strings or null, and can be impossible (``2911-06-28T04:00:00Z``).

Query planning: the API refuses results past the 10,000th (issue berkmancenter/lumendatabase#631),
so a query whose ``total_entries`` exceeds that is split into two halves of its
``date_received_facet`` range (epoch milliseconds, ``<from>..<to>``, both ends included) until
each slice fits.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urlsplit

from db.timestamps import iso_utc, parse_iso

SEARCH_URL = "https://lumendatabase.org/notices/search.json"
#: the API refuses ``page * per_page`` past this many results
MAX_RESULTS = 10_000
#: ``per_page`` is clamped by Lumen to 1 ... 1000
MAX_PER_PAGE = 1000
TOKEN_HEADER = "X-Authentication-Token"
REDACTED = "[REDACTED]"
NO_URL = "No URL submitted"
RESCINDED_BODY = "Notice Rescinded"
#: earliest plausible notice date (the DMCA is from 1998; Chilling Effects started in 2001)
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=timezone.utc)
#: a date may be this much later than the fetch time (time zones, clock skew) before it is impossible
FETCH_TIME_TOLERANCE = timedelta(days=1)

#: notice-level text, first key present wins
BODY_KEYS = ("body", "explanation", "legal_complaint")
#: list of works, first key present wins (Trademark notices call them marks)
WORKS_KEYS = ("works", "marks")
#: work-level description, first key present wins
WORK_DESCRIPTION_KEYS = (
    "description",
    "complaint",
    "subject_of_court_order",
    "subject_of_enforcement_request",
    "legal_complaint",
)
#: URL list key -> role of the URLs in it
URL_ROLES = {
    "infringing_urls": "target",
    "problematic_urls": "target",
    "targetted_urls": "target",
    "targeted_urls": "target",
    "defamatory_urls": "target",
    "urls_in_request": "target",
    "urls_with_private_information": "target",
    "urls_mentioned_in_request": "target",
    "copyrighted_urls": "original",
    "original_work_urls": "original",
}
DATE_KEYS = ("date_sent", "date_received", "date_submitted")
LIST_KEYS = ("topics", "tags", "jurisdictions")


@dataclass
class ParsedNotice:
    """One notice, normalised.

    ``notice``: dict of ``notices`` columns (``id`` int, ``type``, ``title``, ``body``,
    ``date_sent`` / ``date_received`` / ``date_submitted`` (ISO 8601 UTC or None) with their
    ``*_raw`` strings, names, ``recipient_product``, ``topics``/``tags``/``jurisdictions`` (lists),
    ``action_taken``, ``language``, ``case_id_number``, ``rescinded`` (bool), ``works_count``,
    ``urls_count``, ``original_json`` (the notice as received, JSON text)).
    ``works``: dicts with ``position``, ``kind`` (``work``/``mark``), ``description``,
    ``description_key``, ``extra`` (other keys, dict).
    ``urls``: dicts with ``work_position``, ``position``, ``role`` (``target``/``original``/
    ``other``), ``list_key``, ``url`` (None when redacted or aggregated), ``fqdn``, ``url_count``,
    ``redacted`` (bool).
    ``problems``: human-readable reasons for values that were dropped (e.g. impossible dates);
    the notice itself is still stored.
    """

    notice: dict
    works: list = field(default_factory=list)
    urls: list = field(default_factory=list)
    problems: list = field(default_factory=list)


class NoticeError(ValueError):
    """A notice that cannot be stored at all (not an object, no integer id)."""


class PageError(ValueError):
    """A search page that cannot be read at all (not JSON, an unexpected top level)."""


# ---------------------------------------------------------------------------------------------
# query planning (pure)


def to_epoch_ms(value: str | date | datetime) -> int:
    """``"2024-03-01"`` / ``"2024-03-01T12:00:00Z"`` / date / datetime (naive = UTC) -> epoch ms."""
    if isinstance(value, str):
        value = parse_iso(value)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp() * 1000)


def date_range_param(start_ms: int, end_ms: int) -> str:
    """The value of ``date_received_facet``: ``"<from_ms>..<to_ms>"`` (both included)."""
    return f"{start_ms}..{end_ms}"


def split_range(start_ms: int, end_ms: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Halve an inclusive ms range: ``(a, b) -> ((a, m), (m + 1, b))``.

    Raises ValueError when the range is a single millisecond (cannot be split).
    """
    if end_ms <= start_ms:
        raise ValueError(f"cannot split the range {start_ms}..{end_ms}")
    middle = (start_ms + end_ms) // 2
    return (start_ms, middle), (middle + 1, end_ms)


def needs_split(total_entries: int, max_results: int = MAX_RESULTS) -> bool:
    """True when a query has more results than the API will page through."""
    return total_entries > max_results


def pages_to_fetch(total_entries: int, per_page: int, max_results: int = MAX_RESULTS) -> range:
    """Page numbers (1-based) that cover ``total_entries`` without passing ``max_results``.

    >>> list(pages_to_fetch(2500, 1000))
    [1, 2, 3]
    """
    if per_page < 1 or per_page > MAX_PER_PAGE:
        raise ValueError(f"per_page must be 1..{MAX_PER_PAGE}, got {per_page}")
    reachable = min(total_entries, max_results)
    return range(1, -(-reachable // per_page) + 1 if reachable else 2)


def search_url(params: dict, base: str = SEARCH_URL) -> str:
    """The search URL for ``params`` (None values dropped, keys sorted for stable WARC keys).

    The token is never a parameter: it travels in the ``X-Authentication-Token`` header.
    """
    clean = {k: v for k, v in sorted(params.items()) if v is not None and v != ""}
    if "authentication_token" in clean:
        raise ValueError("the Lumen token must be sent in the X-Authentication-Token header")
    return f"{base}?{urlencode(clean)}"


def retry_after_seconds(value: str | bytes | None, default: float = 300.0, now: datetime | None = None) -> float:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), else ``default``.

    Lumen's 429 body asks to "wait at least five minutes", hence the 300 s default.
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


# ---------------------------------------------------------------------------------------------
# parsing (pure)


def parse_search_page(data: bytes | str) -> tuple[list[tuple[str, dict]], dict]:
    """A search.json page -> ``([(json_path, notice_dict), ...], meta)``.

    ``json_path`` is the notice's place in the page, e.g. ``$.notices[3]``. A single-notice
    document (``{"dmca": {...}}``) is also accepted: ``([("$.dmca", {...})], {})``.
    Raises :class:`PageError` on invalid JSON (or text) or an unexpected top level.
    """
    try:
        page = json.loads(data)
    except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError
        raise PageError(f"not a JSON page: {exc}") from exc
    if not isinstance(page, dict):
        raise PageError(f"expected a JSON object, got {type(page).__name__}")
    if "notices" in page:
        notices = page["notices"]
        if not isinstance(notices, list):
            raise PageError("'notices' is not a list")
        return [(f"$.notices[{i}]", n) for i, n in enumerate(notices)], page.get("meta") or {}
    if len(page) == 1:
        root = next(iter(page))
        return [(f"$.{root}", page)], {}
    raise PageError(f"neither a search page nor a single notice: keys {sorted(page)[:10]}")


def parse_notice(raw: dict, *, fetched_at: datetime | None = None) -> ParsedNotice:
    """Normalise one notice (root-keyed or flat) into ``notices`` / ``notice_works`` / ``notice_urls`` rows.

    Dates later than ``fetched_at`` (default: now) plus one day, or earlier than 1990, are
    impossible: the date becomes None, the raw string is kept and a problem is reported.
    Raises NoticeError when ``raw`` is not an object or has no integer ``id``.
    """
    if not isinstance(raw, dict):
        raise NoticeError(f"notice is a {type(raw).__name__}, not an object")
    original_json = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
    root = None
    attrs = raw
    if "id" not in raw and len(raw) == 1 and isinstance(next(iter(raw.values())), dict):
        root, attrs = next(iter(raw.items()))
    notice_id = attrs.get("id")
    if isinstance(notice_id, str) and notice_id.isdigit():
        notice_id = int(notice_id)
    if not isinstance(notice_id, int) or isinstance(notice_id, bool):
        raise NoticeError(f"notice without an integer id: {notice_id!r}")

    notice_type = attrs.get("type") or (_camel(root) if root else None)
    body = _first(attrs, BODY_KEYS)
    recipient = attrs.get("recipient_name")
    limit = (fetched_at or datetime.now(timezone.utc)) + FETCH_TIME_TOLERANCE
    if limit.tzinfo is None:
        limit = limit.replace(tzinfo=timezone.utc)

    parsed = ParsedNotice(notice={})
    row = parsed.notice
    row.update(
        id=notice_id,
        type=notice_type,
        type_root=root or (_snake(notice_type) if notice_type else None),
        title=attrs.get("title"),
        body=body,
        sender_name=attrs.get("sender_name"),
        principal_name=attrs.get("principal_name"),
        recipient_name=recipient,
        recipient_product=_bracketed(recipient),
        submitter_name=attrs.get("submitter_name"),
        action_taken=attrs.get("action_taken"),
        language=attrs.get("language"),
        case_id_number=attrs.get("case_id_number"),
        rescinded=_is_rescinded(attrs),
    )
    for key in DATE_KEYS:
        raw_value = attrs.get(key)
        row[f"{key}_raw"] = raw_value
        row[key], problem = _checked_date(raw_value, limit)
        if problem:
            parsed.problems.append(f"{key}: {problem}")
    for key in LIST_KEYS:
        value = attrs.get(key)
        row[key] = value if isinstance(value, list) else ([] if value is None else [value])

    works_key = next((k for k in WORKS_KEYS if k in attrs), None)
    works = attrs.get(works_key) or []
    if not isinstance(works, list):
        parsed.problems.append(f"{works_key}: not a list ({type(works).__name__}), ignored")
        works = []
    for position, work in enumerate(works):
        if not isinstance(work, dict):
            parsed.problems.append(f"{works_key}[{position}]: not an object, ignored")
            continue
        _add_work(parsed, work, position, "mark" if works_key == "marks" else "work")
    row["works_count"] = len(parsed.works)
    row["urls_count"] = sum(u["url_count"] or 1 for u in parsed.urls)
    row["original_json"] = original_json
    return parsed


def _add_work(parsed: ParsedNotice, work: dict, position: int, kind: str) -> None:
    description_key = next((k for k in WORK_DESCRIPTION_KEYS if k in work), None)
    extra = {}
    url_position = 0
    for key, value in work.items():
        if key == description_key:
            continue
        if key.endswith("_urls") or key in URL_ROLES:
            for item in value or []:
                url_row = _url_row(item)
                if url_row is None:
                    continue
                url_row.update(
                    work_position=position, position=url_position, list_key=key, role=URL_ROLES.get(key, "other")
                )
                parsed.urls.append(url_row)
                url_position += 1
        else:
            extra[key] = value
    parsed.works.append(
        {
            "position": position,
            "kind": kind,
            "description": work.get(description_key) if description_key else None,
            "description_key": description_key,
            "extra": extra,
        }
    )


def _url_row(item) -> dict | None:
    """One URL list item -> url fields, or None for the 'No URL submitted' placeholder."""
    if isinstance(item, str):
        item = {"url": item}
    if not isinstance(item, dict):
        return {"url": None, "fqdn": None, "url_count": None, "redacted": False, "raw": json.dumps(item)}
    url = item.get("url")
    if isinstance(url, str):
        url = url.strip()
    if url == NO_URL:
        return None
    redacted = url == REDACTED
    fqdn = item.get("fqdn")
    if url and not redacted and not fqdn:
        fqdn = urlsplit(url).hostname
    count = item.get("count")
    return {
        "url": None if redacted else url,
        "fqdn": fqdn,
        "url_count": count if isinstance(count, int) else None,
        "redacted": redacted,
        "raw": None if redacted or url else json.dumps(item, ensure_ascii=False),
    }


def _checked_date(value, limit: datetime) -> tuple[str | None, str | None]:
    """-> (ISO 8601 UTC or None, problem or None)."""
    if value is None or value == "":
        return None, None
    try:
        when = parse_iso(str(value))
    except ValueError:
        return None, f"unparseable date {value!r}"
    if when > limit:
        fetched = (limit - FETCH_TIME_TOLERANCE).astimezone(timezone.utc)
        return None, (
            f"impossible date {value!r} (later than the fetch time {fetched:%Y-%m-%dT%H:%M:%SZ} "
            f"plus {FETCH_TIME_TOLERANCE.days} day allowed for time zones and clock skew)"
        )
    if when < EARLIEST_DATE:
        return None, f"impossible date {value!r} (before {EARLIEST_DATE:%Y})"
    return iso_utc(when), None


def _is_rescinded(attrs: dict) -> bool:
    """Body "Notice Rescinded" and nothing else but id, title, type (absent, null or empty)."""
    return str(attrs.get("body") or "").strip() == RESCINDED_BODY and not any(
        value not in (None, "", [], {}) for key, value in attrs.items() if key not in ("id", "title", "body", "type")
    )


def _first(attrs: dict, keys) -> str | None:
    for key in keys:
        if attrs.get(key) is not None:
            return attrs[key]
    return None


def _bracketed(name: str | None) -> str | None:
    """``"Google, Inc. [Blogger]"`` -> ``"Blogger"``."""
    match = re.search(r"\[([^\]]+)\]\s*$", name or "")
    return match.group(1).strip() if match else None


def _camel(root: str) -> str:
    return "".join(part.capitalize() for part in root.split("_"))


def _snake(type_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type_name).lower()
