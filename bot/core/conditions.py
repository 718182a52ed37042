"""Shared rule conditions: RE2 patterns matched in one pass per issue, env conditions, and strict list loading."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from bot.core import versions
from bot.core.patternset import PatternSet
from bot.core.rulefile import RulesError, compile_re2, load_yaml
from bot.core.sanitize import valid
from bot.core.types import Facts


class Strict(BaseModel):
    """Rule models reject unknown keys and are immutable; compiled parts are cached properties (plain attribute speed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Pattern:
    """A case-insensitive RE2 pattern; once registered in a PatternBank it is answered from the bank's single pass."""

    __slots__ = ("source", "rx", "bank", "index")

    def __init__(self, source: str):
        self.source, self.rx = source, compile_re2(source, captures=False)
        self.bank: PatternBank | None = None
        self.index = -1

    def found(self, view: TextView, haystack: str = "all") -> bool:
        """True when the pattern occurs in the named haystack of the view."""
        if self.bank is None:
            return self.rx.search(getattr(view, haystack)) is not None
        return self.index in view.hits(self.bank, haystack)


def pattern(source: str | None) -> Pattern | None:
    """Compile an optional pattern."""
    return Pattern(source) if source else None


class PatternBank:
    """Many patterns matched against a text at once (a PatternSet): which of them occur."""

    def __init__(self, patterns: Iterable[Pattern | None]):
        mine = [p for p in patterns if p is not None and p.bank is None]
        for i, p in enumerate(mine):
            p.index, p.bank = i, self
        self._set = PatternSet((p.source for p in mine), ignore_case=True)

    def search(self, text: str) -> frozenset[int]:
        """The indices of the patterns that occur in the text."""
        return frozenset(self._set.match(text))


class TextView:
    """The haystacks text conditions search, with bank results cached per issue.

    `all` is prose + code + errors (env dumps and logs excluded: a pip list names every package); `full` is the
    whole issue text, for asking whether something is stated anywhere.
    """

    __slots__ = ("prose", "code", "errors", "all", "full", "_hits")

    def __init__(self, facts: Facts):
        self.prose = valid(facts.prose[:20000])
        self.code = valid("\n".join(facts.code)[:20000])
        self.errors = valid("\n".join(f"{e.type}: {e.message}" for e in facts.errors)[:20000])
        self.all = "\n".join((self.prose, self.code, self.errors))
        self.full = valid(facts.text[:60000])
        self._hits: dict[tuple[int, str], frozenset[int]] = {}

    def hits(self, bank: PatternBank, haystack: str) -> frozenset[int]:
        """The bank's matches in one haystack, computed once."""
        key = (id(bank), haystack)
        if key not in self._hits:
            self._hits[key] = bank.search(getattr(self, haystack))
        return self._hits[key]


_LAST_VIEW: tuple = (None, None)


def view_of(facts: Facts) -> TextView:
    """The TextView of these facts, shared by the fixes, compat and missing steps of one triage (memo of one)."""
    global _LAST_VIEW
    last = _LAST_VIEW  # one read: another thread may rebind it, never half-way
    if last[0] is facts:
        return last[1]
    view = TextView(facts)
    _LAST_VIEW = (facts, view)
    return view


class EnvCond(Strict):
    """One condition on an env key: presence, a regex on the value, or a version comparison with a value or another key."""

    key: str
    present: bool | None = None
    matches: str | None = None
    op: Literal["<", "<=", ">", ">=", "==", "!="] | None = None
    value: str | None = None
    ref: str | None = None

    @cached_property
    def rx(self) -> Pattern | None:
        """The compiled `matches` pattern."""
        return pattern(self.matches)

    @model_validator(mode="after")
    def _check(self) -> EnvCond:
        """Exactly one kind of test; comparisons need a value or a ref key; regexes must be RE2."""
        if sum((self.present is not None, self.matches is not None, self.op is not None)) != 1:
            raise ValueError(f"env condition on {self.key!r} needs exactly one of present/matches/op")
        if self.op is not None and (self.value is None) == (self.ref is None):
            raise ValueError(f"env comparison on {self.key!r} needs exactly one of value/ref")
        if self.op is None and (self.value is not None or self.ref is not None):
            raise ValueError(f"env condition on {self.key!r}: value/ref only go with op")
        _ = self.rx
        return self

    def holds(self, env: dict[str, str]) -> bool:
        """True when the condition holds on the (derived) env; unknown values never satisfy a comparison."""
        val = env.get(self.key)
        if self.present is not None:
            return (val is not None) == self.present
        if val is None:
            return False
        if self.rx is not None:
            return self.rx.rx.search(valid(val)) is not None
        other = self.value if self.value is not None else env.get(self.ref or "")
        return bool(versions.compare(val, self.op or "==", other))


def reason(exc: Exception) -> str:
    """A one-line reason from a pydantic or regex error."""
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return f"{where}: {err['msg']}" if where else err["msg"]
    return str(exc)


def load_list(path: Path, model: type[BaseModel], key: str) -> list:
    """Load a YAML file holding `{key: [entries]}` into validated models, naming the broken entry on error."""
    data = load_yaml(path)
    if not isinstance(data, dict) or set(data) != {key} or not isinstance(data[key], list):
        raise RulesError(path, None, f"expected a mapping with exactly one key {key!r} holding a list")
    out, seen = [], set()
    for i, raw in enumerate(data[key]):
        rid = raw.get("id") if isinstance(raw, dict) else None
        rid = str(rid) if rid else f"#{i + 1}"
        if rid in seen:
            raise RulesError(path, rid, "duplicate id")
        seen.add(rid)
        try:
            out.append(model.model_validate(raw))
        except (ValidationError, ValueError) as exc:
            raise RulesError(path, rid, reason(exc)) from None
    return out
