"""``meta_restrictions``: Meta's "Content restrictions based on local law", one CSV per half-year.

Meta's own download URL was not seen in any stored material, so the default URLs are the
byte copies committed in GitHub ``joe-sturla/2024_takedown_analysis`` (pinned commit), file
``Content_Restrictions_<YYYY>_<H1|H2>.csv``; pass Meta's URLs with ``-a urls=...`` (the file
name must keep the ``<YYYY>_<H1|H2>`` label, the only place the period is given).

Arguments: ``-a periods=2018-H2,2023-H2`` (default: 2013-H2 .. 2023-H2; ``2018H2`` is read too,
anything else stops the crawl at start naming the value), ``-a urls=...``.
Each file is its own dataset, source ``meta_restrictions/<YYYY>-H<n>``.

    scrapy crawl meta_restrictions -a periods=2023-H2
"""

import re

from modwatch.errors import ConfigurationError
from modwatch.transparency.common import half_year_from_label
from modwatch.transparency.meta import file_name

from spiders.transparency_base import MIB, TransparencySpider
from spiders.arguments import comma_list

URL_TEMPLATE = (
    "https://raw.githubusercontent.com/joe-sturla/2024_takedown_analysis/"
    "d653b2109003ff6e5e39fcba2101e76a26160c0e/data/Content_Restrictions_{year}_H{half}.csv"
)
FIRST, LAST = (2013, 2), (2023, 2)


def parse_period(value: str) -> tuple[int, int]:
    """``"2018-H2"`` (or ``2018H2``, any case) -> ``(2018, 2)``; ConfigurationError otherwise."""
    match = re.fullmatch(r"(\d{4})-?H([12])", value.strip(), re.IGNORECASE)
    if not match:
        raise ConfigurationError(
            f"meta_restrictions: -a periods: {value.strip()!r} is not a half-year "
            f"like 2018-H2 (first {FIRST[0]}-H{FIRST[1]}, last {LAST[0]}-H{LAST[1]})"
        )
    return int(match[1]), int(match[2])


def all_periods(first=FIRST, last=LAST) -> list[tuple[int, int]]:
    """``(year, half)`` from ``first`` to ``last`` inclusive."""
    periods, year, half = [], *first
    while (year, half) <= last:
        periods.append((year, half))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return periods


def source_of(year: int, half: int) -> str:
    return f"meta_restrictions/{year}-H{half}"


class MetaRestrictionsSpider(TransparencySpider):
    name = "meta_restrictions"
    parser = "meta_restrictions"
    custom_settings = {**TransparencySpider.custom_settings, "DOWNLOAD_MAXSIZE": 16 * MIB, "DOWNLOAD_WARNSIZE": 2 * MIB}

    def __init__(self, *args, periods: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if periods:
            self.periods = [parse_period(p) for p in comma_list(periods)]
        else:
            self.periods = all_periods()

    def files(self):
        return [(URL_TEMPLATE.format(year=year, half=half), source_of(year, half)) for year, half in self.periods]

    def source_for(self, url):
        start, _ = half_year_from_label(file_name(url))
        return source_of(int(start[:4]), 1 if start[5:7] == "01" else 2)
