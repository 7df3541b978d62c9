"""Progress bars: a long crawl shows one on a terminal (forced here with MODWATCH_PROGRESS=1)."""

import subprocess
import sys

from tests.helpers import ROOT, crawl_env


def run_news(tmp_path, progress: str) -> subprocess.CompletedProcess:
    env = crawl_env(
        tmp_path,
        MODWATCH_REPLAY=ROOT / "demo" / "snapshot.warc.gz",
        MODWATCH_SITES_FILE=ROOT / "demo" / "sites.yaml",
        MODWATCH_PROGRESS=progress,
    )
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "sites=kulu-media,chron", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_crawl_draws_a_progress_bar_of_pages_items_and_rejects(tmp_path):
    result = run_news(tmp_path, "1")
    assert result.returncode == 0, result.stderr[-3000:]
    final = result.stderr.replace("\r", "\n").strip().splitlines()
    bar = [line for line in final if line.startswith("news:")][-1]
    # two replayed article pages of the demo snapshot, both stored as articles, no reject
    assert "2/2" in bar and "items=2" in bar and "rejects=0" in bar, bar


def test_no_bar_when_not_on_a_terminal(tmp_path):
    result = run_news(tmp_path, "0")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "news:" not in result.stderr
