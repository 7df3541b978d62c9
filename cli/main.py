"""``modwatch COMMAND ...`` (or ``python -m modwatch COMMAND ...``): the command-line entry point.

Each command is a module in ``cli/`` with ``add_arguments(parser)`` and
``run(args) -> int`` (the exit status). ``python -m modwatch --help`` lists them.
"""

import argparse
import re
import sqlite3
import sys
from pathlib import Path

from cli import check_sources, crawl, demo, distributed, dsa_export, dsa_load, export, extract, serve, tag, warc_get

#: command name -> (module, one-line help)
COMMANDS = {
    "export": (export, "write a dated export bundle (CSV, datapackage.json, README, SHA256SUMS)"),
    "serve": (serve, "serve the database read-only with Datasette, or print the publish command"),
    "demo": (demo, "replay the demo snapshot WARC into the database (offline)"),
    "crawl": (crawl, "run spiders in sequence, record crawl runs, check health"),
    "warc-get": (warc_get, "print the archived payload of a WARC record (evidence of a stored row)"),
    "extract": (extract, "extract one saved page and print it as JSON"),
    "dsa-load": (dsa_load, "load EU DSA daily dump files from disk (streaming)"),
    "dsa-export": (dsa_export, "write the DSA statements as Parquet partitioned by day and platform"),
    "tag": (tag, "re-tag stored articles with platforms, laws, countries, topics (changed only, or --all)"),
    "distributed": (distributed, "distributed crawl on Redis: seed, clear, status, worker, writer"),
    "check-sources": (check_sources, "probe every configured source: reachable, moved, layout known, newest period"),
}


def help_text(docstring: str) -> str:
    """A command's module docstring as ``--help`` shows it: reStructuredText markup dropped
    (````code````, ``:func:`name```, a paragraph's closing ``::``), lines and indents kept."""
    text = re.sub(r":(?:func|class|mod|meth|data|attr):`~?([^`]+)`", r"\1", docstring)
    text = text.replace("``", "")
    return re.sub(r"(\S)::$", r"\1:", re.sub(r"^\s*::$\n", "", text, flags=re.M), flags=re.M).strip() + "\n"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    prog = "modwatch" if Path(sys.argv[0]).name == "modwatch" else "python -m modwatch"  # console script or -m
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, one_line) in COMMANDS.items():
        command_parser = sub.add_parser(
            name,
            help=one_line,
            description=help_text(module.__doc__),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(command_parser)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command][0].run(args) or 0
    except sqlite3.DatabaseError as error:  # --db names no SQLite database (another file, a folder) or a damaged one
        where = f" {args.db}" if getattr(args, "db", None) else ""
        print(f"error: database{where}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
