"""Body-text benchmark on trafilatura's own evaluation corpus: modwatch beside trafilatura, same run.

Data: ``../shared/data/trafilatura-eval/`` (990 real pages in many languages and kinds, each with
"with" snippets the main text must contain and "without" snippets it must not; see its SOURCE.md).

Metric (trafilatura's ``tests/eval_gate.py``): whitespace is normalised in the text and the snippets;
a "with" snippet found is a true positive, one missed a false negative; a "without" snippet found is
a false positive. Counts are summed over the pages; F1 = 2tp / (2tp + fp + fn). A crash or an empty
result misses every "with" snippet. trafilatura pins F1 floors of 0.9195 (fast) and 0.9253 (default,
with fallback) on this corpus for its own CI.

Every figure is printed for the two fixed halves of the corpus (``benchmarks/halves.py``): ``tune``
(rules are judged on it) and ``held-out`` (never tuned on), and for all pages. The tools get the
page's bytes and no URL, as trafilatura's gate does.

Figures of one run (2-core machine shared with other jobs; 2026-12-07 12:00 UTC)::

    tool                                       half pages      F1    prec  recall pages/CPU-s
    modwatch extract_body                      tune   481  0.9386  0.9216  0.9562
    modwatch extract_body                  held-out   509  0.9321  0.9212  0.9432
    modwatch extract_body                       all   990  0.9352  0.9214  0.9495        24.4
    trafilatura 2.3 default (fallback)         tune   481  0.9228  0.8991  0.9478
    trafilatura 2.3 default (fallback)     held-out   509  0.9292  0.9137  0.9451
    trafilatura 2.3 default (fallback)          all   990  0.9261  0.9065  0.9465        28.4
    trafilatura 2.3 fast                       tune   481  0.9167  0.9007  0.9332
    trafilatura 2.3 fast                   held-out   509  0.9239  0.9134  0.9346
    trafilatura 2.3 fast                        all   990  0.9204  0.9072  0.9339        42.5

Usage::

    .venv/bin/python benchmarks/trafilatura_eval.py                 # all tools, all pages
    .venv/bin/python benchmarks/trafilatura_eval.py --only modwatch --half tune --worst 20
    .venv/bin/python benchmarks/trafilatura_eval.py --limit 200     # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import sys
import time
from pathlib import Path

from benchdata import same_work, shared_data, summary  # noqa: E402  (benchmarks/ is sys.path[0])
from halves import HALVES, half  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: trafilatura's pinned F1 floors on this corpus (tests/eval_baseline.json, see SOURCE.md)
PINNED = {"fast": 0.9195, "default": 0.9253}
_WS_RE = re.compile(r"\s+")


def norm(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


def count(item: dict, result: str | None) -> tuple[int, int, int]:
    """(tp, fp, fn) of one page: whitespace-normalised substring matches of its snippets."""
    text = norm(result) if isinstance(result, str) and result else None
    tp = sum(1 for w in item["with"] if norm(w) in text) if text else 0
    fp = sum(1 for w in item["without"] if norm(w) in text) if text else 0
    return tp, fp, len(item["with"]) - tp


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """(F1, precision, recall) of summed counts."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return (2 * tp / (2 * tp + fp + fn) if tp else 0.0), precision, recall


def load(folder: Path, limit: int | None = None) -> list[tuple[str, dict, bytes]]:
    """[(file name, annotation, page bytes)] in file-name order (the first ``limit`` of each half)."""
    evaldata = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    items = sorted(((item["file"], {**item, "url": url}) for url, item in evaldata.items()), key=lambda x: x[0])
    taken: dict[str, int] = {}
    pages = []
    for name, item in items:
        which = half(name)
        if limit is not None and taken.get(which, 0) >= limit:
            continue
        taken[which] = taken.get(which, 0) + 1
        pages.append((name, item, gzip.decompress((folder / "html" / f"{name}.gz").read_bytes())))
    return pages


def modwatch(page: bytes) -> str:
    from modwatch.extract.text import extract_body

    return extract_body(page)


