"""Asks (rules/asks.yml): the facts a maintainer needs, keyed by runtime as well as symptom and stage on the COND
matcher, minus what the issue states, and the command that prints them for the reporter's own launcher."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import re2
from pydantic import Field, PrivateAttr, ValidationError, model_validator

from bot.core import versions
from bot.core.rulefile import RulesError, load_yaml
from bot.core.rules.compile import Compiler, Node, gates
from bot.core.rules.load import cond_of, parse_rules, reason
from bot.core.rules.scan import Scan
from bot.core.rules.schema import AskRule, Cond, RuleFile, Strict
from bot.core.taxonomy import Taxonomy
from bot.core.types import Facts, Prediction

MAX_ASKED = 3
"""A comment asks for at most this many facts: the first ones in rule order."""


class Item(Strict):
    """One thing to ask for: its label in both languages, env keys that already state it, or a pattern that does."""

    en: str
    zh: str
    also: list[str] = []
    """Other env keys whose presence means this item is stated (e.g. torch_cuda for cuda)."""
    stated: str | list[str] | None = None
    """RE2 over the whole issue text (env dumps and logs included) that means the item is stated."""
    how_en: str = ""
    how_zh: str = ""
    pip: str | None = None
    """How `pip list` names the package (an RE2 fragment), for a command whose `run` has `{pip}`."""
    on_pasted: bool = False
    """Asked even when the issue pastes code or logs: a fact about the setup or a diagnostic the paste does not
    hold (the GPU count, `ollama ps`, a bisect). Versions, tracebacks and logs are asked only of a report that pastes
    nothing: maintainers read a pasted log themselves, and such asks under it read as not having read the issue
    (blind grades, sets 30-43)."""


class Command(Strict):
    """A command that prints several items at once, offered when its `when` holds and `unless` does not."""

    id: str
    run: str
    covers: list[str]
    when: Cond | None = None
    unless: Cond | None = None
    imports: list[str] = []
    """Top-level modules the command imports: never offered when importing one of them is what fails."""

    def rank(self, runtimes: tuple[str, ...]) -> int:
        """How specific the command is to the reporter's stack: its runtime's place in Facts.runtimes, generic last."""
        places = [runtimes.index(r) for r in (self.when.runtime or []) if r in runtimes] if self.when else []
        return min(places) if places else len(runtimes)


class AskFile(RuleFile):
    """rules/asks.yml: a rule file of kind `ask` with the items to ask for and the commands that print them."""

    kind: Literal["ask"]
    items: dict[str, Item]
    commands: list[Command]
    rules: list[dict]


class Requirements(Strict):
    """The items, the commands that print them and the ask rules, compiled."""

    items: dict[str, Item]
    commands: list[Command]
    rules: list[AskRule]
    texts: dict[str, dict[str, str]] = Field(default_factory=dict)
    """The comment's sentences per language (rules/comment.yml, bot/core/render.py)."""
    _nodes: dict[str, tuple[Node | None, Node | None]] = PrivateAttr(default_factory=dict)
    """Rule or command id -> its compiled (when, unless); item key -> (stated, None)."""
    _plans: dict[tuple, tuple] = PrivateAttr(default_factory=dict)
    _gates: dict[str, tuple | None] = PrivateAttr(default_factory=dict)
    """Rule or command id -> (pool, pattern ids) pairs one of which its `when` needs found (None: no cheap test)."""

    @model_validator(mode="after")
    def _known_items(self) -> Requirements:
        """Every item a command covers or a rule asks for is declared."""
        for c in self.commands:
            for k in c.covers:
                if k not in self.items:
                    raise ValueError(f"command {c.id}: unknown item {k!r}")
        for r in self.rules:
            for k in r.items:
                if k not in self.items:
                    raise ValueError(f"rule {r.id}: unknown item {k!r}")
        return self

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

    def scan(self, facts: Facts) -> Scan:
        """A scan of the issue for the commands' conditions (no RuleSet needed)."""
        return Scan(facts)

    def why_asked(self, decision, scan: Scan) -> list[tuple[str, str]]:
        """(item, why) for each item the decision asks for: the ask rules that hold and name it (for --explain)."""
        scan.kind = decision.kind
        reasons: dict[str, str] = {}
        for rule in self.fired(scan):
            for item in rule.items:
                reasons.setdefault(item, f"ask {rule.id!r} (when {rule.when.model_dump(exclude_none=True, by_alias=True)})")
        return [(item, reasons.get(item, "asked")) for item in decision.missing]

    def fired(self, scan: Scan) -> list[AskRule]:
        """The ask rules that hold for the issue, in file order (a rule none of whose needed patterns the scan
        found is skipped before its nodes are evaluated)."""
        nodes, gated = self._nodes, self._gates
        return [r for r in self.rules if _holds(nodes.get(r.id, (None, None)), gated.get(r.id), scan)]

    def plan(self, items: list[str], facts: Facts, failing: frozenset[str] = frozenset(), scan: Scan | None = None
             ) -> list[tuple[str, list[str]]]:
        """Group items under as few commands as possible, as (command, items it prints): commands for the
        reporter's own runtime first, never one that imports a module that fails to import. `scan`, from
        `self.scan(facts)`, lets several plans for one issue test the commands' conditions once."""
        runtimes = tuple(facts.runtimes)
        scan = scan if scan is not None else self.scan(facts)
        usable = scan.memo.get(("usable", failing))
        if usable is None:
            nodes, gated, none = self._nodes, self._gates, (None, None)  # read once: private attributes are slow
            fit = [k for k, c in enumerate(self.commands)
                   if _holds(nodes.get(c.id, none), gated.get(c.id), scan) and not set(c.imports) & failing]
            usable = scan.memo[("usable", failing)] = tuple(sorted(fit, key=lambda k: self._order(k, runtimes)))
        key = (tuple(items), usable)
        got = self._plans.get(key)
        if got is None:  # the grouping depends only on the items and the usable commands: memoised
            got = tuple((self._fill(run, its), its) for run, its in
                        _group(items, [(self.commands[k], self.commands[k].rank(runtimes)) for k in usable]))
            if len(self._plans) < 4096:
                self._plans[key] = got
        return [(run, list(its)) for run, its in got]

    def _fill(self, run: str, items: tuple[str, ...]) -> str:
        """The command with `{pip}` replaced by the pip names of the items it is asked to print."""
        if "{pip}" not in run:
            return run
        names = "|".join(self.items[i].pip for i in items if self.items[i].pip)
        return run.split("  #", 1)[0].replace("{pip}", names)

    def _order(self, k: int, runtimes: tuple[str, ...]) -> tuple[int, int, int]:
        """Commands for the reporter's runtime first; among generic ones the narrowest first (on equal coverage
        `nvidia-smi` answers a lone driver question better than a full collect_env); then file order."""
        c = self.commands[k]
        rank = c.rank(runtimes)
        return (rank, len(c.covers) if rank == len(runtimes) else 0, k)


