"""`/firstmile help` (or `@slug help`): show the commands; anyone may ask."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.commands.spec import CommandError, CommandSpec, Parsed
from bot.core.sanitize import code


@dataclass(frozen=True)
class Help(Parsed):
    """`/firstmile help`: show the commands."""


def parse(word: str, rest: str, line: str) -> Help | CommandError:
    """`/firstmile` alone or `/firstmile help`."""
    if rest.strip().lower() in ("", "help"):
        return Help(line=line)
    bad = code("/firstmile " + rest, limit=60)
    return CommandError(f"Unknown command {bad}; try `/firstmile help`.", line=line)


SPEC = CommandSpec(words=("firstmile",), types=(Help,), parse=parse, permission="none", reads=frozenset(),
                   help=(("/firstmile help", "show this help"),))
