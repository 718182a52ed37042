"""Every rules file, loaded and cross-checked once: taxonomy, evidence, fixes, compat checks, asks."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.core.evidence import EvidenceRules, Settings
from bot.core.missing import load_asks
from bot.core.render import load_texts
from bot.core.releases import ReleaseTable, load_releases, unknown_pip_names
from bot.core.rulefile import RulesError, load_yaml, rules_dir
from bot.core.rules.compile import Compiler
from bot.core.rules.env import Tables
from bot.core.rules.fixes import Compiled, FixIndex
from bot.core.rules.load import host_problem, parse_file, parse_rules, parse_strikes, reason
from bot.core.taxonomy import DIMENSIONS, Taxonomy, load_taxonomy


@dataclass(frozen=True)
class RuleSet:
    """The loaded rules; build once with RuleSet.load() and share it (immutable but for its bounded regex cache)."""

    taxonomy: Taxonomy
    evidence: dict[str, EvidenceRules]
    settings: dict[str, Settings]
    fixes: list[Compiled] = field(default_factory=list)
    checks: list[Compiled] = field(default_factory=list)
    requirements: Any = None
    directory: Path | None = None
    compiler: Compiler = field(default_factory=lambda: Compiler().freeze())
    """Owns the pooled patterns of every compiled condition and the bounded regex cache."""
    tables: Tables | None = None
    fix_index: FixIndex | None = None
    releases: ReleaseTable | None = None
    """Every release of the packages the bot reads versions of (rules/releases.yml; bot/core/releases.py)."""

    def __post_init__(self):
        if self.fix_index is None:
            object.__setattr__(self, "fix_index", FixIndex(self.fixes))

    @classmethod
    def load(cls, directory: Path | str | None = None) -> RuleSet:
        """Load and validate every rules file under `directory` (default: the shipped rules/)."""
        root = Path(directory) if directory is not None else rules_dir()
        if not root.is_dir():
            raise RulesError("(rules directory)", None, f"{root} is not a directory")
        taxonomy = load_taxonomy(root / "taxonomy.yml")
        files = sorted((root / "evidence").glob("*.yml"))
        if not files:
            raise RulesError("evidence/", None, "no evidence rule files found")
        fragments = _mapping(root / "patterns.yml", "patterns") if (root / "patterns.yml").exists() else {}
        hosts = _mapping(root / "hosts.yml", None) if (root / "hosts.yml").exists() else {}
        compiler, seen = Compiler(fragments), set()
        evidence: dict[str, list] = {d: [] for d in DIMENSIONS}
        settings: dict[str, Settings] = {}
        for path in files:
            _add_evidence(parse_file(load_yaml(path), path, "evidence"), path.name, compiler, taxonomy, seen,
                          evidence, settings)
        for dim in DIMENSIONS:
            if dim not in settings:
                raise RulesError("evidence/", None, f"no settings for dimension {dim!r}")
        fixes = [Compiled(r, alts, unless, path.name, strikes) for path in sorted((root / "fixes").glob("*.yml"))
                 for r, alts, unless, strikes in _fix_rules(path, compiler, taxonomy, seen)]
        checks = [Compiled(r, alts, unless, "checks.yml", strikes)
                  for r, alts, unless, strikes in _fix_rules(root / "checks.yml", compiler, taxonomy, seen, "check")]
        _links(fixes, checks, hosts)
        releases = load_releases(root / "releases.yml") if (root / "releases.yml").exists() else None
        _pip_names(fixes, releases)
        requirements = load_asks(root / "asks.yml", taxonomy, compiler, seen, load_texts(root / "comment.yml"))
        tables = None
        if (root / "tables.yml").exists():
            try:
                tables = Tables.model_validate(load_yaml(root / "tables.yml"))
            except (ValidationError, ValueError) as exc:
                raise RulesError("tables.yml", None, reason(exc)) from None
        return cls(
            taxonomy=taxonomy, evidence={d: EvidenceRules.of(rs) for d, rs in evidence.items()}, settings=settings,
            fixes=fixes, checks=checks, requirements=requirements, directory=root, compiler=compiler.freeze(),
            tables=tables, releases=releases,
        )

    def with_extra(self, files: dict[str, str]) -> RuleSet:
        """A copy with a repo's extra evidence files (name -> YAML text) appended after the shipped rules."""
        compiler = self.compiler.extend()
        seen = {r.id for rs in self.evidence.values() for r, _, _ in rs.rules}
        seen |= {c.rule.id for c in [*self.fixes, *self.checks]}
        evidence = {d: list(rs.rules) for d, rs in self.evidence.items()}
        for name, text in files.items():
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise RulesError(name, None, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
            doc = parse_file(data, name, "evidence")
            if doc.settings is not None:
                raise RulesError(name, None, "extra rule files cannot change the settings")
            _add_evidence(doc, name, compiler, self.taxonomy, seen, evidence, {})
        return replace(self, evidence={d: EvidenceRules.of(rs) for d, rs in evidence.items()},
                       compiler=compiler.freeze())

    def summary(self) -> dict[str, int]:
        """Counts of what was loaded, for `firstmile rules check`."""
        return {
            "taxonomy nodes": len(self.taxonomy.nodes),
            **{f"{d} rules": len(rs) for d, rs in self.evidence.items()},
            "fixes": len(self.fixes), "compat checks": len(self.checks),
            "asks": len(self.requirements.rules) if self.requirements is not None else 0,
        }


def _add_evidence(doc, name: str, compiler: Compiler, taxonomy: Taxonomy, seen: set[str], evidence: dict,
                  settings: dict) -> None:
    """One evidence file's rules compiled and added to its dimension (and its settings, checked)."""
    dim = doc.dimension
    evidence[dim].extend((r, alts[0], unless) for r, alts, unless in parse_rules(doc, name, compiler, taxonomy, seen))
    if doc.settings is not None:
        if dim in settings:
            raise RulesError(name, None, f"settings for {dim!r} are given twice")
        for node in doc.settings.prior:
            if taxonomy.get(dim, node) is None:
                raise RulesError(name, None, f"settings.prior: unknown {dim} node {node!r}")
        settings[dim] = doc.settings


def _mapping(path: Path, key: str | None) -> dict:
    """A YAML mapping (or its `key` section) from a small data file."""
    data = load_yaml(path)
    data = data.get(key) if isinstance(data, dict) and key else data
    if not isinstance(data, dict):
        raise RulesError(path, None, "expected a mapping" + (f" under {key!r}" if key else ""))
    return data


def _fix_rules(path: Path, compiler: Compiler, taxonomy: Taxonomy, seen: set[str], kind: str = "fix") -> list:
    """One fix (or check) file's rules, compiled, each with its strikes."""
    doc = parse_file(load_yaml(path), path, kind)
    return [(r, alts, unless, parse_strikes(r, doc.patterns, path, compiler))
            for r, alts, unless in parse_rules(doc, path, compiler, taxonomy, seen)]


def _links(fixes: list[Compiled], checks: list[Compiled], hosts: dict) -> None:
    """URL hosts are allowed, and each check's `fix:` and `replaces:` name fixes."""
    ids = {f.rule.id for f in fixes}
    for c in [*fixes, *checks]:
        if problem := host_problem(c.rule.url, hosts):
            raise RulesError(c.file, c.rule.id, problem)
        if getattr(c.rule, "fix", None) is not None and c.rule.fix not in ids:
            raise RulesError(c.file, c.rule.id, f"fix: no fix has the id {c.rule.fix!r}")
        for other in getattr(c.rule, "replaces", ()):
            if other not in ids:
                raise RulesError(c.file, c.rule.id, f"replaces: no fix has the id {other!r}")


def _pip_names(fixes: list[Compiled], releases: ReleaseTable | None) -> None:
    """A fix's title or command tells pip to install only real pip packages (rules/releases.yml lists them)."""
    if releases is None:
        return
    for f in fixes:
        for text in (f.rule.title, f.rule.title_zh, f.rule.command or ""):
            if bad := unknown_pip_names(releases, text):
                raise RulesError(f.file, f.rule.id, f"pip install {bad[0]}: not a package in rules/releases.yml")
