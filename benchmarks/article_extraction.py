"""Body-text extraction benchmark: modwatch beside trafilatura, same run, same pages.

Data: ``../shared/data/article-extraction-benchmark/`` (or ``$MODWATCH_SHARED/article-extraction-benchmark``):
181 real pages (``html/<id>.html.gz``) and a hand-made ``articleBody`` per page in ``ground-truth.json``
(Zyte/Scrapinghub article-extraction-benchmark, see its SOURCE.md).

Metric (the benchmark's own, re-implemented from its definition): words are ``\\w+`` tokens; each
text becomes a multiset of 4-word shingles (a text of fewer than 4 tokens becomes one shorter
shingle); per page TP/FP/FN are multiset overlaps; precision is averaged over the pages whose
prediction has a shingle, recall over the pages whose truth or prediction has one; F1 is the
harmonic mean of the two averages. Accuracy is the share of pages whose token sequence equals the
truth exactly. Speed is pages per CPU-second, one process, parsing included, pages already in memory;
with ``--repeat N`` the tools run N times, interleaved, and the best run of each counts (the
machine may be shared).

Same input, same options: every tool gets the page's HTML (``str``) and its URL. modwatch runs
trafilatura's full extraction cascade internally (``bare_extraction``: readability/jusText comparison on,
no comments, tables kept), so trafilatura's *default* mode (its fallbacks on, comments off) is the
like-for-like reference; ``trafilatura.extract(..., fast=True, include_comments=False, include_tables=True,
deduplicate=False)`` is the faster one. modwatch's extra work
(pre-cleaning, header and footer trimming) is what its F1 and exact matches pay for.

Every figure is printed for the two fixed halves of the corpus (``benchmarks/halves.py``): ``tune``
(rules are judged on it) and ``held-out`` (never tuned on), and for all pages.

Figures: see the README (``benchmarks/run_all.py`` summary table).

Usage::

    .venv/bin/python benchmarks/article_extraction.py            # both tools
    .venv/bin/python benchmarks/article_extraction.py --only modwatch --worst 15
    .venv/bin/python benchmarks/article_extraction.py --repeat 3 --full   # + parse_article's speed
    .venv/bin/python benchmarks/article_extraction.py --pages 60          # the first 60 pages only (quick)
"""

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from benchdata import same_work, shared_data, summary  # noqa: E402  (benchmarks/ is sys.path[0])
from halves import HALVES, half  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def shared_dir() -> Path:
    return shared_data()


def tokens(text: str | None) -> list[str]:
    return TOKEN_RE.findall(text or "")


def shingles(toks: list[str], n: int = 4) -> Counter:
    n = min(n, len(toks))
    if n == 0:
        return Counter()
    return Counter(zip(*[toks[i:] for i in range(n)]))


def page_counts(truth: str, pred: str) -> tuple[int, int, int]:
    """(TP, FP, FN) of one page over 4-word shingle multisets."""
    t, p = shingles(tokens(truth)), shingles(tokens(pred))
    tp = sum((t & p).values())
    return tp, sum((p - t).values()), sum((t - p).values())


def score(truths: dict[str, str], preds: dict[str, str]) -> dict:
    """Average precision/recall over pages, F1 of the averages, exact-token accuracy, per-page F1."""
    precisions, recalls, exact, per_page = [], [], 0, {}
    for key, truth in truths.items():
        pred = preds.get(key) or ""
        tp, fp, fn = page_counts(truth, pred)
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
        exact += tokens(truth) == tokens(pred)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        per_page[key] = (2 * p * r / (p + r) if p + r else 0.0, p, r)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall, "accuracy": exact / len(truths), "per_page": per_page}


def load_pages(folder: Path, limit: int = 0) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """-> (html by id, truth body by id, url by id); the first ``limit`` pages (by id) if > 0."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    if limit > 0:
        truth = {key: truth[key] for key in sorted(truth)[:limit]}
    html = {}
    for key in truth:
        with gzip.open(folder / "html" / f"{key}.html.gz", "rb") as fh:
            html[key] = fh.read().decode("utf-8", errors="replace")
    return html, {k: v["articleBody"] for k, v in truth.items()}, {k: v["url"] for k, v in truth.items()}


def run_modwatch(html: dict, urls: dict) -> dict:
    from modwatch.extract.text import extract_body

    return {key: extract_body(page, url=urls[key]) for key, page in html.items()}


def run_parse_article(html: dict, urls: dict) -> dict:
    from modwatch.extract.article import parse_article

    return {key: parse_article(page, urls[key])["body"] for key, page in html.items()}


def run_trafilatura_fast(html: dict, urls: dict) -> dict:
    """trafilatura with the options modwatch's cascade runs with (fast, no comments, tables, no dedup)."""
    import trafilatura

    return {
        key: trafilatura.extract(
            page, url=urls[key], fast=True, include_comments=False, include_tables=True, deduplicate=False
        )
        or ""
        for key, page in html.items()
    }


