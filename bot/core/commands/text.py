"""Text helpers of the command grammar: safe messages, words, quoted arguments."""

from __future__ import annotations

QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "`": "`"}


def defang(text: str) -> str:
    """A message that may quote issue text, made unable to ping or render HTML."""
    text = " ".join(text.split()).replace("<", "&lt;").replace(">", "&gt;").replace("@", "@\u200b")
    return text if len(text) <= 300 else text[:299] + "\u2026"


def split_first(text: str) -> tuple[str, str]:
    """The first whitespace-separated word and the rest."""
    parts = text.strip().split(maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else ((parts[0], "") if parts else ("", ""))


def unquote(text: str) -> str:
    """An argument without one pair of surrounding quotes."""
    if len(text) >= 2 and text[0] in QUOTES and text[-1] == QUOTES[text[0]]:
        return text[1:-1].strip()
    return text


def split_args(text: str, *, signed: bool) -> list[tuple[str, str]]:
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
        if i < n and text[i] in QUOTES:
            close = text.find(QUOTES[text[i]], i + 1)
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
