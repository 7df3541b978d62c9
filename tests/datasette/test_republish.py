"""A running immutable ``serve`` is never disturbed by a second publish or a demo re-run: every
publish writes a new snapshot file (``<db>.published/v<time>-<pid>/modwatch.db``), so the first
server answers every query from its own snapshot — never "database disk image is malformed", never
a mix of old and new rows — while a load, ``modwatch demo`` and a second ``serve`` change and
re-publish the database. Snapshots a server holds are kept; the others are removed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading

from modwatch import publish
from tests.helpers import ROOT, free_port, modwatch, served_rows, start_serve, stop_process, wait_for
from tests.datasette.dsa_parts import file_rows, load_part
from tests.transparency.samples import V1, fixture


#: what the readers ask: statements and their search index (changed by the load), crawl runs (by the demo)
QUERIES = (
    "select count(*) from statements_of_reasons",
    "select * from statements_of_reasons order by rowid",
    "select rowid, * from statements_of_reasons_fts order by rowid",
    "select count(*), max(id) from crawl_runs",
    "select name, type from sqlite_master order by name",
)


def test_publish_writes_a_new_snapshot_each_time_and_removes_only_unheld_ones(tmp_path):
    path = tmp_path / "modwatch.db"
    lines = fixture(V1).splitlines(keepends=True)
    assert load_part(path, b"".join(lines[:13]), 0)["rows_stored"] == 11  # 12 statements, one duplicate uuid
    first = publish.publish_snapshot(path)
    assert first.name == "modwatch.db" and first.parent.parent == publish.snapshots_dir(path)
    assert file_rows(first, QUERIES)[QUERIES[0]][0][0] == 11
    assert load_part(path, b"".join(lines[:1] + lines[13:]), 1)["rows_stored"] == 17
    second = publish.publish_snapshot(path)
    assert second.parent != first.parent and second.parent.name > first.parent.name
    assert (
        file_rows(first, QUERIES)[QUERIES[0]][0][0] == 11 and file_rows(second, QUERIES)[QUERIES[0]][0][0] == 28
    )  # first untouched
    assert publish.latest_snapshot(path) == second
    assert publish.remove_unused_snapshots(path) == []  # both held by this process
    publish.release_snapshot(first)
    # another process cannot remove the held one, and removes the released one
    code = (
        "import sys; from modwatch import publish; "
        "print([p.name for p in publish.remove_unused_snapshots(sys.argv[1])])"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == repr([first.parent.name])
    assert not first.parent.exists() and second.exists()
    publish.release_snapshot(second)


def test_running_serve_keeps_its_snapshot_through_a_second_serve_and_a_demo_rerun(tmp_path):
    path = tmp_path / "modwatch.db"
    lines = fixture(V1).splitlines(keepends=True)  # header + 29 real statements (one duplicate uuid)
    assert load_part(path, b"".join(lines[:13]), 0)["rows_stored"] == 11
    before = file_rows(path, QUERIES)
    port, second_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    first = start_serve(path, port)
    second = None
    served = publish.latest_snapshot(path)
    answers, wrong, errors = [], [], []
    stop = threading.Event()

    def read(offset: int):
        n = offset
        while not stop.is_set():
            sql = QUERIES[n % len(QUERIES)]
            n += 1
            try:
                rows = served_rows(base, sql)
            except Exception as e:  # an HTTP 500 ("database disk image is malformed") or a refused request
                errors.append(e)
                continue
            (answers if rows == before[sql] else wrong).append(sql)

    served_file = (served.stat().st_ino, hashlib.sha256(served.read_bytes()).hexdigest())
    # one reader during the re-publish (one of Datasette's SQL threads connected), four after it
    # (the other SQL threads open the snapshot by name then: they must find the same file)
    readers = [threading.Thread(target=read, args=(0,))]
    readers[0].start()
    try:
        assert load_part(path, b"".join(lines[:1] + lines[13:]), 1)["rows_stored"] == 17  # new data in the database
        demo = subprocess.run(
            modwatch("demo", "--db", path, "--spider", "google_removals"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]  # the database file swapped
        after = file_rows(path, QUERIES)
        assert after[QUERIES[0]][0][0] == 28 and after != before
        second = start_serve(path, second_port)  # publishes again while the first server runs
        republished = publish.latest_snapshot(path)
        assert republished != served and served.exists()
        assert all(served_rows(f"http://127.0.0.1:{second_port}", sql) == after[sql] for sql in QUERIES)
        stop_process(second)
        second = None
        extra = publish.publish_snapshot(path)  # a third publish: removes the stopped server's snapshot only
        assert not republished.exists() and served.exists() and file_rows(served, QUERIES) == before
        publish.release_snapshot(extra)
        assert (served.stat().st_ino, hashlib.sha256(served.read_bytes()).hexdigest()) == served_file
        during = len(answers)
        readers += [threading.Thread(target=read, args=(i,)) for i in range(1, 5)]
        for reader in readers[1:]:
            reader.start()
        wait_for(
            lambda: len(answers) >= during + 40 or errors or wrong, timeout=60, what="answers after the re-publish"
        )
    finally:
        stop.set()
        for reader in readers:
            reader.join(30)
        if second is not None:
            stop_process(second)
    try:
        assert not errors, [(e, getattr(e, "read", lambda: b"")()[:300]) for e in errors[:3]]
        assert not wrong, f"{len(wrong)} answers not those of the first snapshot, e.g. to {wrong[0]!r}"
        assert len(set(answers)) == len(QUERIES) and len(answers) >= 10, len(answers)
        assert all(served_rows(base, sql) == before[sql] for sql in QUERIES)
    finally:
        stop_process(first)
