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
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

PRECISIONS = ("second", "minute", "hour", "day", "month", "year")

#: Years accepted as publication years (older or later numbers are ids, prices, ...).
MIN_YEAR, MAX_YEAR = 1990, 2100


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
        return self.as_datetime().astimezone(_tz(self.offset)).date().isoformat()

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
        return self.as_datetime().astimezone(_tz(self.offset)).isoformat()


def with_source(parsed: ParsedDate, found_in: str) -> ParsedDate:
    """``parsed`` with ``found_in`` set (where a finder took it from)."""
    return dataclasses.replace(parsed, found_in=found_in)


# --------------------------------------------------------------------------------------- time zones

#: Common time-zone abbreviations seen on news pages, in hours from UTC.
TZ_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2, "EET": 2,
    "EEST": 3, "MSK": 3, "IST": 5.5, "ICT": 7, "WIB": 7, "SGT": 8, "HKT": 8, "JST": 9, "KST": 9,
    "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7,
}

_OFFSET_RE = re.compile(r"^([+-])(\d{1,2})(?::?(\d{2}))?$")
#: ``(GMT+7)``, ``GMT+07:00``, ``UTC -5``, ``(UTC+7)`` anywhere in the string
_GMT_HINT_RE = re.compile(r"\(?\b(?:GMT|UTC)\s*([+\-−–])\s*(\d{1,2})(?::?(\d{2}))?\)?", re.I)


def _format_offset(sign: str, hours: int, minutes: int = 0) -> str | None:
    if hours > 14 or minutes > 59:
        return None
    return f"{'-' if sign in '-−–' else '+'}{hours:02d}:{minutes:02d}"


def _offset_from_hours(hours: float) -> str:
    sign = "-" if hours < 0 else "+"
    total = int(round(abs(hours) * 60))
    return f"{sign}{total // 60:02d}:{total % 60:02d}"


def normalise_offset(text: str) -> str | None:
    """``"+0700"``, ``"+07"``, ``"+7"``, ``"Z"``, ``"ICT"`` -> ``"+07:00"`` / ``"+00:00"``; None when unknown."""
    text = text.strip()
    if text.upper() in TZ_ABBREVIATIONS:
        return _offset_from_hours(TZ_ABBREVIATIONS[text.upper()])
    match = _OFFSET_RE.match(text.replace("−", "-"))
    if not match:
        return None
    return _format_offset(match.group(1), int(match.group(2)), int(match.group(3) or 0))


def _tz(offset: str) -> timezone:
    sign = -1 if offset[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))


# --------------------------------------------------------------------------------------- languages

@lru_cache(maxsize=64)
def _locale_info(language: str) -> dict:
    from dateparser.languages.loader import default_loader

    try:
        return default_loader.get_locale(language).info
    except (KeyError, ValueError):
        base = language.split("-")[0].split("_")[0].lower()
        if base != language:
            return _locale_info(base)
        return {}


def day_first_for(languages: list[str] | tuple[str, ...] | None) -> bool | None:
    """True when the first known language writes numeric dates day first (CLDR order DMY or YMD), False for
    month first (MDY, e.g. ``en``/``en-US``), None when no language is known."""
    for language in languages or ():
        order = _locale_info(language).get("date_order")
        if order:
            return not order.startswith("M")
    return None


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


#: Languages whose month names are always understood (after the source's own): pages often declare no language
#: or a wrong one. Order matters where two languages share a spelling.
COMMON_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ro", "vi", "sv", "da", "nb", "fi", "pl", "cs", "ru",
                    "uk", "tr", "id", "ca", "hu", "el")


def _month_table(languages: tuple[str, ...]) -> dict[str, int]:
    names: dict[str, int] = {}
    for language in languages:
        info = _locale_info(language)
        for number, key in enumerate(_MONTHS, 1):
            for name in info.get(key, ()):
                name = name.lower().rstrip(".")
                # Vietnamese "tháng 1" (digits inside) is matched by its own pattern
                if len(name) >= 3 and not any(ch.isdigit() for ch in name):
                    names.setdefault(name, number)
    return names


@lru_cache(maxsize=1)
def _common_month_table() -> dict[str, int]:
    return _month_table(COMMON_LANGUAGES)


@lru_cache(maxsize=64)
def _month_names(languages: tuple[str, ...]) -> tuple[dict[str, int], re.Pattern | None]:
    """Month names (lower case, without a trailing dot) of ``languages`` then :data:`COMMON_LANGUAGES` -> month
    number, and a regex alternation matching them (longest first). Names come from dateparser's CLDR data; a
    name keeps the number of the first language that has it."""
    names = {**_common_month_table(), **_month_table(languages)}
    if not names:
        return names, None
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return names, re.compile(alternation)


# --------------------------------------------------------------------------------------- patterns

