"""Reading rule files: kind, fragments and rules validated, every cross-reference checked (nodes, env keys, hosts, links)."""

from __future__ import annotations

import difflib
import string
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import ValidationError

from bot.core.rulefile import RulesError
from bot.core.rules.compile import Compiler, EnvTest, Node, Prefix
from bot.core.rules.schema import ENV_KEYS, AskRule, CheckRule, Cond, EvidenceRule, FixRule, RuleFile
from bot.core.taxonomy import SEP, Taxonomy

MODELS = {"evidence": EvidenceRule, "fix": FixRule, "check": CheckRule, "ask": AskRule}


def reason(exc: Exception) -> str:
    """One line from a pydantic or regex error, e.g. `unknown key 'titel'`."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    err = exc.errors()[0]
    loc = ".".join(str(x) for x in err["loc"] if not any(c in str(x) for c in "[(") and str(x) != "Cond")
    if err["type"] == "extra_forbidden":
        return f"unknown key {loc!r}"
    if err["type"] == "missing":
        return f"missing key {loc!r}"
    return f"{loc}: {err['msg']}" if loc else err["msg"]


def parse_file(data: Any, name: str | Path, kind: str) -> RuleFile:
    """The validated outline of one rule file of the expected kind."""
    if not isinstance(data, dict):
        raise RulesError(name, None, f"expected a mapping with 'kind: {kind}' and 'rules'")
    try:
        doc = RuleFile.model_validate(data)
    except ValidationError as exc:
        raise RulesError(name, None, reason(exc)) from None
    if doc.kind != kind:
        raise RulesError(name, None, f"expected kind {kind!r}, got {doc.kind!r}")
    if (kind == "evidence") != (doc.dimension is not None):
        raise RulesError(name, None, "`dimension` is required in evidence files, and only there")
    return doc


def parse_rules(doc: RuleFile, name: str | Path, compiler: Compiler, taxonomy: Taxonomy,
                seen: set[str]) -> list[tuple[Any, tuple[Node, ...], Node | None]]:
    """Each rule validated and compiled: (model, when alternatives, unless); RulesError names the rule at fault."""
    out = []
    for i, raw in enumerate(doc.rules):
        rid = str(raw.get("id", f"#{i + 1}")) if isinstance(raw, dict) else f"#{i + 1}"
        try:
            rule = MODELS[doc.kind].model_validate(raw)
            when = rule.when if isinstance(rule.when, list) else [rule.when]
            if doc.kind != "fix" and len(when) > 1:
                raise ValueError("when: only fixes take a list of alternatives")
            alts = tuple(compiler.cond(c, doc.patterns) for c in when)
            unless = compiler.cond(rule.unless, doc.patterns) if rule.unless is not None else None
        except ValidationError as exc:
            raise RulesError(name, rid, reason(exc)) from None
        except ValueError as exc:
            raise RulesError(name, rid, str(exc)) from None
        if rule.id in seen:
            raise RulesError(name, rid, "duplicate rule id")
        seen.add(rule.id)
        problem = _problem(rule, [*alts, unless], taxonomy, doc.dimension)
        if problem:
            raise RulesError(name, rid, problem)
        out.append((rule, alts, unless))
    return out


def parse_strikes(rule, patterns: dict, name: str | Path, compiler: Compiler) -> tuple:
    """A fix's (or check's) strikes compiled, (node, text, text_zh) each; RulesError when a text is not in its title
    (message) or a condition is wrong."""
    out = []
    en, zh = (rule.title, rule.title_zh) if isinstance(rule, FixRule) else (rule.message, rule.message_zh)
    for k, st in enumerate(getattr(rule, "strike", ()), 1):
        if st.text not in en or (st.text_zh and st.text_zh not in zh):
            raise RulesError(name, rule.id, f"strike #{k}: text (and text_zh) must be part of title (title_zh)")
        try:
            node = compiler.cond(st.when, patterns)
        except ValueError as exc:
            raise RulesError(name, rule.id, f"strike #{k}: {exc}") from None
        if key := _unknown_env_key(_nodes(node)):
            raise RulesError(name, rule.id, f"strike #{k}: unknown env key {key!r}")
        out.append((node, st.text, st.text_zh))
    return tuple(out)


def _nodes(node: Node | None):
    """The node and every node under it."""
    if node is None:
        return
    yield node
    for child in getattr(node, "children", ()) or ([node.child] if hasattr(node, "child") else ()):
        yield from _nodes(child)


def _unknown_env_key(nodes) -> str | None:
    """The first env key the env tests among the nodes read that is no canonical or derived key, or None."""
    return next((key for n in nodes if isinstance(n, EnvTest) for key in n.keys() if key not in ENV_KEYS), None)


def _problem(rule, nodes: list[Node | None], taxonomy: Taxonomy, dim: str | None) -> str | None:
    """What is wrong with a rule's cross-references, or None."""
    for node in (n for top in nodes for n in _nodes(top)):
        if isinstance(node, Prefix):
            if dim == "symptom" and node.dim in ("symptom", "stage"):
                return "symptom rules cannot depend on the symptom or stage"
            if dim == "stage" and node.dim == "stage":
                return "stage rules cannot depend on the stage"
            for p in node.paths:
                if taxonomy.get(node.dim, tuple(x.strip() for x in p.split(SEP))) is None:
                    return f"unknown {node.dim} node {p!r}"
        if key := _unknown_env_key([node]):
            return f"unknown env key {key!r}"
    if rule.examples is None:
        return "examples: at least one `fires` example is required"
    if isinstance(rule, EvidenceRule) and rule.weight == 0:
        return "weight must not be 0"
    if isinstance(rule, EvidenceRule) and taxonomy.get(dim, rule.node) is None:
        close = difflib.get_close_matches(rule.node, [n.name for n in taxonomy.dimension_nodes(dim)], n=1, cutoff=0.6)
        return f"unknown {dim} node {rule.node!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
    for key in (f for text in (getattr(rule, "message", ""), getattr(rule, "message_zh", ""))
                for _, f, _, _ in string.Formatter().parse(text) if f is not None and f not in ENV_KEYS):
        return f"message: unknown env key {{{key}}}"
    if isinstance(rule, CheckRule) and not (rule.cause or rule.fix):
        return "cause: a check that names no `fix:` states the root cause it implies"
    if getattr(rule, "cause", None) and taxonomy.get("root_cause", rule.cause) is None:
        return f"cause: unknown root_cause node {rule.cause!r}"
    return None


def host_problem(url: str, hosts: dict) -> str | None:
    """Why a URL may not be linked (not https, or a host not in rules/hosts.yml), or None."""
    parts = urlparse(url)
    if parts.scheme != "https":
        return f"url must start with https://: {url}"
    if parts.netloc == "github.com":
        org = parts.path.split("/")[1] if parts.path.count("/") >= 1 else ""
        return None if org in hosts.get("github", ()) else f"url: github.com/{org} is not in rules/hosts.yml"
    return None if parts.netloc in hosts.get("hosts", ()) else f"url: host {parts.netloc} is not in rules/hosts.yml"


def cond_of(mapping: dict) -> Cond:
    """A COND mapping validated; ValueError says what is wrong."""
    try:
        return Cond.model_validate(mapping)
    except ValidationError as exc:
        raise ValueError(reason(exc)) from None
