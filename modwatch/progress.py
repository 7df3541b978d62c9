"""Progress bars for long runs (exports, loads): tqdm on stderr, silent when not a terminal.

Scrapy's periodic log stats say how many items a crawl has seen; a long export or load needs a
bar with a total and an ETA. :func:`progress` wraps an iterable; ``MODWATCH_PROGRESS=1`` forces
the bar on (e.g. under ``make``), ``MODWATCH_PROGRESS=0`` off.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def disabled() -> bool | None:
    forced = os.environ.get("MODWATCH_PROGRESS")
    if forced == "1":
        return False
    if forced == "0":
        return True
    return None  # tqdm: disabled when stderr is not a terminal


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str = "", unit: str = "rows") -> Iterator[T]:
    """Yield from ``iterable`` while drawing a progress bar of ``total`` ``unit`` labelled ``desc``."""
    with tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=True,
        disable=disabled(),
        dynamic_ncols=True,
        leave=False,
    ) as bar:
        yield from bar
