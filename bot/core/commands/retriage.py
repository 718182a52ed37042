"""`/triage`: run the triage again now (triage access, or the issue's author)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.commands.plan import Plan
from bot.core.commands.spec import CommandSpec, Parsed, no_arguments


@dataclass(frozen=True)
class Triage(Parsed):
    """`/triage`: run the triage again now."""


SPEC = CommandSpec(words=("triage",), types=(Triage,), parse=no_arguments(Triage), author_may=True, reads=frozenset(),
                   help=(("/triage", "run the triage again now"),),
                   effect=lambda cmd, ctx, resolve: Plan(retriage=True))
