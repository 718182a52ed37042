"""COND -> condition nodes. One Compiler per RuleSet pools every `match` pattern per haystack list, so a Scan searches
each list once (one FilteredRE2 pass) whatever the number of rules; per-error and env regexes come from its bounded cache."""

from __future__ import annotations

from typing import NamedTuple

from bot.core import versions
from bot.core.patternset import PatternSet
from bot.core.rulefile import compile_re2
from bot.core.rules.schema import HAYS, Cond, EnvMatch, ErrorCond
from bot.core.sanitize import valid

SNIP = 80
OPS = ("<=", ">=", "==", "!=", "<", ">")


class Hit(NamedTuple):
    """Why a condition holds: the haystack, the regex alternative, and the text matched (its span in the issue text).

    A `match` hit is resolved lazily: `found` lists the (alternative, pooled pattern) pairs that occur until
    Scan.resolve picks the earliest match among them, as one alternation would."""

    hay: str = ""
    alt: int = -1
    span: tuple[int, int] | None = None
    text: str = ""
    found: tuple[tuple[int, int], ...] = ()


EMPTY = Hit()


class RegexCache:
    """Compiled RE2 regexes by pattern, at most `size` of them (the oldest is dropped first)."""

    def __init__(self, size: int = 4096):
        self.size, self._rx = size, {}

    def __call__(self, pattern: str):
        """The compiled regex (case-insensitive, no captures)."""
        rx = self._rx.get(pattern)
        if rx is None:
            if len(self._rx) >= self.size:
                del self._rx[next(iter(self._rx))]
            rx = self._rx[pattern] = compile_re2(pattern, captures=False)
        return rx


def alternatives(regex: str | list[str], fragments: dict) -> list[str]:
    """The regex's alternatives with `{{name}}` fragments inserted (an item that is only a fragment becomes its
    alternatives); ValueError names an unknown fragment."""
    out = []
    for pat in [regex] if isinstance(regex, str) else regex:
        name = pat[2:-2].strip() if pat.startswith("{{") and pat.endswith("}}") and pat.count("{{") == 1 else None
        if name is not None and isinstance(fragments.get(name), list):
            out += alternatives(fragments[name], fragments)
            continue
        while "{{" in pat:
            start = pat.index("{{")
            end = pat.index("}}", start)
            name = pat[start + 2:end].strip()
            if name not in fragments:
                raise ValueError(f"unknown pattern fragment {{{{{name}}}}}")
            frag = fragments[name]
            frag = "|".join(alternatives(frag, fragments)) if isinstance(frag, list) else frag
            pat = pat[:start] + "(?:" + frag + ")" + pat[end + 2:]
        out.append(pat)
    return out


class Node:
    """A compiled condition: `hit(scan)` is None when it does not hold; `score` ranks fix alternatives."""

    telling = False
    __slots__ = ()

    def score(self, scan) -> int:
        """How specific the condition is (fix ranking); only called when it holds."""
        return 0


class Match(Node):
    """A regex (alternatives) found in a haystack list."""

    telling = True
    __slots__ = ("hays", "ids", "rxs", "first")

    def __init__(self, hays: tuple[str, ...], ids: list[int] | None, rxs: list, first: str):
        self.hays, self.ids, self.rxs, self.first = hays, ids, rxs, first

    def hit(self, scan) -> Hit | None:
        if self.ids is not None:
            found = scan.found(self.hays)
            got = tuple((alt, pid) for alt, pid in enumerate(self.ids) if pid in found)
            return Hit("+".join(self.hays), got[0][0], found=got) if got else None
        data, best = scan.data(self.hays), None
        for alt, rx in enumerate(self.rxs):  # the earliest match; the first alternative on a tie
            m = rx.search(data)
            if m is not None and (best is None or m.start() < best[1].start()):
                best = (alt, m)
        if best is None:
            return None
        return Hit("+".join(self.hays), best[0], *scan.locate(best[1].group(0).decode("utf-8", "replace")))

    def score(self, scan) -> int:
        return 6 if self.first == "errors" else 1


