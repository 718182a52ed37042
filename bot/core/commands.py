"""The slash-command grammar: a pure parser from a comment body to commands, with no effects."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from markdown_it import MarkdownIt

MAX_LABEL_LEN = 50
"""GitHub's limit on a label name."""
MAX_COMMANDS = 20
"""Commands read from one comment; the rest are dropped."""

_MD = MarkdownIt("commonmark")
_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "`": "`"}
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class Triage:
    """`/triage`: run the triage again now."""

    line: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class LabelEdit:
    """`/label add a`, `/label remove b`, `/label +a -b`: label names exactly as typed (unquoted)."""

    add: tuple[str, ...]
    remove: tuple[str, ...]
    line: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class SetNode:
    """`/symptom <node>`, `/cause <node>`, `/stage <node>`: the node name is kept raw for the resolver."""

    dimension: Literal["symptom", "root_cause", "stage"]
    name: str
    line: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class NeedsInfo:
    """`/needs-info [keys...]`: ask the reporter for these keys (none: the bot's own list)."""

    keys: tuple[str, ...]
    line: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class InfoOk:
    """`/info-ok`: the information given is enough; stop asking."""

    line: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class Help:
    """`/firstmile help`: show the commands."""

    line: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class Duplicate:
    """`/duplicate #N`: this issue duplicates #N (recorded as the truth; sets the possible-duplicate label)."""

    number: int
    line: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class NotDuplicate:
    """`/not-duplicate [#N]`: not a duplicate (of #N, or of the issue the bot named): the label goes, the link is
    hidden for good."""

    number: int | None = None
    line: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class CommandError:
    """A line addressed to us that we cannot run; `message` is safe markdown for a reply."""

    message: str
    line: str = field(default="", compare=False, kw_only=True)


Command = Triage | LabelEdit | SetNode | NeedsInfo | InfoOk | Help | Duplicate | NotDuplicate

_NODE_DIMENSIONS = {"symptom": "symptom", "cause": "root_cause", "stage": "stage"}
_NAMES = ("triage", "label", "symptom", "cause", "stage", "needs-info", "info-ok", "firstmile", "duplicate",
          "not-duplicate")


