"""Known fixes: match conditions over errors, text, env and the predicted nodes; the most specific few are shown."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import PrivateAttr, field_validator

from bot.core.compat import Tables, derive_env, load_tables
from bot.core.conditions import EnvCond, Pattern, PatternBank, Strict, TextView, load_list, pattern, view_of
from bot.core.types import Facts, FixRef, Prediction

MAX_SHOWN = 3

# How much each kind of condition says about the issue: an error match is far more specific than a symptom prefix.
# `error` patterns are distinctive messages: they count wherever they appear outside env dumps (titles and prose
# often quote the error that the body's log does not show).
_HAYSTACK = {"error": "all", "prose": "prose", "code": "code", "text": "all"}
_WEIGHTS = {"error": 6, "error_type": 6, "package": 2, "env": 2, "code": 1, "prose": 1, "text": 1}
# A node prefix adds 2 * depth - 1: a leaf ("Crash - CUDA Error - Out of Memory": 5) outranks a parent plus a keyword.


class Match(Strict):
    """All given conditions must hold. Regexes are RE2, case-insensitive; node lists match by path prefix (any)."""

    error: str | None = None
    error_type: str | None = None
    package: list[str] = []
    prose: str | None = None
    code: str | None = None
    text: str | None = None
    not_text: str | None = None
    env: list[EnvCond] = []
    symptom: list[str] = []
    root_cause: list[str] = []
    @cached_property
    def pats(self) -> dict[str, Pattern]:
        """The compiled patterns by condition name."""
        found = {n: pattern(getattr(self, n)) for n in ("error", "error_type", "prose", "code", "text")}
        return {n: p for n, p in found.items() if p is not None}

    @cached_property
    def not_pat(self) -> Pattern | None:
        """The compiled not_text pattern."""
        return pattern(self.not_text)

    def model_post_init(self, _ctx) -> None:
        """Compile the patterns now; a condition-free match is an error."""
        _ = self.not_pat
        if not (self.pats or self.package or self.env or self.symptom or self.root_cause):
            raise ValueError("match has no conditions")

    def fits(self, sym: str, cause: str) -> bool:
        """True when the symptom and root-cause conditions hold (the others aside)."""
        return (not self.symptom or any(sym.startswith(p) for p in self.symptom)) and (
            not self.root_cause or any(cause.startswith(p) for p in self.root_cause))

    def score(self, env: dict[str, str], view: TextView, facts: Facts, sym: str, cause: str) -> int:
        """The specificity score when every condition holds, else 0 (text patterns first: they rule out the most)."""
        for name, rx in self.pats.items():
            if name == "error_type":
                if not any(rx.rx.search(e.type) for e in facts.errors):
                    return 0
            elif not rx.found(view, _HAYSTACK[name]):
                return 0
        if self.symptom and not any(sym.startswith(p) for p in self.symptom):
            return 0
        if self.root_cause and not any(cause.startswith(p) for p in self.root_cause):
            return 0
        if self.package and not _packages(facts) & set(self.package):
            return 0
        if self.env and not all(c.holds(env) for c in self.env):
            return 0
        if self.not_pat is not None and self.not_pat.found(view):
            return 0
        total = sum(_WEIGHTS[n] for n in self.pats) + _WEIGHTS["env"] * len(self.env)
        total += _WEIGHTS["package"] * bool(self.package)
        total += sum(2 * p.count(" - ") + 1 for p in self.symptom if sym.startswith(p))
        total += sum(2 * p.count(" - ") + 1 for p in self.root_cause if cause.startswith(p))
        return total


def _packages(facts: Facts) -> set[str]:
    """The packages named by the errors and their traceback frames."""
    out = {e.package for e in facts.errors if e.package}
    out.update(f.package for e in facts.errors for f in e.frames if f.package)
    return out


class Fix(Strict):
    """One known fix: a one-line remedy, an authoritative URL, and one or more alternative match conditions."""

    id: str
    title: str
    title_zh: str = ""
    url: str
    match: list[Match]
    _tables: Tables | None = PrivateAttr(default=None)
    _index: FixIndex | None = PrivateAttr(default=None)

    @field_validator("match", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        """Accept a single condition mapping or a list of alternatives."""
        return [v] if isinstance(v, dict) else v

    @field_validator("url")
    @classmethod
    def _https(cls, v: str) -> str:
        """Links must be https."""
        if not v.startswith("https://"):
            raise ValueError("url must start with https://")
        return v


class FixIndex:
    """Fix alternatives keyed by one pattern each must find, so an issue scores only the alternatives that can match."""

    def __init__(self, fixes: list[Fix]):
        def on(hay: str) -> list[Pattern]:
            """The patterns searched in one haystack (not_text patterns look at `all`)."""
            pats = [p for f in fixes for m in f.match for n, p in m.pats.items() if _HAYSTACK.get(n) == hay]
            return pats + [m.not_pat for f in fixes for m in f.match if m.not_pat] if hay == "all" else pats

        # one pass over each haystack per issue; a haystack no pattern looks at is not scanned at all
        self.banks = {h: PatternBank(pats) for h in ("all", "prose", "code") if (pats := on(h))}
        self.fixes = list(fixes)
        self.order = {id(f): i for i, f in enumerate(fixes)}
        self._fitting: dict[tuple[str, str], list[tuple[Fix, Match]]] = {}
        self.gated: dict[tuple[str, int], list[tuple[Fix, Match]]] = {}
        self.ungated: list[tuple[Fix, Match]] = []
        for f in fixes:
            for m in f.match:
                gate = next(((_HAYSTACK[n], p.index) for n, p in m.pats.items() if n in _HAYSTACK), None)
                (self.gated.setdefault(gate, []) if gate else self.ungated).append((f, m))

    def candidates(self, view: TextView, sym: str | None = None, cause: str | None = None) -> list[tuple[Fix, Match]]:
        """The alternatives whose gate pattern occurs in this issue, plus those without one (given the symptom and
        root cause: only those whose node conditions hold, memoised per pair)."""
        if sym is None or cause is None:
            out = list(self.ungated)
        else:
            fitting = self._fitting.get((sym, cause))
            if fitting is None:
                fitting = [(f, m) for f, m in self.ungated if m.fits(sym, cause)]
                if len(self._fitting) < 4096:
                    self._fitting[(sym, cause)] = fitting
            out = list(fitting)
        for hay, bank in self.banks.items():
            for i in view.hits(bank, hay):
                out.extend(self.gated.get((hay, i), ()))
        return out


def load_fixes(path: Path) -> list[Fix]:
    """Load rules/fixes.yml (and the tables.yml next to it) into validated fixes."""
    fixes = load_list(path, Fix, "fixes")
    index = FixIndex(fixes)
    tables_path = path.with_name("tables.yml")
    tables = load_tables(tables_path) if tables_path.exists() else None
    for f in fixes:
        f._tables, f._index = tables, index
    return fixes


def match_fixes(
    facts: Facts, symptom: Prediction | None, root_cause: Prediction | None, fixes: list[Fix]
) -> list[FixRef]:
    """The matching fixes, most specific first (ties keep file order), at most MAX_SHOWN."""
    if not fixes:
        return []
    env = derive_env(facts, fixes[0]._tables)
    view = view_of(facts)
    sym, cause = (symptom.name if symptom else ""), (root_cause.name if root_cause else "")
    index = fixes[0]._index  # private attributes are slow: read once
    if index is not None and fixes == index.fixes:  # the list as loaded (identity checks only)
        order, pairs = index.order, index.candidates(view, sym, cause)
    else:  # a filtered or hand-made list: score every alternative
        order, pairs = {id(f): i for i, f in enumerate(fixes)}, [(f, m) for f in fixes for m in f.match]
    best: dict[int, int] = {}
    for fix, m in pairs:
        if id(fix) in order:
            score = m.score(env, view, facts, sym, cause)
            if score > best.get(id(fix), 0):
                best[id(fix)] = score
    ranked = sorted(best, key=lambda k: (-best[k], order[k]))[:MAX_SHOWN]
    return [FixRef(id=f.id, title=f.title, url=f.url, title_zh=f.title_zh) for f in (fixes[order[k]] for k in ranked)]
