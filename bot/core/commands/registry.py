"""Every slash command, in help order: adding one is a module with a CommandSpec plus one entry here."""

from __future__ import annotations

from bot.core.commands import duplicate, help, info, label, node, retriage
from bot.core.commands.spec import CommandSpec

COMMANDS: tuple[CommandSpec, ...] = (
    retriage.SPEC,
    label.SPEC,
    node.SPEC,
    info.NEEDS_INFO,
    info.INFO_OK,
    duplicate.DUPLICATE,
    duplicate.NOT_DUPLICATE,
    help.SPEC,
)


def by_word(commands: tuple[CommandSpec, ...]) -> dict[str, CommandSpec]:
    """Command word -> its spec (a word claimed twice is a programming error)."""
    out: dict[str, CommandSpec] = {}
    for spec in commands:
        for word in spec.words:
            if word in out:
                raise ValueError(f"command word {word!r} is claimed twice")
            out[word] = spec
    return out


def spec_of(cmd: object, commands: tuple[CommandSpec, ...] = COMMANDS) -> CommandSpec:
    """The spec a parsed command came from."""
    return next(spec for spec in commands if isinstance(cmd, spec.types))
