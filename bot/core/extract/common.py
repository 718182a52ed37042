"""Shared helpers for the extractors: candidate facts, version parsing, source ranks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import re2

from bot.core.rulefile import compile_re2

RANK = {
    "collect_env": 5, "vllm_env": 5, "transformers_env": 5, "lmdeploy_env": 5, "pip": 5, "conda": 4,
    "nvidia_smi": 5, "llama_cpp": 5, "ollama": 5, "log": 4, "traceback": 3, "issue_form": 2,
    "prose": 1, "title": 1, "derived": 0, "command": 3, "upgrade": 2,
}
"""Machine-printed output outranks issue forms, which outrank prose; derived facts come last."""

NO_VALUE = frozenset({
    "", "n/a", "na", "none", "no cuda", "could not collect", "not installed", "not found", "_no response_",
    "<fill in>", "false", "no", "unknown", "null", "-", "not set",
})

MAX_MATCHES = 200
"""At most this many matches of one pattern are read from one chunk (bounded work on huge logs)."""


def rx(pattern: str):
    """Compile an RE2 pattern, case-sensitive unless it says (?i)."""
    return compile_re2(pattern, ignore_case=False)


class _AsciiMatch:
    """A match with character offsets into the text it was found in (same API subset as re2's)."""

    __slots__ = ("_text", "_spans")

    def __init__(self, text: str, spans):
        self._text, self._spans = text, spans

    def group(self, i: int = 0) -> str | None:
        """The text of group i, or None if it did not take part."""
        a, b = self._spans[i]
        return None if a < 0 else self._text[a:b]

    def span(self, i: int = 0) -> tuple[int, int]:
        """(start, end) of group i."""
        return self._spans[i]

    def start(self, i: int = 0) -> int:
        """Start of group i."""
        return self._spans[i][0]

    def end(self, i: int = 0) -> int:
        """End of group i."""
        return self._spans[i][1]


_UNANCHORED = re2._Anchor.UNANCHORED


def scan(pattern, text: str, limit: int = MAX_MATCHES) -> Iterator:
    """Up to `limit` non-overlapping matches of an RE2 pattern, matched on the UTF-8 bytes without re2's wrapper."""
    raw = pattern._regexp
    if not text.isascii():
        yield from _scan_utf8(raw, text, limit)
        return
    data = text.encode("ascii")
    pos, end, n = 0, len(data), 0
    while pos <= end and n < limit:
        spans = raw.Match(_UNANCHORED, data, pos, end)
        if spans[0][0] < 0:
            return
        n += 1
        yield _AsciiMatch(text, spans)
        pos = spans[0][1] if spans[0][1] > pos else pos + 1


def _scan_utf8(raw, text: str, limit: int) -> Iterator[_AsciiMatch]:
    """scan() for non-ASCII text: byte offsets become character offsets by decoding only the bytes between them."""
    data = text.encode("utf-8", "surrogatepass")
    pos, end, n = 0, len(data), 0
    at_byte = at_char = 0  # a known (byte, char) offset pair, moved forward as matches are found

    def char(b: int) -> int:
        """The character offset of byte offset b (a character boundary: RE2 matches whole UTF-8 characters)."""
        nonlocal at_byte, at_char
        if b >= at_byte:
            at_char += len(data[at_byte:b].decode("utf-8", "surrogatepass"))
            at_byte = b
            return at_char
        return at_char - len(data[b:at_byte].decode("utf-8", "surrogatepass"))

    while pos <= end and n < limit:
        spans = raw.Match(_UNANCHORED, data, pos, end)
        if spans[0][0] < 0:
            return
        n += 1
        whole = (char(spans[0][0]), char(spans[0][1]))
        yield _AsciiMatch(text, [whole] + [(char(a), char(b)) if a >= 0 else (-1, -1) for a, b in spans[1:]])
        if spans[0][1] > pos:
            pos = spans[0][1]
        elif pos < end:  # an empty match: step over one whole character
            lead = data[pos]
            pos += 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        else:
            return


def first(pattern, text: str):
    """The first match of an RE2 pattern in the text, or None."""
    return next(scan(pattern, text, 1), None)


_VERSION = rx(r"v?(\d+(?:\.\d+)*(?:[._-]?(?:post|dev|rc|a|b)\d*)*(?:\+[0-9a-z.]+)?)")


@dataclass(slots=True)
class Cand:
    """A candidate env fact before the best source for each key is chosen."""

    key: str
    value: str
    source: str
    span: tuple[int, int]


def first_version(value: str) -> str | None:
    """The first version-looking token of a value ("3.10.12 (main, ...)" -> "3.10.12")."""
    m = first(_VERSION, value)
    return m.group(1) if m else None


def is_empty(value: str) -> bool:
    """True for placeholder values such as "N/A", "Could not collect" or "_No response_"."""
    return value.strip().strip("`*").strip().lower() in NO_VALUE


def torch_build(value: str, span: tuple[int, int]) -> list[Cand]:
    """The CUDA a torch version was built for ("2.1.0+cu121" -> torch_cuda 12.1), as a derived fact, if it says."""
    tc = cuda_from_tag(value.split("+", 1)[1]) if "+cu" in value else None
    return [Cand("torch_cuda", tc, "derived", span)] if tc else []


def cuda_from_tag(tag: str) -> str | None:
    """"cu121" / "cuda117" / "cu118" -> "12.1" / "11.7" / "11.8"."""
    digits = tag.lower().removeprefix("cuda").removeprefix("cu")
    if not digits.isdigit() or len(digits) not in (3, 4):
        return None
    return f"{digits[:-1]}.{digits[-1]}"
