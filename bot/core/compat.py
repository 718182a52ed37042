"""Compatibility checks: data-driven conditions over env facts (with derived keys) and issue text, yielding warnings."""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import PrivateAttr, ValidationError

from bot.core import versions
from bot.core.conditions import EnvCond, Pattern, PatternBank, Strict, TextView, load_list, pattern, reason, view_of
from bot.core.rulefile import RulesError, compile_re2, load_yaml
from bot.core.sanitize import code
from bot.core.types import Facts, Warning_

try:  # the GPU table belongs to extraction; without it there is simply no derived gpu_cc
    from bot.core.gpus import compute_capability
except ImportError:  # pragma: no cover
    def compute_capability(gpu_text: str) -> str | None:
        """No GPU table available."""
        return None


class DriverRow(Strict):
    """The minimum driver for a CUDA major version under minor-version compatibility."""

    cuda: str
    linux: str
    windows: str


class ModelFamily(Strict):
    """A model family named in `model`, and the first transformers release that supports it (None: no check)."""

    id: str
    match: str
    transformers: str | None = None

    @cached_property
    def rx(self):
        """The compiled name pattern."""
        return compile_re2(self.match)

    def model_post_init(self, _ctx) -> None:
        """Compile the name pattern now, so a bad one fails at load."""
        _ = self.rx


class Tables(Strict):
    """Reference tables that derived env keys are computed from (rules/tables.yml)."""

    driver_cuda: list[DriverRow]
    model_families: list[ModelFamily]

    @cached_property
    def families(self) -> PatternBank:
        """All family patterns in one RE2 set: the lowest matching index is the first family that matches."""
        return PatternBank(Pattern(f.match) for f in self.model_families)

    def family(self, model: str) -> ModelFamily | None:
        """The first family whose pattern matches the model name."""
        hits = self.families.search(model[:300])
        return self.model_families[min(hits)] if hits else None


_CPU_BUILD = compile_re2(r"CUDA used to build PyTorch\s*:\s*(?:None|Could not collect)|Is CUDA available\s*:\s*False")
_OS = [("wsl", compile_re2(r"wsl|microsoft-standard")), ("windows", compile_re2(r"windows|win(?:10|11|32|64)\b")),
       ("macos", compile_re2(r"mac\s?os|darwin|osx|apple\s+m\d|\bm[1-4]\s+(?:pro|max|ultra)\b")),
       ("linux", compile_re2(r"linux|ubuntu|centos|debian|rhel|red hat|fedora|rocky|alma|suse|arch"))]


@lru_cache(maxsize=4096)
def _gpu_cc(gpu: str) -> str | None:
    """The compute capability of the GPU named (memoised: the same names recur)."""
    return compute_capability(gpu)


@lru_cache(maxsize=1024)
def _os_family(os_text: str) -> str | None:
    """linux, wsl, windows or macos from an OS description."""
    return next((name for name, rx in _OS if rx.search(os_text)), None)


_LAST_ENV: tuple = (None, None, {})


def derive_env(facts: Facts, tables: Tables | None) -> dict[str, str]:
    """The env values plus derived keys: torch_cuda(_major), torch_build, gpu_cc, os_family, driver_cuda_major, model_family."""
    global _LAST_ENV
    last = _LAST_ENV  # fixes and compat both derive the same issue's env: computed once (memo of one)
    if last[0] is facts and last[1] is tables:
        return dict(last[2])
    env = _derive_env(facts, tables)
    _LAST_ENV = (facts, tables, env)
    return dict(env)


