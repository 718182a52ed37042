"""One issue as the rules see it: haystacks, derived env and the decided paths, each computed once per triage."""

from __future__ import annotations

from bot.core.rules.compile import SNIP, Hit, Node
from bot.core.rules.env import derive_env
from bot.core.types import Facts


class Scan:
    """Created by triage() for one issue and passed down to every rule kind; holds all per-issue memos."""

    def __init__(self, facts: Facts, ruleset, kind: str | None = None):
        self.facts, self.ruleset, self.kind = facts, ruleset, kind
        self.compiler = ruleset.compiler
        self.language, self.runtimes = facts.language, list(getattr(facts, "runtimes", ()) or ())
        self.chosen: dict[str, str] = {}
        """Dimension -> the decided path (" - " joined), set as triage decides."""
        self.fired: dict[str, Hit] = {}
        """Evidence rule id -> the hit it fired on (spans are resolved only for the evidence a decision keeps)."""
        self._data: dict[tuple[str, ...], bytes] = {}
        self._found: dict[tuple[str, ...], tuple[frozenset[int], tuple[int, ...]]] = {}
        self._env: dict[str, str] | None = None

    @classmethod
    def bare(cls, facts: Facts) -> Scan:
        """A scan with no RuleSet: conditions search on their own regexes, derived keys need no tables."""
        from types import SimpleNamespace

        from bot.core.rules.compile import Compiler

        return cls(facts, SimpleNamespace(compiler=Compiler().freeze(), tables=None))

    @property
    def env(self) -> dict[str, str]:
        """The env with derived keys (computed on first use)."""
        if self._env is None:
            self._env = derive_env(self.facts, self.ruleset.tables)
        return self._env

    def text(self, hay: str) -> str:
        """One haystack's text."""
        f = self.facts
        if hay == "title":
            return f.title
        if hay == "prose":
            return f.prose
        if hay == "code":
            return "\n\n".join(f.code)
        if hay == "errors":
            return "\n".join(f"{e.type}: {e.message}" for e in f.errors)
        if hay == "env":
            return "\n".join(f"{k}={v}" for k, v in self.env.items())
        return f.text

    def data(self, hays: tuple[str, ...]) -> bytes:
        """A haystack list's texts joined by newlines, as UTF-8 (RE2 works on bytes), encoded once."""
        data = self._data.get(hays)
        if data is None:
            text = self.text(hays[0]) if len(hays) == 1 else "\n".join(self.text(h) for h in hays)
            data = self._data[hays] = text.encode("utf-8", "surrogatepass")
        return data

    def found(self, hays: tuple[str, ...]) -> frozenset[int]:
        """The pooled patterns of a haystack list that occur in it (one pass, then cached)."""
        got = self._found.get(hays)
        if got is None:
            pset = self.compiler.sets.get(hays)
            if pset is None:
                got = (frozenset(), ())
            else:
                branches = pset.branches_in(self.data(hays))
                got = (frozenset(pset.owners(branches)), branches)
            self._found[hays] = got
        return got[0]

    def holds(self, node: Node) -> bool:
        """True when the compiled condition holds for this issue."""
        return node.hit(self) is not None

    def resolve(self, hit: Hit) -> Hit:
        """The hit with its span and text (a pooled match is located only now)."""
        if not hit.found:
            return hit
        hays = tuple(hit.hay.split("+"))
        data, pset, branches = self.data(hays), self.compiler.sets[hays], self._found[hays][1]
        best = (hit.alt, -1, -1)
        for alt, pid in hit.found:  # the earliest match; the first alternative on a tie
            a, b = pset.span(pid, branches, data)
            if a >= 0 and (best[1] < 0 or a < best[1]):
                best = (alt, a, b)
        span, text = self.locate(data[best[1]:best[2]].decode("utf-8", "replace") if best[1] >= 0 else "")
        return hit._replace(alt=best[0], span=span, text=text, found=())

    def locate(self, found: str) -> tuple[tuple[int, int] | None, str]:
        """The span of a matched snippet in the issue text (None if it was rewritten), and the snippet."""
        at = self.facts.text.find(found) if found else -1
        return ((at, at + len(found)) if at >= 0 else None), found[:SNIP]
