"""`/duplicate #N` and `/not-duplicate [#N]`: record a duplicate (the label) or hide a link for good."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.commands.plan import Context, Plan, Resolver, record
from bot.core.commands.spec import CommandError, CommandSpec, Parsed


@dataclass(frozen=True)
class Duplicate(Parsed):
    """`/duplicate #N`: this issue duplicates #N (recorded as the truth; sets the possible-duplicate label)."""

    number: int


@dataclass(frozen=True)
class NotDuplicate(Parsed):
    """`/not-duplicate [#N]`: not a duplicate (of #N, or of the issue the bot named): the label goes, the link is
    hidden for good."""

    number: int | None = None


def parse(word: str, rest: str, line: str) -> Duplicate | NotDuplicate | CommandError:
    """`/duplicate #N` (N required) or `/not-duplicate [#N]`."""
    rest = rest.strip()
    ref = rest.removeprefix("#")
    if not rest and word == "not-duplicate":
        return NotDuplicate(line=line)
    if not ref.isascii() or not ref.isdigit() or len(ref) > 9 or int(ref) <= 0:
        return CommandError(f"`/{word}` needs an issue number, e.g. `/{word} #123`.", line=line)
    return Duplicate(int(ref), line=line) if word == "duplicate" else NotDuplicate(int(ref), line=line)


def effect(cmd: Duplicate | NotDuplicate, ctx: Context, resolve: Resolver) -> Plan | str:
    """`/duplicate #N` adds the label, `/not-duplicate` removes it; both are recorded (and re-triage shows them)."""
    label = ctx.duplicate_label
    before = tuple(n for n in ctx.labels if n.casefold() == label.casefold())
    own = ctx.issue.rpartition("#")[2]
    if isinstance(cmd, Duplicate):
        if str(cmd.number) == own:
            return "`/duplicate`: an issue cannot duplicate itself."
        done = record(ctx, "duplicate_of", before, (label,), None).model_copy(update={"duplicate_of": cmd.number})
        return Plan(add_labels=() if before else (label,), overrides=(done,), retriage=True)
    number = cmd.number if cmd.number is not None else ctx.duplicate_candidate
    if number is None:
        return "`/not-duplicate`: no duplicate was named here; say which link to hide, e.g. `/not-duplicate #123`."
    done = record(ctx, "duplicate_of", before, (), None).model_copy(update={"not_duplicate_of": number})
    return Plan(remove_labels=before, overrides=(done,), retriage=True)


DUPLICATE = CommandSpec(words=("duplicate",), types=(Duplicate,), parse=parse, effect=effect, help=(
    ("/duplicate #N", "this issue duplicates #N: labels it `possible-duplicate` (nothing is closed)"),))
NOT_DUPLICATE = CommandSpec(words=("not-duplicate",), types=(NotDuplicate,), parse=parse, effect=effect, help=(
    ("/not-duplicate [#N]", "not a duplicate (of #N, or of the issue the bot linked): removes the label and "
     "hides that link for good"),))
