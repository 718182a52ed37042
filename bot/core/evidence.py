"""Evidence rules (rules/evidence/*.yml): pydantic-validated conditions over Facts, matched into Evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from bot.core.rulefile import RulesError, compile_re2, load_yaml
from bot.core.types import ErrorFact, Evidence, Facts

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
    _compiled: dict[str, Any] = PrivateAttr(default_factory=dict)

    @field_validator("package", "env_missing", "any")
    @classmethod
    def _nonempty(cls, v):
        """An empty list would never match; reject it."""
        if v is not None and not v:
            raise ValueError("must not be empty")
        return v

    def compile(self) -> None:
        """Compile every regex with RE2; ValueError names the bad one."""
        for name in _REGEX_FIELDS:
            pat = getattr(self, name)
            if pat is not None:
                self._compiled[name] = compile_re2(pat)
        for key, pat in (self.env or {}).items():
            self._compiled["env:" + key] = compile_re2(pat) if pat else None
        for alt in self.any or ():
            alt.compile()

    def is_empty(self) -> bool:
        """True when no condition is set."""
        return not any(v is not None for v in self.__dict__.values())

    def match(self, facts: Facts, chosen: dict[str, str]) -> tuple[tuple[int, int] | None, str] | None:
        """(span, snippet) of the most telling match when every condition holds, else None."""
        hits: list[tuple[tuple[int, int] | None, str]] = []
        if self.language is not None and facts.language != self.language:
            return None
        for dim in ("symptom", "stage"):
            want = getattr(self, dim)
            if want is not None and not (chosen.get(dim) or "").lower().startswith(want.lower()):
                return None
        if self.error_kind is not None or self.package is not None or any(
            getattr(self, f) is not None for f in ("error", "error_type", "error_message")
        ):
            hit = self._match_errors(facts.errors)
            if hit is None:
                return None
            hits.append(hit)
        for key in self.env_missing or ():
            if key in facts.env:
                return None
        for key in self.env or {}:
            fact = facts.env.get(key)
            rx = self._compiled.get("env:" + key)
            if fact is None or (rx is not None and rx.search(fact.value) is None):
                return None
            hits.append((fact.span, f"{key}={fact.value}"))
        for name, source in (("title", facts.title), ("prose", facts.prose), ("text", facts.text)):
            if getattr(self, name) is not None:
                m = self._compiled[name].search(source)
                if m is None:
                    return None
                hits.append(_locate(facts, m.group(0)))
        if self.code is not None:
            rx = self._compiled["code"]
            m = next((m for block in facts.code if (m := rx.search(block)) is not None), None)
            if m is None:
                return None
            hits.append(_locate(facts, m.group(0)))
        if self.any is not None:
            hit = next((h for alt in self.any if (h := alt.match(facts, chosen)) is not None), None)
            if hit is None:
                return None
            hits.append(hit)
        return hits[0] if hits else (None, "")

    def _match_errors(self, errors: list[ErrorFact]) -> tuple[tuple[int, int], str] | None:
        """The first error meeting every error condition at once."""
        for e in errors:
            if self.error_kind is not None and e.kind not in self.error_kind:
                continue
            if self.package is not None and e.package not in self.package and not any(
                f.package in self.package for f in e.frames
            ):
                continue
            if self.error_type is not None and self._compiled["error_type"].search(e.type) is None:
                continue
            if self.error_message is not None and self._compiled["error_message"].search(e.message) is None:
                continue
            if self.error is not None and self._compiled["error"].search(f"{e.type}: {e.message}") is None:
                continue
            return e.span, f"{e.type}: {e.message}"[:_SNIP]
        return None


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

    def fire(self, facts: Facts, chosen: dict[str, str]) -> Evidence | None:
        """The Evidence this rule contributes to the facts, or None."""
        hit = self.match(facts, chosen)
        if hit is None or (self.unless is not None and self.unless.match(facts, chosen) is not None):
            return None
        span, snippet = hit
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
        if doc.dimension == "symptom" and (rule.symptom or rule.stage):
            raise RulesError(file, rid, "symptom rules cannot depend on the symptom or stage")
        if doc.dimension == "stage" and rule.stage:
            raise RulesError(file, rid, "stage rules cannot depend on the stage")
        seen.add(rule.id)
        rules.append(rule)
    return doc.dimension, doc.settings, rules


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


def collect(facts: Facts, rules: list[Rule], chosen: dict[str, str] | None = None) -> list[Evidence]:
    """Every rule that fires on the facts, in rule order."""
    chosen = chosen or {}
    return [ev for r in rules if (ev := r.fire(facts, chosen)) is not None]
