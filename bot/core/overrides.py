"""The pure decide step of maintainer commands: from a command and the issue's state to a Plan the shell applies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.core.commands import CommandError, Help, help_text
from bot.core.commands.plan import (  # noqa: F401  (re-exported: the shell and tests import them from here)
    RANK,
    Context,
    OverrideRecord,
    Plan,
    Resolver,
)
from bot.core.commands.registry import COMMANDS, spec_of
from bot.core.commands.spec import CommandSpec
from bot.core.sanitize import code

Registry = tuple[CommandSpec, ...]


def decide(cmd, ctx: Context, resolve: Resolver, commands: Registry = COMMANDS) -> Plan:
    """One command: ignore bots, then check the command and its labels/nodes, then permission, then act."""
    if ctx.is_bot:
        return Plan()
    if isinstance(cmd, CommandError):
        return _failed(cmd.message, ctx.slug, commands)
    spec = spec_of(cmd, commands)
    if spec.effect is None:
        return Plan(reply=help_text(ctx.slug, commands))
    effect = spec.effect(cmd, ctx, resolve)
    if isinstance(effect, str):
        return _failed(effect, ctx.slug, commands)
    if not may_run(cmd, ctx, commands):
        msg = refusal(cmd, ctx, commands)
        return Plan(reply=msg, error=msg)
    return replace(effect, react="+1")


def decide_all(cmds: Iterable, ctx: Context, resolve: Resolver, commands: Registry = COMMANDS) -> Plan:
    """A comment's commands in order, as one Plan: net label changes, one reply at most, 👍 only if all succeeded."""
    if ctx.is_bot:
        return Plan()
    labels = list(ctx.labels)
    overrides: list[OverrideRecord] = []
    errors: list[str] = []
    helped = with_help = retriage = False
    done = 0
    for cmd in cmds:
        plan = decide(cmd, replace(ctx, labels=tuple(labels)), resolve, commands)
        gone = {n.casefold() for n in plan.remove_labels}
        labels = [n for n in labels if n.casefold() not in gone] + list(plan.add_labels)
        overrides += plan.overrides
        retriage |= plan.retriage
        done += plan.react is not None
        helped |= isinstance(cmd, Help)
        if plan.error:
            errors.append(plan.error)
            with_help |= plan.reply != plan.error
    before = {n.casefold() for n in ctx.labels}
    after = {n.casefold() for n in labels}
    reply = "\n\n".join(errors) if errors else None
    if with_help or helped:
        reply = _with_help(reply, ctx.slug, commands) if reply else help_text(ctx.slug, commands)
    return Plan(
        add_labels=tuple(n for n in labels if n.casefold() not in before),
        remove_labels=tuple(n for n in ctx.labels if n.casefold() not in after),
        overrides=tuple(overrides),
        reply=reply,
        react="+1" if done and not errors else None,
        retriage=retriage,
        error="\n\n".join(errors) or None,
    )


def may_run(cmd, ctx: Context, commands: Registry = COMMANDS) -> bool:
    """Whether the commenter's role (or authorship, where the command allows it) allows the command."""
    spec = spec_of(cmd, commands)
    return RANK.get(ctx.permission, 0) >= RANK[spec.permission] or (spec.author_may and ctx.is_author)


def refusal(cmd, ctx: Context, commands: Registry = COMMANDS) -> str:
    """The reply to a refused command: who may run it, naming the commenter without a live mention."""
    spec = spec_of(cmd, commands)
    allowed = [r for r, rank in RANK.items() if rank >= RANK[spec.permission]]
    who = f"people with {spec.permission} access or higher ({', '.join(allowed)})"
    if spec.author_may:
        who += " and the issue's author"
    role = ctx.permission if ctx.permission in RANK and ctx.permission != "none" else "no"
    return (
        f"Sorry {code(ctx.login, limit=60)}, `{spec.name(cmd)}` may be run only by {who}; you have {role} access to "
        "this repository, so nothing was changed."
    )


def _failed(message: str, slug: str, commands: Registry) -> Plan:
    """A user error: one reply with the message and the help text, nothing else."""
    return Plan(reply=_with_help(message, slug, commands), error=message)


def _with_help(message: str, slug: str, commands: Registry) -> str:
    """The message followed by the folded help text."""
    return f"{message}\n\n<details><summary>firstmile commands</summary>\n\n{help_text(slug, commands)}\n\n</details>"
