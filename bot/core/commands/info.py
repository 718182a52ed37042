"""`/needs-info [keys...]` and `/info-ok`: ask the reporter for information, or stop asking, for good."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.commands.plan import Context, Plan, Resolver, record
from bot.core.commands.spec import CommandSpec, Parsed, no_arguments
from bot.core.sanitize import code


@dataclass(frozen=True)
class NeedsInfo(Parsed):
    """`/needs-info [keys...]`: ask the reporter for these keys (none: the bot's own list)."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class InfoOk(Parsed):
    """`/info-ok`: the information given is enough; stop asking."""


def parse_needs_info(word: str, rest: str, line: str) -> NeedsInfo:
    """Keys separated by spaces or commas, lower-cased, without repeats."""
    return NeedsInfo(tuple(dict.fromkeys(k.lower() for k in rest.replace(",", " ").split())), line=line)


def needs_info(cmd: NeedsInfo, ctx: Context, resolve: Resolver) -> Plan | str:
    """Known keys only; adds the needs-info label."""
    unknown = [k for k in cmd.keys if ctx.info_keys is not None and k not in ctx.info_keys]
    if unknown:
        known = ", ".join(f"`{k}`" for k in sorted(ctx.info_keys or ()))
        return f"`/needs-info`: unknown key {code(unknown[0], limit=100)}. Known keys: {known}."
    return _info(ctx, want=True, keys=cmd.keys)


def info_ok(cmd: InfoOk, ctx: Context, resolve: Resolver) -> Plan:
    """Removes the needs-info label."""
    return _info(ctx, want=False, keys=())


def _info(ctx: Context, *, want: bool, keys: tuple[str, ...]) -> Plan:
    """Both are recorded so re-triage keeps them."""
    label = ctx.needs_info_label
    before = tuple(n for n in ctx.labels if n.casefold() == label.casefold())
    after = (label,) if want else ()
    return Plan(add_labels=() if before or not want else (label,), remove_labels=() if want else before,
                overrides=(record(ctx, "needs_info", before, after, None, keys=keys),))


NEEDS_INFO = CommandSpec(words=("needs-info",), types=(NeedsInfo,), parse=parse_needs_info, effect=needs_info,
                         help=(("/needs-info [keys...]",
                                "ask the reporter for information, e.g. `/needs-info torch cuda`"),))
INFO_OK = CommandSpec(words=("info-ok",), types=(InfoOk,), parse=no_arguments(InfoOk), effect=info_ok,
                      help=(("/info-ok", "the information is enough: stop asking for more"),))
