"""One issue as the rules see it: haystacks, derived env and the decided paths, each computed once per triage."""

from __future__ import annotations

from bot.core import versions
from bot.core.extract.stack import SERVING
from bot.core.releases import impossible
from bot.core.rules.compile import SNIP, Hit, Node, Pool
from bot.core.rules.env import derive_env
from bot.core.types import Facts


def lead_stack(runtimes: list[str]) -> list[str]:
    """The runtimes rules see: the leading one, then the libraries; a second serving engine the issue names is a
    comparison ("works in Ollama"), not the reporter's stack, so no rule keyed to it fires."""
    return runtimes[:1] + [r for r in runtimes[1:] if r not in SERVING]


class Scan:
    """Created by triage() for one issue and passed down to every rule kind; holds all per-issue memos."""

    def __init__(self, facts: Facts, ruleset=None, kind: str | None = None):
        self.facts, self.kind = facts, kind
        self.tables = ruleset.tables if ruleset is not None else None
        self.releases = getattr(ruleset, "releases", None)
        """The release table (rules/releases.yml): versions no release has are left out of `env`."""
        self.language, self.runtimes = facts.language, lead_stack(list(getattr(facts, "runtimes", ()) or ()))
        self.chosen: dict[str, str] = {}
        """Dimension -> the decided path (" - " joined), set as triage decides."""
        self.fired: dict[str, Hit] = {}
        """Evidence rule id -> the hit it fired on (spans are resolved only for the evidence a decision keeps)."""
        self._data: dict[tuple[str, ...], bytes] = {}
        self._texts: dict[str, str] = {}
        self._found: dict[Pool | tuple[Pool, int], tuple[frozenset[int], tuple[int, ...]]] = {}
        self._env: dict[str, str] | None = None
        self._versions: dict = {}
        self.memo: dict = {}
        """Per-issue results keyed by what they depend on (e.g. fixes scored given `chosen` and `kind`)."""

    @property
    def env(self) -> dict[str, str]:
        """The env with derived keys (computed on first use), without versions no release has (rules/releases.yml):
        "torch 2.21" is a typo, and no comparison may be drawn from it."""
        if self._env is None:
            env = derive_env(self.facts, self.tables)
            for verdict in impossible(self.releases, env) if self.releases is not None else ():
                env.pop(verdict.key, None)
            self._env = env
        return self._env

    def version(self, text: str | None):
        """versions.parse(text), once per issue (several rules compare the same env value)."""
        if text not in self._versions:
            self._versions[text] = versions.parse(text)
        return self._versions[text]

    def text(self, hay: str) -> str:
        """One haystack's text (joined once per scan: several haystack lists share it)."""
        got = self._texts.get(hay)
        if got is None:
            f = self.facts
            if hay == "code":
                got = "\n\n".join(f.code)
            elif hay == "errors":
                got = "\n".join(f"{e.type}: {e.message}" for e in f.errors)
            else:
                got = "\n".join(f"{k}={v}" for k, v in self.env.items()) if hay == "env" else getattr(f, hay, f.text)
            self._texts[hay] = got
        return got

    def data(self, hays: tuple[str, ...]) -> bytes:
        """A haystack list's texts joined by newlines, as UTF-8 (RE2 works on bytes), encoded once."""
        data = self._data.get(hays)
        if data is None:
            text = self.text(hays[0]) if len(hays) == 1 else "\n".join(self.text(h) for h in hays)
            data = self._data[hays] = text.encode("utf-8", "surrogatepass")
        return data

    def found(self, pool: Pool) -> frozenset[int]:
        """The pool's patterns that occur in its haystack list (one pass, then cached)."""
        got = self._found.get(pool)
        if got is None:
            branches = pool.set.branches_in(self.data(pool.key))
            got = self._found[pool] = (frozenset(pool.set.owners(branches)), branches)
        return got[0]

    def ruled_out(self, gate) -> bool:
        """True when none of a gate's (pool, pattern ids) pairs can match, judged only from pools already scanned (a
        gate never scans a pool: one not scanned yet leaves the answer False, for the nodes themselves to decide)."""
        found = self._found
        for pool, ids in gate:
            got = found.get(pool)
            if got is None or not got[0].isdisjoint(ids):
                return False
        return True

    def error_found(self, pool: Pool, i: int) -> frozenset[int]:
        """The pool's patterns that occur in one field (type, message, line) of error i (cached)."""
        got = self._found.get((pool, i))
        if got is None:
            e, field = self.facts.errors[i], pool.key[0]
            text = e.type if field == "error.type" else e.message if field == "error.message" else f"{e.type}: {e.message}"
            got = self._found[(pool, i)] = (frozenset(pool.set.match(text.encode("utf-8", "surrogatepass"))), ())
        return got[0]

    def holds(self, node: Node) -> bool:
        """True when the compiled condition holds for this issue."""
        return node.hit(self) is not None

    def resolve(self, hit: Hit) -> Hit:
        """The hit with its span and text (a pooled match is located only now: the earliest of its alternatives)."""
        if not hit.found:
            return hit
        data, best = self.data(hit.pool.key), (hit.alt, -1, -1)
        for alt, pid in hit.found:  # the first alternative on a tie
            a, b = hit.pool.set.span(pid, self._found[hit.pool][1], data)
            if a >= 0 and (best[1] < 0 or a < best[1]):
                best = (alt, a, b)
        span, text = self.locate(data[best[1]:best[2]].decode("utf-8", "replace") if best[1] >= 0 else "")
        return Hit(hit.hay, best[0], span, text)

    def locate(self, found: str) -> tuple[tuple[int, int] | None, str]:
        """The span of a matched snippet in the issue text (None if it was rewritten), and the snippet."""
        at = self.facts.text.find(found) if found else -1
        return ((at, at + len(found)) if at >= 0 else None), found[:SNIP]
