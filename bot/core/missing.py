"""Missing-info requests: what a maintainer needs per symptom and stage, minus what the issue already states."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import re2
from pydantic import PrivateAttr, ValidationError, model_validator

from bot.core import versions
from bot.core.rulefile import RulesError, compile_re2, load_yaml
from bot.core.rules.compile import Compiler, Node
from bot.core.rules.load import cond_of, reason
from bot.core.rules.scan import Scan
from bot.core.rules.schema import Strict
from bot.core.types import Facts, Prediction

MAX_ASKED = 3
"""A comment asks for at most this many facts: the first ones in rule order."""
UNANCHORED = re2._Anchor.UNANCHORED


class Item(Strict):
    """One thing to ask for: its label in both languages, env keys that already state it, or a pattern that does."""

    en: str
    zh: str
    also: list[str] = []
    """Other env keys whose presence means this item is stated (e.g. torch_cuda for cuda)."""
    stated: str | None = None
    """RE2 pattern over the whole issue text (env dumps and logs included) that means the item is stated."""
    how_en: str = ""
    how_zh: str = ""


class Command(Strict):
    """A command that prints several items at once."""

    id: str
    run: str
    covers: list[str]
    only_if: str | None = None
    """RE2 pattern over the issue text; the command is offered only when it matches (e.g. `vllm collect-env`)."""
    runtime: list[str] = []
    """Offered only when the issue uses one of these runtimes (Facts.runtimes); commands for the reporter's
    first runtime are preferred."""
    not_runtime: list[str] = []
    """Not offered when the issue uses one of these runtimes (e.g. no torch collect_env for an Ollama user)."""
    imports: list[str] = []
    """Top-level modules the command imports: never offered when importing one of them is what fails."""
    @cached_property
    def rx(self):
        """The compiled pattern."""
        return compile_re2(self.only_if, captures=False) if self.only_if else None

    def model_post_init(self, _ctx) -> None:
        """Compile the pattern now, so a bad one fails at load."""
        _ = self.rx

    def usable(self, text: str | bytes) -> bool:
        """True unless the command is limited to issues matching `only_if` and this one does not."""
        if self.rx is None:
            return True
        data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
        return self.rx._regexp.Match(UNANCHORED, data, 0, len(data))[0][0] >= 0  # RE2 itself, no wrapper

    def fits(self, runtimes: tuple[str, ...], failing: frozenset[str]) -> bool:
        """True when the runtime conditions hold and the command imports nothing that fails to import."""
        if self.runtime and not set(self.runtime) & set(runtimes):
            return False
        if set(self.not_runtime) & set(runtimes):
            return False
        return not set(self.imports) & failing

    def rank(self, runtimes: tuple[str, ...]) -> int:
        """How specific the command is to the reporter's stack: its runtime's place in Facts.runtimes, generic last."""
        places = [runtimes.index(r) for r in self.runtime if r in runtimes]
        return min(places) if places else len(runtimes)


class Need(Strict):
    """Items needed when all given conditions hold: symptom/stage path prefixes (any, minus exclusions) and a text pattern."""

    id: str
    symptom: list[str] = []
    not_symptom: list[str] = []
    stage: list[str] = []
    not_stage: list[str] = []
    runtime: list[str] = []
    """The issue uses one of these runtimes (Facts.runtimes)."""
    not_runtime: list[str] = []
    """The issue uses none of these runtimes."""
    text: str | None = None
    need: list[str]

    def fits(self, sym: str, stage: str) -> bool:
        """True when the symptom and stage conditions hold (the text pattern aside)."""
        if self.symptom and not any(sym.startswith(p) for p in self.symptom):
            return False
        if any(sym.startswith(p) for p in self.not_symptom):
            return False
        if any(stage.startswith(p) for p in self.not_stage if stage):
            return False
        return not self.stage or any(stage.startswith(p) for p in self.stage)

    def on(self, runtimes: tuple[str, ...]) -> bool:
        """True when the runtime conditions hold."""
        if self.runtime and not set(self.runtime) & set(runtimes):
            return False
        return not set(self.not_runtime) & set(runtimes)


class Requirements(Strict):
    """rules/requirements.yml: the items, the commands that print them, and what each kind of issue needs."""

    items: dict[str, Item]
    commands: list[Command]
    needs: list[Need]
    _fitting: dict[tuple[str, str], list[Need]] = PrivateAttr(default_factory=dict)
    _plans: dict[tuple, tuple] = PrivateAttr(default_factory=dict)
    _nodes: dict[str, Node] = PrivateAttr(default_factory=dict)
    """Compiled `stated` (item key) and `text` (need id) patterns."""

    @model_validator(mode="after")
    def _known_items(self) -> "Requirements":
        """Every item a command covers or a need asks for is declared."""
        for c in self.commands:
            for k in c.covers:
                if k not in self.items:
                    raise ValueError(f"command {c.id}: unknown item {k!r}")
        for n in self.needs:
            for k in n.need:
                if k not in self.items:
                    raise ValueError(f"need {n.id}: unknown item {k!r}")
        return self

    def _order(self, k: int, runtimes: tuple[str, ...]) -> tuple[int, int, int]:
        """Commands for the reporter's runtime first; among generic ones the narrowest first (on equal coverage
        `nvidia-smi` answers a lone driver question better than a full collect_env); then file order."""
        c = self.commands[k]
        rank = c.rank(runtimes)
        return (rank, len(c.covers) if rank == len(runtimes) else 0, k)

    def needs_for(self, sym: str, stage: str) -> list[Need]:
        """The needs whose symptom and stage conditions hold, in rule order (memoised: the paths are few)."""
        key = (sym, stage)
        got = self._fitting.get(key)
        if got is None:
            got = [n for n in self.needs if n.fits(sym, stage)]
            if len(self._fitting) < 4096:
                self._fitting[key] = got
        return got

    def label(self, item: str, language: str = "en") -> str:
        """The human name of an item in the given language."""
        it = self.items.get(item)
        if it is None:
            return item
        return it.zh if language == "zh" else it.en

    def how(self, item: str, language: str = "en") -> str:
        """How to supply an item by hand."""
        it = self.items.get(item)
        if it is None:
            return ""
        return it.how_zh if language == "zh" else it.how_en

    def command_for(self, item: str, text: str = "", runtimes: tuple[str, ...] = (),
                    failing: frozenset[str] = frozenset()) -> str | None:
        """The first command usable for this issue that prints the item, or None."""
        return next((c.run for c in self.commands
                     if item in c.covers and c.usable(text) and c.fits(runtimes, failing)), None)

    def plan(self, items: list[str], text: str = "", runtimes: tuple[str, ...] | list[str] = (),
             failing: frozenset[str] = frozenset()) -> list[tuple[str, list[str]]]:
        """Group items under as few commands as possible, as (command, items it prints): commands for the
        reporter's own runtime first, never one that imports a module that fails to import."""
        runtimes = tuple(runtimes)
        data = text.encode("utf-8", "replace")  # encoded once for every command's pattern
        fit = [k for k, c in enumerate(self.commands) if c.usable(data) and c.fits(runtimes, failing)]
        usable = tuple(sorted(fit, key=lambda k: self._order(k, runtimes)))
        key = (tuple(items), usable)
        got = self._plans.get(key)
        if got is None:  # the grouping depends only on the items and the usable commands: memoised
            got = _group(items, [self.commands[k] for k in usable])
            if len(self._plans) < 4096:
                self._plans[key] = got
        return [(run, list(its)) for run, its in got]


