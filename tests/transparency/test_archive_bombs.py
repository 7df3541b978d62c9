"""Decompression is bounded: the real report zips (Google removals, a TikTok xlsx workbook, a
DSA nested dump) with a bomb member added are refused with the reason, from the member's
declared size and ratio, before memory grows; the real files themselves still load."""

import io
import tracemalloc
import zipfile

import pytest

from modwatch.load.dsa import load_dump
from modwatch.transparency.archives import ArchiveTooLarge, read_member
from modwatch.transparency.dsa import DumpError, iter_csv_members
from tests.helpers import report_file
from tests.transparency.samples import V1, fixture, nested_zip

MiB = 1024 * 1024


def with_bomb(real: bytes, name: str, size: int = 64 * MiB) -> bytes:
    """``real`` (a zip) with one more member ``name`` inflating to ``size`` zero bytes (~1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with target.open(name, "w", force_zip64=True) as member:
            chunk = bytes(MiB)
            for _ in range(size // MiB):
                member.write(chunk)
    return out.getvalue()


def test_google_zip_with_a_bomb_member_is_refused(load):
    real = report_file("google-government-removals.zip").read_bytes()
    assert load("google_removals", "google-government-removals.zip", data=real)["status"] == "loaded"
    bomb = with_bomb(real, "google-government-removals-bomb.csv")
    tracemalloc.start()
    try:
        with pytest.raises(
            ArchiveTooLarge,
            match=r"google-government-removals-bomb\.csv: compression ratio \d+ "
            r"\(more than 200\): a decompression bomb",
        ):
            load("google_removals", "google-government-removals.zip", data=bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(bomb) + 40 * MiB  # never near the 64 MiB inflated member


def test_tiktok_workbook_with_a_bomb_part_is_refused(load):
    real = report_file("English_LIPGR_2022_H1.xlsx").read_bytes()
    bomb = with_bomb(real, "xl/media/image1.png")
    with pytest.raises(ArchiveTooLarge, match=r"xl/media/image1\.png: compression ratio"):
        load("tiktok_removals", "English_LIPGR_2022_H1.xlsx", data=bomb)


def test_nested_dsa_dump_with_a_bomb_is_refused(memory_db):
    inner = nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)})
    with zipfile.ZipFile(io.BytesIO(inner)) as outer:  # the bomb goes into the inner zip (nested)
        (part,) = outer.infolist()
        inner_zip = with_bomb(outer.read(part), "sor-global-2024-03-14-full-00000-00001.csv")
    dump = io.BytesIO()
    with zipfile.ZipFile(dump, "w", zipfile.ZIP_STORED) as outer:
        outer.writestr(part.filename, inner_zip)
    dump.seek(0)
    with pytest.raises(DumpError, match=r"sor-global-2024-03-14-full-00000-00001\.csv: compression ratio"):
        load_dump(
            memory_db, dump, url="https://example.org/sor-global-2024-03-14-full.zip", fetched_at="2026-11-29T12:00:00Z"
        )
    assert memory_db["statements_of_reasons"].count == 0  # the part read before the bomb is undone
    assert memory_db["datasets"].get(1)["status"] == "failed"


def test_a_member_inflating_past_its_limit_is_cut():
    real = report_file("google-government-removals.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(real)) as archive:
        info = max(archive.infolist(), key=lambda i: i.file_size)
        assert len(read_member(archive, info)) == info.file_size  # the real member, whole
        with pytest.raises(ArchiveTooLarge, match="more than 1000"):
            read_member(archive, info, limit=1000)


def with_unknown_method(real: bytes) -> bytes:
    """``real`` (a zip) with every member's compression method set to 99 (AES, which zipfile cannot read)."""
    data = bytearray(real)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # local header, central directory
        start = data.find(signature)
        while start != -1:
            data[start + offset : start + offset + 2] = (99).to_bytes(2, "little")
            start = data.find(signature, start + 4)
    return bytes(data)


def test_a_workbook_of_an_unknown_compression_method_is_refused_and_changes_nothing(load, memory_db):
    real = report_file("English_LIPGR_2022_H1.xlsx").read_bytes()
    assert load("tiktok_removals", "English_LIPGR_2022_H1.xlsx", data=real)["status"] == "loaded"
    with pytest.raises(
        ValueError, match=r"English_LIPGR_2022_H1\.xlsx: unreadable xlsx workbook \(NotImplementedError"
    ):
        load("tiktok_removals", "English_LIPGR_2022_H1.xlsx", data=with_unknown_method(real))
    assert memory_db.execute("select id, status from datasets order by id").fetchall() == [(1, "loaded"), (2, "failed")]


def test_a_dump_member_of_an_unknown_compression_method_is_a_dump_error():
    dump = with_unknown_method(nested_zip({V1: fixture(V1)}))
    with pytest.raises(DumpError, match=r"unreadable zip member \(.*compression method"):
        for _ in iter_csv_members(io.BytesIO(dump), "sor-global-2024-03-14-full.zip"):
            pass


def test_a_dump_zip_nested_deeper_than_the_layout_is_refused(memory_db):
    """A ``.csv.zip`` holding another zip (a zip of zips of zips, a zip quine) is refused, not recursed into."""
    real = nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)})
    deeper = nested_zip({"sor-global-2024-03-14-full-00000-00000.csv.zip": real})  # dump > .csv.zip > .zip
    names = [name for name, _ in iter_csv_members(io.BytesIO(real), "sor-global-2024-03-14-full.zip")]
    assert names == ["sor-global-2024-03-14-full-00000-00000.csv"]  # the real layout reads as before
    with pytest.raises(
        DumpError,
        match=r"^sor-global-2024-03-14-full-00000\.csv\.zip: "
        r"sor-global-2024-03-14-full-00000-00000\.csv\.zip: zip nested deeper "
        r"than a dump's layout \(dump zip > \.csv\.zip > \.csv\)$",
    ):
        load_dump(
            memory_db,
            io.BytesIO(deeper),
            url="https://example.org/sor-global-2024-03-14-full.zip",
            fetched_at="2026-11-29T12:00:00Z",
        )
    assert memory_db["statements_of_reasons"].count == 0
    assert memory_db["datasets"].get(1)["status"] == "failed"
