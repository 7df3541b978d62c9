"""Time zones and languages for :mod:`modwatch.extract.dates.parse`: UTC offsets and zone abbreviations, and what
dateparser's CLDR data says of a language (order of day and month, month names)."""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from functools import lru_cache

from modwatch.months import ENGLISH_MONTHS

#: Common time-zone abbreviations seen on news pages, in hours from UTC.
TZ_ABBREVIATIONS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 1,
    "CET": 1,
    "MEZ": 1,
    "CEST": 2,
    "MESZ": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "IST": 5.5,
    "ICT": 7,
    "WIB": 7,
    "SGT": 8,
    "HKT": 8,
    "JST": 9,
    "KST": 9,
    "AEST": 10,
    "AEDT": 11,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}

_OFFSET_RE = re.compile(r"^([+-])(\d{1,2})(?::?(\d{2}))?$")
#: ``(GMT+7)``, ``GMT+07:00``, ``UTC -5``, ``(UTC+7)`` anywhere in the string
GMT_HINT_RE = re.compile(r"\(?\b(?:GMT|UTC)\s*([+\-−–])\s*(\d{1,2})(?::?(\d{2}))?\)?", re.I)


def format_offset(sign: str, hours: int, minutes: int = 0) -> str | None:
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
    return format_offset(match.group(1), int(match.group(2)), int(match.group(3) or 0))


def tz_of(offset: str) -> timezone:
    sign = -1 if offset[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))


# --------------------------------------------------------------------------------------- languages


@lru_cache(maxsize=64)
def locale_info(language: str) -> dict:
    from dateparser.languages.loader import default_loader

    try:
        return default_loader.get_locale(language).info
    except (KeyError, ValueError):
        base = language.split("-")[0].split("_")[0].lower()
        if base != language:
            return locale_info(base)
        return {}


def day_first_for(languages: list[str] | tuple[str, ...] | None) -> bool | None:
    """True when the first known language writes numeric dates day first (CLDR order DMY or YMD), False for
    month first (MDY, e.g. ``en``/``en-US``), None when no language is known."""
    for language in languages or ():
        order = locale_info(language).get("date_order")
        if order:
            return not order.startswith("M")
    return None


#: Languages whose month names are always understood (after the source's own): pages often declare no language
#: or a wrong one. Order matters where two languages share a spelling.
COMMON_LANGUAGES = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "ro",
    "vi",
    "sv",
    "da",
    "nb",
    "fi",
    "pl",
    "cs",
    "ru",
    "uk",
    "tr",
    "id",
    "ca",
    "hu",
    "el",
)


def _month_table(languages: tuple[str, ...]) -> dict[str, int]:
    names: dict[str, int] = {}
    for language in languages:
        info = locale_info(language)
        for number, key in enumerate(ENGLISH_MONTHS, 1):
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
def month_names(languages: tuple[str, ...]) -> tuple[dict[str, int], re.Pattern | None]:
    """Month names (lower case, without a trailing dot) of ``languages`` then :data:`COMMON_LANGUAGES` -> month
    number, and a regex alternation matching them (longest first). Names come from dateparser's CLDR data; a
    name keeps the number of the first language that has it."""
    names = {**_common_month_table(), **_month_table(languages)}
    if not names:
        return names, None
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return names, re.compile(alternation)