def trafilatura_default(page: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(page, fast=False, include_comments=False, include_tables=True, include_formatting=False)


def trafilatura_fast(page: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(page, fast=True, include_comments=False, include_tables=True, include_formatting=False)


MODWATCH = "modwatch extract_body"
TOOLS = {
    MODWATCH: modwatch,
    "trafilatura 2.3 default (fallback)": trafilatura_default,
    "trafilatura 2.3 fast": trafilatura_fast,
}


def run(func, pages) -> tuple[dict[str, tuple[int, int, int]], float]:
    """Per-page counts and the CPU seconds taken (a crash counts as an empty result); the first page is
    answered once before the clock (imports and lazy set-up are not timed)."""
    counts = {}
    if pages:
        with contextlib.suppress(Exception):  # a crash here is scored below like every page
            func(pages[0][2])
    started = time.process_time()  # CPU time: the steadier measure on a shared machine
    for name, item, page in pages:
        try:
            result = func(page)
        except Exception:  # noqa: BLE001 - the corpus' metric scores a crash as a miss
            result = None
        counts[name] = count(item, result)
    return counts, time.process_time() - started


def scores(counts: dict[str, tuple[int, int, int]], which: str | None) -> tuple[float, float, float, int]:
    """(F1, precision, recall, pages) of one half (None: all pages)."""
    names = [n for n in counts if which is None or half(n) == which]
    tp, fp, fn = (sum(counts[n][i] for n in names) for i in range(3))
    return (*f1(tp, fp, fn), len(names))


def report(results: dict, timings: dict, pages: int) -> None:
    """Summary rows: snippet F1 (held-out half and all pages) and speed beside both trafilatura modes."""
    if MODWATCH not in results:
        return
    mine = results[MODWATCH]
    for name in TOOLS:
        if name == MODWATCH or name not in results:
            continue
        mode = name.split(" ")[2] + " mode"
        ref = results[name]
        held, held_ref = scores(mine, "held-out")[0], scores(ref, "held-out")[0]
        summary(
            f"body text, trafilatura's {pages} eval pages: F1 held-out / all ({name})",
            f"{held:.4f} / {scores(mine, None)[0]:.4f}",
            f"{held_ref:.4f} / {scores(ref, None)[0]:.4f}",
            held / held_ref if held_ref else None,
            f"snippet F1 (trafilatura's eval metric), extract_body vs {mode}; ratio on the held-out half",
        )
        rate, rate_ref = pages / timings[MODWATCH], pages / timings[name]
        summary(
            f"body text, trafilatura's {pages} eval pages: speed ({name})",
            f"{rate:.1f} pages/CPU-s",
            f"{rate_ref:.1f} pages/CPU-s",
            rate / rate_ref,
            f"same page bytes, no URL: extract_body vs {mode}",
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the tool whose name starts with this")
    parser.add_argument("--limit", type=int, help="only the first N pages of each half")
    parser.add_argument("--worst", type=int, default=0, help="list modwatch's N pages with most misses")
    parser.add_argument("--half", choices=HALVES, help="with --worst: list pages of this half only")
    args = parser.parse_args(argv)

    folder = shared_data() / "trafilatura-eval"
    pages = load(folder, args.limit)
    print(f"{len(pages)} pages from {folder} (halves: benchmarks/halves.py)")
    same_work(
        "extract_body(page bytes), no URL",
        "trafilatura.extract(page bytes) in default (fallbacks on) and fast "
        "mode, no comments, tables kept, no formatting; same bytes, one tool after the other, CPU-timed",
    )
    print(f"{'tool':38} {'half':>8} {'pages':>5} {'F1':>7} {'prec':>7} {'recall':>7} {'pages/CPU-s':>11}")
    results, timings = {}, {}
    for name, func in TOOLS.items():
        if args.only and not name.startswith(args.only):
            continue
        counts, seconds = run(func, pages)
        results[name] = counts
        timings[name] = seconds
        for which in (*HALVES, None):
            score, precision, recall, n = scores(counts, which)
            speed = f"{len(pages) / seconds:11.1f}" if which is None else ""
            print(
                f"{name:38} {which or 'all':>8} {n:5d} {score:7.4f} {precision:7.4f} {recall:7.4f} {speed:>11}",
                flush=True,
            )
    report(results, timings, len(pages))
    print(f"trafilatura's pinned floors on this corpus: fast {PINNED['fast']}, default {PINNED['default']}")
    if args.worst and MODWATCH in results:
        counts = results[MODWATCH]
        names = [n for n in counts if not args.half or half(n) == args.half]
        urls = {name: item["url"] for name, item, _ in pages}
        for name in sorted(names, key=lambda n: -(counts[n][1] + counts[n][2]))[: args.worst]:
            tp, fp, fn = counts[name]
            print(f"tp={tp} fp={fp} fn={fn} {half(name):8} {name} {urls[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
