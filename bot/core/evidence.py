"""Evidence rules (rules/evidence/*.yml): pydantic-validated conditions over Facts, matched into Evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import re2
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.patternset import PatternSet
from bot.core.rulefile import RulesError, compile_re2, load_yaml
from bot.core.types import Evidence, Facts

ErrorKind = Literal["python", "cuda", "oom", "nccl", "killed", "segfault", "terminate", "build", "http", "other"]
_REGEX_FIELDS = ("title", "prose", "text", "code", "error", "error_type", "error_message")
_SNIP = 80


class Conditions(BaseModel):
    """What must hold for a rule to fire; every field given must match (AND). Regexes are RE2, case-insensitive."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = None
    prose: str | None = None
    """The human prose (title included), outside code, logs and env dumps."""
    text: str | None = None
    """The whole issue text, logs and dumps included."""
    code: str | None = None
    error: str | None = None
    """Any error's "Type: message"."""
    error_type: str | None = None
    error_message: str | None = None
    error_kind: list[ErrorKind] | None = None
    package: list[str] | None = None
    """Any error whose owning package, or any of whose frames' packages, is one of these."""
    env: dict[str, str] | None = None
    """Env key -> regex its value must match ("" means: the key is stated)."""
    env_missing: list[str] | None = None
    language: Literal["en", "zh"] | None = None
    symptom: str | None = None
    """The symptom already chosen starts with this path (root-cause and stage rules only)."""
    stage: str | None = None
    """The stage already chosen is this (root-cause rules only)."""
    any: list[Conditions] | None = None
    """At least one of these condition sets must hold (OR), e.g. an extracted error or the same words in the title."""

    @field_validator("package", "env_missing", "any")
    @classmethod
    def _nonempty(cls, v):
        """An empty list would never match; reject it."""
        if v is not None and not v:
            raise ValueError("must not be empty")
        return v

    def compile(self) -> None:
        """Compile every regex with RE2 (cached by pattern); ValueError names the bad one."""
        for name in _REGEX_FIELDS:
            pat = getattr(self, name)
            if pat is not None:
                _rx(pat)
        for pat in (self.env or {}).values():
            if pat:
                _rx(pat)
        for alt in self.any or ():
            alt.compile()

    def patterns(self) -> list[tuple[str, str]]:
        """Every (field, pattern) this condition set and its `any` alternatives use."""
        out = [(f, getattr(self, f)) for f in _REGEX_FIELDS if getattr(self, f) is not None]
        for alt in self.any or ():
            out += alt.patterns()
        return out

    def match(self, scan: Scan, chosen: dict[str, str]) -> tuple | None:
        """A reference to the most telling match when every condition holds, else None."""
        facts = scan.facts
        hits: list[tuple] = []
        if self.language is not None and facts.language != self.language:
            return None
        if self.symptom is not None and not chosen.get("symptom", "").lower().startswith(self.symptom.lower()):
            return None
        if self.stage is not None and chosen.get("stage", "").lower() != self.stage.lower():
            return None
        if (self.error_kind is not None or self.package is not None or self.error is not None
                or self.error_type is not None or self.error_message is not None):
            hit = self._match_errors(scan)
            if hit is None:
                return None
            hits.append(hit)
        for key in self.env_missing or ():
            if key in facts.env:
                return None
        for key, pat in (self.env or {}).items():
            fact = facts.env.get(key)
            if fact is None or (pat and _rx(pat).search(fact.value.encode("utf-8", "surrogatepass")) is None):
                return None
            hits.append(("span", fact.span, f"{key}={fact.value}"))
        for name in ("title", "prose", "text", "code"):
            pat = getattr(self, name)
            if pat is not None:
                if not scan.has(name, pat):
                    return None
                hits.append(("re", name, pat))
        if self.any is not None:
            hit = next((h for alt in self.any if (h := alt.match(scan, chosen)) is not None), None)
            if hit is None:
                return None
            hits.append(hit)
        return hits[0] if hits else ("span", None, "")

    def _match_errors(self, scan: Scan) -> tuple | None:
        """The first error meeting every error condition at once."""
        for i, e in enumerate(scan.facts.errors):
            if self.error_kind is not None and e.kind not in self.error_kind:
                continue
            if self.package is not None and e.package not in self.package and not any(
                f.package in self.package for f in e.frames
            ):
                continue
            if any(pat is not None and not scan.error_has(i, field, pat) for field, pat in (
                ("error_type", self.error_type), ("error_message", self.error_message), ("error", self.error),
            )):
                continue
            return "span", e.span, f"{e.type}: {e.message}"[:_SNIP]
        return None


_RX: dict[str, Any] = {}
_UNANCHORED = re2._Anchor.UNANCHORED


