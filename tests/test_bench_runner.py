"""``make bench`` (benchmarks/run_all.py) without the shared data: one line naming it (new-user finding 13)."""

import re
import subprocess
import sys

import pytest

from tests.helpers import ROOT

NEEDS_SHARED = ["article_extraction", "dates", "storage", "tagging", "dsa_ingest", "distributed_crawl"]


def run_all(env_shared, *names):
    env = {"PATH": "/usr/bin:/bin", "MODWATCH_SHARED": str(env_shared)}
    return subprocess.run(
        [sys.executable, "benchmarks/run_all.py", *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_shared_folder_is_one_line_and_nothing_runs(tmp_path):
    result = run_all(tmp_path / "shared", *NEEDS_SHARED)
    assert result.returncode == 1
    assert result.stderr == (
        f"benchmark data not found: no shared data folder {tmp_path / 'shared' / 'data'} "
        f"(../shared/data or $MODWATCH_SHARED); skipped: {', '.join(NEEDS_SHARED)}\n"
    )
    assert result.stdout == ""  # no benchmark started, so no traceback either


@pytest.mark.parametrize("given", ["shared", "shared/data"])
def test_partial_data_names_what_is_missing(tmp_path, given):
    (tmp_path / "shared" / "data" / "date-benchmark" / "pages").mkdir(parents=True)
    result = run_all(tmp_path / given, "tagging", "storage", "dsa_ingest")
    data = tmp_path / "shared" / "data"
    assert result.returncode == 1
    assert result.stderr == (
        f"benchmark data not found: {data / 'article-extraction-benchmark'}, "
        f"{data / 'transparency' / 'dsa_transparency_db'} (../shared/data or $MODWATCH_SHARED); "
        "skipped: tagging, storage, dsa_ingest\n"
    )


# --- the summary table (run_all.main with a real benchmark script written for the test) ----------

FAKE_BENCHMARK = """
import sys
sys.path.insert(0, {benchmarks!r})
from benchdata import same_work, summary
same_work("counted " + " ".join(sys.argv[1:]), "counted | by hand")
summary("rows counted", "1,250 rows/s", "2,500 rows/s", 0.5, "args " + " ".join(sys.argv[1:]))
summary("F1", "0.979", "0.960", 0.979 / 0.960, "shingles")
sys.exit(int({status}))
"""


@pytest.fixture
def run_all_module(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import run_all

    return run_all


def fake(tmp_path, run_all, name, status=0):
    script = tmp_path / f"{name}.py"
    script.write_text(FAKE_BENCHMARK.format(benchmarks=str(ROOT / "benchmarks"), status=status), encoding="utf-8")
    return run_all.Benchmark(name, None, full=("--rows", "5000000"), quick=("--rows", "100000"), script=script)


def table_of(out: str) -> list[str]:
    return out[out.index("| measure |") :].rstrip("\n").split("\n")


@pytest.mark.parametrize(
    "quick, args, mode",
    [
        (False, "--rows 5000000", "full mode (`run_all.py`)"),
        (True, "--rows 100000", "quick mode (`run_all.py --quick`)"),
    ],
)
def test_rows_of_every_benchmark_make_one_table(tmp_path, capfd, run_all_module, quick, args, mode):
    benchmarks = [fake(tmp_path, run_all_module, "first"), fake(tmp_path, run_all_module, "second")]
    status = run_all_module.main(["--quick"] if quick else [], benchmarks=benchmarks)
    out = capfd.readouterr().out
    assert status == 0
    assert f"same work: modwatch counted {args} | reference counted | by hand\n" in out
    assert f"=== benchmarks/first.py {args}\n" in out
    heading = out.split("\n| measure |")[0].splitlines()[-1]
    assert re.fullmatch(
        rf"Summary, \d{{4}}-\d\d-\d\d \d\d:\d\d UTC, {re.escape(mode)}, .+, \d+ cores.*, load [\d.]+:", heading
    ), heading
    row = f"| rows counted | 1,250 rows/s | 2,500 rows/s | 0.50× | args {args} |"
    assert table_of(out) == [
        "| measure | modwatch | reference | ratio | what was compared |",
        "|---|---|---|---|---|",
        row,
        "| F1 | 0.979 | 0.960 | 1.02× | shingles |",
        row,
        "| F1 | 0.979 | 0.960 | 1.02× | shingles |",
    ]


def test_a_failing_benchmark_keeps_the_others_rows(tmp_path, capfd, run_all_module):
    benchmarks = [fake(tmp_path, run_all_module, "broken", status=3), fake(tmp_path, run_all_module, "fine")]
    status = run_all_module.main(["fine", "broken"], benchmarks=benchmarks)
    captured = capfd.readouterr()
    assert status == 1
    assert captured.err.endswith("failed: broken\n")
    assert captured.out.index("=== benchmarks/fine.py") < captured.out.index("=== benchmarks/broken.py")
    assert len(table_of(captured.out)) == 2 + 4  # header + both benchmarks' two rows (broken wrote before failing)


def test_a_pipe_in_a_cell_does_not_break_the_table(run_all_module):
    rows = [{"measure": "a|b", "modwatch": "1", "reference": "2", "ratio": None, "compared": "x"}]
    assert run_all_module.table(rows).splitlines()[-1] == "| a\\|b | 1 | 2 |  | x |"


def test_every_benchmark_entry_has_its_script_and_known_options(run_all_module):
    assert {"article_extraction", "dates", "dsa_ingest"} <= {benchmark.name for benchmark in run_all_module.BENCHMARKS}
    for benchmark in run_all_module.BENCHMARKS:
        source = benchmark.path.read_text(encoding="utf-8")
        assert "summary(" in source, benchmark.name
        for option in (*benchmark.full, *benchmark.quick):
            if option.startswith("--"):
                assert f'"{option}"' in source, (benchmark.name, option)


def test_summary_alone_prints_its_row(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    monkeypatch.delenv("MODWATCH_BENCH_SUMMARY", raising=False)
    from benchdata import summary

    summary("dates", "75 pages/s", "119 pages/s", 75 / 119, "both given the URL")
    assert capsys.readouterr().out == (
        "summary: dates: modwatch 75 pages/s, reference 119 pages/s, ratio 0.63 (both given the URL)\n"
    )


def test_crawl_cost_budget(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    from distributed_crawl import budget

    assert budget(30.0, 4.0, 20.0) == (
        True,
        "cost budget: full pipeline 30.0 ms CPU/page <= (bare Scrapy 4.0 + "
        "parse_article 20.0) x 1.25 = 30.0 ms: within budget; beyond fetching "
        "and parsing 6.0 ms/page",
    )
    ok, text = budget(52.5, 4.1, 36.0)
    assert not ok
    assert text.endswith("= 50.1 ms: OVER budget by 5%; beyond fetching and parsing 12.4 ms/page")


def test_ctrl_c_still_prints_the_table_of_what_finished(tmp_path, capfd, run_all_module):
    interrupting = tmp_path / "interrupting.py"
    interrupting.write_text(
        "import os, signal, time\nos.kill(os.getppid(), signal.SIGINT)\ntime.sleep(30)\n", encoding="utf-8"
    )
    benchmarks = [
        fake(tmp_path, run_all_module, "done"),
        run_all_module.Benchmark("interrupting", None, script=interrupting),
        fake(tmp_path, run_all_module, "never"),
    ]
    status = run_all_module.main([], benchmarks=benchmarks)
    out = capfd.readouterr().out
    assert status == 1
    assert "=== benchmarks/never.py" not in out
    assert ", full mode (`run_all.py`), interrupted during interrupting, " in out
    assert len(table_of(out)) == 2 + 2  # the rows of "done" only


# --- the DSA ingest benchmark's input and command, at a tiny size ------------------------------------


@pytest.fixture
def dsa_bench(tmp_path, monkeypatch):
    """benchmarks/dsa_ingest.py reading the real sample rows of tests/fixtures/dsa (linked, not copied)."""
    samples = tmp_path / "shared" / "data" / "transparency" / "dsa_transparency_db"
    samples.mkdir(parents=True)
    for path in (ROOT / "tests" / "fixtures" / "dsa").glob("sor-global-*.csv"):
        (samples / path.name).symlink_to(path)
    monkeypatch.setenv("MODWATCH_SHARED", str(tmp_path / "shared"))
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import dsa_ingest

    monkeypatch.setattr(dsa_ingest, "ROWS_PER_PART", 10)
    return dsa_ingest


def test_dsa_benchmark_day_has_random_uuid4_ids_and_the_same_rows_in_csv_and_zip(tmp_path, dsa_bench):
    import csv
    import io
    import uuid
    import zipfile

    dsa_bench.write_synthetic(tmp_path / "day.csv", tmp_path / "day.zip", 25)
    with open(tmp_path / "day.csv", encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    samples = dsa_bench.sample_rows()
    assert header == list(dsa_bench.COLUMNS) and len(rows) == 25 and len(samples) == 33
    ids = [uuid.UUID(row[0]) for row in rows]
    assert len(set(ids)) == 25 and {i.version for i in ids} == {4}
    assert ids != sorted(ids)  # random, not sequential
    assert [row[1:] for row in rows] == [samples[i % 33][1:] for i in range(25)]
    parts = []
    with zipfile.ZipFile(tmp_path / "day.zip") as outer:
        for name in outer.namelist():
            with zipfile.ZipFile(io.BytesIO(outer.read(name))) as inner:
                (member,) = inner.namelist()
                parts.append(list(csv.reader(io.StringIO(inner.read(member).decode("utf-8"))))[1:])
    assert [len(p) for p in parts] == [10, 10, 5]
    assert [row for part in parts for row in part] == rows
    dsa_bench.write_synthetic(tmp_path / "again.csv", None, 25)  # seeded: the same day every run
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "day.csv").read_bytes()


def test_dsa_benchmark_measures_the_dsa_load_command(tmp_path, dsa_bench):
    path = tmp_path / "sor-global-2099-01-01-full-25.csv"
    dsa_bench.write_synthetic(path, None, 25)
    result = dsa_bench.run_dsa_load(path, tmp_path / "bench.db")
    assert result["rows"] == 25 and result["indexed"] == 25
    assert result["seconds"] > 0 and result["cpu_seconds"] > 0 and result["peak_rss_kib"] > 0
