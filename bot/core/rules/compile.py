"""COND -> condition nodes. A Compiler pools every `match` pattern per haystack list (and error field), so a Scan
searches each pool once (one FilteredRE2 pass) whatever the number of rules; env regexes come from a bounded cache."""

from __future__ import annotations

from functools import lru_cache, partial
from typing import NamedTuple

from bot.core import versions
from bot.core.patternset import PatternSet
from bot.core.rulefile import compile_re2
from bot.core.rules.schema import HAYS, Cond, EnvMatch
from bot.core.sanitize import valid

SNIP = 80
OPS = ("<=", ">=", "==", "!=", "<", ">")


class Hit(NamedTuple):
    """Why a condition holds: the haystack, the regex alternative, the text matched and its span in the issue text
    (a `match` hit holds the (alternative, pattern) pairs of `pool` found, until Scan.resolve picks the earliest)."""

    hay: str = ""
    alt: int = -1
    span: tuple[int, int] | None = None
    text: str = ""
    pool: Pool | None = None
    found: tuple[tuple[int, int], ...] = ()


EMPTY = Hit()


def regex_cache(size: int = 4096):
    """Compiled RE2 regexes (case-insensitive, no captures) by pattern, at most `size` of them."""
    return lru_cache(maxsize=size)(partial(compile_re2, captures=False))


class Pool:
    """The patterns searched in one haystack list (or error field), as one PatternSet once built."""

    __slots__ = ("key", "pats", "set")

    def __init__(self, key: tuple[str, ...]):
        self.key, self.pats, self.set = key, {}, None

    def add(self, pats: list[str]) -> list[int]:
        """The ids of the patterns, added if new."""
        return [self.pats.setdefault(p, len(self.pats)) for p in pats]

    def build(self) -> Pool:
        """Compile the PatternSet."""
        self.set = PatternSet(self.pats, ignore_case=True)
        return self


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


def literal_len(pattern: str) -> int:
    """How specific a regex is: over its top-level alternatives, the fewest literal characters one must contain
    outside groups and classes (`unknown model architecture` 26, `llama[-_ ]?3` 6, `size mismatch for (?:x)?[\\w.]*weight`
    24)."""
    alts, run, best, depth, i = [], 0, 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):  # an escaped punctuation mark is a literal; \d, \s, \b are not
            if depth == 0 and not pattern[i + 1].isalnum():
                run += 1
            else:
                best, run = best + run, 0
            i += 2
            continue
        if c == "[":  # a character class ends the run
            best, run = best + run, 0
            end = pattern.find("]", i + 2)
            i = (end if end > 0 else len(pattern)) + 1
            continue
        if c in "?*{":  # the character before is optional (nothing to take back after a class or a group)
            best, run = best + max(run - 1, 0), 0
        elif c == "|" and depth == 0:
            alts.append(best + run)
            best = run = 0
        elif c in "().+^$|":
            best, run = best + run, 0
            depth += (c == "(") - (c == ")")
        elif depth == 0:
            run += 1
        i += 1
    alts.append(best + run)
    return min(alts)


class Match(Node):
    """A regex (alternatives) found in a haystack list."""

    telling = True
    __slots__ = ("pool", "ids", "first", "key", "pairs", "weights", "one")

    def __init__(self, pool: Pool, ids: list[int], first: str, weights: tuple[int, ...] = ()):
        self.pool, self.ids, self.first, self.key, self.pairs = pool, ids, first, "+".join(pool.key), tuple(enumerate(ids))
        self.weights = weights or (1,) * len(ids)
        self.one = Hit(self.key, 0, None, "", pool, self.pairs) if len(ids) == 1 else None
        """The hit of a single pattern (the same whenever it is found)."""

    def hit(self, scan) -> Hit | None:
        found = scan.found(self.pool)
        if self.one is not None:
            return self.one if self.ids[0] in found else None
        got = tuple(p for p in self.pairs if p[1] in found)
        return Hit(self.key, got[0][0], None, "", self.pool, got) if got else None

    def score(self, scan) -> int:
        """6 for an error pattern; otherwise by the literal length of the least specific alternative found:
        a long phrase (`unknown model architecture`) tells more than a word (`llama`)."""
        if self.first == "errors":
            return 6
        found = scan.found(self.pool)
        return min((w for (_, pid), w in zip(self.pairs, self.weights) if pid in found), default=1)


class ErrorTest(Node):
    """One extracted error meets every sub-key (its type, message and `Type: message` line are pooled per field)."""

    telling = True
    __slots__ = ("fields", "kinds", "packages")

    def __init__(self, fields: list[tuple[Pool, list[int]]], kinds, packages):
        self.fields = fields
        self.kinds, self.packages = (frozenset(v) if v else None for v in (kinds, packages))

    def hit(self, scan) -> Hit | None:
        for i, e in enumerate(scan.facts.errors):
            if self.kinds is not None and e.kind not in self.kinds:
                continue
            if self.packages is not None and e.package not in self.packages and not any(
                    f.package in self.packages for f in e.frames):
                continue
            if all(not scan.error_found(pool, i).isdisjoint(ids) for pool, ids in self.fields):
                return Hit("errors", 0, e.span, f"{e.type}: {e.message}"[:SNIP])
        return None

    def score(self, scan) -> int:
        """6 for an error text pattern, 3 for an error kind alone; 2 more for its package."""
        return (6 if self.fields else 3 * (self.kinds is not None)) + 2 * (self.packages is not None)


