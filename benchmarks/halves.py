"""A fixed split of every benchmark corpus into a tuning half and a held-out half.

A page belongs to the held-out half when the first byte of the SHA-1 of its key (file name or
corpus id) is odd. The split does not depend on the page order, on the other pages or on the run,
so a rule can be tuned on ``tune`` pages and checked on ``held-out`` pages it never saw. Every
benchmark prints its figures for both halves; changes are judged on ``tune`` only and the
``held-out`` figures are read at the end.
"""

from __future__ import annotations

import hashlib

HALVES = ("tune", "held-out")


def half(key: str) -> str:
    """``"tune"`` or ``"held-out"`` for a page key (stable across runs and machines)."""
    return HALVES[hashlib.sha1(key.encode("utf-8")).digest()[0] & 1]


def split(keys) -> dict[str, list]:
    """``{"tune": [...], "held-out": [...]}`` of ``keys``, order kept."""
    out: dict[str, list] = {name: [] for name in HALVES}
    for key in keys:
        out[half(key)].append(key)
    return out
