"""``python -m modwatch COMMAND ...``: the command-line entry point.

Each command is a module in ``modwatch/commands/`` with ``add_arguments(parser)`` and
``run(args) -> int`` (the exit status). ``python -m modwatch --help`` lists them.
"""

import argparse
import importlib
import sys

#: command name -> (module, one-line help)
COMMANDS = {
    "demo": ("modwatch.commands.demo", "replay the demo snapshot WARC into the database (offline)"),
    "crawl": ("modwatch.commands.crawl", "run spiders in sequence, record crawl runs, check health"),
    "extract": ("modwatch.commands.extract", "extract one saved page and print it as JSON"),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m modwatch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(sub.add_parser(name, help=help_text, description=module.__doc__))
    args = parser.parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command][0])
    return module.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