_TIME = (r"(?P<hour>[01]?\d|2[0-3])\s*[:hH]\s*(?P<minute>[0-5]\d)(?:\s*:\s*(?P<second>[0-5]\d)(?:[.,]\d+)?)?"
         r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?|SA|CH|sa|ch)(?![A-Za-z]))?"
         r"(?:\s*(?P<tz>Z(?![A-Za-z])|[+\-−]\d{2}:?\d{2}(?!\d)|[+\-−]\d{1,2}(?![\d:])|"
         + "|".join(sorted((k for k in TZ_ABBREVIATIONS if k != "Z"), key=len, reverse=True))
         + r")(?![A-Za-z]))?")
_TIME_RE = re.compile(_TIME)

_ISO_RE = re.compile(
    r"(?<!\d)(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
    r"(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-6]\d)(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?(?!\d)")
_YMD_RE = re.compile(r"(?<![\d.])(?P<year>\d{4})(?P<sep>[/.年-])\s?(?P<month>\d{1,2})(?P=sep)\s?(?P<day>\d{1,2})"
                     r"(?![\d])")
_YMD_CJK_RE = re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
_NUMERIC_RE = re.compile(r"(?<![\d.:/-])(?P<a>\d{1,2})\s?(?P<sep>[/.|-])\s?(?P<b>\d{1,2})\s?(?P=sep)\s?(?P<year>\d{4})"
                         r"(?![\d])")
#: "28.01.22": dotted day.month with a two-digit year (German and other European short dates)
_DOTTED_SHORT_RE = re.compile(r"(?<![\d.:/-])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{2})(?![\d.])")
_VI_DAY_RE = re.compile(r"(?<!\d)(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s*(?:,|năm|/)\s*(?P<year>\d{4})",
                        re.I)
_VI_MONTH_RE = re.compile(r"tháng\s+(?P<month>\d{1,2})\s*(?:,|năm|/)\s*(?P<year>\d{4})", re.I)
_YM_RE = re.compile(r"(?<![\d/.-])(?P<year>\d{4})(?P<sep>[/.-])(?P<month>\d{1,2})(?![\d/.-])")
_MY_RE = re.compile(r"(?<![\d/.:-])(?P<month>\d{1,2})(?P<sep>[/.-])(?P<year>\d{4})(?![\d/.-])")
_YEAR_RE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)")
#: after a month name: "03 12:45:00 EDT 2015" (the day, a clock time with its zone, then the year)
_DAY_TIME_YEAR_RE = re.compile(r"\.?\s+(?P<day>\d{1,2})\s+(?P<clock>\d{1,2}:\d{2}(?::\d{2})?"
                               r"(?:\s*[A-Za-z]{1,5}|\s*[+-]\d{2}:?\d{2})?)\s+(?P<year>\d{4})(?!\d)")
_SPACE_RE = re.compile(r"\s+")


class _Found:
    """An absolute date found in the text: its fields, precision and where it ends (to look for a time)."""

    __slots__ = ("year", "month", "day", "start", "end", "time")

    def __init__(self, year, month=None, day=None, start=0, end=0, time=None):
        self.year, self.month, self.day, self.start, self.end, self.time = year, month, day, start, end, time


def _valid(year: int, month: int | None = None, day: int | None = None) -> bool:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return False
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:
            return False
    return True


def _iso_match(text: str) -> _Found | None:
    for m in _ISO_RE.finditer(text):
        year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
        if not _valid(year, month, day):
            continue
        found = _Found(year, month, day, m.start(), m.end())
        if m["hour"] is not None:
            found.time = (int(m["hour"]), int(m["minute"]), None if m["second"] is None else int(m["second"]),
                          normalise_offset(m["tz"]) if m["tz"] else None)
            if found.time[0] > 23:
                found.time = None
        return found
    return None


def _numeric_match(text: str, day_first: bool | None) -> _Found | None | bool:
    """Numeric day/month/year. Returns False when the only numeric date is ambiguous (order unknown)."""
    ambiguous = False
    for m in _NUMERIC_RE.finditer(text):
        a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
        if a > 12 and b <= 12:
            day, month = a, b
        elif b > 12 and a <= 12:
            if day_first and m["sep"] != ".":
                # "02-23-2004" on a day-first page (vi, de, fr...): the 23rd month does not exist; a month-first
                # reading would be a guess against the page's own order, so the string gives no date
                ambiguous = True
                continue
            day, month = b, a
        elif a == b:
            day = month = a
        elif m["sep"] == ".":  # 05.08.2018: dotted numeric dates are day first wherever they are used
            day, month = a, b
        elif day_first is None:
            ambiguous = True
            continue
        else:
            day, month = (a, b) if day_first else (b, a)
        if _valid(year, month, day):
            return _Found(year, month, day, m.start(), m.end())
    return False if ambiguous else None


