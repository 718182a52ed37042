"""The per-repo config `.github/firstmile.yml`: a strict pydantic model and a parser with one-line errors."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

MAX_CONFIG_BYTES = 64 * 1024
"""A larger file is refused before YAML parsing: the config is small by nature."""
MAX_ERRORS = 5
"""At most this many problems are named in the one-line message."""


class ConfigError(ValueError):
    """The config file is broken; str() is one line naming the key and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class LabelsConfig(_Strict):
    """How taxonomy label names map onto this repo's labels."""

    prefix: str = ""
    """Put before every taxonomy label name, renamed or not, e.g. "llm/"."""
    rename: dict[str, str] = Field(default_factory=dict)
    """Default label name (case-insensitive) -> this repo's name for it, before the prefix."""
    levels: Literal["deepest", "all", "top"] = "deepest"
    """Which levels of a taxonomy path are labelled: the deepest sure one (one label per dimension), the whole
    chain, or the first level only."""
    kinds: bool = True
    """Label questions `question` and feature requests `feature` (renamable); they never get failure labels."""

    @field_validator("rename")
    @classmethod
    def _distinct_targets(cls, rename: dict[str, str]) -> dict[str, str]:
        """Two taxonomy labels may not share one repo label, and a target may not be blank."""
        seen: dict[str, str] = {}
        for src, dst in rename.items():
            if not dst.strip():
                raise ValueError(f"{src!r} is renamed to an empty name")
            if dst.casefold() in seen:
                raise ValueError(f"{seen[dst.casefold()]!r} and {src!r} are both renamed to {dst!r}")
            seen[dst.casefold()] = src
        return rename


class RepoConfig(_Strict):
    """The effective config of one repository; an empty file means all defaults."""

    enabled: bool = True
    mode: Literal["shadow", "labels", "full"] = "full"
    """shadow: compute and log only; labels: post labels only; full: labels and the comment."""
    comment: Literal["when-useful", "always", "never"] = "when-useful"
    """when-useful: post or update the comment only with a fix that applies, 1-3 missing facts, or related issues."""
    labels: LabelsConfig = Field(default_factory=LabelsConfig)
    create_labels: bool = True
    """Create missing taxonomy labels in the repo (colour and description from rules/taxonomy.yml)."""
    needs_info_label: str = "needs-info"
    language: Literal["auto", "en", "zh"] = "auto"
    rules: list[str] = Field(default_factory=list, max_length=10)
    """Extra rule files: paths in this repo (default branch), in the format of the shipped rules/."""
    skip_labels: list[str] = Field(default_factory=lambda: ["no-triage", "duplicate", "invalid", "spam"])
    """Issues carrying any of these (case-insensitive) are left alone."""
    suggest_below: float | None = Field(default=None, ge=0.0, le=1.0)
    """Labels less confident than this become label suggestions; None: the rules' default."""

    @field_validator("needs_info_label")
    @classmethod
    def _not_blank(cls, name: str) -> str:
        """A label name needs at least one visible character."""
        if not name.strip():
            raise ValueError("must not be empty")
        return name

    @field_validator("rules")
    @classmethod
    def _repo_paths(cls, paths: list[str]) -> list[str]:
        """Rule files are relative YAML paths inside the repo."""
        for path in paths:
            parts = path.split("/")
            if path.startswith("/") or ".." in parts or not path.endswith((".yml", ".yaml")):
                raise ValueError(f"{path!r} is not a relative .yml/.yaml path inside the repo")
        return paths

    @model_validator(mode="after")
    def _needs_info_not_skipped(self) -> RepoConfig:
        """The needs-info label cannot also be a skip label, or asking for info would silence the bot."""
        if self.needs_info_label.casefold() in {s.casefold() for s in self.skip_labels}:
            raise ValueError(f"needs_info_label {self.needs_info_label!r} is also in skip_labels")
        return self


def parse_config(text: str) -> RepoConfig:
    """Parse and validate the YAML text of .github/firstmile.yml; raises ConfigError."""
    if len(text.encode("utf-8", "replace")) > MAX_CONFIG_BYTES:
        raise ConfigError(f"file is larger than {MAX_CONFIG_BYTES} bytes")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"invalid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    if data is None:
        return RepoConfig()
    if not isinstance(data, dict):
        raise ConfigError(f"the file must be a mapping of keys, got {_kind(data)}")
    for key in data:
        if not isinstance(key, str):
            raise ConfigError(f"key {key!r} is not a name (YAML reads unquoted yes/no/on/off as booleans; quote it)")
    try:
        return RepoConfig.model_validate(data)
    except ValidationError as exc:
        errors = [_describe(err) for err in exc.errors()]
        more = f"; and {len(errors) - MAX_ERRORS} more" if len(errors) > MAX_ERRORS else ""
        raise ConfigError("; ".join(errors[:MAX_ERRORS]) + more) from None


def has_skip_label(config: RepoConfig, issue_labels: Iterable[str]) -> bool:
    """Whether the issue carries a skip label; GitHub label names compare case-insensitively."""
    skip = {s.casefold() for s in config.skip_labels}
    return any(name.casefold() in skip for name in issue_labels)


def _describe(err: dict[str, Any]) -> str:
    """One pydantic error as `key: problem`, with a did-you-mean for unknown keys."""
    loc = err["loc"]
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(loc[:-1]), n=1, cutoff=0.6)
        hint = f" (did you mean {_key([*loc[:-1], close[0]])!r}?)" if close else ""
        return f"unknown key {_key(loc)!r}{hint}"
    if not loc:
        return msg
    if err["type"] == "value_error":
        return f"{_key(loc)}: {msg}"
    return f"{_key(loc)}: {msg} (got {_kind(err['input'])})"


def _key(loc: Iterable[str | int]) -> str:
    """A pydantic location as the dotted key a user writes, list indexes in brackets: rules[1]."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc if p != "[key]").lstrip(".")


def _known_keys(loc: tuple) -> list[str]:
    """The field names of the model found at a location, e.g. () -> RepoConfig's keys, ("labels",) -> prefix, rename."""
    model: type[BaseModel] = RepoConfig
    for part in loc:
        model = model.model_fields[part].annotation
    return list(model.model_fields)


def _kind(value: Any) -> str:
    """A short, safe description of a YAML value for an error message."""
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "...")
    return {dict: "a mapping", list: "a list"}.get(type(value), type(value).__name__)