def _rx(pattern: str):
    """The compiled RE2 regex for a pattern (case-insensitive, groups not captured), compiled once per process."""
    rx = _RX.get(pattern)
    if rx is None:
        rx = _RX[pattern] = compile_re2(pattern, captures=False)
    return rx


class PatternIndex:
    """All regexes of some rules, one PatternSet per field, so each field of an issue is scanned once."""

    def __init__(self, rules: list[Conditions]):
        by_field: dict[str, list[str]] = {}
        for rule in rules:
            for cond in (rule, getattr(rule, "unless", None)):
                for field, pat in cond.patterns() if cond is not None else ():
                    if pat not in by_field.setdefault(field, []):
                        by_field[field].append(pat)
        self._sets = {field: (PatternSet(pats, ignore_case=True), {p: i for i, p in enumerate(pats)})
                      for field, pats in by_field.items()}
        self._plans: dict[int, tuple[list, list[tuple]]] = {}

    def plan(self, rules: list[Rule]) -> tuple:
        """Rules bucketed by the cheap condition they cannot fire without: a pattern, errors, or the symptom."""
        cached = self._plans.get(id(rules))
        if cached is None or cached[0] is not rules:
            by_pattern: dict[tuple[str, str], list[int]] = {}
            on_errors, on_symptom, always = [], [], []
            on_kind: list[tuple[frozenset[str], int]] = []
            for i, rule in enumerate(rules):
                gate = self._gate(rule)
                if gate is None:
                    always.append(i)
                for g in gate or ():
                    if g[0] in (1, 4):  # a text pattern, or a pattern some error's field must match
                        by_pattern.setdefault((g[1], g[2]), []).append(i)
                    elif g[0] == 2:
                        on_errors.append(i)
                    elif g[0] == 5:
                        on_kind.append((g[1], i))
                    else:
                        on_symptom.append((g[1], i))
            by_field: dict[str, dict[str, list[int]]] = {}
            for (field, pat), idx in by_pattern.items():
                by_field.setdefault(field, {})[pat] = idx
            plan = (by_field, on_errors, on_symptom, always, on_kind)
            cached = self._plans[id(rules)] = (rules, plan)
        return cached[1]

    def _gate(self, rule: Conditions) -> tuple | None:
        """Cheap necessary conditions, any of which must hold: an indexed text pattern, an indexed pattern of some
        error's field, an error of some kind, any error, or the symptom chosen."""
        for field in ("text", "prose", "title", "code"):
            pat = getattr(rule, field)
            if pat is not None and self.indexed(field, pat):
                return ((1, field, pat),)
        for field in ("error_type", "error_message", "error"):
            pat = getattr(rule, field)
            if pat is not None and self.indexed(field, pat):
                return ((4, field, pat),)
        if rule.error_kind is not None:
            return ((5, frozenset(rule.error_kind)),)
        if rule.package is not None:
            return ((2,),)
        if rule.symptom is not None:
            return ((3, rule.symptom.lower()),)
        if rule.any:
            alts = [self._gate(alt) for alt in rule.any]
            if all(alts):
                return tuple(g for alt in alts for g in alt)
        return None

    def matching(self, field: str, text: str | bytes) -> tuple[frozenset[str], tuple[int, ...]]:
        """The indexed patterns of a field that match `text`, and the alternatives found (what `span` needs)."""
        entry = self._sets.get(field)
        if entry is None:
            return frozenset(), ()
        found = entry[0].branches_in(text)
        pats = entry[0].patterns
        return frozenset(pats[i] for i in entry[0].owners(found)), found

    def span(self, field: str, pattern: str, found: tuple[int, ...], data: bytes) -> tuple[int, int] | None:
        """The byte span of an indexed pattern's match in the field's `data`, given `matching`'s alternatives found;
        None when the pattern is not indexed for the field."""
        entry = self._sets.get(field)
        i = entry[1].get(pattern) if entry is not None else None
        return None if i is None else entry[0].span(i, found, data)

    def indexed(self, field: str, pattern: str) -> bool:
        """True when the pattern is in the field's Set."""
        entry = self._sets.get(field)
        return entry is not None and pattern in entry[1]

    def scan(self, facts: Facts) -> Scan:
        """A per-issue view that finds matching patterns lazily, one field at a time."""
        return Scan(facts, self)


