"""Markdown regions of an issue body: prose, fenced code (unbalanced too), <details>, HTML comments, form sections."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, count
from operator import add
from dataclasses import dataclass, field

from bot.core.extract.common import rx, scan

Line = tuple[int, str]
"""A piece of text and the offset of its first character in the whole text."""


@dataclass(slots=True)
class Block:
    """A region of one kind: "prose" or "code" (a fence or <details> content), as contiguous pieces of the text."""

    kind: str
    pieces: list[Line] = field(default_factory=list)
    section: str = ""
    """The issue-form `### ` heading in force, lower-cased ("" if none)."""

    @property
    def text(self) -> str:
        """The block's pieces joined with newlines."""
        return "\n".join(s for _, s in self.pieces)


_MARK = rx(
    r"(?m)^[ ]{0,3}(?:`{3,}|~{3,})|<!--|-->|(?i:</?details)|^#{1,6}(?:[ \t]|\r?$)|^[ \t]*_No response_[ \t]*\r?$"
)
"""Everything that changes a region: fence lines, comment ends, <details> tags, headings, empty form answers."""
MAX_MARKS = 5_000
"""After this many markers the rest of the body keeps the kind it is in (bounded work on adversarial input)."""
MAX_BLOCKS = 400
"""Likewise after this many blocks: real issues have a few dozen."""


def _line_end(text: str, pos: int) -> int:
    """Index of the newline ending the line at pos (or len(text))."""
    i = text.find("\n", pos)
    return len(text) if i < 0 else i


def segment(text: str, base: int = 0) -> list[Block]:
    """Split a body into prose and code blocks; drop HTML comments, fence lines, <details> tags and `_No response_`."""
    n = len(text)
    blocks: list[Block] = []
    pos, details, section = 0, 0, ""
    fence: tuple[str, int] | None = None
    comment = False

    def emit(kind: str, a: int, b: int, new: bool = False) -> None:
        """Add text[a:b] to the current block, or start a new one when the kind or section changes."""
        if a >= b:
            return
        last = blocks[-1] if blocks else None
        if not new and last is not None and last.kind == kind and last.section == section:
            last.pieces.append((base + a, text[a:b]))
        else:
            blocks.append(Block(kind, [(base + a, text[a:b])], section))

    for m in scan(_MARK, text, MAX_MARKS):
        q, tok = m.start(), m.group(0)
        if q < pos:
            continue
        if len(blocks) >= MAX_BLOCKS:
            break
        plain = "code" if details or fence else "prose"
        if comment:
            if tok == "-->":
                comment, pos = False, m.end()
            continue
        st = tok.strip(" \t\r")
        if st[:1] in "`~" and len(st) >= 3:
            le = _line_end(text, q)
            run = len(st)
            if fence is not None:
                if st[0] == fence[0] and run >= fence[1] and text[m.end():le].strip() == "":
                    emit("code", pos, max(pos, q - 1))
                    fence, pos = None, le + 1
                continue
            emit(plain, pos, max(pos, q - 1))
            fence, pos = (st[0], run), le + 1
            continue
        if fence is not None or tok == "-->":
            continue
        if tok == "<!--":
            emit(plain, pos, q)
            comment, pos = True, m.end()
        elif tok[:2] in ("<d", "<D", "</"):
            ls = text.rfind("\n", 0, q) + 1
            emit(plain, pos, max(pos, ls - 1))
            details = details + 1 if tok[1] != "/" else max(0, details - 1)
            pos = _line_end(text, q) + 1
        elif tok.startswith("#"):
            he = _line_end(text, q)
            emit(plain, pos, max(pos, q - 1))
            if details:
                emit("code", q, he)
            else:
                section = text[q:he].lstrip("#").strip().lower()[:80]
                emit("prose", q, he, new=True)
            pos = he + 1
        else:  # _No response_
            emit(plain, pos, max(pos, q - 1))
            pos = _line_end(text, q) + 1
    if pos < n and not comment:
        emit("code" if details or fence else "prose", pos, n)
    return blocks


class Chunk:
    """Pieces of text joined into one string, so a regex scans them in one call, with a map back to text offsets."""

    __slots__ = ("text", "_pieces", "_starts", "_offs", "_base")

    def __init__(self, pieces: list[Line]):
        self.text = "\n".join([s for _, s in pieces])
        self._pieces = pieces
        self._starts: list[int] | None = None  # built on the first `at`: most chunks never map a match back
        self._base: int | None = pieces[0][0] if len(pieces) == 1 else None

    @classmethod
    def of(cls, text: str, base: int = 0) -> "Chunk":
        """A chunk of one contiguous text whose first character sits at offset `base`."""
        chunk = cls([])
        chunk.text, chunk._base = text, base
        return chunk

    def at(self, pos: int) -> int:
        """The text offset of position `pos` in the joined string."""
        if self._base is not None:
            return self._base + pos
        if self._starts is None:
            offs, texts = zip(*self._pieces) if self._pieces else ((), ())
            # piece i starts after the lengths of pieces 0..i-1 and one newline each (all in C: no Python loop)
            self._starts = list(map(add, accumulate(map(len, texts), initial=0), count()))[: len(texts)]
            self._offs = list(offs)
        i = bisect_right(self._starts, pos) - 1
        if i < 0:
            return pos
        return self._offs[i] + pos - self._starts[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The text span of the joined string's [start, end) (which never crosses a piece)."""
        a = self.at(start)
        return a, a + (end - start)
