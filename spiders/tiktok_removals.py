"""``tiktok_removals``: TikTok government removal requests (xlsx workbook, per-report CSVs).

Default URL: the H1 2022 workbook ``English_LIPGR_2022_H1.xlsx`` as committed in GitHub
``krmaynard/content-policy`` (pinned commit; TikTok's own "Download" link was not stored).
Later reports are CSV files per period, report and language on TikTok's CDN, e.g.
``https://sf16-va.tiktokcdn.com/obj/eden-va2/uhsllrta/H1%20%2723%20LIGR/gov/2023H1_raw_data_gov_French.csv``:
pass them with ``-a urls=...``. Source per file: ``tiktok_removals/<YYYY>-H<n>/<file stem>``.

    scrapy crawl tiktok_removals
"""

from pathlib import PurePosixPath

from modwatch.transparency.common import half_year_from_label
from modwatch.transparency.meta import file_name

from spiders.transparency_base import MIB, TransparencySpider

URL = (
    "https://raw.githubusercontent.com/krmaynard/content-policy/"
    "7335b1946262f2881165222acab46c5390d26f57/English_LIPGR_2022_H1%20(1).xlsx"
)


class TikTokRemovalsSpider(TransparencySpider):
    name = "tiktok_removals"
    parser = "tiktok_removals"
    custom_settings = {**TransparencySpider.custom_settings, "DOWNLOAD_MAXSIZE": 32 * MIB, "DOWNLOAD_WARNSIZE": 4 * MIB}

    def files(self):
        return [(URL, self.source_for(URL))]

    def source_for(self, url):
        name = file_name(url)
        stem = PurePosixPath(name).stem.replace(" (1)", "")
        try:
            start, _ = half_year_from_label(name)
        except ValueError:
            return f"tiktok_removals/{stem}"
        return f"tiktok_removals/{start[:4]}-H{1 if start[5:7] == '01' else 2}/{stem}"
