"""The home page shows ``source_status``: which sources are failed, drifted or stale, and why."""

import asyncio

import yaml
from datasette.app import Datasette

import db
from db import source_status
from modwatch import publish


def home_page(path) -> str:
    metadata = yaml.safe_load(publish.METADATA.read_text(encoding="utf-8"))
    ds = Datasette(
        immutables=[str(path)], metadata=metadata, plugins_dir=str(publish.PLUGINS_DIR), settings=publish.SETTINGS
    )
    asyncio.run(ds.invoke_startup())
    response = asyncio.run(ds.client.get("/"))
    assert response.status_code == 200
    return response.text


def test_home_page_lists_every_source_worst_first(tmp_path):
    path = tmp_path / "modwatch.db"
    database = db.connect(path)
    source_status.record(database, "thevietnamese", state="ok", reason=None, crawl_run_id=1, at="2026-12-07T01:00:00Z")
    source_status.record(
        database,
        "meta_restrictions",
        state="stale",
        crawl_run_id=2,
        at="2026-12-07T02:00:00Z",
        reason="newest period ends 2023-12-31, 1072 days before 2026-12-07 (more than 400)",
    )
    source_status.record(
        database,
        "google_removals",
        state="drifted",
        crawl_run_id=3,
        at="2026-12-07T03:00:00Z",
        reason="unknown header in <b>a.csv</b>: time_period,request_count",
    )
    database.close()
    page = home_page(path)
    assert "<h2>Source health</h2>" in page
    order = [page.index(f">{name}</a></td>") for name in ("google_removals", "meta_restrictions", "thevietnamese")]
    assert order == sorted(order)  # drifted, stale, ok
    assert "<td><strong>drifted</strong></td><td>unknown header in &lt;b&gt;a.csv&lt;/b&gt;: " in page
    assert "newest period ends 2023-12-31, 1072 days before 2026-12-07" in page
    assert '<a href="/modwatch/source_status/google_removals">' in page


def test_home_page_without_any_attempt_shows_no_table(tmp_path):
    path = tmp_path / "modwatch.db"
    db.connect(path).close()
    page = home_page(path)
    assert '<div id="modwatch-source-status"></div>' in page and "Source health" not in page