def _derive_env(facts: Facts, tables: Tables | None) -> dict[str, str]:
    """The work of derive_env."""
    env = facts.env_values()
    torch = env.get("torch", "")
    tc = env.get("torch_cuda", "")
    if versions.parse(tc) is None:
        tc = versions.torch_cuda(torch) or ""
    if tc:
        env["torch_cuda"] = tc
        if (tc_major := versions.major(tc)) is not None:
            env["torch_cuda_major"] = str(tc_major)
    if "+cpu" in torch or env.get("torch_cuda", "").strip().lower() in ("none", "no cuda", "n/a") or (
        not tc and ("CUDA used to build PyTorch" in facts.text or "Is CUDA available" in facts.text)
        and _CPU_BUILD.search(facts.text)
    ):
        env["torch_build"] = "cpu"
    elif "+rocm" in torch:
        env["torch_build"] = "rocm"
    elif tc:
        env["torch_build"] = "cuda"
    if "gpu_cc" not in env and env.get("gpu") and (cc := _gpu_cc(env["gpu"][:300])):
        env["gpu_cc"] = cc
    if env.get("os") and (family := _os_family(env["os"][:200])):
        env["os_family"] = family
    if tables is None:
        return env
    if env.get("cuda_max") and versions.major(env["cuda_max"]) is not None:
        env["driver_cuda_major"] = str(versions.major(env["cuda_max"]))
    elif env.get("cuda_driver") and versions.parse(env["cuda_driver"]) is not None:
        column = "windows" if env.get("os_family") == "windows" else "linux"
        for row in tables.driver_cuda:
            if versions.compare(env["cuda_driver"], ">=", getattr(row, column)):
                env["driver_cuda_major"] = row.cuda
                break
    fam = tables.family(env["model"]) if env.get("model") else None
    if fam is not None:
        env["model_family"] = fam.id
        if fam.transformers:
            env["family_min_transformers"] = fam.transformers
    return env


class Check(Strict):
    """One compatibility check: all of its env conditions and text patterns must hold."""

    id: str
    message: str
    message_zh: str
    source: str
    env: list[EnvCond] = []
    text: str | None = None
    error: str | None = None
    not_text: str | None = None
    _tables: Tables | None = PrivateAttr(default=None)

    @cached_property
    def pats(self) -> tuple[Pattern | None, Pattern | None, Pattern | None]:
        """The compiled text, error and not_text patterns."""
        return pattern(self.text), pattern(self.error), pattern(self.not_text)

    @cached_property
    def needs(self) -> frozenset[str]:
        """Env keys the check cannot hold without (any condition but `present: false` reads a stated value)."""
        return frozenset(c.key for c in self.env if c.present is not False) | frozenset(
            c.ref for c in self.env if c.ref)

    def model_post_init(self, _ctx) -> None:
        """Compile the patterns now, so a bad one fails at load."""
        _ = self.pats, self.needs

    def applies(self, env: dict[str, str], view: TextView) -> bool:
        """True when every condition holds."""
        if not self.needs <= env.keys() or not all(c.holds(env) for c in self.env):
            return False
        text, error, not_text = self.pats
        if (text and not text.found(view)) or (error and not error.found(view)):
            return False
        return not_text is None or not not_text.found(view)


class _Values(dict):
    """Template values: env values as safe inline code; unknown keys render as '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def fill(template: str, env: dict[str, str]) -> str:
    """Fill {key} placeholders with env values rendered as inline code (issue text is untrusted)."""
    return template.format_map(_Values({k: code(v, limit=80) for k, v in env.items()}))


def load_tables(path: Path) -> Tables:
    """Load and validate rules/tables.yml."""
    data = load_yaml(path)
    try:
        return Tables.model_validate(data)
    except (ValidationError, ValueError) as exc:
        raise RulesError(path, None, reason(exc)) from None


def load_checks(path: Path) -> list[Check]:
    """Load rules/compat.yml (and the tables.yml next to it) into validated checks."""
    checks = load_list(path, Check, "checks")
    PatternBank(p for c in checks for p in c.pats)
    tables_path = path.with_name("tables.yml")
    tables = load_tables(tables_path) if tables_path.exists() else None
    for c in checks:
        c._tables = tables
    return checks


def check_compat(facts: Facts, checks: list[Check]) -> list[Warning_]:
    """The warnings whose checks hold for these facts, in file order."""
    if not checks:
        return []
    env = derive_env(facts, checks[0]._tables)
    view = view_of(facts)
    return [
        Warning_(id=c.id, message=fill(c.message, env), message_zh=fill(c.message_zh, env), url=c.source)
        for c in checks
        if c.applies(env, view)
    ]
