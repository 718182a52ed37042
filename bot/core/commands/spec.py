"""What a slash command is: one CommandSpec (words, grammar, who may run it, help, effect) per command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Parser = Callable[[str, str, str], Any]
"""(word as typed, the rest of the line, the whole line) -> the command, or a CommandError."""
Effect = Callable[[Any, Any, Any], Any]
"""(command, Context, Resolver) -> the checked Plan, or an error message for the reply."""


@dataclass(frozen=True)
class Parsed:
    """What a comment line parsed to; `line` (the text, for messages) does not count in equality."""

    line: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class CommandError(Parsed):
    """A line addressed to us that we cannot run; `message` is safe markdown for a reply."""

    message: str


def no_arguments(command: type) -> Parser:
    """The parser of a command that takes no arguments: the command, or an error when the line goes on."""
    def parse(word: str, rest: str, line: str) -> Any:
        return CommandError(f"`/{word}` takes no arguments.", line=line) if rest.strip() else command(line=line)
    return parse


@dataclass(frozen=True)
class CommandSpec:
    """One command: the words that call it, how its arguments parse, who may run it, its help rows, its effect."""

    words: tuple[str, ...]
    """The command words (`/word`, `@slug word`); the first names the command in messages."""
    types: tuple[type, ...]
    """The command classes `parse` returns."""
    parse: Parser
    help: tuple[tuple[str, str], ...]
    """(usage, what it does) rows for the help table."""
    effect: Effect | None = None
    """None: the decide step handles it itself (help)."""
    permission: str = "triage"
    """The lowest GitHub role that may run it ("none": anyone)."""
    author_may: bool = False
    """The issue's author may run it whatever their role."""
    name_of: Callable[[Any], str] | None = None
    """The slash name of a parsed command, when one spec has several words."""
    reads: frozenset[str] = frozenset({"decision"})
    """What the shell gathers for the effect besides the issue: "decision" (the bot's own, for override records),
    "repo_labels" (every label of the repository)."""

    def name(self, cmd: Any) -> str:
        """The slash name of a command, for messages."""
        return self.name_of(cmd) if self.name_of is not None else f"/{self.words[0]}"

    def who(self) -> str:
        """Who may run it, for the help table."""
        if self.permission == "none":
            return "anyone"
        who = f"{self.permission} access or higher"
        return f"{who}, or the issue's author" if self.author_may else who
