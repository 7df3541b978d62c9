"""Regular expressions that find an absolute date (and the clock time beside it) in a string, for
:mod:`modwatch.extract.dates.parse`: ISO 8601, numeric in a known order, CJK, Vietnamese, month names of the
source's languages, and a day and month without a year resolved against the fetch time."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from modwatch.extract.dates.zones import TZ_ABBREVIATIONS, month_names, normalise_offset

#: Years accepted as publication years (older or later numbers are ids, prices, ...).
MIN_YEAR, MAX_YEAR = 1990, 2100

_TIME = (
    r"(?P<hour>[01]?\d|2[0-3])\s*[:hH]\s*(?P<minute>[0-5]\d)(?:\s*:\s*(?P<second>[0-5]\d)(?:[.,]\d+)?)?"
    r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?|SA|CH|sa|ch)(?![A-Za-z]))?"
    r"(?:\s*(?P<tz>Z(?![A-Za-z])|[+\-−]\d{2}:?\d{2}(?!\d)|[+\-−]\d{1,2}(?![\d:])|"
    + "|".join(sorted((k for k in TZ_ABBREVIATIONS if k != "Z"), key=len, reverse=True))
    + r")(?![A-Za-z]))?"
)
_TIME_RE = re.compile(_TIME)

_ISO_RE = re.compile(
    r"(?<!\d)(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
    r"(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-6]\d)(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?(?!\d)"
)
_YMD_RE = re.compile(
    r"(?<![\d.])(?P<year>\d{4})(?P<sep>[/.年-])\s?(?P<month>\d{1,2})(?P=sep)\s?(?P<day>\d{1,2})"
    r"(?![\d])"
)
_YMD_CJK_RE = re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
NUMERIC_RE = re.compile(
    r"(?<![\d.:/-])(?P<a>\d{1,2})\s?(?P<sep>[/.|-])\s?(?P<b>\d{1,2})\s?(?P=sep)\s?(?P<year>\d{4})"
    r"(?![\d])"
)
#: "28.01.22": dotted day.month with a two-digit year (German and other European short dates)
_DOTTED_SHORT_RE = re.compile(r"(?<![\d.:/-])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{2})(?![\d.])")
_VI_DAY_RE = re.compile(r"(?<!\d)(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s*(?:,|năm|/)\s*(?P<year>\d{4})", re.I)
_VI_MONTH_RE = re.compile(r"tháng\s+(?P<month>\d{1,2})\s*(?:,|năm|/)\s*(?P<year>\d{4})", re.I)
_YM_RE = re.compile(r"(?<![\d/.-])(?P<year>\d{4})(?P<sep>[/.-])(?P<month>\d{1,2})(?![\d/.-])")
_MY_RE = re.compile(r"(?<![\d/.:-])(?P<month>\d{1,2})(?P<sep>[/.-])(?P<year>\d{4})(?![\d/.-])")
YEAR_RE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)")
#: after a month name: "03 12:45:00 EDT 2015" (the day, a clock time with its zone, then the year)
_DAY_TIME_YEAR_RE = re.compile(
    r"\.?\s+(?P<day>\d{1,2})\s+(?P<clock>\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*[A-Za-z]{1,5}|\s*[+-]\d{2}:?\d{2})?)\s+(?P<year>\d{4})(?!\d)"
)
_SPACE_RE = re.compile(r"\s+")


class Found:
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


def _iso_match(text: str) -> Found | None:
    for m in _ISO_RE.finditer(text):
        year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
        if not _valid(year, month, day):
            continue
        found = Found(year, month, day, m.start(), m.end())
        if m["hour"] is not None:
            found.time = (
                int(m["hour"]),
                int(m["minute"]),
                None if m["second"] is None else int(m["second"]),
                normalise_offset(m["tz"]) if m["tz"] else None,
            )
            if found.time[0] > 23:
                found.time = None
        return found
    return None


def _numeric_match(text: str, day_first: bool | None) -> Found | None | bool:
    """Numeric day/month/year. Returns False when the only numeric date is ambiguous (order unknown)."""
    ambiguous = False
    for m in NUMERIC_RE.finditer(text):
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
            return Found(year, month, day, m.start(), m.end())
    return False if ambiguous else None


def _named_month_match(text: str, languages: tuple[str, ...]) -> Found | None:
    names, alternation = month_names(languages)
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
        if (m.start() and lowered[m.start() - 1].isalpha()) or (
            m.end() < len(lowered) and lowered[m.end()].isalpha() and lowered[m.end()] != "."
        ):
            continue
        month = names[m.group()]
        after = lowered[m.end() : m.end() + 24]
        before = lowered[max(0, m.start() - 12) : m.start()]
        # "June 12, 2026" / "Jun. 12th 2026"
        am = re.match(r"\.?\s*(\d{1,2})(?:st|nd|rd|th|\.)?,?\s+(\d{4})(?!\d)", after)
        if am and _valid(int(am[2]), month, int(am[1])):
            return Found(int(am[2]), month, int(am[1]), m.start(), m.end() + am.end())
        # "Mon Aug 03 12:45:00 EDT 2015" (Unix ``date``, Java ``Date.toString``): day, time, zone, year
        um = _DAY_TIME_YEAR_RE.match(text if len(text) == len(lowered) else lowered, m.end())
        if um and _valid(int(um["year"]), month, int(um["day"])):
            found = Found(int(um["year"]), month, int(um["day"]), m.start(), um.end())
            found.time = find_time(um["clock"], Found(0))
            return found
        # "12 June 2026" / "12. März 2024" / "12 de junio de 2026"
        bm = re.search(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er)?\.?\s*(?:de\s+)?$", before)
        ym = re.match(r"\.?,?\s*(?:de\s+|del\s+)?(\d{4})(?!\d)", after)
        if bm and ym and _valid(int(ym[1]), month, int(bm[1])):
            return Found(int(ym[1]), month, int(bm[1]), m.start() - (len(before) - bm.start()), m.end() + ym.end())
        # "June 2026" (month precision)
        if ym and _valid(int(ym[1]), month):
            return Found(int(ym[1]), month, None, m.start(), m.end() + ym.end())


def yearless_match(text: str, languages: tuple[str, ...], fetched_at: datetime) -> Found | None:
    """A day and month name without a year (``Dec 14 11:00``, ``14. Dezember``) on a listing: the nearest date
    on or before the fetch day (a day after it is allowed for time zones), so ``Dec 14`` fetched on 2015-01-06 is
    2014-12-14 (dateparser settles the year: :func:`_nearest_past`)."""
    names, alternation = month_names(languages)
    if alternation is None:
        return None
    lowered = text.lower()
    for m in alternation.finditer(lowered):
        if (m.start() and lowered[m.start() - 1].isalpha()) or (
            m.end() < len(lowered) and lowered[m.end()].isalpha() and lowered[m.end()] != "."
        ):
            continue
        after = re.match(r"\.?\s*(\d{1,2})(?:st|nd|rd|th)?(?![\d.:/-]|\s*[,.]?\s*\d{4})", lowered[m.end() :])
        before = re.search(r"(?<![\d.:/-])(\d{1,2})(?:st|nd|rd|th|er)?\.?\s*(?:de\s+)?$", lowered[: m.start()])
        day = int(after[1]) if after else int(before[1]) if before else None
        if day is None:
            continue
        resolved = _nearest_past(day, names[m.group()], fetched_at)
        if resolved is not None and _valid(resolved.year, resolved.month, resolved.day):
            start = m.start() - (len(lowered[: m.start()]) - before.start()) if before and not after else m.start()
            return Found(resolved.year, resolved.month, resolved.day, start, m.end() + (after.end() if after else 0))
    return None


def _nearest_past(day: int, month: int, fetched_at: datetime) -> date | None:
    """The year of a day and month read without one, as dateparser settles it: ``PREFER_DATES_FROM='past'`` with
    ``RELATIVE_BASE`` one day after the fetch time in UTC (a page ahead of UTC may show the next day). The month
    was already recognised in the page's language, so dateparser reads it in English."""
    from dateparser.date import DateDataParser

    base = fetched_at.astimezone(timezone.utc).replace(tzinfo=None) if fetched_at.tzinfo else fetched_at
    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": base + timedelta(days=1),
        "REQUIRE_PARTS": ["day", "month"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parser = DateDataParser(languages=["en"], settings=settings, try_previous_locales=False)
    try:
        value = parser.get_date_data(f"{day} {_MONTH_NAMES[month - 1]}").date_obj
    except (ValueError, OverflowError, TypeError):
        return None
    return value.date() if value is not None else None


_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def find_absolute(text: str, languages: tuple[str, ...], day_first: bool | None) -> Found | None | bool:
    found = _iso_match(text)
    if found:
        return found
    for regex in (_YMD_CJK_RE, _YMD_RE):
        for m in regex.finditer(text):
            year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
            if _valid(year, month, day):
                return Found(year, month, day, m.start(), m.end())
    numeric = _numeric_match(text, day_first)
    if numeric:
        return numeric
    m = _DOTTED_SHORT_RE.search(text)
    if m and _valid(2000 + int(m["year"]), int(m["month"]), int(m["day"])):
        return Found(2000 + int(m["year"]), int(m["month"]), int(m["day"]), m.start(), m.end())
    m = _VI_DAY_RE.search(text)
    if m and _valid(int(m["year"]), int(m["month"]), int(m["day"])):
        return Found(int(m["year"]), int(m["month"]), int(m["day"]), m.start(), m.end())
    named = _named_month_match(text, languages)
    if named:
        return named
    if numeric is False:  # an ambiguous day/month: refuse rather than fall back to a month or year
        return False
    m = _VI_MONTH_RE.search(text)
    if m and _valid(int(m["year"]), int(m["month"])):
        return Found(int(m["year"]), int(m["month"]), None, m.start(), m.end())
    for regex in (_YM_RE, _MY_RE):
        m = regex.search(text)
        if m and _valid(int(m["year"]), int(m["month"])):
            return Found(int(m["year"]), int(m["month"]), None, m.start(), m.end())
    return None


def find_time(text: str, found: Found) -> tuple | None:
    """A clock time right after the date (``17/06/2021 14:01``, ``June 12, 2026 at 3:05 pm``) or right before it
    (``14:01 24/03/2020``, ``08:30 | 17/06/2021``)."""
    after = text[found.end : found.end + 40]
    m = re.match(r"\s*(?:,|\.|-|–|\||lúc|at|um|à|a las|alle|om|kl\.?|o|\(|T)?\s*", after, re.I)
    m = _TIME_RE.match(after, m.end()) if m else None
    if not m:
        before = text[max(0, found.start - 40) : found.start]
        for candidate in _TIME_RE.finditer(before):
            rest = before[candidate.end() :]
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
    return (
        hour,
        minute,
        None if m["second"] is None else int(m["second"]),
        normalise_offset(m["tz"]) if m["tz"] else None,
    )
