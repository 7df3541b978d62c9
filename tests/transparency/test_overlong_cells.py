"""One over-long cell or line is a reject for its record only: the real X and Meta files with a
1 MB cell (past the csv module's 128 KiB field limit, which used to fail the whole file) inserted
into one copied data record load every other row."""

from modwatch.transparency.common import MAX_CELL_CHARS, overlong_reason
from tests.helpers import report_file

X_NAME = "Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv"
META_NAME = "Content_Restrictions_2023_H2.csv"


def with_long_cell(data: bytes, line: int) -> bytes:
    """``data`` with a copy of its line ``line`` (1-based) inserted after it, whose first cell is 1 MB long."""
    lines = data.splitlines(keepends=True)
    copy = lines[line - 1]
    first, _, rest = copy.partition(b",")
    lines.insert(line, first + b"A" * 1_000_000 + b"," + rest)
    return b"".join(lines)


def test_x_file_with_a_1_mb_cell_rejects_that_record_only(load, memory_db):
    real = report_file(X_NAME).read_bytes()
    expected = load("x_removals", X_NAME, data=real)
    memory_db.execute("delete from rejects")
    result = load("x_removals", X_NAME, data=with_long_cell(real, 10))
    assert result["status"] == "loaded"
    assert (result["rows_stored"], result["rows_rejected"]) == (expected["rows_stored"], 1)
    ((location, reason, excerpt),) = memory_db.execute("select location, reason, excerpt from rejects").fetchall()
    assert (location, reason) == (f"{X_NAME}:11", overlong_reason())
    assert 0 < len(excerpt) <= 1000 and MAX_CELL_CHARS < 1_000_000


def test_meta_file_with_a_1_mb_cell_rejects_that_record_only(load, memory_db):
    real = report_file(META_NAME).read_bytes()
    expected = load("meta_restrictions", META_NAME, data=real)
    result = load(
        "meta_restrictions",
        META_NAME,
        data=with_long_cell(real, 5),
        url="https://transparency.meta.com/download/Content_Restrictions_2023_H2.csv?copy=1",
    )
    assert (result["status"], result["rows_stored"], result["rows_rejected"]) == ("loaded", expected["rows_stored"], 1)
    reasons = [
        r for (r,) in memory_db.execute("select reason from rejects where dataset_id = ?", [result["dataset_id"]])
    ]
    assert reasons == [overlong_reason()]