class ErrorTest(Node):
    """One extracted error meets every sub-key."""

    telling = True
    __slots__ = ("type", "message", "line", "kinds", "packages")

    def __init__(self, c: ErrorCond, rx):
        self.type, self.message, self.line = (
            [rx(p) for p in ([v] if isinstance(v, str) else v)] if v is not None else None
            for v in (c.type, c.message, c.line))
        self.kinds = frozenset(c.kind) if c.kind else None
        self.packages = frozenset(c.package) if c.package else None

    def hit(self, scan) -> Hit | None:
        for e in scan.facts.errors:
            if self.kinds is not None and e.kind not in self.kinds:
                continue
            if self.packages is not None and e.package not in self.packages and not any(
                    f.package in self.packages for f in e.frames):
                continue
            line = f"{e.type}: {e.message}"
            if all(rxs is None or any(rx.search(text) for rx in rxs) for rxs, text in (
                    (self.type, e.type), (self.message, e.message), (self.line, line))):
                return Hit("errors", 0, e.span, line[:SNIP])
        return None

    def score(self, scan) -> int:
        return 6 * (self.type is not None or self.message is not None or self.line is not None) + 2 * (
            self.packages is not None)


class EnvTest(Node):
    """Tests on env keys (stated or derived); unknown values never satisfy a comparison."""

    telling = True
    __slots__ = ("tests",)

    def __init__(self, env: dict, rx):
        self.tests = []
        for key, test in env.items():
            if isinstance(test, EnvMatch):
                self.tests.append((key, "~", [rx(p) for p in ([test.matches] if isinstance(test.matches, str)
                                                             else test.matches)]))
                continue
            for part in test.split(","):
                part = part.strip()
                if part in ("present", "absent"):
                    self.tests.append((key, part, None))
                    continue
                op = next((o for o in OPS if part.startswith(o)), None)
                if op is None or not part[len(op):].strip():
                    raise ValueError(f"env {key}: expected present, absent, {{matches: RE}} or a comparison "
                                     f"such as '<2.1' or '>={{other_key}}', got {part!r}")
                self.tests.append((key, op, part[len(op):].strip()))

    def hit(self, scan) -> Hit | None:
        env, first = scan.env, None
        for key, op, arg in self.tests:
            val = env.get(key)
            if op == "absent":
                if val is not None:
                    return None
                continue
            if val is None:
                return None
            if op == "~":
                if not any(rx.search(valid(val)) for rx in arg):
                    return None
            elif op != "present":
                other = env.get(arg[1:-1]) if arg.startswith("{") else arg
                if not versions.compare(val, op, other):
                    return None
            if first is None:
                fact = scan.facts.env.get(key)
                first = Hit("env", 0, fact.span, f"{key}={fact.value}") if fact else Hit("env", 0, None, f"{key}={val}")
        return first or EMPTY

    def score(self, scan) -> int:
        return 2 * len(self.tests)

    def keys(self) -> list[str]:
        """Every env key read (references included)."""
        return [k for k, _, _ in self.tests] + [a[1:-1] for _, op, a in self.tests
                                                if isinstance(a, str) and a.startswith("{")]


class Prefix(Node):
    """The decided path of a dimension starts with one of the prefixes (case-insensitive)."""

    __slots__ = ("dim", "paths", "prefixes")

    def __init__(self, dim: str, prefixes: list[str]):
        self.dim, self.paths = dim, tuple(prefixes)
        self.prefixes = tuple((p.lower(), 2 * p.count(" - ") + 1) for p in prefixes)

    def hit(self, scan) -> Hit | None:
        path = scan.chosen.get(self.dim, "").lower()
        return EMPTY if any(path.startswith(p) for p, _ in self.prefixes) else None

    def score(self, scan) -> int:
        path = scan.chosen.get(self.dim, "").lower()
        return sum(w for p, w in self.prefixes if path.startswith(p))


class Among(Node):
    """A fact of the issue (language, kind) is one of the values; for runtimes, any of the issue's is."""

    __slots__ = ("attr", "values")

    def __init__(self, attr: str, values):
        self.attr, self.values = attr, frozenset(values)

    def hit(self, scan) -> Hit | None:
        got = getattr(scan, self.attr)
        ok = not self.values.isdisjoint(got) if isinstance(got, (list, tuple)) else got in self.values
        return EMPTY if ok else None


