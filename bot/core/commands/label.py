"""`/label add a`, `/label remove b`, `/label +a -b`: edit labels; taxonomy labels become overrides."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.commands.plan import (
    Context,
    Plan,
    Resolver,
    dimension_fn,
    record,
    resolve_name,
)
from bot.core.commands.spec import CommandError, CommandSpec, Parsed
from bot.core.commands.text import split_args, split_first
from bot.core.sanitize import code

MAX_LABEL_LEN = 50
"""GitHub's limit on a label name."""


@dataclass(frozen=True)
class LabelEdit(Parsed):
    """`/label add a`, `/label remove b`, `/label +a -b`: label names exactly as typed (unquoted)."""

    add: tuple[str, ...]
    remove: tuple[str, ...]


def parse(word: str, rest: str, line: str) -> LabelEdit | CommandError:
    """`/label add|remove <names>` or `/label +a -b c` (a bare name is added)."""
    verb, after = split_first(rest)
    mode = verb.lower() if verb.lower() in ("add", "remove") else None
    try:
        items = split_args(after if mode else rest, signed=mode is None)
    except ValueError as exc:
        return CommandError(f"`/label`: {exc}.", line=line)
    if not items:
        return CommandError('`/label` needs at least one label name, e.g. `/label add "symptom: hang"`.', line=line)
    add: list[str] = []
    remove: list[str] = []
    for sign, name in items:
        if len(name) > MAX_LABEL_LEN:
            return CommandError(f"Label {code(name, limit=100)} is longer than {MAX_LABEL_LEN} characters.", line=line)
        (remove if sign == "-" or mode == "remove" else add).append(name)
    both = {n.lower() for n in add} & {n.lower() for n in remove}
    if both:
        return CommandError(f"Label {code(min(both), limit=100)} is both added and removed.", line=line)
    return LabelEdit(tuple(dict.fromkeys(add)), tuple(dict.fromkeys(remove)), line=line)


def effect(cmd: LabelEdit, ctx: Context, resolve: Resolver) -> Plan | str:
    """Names matched case-insensitively to existing labels; taxonomy labels become overrides."""
    known = {n.casefold(): n for n in (*ctx.dimension_of, *(ctx.repo_labels or ()), *ctx.labels)}
    add, remove = [], []
    for names, out in ((cmd.add, add), (cmd.remove, remove)):
        for name in names:
            real = known.get(name.casefold())
            if real is None and ctx.repo_labels is not None:
                return f"There is no label {code(name, limit=100)} in this repository."
            out.append(real or name)
    current = {n.casefold() for n in ctx.labels}
    add = [n for n in add if n.casefold() not in current]
    remove = [n for n in ctx.labels if n.casefold() in {r.casefold() for r in remove}]
    dim = dimension_fn(ctx.dimension_of)
    records = []
    for d in dict.fromkeys(d for n in (*add, *remove) if (d := dim(n))):
        before = tuple(n for n in ctx.labels if dim(n) == d)
        gone = {n.casefold() for n in remove}
        after = tuple(n for n in before if n.casefold() not in gone) + tuple(n for n in add if dim(n) == d)
        got = resolve_name(resolve, d, after[-1]) if after else None
        path = tuple(got[0]) if got is not None and not isinstance(got, str) else None
        records.append(record(ctx, d, before, after, path))
    return Plan(add_labels=tuple(add), remove_labels=tuple(remove), overrides=tuple(records))


SPEC = CommandSpec(words=("label",), types=(LabelEdit,), parse=parse, effect=effect,
                   reads=frozenset({"decision", "repo_labels"}), help=(
    ("/label add <name>...", "add labels"),
    ("/label remove <name>...", "remove labels"),
    ("/label +a -b", "add `a` and remove `b` in one go"),
))
