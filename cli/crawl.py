"""Run spiders one after the other, each resumable, then check the health of every crawl run.

``python -m modwatch crawl [SPIDER ...] [--exclude SPIDER] [--max-error-rate 0.05]
[-a SPIDER:NAME=VALUE] [-s NAME=VALUE]``

Without names, every spider of the project runs (``scrapy list``), ``url_check`` last. Each
spider runs in its own ``scrapy crawl`` subprocess (from the repository root) with:

- its own log file ``<logs-dir>/<spider>-<UTC YYYYmmddTHHMMSSZ>.log`` (default ``logs/`` beside the database);
- its own ``JOBDIR`` ``<jobs-dir>/<spider>`` (default ``data/jobs``): a crawl stopped by
  Ctrl-C / SIGTERM is resumed by the next ``crawl`` of that spider; the folder is deleted
  once the spider finishes, so the next scheduled crawl starts fresh (incrementally: the
  HTTP cache and ``middlewares.incremental`` skip what did not change);
- the database ``--db`` (``MODWATCH_DB``); every other ``MODWATCH_*`` variable is passed on.

Each run records its ``crawl_runs`` row (``extensions.crawlrun.CrawlRunExtension``). Health of a
run (:func:`assess`), in this order:

``failed``       the process exited non-zero, recorded no crawl run, or closed for a reason
                 other than ``finished`` / ``shutdown`` (e.g. ``closespider_errorcount``);
``interrupted``  stopped before the end (``shutdown``); resumed next time;
``refused``      a downloaded data file was not made current (quarantined as partial, of an unknown
                 layout or implausibly small, or failed to load, e.g. a DSA dump whose SHA-1 is wrong:
                 stat ``modwatch/datasets_refused``);
``errors``       errors / max(responses, 1) above ``--max-error-rate`` (default 0.05);
``empty``        nothing seen (data items scraped + unchanged articles skipped = 0; a reject is
                 not data) although the
                 spider's previous finished run saw something, unless the spider said it had
                 nothing to do (stat ``modwatch/nothing_due``, e.g. ``url_check`` with no URL due);
``ok``           otherwise.

Then each run is an attempt at its source (:mod:`db.source_status`): the run's
``source_status`` row says ``ok``, ``stale``, ``drifted`` or ``failed`` and why. A run whose
source is not ``ok`` gets that status: a crawl that returned nothing at all (even on a first
run: "returned nothing"), a file that stored nothing, a file of unknown layout, a report whose
newest period stopped advancing. The summary names the source and the reason, and lists each
dataset loaded with its copy kind (the platform's own file or an archived third-party copy)
and the newest period it holds.

A spider that needs a secret names its environment variables in a class attribute
``required_env`` (e.g. ``lumen``: ``("LUMEN_API_TOKEN",)``). When one is unset or empty the
spider is not run: ``skipped (LUMEN_API_TOKEN not set)``, healthy, when it runs as one of every
spider; ``failed`` when it was named on the command line.

Prints a summary table (spider, status, data items, unchanged, errors, rejects, duration, crawl
run id, log) and exits 0 when every run is ``ok`` (or ``skipped``), 1 otherwise (any failed,
stale or drifted source; ``--allow-stale SOURCE`` (or ``all``) reports a stale source without
failing, e.g. while the default Meta, X and TikTok downloads are archived copies). Ctrl-C (SIGINT) or SIGTERM
stops the running spider cleanly (Scrapy saves its JOBDIR) and skips the remaining ones.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from cli.crawl_summary import last_error, seen_count, summary_table
from db import default_path
from db.timestamps import file_stamp

ROOT = Path(__file__).resolve().parents[1]
LAST_SPIDERS = ("url_check",)  # re-check URLs after the spiders that may store new ones


@dataclass
class SpiderRun:
    """Outcome of one spider subprocess and its ``crawl_runs`` row."""

    spider: str
    returncode: int
    duration: float  # seconds
    log_file: Path | None  # None: not run
    row: dict | None = None  # the crawl_runs row, stats_json decoded into "stats"
    status: str = "failed"
    problems: list[str] = field(default_factory=list)
    datasets: list[dict] = field(default_factory=list)  # datasets the run loaded (source_status.datasets_of_run)
    allow_stale: tuple[str, ...] = ()  # sources whose staleness does not fail the run (--allow-stale)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "skipped")


def add_arguments(parser) -> None:
    parser.add_argument("spiders", nargs="*", metavar="SPIDER", help="spiders to run (default: every spider)")
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="SPIDER", help="skip this spider (repeatable)"
    )
    parser.add_argument(
        "--max-error-rate",
        type=float,
        default=0.05,
        help="highest healthy errors/responses ratio of a run (default 0.05)",
    )
    parser.add_argument(
        "--db", default=default_path(), help="SQLite database (default $MODWATCH_DB or data/modwatch.db)"
    )
    parser.add_argument(
        "--logs-dir", type=Path, default=None, help="log files (default: logs/ beside the database, e.g. data/logs)"
    )
    parser.add_argument("--jobs-dir", type=Path, default=Path("data/jobs"), help="JOBDIR parent (default data/jobs)")
    parser.add_argument(
        "-a",
        dest="spider_args",
        action="append",
        default=[],
        metavar="SPIDER:NAME=VALUE",
        help="spider argument, e.g. -a url_check:older_than=7d (repeatable)",
    )
    parser.add_argument(
        "-s",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Scrapy setting for every spider (repeatable)",
    )
    parser.add_argument(
        "--allow-stale",
        action="append",
        default=[],
        metavar="SOURCE",
        help="a stale source (newest period not advancing) does not fail the crawl; it is still "
        "reported (repeatable; 'all' for every source)",
    )


def _spider_loader():
    """Scrapy's spider loader of the project (settings read from the repository root)."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return SpiderLoader.from_settings(get_project_settings())
    finally:
        os.chdir(cwd)


