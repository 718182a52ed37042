"""Issue templates: unfilled placeholders ("e.g. A100", "[version]", "_No response_") are blanked before extraction,
keeping every offset, and a body that is only an unfilled template is recognised."""

from __future__ import annotations

from bot.core.extract.common import rx, scan

_PLACEHOLDER = rx(
    r"(?im)_No response_|"
    r"<!--[^\n]*?-->|"  # one-line template hints
    r"\[(?:e\.g\.?|eg\.?|例如|比如)[^\]\n]{0,80}\]|"
    r"(\[[ \t]*(?:your|insert|fill|enter|add|paste|put|describe|the)?[ \t]*[a-z _./-]{0,30}"
    r"(?:version|model name|model|gpu|os|here|number|name|command|output|details?)[ \t]*\])(?:[^(:]|$)|"
    r"<[ \t]*(?:fill in|your[^>\n]{0,40}|version|model[^>\n]{0,20}|insert[^>\n]{0,40})[ \t]*>|"
    r"(?:^|[:：][ \t]*|[-*][ \t]+)((?:e\.g\.?|eg\.|例如|比如)[ \t:,，：][^\n]{0,120})"
)
"""A placeholder; group 1 (a bracketed one) or group 2 (an "e.g. ..." example after a label, bullet or line
start), when present, is the part to blank."""
_HEAD = rx(r"(?m)^[ \t]*(?:#{1,6}[ \t][^\n]*|\*\*[^\n*]{1,60}\*\*[ \t]*:?[ \t]*|[-*][ \t]*\[[ xX]?\][^\n]*|"
           r"(?:[-*][ \t]+)?[A-Za-z][A-Za-z /()_.-]{0,40}[:：][ \t]*)$")
"""A line that is template furniture: a heading, a bold label, a checkbox, an empty "Label:"."""
_WORD = rx(r"[A-Za-z0-9\x{4e00}-\x{9fff}]")


def mask_placeholders(body: str) -> tuple[str, bool]:
    """The body with placeholders replaced by spaces (same length, so spans stay right), and whether any was."""
    if not any(map(body.__contains__, ("_No response_", "e.g", "eg.", "[", "<", "例如", "比如"))):
        return body, False
    parts: list[str] = []
    at = 0
    for m in scan(_PLACEHOLDER, body, 500):
        g = 1 if m.group(1) is not None else 2 if m.group(2) is not None else 0
        a, b = m.span(g)
        if a < at:
            continue
        parts += [body[at:a], " " * (b - a) if "\n" not in body[a:b] else _blank(body[a:b])]
        at = b
    if not parts:
        return body, False
    parts.append(body[at:])
    return "".join(parts), True


def _blank(s: str) -> str:
    """Spaces for every character but newlines."""
    return "".join(c if c == "\n" else " " for c in s)


def unfilled(masked: str) -> bool:
    """True when, once placeholders are blanked, nothing but template furniture and short fragments is left."""
    left = 0
    for line in masked.splitlines():
        s = line.strip()
        if not s or first_furniture(s):
            continue
        left += sum(1 for _ in scan(_WORD, s, 400))
        if left >= 25:
            return False
    return True


def first_furniture(line: str) -> bool:
    """True for a heading, a bold label, a checkbox or an empty label line."""
    return any(True for _ in scan(_HEAD, line, 1))
