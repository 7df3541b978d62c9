"""``modwatch COMMAND ...`` (or ``python -m modwatch COMMAND ...``): the command-line entry point.

Each command is a module in ``cli/`` with ``add_arguments(parser)`` and
``run(args) -> int`` (the exit status). ``python -m modwatch --help`` lists them.
"""

import argparse
import importlib
import re
import sys
from pathlib import Path

#: command name -> (module, one-line help)
COMMANDS = {
    "export": ("cli.export", "write a dated export bundle (CSV, datapackage.json, README, SHA256SUMS)"),
    "serve": ("cli.serve", "serve the database read-only with Datasette, or print the publish command"),
    "demo": ("cli.demo", "replay the demo snapshot WARC into the database (offline)"),
    "crawl": ("cli.crawl", "run spiders in sequence, record crawl runs, check health"),
    "warc-get": ("cli.warc_get", "print the archived payload of a WARC record (evidence of a stored row)"),
    "extract": ("cli.extract", "extract one saved page and print it as JSON"),
    "dsa-load": ("cli.dsa_load", "load EU DSA daily dump files from disk (streaming)"),
    "dsa-export": ("cli.dsa_export", "write the DSA statements as Parquet partitioned by day and platform"),
    "tag": ("cli.tag", "re-tag stored articles with platforms, laws, countries, topics (changed only, or --all)"),
    "distributed": ("cli.distributed", "distributed crawl on Redis: seed, clear, status, worker, writer"),
    "check-sources": ("cli.check_sources", "probe every configured source: reachable, moved, layout known, newest period"),
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
    for name, (module_name, one_line) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=one_line, formatter_class=argparse.RawDescriptionHelpFormatter)
        if argv and argv[0] == name:  # import only the command that runs
            module = importlib.import_module(module_name)
            command_parser.description = help_text(module.__doc__)
            module.add_arguments(command_parser)
    args = parser.parse_args(argv)
    return importlib.import_module(COMMANDS[args.command][0]).run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
