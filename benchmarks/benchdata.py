"""What the benchmarks share: where their data is, and the rows of ``run_all.py``'s summary table.

``$MODWATCH_SHARED`` may name the ``shared`` folder or its ``data`` folder; without it, the
``shared/data`` folder beside the repository (``../shared/data``) is used. The folders hold
SOURCE.md files with origin and licence. Benchmarks only read them; tests never do.

A benchmark reports each headline figure with :func:`summary`: one row (measure, modwatch,
reference, ratio, what both sides did). Run by ``run_all.py``, the rows go to the JSON-lines
file named by ``$MODWATCH_BENCH_SUMMARY`` and end up in one table; run alone, the script prints
them itself.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: environment variable naming the JSON-lines file that collects the summary rows (set by run_all.py)
SUMMARY_ENV = "MODWATCH_BENCH_SUMMARY"


def shared_data() -> Path:
    """The ``shared/data`` folder (it may not exist: callers check their own sub-folder)."""
    base = Path(os.environ.get("MODWATCH_SHARED") or ROOT.parent / "shared")
    return base / "data" if (base / "data").is_dir() or not base.exists() else base


def summary(measure: str, modwatch: str, reference: str, ratio: float | None, compared: str) -> dict:
    """Report one headline figure: ``modwatch`` and ``reference`` are the figures as printed
    (units included), ``ratio`` modwatch / reference on the measure (> 1: modwatch higher), or
    None when a ratio means nothing; ``compared`` says what both sides did. Returns the row."""
    row = {"measure": measure, "modwatch": modwatch, "reference": reference, "ratio": ratio, "compared": compared}
    target = os.environ.get(SUMMARY_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        print(
            f"summary: {measure}: modwatch {modwatch}, reference {reference}"
            f"{'' if ratio is None else f', ratio {ratio:.2f}'} ({compared})"
        )
    return row


def same_work(modwatch: str, reference: str) -> str:
    """The one line printed above a benchmark's figures: what each side did."""
    line = f"same work: modwatch {modwatch} | reference {reference}"
    print(line, flush=True)
    return line


def free_port() -> int:
    """A free TCP port on 127.0.0.1 for a local server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
