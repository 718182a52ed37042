"""`firstmile config check FILE`: validate a .github/firstmile.yml and show the effective config."""

from __future__ import annotations

import sys

import yaml

from bot.core.repoconfig import ConfigError, parse_config


def register(subparsers) -> None:
    """Add the `config` subcommand and its `check` action."""
    p = subparsers.add_parser("config", help="work with the per-repo config file .github/firstmile.yml")
    actions = p.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate a config file and print the effective config")
    check.add_argument("file", metavar="FILE", help="the config file, or - for standard input")
    check.set_defaults(func=run_check)


def run_check(args) -> int:
    """Print `ok` and the effective config, or `FILE: <one-line error>` on stderr and exit 1."""
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
        config = parse_config(text)
    except OSError as exc:
        print(f"{args.file}: cannot read: {exc.strerror}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"{args.file}: not UTF-8 text", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    print("ok")
    print(yaml.safe_dump(config.model_dump(), sort_keys=False, allow_unicode=True), end="")
    return 0
