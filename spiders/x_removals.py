"""``x_removals``: X (Twitter) removal requests, one CSV with every half-year 2012-H1 .. 2020-H2.

Default URL: the byte copy of ``Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv`` in
GitHub ``joe-sturla/2024_takedown_analysis`` (pinned commit); no current X download URL was
seen. The file holds all periods, so each download replaces the dataset ``x_removals``.

    scrapy crawl x_removals
"""

from spiders.transparency_base import MIB, TransparencySpider

URL = (
    "https://raw.githubusercontent.com/joe-sturla/2024_takedown_analysis/"
    "d653b2109003ff6e5e39fcba2101e76a26160c0e/data/Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv"
)


class XRemovalsSpider(TransparencySpider):
    name = "x_removals"
    parser = "x_removals"
    custom_settings = {**TransparencySpider.custom_settings, "DOWNLOAD_MAXSIZE": 16 * MIB, "DOWNLOAD_WARNSIZE": 2 * MIB}

    def files(self):
        return [(URL, "x_removals")]