def _group(items: list[str], usable: list[Command]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Greedy cover: the command printing most of the items left first (the earlier one on ties)."""
    left = [i for i in items if any(i in c.covers for c in usable)]
    out = []
    while left:
        best = max(enumerate(usable), key=lambda ic: (len(set(ic[1].covers) & set(left)), -ic[0]))[1]
        got = tuple(i for i in left if i in best.covers)
        out.append((best.run, got))
        left = [i for i in left if i not in got]
    return tuple(out)


def load_requirements(path: Path, compiler: Compiler | None = None) -> Requirements:
    """Load and validate rules/requirements.yml, its patterns compiled by the RuleSet's compiler."""
    data = load_yaml(path)
    compiler = compiler or Compiler().freeze()  # alone: each pattern searches on its own
    try:
        req = Requirements.model_validate(data)
        for key, it in req.items.items():  # searched in the whole text
            if it.stated:
                req._nodes[key] = compiler.cond(cond_of({"match": it.stated, "in": ["whole"]}))
        for n in req.needs:  # searched outside env dumps
            if n.text:
                req._nodes[n.id] = compiler.cond(cond_of({"match": n.text, "in": ["prose", "code", "errors"]}))
        return req
    except (ValidationError, ValueError) as exc:
        rid = None
        if isinstance(exc, ValidationError):
            loc = exc.errors()[0]["loc"]
            if len(loc) >= 2 and loc[0] in ("items", "commands", "needs"):
                section = data.get(loc[0]) if isinstance(data, dict) else None
                if loc[0] == "items":
                    rid = str(loc[1])
                elif isinstance(section, list) and isinstance(loc[1], int) and isinstance(section[loc[1]], dict):
                    rid = str(section[loc[1]].get("id", f"#{loc[1] + 1}"))
        raise RulesError(path, rid, reason(exc)) from None


def _stated(item: str, env: dict, facts: Facts, scan: Scan, req: Requirements) -> bool:
    """True when the issue already gives this item (derived env keys such as a +cu121 tag count)."""
    if item in env:
        return True
    it = req.items[item]
    if any(k in env for k in it.also):
        return True
    if item == "traceback" and facts.errors:
        return True
    node = req._nodes.get(item)
    return node is not None and scan.holds(node)


_NO_MODULE = re2.compile(r"No module named '?([A-Za-z_][A-Za-z0-9_]*)|cannot import name '?[^' ]+'? from '?([A-Za-z_][A-Za-z0-9_]*)")
_IMPORTS = re2.compile(r"(?m)(?:^|[;`\"']|python3? -c [\"'])[ \t]*(?:import|from)[ \t]+([A-Za-z_][A-Za-z0-9_]*)")


def failing_imports(facts: Facts) -> frozenset[str]:
    """Top-level modules whose import fails in this issue (a command importing them would fail too)."""
    out = set()
    for e in facts.errors:
        if "Import" in e.type or "ModuleNotFound" in e.type or "undefined symbol" in e.message:
            m = _NO_MODULE.search(e.message)
            if m:
                out.add(m.group(1) or m.group(2))
            else:  # a library the import loads is missing or broken: any module the issue imports may be the one
                out.update(m.group(1) for m in _IMPORTS.finditer(facts.text[:20000]))
            if e.package:
                out.add(e.package)
    return frozenset(out)


def missing_info(
    facts: Facts, symptom: Prediction | None, stage: Prediction | None, requirements: Requirements,
    scan: Scan | None = None,
) -> list[str]:
    """The items to ask for, in rule order, never one the issue states, at most MAX_ASKED."""
    scan = scan or Scan.bare(facts)
    env = dict.fromkeys(facts.env)
    if versions.torch_cuda(facts.env["torch"].value if "torch" in facts.env else None):
        env["torch_cuda"] = None  # a +cu121 wheel tag states the CUDA build
    sym, stg = (symptom.name if symptom else ""), (stage.name if stage else "")
    out: list[str] = []
    runtimes = tuple(facts.runtimes)
    for need in requirements.needs_for(sym, stg):
        node = requirements._nodes.get(need.id)
        if need.on(runtimes) and (node is None or scan.holds(node)):
            for item in need.need:
                if item not in out and not _stated(item, env, facts, scan, requirements):
                    out.append(item)
    return out[:MAX_ASKED]
