"""Which of many RE2 patterns occur in a text: RE2's FilteredRE2 picks candidates by their literals, only those run.

An RE2::Set answers the same question in one DFA pass, but its DFA is the product of every pattern's states: with
bounded repetitions such as `.{0,60}` in a few of them, each new text builds new states, and on issues it has not
seen the set cost 2-4x the whole rest of the triage. FilteredRE2 matches only the patterns' required literals
(atoms) in one pass, a set whose DFA stays small and warm, then runs just the patterns whose atoms occurred.
The answer is the same: the atoms are necessary conditions, and a pattern without any is always run.
Each pattern goes in as its top-level alternatives (`a|b` occurs where `a` or `b` does), so that only the
alternatives whose own literals occur run, each a smaller DFA to build on new text than the whole alternation.
"""

from __future__ import annotations

from collections.abc import Iterable

import re2

MAX_MEM = 64 << 20
_UNANCHORED = re2._Anchor.UNANCHORED
_FLAGS = frozenset("imsU-")


class PatternSet:
    """A fixed list of RE2 patterns; match(text) gives the indices of those that occur in it."""

    __slots__ = ("patterns", "_filter", "_owner", "_res")

    def __init__(self, patterns: Iterable[str], *, ignore_case: bool = False):
        opts = re2.Options()
        opts.case_sensitive, opts.max_mem, opts.log_errors, opts.never_capture = not ignore_case, MAX_MEM, False, True
        self.patterns = list(patterns)
        self._filter = re2.Filter() if self.patterns else None
        self._owner: list[int] = []
        for i, pat in enumerate(self.patterns):
            for alt in branches(pat):
                self._filter.Add(alt, opts)
                self._owner.append(i)
        self._res: list = []
        if self._filter is not None:
            self._filter.Compile()
            self._res = [self._filter._filter.GetRE2(b) for b in range(len(self._owner))]

    def match(self, text: str | bytes) -> set[int]:
        """The indices of the patterns that occur somewhere in `text` (UTF-8 bytes, or str)."""
        return self.owners(self.branches_in(text))

    def branches_in(self, text: str | bytes) -> tuple[int, ...]:
        """The indices of the alternatives (see `branches`) that occur in `text`; `owners` maps them to patterns."""
        return tuple(self._filter.Match(text) or ()) if self._filter is not None else ()

    def owners(self, found: Iterable[int]) -> set[int]:
        """The patterns whose alternatives these are."""
        owner = self._owner
        return {owner[b] for b in found}

    def span(self, i: int, found: Iterable[int], data: bytes) -> tuple[int, int]:
        """The byte span of pattern i's leftmost-first match in `data`, given `branches_in(data)`; (-1, -1) if none.

        The whole pattern's match is its alternatives' earliest-starting match, the first alternative on a tie;
        each search reuses the DFA states the filter built for this text, where a fresh regex would build new ones.
        """
        best = (-1, -1)
        for b in sorted(found):
            if self._owner[b] == i:
                a, e = self._res[b].Match(_UNANCHORED, data, 0, len(data))[0]
                if a >= 0 and (best[0] < 0 or a < best[0]):
                    best = (a, e)
        return best


def branches(pattern: str) -> list[str]:
    """The top-level alternatives of an RE2 pattern (`a|b(c|d)` -> `a`, `b(c|d)`).

    The pattern stays whole where splitting it could change what a part means: a flag group such as `(?i)` at the
    top level (it applies to the alternatives after it), or `\\Q...\\E` quoting.
    """
    out, depth, start, i, n = [], 0, 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if pattern.startswith("Q", i + 1):
                return [pattern]
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            continue
        if c == "(":
            if depth == 0 and _flag_group(pattern, i):
                return [pattern]
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _class_end(pattern: str, i: int) -> int:
    """The index just past the character class that starts at pattern[i] == "[" (`[]a]`, `[^]]`, `[[:alpha:]]`)."""
    j = i + 1
    if pattern.startswith("^", j):
        j += 1
    if pattern.startswith("]", j):
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
        elif pattern.startswith("[:", j) and (k := pattern.find(":]", j + 2)) >= 0:
            j = k + 2
        elif pattern[j] == "]":
            return j + 1
        else:
            j += 1
    return j


def _flag_group(pattern: str, i: int) -> bool:
    """True when pattern[i] opens a flag-setting group such as `(?i)` or `(?-s)` (not `(?i:...)`, not a capture)."""
    if not pattern.startswith("(?", i):
        return False
    end = pattern.find(")", i + 2)
    return end > i + 2 and set(pattern[i + 2:end]) <= _FLAGS
