"""Benchmark: peak memory of the ``dsa_sor`` spider downloading a large daily dump.

A dump is built from the real sample rows (``tests/fixtures/dsa/``, the 2024 and 2025 CSV
heads, nested the way the daily dumps are) plus an incompressible ``padding.bin`` member of
``--mib`` MiB (random bytes, skipped by the reader like any non-CSV member), so the file has the
size of a real day while its ingest stays cheap. A local HTTP server (this process) sends it
from disk with its ``Content-Length``. Each measured crawl is a child process running the real
spider through Scrapy with the project settings; its peak RSS is the child's ``VmHWM``.

- ``streamed`` (modwatch): the default ``MODWATCH_DSA_SPOOL_ABOVE`` (32 MiB): Scrapy's download
  stops after the headers and the dump is streamed to a file with ``httpx``;
- ``Scrapy body (ref)``: ``MODWATCH_DSA_SPOOL_ABOVE`` above the file size, so Scrapy downloads
  the dump into memory (its HTTP handler buffers the whole body), which is what the spider did
  before; the same item and pipeline follow.

Two sizes (``--mib`` and ``--mib // 4``) show whether memory grows with the file. Each run also
checks what was stored (32 statements: the 33 sample rows hold one uuid twice; the dataset's
sha256 and size).

Usage: ``python benchmarks/dsa_download.py [--mib 512] [--workdir DIR]``
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchdata import same_work, summary  # noqa: E402  (benchmarks/ is sys.path[0])

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "fixtures" / "dsa"
NAME = "sor-global-2024-03-14-full.zip"

CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from spiders.dsa_sor import DsaSorSpider
settings = get_project_settings()
settings.setdict(json.loads(sys.argv[2]), priority="cmdline")
process = CrawlerProcess(settings, install_root_handler=False)
process.crawl(DsaSorSpider, urls=sys.argv[3])
process.start()
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"peak_rss_kib": peak}))
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def write_dump(path: Path, mib: int) -> None:
    """The nested zip of the sample CSVs plus ``mib`` MiB of random bytes, written in 1 MiB chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as outer:
        for number, sample in enumerate(sorted(SAMPLES.glob("*.csv"))):
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as inner_zip:
                inner_zip.writestr(sample.name.replace(".head29", "").replace(".head4", ""), sample.read_bytes())
            outer.writestr(f"{path.stem}-{number:05d}.csv.zip", inner.getvalue())
        with outer.open(zipfile.ZipInfo("padding.bin"), "w") as padding:  # stored: random bytes do not compress
            for _ in range(mib):
                padding.write(os.urandom(1024 * 1024))


def sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def crawl(url: str, workdir: Path, spool_above: int | None) -> dict:
    """Run the spider in a child process; return its peak RSS and what the database holds."""
    db_path = workdir / "bench.db"
    settings = {
        "MODWATCH_DB": str(db_path),
        "MODWATCH_SPOOL_DIR": str(workdir / "spool"),
        "LOG_LEVEL": "WARNING",
        "MODWATCH_WARC_DIR": str(workdir / "warc"),
        "TELNETCONSOLE_ENABLED": False,
    }
    if spool_above is not None:
        settings["MODWATCH_DSA_SPOOL_ABOVE"] = spool_above
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), json.dumps(settings), url],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    with sqlite3.connect(db_path) as conn:
        result["statements"] = conn.execute("select count(*) from statements_of_reasons").fetchone()[0]
        result["sha256"], result["byte_size"] = conn.execute("select sha256, byte_size from datasets").fetchone()
    for path in workdir.glob("bench.db*"):
        path.unlink()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=512, help="size of the large dump in MiB (default 512)")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp dir)")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dsa-download-"))
    (workdir / "www").mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(workdir / "www")))
    server.handle_error = lambda *a: None  # the connection Scrapy closes after the headers (streamed runs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{NAME}"
    try:
        print(f"dsa_sor download, peak RSS of the crawl process; scratch {workdir}")
        same_work(
            "dsa_sor spider streaming the dump to a spool file",
            "the same spider with the spool threshold above "
            "the dump's size (Scrapy holds the body); same dump from 127.0.0.1",
        )
        for mib in (args.mib // 4, args.mib):
            dump = workdir / "www" / NAME
            write_dump(dump, mib)
            size, digest = dump.stat().st_size, sha256(dump)
            print(f"\ndump of {size / 2**20:,.0f} MiB (33 real statements + {mib} MiB padding)")
            peaks = {}
            for label, spool_above in (("Scrapy body (ref)", size + 1), ("streamed (modwatch)", None)):
                result = crawl(url, workdir, spool_above)
                peaks[label] = result["peak_rss_kib"] / 1024
                stored = (result["statements"], result["sha256"], result["byte_size"]) == (32, digest, size)
                print(
                    f"  {label:<22} peak RSS {result['peak_rss_kib'] / 1024:>7.1f} MiB"
                    f"   stored {'ok' if stored else 'WRONG: ' + str(result)}"
                )
            dump.unlink()
            if mib == args.mib:
                summary(
                    f"DSA download, {size / 2**20:,.0f} MiB dump: peak RSS",
                    f"{peaks['streamed (modwatch)']:,.0f} MiB",
                    f"{peaks['Scrapy body (ref)']:,.0f} MiB",
                    peaks["streamed (modwatch)"] / peaks["Scrapy body (ref)"],
                    "dsa_sor crawl streaming to a spool file vs the same crawl with Scrapy holding the body",
                )
    finally:
        server.shutdown()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