def code_span(text: str, limit: int = 100) -> str:
    """Render untrusted text as one inline code span: no mention, no HTML, no breaking out with backticks."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if not text or text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def parse_commands(body: str | None, *, slug: str | None) -> list[Command | CommandError]:
    """The commands in a comment, in order; lines in code, quotes and HTML are not read."""
    out: list[Command | CommandError] = []
    for line in _command_lines(body or ""):
        cmd = _parse_line(line, slug)
        if cmd is not None:
            out.append(cmd)
            if len(out) >= MAX_COMMANDS:
                break
    return out


def new_commands(body: str | None, previous_body: str | None, *, slug: str | None) -> list[Command | CommandError]:
    """The commands of an edited comment that its previous body did not already have (counting repeats)."""
    seen = Counter(parse_commands(previous_body, slug=slug))
    out = []
    for cmd in parse_commands(body, slug=slug):
        if seen[cmd]:
            seen[cmd] -= 1
        else:
            out.append(cmd)
    return out


def required_permission(cmd: Command | CommandError) -> str:
    """The lowest GitHub role that may run `cmd` ("none": anyone; `/triage` also allows the issue's author)."""
    return "none" if isinstance(cmd, (Help, CommandError)) else "triage"


def help_text(slug: str) -> str:
    """The markdown help: every command, what it does, and who may run it."""
    who = "triage access or higher"
    rows = [
        ("/triage", "run the triage again now", f"{who}, or the issue's author"),
        ("/label add <name>...", "add labels", who),
        ("/label remove <name>...", "remove labels", who),
        ("/label +a -b", "add `a` and remove `b` in one go", who),
        ("/symptom <node>", "set the symptom, replacing the bot's", who),
        ("/cause <node>", "set the root cause, replacing the bot's", who),
        ("/stage inference|fine-tuning", "set the stage", who),
        ("/needs-info [keys...]", "ask the reporter for information, e.g. `/needs-info torch cuda`", who),
        ("/info-ok", "the information is enough: stop asking for more", who),
        ("/duplicate #N", "this issue duplicates #N: labels it `possible-duplicate` (nothing is closed)", who),
        ("/not-duplicate [#N]", "not a duplicate (of #N, or of the issue the bot linked): removes the label and "
         "hides that link for good", who),
        ("/firstmile help", "show this help", "anyone"),
    ]
    table = "\n".join(f"| {code_span(c).replace('|', chr(92) + '|')} | {d} | {w} |" for c, d, w in rows)
    mention = code_span(f"@{slug} label +bug")
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


def _parse_line(line: str, slug: str | None) -> Command | CommandError | None:
    """One candidate line: a command, an error for a line addressed to us, or None for anything else."""
    head, rest = _split_first(line)
    if head.startswith("/"):
        word = head[1:].lower()
        if not word or not set(word) <= _WORD_CHARS:
            return None
        if word in _NAMES:
            return _parse_args(word, rest, line)
        near = _suggest(word)
        return CommandError(f"Unknown command `/{word}`; did you mean `/{near}`?", line=line) if near else None
    if not slug or not _is_mention(head, slug):
        return None
    word, rest = _split_first(rest)
    word = word.lower().removeprefix("/")
    if not word:
        return CommandError(f"No command after the mention of `@{slug}`.", line=line)
    if word == "help":
        return _parse_args("firstmile", "help", line)
    if word in _NAMES:
        return _parse_args(word, rest, line)
    near = _suggest(word)
    hint = f"; did you mean `{near}`?" if near else "."
    return CommandError(f"Unknown command {code_span(word, 40)}{hint}", line=line)


def _is_mention(head: str, slug: str) -> bool:
    """Whether `head` mentions the App: `@slug`, `@slug[bot]`, optionally followed by `:` or `,`."""
    head = head.lower().rstrip(":,")
    slug = slug.lower()
    return head in (f"@{slug}", f"@{slug}[bot]")


def _parse_args(word: str, rest: str, line: str) -> Command | CommandError:
    """The arguments of a known command word."""
    if word == "label":
        return _parse_label(rest, line)
    if word in _NODE_DIMENSIONS:
        name = _unquote(rest.strip())
        if not name:
            return CommandError(f"`/{word}` needs a node, e.g. `/{word} {_EXAMPLE[word]}`.", line=line)
        return SetNode(_NODE_DIMENSIONS[word], name, line=line)
    if word == "needs-info":
        keys = tuple(dict.fromkeys(k.lower() for k in rest.replace(",", " ").split()))
        return NeedsInfo(keys, line=line)
    if word in ("duplicate", "not-duplicate"):
        return _parse_duplicate(word, rest.strip(), line)
    if word == "firstmile":
        if rest.strip().lower() in ("", "help"):
            return Help(line=line)
        bad = code_span("/firstmile " + rest, 60)
        return CommandError(f"Unknown command {bad}; try `/firstmile help`.", line=line)
    if rest.strip():
        return CommandError(f"`/{word}` takes no arguments.", line=line)
    return Triage(line=line) if word == "triage" else InfoOk(line=line)


def _parse_duplicate(word: str, rest: str, line: str) -> Duplicate | NotDuplicate | CommandError:
    """`/duplicate #N` (N required) or `/not-duplicate [#N]`."""
    ref = rest.removeprefix("#")
    if not rest and word == "not-duplicate":
        return NotDuplicate(line=line)
    if not ref.isascii() or not ref.isdigit() or len(ref) > 9 or int(ref) <= 0:
        return CommandError(f"`/{word}` needs an issue number, e.g. `/{word} #123`.", line=line)
    return Duplicate(int(ref), line=line) if word == "duplicate" else NotDuplicate(int(ref), line=line)


_EXAMPLE = {"symptom": "hang", "cause": "dependency library compatibility", "stage": "inference"}


def _parse_label(rest: str, line: str) -> LabelEdit | CommandError:
    """`/label add|remove <names>` or `/label +a -b c` (a bare name is added)."""
    verb, after = _split_first(rest)
    mode = verb.lower() if verb.lower() in ("add", "remove") else None
    try:
        items = _split_args(after if mode else rest, signed=mode is None)
    except ValueError as exc:
        return CommandError(f"`/label`: {exc}.", line=line)
    if not items:
        return CommandError('`/label` needs at least one label name, e.g. `/label add "symptom: hang"`.', line=line)
    add: list[str] = []
    remove: list[str] = []
    for sign, name in items:
        if len(name) > MAX_LABEL_LEN:
            return CommandError(f"Label {code_span(name)} is longer than {MAX_LABEL_LEN} characters.", line=line)
        (remove if sign == "-" or mode == "remove" else add).append(name)
    both = {n.lower() for n in add} & {n.lower() for n in remove}
    if both:
        return CommandError(f"Label {code_span(min(both))} is both added and removed.", line=line)
    return LabelEdit(tuple(dict.fromkeys(add)), tuple(dict.fromkeys(remove)), line=line)


def _split_args(text: str, *, signed: bool) -> list[tuple[str, str]]:
    """Split label arguments into (sign, name); double quotes (or backticks) group words; raises ValueError."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        sign = ""
        if signed and text[i] in "+-":
            sign, i = text[i], i + 1
        if i < n and text[i] in _QUOTES:
            close = text.find(_QUOTES[text[i]], i + 1)
            if close < 0:
                raise ValueError("a quote is not closed")
            name, i = text[i + 1 : close].strip(), close + 1
        else:
            start = i
            while i < n and not text[i].isspace():
                i += 1
            name = text[start:i]
        if not name:
            raise ValueError("an empty label name")
        out.append((sign, name))
    return out


def _unquote(text: str) -> str:
    """A node name, without one pair of surrounding quotes."""
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] == _QUOTES[text[0]]:
        return text[1:-1].strip()
    return text


def _split_first(text: str) -> tuple[str, str]:
    """The first whitespace-separated word and the rest."""
    parts = text.strip().split(maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else ((parts[0], "") if parts else ("", ""))


def _suggest(word: str) -> str | None:
    """The command `word` is a close misspelling of (edit distance 1, or 2 for long names), if any."""
    best = min(_NAMES, key=lambda name: _distance(word, name))
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
