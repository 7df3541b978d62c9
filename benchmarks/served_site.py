"""A database served by ``python -m modwatch serve`` (the project's own options) and timed through HTTP:
:func:`serve`, :func:`timed` requests, a :func:`csv_stream`'s rows per second and per server CPU-second."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchdata import free_port

ROOT = Path(__file__).resolve().parent.parent


def serve(db_path: Path) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "modwatch", "serve", str(db_path), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    import httpx

    while True:
        if process.poll() is not None:
            raise SystemExit(f"serve exited: {process.stderr.read()}")
        try:
            httpx.get(base + "/-/versions.json", timeout=2)
            return process, base, time.perf_counter() - start
        except httpx.HTTPError:
            time.sleep(0.5)


def timed(client, url: str, repeat: int) -> dict:
    times, status, size = [], None, 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        status, size = response.status_code, len(response.content)
    return {"cold_ms": times[0], "best_ms": min(times), "status": status, "bytes": size}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (the server: ``serve`` execs Datasette in its own pid)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def csv_stream(client, url: str, pid: int) -> dict:
    rows, start, cpu = 0, time.perf_counter(), cpu_seconds(pid)
    with client.stream("GET", url) as response:
        for chunk in response.iter_bytes():
            rows += chunk.count(b"\n")
    seconds, cpu = time.perf_counter() - start, cpu_seconds(pid) - cpu
    rows -= 1  # the header
    return {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "server_cpu_seconds": cpu,
        "rows_per_cpu_s": rows / cpu if cpu else float("nan"),
        "status": response.status_code,
    }
