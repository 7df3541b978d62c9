"""Publication and modification dates: parsing with precision, offset and original string; finding them in pages.

- :func:`parse_date` / :func:`parse_feed_date` (:mod:`.parse`): one string -> :class:`ParsedDate` or None.
- :func:`find_publication_date` / :func:`find_modified_date` (:mod:`.find`): an HTML page -> :class:`ParsedDate`
  or None, from the page's metadata (:mod:`.metadata`), its visible dateline (:mod:`.visible`) and URLs
  (:mod:`.urls`).

``benchmarks/dates.py`` measures :func:`find_publication_date` beside htmldate on htmldate's own 999-page set.
"""

from modwatch.extract.dates.find import find_modified_date, find_publication_date
from modwatch.extract.dates.parse import ParsedDate, day_first_for, parse_date, parse_feed_date

__all__ = [
    "ParsedDate",
    "day_first_for",
    "find_modified_date",
    "find_publication_date",
    "parse_date",
    "parse_feed_date",
]
