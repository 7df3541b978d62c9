"""Parse one date string as found on a page or in a feed, keeping precision, offset and the original.

Shapes
------
``parse_date("Cập nhật: 16/04/2019 14:01 (GMT+7)", languages=["vi"])`` returns
``ParsedDate(utc_iso="2019-04-16T07:01:00Z", raw="Cập nhật: 16/04/2019 14:01 (GMT+7)", offset="+07:00",
precision="minute")``.

``utc_iso`` by precision:

- ``"second"`` / ``"minute"`` / ``"hour"`` with a known UTC offset: ``"YYYY-MM-DDTHH:MM:SSZ"`` (converted to UTC);
  without one: ``"YYYY-MM-DDTHH:MM:SS"`` (the wall-clock time as written, no ``Z``; ``offset`` is None).
  Relative times (``2 giờ trước``) are computed from the fetch time, so they are UTC (``Z``) with ``offset``
  None (the page gave none).
- ``"day"``: ``"YYYY-MM-DD"``, the calendar day as written (no conversion: a day has no instant).
- ``"month"``: ``"YYYY-MM"``; ``"year"``: ``"YYYY"``. A month is never presented as its 1st day.

Order of day and month in all-numeric dates (``05/08/2018``) comes from ``day_first`` or, failing that, from the
source language's CLDR date order as shipped with dateparser (``vi``, ``de``, ``fr``, ``en-GB`` … day first;
``en``/``en-US`` month first); dotted dates (``05.08.2018``) are day first everywhere. A date whose order cannot
be decided (both numbers <= 12, slashes, no language, no ``day_first``) is refused (``None``) rather than guessed; so
is one the known order makes impossible (``02-23-2004`` on a day-first page: no 23rd month).

Absolute dates are found with regular expressions (ISO 8601, numeric, CJK, Vietnamese ``Ngày 17 tháng 6 năm
2021``, month names of the source languages and of :data:`COMMON_LANGUAGES`, taken from dateparser's CLDR data)
and win over relative ones. A day and month without a year (``Dec 14 11:00`` on a listing) is the nearest such day
on or before the fetch time; without a fetch time it is refused. dateparser reads relative dates (``2 giờ trước``, ``hôm qua``, ``3 days ago``) against
``fetched_at``; without a fetch time they are refused. Years outside 1990–2100 are not publication years.
"""

from __future__ import annotations

import dataclasses
import email.utils
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from modwatch.extract.dates.patterns import (
    MAX_YEAR,
    MIN_YEAR,
    NUMERIC_RE,
    YEAR_RE,
    Found,
    find_absolute,
    find_time,
    yearless_match,
)
from modwatch.extract.dates.zones import GMT_HINT_RE, day_first_for, format_offset, locale_info, normalise_offset, tz_of

PRECISIONS = ("second", "minute", "hour", "day", "month", "year")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class ParsedDate:
    """A date as found in a source, normalised.

    - ``utc_iso``: normalised value (see the module docstring for its shape by precision).
    - ``raw``: the original string as found (labels and decorations included).
    - ``offset``: UTC offset of the original as ``"+07:00"``; None when the source gave none.
    - ``precision``: ``"second" | "minute" | "hour" | "day" | "month" | "year"``.
    - ``found_in``: where a finder took it from (``"json-ld:datePublished"``, ``"meta:article:published_time"``,
      ``"url"``, ...); None for :func:`parse_date` on its own.
    - ``day``: the calendar day (``YYYY-MM-DD``) the source itself shows, when the page gives a UTC time whose UTC
      day differs from it (``2023-11-09T01:09:55Z`` on a page dated ``/2023/11/08/``); None otherwise.
    """

    utc_iso: str | None
    raw: str
    offset: str | None
    precision: str
    found_in: str | None = None
    day: str | None = None

    def as_datetime(self) -> datetime | None:
        """The value as a datetime: aware (UTC) when the offset is known, naive otherwise.

        Day, month and year precision give midnight of the first day of the period (naive) — read
        ``precision`` before using the time or the day.
        """
        if not self.utc_iso:
            return None
        value = self.utc_iso
        if self.precision == "year":
            value += "-01-01"
        elif self.precision == "month":
            value += "-01"
        return datetime.fromisoformat(value)  # Python 3.11+ reads the "Z" suffix

    @property
    def local_day(self) -> str | None:
        """``YYYY-MM-DD`` of the date in the source's own time zone (the day a reader of the page saw), or None
        when the precision is coarser than a day."""
        if self.day:
            return self.day
        if self.precision in ("month", "year") or not self.utc_iso:
            return None
        if self.precision == "day" or self.offset is None:
            return self.utc_iso[:10]
        return self.as_datetime().astimezone(tz_of(self.offset)).date().isoformat()

    @property
    def local_iso(self) -> str | None:
        """The date as the page shows it, in the source's own time: ``2015-08-03T12:45:00-04:00`` for a time with
        a known offset, the wall-clock time as written (``2014-12-14T11:00:00``) without one, the day, month or
        year as written; for a UTC time whose day the page shows otherwise (``day``), that day. None for a UTC
        time computed from a relative date ("2 hours ago": the page showed no clock time)."""
        if not self.utc_iso:
            return None
        if self.day:
            return self.day
        if self.precision in ("day", "month", "year"):
            return self.utc_iso
        if self.offset is None:
            return None if self.utc_iso.endswith("Z") else self.utc_iso
        return self.as_datetime().astimezone(tz_of(self.offset)).isoformat()


