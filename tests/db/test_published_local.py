"""``articles.published_local`` (the date as the page shows it, with its offset) and ``published_day`` (its
calendar day, for Datasette's facets) beside the UTC ``published_at``: real pages through parse_article."""

import gzip

import yaml

from db.articles import upsert_article
from modwatch.extract.article import parse_article
from tests.helpers import FIXTURES, KULU_PAGE

DENVER_URL = "https://www.denverpost.com/2023/11/08/colorado-high-school-football-playoffs-second-weekend-2023/"


def store(memory_db, html, url):
    item = {**parse_article(html, url), "source": "test"}
    article_id = upsert_article(memory_db, item)
    return memory_db.execute(
        "SELECT published_at, published_local, published_day FROM articles WHERE id = ?", [article_id]
    ).fetchone()


def test_local_time_and_offset_are_stored_beside_the_utc_instant(memory_db):
    # kulu-media shows 18:11 at +03:00: the UTC instant is 15:11
    row = store(
        memory_db, KULU_PAGE.read_bytes(), "https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/"
    )
    assert row == ("2026-06-12T15:11:51Z", "2026-06-12T18:11:51+03:00", "2026-06-12")


def test_the_day_the_page_shows_is_the_facet_day_when_utc_is_a_day_later(memory_db):
    # The Denver Post gives 2023-11-09T01:09:55Z; the page (URL and dateline) is of 8 November, Denver time
    html = gzip.decompress((FIXTURES / "dates" / "denverpost.com-Colorado.html.gz").read_bytes())
    published_at, published_local, published_day = store(memory_db, html, DENVER_URL)
    assert published_at == "2023-11-09T01:09:55Z"
    assert (published_local, published_day) == ("2023-11-08", "2023-11-08")


def test_no_date_leaves_both_empty_and_a_month_gives_no_day(memory_db):
    upsert_article(
        memory_db,
        {
            "url": "https://example.org/a",
            "source": "test",
            "published_at": "2023-12",
            "published_local": "2023-12",
            "published_at_precision": "month",
        },
    )
    upsert_article(memory_db, {"url": "https://example.org/b", "source": "test"})
    rows = memory_db.execute("SELECT url, published_day FROM articles ORDER BY url").fetchall()
    assert rows == [("https://example.org/a", None), ("https://example.org/b", None)]


def test_datasette_facets_articles_on_the_local_day(tmp_path):
    # the real Datasette app as `modwatch serve` configures it, over the two real pages stored above
    import asyncio

    import db
    from datasette.app import Datasette
    from modwatch import publish

    path = tmp_path / "modwatch.db"
    database = db.connect(path)
    store(database, KULU_PAGE.read_bytes(), "https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/")
    store(database, gzip.decompress((FIXTURES / "dates" / "denverpost.com-Colorado.html.gz").read_bytes()), DENVER_URL)
    database.close()
    ds = Datasette(
        immutables=[str(path)],
        metadata=yaml.safe_load(publish.METADATA.read_text(encoding="utf-8")),
        plugins_dir=str(publish.PLUGINS_DIR),
        settings=publish.SETTINGS,
    )
    asyncio.run(ds.invoke_startup())
    response = asyncio.run(ds.client.get("/modwatch/articles.json?_extra=facet_results"))
    assert response.status_code == 200, response.text[:300]
    days = {r["value"]: r["count"] for r in response.json()["facet_results"]["published_day"]["results"]}
    assert days == {"2026-06-12": 1, "2023-11-08": 1}  # the Denver page's UTC day would be 2023-11-09
