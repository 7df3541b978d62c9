"""Publication-date benchmark: modwatch's ``find_publication_date`` beside htmldate, same pages, same run.

Data: ``../shared/data/date-benchmark/`` (htmldate's own evaluation set: 999 real pages, mostly German and
multilingual news, ``expected-dates.json`` with the publication day or null; see its SOURCE.md). Set
``MODWATCH_SHARED`` to use another ``shared/data`` folder.

Scoring follows htmldate's ``tests/comparison.py``: output equal to the label = TP, another date = FP, no output
where a date was expected = FN. For the 5 null labels this script counts "no output" as TN (the issue's rule;
upstream can never score them, see SOURCE.md), so accuracy = (TP+TN)/all.

htmldate is called as upstream's evaluation does: ``find_date(html, original_date=True,
extensive_search=True|False)``. The tools take turns page by page, so pages/second compare fairly even on a
busy machine. modwatch gets the page's URL (the spiders always have it) and no language: the
page's ``<html lang>`` decides. Pages are decoded once (UTF-8, else the declared charset, else cp1252) and both
tools get the same ``str``; pages/second include HTML parsing.

Latest run (2 cores shared with other jobs, so pages/second vary between runs; compare within a run; halves:
``benchmarks/halves.py``)::

    tool                                half accuracy precision  recall     F1   tp/fp/tn/fn  pages/s
    modwatch find_publication_date      tune    0.936     0.956   0.979  0.967   456/21/1/10
    modwatch find_publication_date  held-out    0.928     0.955   0.969  0.962   471/22/3/15
    modwatch find_publication_date       all    0.932     0.956   0.974  0.965   927/43/4/25       45
    htmldate 1.11 extensive             tune    0.912     0.915   0.996  0.954    444/41/1/2
    htmldate 1.11 extensive         held-out    0.896     0.902   0.993  0.945    458/50/0/3
    htmldate 1.11 extensive              all    0.904     0.908   0.994  0.949    902/91/1/5       33
    htmldate 1.11 fast                   all    0.866     0.924   0.932  0.928   862/71/3/63       73

Usage::

    python benchmarks/dates.py                 # table
    python benchmarks/dates.py --misses 40     # also list modwatch's wrong answers
    python benchmarks/dates.py --only modwatch # skip htmldate
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from pathlib import Path

from benchdata import shared_data  # noqa: E402  (benchmarks/ is sys.path[0])
from halves import HALVES, half  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from modwatch.extract.dates import find_publication_date  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED = shared_data()
DATA = SHARED / "date-benchmark"


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = re.search(rb"""charset=["']?([A-Za-z0-9_-]+)""", data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", errors="replace")


def load():
    expected = json.loads((DATA / "expected-dates.json").read_text())
    metadata = json.loads((DATA / "page-metadata.json").read_text())
    pages = []
    for name, label in sorted(expected.items()):
        html = decode(gzip.decompress((DATA / metadata[name]["stored_as"]).read_bytes()))
        pages.append((name, metadata[name]["urls"][0], html, label))
    return pages


def score(answers: list[str | None], labels: list[str | None]) -> dict:
    tp = fp = tn = fn = 0
    for answer, label in zip(answers, labels):
        if label is None:
            tn, fp = (tn + 1, fp) if answer is None else (tn, fp + 1)
        elif answer is None:
            fn += 1
        elif answer == label:
            tp += 1
        else:
            fp += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"precision": precision, "recall": recall, "accuracy": (tp + tn) / len(labels), "f1": f1,
            "counts": f"{tp}/{fp}/{tn}/{fn}"}


def modwatch_day(html: str, url: str) -> str | None:
    parsed = find_publication_date(html, url)
    return parsed.local_day if parsed else None


def htmldate_tools() -> dict:
    from htmldate import find_date

    return {
        "htmldate 1.11 extensive": lambda html, url: find_date(html, original_date=True, extensive_search=True),
        "htmldate 1.11 fast": lambda html, url: find_date(html, original_date=True, extensive_search=False),
    }


def run_interleaved(pages, tools: dict) -> tuple[dict, dict]:
    """Answers and total seconds per tool. The tools take turns on each page, so that a busy machine slows them
    alike and pages/second stay comparable within the run."""
    answers = {title: [] for title in tools}
    seconds = dict.fromkeys(tools, 0.0)
    for _name, url, html, _label in pages:
        for title, function in tools.items():
            started = time.perf_counter()
            answers[title].append(function(html, url))
            seconds[title] += time.perf_counter() - started
    return answers, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["modwatch", "htmldate"], help="run one tool only")
    parser.add_argument("--misses", type=int, default=0, help="list up to N pages modwatch gets wrong")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"benchmark data not found: {DATA} (set MODWATCH_SHARED)", file=sys.stderr)
        return 2
    pages = load()
    labels = [label for *_rest, label in pages]
    tools = {}
    if args.only != "htmldate":
        tools["modwatch find_publication_date"] = modwatch_day
    if args.only != "modwatch":
        tools.update(htmldate_tools())
    for _title, function in tools.items():  # warm up (imports, caches) outside the timing
        function(pages[0][2], pages[0][1])
    print(f"{len(pages)} pages from {DATA}")
    print(f"{'tool':34} {'half':>8} {'accuracy':>8} {'precision':>9} {'recall':>7} {'F1':>6} {'tp/fp/tn/fn':>13} "
          f"{'pages/s':>8}")
    results, seconds = run_interleaved(pages, tools)
    halves = [half(name) for name, *_rest in pages]  # benchmarks/halves.py: tune on one, check on the other
    for title, answers in results.items():
        for which in (*HALVES, None):
            keep = [i for i, h in enumerate(halves) if which is None or h == which]
            s = score([answers[i] for i in keep], [labels[i] for i in keep])
            speed = f"{len(pages) / seconds[title]:8.0f}" if which is None else ""
            print(f"{title:34} {which or 'all':>8} {s['accuracy']:8.3f} {s['precision']:9.3f} {s['recall']:7.3f} "
                  f"{s['f1']:6.3f} {s['counts']:>13} {speed:>8}")
    if args.misses and "modwatch find_publication_date" in results:
        print("\nmodwatch misses (file, url, expected, got, where found):")
        shown = 0
        for (name, url, html, label), answer in zip(pages, results["modwatch find_publication_date"]):
            if answer != label and shown < args.misses:
                parsed = find_publication_date(html, url)
                print(f"  {name} ({half(name)})  {url}\n    expected {label}  got {answer}  "
                      f"{parsed.found_in if parsed else ''} {parsed.raw[:60] if parsed else ''!r}")
                shown += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