class Scan:
    """One issue's fields and the patterns found in each (computed on first use)."""

    def __init__(self, facts: Facts, index: PatternIndex):
        self.facts, self.index = facts, index
        self._hits: dict[tuple, frozenset[str]] = {}
        self._found: dict[tuple, tuple[int, ...]] = {}
        self._bytes: dict[tuple, bytes] = {}
        self.pending: dict[int, tuple[Evidence, tuple]] = {}
        """Evidence fired without its span, and the match to find it from."""

    def resolved(self, ev: Evidence) -> Evidence:
        """The evidence with its span and snippet (found now if it was fired with `resolve=False`)."""
        entry = self.pending.get(id(ev))
        if entry is None or entry[0] is not ev:
            return ev
        span, snippet = self.resolve(entry[1])
        return Evidence(rule=ev.rule, node=ev.node, weight=ev.weight, span=span, text=snippet)

    def encoded(self, field: str, error: int | None = None) -> bytes:
        """The field's text as UTF-8, encoded once (RE2 works on bytes)."""
        data = self._bytes.get((field, error))
        if data is None:
            data = self._bytes[(field, error)] = self.source(field, error).encode("utf-8", "surrogatepass")
        return data

    def source(self, field: str, error: int | None = None) -> str:
        """The text a field's patterns run on."""
        f = self.facts
        if error is not None:
            e = f.errors[error]
            return e.type if field == "error_type" else e.message if field == "error_message" else f"{e.type}: {e.message}"
        if field == "code":
            return "\n\n".join(f.code)
        return f.title if field == "title" else f.prose if field == "prose" else f.text

    def hits(self, field: str, error: int | None = None) -> frozenset[str]:
        """The indexed patterns that match the field."""
        hits = self._hits.get((field, error))
        if hits is None:
            hits, self._found[(field, error)] = self.index.matching(field, self.encoded(field, error))
            self._hits[(field, error)] = hits
        return hits

    def has(self, field: str, pattern: str, error: int | None = None) -> bool:
        """True when `pattern` matches the field (of one error, when `error` is given)."""
        if pattern in self.hits(field, error):
            return True
        return not self.index.indexed(field, pattern) and _rx(pattern).search(self.encoded(field, error)) is not None

    def error_has(self, error: int, field: str, pattern: str) -> bool:
        """True when `pattern` matches a field of one error."""
        return self.has(field, pattern, error)

    def resolve(self, hit: tuple) -> tuple[tuple[int, int] | None, str]:
        """(span, snippet) for a match reference from Conditions.match."""
        if hit[0] == "span":
            return hit[1], hit[2]
        _, field, pat = hit
        data = self.encoded(field)
        found = self._found.get((field, None))
        got = self.index.span(field, pat, found, data) if found is not None else None
        a, b = got if got is not None else _rx(pat)._regexp.Match(_UNANCHORED, data, 0, len(data))[0]
        return _locate(self.facts, data[a:b].decode("utf-8", "replace") if a >= 0 else "")


def _locate(facts: Facts, found: str) -> tuple[tuple[int, int] | None, str]:
    """The span of a matched snippet in the issue text (None if it was rewritten), and the snippet."""
    at = facts.text.find(found) if found else -1
    return ((at, at + len(found)) if at >= 0 else None), found[:_SNIP]


class Rule(Conditions):
    """One evidence rule: when its conditions hold (and `unless` does not), it adds `weight` to `node`."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    node: str
    weight: float
    unless: Conditions | None = None
    why: str | None = None

    @model_validator(mode="after")
    def _has_condition(self) -> Rule:
        """A rule with no condition would fire on every issue."""
        conds = {k: v for k, v in self.__dict__.items() if k not in ("id", "node", "weight", "unless", "why")}
        if not any(v is not None for v in conds.values()):
            raise ValueError("has no condition")
        if self.weight == 0:
            raise ValueError("weight must not be 0")
        return self

    def fire(self, scan: Scan, chosen: dict[str, str], resolve: bool = True) -> Evidence | None:
        """The Evidence this rule contributes to the scanned issue, or None.

        With `resolve=False` the span and snippet are left for `Scan.resolved` (only the evidence a decision keeps
        needs them).
        """
        hit = self.match(scan, chosen)
        if hit is None or (self.unless is not None and self.unless.match(scan, chosen) is not None):
            return None
        if not resolve:
            ev = Evidence(rule=self.id, node=self.node, weight=self.weight)
            scan.pending[id(ev)] = (ev, hit)
            return ev
        span, snippet = scan.resolve(hit)
        return Evidence(rule=self.id, node=self.node, weight=self.weight, span=span, text=snippet)


class Settings(BaseModel):
    """How one dimension's evidence becomes a decision: per-level thresholds and priors."""

    model_config = ConfigDict(extra="forbid")
    min_score: list[float] = Field(min_length=1)
    """Level k is decided only when its best node's support reaches min_score[k-1]."""
    min_confidence: list[float] = Field(min_length=1)
    """...and its share of the support among its siblings (plus `smoothing`) reaches min_confidence[k-1]."""
    smoothing: float = Field(default=1.0, ge=0)
    label_confidence: float = Field(default=0.6, ge=0, le=1)
    """Labels under this confidence are posted as suggestions."""
    prior: dict[str, float] = Field(default_factory=dict)
    """Node path -> support every issue starts with."""


