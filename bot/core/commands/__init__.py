"""Slash commands: one CommandSpec per command (registry.COMMANDS), a pure parser (grammar) and typed commands."""

from bot.core.commands.duplicate import Duplicate, NotDuplicate
from bot.core.commands.grammar import (
    MAX_COMMANDS,
    help_text,
    new_commands,
    parse_commands,
    reads,
    required_permission,
)
from bot.core.commands.help import Help
from bot.core.commands.info import InfoOk, NeedsInfo
from bot.core.commands.label import MAX_LABEL_LEN, LabelEdit
from bot.core.commands.node import SetNode
from bot.core.commands.retriage import Triage
from bot.core.commands.spec import CommandError, CommandSpec

Command = Triage | LabelEdit | SetNode | NeedsInfo | InfoOk | Help | Duplicate | NotDuplicate

__all__ = ["MAX_COMMANDS", "MAX_LABEL_LEN", "Command", "CommandError", "CommandSpec", "Duplicate", "Help", "InfoOk",
           "LabelEdit", "NeedsInfo", "NotDuplicate", "SetNode", "Triage", "help_text", "new_commands",
           "parse_commands", "reads", "required_permission"]