class EnvTest(Node):
    """Tests on env keys (stated or derived); unknown values never satisfy a comparison."""

    telling = True
    __slots__ = ("tests", "needs")

    def __init__(self, env: dict, rx):
        self.tests = []
        for key, test in env.items():
            if isinstance(test, EnvMatch):
                self.tests.append((key, "~", [rx(p) for p in ([test.matches] if isinstance(test.matches, str)
                                                             else test.matches)]))
                continue
            for part in (p.strip() for p in test.split(",")):
                op = part if part in ("present", "absent") else next((o for o in OPS if part.startswith(o)), None)
                if op is None or (op in OPS and not part[len(op):].strip()):
                    raise ValueError(f"env {key}: expected present, absent, {{matches: RE}} or a comparison "
                                     f"such as '<2.1' or '>={{other_key}}', got {part!r}")
                arg = part[len(op):].strip()  # a constant to compare with is parsed once, here
                self.tests.append((key, op, arg if op not in OPS or arg.startswith("{") else versions.parse(arg)))
        self.needs = frozenset(k for k in self.keys() if (k, "absent", "") not in self.tests)

    def hit(self, scan) -> Hit | None:
        env, first = scan.env, None
        if not self.needs <= env.keys():  # every test but `absent` reads a stated value
            return None
        for key, op, arg in self.tests:
            val = env.get(key)
            if op == "absent":
                if val is not None:
                    return None
                continue
            if op == "~" and not any(rx.search(valid(val)) for rx in arg):
                return None
            if op in OPS and not versions.holds(scan.version(val), op,
                                                 scan.version(env.get(arg[1:-1])) if isinstance(arg, str) else arg):
                return None
            if first is None:
                fact = scan.facts.env.get(key)
                first = Hit("env", 0, fact.span, f"{key}={fact.value}") if fact else Hit("env", 0, None, f"{key}={val}")
        return first or EMPTY

    def score(self, scan) -> int:
        """3 per stated fact the fix's precondition tests (a model, a version range)."""
        return 3 * len(self.tests)

    def keys(self) -> list[str]:
        """Every env key read (references included)."""
        return [k for k, _, _ in self.tests] + [a[1:-1] for _, op, a in self.tests if op in OPS and isinstance(a, str)]


class SettingTest(Node):
    """A flag or config key the issue sets (`--gpu-memory-utilization 0.95`, `gpu_memory_utilization=0.95`,
    `gpu_memory_utilization: 0.95`; `-` and `_` alike) to a number that passes every comparison."""

    telling = True
    __slots__ = ("name", "rx", "tests")

    def __init__(self, name: str, test: str):
        if not _NAME.fullmatch(name):
            raise ValueError(f"setting {name}: expected a flag or key name such as gpu_memory_utilization")
        self.name, self.tests = name, []
        for part in (p.strip() for p in test.split(",")):
            op = next((o for o in OPS if part.startswith(o)), None)
            try:
                self.tests.append((op, float(part[len(op):]) if op else None))
            except ValueError:
                op = None
            if op is None:
                raise ValueError(f"setting {name}: expected comparisons with numbers such as '>=0.9', got {part!r}")
        words = "[-_]".join(w for w in name.replace("-", "_").split("_") if w)
        self.rx = compile_re2(rf"(?:^|[^a-z0-9_])-{{0,2}}{words}[\"'`]?(?:[ \t]*[=:][ \t]*|(?:[ \t]+(?:is|already|set|to|at))*[ \t]+)"
                              r"[\"'`]?(\d*\.?\d+)")

    def hit(self, scan) -> Hit | None:
        for m in self.rx.finditer(scan.facts.text[:200_000]):
            value = float(m.group(1))
            if all(versions.COMPARE[op](value, arg) for op, arg in self.tests):
                return Hit("whole", 0, m.span(), m.group(0).strip()[:SNIP])
        return None

    def score(self, scan) -> int:
        """3 per comparison, like a stated env fact."""
        return 3 * len(self.tests)


_NAME = compile_re2(r"[a-z][a-z0-9_-]*[a-z0-9]", ignore_case=False)


class Prefix(Node):
    """The decided path of a dimension starts with one of the prefixes (case-insensitive)."""

    __slots__ = ("dim", "paths", "prefixes", "starts")

    def __init__(self, dim: str, prefixes: list[str]):
        self.dim, self.paths = dim, tuple(prefixes)
        self.prefixes = tuple((p.lower(), 2 * p.count(" - ") + 1) for p in prefixes)
        self.starts = tuple(p for p, _ in self.prefixes)

    def hit(self, scan) -> Hit | None:
        path = scan.chosen.get(self.dim)
        return EMPTY if path is not None and path.lower().startswith(self.starts) else None

    def score(self, scan) -> int:
        path = scan.chosen.get(self.dim, "").lower()
        return sum(w for p, w in self.prefixes if path.startswith(p))


