"""``make bench`` (benchmarks/run_all.py) without the shared data: one line naming it (new-user finding 13)."""

import subprocess
import sys

import pytest

from tests.helpers import ROOT

NEEDS_SHARED = ["article_extraction", "dates", "storage", "tagging", "dsa_ingest", "distributed_crawl"]


def run_all(env_shared, *names):
    env = {"PATH": "/usr/bin:/bin", "MODWATCH_SHARED": str(env_shared)}
    return subprocess.run([sys.executable, "benchmarks/run_all.py", *names], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_no_shared_folder_is_one_line_and_nothing_runs(tmp_path):
    result = run_all(tmp_path / "shared", *NEEDS_SHARED)
    assert result.returncode == 1
    assert result.stderr == (f"benchmark data not found: no shared data folder {tmp_path / 'shared' / 'data'} "
                             f"(../shared/data or $MODWATCH_SHARED); skipped: {', '.join(NEEDS_SHARED)}\n")
    assert result.stdout == ""  # no benchmark started, so no traceback either


@pytest.mark.parametrize("given", ["shared", "shared/data"])
def test_partial_data_names_what_is_missing(tmp_path, given):
    (tmp_path / "shared" / "data" / "date-benchmark" / "pages").mkdir(parents=True)
    result = run_all(tmp_path / given, "tagging", "storage", "dsa_ingest")
    data = tmp_path / "shared" / "data"
    assert result.returncode == 1
    assert result.stderr == (f"benchmark data not found: {data / 'article-extraction-benchmark'}, "
                             f"{data / 'transparency' / 'dsa_transparency_db'} (../shared/data or $MODWATCH_SHARED); "
                             "skipped: tagging, storage, dsa_ingest\n")
