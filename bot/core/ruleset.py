"""Every rules file, loaded and cross-checked once: taxonomy, evidence, fixes, compat checks, requirements."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.core.compat import load_checks
from bot.core.evidence import PatternIndex, Rule, Settings, nested_conditions, load_evidence, load_evidence_text
from bot.core.fixes import load_fixes
from bot.core.missing import load_requirements
from bot.core.rulefile import RulesError, rules_dir
from bot.core.taxonomy import DIMENSIONS, SEP, Taxonomy, load_taxonomy


@dataclass(frozen=True)
class RuleSet:
    """The loaded rules; build once with RuleSet.load() and share it (it is immutable)."""

    taxonomy: Taxonomy
    rules: dict[str, list[Rule]]
    settings: dict[str, Settings]
    fixes: list[Any] = field(default_factory=list)
    checks: list[Any] = field(default_factory=list)
    requirements: Any = None
    directory: Path | None = None
    index: PatternIndex | None = None
    """Every evidence pattern, one PatternSet per field; built by load() and with_extra()."""

    def __post_init__(self):
        if self.index is None:
            object.__setattr__(self, "index", PatternIndex([r for rs in self.rules.values() for r in rs]))

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
        rules: dict[str, list[Rule]] = {d: [] for d in DIMENSIONS}
        settings: dict[str, Settings] = {}
        for path in files:
            _add(taxonomy, rules, settings, path.name, *load_evidence(path))
        for dim in DIMENSIONS:
            if dim not in settings:
                raise RulesError("evidence/", None, f"no settings for dimension {dim!r}")
        fixes, checks = load_fixes(root / "fixes.yml"), load_checks(root / "compat.yml")
        for f in fixes if checks else ():  # both read tables.yml: share one copy, so the env is derived once per issue
            f._tables = checks[0]._tables
        return cls(
            taxonomy=taxonomy, rules=rules, settings=settings, fixes=fixes, checks=checks,
            requirements=load_requirements(root / "requirements.yml"), directory=root,
        )

    def with_extra(self, files: dict[str, str]) -> RuleSet:
        """A copy with a repo's extra evidence files (name -> YAML text) appended after the shipped rules."""
        rules = {d: list(rs) for d, rs in self.rules.items()}
        for name, text in files.items():
            dim, sett, extra = load_evidence_text(name, text)
            if sett is not None:
                raise RulesError(name, None, "extra rule files cannot change the settings")
            _add(self.taxonomy, rules, {}, name, dim, None, extra)
        return replace(self, rules=rules, index=None)

    def summary(self) -> dict[str, int]:
        """Counts of what was loaded, for `firstmile rules check`."""
        return {
            "taxonomy nodes": len(self.taxonomy.nodes),
            **{f"{d} rules": len(rs) for d, rs in self.rules.items()},
            "fixes": len(self.fixes), "compat checks": len(self.checks),
        }


def _add(taxonomy: Taxonomy, rules: dict, settings: dict, name: str, dim: str, sett: Settings | None,
         new: list[Rule]) -> None:
    """Check one file's rules against the taxonomy and the rules loaded so far, then add them."""
    known = {r.id for rs in rules.values() for r in rs}
    for r in new:
        if r.id in known:
            raise RulesError(name, r.id, "duplicate rule id (already defined in another file)")
        if taxonomy.get(dim, r.node) is None:
            raise RulesError(name, r.id, f"unknown {dim} node {r.node!r}" + _hint(taxonomy, dim, r.node))
        for cond in nested_conditions(r):
            if cond.symptom is not None and not _is_prefix(taxonomy, "symptom", cond.symptom):
                raise RulesError(name, r.id, f"unknown symptom node {cond.symptom!r}")
            if cond.stage is not None and taxonomy.get("stage", cond.stage) is None:
                raise RulesError(name, r.id, f"unknown stage {cond.stage!r}")
    if sett is not None:
        if dim in settings:
            raise RulesError(name, None, f"settings for {dim!r} are given twice")
        for node in sett.prior:
            if taxonomy.get(dim, node) is None:
                raise RulesError(name, None, f"settings.prior: unknown {dim} node {node!r}")
        settings[dim] = sett
    rules[dim].extend(new)


def _is_prefix(taxonomy: Taxonomy, dim: str, path: str) -> bool:
    """True when `path` names a node of the dimension."""
    return taxonomy.get(dim, tuple(p.strip() for p in path.split(SEP))) is not None


def _hint(taxonomy: Taxonomy, dim: str, name: str) -> str:
    """A "did you mean" suffix when a node name is close to a real one."""
    import difflib

    names = [n.name for n in taxonomy.dimension_nodes(dim)]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
