"""Markdown regions of an issue body: prose, fenced code (unbalanced too), <details>, HTML comments, form sections."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

Line = tuple[int, str]
"""A line's start offset in the text and its content without the newline."""


@dataclass(slots=True)
class Block:
    """Consecutive lines of one kind: "prose", "code" (a fence or <details> content) or "log" (pasted unfenced)."""

    kind: str
    lines: list[Line] = field(default_factory=list)
    section: str = ""
    """The issue-form `### ` heading in force, lower-cased ("" if none)."""

    @property
    def text(self) -> str:
        """The block's lines joined with newlines."""
        return "\n".join(s for _, s in self.lines)

    @property
    def span(self) -> tuple[int, int]:
        """Offsets of the block's first character and its last line's end."""
        if not self.lines:
            return (0, 0)
        return (self.lines[0][0], self.lines[-1][0] + len(self.lines[-1][1]))


def split_lines(text: str, base: int = 0) -> list[Line]:
    """Split on "\\n" only (so offsets stay exact), dropping a trailing "\\r" from each line."""
    out: list[Line] = []
    pos = base
    for raw in text.split("\n"):
        out.append((pos, raw[:-1] if raw.endswith("\r") else raw))
        pos += len(raw) + 1
    return out


def _fence(stripped: str) -> tuple[str, int] | None:
    """The fence marker (char, length) if the line opens or closes a fenced block."""
    if stripped[:3] in ("```", "~~~"):
        ch = stripped[0]
        n = len(stripped) - len(stripped.lstrip(ch))
        return ch, n
    return None


def segment(lines: list[Line]) -> list[Block]:
    """Group lines into prose, fenced-code and <details> blocks; drop HTML comments, fences and `_No response_`."""
    blocks: list[Block] = []
    cur: Block | None = None
    fence: tuple[str, int] | None = None
    details = 0
    comment = False
    section = ""

    def put(kind: str, line: Line, new: bool = False) -> None:
        nonlocal cur
        if cur is None or new or cur.kind != kind or cur.section != section:
            cur = Block(kind, [], section)
            blocks.append(cur)
        cur.lines.append(line)

    for off, s in lines:
        st = s.strip()
        if fence is not None:
            f = _fence(st)
            if f and f[0] == fence[0] and f[1] >= fence[1] and st.strip(f[0]) == "":
                fence = None
                cur = None
            else:
                put("code", (off, s))
            continue
        if comment:
            end = s.find("-->")
            if end >= 0:
                comment = False
                rest = s[end + 3:]
                if rest.strip():
                    put("code" if details else "prose", (off + end + 3, rest))
            continue
        f = _fence(st)
        if f:
            fence = f
            cur = None
            continue
        if "<!--" in s:
            i = s.find("<!--")
            j = s.find("-->", i + 4)
            if j < 0:
                comment = True
                if s[:i].strip():
                    put("code" if details else "prose", (off, s[:i]))
                continue
            if not (s[:i] + s[j + 3:]).strip():
                continue
        low = st[:40].lower()
        if "<details" in low:
            details += 1
            cur = None
            continue
        if "</details" in low:
            details = max(0, details - 1)
            cur = None
            continue
        if details:
            if low.startswith("<summary") or low.startswith("</summary"):
                continue
            put("code", (off, s))
            continue
        if st.startswith("#"):
            section = st.lstrip("#").strip().lower()[:80]
            put("prose", (off, s), new=True)
            continue
        if st == "_No response_":
            continue
        put("prose", (off, s))
    return blocks


class Chunk:
    """Lines joined into one string, so a regex scans them in one call, with a map back to text offsets."""

    __slots__ = ("text", "_starts", "_offs", "_base")

    def __init__(self, lines: list[Line]):
        self.text = "\n".join(s for _, s in lines)
        self._starts: list[int] = []
        self._offs: list[int] = []
        self._base: int | None = None
        pos = 0
        for off, s in lines:
            self._starts.append(pos)
            self._offs.append(off)
            pos += len(s) + 1

    @classmethod
    def of(cls, text: str, base: int = 0) -> "Chunk":
        """A chunk of a contiguous text (kept as is, "\r" included) whose first character sits at offset `base`."""
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
        """The text span of the joined string's [start, end) (which never crosses a line)."""
        a = self.at(start)
        return a, a + (end - start)
