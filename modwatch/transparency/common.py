"""Cell, header, country and period parsing shared by the transparency report parsers.

Transparency reports are spreadsheets written for people: numbers carry thousands separators
(``"1,553"``), stand-ins replace numbers (``<10`` "fewer than ten", ``?``, ``N/A``, ``NULL``,
blank), headers drift in spelling and whitespace, countries are named differently by every
platform and period (country names are read with the tagging vocabulary's country file).
Everything here is pure (no I/O but reading that vocabulary once) and raises ``ValueError``
for input it cannot interpret, which the parsers turn into :class:`Reject` rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

import pycountry

from modwatch.tagging.vocabulary import VOCAB_DIR, load_vocabulary

#: SQLite INTEGER is a signed 64-bit integer
MAX_SQLITE_INT = 2**63 - 1

#: Rounding slack of a share, in percentage points: a published share may exceed 100 by this
#: much (shares rounded per category and summed); anything beyond, or below 0, is a reject.
SHARE_SLACK = 0.5


@dataclass(frozen=True)
class Reject:
    """A record a parser could not read: its ``location`` (``<file>:<line>``), the ``reason`` in words
    and an ``excerpt`` of the record as written (the raw line or cells). Every parser, DSA included."""

    location: str
    reason: str
    excerpt: str


@dataclass(frozen=True)
class Count:
    """A numeric cell as published.

    ``value`` is the number, or ``None`` when the cell is not a number; ``raw`` is the cell
    text as written (``None`` for an absent cell); ``flag`` says why ``value`` is ``None``:

    - ``"blank"``: empty cell (meaning depends on the report: "none" or "not reported")
    - ``"less_than"``: ``<N``, the report only says "fewer than N" (``upper`` = N - 1)
    - ``"unknown"``: ``?``
    - ``"not_available"``: ``N/A``, ``NA``, ``-``
    - ``"null"``: the literal ``NULL`` (X: no requests of that kind, so no rate)
    - ``"too_large"``: an integer beyond SQLite's 64-bit range, kept as text in ``raw``
    """

    value: int | float | None
    raw: str | None
    flag: str | None = None
    upper: int | float | None = None

    def columns(self, name: str) -> dict:
        """``{name: value, name_raw: raw, name_flag: flag}`` for a ``removal_requests`` row."""
        return {name: self.value, f"{name}_raw": self.raw, f"{name}_flag": self.flag}


_STAND_INS = {"?": "unknown", "n/a": "not_available", "na": "not_available", "-": "not_available", "null": "null"}
_LESS_THAN = re.compile(r"^<\s*(\d+)$")
_INTEGER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$|^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _stand_in(cell) -> Count | None:
    if cell is None:
        return Count(None, None, "blank")
    text = str(cell).strip()
    if text == "":
        return Count(None, "" if isinstance(cell, str) else None, "blank")
    if text.lower() in _STAND_INS:
        return Count(None, text, _STAND_INS[text.lower()])
    if match := _LESS_THAN.match(text):
        return Count(None, text, "less_than", upper=int(match.group(1)) - 1)
    return None


def parse_count(cell) -> Count:
    """Parse a count cell: ``"735"``, ``"1,553"``, ``16.0`` (Excel float), ``<10``, ``?`` ...

    Returns a :class:`Count`. Integers beyond 2^63 - 1 keep their text with flag
    ``too_large``. Raises ``ValueError`` for text that is no count (``"abc"``, ``"2.5"``) and
    for a negative count (``"-5"``: a count of requests or items is never below zero).
    """
    if (special := _stand_in(cell)) is not None:
        return special
    raw = cell if isinstance(cell, str) else str(cell)
    if isinstance(cell, bool):
        raise ValueError(f"not a count: {cell!r}")
    if isinstance(cell, float):
        if not math.isfinite(cell) or not cell.is_integer():
            raise ValueError(f"not a whole number: {cell!r}")
        value = int(cell)
        raw = str(value) if abs(cell) < 1e15 else raw
    elif isinstance(cell, int):
        value = cell
    else:
        text = cell.strip()
        if _INTEGER.match(text):
            value = int(text.replace(",", ""))
        elif _DECIMAL.match(text) and float(text).is_integer() and "." in text:
            value = int(float(text)) if abs(float(text)) < 1e15 else int(text.split(".")[0])
        else:
            raise ValueError(f"not a count: {cell!r}")
    if value < 0:
        raise ValueError(f"negative count: {cell!r}")
    if value > MAX_SQLITE_INT:
        return Count(None, raw, "too_large")
    return Count(value, raw)


def parse_share(cell, *, scale: float = 1.0) -> Count:
    """Parse a share cell (``"63"`` percent, ``0.67`` fraction, ``"45%"``) and multiply by ``scale``.

    Use ``scale=100`` to turn a fraction into a percentage. Stand-ins as in :func:`parse_count`.
    Raises ``ValueError`` for text that is no number and for a share (after ``scale``) outside
    0 to 100 + :data:`SHARE_SLACK` percent (``-84 %``, ``750 %``).
    """
    if (special := _stand_in(cell)) is not None:
        return special
    raw = cell if isinstance(cell, str) else repr(cell)
    if isinstance(cell, bool):
        raise ValueError(f"not a share: {cell!r}")
    if isinstance(cell, (int, float)):
        value = float(cell)
    else:
        text = cell.strip().rstrip("%").strip()
        if not _DECIMAL.match(text):
            raise ValueError(f"not a share: {cell!r}")
        value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"not a share: {cell!r}")
    share = round(value * scale, 4)
    if not 0 <= share <= 100 + SHARE_SLACK:
        raise ValueError(f"share outside 0-100 %: {cell!r} ({share:g} %)")
    return Count(share, raw)


def normalise_header(header: str) -> str:
    """Compare-friendly header: whitespace (incl. line breaks) collapsed and trimmed, lower case,
    spelled with the field's term ``requester`` (Google's download writes ``Requestor``, its
    2023 snapshot ``Requester``).
    ``"% Not Enough Information "`` -> ``"% not enough information"``;
    ``"Legal Request\\nAccounts Specified"`` -> ``"legal request accounts specified"``.
    """
    text = re.sub(r"\s+", " ", str(header or "")).strip().casefold()
    return text.replace("requestor", "requester")


def country_code(*, code: str | None = None, name: str | None = None) -> str | None:
    """ISO 3166-1 alpha-2 code of a country, preferring the code the source gives.

    A two-letter ``code`` (Google's CLDR territory code, Meta's "ISO Code") is kept as given,
    upper-cased, even where CLDR differs from ISO (``XK`` Kosovo, ``EU``). Otherwise ``name``
    (footnote asterisks dropped: X writes ``Iran**``) is looked up as a whole name in the
    country vocabulary ``modwatch/vocab/countries.yaml`` (pycountry's names plus the file's
    labels, aliases and ``report_names``; see
    :meth:`modwatch.tagging.vocabulary.Vocabulary.country_code`), then among pycountry's
    historic countries (``Netherlands Antilles`` -> ``AN``). Returns ``None`` when neither
    resolves; the parsers keep ``country_name_raw`` in any case. Raises
    :class:`~modwatch.tagging.vocabulary.VocabularyError` if the vocabulary cannot be read.
    """
    if code and re.fullmatch(r"[A-Za-z]{2}", code.strip()):
        return code.strip().upper()
    if not name or not name.strip():
        return None
    key = re.sub(r"\s+", " ", name).strip().rstrip("*†").strip()  # footnote marks: "Iran**"
    return _code_for_name(key, os.environ.get("MODWATCH_VOCAB_DIR") or str(VOCAB_DIR))


@lru_cache(maxsize=4096)
def _code_for_name(name: str, vocabulary_dir: str) -> str | None:
    """Cached: reports repeat a few hundred names over thousands of rows."""
    if found := load_vocabulary(vocabulary_dir).country_code(name):
        return found
    try:
        return pycountry.historic_countries.lookup(name).alpha_2
    except LookupError:
        return None


def half_year(year: int, half: int) -> tuple[str, str]:
    """``(period_start, period_end)`` ISO dates of half ``half`` (1 or 2) of ``year``."""
    if half == 1:
        return f"{year:04d}-01-01", f"{year:04d}-06-30"
    if half == 2:
        return f"{year:04d}-07-01", f"{year:04d}-12-31"
    raise ValueError(f"half must be 1 or 2, not {half!r}")


def half_year_ending(date) -> tuple[str, str]:
    """The half-year ending on ``date`` (``"2023-12-31"``, a ``date`` or ``datetime``).

    Raises ``ValueError`` unless the date is 30 June or 31 December.
    """
    day = _as_date(date)
    if (day.month, day.day) == (6, 30):
        return half_year(day.year, 1)
    if (day.month, day.day) == (12, 31):
        return half_year(day.year, 2)
    raise ValueError(f"not the end of a half-year: {date!r}")


def half_year_starting(date) -> tuple[str, str]:
    """The half-year starting on ``date`` (``"2020-07-01"``); raises ``ValueError`` otherwise."""
    day = _as_date(date)
    if (day.month, day.day) == (1, 1):
        return half_year(day.year, 1)
    if (day.month, day.day) == (7, 1):
        return half_year(day.year, 2)
    raise ValueError(f"not the start of a half-year: {date!r}")


def half_year_from_label(text: str) -> tuple[str, str]:
    """The half-year named in a file name or label: ``2018_H2``, ``2018-H2``, ``H1 '23``, ``2023H1``.

    Raises ``ValueError`` if no half-year label is found.
    """
    if match := re.search(r"(?<!\d)((?:19|20)\d\d)[\s_-]*H([12])(?!\d)", text, re.IGNORECASE):
        return half_year(int(match.group(1)), int(match.group(2)))
    if match := re.search(r"H([12])\s*['’]\s*(\d\d)(?!\d)", text, re.IGNORECASE):
        return half_year(2000 + int(match.group(2)), int(match.group(1)))
    raise ValueError(f"no half-year label in {text!r}")


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def decode_text(data: bytes) -> str:
    """Decode a downloaded text file as UTF-8 (with or without BOM), line by line in effect.

    Bytes that are not UTF-8 are kept as lone surrogates (``errors="surrogateescape"``), never
    re-read with another codec for the whole file: the rows holding them are rejected with those
    bytes shown (:func:`invalid_bytes`, ``modwatch.transparency.validate``), the others load.
    """
    return data.decode("utf-8-sig", errors="surrogateescape")


_SURROGATES = re.compile("[\udc80-\udcff]+")


def invalid_bytes(text: str) -> bytes:
    """The bytes of ``text`` that were not UTF-8 (decoded by :func:`decode_text`), ``b""`` if none."""
    return b"".join(part.encode("utf-8", "surrogateescape") for part in _SURROGATES.findall(text))


def show_bytes(text: str) -> str:
    """``text`` with bytes that were not UTF-8 written as ``\\xNN`` (for ``rejects.excerpt``)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


