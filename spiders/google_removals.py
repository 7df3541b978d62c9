"""``google_removals``: Google's "Government requests to remove content" bulk download.

One zip with the full history (four CSVs, see ``modwatch/transparency/google.py``); every
download replaces the previous one as the current dataset ``google_removals``.

    scrapy crawl google_removals
"""

from modwatch.transparency import google

from spiders.transparency_base import MIB, TransparencySpider


class GoogleRemovalsSpider(TransparencySpider):
    name = "google_removals"
    parser = "google_removals"
    # the zip is ~200 KB (2024); its CSVs hold every period since 2009
    custom_settings = {**TransparencySpider.custom_settings, "DOWNLOAD_MAXSIZE": 64 * MIB, "DOWNLOAD_WARNSIZE": 8 * MIB}

    def files(self):
        return [(google.URL, google.SOURCE)]

    def source_for(self, url):
        return google.SOURCE
