"""`/symptom <node>`, `/cause <node>`, `/stage <node>`: set a taxonomy dimension, replacing the bot's labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.commands.plan import Context, Plan, Resolver, dimension_fn, record, resolve_name
from bot.core.commands.spec import CommandError, CommandSpec, Parsed
from bot.core.commands.text import defang, unquote

DIMENSION = {"symptom": "symptom", "cause": "root_cause", "stage": "stage"}
"""Command word -> the dimension it sets."""
_EXAMPLE = {"symptom": "hang", "cause": "dependency library compatibility", "stage": "inference"}


@dataclass(frozen=True)
class SetNode(Parsed):
    """`/symptom <node>`, `/cause <node>`, `/stage <node>`: the node name is kept raw for the resolver."""

    dimension: Literal["symptom", "root_cause", "stage"]
    name: str


def parse(word: str, rest: str, line: str) -> SetNode | CommandError:
    """One node name (quotes optional)."""
    name = unquote(rest.strip())
    if not name:
        return CommandError(f"`/{word}` needs a node, e.g. `/{word} {_EXAMPLE[word]}`.", line=line)
    return SetNode(DIMENSION[word], name, line=line)


def name_of(cmd: SetNode) -> str:
    """The slash name of the command that set this dimension."""
    return "/" + next(w for w, d in DIMENSION.items() if d == cmd.dimension)


def effect(cmd: SetNode, ctx: Context, resolve: Resolver) -> Plan | str:
    """The labels of the node's path replace every label of the dimension; the record says what it corrected."""
    got = resolve_name(resolve, cmd.dimension, cmd.name)
    if isinstance(got, str):
        return f"`{name_of(cmd)}`: {defang(got)}"
    path, labels = got
    keep = {n.casefold() for n in labels}
    dim = dimension_fn(ctx.dimension_of)
    before = tuple(n for n in ctx.labels if dim(n) == cmd.dimension or n.casefold() in keep)
    remove = tuple(n for n in before if n.casefold() not in keep)
    have = {n.casefold() for n in before}
    add = tuple(n for n in labels if n.casefold() not in have)
    return Plan(add_labels=add, remove_labels=remove,
                overrides=(record(ctx, cmd.dimension, before, tuple(labels), tuple(path)),))


SPEC = CommandSpec(words=tuple(DIMENSION), types=(SetNode,), parse=parse, effect=effect, name_of=name_of, help=(
    ("/symptom <node>", "set the symptom, replacing the bot's"),
    ("/cause <node>", "set the root cause, replacing the bot's"),
    ("/stage inference|fine-tuning", "set the stage"),
))