def project_spiders() -> list[str]:
    """Names of the project's spiders, sorted, with :data:`LAST_SPIDERS` moved to the end."""
    names = sorted(_spider_loader().list())
    return [n for n in names if n not in LAST_SPIDERS] + [n for n in LAST_SPIDERS if n in names]


def missing_env(spider_class, environ=os.environ) -> list[str]:
    """The variables of the spider class's ``required_env`` (its secrets) unset or empty in ``environ``."""
    return [name for name in getattr(spider_class, "required_env", ()) if not environ.get(name)]


def not_run(name: str, missing: list[str], *, asked_for: bool) -> SpiderRun:
    """The run of a spider whose secrets are missing: ``skipped`` (healthy), or ``failed`` when
    the spider was ``asked_for`` by name on the command line."""
    what = f"{', '.join(missing)} not set"
    if asked_for:
        return SpiderRun(name, 0, 0.0, None, status="failed", problems=[f"not run: {what} ({name} needs it)"])
    return SpiderRun(name, 0, 0.0, None, status="skipped", problems=[f"skipped ({what})"])


def spider_arguments(values: list[str], spider: str) -> list[str]:
    """``-a NAME=VALUE`` options for ``spider`` from ``SPIDER:NAME=VALUE`` strings.

    Raises ``ValueError`` for a value not of that shape.
    """
    options = []
    for value in values:
        target, colon, assignment = value.partition(":")
        if not colon or "=" not in assignment:
            raise ValueError(f"spider argument must be SPIDER:NAME=VALUE, got {value!r}")
        if target == spider:
            options += ["-a", assignment]
    return options


def news_sites_argument(names: list[str], spider_args: list[str], site_keys: list[str]) -> str | None:
    """``news:sites=...`` so that a site with a spider of its own is crawled once, by that spider.

    When ``news`` runs with other spiders of ``names`` whose name is a key of the news sites file
    (``thevietnamese``), the news spider gets the other keys; None when there is nothing to leave
    out or the sites of ``news`` were chosen on the command line (``-a news:sites=...``).
    """
    if "news" not in names or any(value.startswith("news:sites=") for value in spider_args):
        return None
    own_spider = [key for key in site_keys if key in names and key != "news"]
    if not own_spider:
        return None
    return "news:sites=" + ",".join(key for key in site_keys if key not in own_spider)


def assess(returncode: int, row: dict | None, previous: dict | None, max_error_rate: float) -> tuple[str, list[str]]:
    """Health of a run: ``(status, problems)``; statuses in the module docstring."""
    if row is None:
        return "failed", [f"no crawl run recorded (exit status {returncode})"]
    reason = row.get("finish_reason")
    if returncode != 0:
        return "failed", [f"exit status {returncode} (finish reason {reason})"]
    if reason is None:
        return "failed", ["crawl run never closed (killed?)"]
    if reason == "shutdown":
        return "interrupted", ["stopped before the end; the next crawl resumes it"]
    if reason != "finished":
        return "failed", [f"closed with reason {reason}"]
    refused = int(row.get("stats", {}).get("modwatch/datasets_refused", 0) or 0)
    if refused:
        return "refused", [
            f"{refused} downloaded file(s) refused, the current data kept: see the datasets "
            "table (status quarantined/failed, error) and rejects"
        ]
    errors, responses = row.get("errors") or 0, row.get("responses") or 0
    if errors / max(responses, 1) > max_error_rate:
        return "errors", [f"{errors} errors for {responses} responses (max rate {max_error_rate:g})"]
    nothing_due = bool(row.get("stats", {}).get("modwatch/nothing_due"))
    if seen_count(row) == 0 and not nothing_due and previous is not None and seen_count(previous) > 0:
        return "empty", [f"nothing scraped; crawl run {previous['id']} scraped {seen_count(previous)}"]
    return "ok", []


class _Stop:
    """Forwards SIGTERM to the running child as SIGINT-like clean stop; remembers it."""

    def __init__(self):
        self.requested = False
        self.child: subprocess.Popen | None = None

    def __call__(self, signum, frame):
        self.requested = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)  # Scrapy stops cleanly on SIGTERM as on SIGINT