def _group(items: list[str], usable: list[tuple[Command, int]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Greedy cover, the reporter's own runtime's commands first: among the commands of the most specific runtime
    that still print something, the one printing most of the items left (the earlier one on ties)."""
    left = [i for i in items if any(i in c.covers for c, _ in usable)]
    out = []
    while left:
        useful = [(k, c, r) for k, (c, r) in enumerate(usable) if set(c.covers) & set(left)]
        tier = min(r for _, _, r in useful)
        best = max(((k, c) for k, c, r in useful if r == tier),
                   key=lambda kc: (len(set(kc[1].covers) & set(left)), -kc[0]))[1]
        got = tuple(i for i in left if i in best.covers)
        out.append((best.run, got))
        left = [i for i in left if i not in got]
    return tuple(out)


def load_asks(path: Path, taxonomy: Taxonomy, compiler: Compiler | None = None, seen: set[str] | None = None,
              texts: dict[str, dict[str, str]] | None = None) -> Requirements:
    """Load, validate and compile rules/asks.yml (with the RuleSet's compiler, when given), with the comment's
    `texts`."""
    data = load_yaml(path)
    compiler = compiler or Compiler().freeze()  # alone: each pattern searches on its own
    name = path.name
    try:
        doc = AskFile.model_validate(data)
    except ValidationError as exc:
        raise RulesError(name, None, reason(exc)) from None
    rules = parse_rules(doc, name, compiler, taxonomy, set() if seen is None else seen)
    try:
        req = Requirements(items=doc.items, commands=doc.commands, rules=[r for r, _, _ in rules], texts=texts or {})
    except (ValidationError, ValueError) as exc:
        raise RulesError(name, None, reason(exc)) from None
    for key, it in req.items.items():  # searched in the whole text
        if it.stated:
            req._nodes["item:" + key] = (_compile(compiler, {"match": it.stated, "in": ["whole"]}, doc, name, key),
                                         None)
    for c in req.commands:
        when, unless = (_compile(compiler, cond, doc, name, c.id) for cond in (c.when, c.unless))
        req._nodes[c.id], req._gates[c.id] = (when, unless), _gate(when)
    for rule, (when,), unless in rules:
        req._nodes[rule.id], req._gates[rule.id] = (when, unless), _gate(when)
    return req


def _gate(node: Node | None) -> tuple | None:
    """(pool, pattern ids) pairs one of which must be found for the node to hold (None: no such cheap test)."""
    g = gates(node) if node is not None else None
    return tuple((pool, frozenset(ids)) for pool, ids in g) if g is not None else None


def _holds(nodes: tuple[Node | None, Node | None], gate: tuple | None, scan: Scan) -> bool:
    """Whether `when` (None: always) holds and `unless` does not; false at once when `gate` says `when` cannot."""
    when, unless = nodes
    if gate is not None and scan.ruled_out(gate):
        return False
    return (when is None or scan.holds(when)) and (unless is None or not scan.holds(unless))


def _compile(compiler: Compiler, cond: Cond | dict | None, doc: AskFile, name: str, key: str) -> Node | None:
    """An item's `stated` pattern or a command's condition compiled (None stays None); RulesError names the owner."""
    if cond is None:
        return None
    try:
        return compiler.cond(cond_of(cond) if isinstance(cond, dict) else cond, doc.patterns)
    except ValueError as exc:
        raise RulesError(name, key, str(exc)) from None


def _stated(item: str, env: dict, facts: Facts, scan: Scan, req: Requirements) -> bool:
    """True when the issue already gives this item (derived env keys such as a +cu121 tag count; but the derived
    `launcher` env key only says which tool is mentioned, not the command line the item asks for)."""
    if item in env and item != "launcher":
        return True
    it = req.items[item]
    if any(k in env for k in it.also):
        return True
    if item == "traceback" and facts.errors:
        return True
    node = req._nodes.get("item:" + item, (None, None))[0]
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
    """The items to ask for, in rule order, never one the issue states, at most MAX_ASKED.

    Without a triage Scan, `symptom` and `stage` are the paths the rules' conditions see."""
    if scan is None:
        scan = requirements.scan(facts)
        scan.chosen = {d: p.name for d, p in (("symptom", symptom), ("stage", stage)) if p is not None}
    env = dict.fromkeys(facts.env)
    if versions.torch_cuda(facts.env["torch"].value if "torch" in facts.env else None):
        env["torch_cuda"] = None  # a +cu121 wheel tag states the CUDA build
    out: list[str] = []
    for rule in requirements.fired(scan):
        for item in rule.items:
            if item not in out and not _stated(item, env, facts, scan, requirements):
                out.append(item)
    if facts.code:  # the issue pastes its code or log: only facts and diagnostics a paste does not hold
        out = [i for i in out if requirements.items[i].on_pasted]
    return out[:MAX_ASKED]