def with_source(parsed: ParsedDate, found_in: str) -> ParsedDate:
    """``parsed`` with ``found_in`` set (where a finder took it from)."""
    return dataclasses.replace(parsed, found_in=found_in)


def _result(found: Found, raw: str, offset_hint: str | None) -> ParsedDate:
    if found.day is None:
        if found.month is None:
            return ParsedDate(f"{found.year:04d}", raw, None, "year")
        return ParsedDate(f"{found.year:04d}-{found.month:02d}", raw, None, "month")
    if found.time is None:
        return ParsedDate(f"{found.year:04d}-{found.month:02d}-{found.day:02d}", raw, None, "day")
    hour, minute, second, offset = found.time
    offset = offset or offset_hint
    local = datetime(found.year, found.month, found.day, hour, minute, second or 0)
    precision = "minute" if second is None else "second"
    if offset is None:
        return ParsedDate(local.isoformat(), raw, None, precision)
    utc = (local - tz_of(offset).utcoffset(None)).isoformat() + "Z"
    return ParsedDate(utc, raw, offset, precision)


# --------------------------------------------------------------------------------------- relative dates

_DATEPARSER_PERIODS = {"time": "minute", "day": "day", "week": "day", "month": "month", "year": "year"}


def _date_data(text: str, languages: tuple[str, ...], day_first: bool | None, base: datetime):
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": base,
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if day_first is not None:
        settings["DATE_ORDER"] = "DMY" if day_first else "MDY"
    parser = DateDataParser(languages=list(languages) or None, settings=settings, try_previous_locales=False)
    return parser.get_date_data(text)


@lru_cache(maxsize=64)
def _relative_hint(languages: tuple[str, ...]) -> re.Pattern:
    """Words that mark a relative date in ``languages`` (and English): "ago", "trước", "vor", "hôm qua",
    "yesterday", "heute" ... from dateparser's CLDR data. Only text matching it is handed to dateparser."""
    words = set()
    for language in dict.fromkeys((*languages, "en")):
        info = locale_info(language)
        words.update(w.lower() for w in info.get("ago", ()) if len(w) >= 2)
        for phrases in info.get("relative-type", {}).values():
            words.update(w.lower() for w in phrases if len(w) >= 3)
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:%s)(?!\w)" % alternation, re.I)


def _parse_relative(
    text: str, languages: tuple[str, ...], day_first: bool | None, fetched_at: datetime, raw: str
) -> ParsedDate | None:
    """A relative date (``2 giờ trước``, ``hôm qua``, ``3 days ago``) read by dateparser with RELATIVE_BASE = the
    fetch time in UTC. Hours and minutes ago give a UTC time (precision ``"hour"`` or ``"minute"``), days ago a
    day, months ago a month."""
    if fetched_at.tzinfo is not None:
        base = fetched_at.astimezone(timezone.utc).replace(tzinfo=None)
    else:
        base = fetched_at
    try:
        data = _date_data(text, languages, day_first, base)
    except (ValueError, OverflowError, TypeError):
        return None
    if data is None or data.date_obj is None or not MIN_YEAR <= data.date_obj.year <= MAX_YEAR:
        return None
    value, period = data.date_obj, _DATEPARSER_PERIODS.get(data.period or "day", "day")
    if period == "year":
        return ParsedDate(f"{value.year:04d}", raw, None, "year")
    if period == "month":
        return ParsedDate(f"{value.year:04d}-{value.month:02d}", raw, None, "month")
    if period == "day":
        return ParsedDate(value.date().isoformat(), raw, None, "day")
    # "2 giờ trước" is known to the hour, "5 phút trước" to the minute
    precision = "hour" if (base - value).total_seconds() % 3600 == 0 else "minute"
    return ParsedDate(value.replace(second=0, microsecond=0).isoformat() + "Z", raw, None, precision)


