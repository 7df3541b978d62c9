"""Publication and modification dates: parsing with precision, offset and original string; finding them in pages.

- :func:`parse_date` / :func:`parse_feed_date` (``modwatch.extract.dates.parse``): one string -> :class:`ParsedDate`.
- :func:`find_publication_date` / :func:`find_modified_date` (``modwatch.extract.dates.find``): an HTML page ->
  :class:`ParsedDate` or None.
"""

from modwatch.extract.dates.find import find_modified_date, find_publication_date
from modwatch.extract.dates.parse import ParsedDate, day_first_for, parse_date, parse_feed_date

__all__ = ["ParsedDate", "day_first_for", "find_modified_date", "find_publication_date", "parse_date",
           "parse_feed_date"]