def run_trafilatura_default(html: dict, urls: dict) -> dict:
    """trafilatura's default mode (readability/jusText fallbacks on), comments off."""
    import trafilatura

    return {key: trafilatura.extract(page, url=urls[key], include_comments=False) or "" for key, page in html.items()}


MODWATCH = "modwatch extract_body"
FAST = "trafilatura 2.3 fast"
DEFAULT = "trafilatura 2.3 default"
TOOLS = {MODWATCH: run_modwatch, FAST: run_trafilatura_fast, DEFAULT: run_trafilatura_default}
#: with --full: the spiders' whole parse (body + JSON-LD/meta + dates + language), for its speed
FULL = {"modwatch parse_article (all fields)": run_parse_article}


def report(results: dict, timings: dict, pages: int) -> None:
    """Summary rows: speed against trafilatura fast (the same cascade), quality against both modes."""
    if MODWATCH not in results:
        return
    rate = {name: pages / min(seconds) for name, seconds in timings.items()}
    mine = results[MODWATCH]
    if FAST in results:
        summary(
            f"article body text, {pages} pages: speed (trafilatura fast)",
            f"{rate[MODWATCH]:.1f} pages/CPU-s",
            f"{rate[FAST]:.1f} pages/CPU-s",
            rate[MODWATCH] / rate[FAST],
            "extract_body vs trafilatura.extract fast=True, same HTML + URL, no comments, tables kept",
        )
    if DEFAULT in results:
        summary(
            f"article body text, {pages} pages: speed (trafilatura default)",
            f"{rate[MODWATCH]:.1f} pages/CPU-s",
            f"{rate[DEFAULT]:.1f} pages/CPU-s",
            rate[MODWATCH] / rate[DEFAULT],
            "extract_body vs trafilatura.extract default mode (fallbacks on), same HTML + URL, no comments",
        )
    for name in (FAST, DEFAULT):
        if name in results:
            ref = results[name]
            mode = name.split(" ", 2)[2]
            summary(
                f"article body text, {pages} pages: F1 (exact) (trafilatura {mode})",
                f"{mine['f1']:.3f} ({mine['accuracy']:.3f})",
                f"{ref['f1']:.3f} ({ref['accuracy']:.3f})",
                mine["f1"] / ref["f1"],
                f"4-word-shingle F1 against the hand-made bodies: extract_body vs {name.split(' ', 2)[2]} mode",
            )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the tool whose name starts with this")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of modwatch")
    parser.add_argument("--repeat", type=int, default=1, help="time each tool N times, keep the best")
    parser.add_argument(
        "--full", action="store_true", help="also time parse_article (all fields; its body is extract_body's)"
    )
    parser.add_argument("--pages", type=int, default=0, help="the first N pages only (default: all)")
    args = parser.parse_args(argv)

    folder = shared_dir() / "article-extraction-benchmark"
    html, truths, urls = load_pages(folder, args.pages)
    print(f"{len(html)} pages from {folder}")
    same_work(
        "extract_body(html, url) (trafilatura's full cascade inside, then its own cleaning)",
        "trafilatura.extract(html, url=url, include_comments=False): fast=True, include_tables=True, "
        "deduplicate=False (modwatch's options) and default mode; same str, pages in memory, interleaved runs",
    )
    print(f"{'tool':45} {'half':>8} {'F1':>6} {'prec':>6} {'recall':>6} {'acc':>6} {'pages/CPU-s':>12}")
    results, timings = {}, {}
    candidates = {**TOOLS, **(FULL if args.full else {})}
    tools = {name: func for name, func in candidates.items() if not args.only or name.startswith(args.only)}
    first = next(iter(html))
    for func in tools.values():  # imports and lazy set-up outside the timing
        func({first: html[first]}, urls)
    for _ in range(max(1, args.repeat)):
        for name, func in tools.items():
            start = time.process_time()  # CPU time: the steadier measure on a shared machine
            preds = func(html, urls)
            timings.setdefault(name, []).append(time.process_time() - start)
            results[name] = {**score(truths, preds), "preds": preds}
    for name, res in results.items():
        for which in HALVES:  # the fixed halves of benchmarks/halves.py: tune on one, check on the other
            part = score({k: v for k, v in truths.items() if half(k) == which}, res["preds"])
            print(
                f"{name:45} {which:>8} {part['f1']:6.3f} {part['precision']:6.3f} {part['recall']:6.3f} "
                f"{part['accuracy']:6.3f}"
            )
        print(
            f"{name:45} {'all':>8} {res['f1']:6.3f} {res['precision']:6.3f} {res['recall']:6.3f} "
            f"{res['accuracy']:6.3f} {len(html) / min(timings[name]):12.1f}"
        )
    print("reference (published): rs_trafilatura F1 0.970, AutoExtract 0.970, readability-lxml 0.9 0.955")
    report(results, timings, len(html))
    if args.worst and MODWATCH in results:
        per_page = results[MODWATCH]["per_page"]
        for key in sorted(per_page, key=lambda k: per_page[k][0])[: args.worst]:
            f1, p, r = per_page[key]
            print(f"{f1:.3f} P={p:.3f} R={r:.3f} {half(key):8} {key[:12]} {urls[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