def _weight(literal: int) -> int:
    """A prose pattern's fix-ranking score from its literal length: a 24+ character phrase is a message as telling as
    an error pattern (6: `BPE pre-tokenizer was not recognized`), 20+ scores 4, 12+ scores 2, a word 1."""
    return 6 if literal >= 24 else 4 if literal >= 20 else 2 if literal >= 12 else 1


class Among(Node):
    """A fact of the issue (language, kind) is one of the values; for runtimes, any of the issue's is."""

    __slots__ = ("attr", "values")

    def __init__(self, attr: str, values):
        self.attr, self.values = attr, frozenset(values)

    def hit(self, scan) -> Hit | None:
        got = getattr(scan, self.attr)
        ok = not self.values.isdisjoint(got) if isinstance(got, (list, tuple)) else got in self.values
        return EMPTY if ok else None

    def score(self, scan) -> int:
        """4 when a runtime condition names the issue's own (first) runtime: the fix fits this reporter's stack."""
        got = scan.runtimes if self.attr == "runtimes" else ()
        return 4 if got and got[0] in self.values else 0


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


class Any(All):
    """At least one child holds; the hit (and score) are the first holding child's."""

    def __init__(self, children: list[Node]):
        self.children, self.telling = children, any(c.telling for c in children)

    def hit(self, scan) -> Hit | None:
        for c in self.children:
            h = c.hit(scan)
            if h is not None:
                return h
        return None

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
    """Compiles CONDs for one RuleSet; `freeze()` then builds one PatternSet per pool (later CONDs get their own)."""

    def __init__(self, fragments: dict | None = None, cache=None):
        self.fragments, self.rx = dict(fragments or {}), cache or regex_cache()
        self.pools: dict[tuple[str, ...], Pool] = {}
        self.frozen = False

    def cond(self, c: Cond, fragments: dict | None = None) -> Node:
        """The node for one COND (file fragments first, then the shared ones); ValueError names what is wrong."""
        frags = {**self.fragments, **(fragments or {})}
        parts: list[Node] = []
        if c.error is not None:
            parts.append(ErrorTest([self._pooled(("error." + f,), getattr(c.error, f), frags) for f in
                                    ("type", "message", "line") if getattr(c.error, f) is not None],
                                   c.error.kind, c.error.package))
        if c.env is not None:
            parts.append(EnvTest(c.env, self.rx))
        parts += [SettingTest(name, test) for name, test in (c.setting or {}).items()]
        if c.match is not None:
            pool, ids = self._pooled(tuple(h for h in HAYS if h in c.in_), c.match, frags)
            parts.append(Match(pool, ids, c.in_[0], tuple(_weight(literal_len(p)) for p in alternatives(c.match, frags))))
        parts += [Prefix(dim, getattr(c, dim)) for dim in ("symptom", "stage", "root_cause") if getattr(c, dim)]
        parts += [Among(attr, v) for attr, v in (("language", [c.language] if c.language else None),
                                                 ("runtimes", c.runtime), ("kind", c.kind)) if v is not None]
        for cls, sub in ((All, c.all), (Any, c.any)):
            if sub is not None:
                parts.append(cls([self.cond(x, fragments) for x in sub]))
        if c.not_ is not None:
            parts.append(Not(self.cond(c.not_, fragments)))
        return parts[0] if len(parts) == 1 else All(parts)

    def _pooled(self, key: tuple[str, ...], regex, frags: dict) -> tuple[Pool, list[int]]:
        """The pool for the key and the ids of the regex's alternatives in it (a pool of their own once frozen)."""
        pats = alternatives(regex, frags)
        self.rx("|".join(pats))  # a bad regex fails at load, naming its rule
        pool = Pool(key) if self.frozen else self.pools.setdefault(key, Pool(key))
        ids = pool.add(pats)
        return pool.build() if self.frozen else pool, ids

    def extend(self) -> Compiler:
        """A compiler for more rules: their patterns go in pools of their own (the nodes compiled so far are kept)."""
        return Compiler(self.fragments, self.rx)

    def freeze(self) -> Compiler:
        """Build every pool's PatternSet."""
        for pool in self.pools.values():
            pool.build()
        self.frozen = True
        return self


def decided(node: Node) -> bool:
    """True when the node reads what triage decides as it goes: a dimension's path or the issue kind."""
    if isinstance(node, Prefix) or (isinstance(node, Among) and node.attr == "kind"):
        return True
    if isinstance(node, Not):
        return decided(node.child)
    return isinstance(node, All) and any(decided(c) for c in node.children)


def gates(node: Node) -> list[tuple[Pool, list[int]]] | None:
    """Pooled patterns one of which must be found for the node to hold (None: no such cheap test)."""
    if isinstance(node, Match):
        return [(node.pool, node.ids)]
    if isinstance(node, Any):
        alts = [gates(c) for c in node.children]
        return [g for a in alts for g in a] if all(a is not None for a in alts) else None
    if isinstance(node, All):
        return next((g for c in node.children if (g := gates(c)) is not None), None)
    return None