#: longest cell of a transparency report CSV: a record with a longer one is a reject (report cells are short)
MAX_CELL_CHARS = 100_000
#: characters of an over-long record kept as its reject excerpt
OVERLONG_EXCERPT_CHARS = 1_000


def overlong_reason() -> str:
    """The reject reason of a record :func:`csv_records` yields with ``cells`` None."""
    return f"CSV record with a cell longer than {MAX_CELL_CHARS} characters (or unreadable by the csv module)"


def csv_records(text: str, *, overlong: bool = False) -> Iterator[tuple[int, str, list[str] | None]]:
    """Read CSV text record by record: ``(first line number, raw record text, cells)``.

    Line numbers are 1-based physical lines, so a quoted field with a line break still points
    at the line where its record starts. ``raw`` is the record exactly as written (without the
    final line break), for ``rejects``. A record with a cell over :data:`MAX_CELL_CHARS`
    characters (a 200 MB line), or one the ``csv`` module refuses, never stops the file: it is
    left out, or with ``overlong=True`` yielded with ``cells`` None and the start of ``raw`` so
    that the caller rejects that record only (:func:`overlong_reason`).
    """
    consumed: list[str] = []

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines())
    line_no = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:  # e.g. "field larger than field limit": this record only
            cells = None
        if cells is not None and any(len(cell) > MAX_CELL_CHARS for cell in cells):
            cells = None
        raw = "".join(consumed).rstrip("\r\n") if cells is not None else "".join(consumed)[:OVERLONG_EXCERPT_CHARS]
        consumed.clear()
        if cells is not None or overlong:
            yield line_no, raw, cells
        line_no = reader.line_num + 1


def is_blank(cells) -> bool:
    """True for a record whose cells are all empty (separator/padding lines)."""
    return all(cell is None or str(cell).strip() == "" for cell in cells)
