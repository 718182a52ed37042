"""Stable error fingerprints: type + normalised message + top frames of interest, hashed."""

from __future__ import annotations

import hashlib

from bot.core.extract.common import rx, scan
from bot.core.types import Frame

_TOKENS = rx(
    r"((?:[A-Za-z]:)?(?:[\\/][^\\/\s'\",:()]+)+[\\/]?)|(0x[0-9a-fA-F]+|\b[0-9a-fA-F]{8,}\b)|"
    r"(\d+(?:\.\d+)?[ \t]?[KMGT]i?B\b)|('[^'\n]{0,200}'|\"[^\"\n]{0,200}\")|(\b\d+(?:\.\d+)*)"
)


_TOKENS_FAST = rx(_TOKENS.pattern.replace("{0,200}", "*"))
"""_TOKENS without the bounded repeats (a much smaller RE2 program); it finds the same tokens unless a quoted part
runs past 200 characters, which is checked."""


def _tokens(m: str) -> list:
    """The _TOKENS matches in m, found with _TOKENS_FAST when that gives the same answer."""
    found = list(scan(_TOKENS_FAST, m))
    if any(t.group(4) is not None and len(t.group(4)) > 202 for t in found):
        return list(scan(_TOKENS, m))
    return found


def normalise_message(message: str, user_code: bool = False) -> str:
    """The message without paths, addresses, hex, numbers (and quoted names when raised in the user's code)."""
    m = message[:500]
    parts: list[str] = []
    last = 0
    for t in _tokens(m):
        parts.append(m[last:t.start()])
        last = t.end()
        if t.group(1) is not None:
            parts.append("<path>")
        elif t.group(2) is not None:
            parts.append("<hex>")
        elif t.group(5) is not None:
            parts.append("<n>")
        elif t.group(3) is not None:
            parts.append("<size>")
        elif user_code or len(t.group(4)) > 41:
            parts.append("<q>")
        else:
            parts.append(normalise_message(t.group(4)[1:-1], True).join(t.group(4)[0] * 2))
    parts.append(m[last:])
    return " ".join("".join(parts).split()).lower()


def frames_of_interest(frames: list[Frame], n: int = 3) -> list[Frame]:
    """The innermost `n` frames that belong to an installed package (stdlib and user code skipped)."""
    picked = [f for f in reversed(frames) if f.package and f.package != "stdlib"]
    return picked[:n]


def fingerprint(kind: str, type_: str, message: str, frames: list[Frame] = (), user_code: bool = False) -> str:
    """A 16-hex-digit sha1 over kind, type, normalised message and the top frames of interest."""
    parts = [kind, type_, normalise_message(message, user_code)]
    parts += [f"{f.package}:{f.function or ''}" for f in frames_of_interest(list(frames))]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:16]