def run_spider(name: str, args, stop: _Stop) -> SpiderRun:
    """Run one spider in a ``scrapy crawl`` subprocess and assess its crawl run."""
    import db
    from db.crawl_runs import last_run_id, latest_run, previous_finished_run

    db_path = Path(args.db).resolve()
    database = db.connect(db_path)
    last_id = last_run_id(database)
    database.close()

    stamp = file_stamp()
    logs_dir = args.logs_dir if args.logs_dir is not None else Path(args.db).resolve().parent / "logs"
    log_file = (logs_dir / f"{name}-{stamp}.log").resolve()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    jobdir = (args.jobs_dir / name).resolve()
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        name,
        "-s",
        f"JOBDIR={jobdir}",
        "-s",
        f"LOG_FILE={log_file}",
        *spider_arguments(args.spider_args, name),
    ]
    for setting in args.settings:
        command += ["-s", setting]
    env = {
        **os.environ,
        "MODWATCH_DB": str(db_path),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    started = time.monotonic()
    stop.child = subprocess.Popen(command, cwd=ROOT, env=env)
    while True:
        try:
            returncode = stop.child.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C reached the child too (same process group): wait for its clean stop
            stop.requested = True
    stop.child = None
    run = SpiderRun(name, returncode, time.monotonic() - started, log_file)

    database = db.connect(db_path)
    run.row = latest_run(database, name, after_id=last_id)
    previous = previous_finished_run(database, name, run.row["id"]) if run.row else None
    database.close()
    run.status, run.problems = assess(returncode, run.row, previous, args.max_error_rate)
    if run.row is None and (error := last_error(log_file)):  # e.g. an invalid sites file: say which
        run.problems = [f"{run.problems[0]}: {error}", *run.problems[1:]]
    run.allow_stale = tuple(args.allow_stale)
    database = db.connect(db_path)
    try:
        check_sources(database, run)
    finally:
        database.close()
    if run.row and run.row.get("finish_reason") == "finished" and jobdir.exists():
        shutil.rmtree(jobdir)  # done: the next scheduled crawl starts a new job
    return run


def check_sources(database, run: SpiderRun) -> None:
    """Record the run as an attempt at its source (``source_status``) and take the sources' states
    into the run: a source not ``ok`` makes the run ``failed`` / ``stale`` / ``drifted`` with its reason;
    each dataset of the run is listed with its copy kind and newest period (``run.datasets``)."""
    from db import source_status

    row = run.row or {}
    stats = row.get("stats", {})
    run_id = row.get("id")
    source_status.record_run(
        database,
        run.spider,
        status=run.status,
        problems=run.problems,
        data_items=seen_count(row) if row else 0,
        nothing_due=bool(stats.get("modwatch/nothing_due")),
        crawl_run_id=run_id,
    )
    if run_id is None:
        return
    allowed = set(run.allow_stale)
    for status in source_status.rows_for_run(database, run_id):
        if status["state"] != "ok":
            tolerated = status["state"] == "stale" and ({"all", status["source"]} & allowed)
            if run.status == "ok" and not tolerated:
                run.status = status["state"]
            problem = f"source {status['source']} {status['state']}: {status['reason']}"
            if problem not in run.problems:
                run.problems.append(problem)
    run.datasets = source_status.datasets_of_run(database, run_id)


def run(args) -> int:
    try:
        for value in args.spider_args:
            spider_arguments([value], "")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    available = project_spiders()
    unknown = [n for n in args.spiders + args.exclude if n not in available]
    if unknown:
        print(f"error: unknown spider(s) {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    names = [n for n in (args.spiders or available) if n not in args.exclude]
    if "news" in names:
        from modwatch.errors import ConfigurationError
        from modwatch.sites import load_sites

        try:
            site_keys = [site.key for site in load_sites()]
        except ConfigurationError:
            site_keys = []  # the news spider reports the sites file's problem itself
        news_sites = news_sites_argument(names, args.spider_args, site_keys)
        if news_sites:
            args.spider_args = [*args.spider_args, news_sites]
            print(f"news: sites with a spider of their own are left to it ({news_sites})", flush=True)
    loader = _spider_loader()
    stop = _Stop()
    previous_handler = signal.signal(signal.SIGTERM, stop)
    runs = []
    try:
        for name in names:
            if stop.requested:
                print(f"stop requested: {name} and the following spiders not run", file=sys.stderr)
                break
            if missing := missing_env(loader.load(name)):
                runs.append(not_run(name, missing, asked_for=name in args.spiders))
                print(f"{name}: {runs[-1].problems[0]}", flush=True)
                continue
            print(f"crawling {name} ...", flush=True)
            runs.append(run_spider(name, args, stop))
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
    print(summary_table(runs))
    return 0 if runs and len(runs) == len(names) and all(r.ok for r in runs) else 1
