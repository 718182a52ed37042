"""Markdown regions of an issue body: prose, fenced code (unbalanced too), <details>, HTML comments, form sections."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

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


class _Finder:
    """The next position of a literal at or after a position; each literal's text is scanned once overall."""

    __slots__ = ("text", "needle", "at")

    def __init__(self, text: str, needle: str):
        self.text, self.needle, self.at = text, needle, -1

    def find(self, pos: int) -> int:
        """Position of the next occurrence at or after pos, or len(text)."""
        if self.at < pos:
            i = self.text.find(self.needle, pos)
            self.at = len(self.text) if i < 0 else i
        return self.at


def _line_end(text: str, pos: int) -> int:
    """Index of the newline ending the line at pos (or len(text))."""
    i = text.find("\n", pos)
    return len(text) if i < 0 else i


def _fence_line(text: str, q: int) -> tuple[str, int, int] | None:
    """(char, run length, line end) if the fence marker at q opens a fenced block (at most 3 spaces indented)."""
    ls = text.rfind("\n", 0, q) + 1
    if q - ls > 3 or text[ls:q].strip(" ") != "":
        return None
    ch = text[q]
    end = _line_end(text, q)
    run = q
    while run < end and text[run] == ch:
        run += 1
    return ch, run - q, end


def segment(text: str, base: int = 0) -> list[Block]:
    """Split a body into prose and code blocks; drop HTML comments, fence lines, <details> tags and `_No response_`."""
    n = len(text)
    blocks: list[Block] = []
    finders = {k: _Finder(text, k) for k in ("```", "~~~", "<!--", "<details", "<Details", "</details", "</Details",
                                              "\n#", "_No response_")}
    pos, details, section = 0, 0, ""
    fence: tuple[str, int] | None = None

    def emit(kind: str, a: int, b: int, new: bool = False) -> None:
        if a >= b:
            return
        last = blocks[-1] if blocks else None
        if not new and last is not None and last.kind == kind and last.section == section:
            last.pieces.append((base + a, text[a:b]))
        else:
            blocks.append(Block(kind, [(base + a, text[a:b])], section))

    at_top = text.startswith("#")  # a heading on the first line has no newline before it
    while pos < n:
        if fence is not None:
            f = finders[fence[0] * 3]
            q = f.find(pos)
            while q < n:
                got = _fence_line(text, q)
                if got and got[0] == fence[0] and got[1] >= fence[1] and text[q + got[1]:got[2]].strip() == "":
                    break
                q = f.find(q + 1)
            if q >= n:
                emit("code", pos, n)
                break
            ls = text.rfind("\n", 0, q) + 1
            emit("code", pos, max(pos, ls - 1))
            pos = _line_end(text, q) + 1
            fence = None
            continue
        if at_top:
            key, q, at_top = "\n#", -1, False
        else:
            key = min(finders, key=lambda k: finders[k].find(pos))
            q = finders[key].find(pos)
        if q >= n:
            emit("code" if details else "prose", pos, n)
            break
        if key in ("```", "~~~"):
            got = _fence_line(text, q)
            if got is None or got[1] < 3:
                finders[key].at = -1
                finders[key].find(q + 1)
                continue
            ls = text.rfind("\n", 0, q) + 1
            emit("code" if details else "prose", pos, max(pos, ls - 1))
            fence = (got[0], got[1])
            pos = got[2] + 1
        elif key == "<!--":
            emit("code" if details else "prose", pos, q)
            end = text.find("-->", q + 4)
            pos = n if end < 0 else end + 3
        elif key in ("<details", "<Details", "</details", "</Details"):
            ls = text.rfind("\n", 0, q) + 1
            emit("code" if details else "prose", pos, max(pos, ls - 1))
            details = details + 1 if key[1] != "/" else max(0, details - 1)
            pos = _line_end(text, q) + 1
        elif key == "\n#":
            hs = q + 1
            he = _line_end(text, hs)
            head = text[hs:he]
            level = len(head) - len(head.lstrip("#"))
            if level > 6 or (len(head) > level and head[level] not in " \t\r"):
                finders[key].at = -1
                finders[key].find(hs)
                continue
            emit("code" if details else "prose", pos, max(pos, hs - 1))
            if not details:
                section = head.lstrip("#").strip().lower()[:80]
                emit("prose", hs, he, new=True)
            else:
                emit("code", hs, he)
            pos = he + 1
        else:  # _No response_
            ls = text.rfind("\n", 0, q) + 1
            le = _line_end(text, q)
            if text[ls:le].strip() != "_No response_":
                finders[key].at = -1
                finders[key].find(q + 1)
                continue
            emit("code" if details else "prose", pos, max(pos, ls - 1))
            pos = le + 1
    return blocks


class Chunk:
    """Pieces of text joined into one string, so a regex scans them in one call, with a map back to text offsets."""

    __slots__ = ("text", "_starts", "_offs", "_base")

    def __init__(self, pieces: list[Line]):
        self.text = "\n".join(s for _, s in pieces)
        self._starts: list[int] = []
        self._offs: list[int] = []
        self._base: int | None = None
        pos = 0
        for off, s in pieces:
            self._starts.append(pos)
            self._offs.append(off)
            pos += len(s) + 1

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
        i = bisect_right(self._starts, pos) - 1
        if i < 0:
            return pos
        return self._offs[i] + pos - self._starts[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The text span of the joined string's [start, end) (which never crosses a piece)."""
        a = self.at(start)
        return a, a + (end - start)
