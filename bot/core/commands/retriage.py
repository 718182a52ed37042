"""`/triage`: run the triage again now (triage access, or the issue's author)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.commands.plan import Plan
from bot.core.commands.spec import CommandError, CommandSpec, Parsed


@dataclass(frozen=True)
class Triage(Parsed):
    """`/triage`: run the triage again now."""


def parse(word: str, rest: str, line: str) -> Triage | CommandError:
    """No arguments."""
    if rest.strip():
        return CommandError(f"`/{word}` takes no arguments.", line=line)
    return Triage(line=line)


SPEC = CommandSpec(words=("triage",), types=(Triage,), parse=parse, author_may=True, reads=frozenset(),
                   help=(("/triage", "run the triage again now"),),
                   effect=lambda cmd, ctx, resolve: Plan(retriage=True))
