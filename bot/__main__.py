"""The `firstmile` command line: every public module in bot.cli adds one subcommand."""

import argparse
import importlib
import os
import pkgutil
import sys

import bot
import bot.cli


def build_parser() -> argparse.ArgumentParser:
    """Collect the subcommands that bot.cli's modules register."""
    parser = argparse.ArgumentParser(prog="firstmile", description=bot.__doc__)
    parser.add_argument("--version", action="version", version=bot.__version__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(bot.cli.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue  # what subcommands share (input, options), not a subcommand
        importlib.import_module(f"bot.cli.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen subcommand; its return value is the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # the reader closed our stdout (`| head`): end quietly, like a tool killed by SIGPIPE
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the final flush must not fail
        except (OSError, ValueError):
            pass
        return 141


if __name__ == "__main__":
    sys.exit(main())
