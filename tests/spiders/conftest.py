"""Fixtures of the spider tests."""

import textwrap

import pytest


@pytest.fixture
def crawl_sitemap_site(run_crawl, db_path, tmp_path):
    """Return ``crawl(base_url, name)``: the news spider on one site at ``base_url`` that discovers its
    articles through ``sitemap_index.xml`` only (no robots.txt, no delay); the ``CompletedProcess``."""

    def crawl(base_url: str, name: str):
        sites = tmp_path / "sites.yaml"
        sites.write_text(
            textwrap.dedent(f"""\
            sites:
              - key: {name.split()[0].lower()}
                name: {name}
                base_url: {base_url}/
                language: vi
                discovery: [sitemap]
                sitemaps: [sitemap_index.xml]
            """),
            encoding="utf-8",
        )
        settings = {
            "MODWATCH_SITES_FILE": str(sites),
            "ROBOTSTXT_OBEY": False,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "HTTPCACHE_ENABLED": False,
        }
        return run_crawl("spiders.news:NewsSpider", db=db_path, settings=settings)

    return crawl
