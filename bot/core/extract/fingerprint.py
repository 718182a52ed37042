"""Stable error fingerprints: type + normalised message + top frames of interest, hashed."""

from __future__ import annotations

import hashlib

from bot.core.extract.common import rx
from bot.core.types import Frame

_PATH = rx(r"(?:[A-Za-z]:)?(?:[\\/][^\\/\s'\",:()]+)+[\\/]?")
_HEX = rx(r"0x[0-9a-fA-F]+|\b[0-9a-fA-F]{8,}\b")
_NUM = rx(r"\b\d+(?:\.\d+)*")
_QUOTED = rx(r"'[^'\n]{0,200}'|\"[^\"\n]{0,200}\"")
_LONGQ = rx(r"'[^'\n]{40,}'|\"[^\"\n]{40,}\"")
_SPACE = rx(r"\s+")


def normalise_message(message: str, user_code: bool = False) -> str:
    """The message without paths, addresses, hex, numbers (and quoted names when raised in the user's code)."""
    m = message[:500]
    m = _PATH.sub("<path>", m)
    m = _HEX.sub("<hex>", m)
    m = (_QUOTED if user_code else _LONGQ).sub("<q>", m)
    m = _NUM.sub("<n>", m)
    return _SPACE.sub(" ", m).strip().lower()


def frames_of_interest(frames: list[Frame], n: int = 3) -> list[Frame]:
    """The innermost `n` frames that belong to an installed package (stdlib and user code skipped)."""
    picked = [f for f in reversed(frames) if f.package and f.package != "stdlib"]
    return picked[:n]


def fingerprint(kind: str, type_: str, message: str, frames: list[Frame] = (), user_code: bool = False) -> str:
    """A 16-hex-digit sha1 over kind, type, normalised message and the top frames of interest."""
    parts = [kind, type_, normalise_message(message, user_code)]
    parts += [f"{f.package}:{f.function or ''}" for f in frames_of_interest(list(frames))]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:16]