class EvidenceFile(BaseModel):
    """One rules/evidence/*.yml file: a dimension, optional settings and its rules."""

    model_config = ConfigDict(extra="forbid")
    dimension: Literal["symptom", "root_cause", "stage"]
    settings: Settings | None = None
    rules: list[dict] = Field(default_factory=list)


def parse_evidence(data: Any, file: str | Path) -> tuple[str, Settings | None, list[Rule]]:
    """Validate a parsed evidence file; RulesError names the rule at fault."""
    if not isinstance(data, dict):
        raise RulesError(file, None, "expected a mapping with 'dimension' and 'rules'")
    try:
        doc = EvidenceFile.model_validate(data)
    except ValidationError as exc:
        raise RulesError(file, None, _reason(exc)) from None
    rules, seen = [], set()
    for i, raw in enumerate(doc.rules):
        rid = str(raw.get("id", f"#{i + 1}")) if isinstance(raw, dict) else f"#{i + 1}"
        try:
            rule = Rule.model_validate(raw)
            rule.compile()
            if rule.unless is not None:
                rule.unless.compile()
        except ValidationError as exc:
            raise RulesError(file, rid, _reason(exc)) from None
        except ValueError as exc:
            raise RulesError(file, rid, str(exc)) from None
        if rule.id in seen:
            raise RulesError(file, rid, "duplicate rule id")
        conds = nested_conditions(rule)
        if doc.dimension == "symptom" and any(c.symptom or c.stage for c in conds):
            raise RulesError(file, rid, "symptom rules cannot depend on the symptom or stage")
        if doc.dimension == "stage" and any(c.stage for c in conds):
            raise RulesError(file, rid, "stage rules cannot depend on the stage")
        seen.add(rule.id)
        rules.append(rule)
    return doc.dimension, doc.settings, rules


def nested_conditions(cond: Conditions) -> list[Conditions]:
    """A condition set with its `unless` and `any` alternatives, recursively."""
    out = [cond]
    for sub in [getattr(cond, "unless", None), *(cond.any or ())]:
        if sub is not None:
            out += nested_conditions(sub)
    return out


def _reason(exc: ValidationError) -> str:
    """One line from pydantic's first error, e.g. `unknown key 'titel'`."""
    err = exc.errors()[0]
    loc = ".".join(str(x) for x in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"unknown key {loc!r}"
    if err["type"] == "missing":
        return f"missing key {loc!r}"
    return f"{loc}: {err['msg']}" if loc else err["msg"]


def load_evidence(path: Path) -> tuple[str, Settings | None, list[Rule]]:
    """Load one evidence file from disk."""
    return parse_evidence(load_yaml(path), path)


def load_evidence_text(name: str, text: str) -> tuple[str, Settings | None, list[Rule]]:
    """Load an evidence file given as text (e.g. a repo's extra rules)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(name, None, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    return parse_evidence(data, name)


def collect(facts: Facts | Scan, rules: list[Rule], chosen: dict[str, str] | None = None,
            resolve: bool = True) -> list[Evidence]:
    """Every rule that fires on the facts (or on a Scan shared across calls), in rule order (see Rule.fire)."""
    scan = facts if isinstance(facts, Scan) else PatternIndex(rules).scan(facts)
    chosen = chosen or {}
    by_field, on_errors, on_symptom, always, on_kind = scan.index.plan(rules)
    todo = set(always)
    for field in ("title", "prose", "text", "code"):
        table = by_field.get(field)
        if table:
            for pat in scan.hits(field) & table.keys():  # only the patterns these rules are gated on
                todo.update(table[pat])
    if scan.facts.errors:
        todo.update(on_errors)
        kinds = {e.kind for e in scan.facts.errors}
        todo.update(i for need, i in on_kind if not need.isdisjoint(kinds))
        for field in ("error_type", "error_message", "error"):
            table = by_field.get(field)
            for n in range(len(scan.facts.errors)) if table else ():
                for pat in scan.hits(field, n) & table.keys():
                    todo.update(table[pat])
    symptom = chosen.get("symptom", "").lower()
    todo.update(i for prefix, i in on_symptom if symptom.startswith(prefix))
    out = []
    for i in sorted(todo):
        ev = rules[i].fire(scan, chosen, resolve)
        if ev is not None:
            out.append(ev)
    return out
