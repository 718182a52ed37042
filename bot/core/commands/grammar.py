"""The slash-command grammar: a pure parser from a comment body to commands, with no effects."""

from __future__ import annotations

from collections import Counter

from markdown_it import MarkdownIt

from bot.core.commands.registry import COMMANDS, by_word, spec_of
from bot.core.commands.spec import CommandError, CommandSpec
from bot.core.commands.text import split_first
from bot.core.sanitize import code

MAX_COMMANDS = 20
"""Commands read from one comment; the rest are dropped."""

_MD = MarkdownIt("commonmark")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
Registry = tuple[CommandSpec, ...]


def parse_commands(body: str | None, *, slug: str | None, commands: Registry = COMMANDS) -> list:
    """The commands in a comment, in order; lines in code, quotes and HTML are not read."""
    words = by_word(commands)
    out: list = []
    for line in _command_lines(body or ""):
        cmd = _parse_line(line, slug, words)
        if cmd is not None:
            out.append(cmd)
            if len(out) >= MAX_COMMANDS:
                break
    return out


def new_commands(body: str | None, previous_body: str | None, *, slug: str | None,
                 commands: Registry = COMMANDS) -> list:
    """The commands of an edited comment that its previous body did not already have (counting repeats)."""
    seen = Counter(parse_commands(previous_body, slug=slug, commands=commands))
    out = []
    for cmd in parse_commands(body, slug=slug, commands=commands):
        if seen[cmd]:
            seen[cmd] -= 1
        else:
            out.append(cmd)
    return out


def required_permission(cmd: object, commands: Registry = COMMANDS) -> str:
    """The lowest GitHub role that may run `cmd` ("none": anyone; some commands also allow the issue's author)."""
    return "none" if isinstance(cmd, CommandError) else spec_of(cmd, commands).permission


def reads(cmds: list, commands: Registry = COMMANDS) -> frozenset[str]:
    """What the shell must gather for these commands' effects (see CommandSpec.reads); errors need nothing."""
    return frozenset().union(*(spec_of(c, commands).reads for c in cmds if not isinstance(c, CommandError)))


def help_text(slug: str, commands: Registry = COMMANDS) -> str:
    """The markdown help: every command, what it does, and who may run it."""
    rows = [(usage, what, spec.who()) for spec in commands for usage, what in spec.help]
    table = "\n".join(f"| {code(c, table=True)} | {d} | {w} |" for c, d, w in rows)
    mention = f"`@{slug} label +bug`"  # the App's own slug: trusted, and it must stay copyable
    return (
        "**firstmile commands.** Put each command on its own line of a comment, outside code blocks, "
        f"inline code, quotes and HTML comments. The mention form works too: {mention}.\n\n"
        "| Command | What it does | Who may run it |\n|---|---|---|\n"
        f"{table}\n\n"
        'Quote label names that contain spaces with double quotes: `/label add "symptom: crash"`, '
        '`/label +"symptom: hang" -"needs-info"`. Inside quotes a name is taken literally, so a name '
        'starting with `+` or `-` can be written `/label add "-odd"`. A node is a label name, a taxonomy '
        "path (`Crash - CUDA Error - Out of Memory` or `crash/cuda error/out of memory`) or a unique prefix of "
        "one; case does not matter. Human choices are final: later automatic triage never undoes them."
    )


def _command_lines(body: str) -> list[str]:
    """The lines of top-level paragraphs that start with text (not code, HTML or a quote), as plain text."""
    tokens = _MD.parse(body)
    lines: list[str] = []
    for i, tok in enumerate(tokens):
        opener = tokens[i - 1] if i else None
        if tok.type != "inline" or opener is None or opener.level != 0:
            continue
        if opener.type != "paragraph_open" and not (opener.type == "heading_open" and opener.markup in ("=", "-")):
            continue
        current: list = []
        split = [current]
        for child in tok.children or []:
            if child.type in ("softbreak", "hardbreak"):
                current = []
                split.append(current)
            else:
                current.append(child)
        lines += ["".join(map(_plain, part)).strip() for part in split if part and part[0].type == "text"]
    return lines


def _plain(tok) -> str:
    """One inline token back as text: code keeps its backticks; HTML (comments) and emphasis marks are dropped."""
    if tok.type == "code_inline":
        return tok.markup + tok.content + tok.markup
    if tok.type == "html_inline" or tok.type.startswith(("em_", "strong_")):
        return ""
    return tok.content or tok.markup


def _parse_line(line: str, slug: str | None, words: dict[str, CommandSpec]) -> object | None:
    """One candidate line: a command, an error for a line addressed to us, or None for anything else."""
    head, rest = split_first(line)
    if head.startswith("/"):
        word = head[1:].lower()
        if not word or not set(word) <= _WORD_CHARS:
            return None
        if word in words:
            return words[word].parse(word, rest, line)
        near = _suggest(word, words)
        return CommandError(f"Unknown command `/{word}`; did you mean `/{near}`?", line=line) if near else None
    if not slug or not _is_mention(head, slug):
        return None
    word, rest = split_first(rest)
    word = word.lower().removeprefix("/")
    if not word:
        return CommandError(f"No command after the mention of `@{slug}`.", line=line)
    if word == "help" and "firstmile" in words:
        return words["firstmile"].parse("firstmile", "help", line)
    if word in words:
        return words[word].parse(word, rest, line)
    near = _suggest(word, words)
    hint = f"; did you mean `{near}`?" if near else "."
    return CommandError(f"Unknown command {code(word, limit=40)}{hint}", line=line)


def _is_mention(head: str, slug: str) -> bool:
    """Whether `head` mentions the App: `@slug`, `@slug[bot]`, optionally followed by `:` or `,`."""
    head = head.lower().rstrip(":,")
    slug = slug.lower()
    return head in (f"@{slug}", f"@{slug}[bot]")


def _suggest(word: str, words: dict[str, CommandSpec]) -> str | None:
    """The command `word` is a close misspelling of (edit distance 1, or 2 for long names), if any."""
    best = min(words, key=lambda name: _distance(word, name))
    return best if _distance(word, best) <= (1 if len(best) <= 5 else 2) else None


def _distance(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance (insert, delete, substitute, swap neighbours)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