# --------------------------------------------------------------------------------------- public API

_LABEL_RE = re.compile(
    r"^\s*(?:published|posted|updated|last updated|modified|date|on|"
    r"ngày đăng|đăng ngày|cập nhật|cập nhật lúc|đăng lúc|xuất bản|ngày|"
    r"veröffentlicht(?: am)?|aktualisiert(?: am)?|stand|publié le|mis à jour le|publicado|actualizado)\s*[:\-–]?\s*",
    re.I,
)


def parse_date(
    text: str,
    *,
    languages: list[str] | None = None,
    fetched_at: datetime | None = None,
    day_first: bool | None = None,
    default_offset: str | None = None,
) -> ParsedDate | None:
    """Parse one date string as found on a page (labels, weekday names and time-zone notes around it are fine).

    - ``languages``: the source's languages (ISO 639-1 / CLDR codes such as ``"vi"``, ``"en-GB"``); they choose
      the month names understood and, unless ``day_first`` is given, the order of day and month.
    - ``fetched_at``: when the page was fetched; relative dates (``3 days ago``) resolve against it. Naive values
      are taken as UTC. Without it, relative dates give None.
    - ``default_offset``: the source's UTC offset (``"+07:00"``) for times written without one; an explicit
      offset or a ``(GMT+7)`` note in the text wins over it.

    Returns None for empty text, text without a date, and all-numeric dates whose day/month order is unknown.
    Absolute dates win over relative ones in the same string (``24/03/2020 14:01 | 4 năm trước``).
    """
    if not text:
        return None
    raw = text.strip()
    cleaned = _SPACE_RE.sub(" ", raw)[:300]
    languages_t = tuple(dict.fromkeys(language for language in (languages or ()) if language))
    if day_first is None:
        day_first = day_first_for(languages_t)
    offset_hint = None
    hint = GMT_HINT_RE.search(cleaned)
    if hint:
        offset_hint = format_offset(hint.group(1), int(hint.group(2)), int(hint.group(3) or 0))
        cleaned = cleaned[: hint.start()] + " " + cleaned[hint.end() :]
    found = find_absolute(cleaned, languages_t, day_first)
    if found is False:
        return None
    if found:
        if found.day is not None and found.time is None:
            found.time = find_time(cleaned, found)
        return _result(found, raw, offset_hint or (normalise_offset(default_offset) if default_offset else None))
    if fetched_at is not None and not YEAR_RE.search(cleaned):
        found = yearless_match(cleaned, languages_t, fetched_at)
        if found:
            found.time = find_time(cleaned, found)
            return _result(found, raw, offset_hint or (normalise_offset(default_offset) if default_offset else None))
    if not any(ch.isalpha() for ch in cleaned):
        m = YEAR_RE.fullmatch(cleaned.strip())
        return ParsedDate(m["year"], raw, None, "year") if m else None
    if fetched_at is None or not _relative_hint(languages_t).search(cleaned):
        return None  # relative dates need the fetch time; other text holds no date we can read
    stripped = _LABEL_RE.sub("", cleaned)
    return _parse_relative(stripped, languages_t, day_first, fetched_at, raw)


def parse_feed_date(text: str, *, language: str | None = None, fetched_at: datetime | None = None) -> ParsedDate | None:
    """Parse an RSS/Atom date, including the ones feedparser cannot read: slash-separated (``17/06/2021 10:00``),
    non-English weekday or month names (``Thứ Hai, 17/06/2021``), or no time zone (kept without an offset, never
    invented). RFC 822 (RSS 2.0) and RFC 3339 (Atom) dates are read exactly. Returns None when there is no date."""
    if not text or not text.strip():
        return None
    raw = text.strip()
    if not NUMERIC_RE.search(raw):  # RFC 822 "Thu, 17 Jun 2021 10:00:00 +0700" has no numeric d/m/y
        try:
            value = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            value = None
        if value is not None and MIN_YEAR <= value.year <= MAX_YEAR:
            if value.tzinfo is None or re.search(r"-0000\s*$", raw):
                # RFC 5322: "-0000" means the zone is unknown; so does no zone at all
                naive = value.replace(tzinfo=None)
                return ParsedDate(naive.isoformat(), raw, None, "second")
            offset = value.utcoffset()
            minutes = int(offset.total_seconds() // 60)
            offset_text = format_offset("-" if minutes < 0 else "+", abs(minutes) // 60, abs(minutes) % 60)
            utc = value.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"
            return ParsedDate(utc, raw, offset_text, "second")
    return parse_date(raw, languages=[language] if language else None, fetched_at=fetched_at)