def _named_month_match(text: str, languages: tuple[str, ...]) -> _Found | None:
    names, alternation = _month_names(languages)
    if alternation is None:
        return None
    lowered = text.lower()
    position = 0
    while True:
        m = alternation.search(lowered, position)
        if m is None:
            return None
        position = m.start() + 1  # names overlap ("de nov" / "novembro"): try every start
        # whole word only (\b is unreliable next to accented letters, hence the explicit checks)
        if (m.start() and lowered[m.start() - 1].isalpha()) or (m.end() < len(lowered) and lowered[m.end()].isalpha()
                                                               and lowered[m.end()] != "."):
            continue
        month = names[m.group()]
        after = lowered[m.end():m.end() + 24]
        before = lowered[max(0, m.start() - 12):m.start()]
        # "June 12, 2026" / "Jun. 12th 2026"
        am = re.match(r"\.?\s*(\d{1,2})(?:st|nd|rd|th|\.)?,?\s+(\d{4})(?!\d)", after)
        if am and _valid(int(am[2]), month, int(am[1])):
            return _Found(int(am[2]), month, int(am[1]), m.start(), m.end() + am.end())
        # "Mon Aug 03 12:45:00 EDT 2015" (Unix ``date``, Java ``Date.toString``): day, time, zone, year
        um = _DAY_TIME_YEAR_RE.match(text if len(text) == len(lowered) else lowered, m.end())
        if um and _valid(int(um["year"]), month, int(um["day"])):
            found = _Found(int(um["year"]), month, int(um["day"]), m.start(), um.end())
            found.time = _find_time(um["clock"], _Found(0))
            return found
        # "12 June 2026" / "12. März 2024" / "12 de junio de 2026"
        bm = re.search(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er)?\.?\s*(?:de\s+)?$", before)
        ym = re.match(r"\.?,?\s*(?:de\s+|del\s+)?(\d{4})(?!\d)", after)
        if bm and ym and _valid(int(ym[1]), month, int(bm[1])):
            return _Found(int(ym[1]), month, int(bm[1]), m.start() - (len(before) - bm.start()), m.end() + ym.end())
        # "June 2026" (month precision)
        if ym and _valid(int(ym[1]), month):
            return _Found(int(ym[1]), month, None, m.start(), m.end() + ym.end())


def _yearless_match(text: str, languages: tuple[str, ...], fetched_at: datetime) -> _Found | None:
    """A day and month name without a year (``Dec 14 11:00``, ``14. Dezember``) on a listing: the nearest date
    on or before the fetch day (a day after it is allowed for time zones), so ``Dec 14`` fetched on 2015-01-06 is
    2014-12-14."""
    names, alternation = _month_names(languages)
    if alternation is None:
        return None
    lowered = text.lower()
    for m in alternation.finditer(lowered):
        if (m.start() and lowered[m.start() - 1].isalpha()) or (m.end() < len(lowered) and lowered[m.end()].isalpha()
                                                               and lowered[m.end()] != "."):
            continue
        after = re.match(r"\.?\s*(\d{1,2})(?:st|nd|rd|th)?(?![\d.:/-]|\s*[,.]?\s*\d{4})", lowered[m.end():])
        before = re.search(r"(?<![\d.:/-])(\d{1,2})(?:st|nd|rd|th|er)?\.?\s*(?:de\s+)?$", lowered[:m.start()])
        day = int(after[1]) if after else int(before[1]) if before else None
        if day is None:
            continue
        fetched = (fetched_at.astimezone(timezone.utc) if fetched_at.tzinfo else fetched_at).date()
        month = names[m.group()]
        for year in (fetched.year, fetched.year - 1):
            if _valid(year, month, day) and date(year, month, day) <= fetched + timedelta(days=1):
                start = m.start() - (len(lowered[:m.start()]) - before.start()) if before and not after else m.start()
                return _Found(year, month, day, start, m.end() + (after.end() if after else 0))
    return None


def _find_absolute(text: str, languages: tuple[str, ...], day_first: bool | None) -> _Found | None | bool:
    found = _iso_match(text)
    if found:
        return found
    for regex in (_YMD_CJK_RE, _YMD_RE):
        for m in regex.finditer(text):
            year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
            if _valid(year, month, day):
                return _Found(year, month, day, m.start(), m.end())
    numeric = _numeric_match(text, day_first)
    if numeric:
        return numeric
    m = _DOTTED_SHORT_RE.search(text)
    if m and _valid(2000 + int(m["year"]), int(m["month"]), int(m["day"])):
        return _Found(2000 + int(m["year"]), int(m["month"]), int(m["day"]), m.start(), m.end())
    m = _VI_DAY_RE.search(text)
    if m and _valid(int(m["year"]), int(m["month"]), int(m["day"])):
        return _Found(int(m["year"]), int(m["month"]), int(m["day"]), m.start(), m.end())
    named = _named_month_match(text, languages)
    if named:
        return named
    if numeric is False:  # an ambiguous day/month: refuse rather than fall back to a month or year
        return False
    m = _VI_MONTH_RE.search(text)
    if m and _valid(int(m["year"]), int(m["month"])):
        return _Found(int(m["year"]), int(m["month"]), None, m.start(), m.end())
    for regex in (_YM_RE, _MY_RE):
        m = regex.search(text)
        if m and _valid(int(m["year"]), int(m["month"])):
            return _Found(int(m["year"]), int(m["month"]), None, m.start(), m.end())
    return None


