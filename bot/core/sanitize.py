"""Making untrusted issue text safe to echo in a comment: no pings, no HTML, no links, no commands, no broken fences."""

from __future__ import annotations

import re2

ZWSP = "\u200b"
_MENTION = re2.compile(r"@([A-Za-z0-9_-])")
_TICKS = re2.compile(r"`+")
_COMMAND = re2.compile(r"(?m)^(\s*)/([A-Za-z][\w-]*)(\s|$)")
_AUTOLINK = re2.compile(r"(?i)(https?|ftp|file|javascript|data|mailto)(:)|(www)(\.)")
_MD_ESCAPE = str.maketrans({c: "\\" + c for c in "\\`*_[]|~"})  # emphasis, code, links/images, tables


def valid(value: str) -> str:
    """The string as valid Unicode: lone surrogates (legal in JSON escapes, unreadable by RE2) become "?"."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")


def trim(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def _unping(text: str) -> str:
    """Put a zero-width space after every @ that could start a mention (GitHub links neither then)."""
    return _MENTION.sub(lambda m: "@" + ZWSP + m.group(1), text) if "@" in text else text


def _longest_tick_run(text: str) -> int:
    """The length of the longest run of backticks."""
    return max((len(m) for m in _TICKS.findall(text)), default=0) if "`" in text else 0


def code(text: str, *, limit: int | None = None, table: bool = False) -> str:
    """One-line inline code span that no backtick in the text can close; `table=True` also escapes pipes."""
    flat = " ".join(valid(text).split())
    if limit is not None:
        flat = trim(flat, limit)
    flat = _unping(flat)
    if not flat:
        return "` `"
    fence = "`" * (_longest_tick_run(flat) + 1)
    pad = " " if flat[0] == "`" or flat[-1] == "`" else ""
    if table:
        flat = flat.replace("|", "\\|")
    return f"{fence}{pad}{flat}{pad}{fence}"


def block(text: str, *, limit: int | None = None, lang: str = "text") -> str:
    """A fenced code block longer than any backtick run in the text; line-start slash commands are defused."""
    body = valid(text).replace("\r\n", "\n").replace("\r", "\n").rstrip()
    if limit is not None:
        body = trim(body, limit)
    body = _unping(body)
    if "/" in body:
        body = _COMMAND.sub(lambda m: m.group(1) + ZWSP + "/" + m.group(2) + m.group(3), body)
    fence = "`" * max(3, _longest_tick_run(body) + 1)
    return f"{fence}{lang}\n{body}\n{fence}"


def text(value: str, *, limit: int | None = None) -> str:
    """Plain one-line markdown text: HTML escaped, markdown syntax escaped, links, mentions and commands defused."""
    flat = " ".join(valid(value).split())
    if limit is not None:
        flat = trim(flat, limit)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if ":" in flat or "." in flat:
        flat = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(3)) + ZWSP + (m.group(2) or m.group(4)), flat)
    flat = _unping(flat).translate(_MD_ESCAPE)
    if flat[:1] in ("/", "#", "+", "-", ">", "=") or flat[:1].isdigit():  # nothing that starts a command or block
        flat = ZWSP + flat
    return flat
