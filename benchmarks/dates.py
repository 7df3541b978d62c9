"""Publication-date benchmark: modwatch's ``find_publication_date`` beside htmldate, same pages, same run.

Data: ``../shared/data/date-benchmark/`` (htmldate's own evaluation set: 999 real pages, mostly German and
multilingual news, ``expected-dates.json`` with the publication day or null; see its SOURCE.md). Set
``MODWATCH_SHARED`` to use another ``shared/data`` folder.

Scoring follows htmldate's ``tests/comparison.py``: output equal to the label = TP, another date = FP, no output
where a date was expected = FN. For the 5 null labels this script counts "no output" as TN (the issue's rule;
upstream can never score them, see SOURCE.md), so accuracy = (TP+TN)/all.

Same input, same options: every tool runs twice, with the page's URL and without it (a URL often carries
the date: ``/2024/03/14/``). htmldate is called as upstream's evaluation does, ``find_date(html, url=...,
original_date=True, extensive_search=True|False)``; modwatch as the spiders call it,
``find_publication_date(html, url)``, and no language: the page's ``<html lang>`` decides. The tools take turns
page by page and speed is pages per CPU-second (``time.process_time`` around each call), the steadier measure on
a busy machine. Pages are decoded once (UTF-8, else the declared charset, else cp1252) and every tool gets the
same ``str``; the time includes HTML parsing. One-time costs stay outside the timing: dateparser (both tools use
it) is imported and builds every locale's tables (~10 s), and every tool answers every page once, untimed, before
the timed pass (lazy set-up on a page's first language or URL layout is not counted).

Every figure is printed for the two fixed halves of the corpus (``benchmarks/halves.py``): ``tune``
(rules are judged on it) and ``held-out`` (never tuned on), and for all pages.

Figures: see the README (``benchmarks/run_all.py`` summary table).

Usage::

    python benchmarks/dates.py                 # table
    python benchmarks/dates.py --misses 40     # also list modwatch's wrong answers
    python benchmarks/dates.py --only modwatch # skip htmldate
    python benchmarks/dates.py --pages 250     # the first 250 pages (quick)
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from pathlib import Path

from benchdata import same_work, shared_data, summary  # noqa: E402  (benchmarks/ is sys.path[0])
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


def load(limit: int = 0):
    """[(file name, URL, HTML str, expected day or None)], sorted by name; the first ``limit`` if > 0."""
    expected = json.loads((DATA / "expected-dates.json").read_text())
    metadata = json.loads((DATA / "page-metadata.json").read_text())
    pages = []
    for name, label in sorted(expected.items())[: limit or None]:
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
    return {
        "precision": precision,
        "recall": recall,
        "accuracy": (tp + tn) / len(labels),
        "f1": f1,
        "counts": f"{tp}/{fp}/{tn}/{fn}",
    }


def modwatch_day(html: str, url: str) -> str | None:
    parsed = find_publication_date(html, url)
    return parsed.local_day if parsed else None


MODWATCH_URL = "modwatch, URL given"
MODWATCH_NO_URL = "modwatch, no URL"
EXTENSIVE_URL = "htmldate extensive, URL given"
EXTENSIVE_NO_URL = "htmldate extensive, no URL"
FAST_URL = "htmldate fast, URL given"
FAST_NO_URL = "htmldate fast, no URL"


def modwatch_tools() -> dict:
    return {MODWATCH_URL: modwatch_day, MODWATCH_NO_URL: lambda html, url: modwatch_day(html, "")}


def htmldate_tools() -> dict:
    from htmldate import find_date

    def tool(extensive: bool, with_url: bool):
        return lambda html, url: find_date(
            html, url=url if with_url else None, original_date=True, extensive_search=extensive
        )

    return {
        EXTENSIVE_URL: tool(True, True),
        EXTENSIVE_NO_URL: tool(True, False),
        FAST_URL: tool(False, True),
        FAST_NO_URL: tool(False, False),
    }


def warm_up(tools: dict, pages) -> None:
    """One-time costs outside the timing: dateparser's import and its per-locale tables (a text no locale
    reads makes it build every locale's, ~10 s, which the first such page would otherwise pay), then one
    untimed pass of every tool over every page (patterns compiled and caches filled on first use by a
    language or a URL layout are not counted in the timed pass)."""
    import dateparser

    dateparser.parse("31 qwertz 2020")
    for _name, url, html, _label in pages:
        for function in tools.values():
            function(html, url)


def run_interleaved(pages, tools: dict) -> tuple[dict, dict]:
    """Answers and total seconds per tool. The tools take turns on each page, so that a busy machine slows them
    alike and pages per CPU-second stay comparable within the run."""
    answers = {title: [] for title in tools}
    seconds = dict.fromkeys(tools, 0.0)
    for _name, url, html, _label in pages:
        for title, function in tools.items():
            started = time.process_time()  # CPU time: the steadier measure on a shared machine
            answers[title].append(function(html, url))
            seconds[title] += time.process_time() - started
    return answers, seconds


def report(results: dict, seconds: dict, labels: list, pages: int) -> None:
    """Summary rows: modwatch against htmldate extensive with the same input (URL given, then not)."""
    for mine, theirs, given in (
        (MODWATCH_URL, EXTENSIVE_URL, "both given the URL"),
        (MODWATCH_NO_URL, EXTENSIVE_NO_URL, "neither given the URL"),
    ):
        if mine not in results or theirs not in results:
            continue
        a, b = score(results[mine], labels), score(results[theirs], labels)
        rate_a, rate_b = pages / seconds[mine], pages / seconds[theirs]
        compared = f"find_publication_date vs htmldate find_date extensive, {given}, same str, warm"
        summary(
            f"publication date, {pages} pages: speed ({'URL' if 'both' in given else 'no URL'})",
            f"{rate_a:.0f} pages/CPU-s",
            f"{rate_b:.0f} pages/CPU-s",
            rate_a / rate_b,
            compared,
        )
        summary(
            f"publication date, {pages} pages: accuracy ({'URL' if 'both' in given else 'no URL'})",
            f"{a['accuracy']:.3f}",
            f"{b['accuracy']:.3f}",
            a["accuracy"] / b["accuracy"],
            compared,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["modwatch", "htmldate"], help="run one tool only")
    parser.add_argument("--misses", type=int, default=0, help="list up to N pages modwatch gets wrong")
    parser.add_argument("--pages", type=int, default=0, help="the first N pages only (default: all)")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"benchmark data not found: {DATA} (set MODWATCH_SHARED)", file=sys.stderr)
        return 2
    pages = load(args.pages)
    labels = [label for *_rest, label in pages]
    tools = {}
    if args.only != "htmldate":
        tools.update(modwatch_tools())
    if args.only != "modwatch":
        tools.update(htmldate_tools())
    warm_up(tools, pages)
    print(f"{len(pages)} pages from {DATA}")
    same_work(
        'find_publication_date(html, url) and (html, ""); language from <html lang>',
        "htmldate find_date(html, url=url|None, original_date=True, extensive_search=True|False); same str, "
        "turns page by page, dateparser set up and every tool run once over every page before the clock",
    )
    print(
        f"{'tool':34} {'half':>8} {'accuracy':>8} {'precision':>9} {'recall':>7} {'F1':>6} {'tp/fp/tn/fn':>13} "
        f"{'pages/CPU-s':>12}"
    )
    results, seconds = run_interleaved(pages, tools)
    halves = [half(name) for name, *_rest in pages]  # benchmarks/halves.py: tune on one, check on the other
    for title, answers in results.items():
        for which in (*HALVES, None):
            keep = [i for i, h in enumerate(halves) if which is None or h == which]
            s = score([answers[i] for i in keep], [labels[i] for i in keep])
            speed = f"{len(pages) / seconds[title]:12.0f}" if which is None else ""
            print(
                f"{title:34} {which or 'all':>8} {s['accuracy']:8.3f} {s['precision']:9.3f} {s['recall']:7.3f} "
                f"{s['f1']:6.3f} {s['counts']:>13} {speed:>12}"
            )
    report(results, seconds, labels, len(pages))
    if args.misses and MODWATCH_URL in results:
        print("\nmodwatch misses (file, url, expected, got, where found):")
        shown = 0
        for (name, url, html, label), answer in zip(pages, results[MODWATCH_URL]):
            if answer != label and shown < args.misses:
                parsed = find_publication_date(html, url)
                print(
                    f"  {name} ({half(name)})  {url}\n    expected {label}  got {answer}  "
                    f"{parsed.found_in if parsed else ''} {parsed.raw[:60] if parsed else ''!r}"
                )
                shown += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