def _find_time(text: str, found: _Found) -> tuple | None:
    """A clock time right after the date (``17/06/2021 14:01``, ``June 12, 2026 at 3:05 pm``) or right before it
    (``14:01 24/03/2020``, ``08:30 | 17/06/2021``)."""
    after = text[found.end:found.end + 40]
    m = re.match(r"\s*(?:,|\.|-|–|\||lúc|at|um|à|a las|alle|om|kl\.?|o|\(|T)?\s*", after, re.I)
    m = _TIME_RE.match(after, m.end()) if m else None
    if not m:
        before = text[max(0, found.start - 40):found.start]
        for candidate in _TIME_RE.finditer(before):
            rest = before[candidate.end():]
            if re.fullmatch(r"[\s,|\-–/]*(?:(?:ngày|thứ\s*\w+|chủ nhật|\w{2,9}day)[\s,]*)?", rest, re.I):
                m = candidate
                break
    if not m:
        return None
    hour, minute = int(m["hour"]), int(m["minute"])
    ampm = (m["ampm"] or "").lower().replace(".", "").replace(" ", "")
    if ampm in ("pm", "ch") and hour < 12:
        hour += 12
    elif ampm in ("am", "sa") and hour == 12:
        hour = 0
    if hour > 23:
        return None
    return hour, minute, None if m["second"] is None else int(m["second"]), normalise_offset(m["tz"]) if m["tz"] else None


def _result(found: _Found, raw: str, offset_hint: str | None) -> ParsedDate:
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
    utc = (local - _tz(offset).utcoffset(None)).isoformat() + "Z"
    return ParsedDate(utc, raw, offset, precision)


# --------------------------------------------------------------------------------------- relative dates

_DATEPARSER_PERIODS = {"time": "minute", "day": "day", "week": "day", "month": "month", "year": "year"}


def _date_data(text: str, languages: tuple[str, ...], day_first: bool | None, base: datetime):
    from dateparser.date import DateDataParser

    settings = {"RELATIVE_BASE": base, "RETURN_TIME_AS_PERIOD": True, "PREFER_DAY_OF_MONTH": "first",
                "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
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
        info = _locale_info(language)
        words.update(w.lower() for w in info.get("ago", ()) if len(w) >= 2)
        for phrases in info.get("relative-type", {}).values():
            words.update(w.lower() for w in phrases if len(w) >= 3)
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:%s)(?!\w)" % alternation, re.I)


def _parse_relative(text: str, languages: tuple[str, ...], day_first: bool | None, fetched_at: datetime,
                    raw: str) -> ParsedDate | None:
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
    re.I)


def parse_date(text: str, *, languages: list[str] | None = None, fetched_at: datetime | None = None,
               day_first: bool | None = None, default_offset: str | None = None) -> ParsedDate | None:
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
    hint = _GMT_HINT_RE.search(cleaned)
    if hint:
        offset_hint = _format_offset(hint.group(1), int(hint.group(2)), int(hint.group(3) or 0))
        cleaned = cleaned[:hint.start()] + " " + cleaned[hint.end():]
    found = _find_absolute(cleaned, languages_t, day_first)
    if found is False:
        return None
    if found:
        if found.day is not None and found.time is None:
            found.time = _find_time(cleaned, found)
        return _result(found, raw, offset_hint or (normalise_offset(default_offset) if default_offset else None))
    if fetched_at is not None and not _YEAR_RE.search(cleaned):
        found = _yearless_match(cleaned, languages_t, fetched_at)
        if found:
            found.time = _find_time(cleaned, found)
            return _result(found, raw, offset_hint or (normalise_offset(default_offset) if default_offset else None))
    if not any(ch.isalpha() for ch in cleaned):
        m = _YEAR_RE.fullmatch(cleaned.strip())
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
    if not _NUMERIC_RE.search(raw):  # RFC 822 "Thu, 17 Jun 2021 10:00:00 +0700" has no numeric d/m/y
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
            offset_text = _format_offset("-" if minutes < 0 else "+", abs(minutes) // 60, abs(minutes) % 60)
            utc = value.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"
            return ParsedDate(utc, raw, offset_text, "second")
    return parse_date(raw, languages=[language] if language else None, fetched_at=fetched_at)