class All(Node):
    """Every child holds; the hit is the first telling child's."""

    __slots__ = ("children", "telling")

    def __init__(self, children: list[Node]):
        self.children = sorted(children, key=lambda c: c.telling)  # cheap, untelling tests first (stable)
        self.telling = any(c.telling for c in children)

    def hit(self, scan) -> Hit | None:
        first = None
        for c in self.children:
            h = c.hit(scan)
            if h is None:
                return None
            if first is None and h.hay:
                first = h
        return first or EMPTY

    def score(self, scan) -> int:
        return sum(c.score(scan) for c in self.children)


class Any(Node):
    """At least one child holds; the hit (and score) are the first holding child's."""

    __slots__ = ("children", "telling")

    def __init__(self, children: list[Node]):
        self.children, self.telling = children, any(c.telling for c in children)

    def hit(self, scan) -> Hit | None:
        return next((h for c in self.children if (h := c.hit(scan)) is not None), None)

    def score(self, scan) -> int:
        return next((c.score(scan) for c in self.children if c.hit(scan) is not None), 0)


class Not(Node):
    """The child does not hold."""

    __slots__ = ("child",)

    def __init__(self, child: Node):
        self.child = child

    def hit(self, scan) -> Hit | None:
        return EMPTY if self.child.hit(scan) is None else None


class Compiler:
    """Compiles CONDs for one RuleSet; `freeze()` then builds one PatternSet per haystack list."""

    def __init__(self, fragments: dict[str, str] | None = None, cache: RegexCache | None = None):
        self.fragments = dict(fragments or {})
        self.rx = cache or RegexCache()
        self.pools: dict[tuple[str, ...], dict[str, int]] = {}
        self.sets: dict[tuple[str, ...], PatternSet] | None = None

    def cond(self, c: Cond, fragments: dict[str, str] | None = None) -> Node:
        """The node for one COND (file fragments first, then the shared ones); ValueError names what is wrong."""
        frags = {**self.fragments, **(fragments or {})}
        parts: list[Node] = []
        if c.error is not None:
            parts.append(ErrorTest(c.error, self.rx))
        if c.env is not None:
            parts.append(EnvTest(c.env, self.rx))
        if c.match is not None:
            parts.append(self._match(c.match, c.in_, frags))
        for dim in ("symptom", "stage", "root_cause"):
            if getattr(c, dim) is not None:
                parts.append(Prefix(dim, getattr(c, dim)))
        for attr, values in (("language", [c.language] if c.language else None), ("runtimes", c.runtime),
                             ("kind", c.kind)):
            if values is not None:
                parts.append(Among(attr, values))
        if c.all is not None:
            parts.append(All([self.cond(x, fragments) for x in c.all]))
        if c.any is not None:
            parts.append(Any([self.cond(x, fragments) for x in c.any]))
        if c.not_ is not None:
            parts.append(Not(self.cond(c.not_, fragments)))
        return parts[0] if len(parts) == 1 else All(parts)

    def _match(self, regex, hays: list[str], frags: dict[str, str]) -> Match:
        """A Match node: its alternatives pooled for the haystack list (or compiled alone once frozen)."""
        key = tuple(h for h in HAYS if h in hays)
        pats = alternatives(regex, frags)
        rxs = [self.rx(p) for p in pats]  # compiled now: a bad regex fails at load
        if self.sets is not None:
            return Match(key, None, rxs, hays[0])
        pool = self.pools.setdefault(key, {})
        return Match(key, [pool.setdefault(p, len(pool)) for p in pats], rxs, hays[0])

    def extend(self) -> Compiler:
        """A compiler whose pools start as this one's (the nodes compiled so far stay valid) for more rules."""
        more = Compiler(self.fragments, self.rx)
        more.pools = {key: dict(pool) for key, pool in self.pools.items()}
        return more

    def freeze(self) -> Compiler:
        """Build the PatternSets; conditions compiled later search on their own."""
        self.sets = {key: PatternSet(pool, ignore_case=True) for key, pool in self.pools.items()}
        return self


def gates(node: Node) -> list[tuple[tuple[str, ...], list[int]]] | None:
    """Pooled patterns one of which must be found for the node to hold (None: no such cheap test)."""
    if isinstance(node, Match):
        return [(node.hays, node.ids)] if node.ids is not None else None
    if isinstance(node, All):
        return next((g for c in node.children if (g := gates(c)) is not None), None)
    if isinstance(node, Any):
        alts = [gates(c) for c in node.children]
        return [g for a in alts for g in a] if all(a is not None for a in alts) else None
    return None
