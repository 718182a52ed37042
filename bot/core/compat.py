"""Compatibility checks: data-driven conditions over env facts (with derived keys) and issue text, yielding warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError, model_validator

from bot.core import versions
from bot.core.rulefile import RulesError, compile_re2, load_yaml
from bot.core.types import Facts, Warning_

try:  # the GPU table belongs to extraction; without it there is simply no derived gpu_cc
    from bot.core.gpus import compute_capability
except ImportError:  # pragma: no cover
    def compute_capability(gpu_text: str) -> str | None:
        """No GPU table available."""
        return None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _regex(pattern: str | None):
    """Compile an optional RE2 pattern (case-insensitive)."""
    return compile_re2(pattern) if pattern else None


class EnvCond(_Strict):
    """One condition on an env key: presence, a regex on the value, or a version comparison with a value or another key."""

    key: str
    present: bool | None = None
    matches: str | None = None
    op: Literal["<", "<=", ">", ">=", "==", "!="] | None = None
    value: str | None = None
    ref: str | None = None
    _re: object = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> "EnvCond":
        """Exactly one kind of test; comparisons need a value or a ref key; regexes must be RE2."""
        kinds = [self.present is not None, self.matches is not None, self.op is not None]
        if sum(kinds) != 1:
            raise ValueError(f"env condition on {self.key!r} needs exactly one of present/matches/op")
        if self.op is not None and (self.value is None) == (self.ref is None):
            raise ValueError(f"env comparison on {self.key!r} needs exactly one of value/ref")
        if self.op is None and (self.value is not None or self.ref is not None):
            raise ValueError(f"env condition on {self.key!r}: value/ref only go with op")
        self._re = _regex(self.matches)
        return self

    def holds(self, env: dict[str, str]) -> bool:
        """True when the condition holds on the (derived) env; unknown values never satisfy a comparison."""
        val = env.get(self.key)
        if self.present is not None:
            return (val is not None) == self.present
        if val is None:
            return False
        if self._re is not None:
            return self._re.search(val) is not None
        other = self.value if self.value is not None else env.get(self.ref or "")
        return bool(versions.compare(val, self.op or "==", other))


class TextView:
    """The haystacks text conditions search, built once per issue (env dumps excluded)."""

    __slots__ = ("prose", "code", "errors", "all")

    def __init__(self, facts: Facts):
        self.prose = facts.prose[:20000]
        self.code = "\n".join(facts.code)[:20000]
        self.errors = "\n".join(f"{e.type}: {e.message}" for e in facts.errors)[:20000]
        self.all = "\n".join((self.prose, self.code, self.errors))


class DriverRow(_Strict):
    """The minimum driver for a CUDA major version under minor-version compatibility."""

    cuda: str
    linux: str
    windows: str


class ModelFamily(_Strict):
    """A model family named in `model`, and the first transformers release that supports it (None: no check)."""

    id: str
    match: str
    transformers: str | None = None
    _re: object = PrivateAttr(default=None)

    def model_post_init(self, _ctx) -> None:
        """Compile the name pattern."""
        self._re = compile_re2(self.match)


class Tables(_Strict):
    """Reference tables that derived env keys are computed from (rules/tables.yml)."""

    driver_cuda: list[DriverRow]
    model_families: list[ModelFamily]


_CPU_BUILD = compile_re2(r"CUDA used to build PyTorch\s*:\s*(?:None|Could not collect)|Is CUDA available\s*:\s*False")
_OS = [("wsl", compile_re2(r"wsl|microsoft-standard")), ("windows", compile_re2(r"windows|win(?:10|11|32|64)\b")),
       ("macos", compile_re2(r"mac\s?os|darwin|osx|apple\s+m\d|\bm[1-4]\s+(?:pro|max|ultra)\b")),
       ("linux", compile_re2(r"linux|ubuntu|centos|debian|rhel|red hat|fedora|rocky|alma|suse|arch"))]


def derive_env(facts: Facts, tables: Tables | None) -> dict[str, str]:
    """The env values plus derived keys: torch_cuda, torch_build, gpu_cc, os_family, driver_cuda_major, model_family."""
    env = facts.env_values()
    torch = env.get("torch", "")
    tc = env.get("torch_cuda", "")
    if versions.parse(tc) is None:
        tc = versions.torch_cuda(torch) or ""
    if tc:
        env["torch_cuda"] = tc
    if "+cpu" in torch or env.get("torch_cuda", "").strip().lower() in ("none", "no cuda", "n/a") or (
        not tc and _CPU_BUILD.search(facts.text)
    ):
        env["torch_build"] = "cpu"
    elif "+rocm" in torch:
        env["torch_build"] = "rocm"
    elif tc:
        env["torch_build"] = "cuda"
    if "gpu_cc" not in env and env.get("gpu"):
        cc = compute_capability(env["gpu"])
        if cc:
            env["gpu_cc"] = cc
    os_text = env.get("os", "")
    for name, rx in _OS:
        if os_text and rx.search(os_text):
            env["os_family"] = name
            break
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
    if env.get("model"):
        for fam in tables.model_families:
            if fam._re.search(env["model"]):
                env["model_family"] = fam.id
                if fam.transformers:
                    env["family_min_transformers"] = fam.transformers
                break
    return env


class Check(_Strict):
    """One compatibility check: all of its env conditions and text patterns must hold."""

    id: str
    message: str
    message_zh: str
    source: str
    env: list[EnvCond] = []
    text: str | None = None
    error: str | None = None
    not_text: str | None = None
    _text: object = PrivateAttr(default=None)
    _error: object = PrivateAttr(default=None)
    _not_text: object = PrivateAttr(default=None)
    _tables: Tables | None = PrivateAttr(default=None)

    def model_post_init(self, _ctx) -> None:
        """Compile the text patterns."""
        self._text, self._error, self._not_text = _regex(self.text), _regex(self.error), _regex(self.not_text)

    def applies(self, env: dict[str, str], view: TextView) -> bool:
        """True when every condition holds."""
        if not all(c.holds(env) for c in self.env):
            return False
        if self._error is not None and not self._error.search(view.all):
            return False
        if self._text is not None and not self._text.search(view.all):
            return False
        return self._not_text is None or not self._not_text.search(view.all)


class _Values(dict):
    """Template values: env values as safe inline code; unknown keys render as '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def fill(template: str, env: dict[str, str]) -> str:
    """Fill {key} placeholders with env values rendered as inline code (issue text is untrusted)."""
    from bot.core.sanitize import code

    return template.format_map(_Values({k: code(v, limit=80) for k, v in env.items()}))


def load_tables(path: Path) -> Tables:
    """Load and validate rules/tables.yml."""
    data = load_yaml(path)
    try:
        return Tables.model_validate(data)
    except (ValidationError, ValueError) as exc:
        raise RulesError(path, None, _reason(exc)) from None


def _reason(exc: Exception) -> str:
    """A one-line reason from a pydantic or regex error."""
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return f"{where}: {err['msg']}" if where else err["msg"]
    return str(exc)


def _load_list(path: Path, model: type[BaseModel], key: str) -> list:
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
            raise RulesError(path, rid, _reason(exc)) from None
    return out


def load_checks(path: Path) -> list[Check]:
    """Load rules/compat.yml (and the tables.yml next to it) into validated checks."""
    checks = _load_list(path, Check, "checks")
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
    view = TextView(facts)
    return [
        Warning_(id=c.id, message=fill(c.message, env), message_zh=fill(c.message_zh, env), url=c.source)
        for c in checks
        if c.applies(env, view)
    ]
