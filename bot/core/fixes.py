"""Known fixes: match conditions over errors, text, env and the predicted nodes; the most specific few are shown."""

from __future__ import annotations

from pathlib import Path

from pydantic import PrivateAttr, field_validator

from bot.core.compat import EnvCond, Tables, TextView, _load_list, _regex, _Strict, derive_env, load_tables
from bot.core.types import Facts, FixRef, Prediction

MAX_SHOWN = 3

# How much each kind of condition says about the issue: an error match is far more specific than a symptom prefix.
# `error` patterns are distinctive messages: they count wherever they appear outside env dumps (titles and prose
# often quote the error that the body's log does not show).
_HAYSTACK = {"error": "all", "prose": "prose", "code": "code", "text": "all"}
_WEIGHTS = {"error": 4, "error_type": 4, "package": 2, "env": 2, "code": 1, "prose": 1, "text": 1}
# A node prefix adds its depth (1 for "Crash", 3 for "Crash - CUDA Error - Out of Memory").


class Match(_Strict):
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
    _rx: dict = PrivateAttr(default_factory=dict)
    _not: object = PrivateAttr(default=None)

    def model_post_init(self, _ctx) -> None:
        """Compile the patterns; a condition-free match is an error."""
        self._not = _regex(self.not_text)
        for name in ("error", "error_type", "prose", "code", "text"):
            rx = _regex(getattr(self, name))
            if rx is not None:
                self._rx[name] = rx
        if not (self._rx or self.package or self.env or self.symptom or self.root_cause):
            raise ValueError("match has no conditions")

    def score(self, env: dict[str, str], view: TextView, facts: Facts, sym: str, cause: str) -> int:
        """The specificity score when every condition holds, else 0."""
        if self.symptom and not any(sym.startswith(p) for p in self.symptom):
            return 0
        if self.root_cause and not any(cause.startswith(p) for p in self.root_cause):
            return 0
        if self.package and not _packages(facts) & set(self.package):
            return 0
        if not all(c.holds(env) for c in self.env):
            return 0
        if self._not is not None and self._not.search(view.all):
            return 0
        for name, rx in self._rx.items():
            if name == "error_type":
                if not any(rx.search(e.type) for e in facts.errors):
                    return 0
            elif not rx.search(getattr(view, _HAYSTACK[name])):
                return 0
        total = sum(_WEIGHTS[n] for n in self._rx) + _WEIGHTS["env"] * len(self.env)
        total += _WEIGHTS["package"] * bool(self.package)
        total += sum(p.count(" - ") + 1 for p in self.symptom if sym.startswith(p))
        total += sum(p.count(" - ") + 1 for p in self.root_cause if cause.startswith(p))
        return total


def _packages(facts: Facts) -> set[str]:
    """The packages named by the errors and their traceback frames."""
    out = {e.package for e in facts.errors if e.package}
    out.update(f.package for e in facts.errors for f in e.frames if f.package)
    return out


class Fix(_Strict):
    """One known fix: a one-line remedy, an authoritative URL, and one or more alternative match conditions."""

    id: str
    title: str
    title_zh: str = ""
    url: str
    match: list[Match]
    _tables: Tables | None = PrivateAttr(default=None)

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


def load_fixes(path: Path) -> list[Fix]:
    """Load rules/fixes.yml (and the tables.yml next to it) into validated fixes."""
    fixes = _load_list(path, Fix, "fixes")
    tables_path = path.with_name("tables.yml")
    tables = load_tables(tables_path) if tables_path.exists() else None
    for f in fixes:
        f._tables = tables
    return fixes


def match_fixes(
    facts: Facts, symptom: Prediction | None, root_cause: Prediction | None, fixes: list[Fix]
) -> list[FixRef]:
    """The matching fixes, most specific first (ties keep file order), at most MAX_SHOWN."""
    if not fixes:
        return []
    env = derive_env(facts, fixes[0]._tables)
    view = TextView(facts)
    sym, cause = (symptom.name if symptom else ""), (root_cause.name if root_cause else "")
    scored = []
    for i, fix in enumerate(fixes):
        best = max(m.score(env, view, facts, sym, cause) for m in fix.match)
        if best:
            scored.append((-best, i, fix))
    scored.sort(key=lambda t: t[:2])
    return [FixRef(id=f.id, title=f.title, url=f.url, title_zh=f.title_zh) for _, _, f in scored[:MAX_SHOWN]]
