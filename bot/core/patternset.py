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
_FLAGS = frozenset("imsU-")


class PatternSet:
    """A fixed list of RE2 patterns; match(text) gives the indices of those that occur in it."""

    __slots__ = ("patterns", "_filter", "_owner")

    def __init__(self, patterns: Iterable[str], *, ignore_case: bool = False):
        opts = re2.Options()
        opts.case_sensitive, opts.max_mem, opts.log_errors = not ignore_case, MAX_MEM, False
        self.patterns = list(patterns)
        self._filter = re2.Filter() if self.patterns else None
        self._owner: list[int] = []
        for i, pat in enumerate(self.patterns):
            for alt in branches(pat):
                self._filter.Add(alt, opts)
                self._owner.append(i)
        if self._filter is not None:
            self._filter.Compile()

    def match(self, text: str | bytes) -> set[int]:
        """The indices of the patterns that occur somewhere in `text` (UTF-8 bytes, or str)."""
        if self._filter is None:
            return set()
        owner = self._owner
        return {owner[b] for b in self._filter.Match(text) or ()}


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
