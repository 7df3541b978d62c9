"""Header layouts matched as a set of known columns (with aliases), and periods written as text.

Platforms rename, reorder and add columns between downloads (``country`` / ``country_name``,
``Requester`` / ``Requestor``, a trailing space, a new column at the end). A parser therefore
describes each layout it accepts as a :class:`Layout`: the columns it needs, each with the
spellings seen (aliases), plus optional columns. :func:`match_header` finds the one layout
whose required columns are all in a header, in any order; columns it does not know are
*extra*: kept by the parser (under their header, in ``extra``) and named in a note, never a
reason to drop the file. A header that no layout accepts raises :class:`LayoutError`, whose
message names the header: the file is a new layout (the source drifted) and nothing is guessed.

Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from modwatch.months import ENGLISH_MONTHS

from .common import half_year, normalise_header, show_bytes


class LayoutError(ValueError):
    """A file (or zip member) whose header matches no known layout: the source changed layout."""

    def __init__(self, where: str, header: list[str] | str, known: list[str] | tuple[str, ...] = ()):
        self.where = where
        # bytes that were not UTF-8 shown as \xNN: the message is stored (datasets.error, source_status)
        self.header = show_bytes(header if isinstance(header, str) else ",".join(str(cell) for cell in header))
        self.known = tuple(known)
        known_text = f" (known layouts: {', '.join(self.known)})" if self.known else ""
        super().__init__(f"unknown header in {where}: {self.header[:300]}{known_text}")


def header_key(cell) -> str:
    """Compare-friendly header cell: :func:`normalise_header` with ``_`` and ``/`` read as a space
    (``items_requested_removal`` -> ``items requested removal``, ``Country/Region`` and
    ``country_region`` -> ``country region``)."""
    return re.sub(r"\s+", " ", re.sub(r"[_/]", " ", normalise_header(cell))).strip()


@dataclass(frozen=True)
class Layout:
    """A header layout: ``columns`` maps each canonical column name to its accepted spellings
    (compared with :func:`header_key`); names in ``optional`` may be absent."""

    name: str
    columns: dict[str, tuple[str, ...]]
    optional: frozenset[str] = field(default_factory=frozenset)

    def spellings(self) -> dict[str, str]:
        """``header_key`` of every accepted spelling -> canonical name."""
        return {
            header_key(alias): canonical
            for canonical, aliases in self.columns.items()
            for alias in (canonical, *aliases)
        }


@dataclass(frozen=True)
class HeaderMatch:
    """A header read with a layout: ``positions`` canonical name -> cell index; ``extra`` the
    ``(index, header as written)`` of columns the layout does not know."""

    layout: Layout
    positions: dict[str, int]
    extra: tuple[tuple[int, str], ...]

    def record(self, cells: list) -> dict:
        """``{canonical: cell}`` of a data row (an absent or short cell is ``None``)."""
        return {name: cells[index] if index < len(cells) else None for name, index in self.positions.items()}

    def extras(self, cells: list) -> dict:
        """``{header as written: cell}`` of the extra columns of a data row."""
        return {header: cells[index] if index < len(cells) else None for index, header in self.extra}

    def note(self, where: str) -> str | None:
        """``"<where>: extra columns kept in extra: a, b"``, or ``None`` when there are none."""
        if not self.extra:
            return None
        return f"{where}: extra column(s) kept in extra: {', '.join(header for _, header in self.extra)}"


def match_header(cells: list, layouts: list[Layout]) -> HeaderMatch | None:
    """The layout whose required columns all appear (once each) in ``cells``, or ``None``.

    Trailing empty header cells (padding) are ignored. When several layouts match, the one
    recognising the most columns wins; a tie between layouts is no match (ambiguous, not guessed).
    """
    keys = [header_key(cell) for cell in cells]
    while keys and keys[-1] == "":
        keys.pop()
    found = []
    for layout in layouts:
        spellings = layout.spellings()
        positions: dict[str, int] = {}
        duplicate = False
        for index, key in enumerate(keys):
            canonical = spellings.get(key)
            if canonical is None:
                continue
            if canonical in positions:
                duplicate = True
                break
            positions[canonical] = index
        required = set(layout.columns) - set(layout.optional)
        if duplicate or not required <= set(positions):
            continue
        extra = tuple(
            (index, str(cells[index]).strip())
            for index, key in enumerate(keys)
            if index not in positions.values() and key != ""
        )
        found.append(HeaderMatch(layout, positions, extra))
    if not found:
        return None
    found.sort(key=lambda match: -len(match.positions))
    if len(found) > 1 and len(found[0].positions) == len(found[1].positions):
        return None
    return found[0]


_MONTHS = {name: number for number, name in enumerate(ENGLISH_MONTHS, 1)}
_MONTH_RANGE = re.compile(r"^\s*([A-Za-z]+)\.?\s*[-–—]\s*([A-Za-z]+)\.?,?\s*((?:19|20)\d\d)\s*$")


def half_year_from_text(text: str) -> tuple[str, str]:
    """``(period_start, period_end)`` of a half-year written as text: ``January - June 2025``,
    ``July – December 2023``, ``Jan-Jun 2024``. Raises ``ValueError`` for anything else."""
    match = _MONTH_RANGE.match(str(text or ""))
    if not match:
        raise ValueError(f"not a half-year: {text!r}")
    first, last = (_month(name) for name in match.group(1, 2))
    year = int(match.group(3))
    if (first, last) == (1, 6):
        return half_year(year, 1)
    if (first, last) == (7, 12):
        return half_year(year, 2)
    raise ValueError(f"not a half-year: {text!r}")


def _month(name: str) -> int:
    key = name.casefold()
    for month, number in _MONTHS.items():
        if month == key or (len(key) >= 3 and month.startswith(key)):
            return number
    raise ValueError(f"not a month: {name!r}")


_BUNDLE = re.compile(
    r"(?:^|/)[a-z0-9-]+_(\d{4})-(\d{1,2})-(\d{1,2})_(\d{4})-(\d{1,2})-(\d{1,2})_[a-z]{2}_v\d+"
    r"(?:/|\.[a-z]+$|$)",
    re.IGNORECASE,
)


def bundle_period(path: str) -> tuple[str, str] | None:
    """The dates of a dated export bundle named in ``path`` (a zip member or URL path):
    ``government-removals_2025-7-1_2025-12-31_en_v1/...`` -> ``("2025-07-01", "2025-12-31")``.

    ``None`` when ``path`` names no bundle. The range may span several half-years (a bundle of
    the whole history); :func:`is_half_year` tells whether it can date rows on its own.
    """
    match = _BUNDLE.search(path or "")
    if not match:
        return None
    y1, m1, d1, y2, m2, d2 = (int(part) for part in match.groups())
    return f"{y1:04d}-{m1:02d}-{d1:02d}", f"{y2:04d}-{m2:02d}-{d2:02d}"


def is_half_year(period: tuple[str, str]) -> bool:
    """True when ``(start, end)`` is exactly one calendar half-year."""
    year = int(period[0][:4])
    return period in (half_year(year, 1), half_year(year, 2))
