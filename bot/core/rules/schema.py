"""The one rule schema: COND (when/unless), examples, and the payload of each kind (evidence, fix, check)."""

from __future__ import annotations

from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Hay = Literal["title", "prose", "code", "errors", "env", "whole"]
HAYS = ("title", "prose", "code", "errors", "env", "whole")
"""The haystacks, in the order a list of them is joined."""
ErrorKind = Literal["python", "cuda", "oom", "nccl", "killed", "segfault", "terminate", "build", "http", "other"]
Regex = Union[str, list[str]]
"""An RE2 pattern, or a list of alternatives (any may match)."""
ENV_KEYS = frozenset((
    "python", "os", "gpu", "torch", "torch_cuda", "cuda", "cuda_max", "cuda_driver", "transformers", "tokenizers",
    "vllm", "sglang", "lmdeploy", "flash_attn", "xformers", "accelerate", "deepspeed", "peft", "trl", "bitsandbytes",
    "auto_gptq", "autoawq", "llama_cpp", "llama_cpp_python", "ollama", "model", "quantization", "gpu_cc", "gpu_count", "launcher",
    "model_size", "ram", "triton", "numpy", "nccl", "cudnn", "jax", "tensorflow", "onnxruntime", "optimum", "llamafactory",
    "torch_cuda_major", "torch_build", "os_family", "driver_cuda_major", "model_family", "family_min_transformers",
    "weights_gb", "gpus_gb", "weights_bytes", "weights_exceed_gpus", "room_gb", "weights_gb_4bit", "room_gb_4bit",
    "weights_gb_8bit", "room_gb_8bit", "title_model_family", "weights_precision",
))
"""Canonical env keys (DESIGN.md section 2, and what extraction adds) and the derived keys (bot/core/rules/env.py)."""


class Strict(BaseModel):
    """Rule models reject unknown keys and are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _listed(v):
    """A single value given where a list is expected becomes a one-item list."""
    return [v] if isinstance(v, str) else v


class ErrorCond(Strict):
    """One extracted error meets every given sub-key."""

    type: Regex | None = None
    message: Regex | None = None
    line: Regex | None = None
    """The error as `Type: message`."""
    kind: list[ErrorKind] | None = None
    package: list[str] | None = None
    """The owning package or any frame's package."""

    _lists = field_validator("kind", "package", mode="before")(classmethod(lambda cls, v: _listed(v)))


class EnvMatch(Strict):
    """An env value matching a regex."""

    matches: Regex


EnvTest = Union[str, EnvMatch]
"""`present`, `absent`, comparisons such as `"<2.1"`, `">=3.12,<3.13"`, `"<{family_min_transformers}"`, or {matches: RE}."""


class Cond(Strict):
    """COND: every key given must hold (AND)."""

    match: Regex | None = None
    in_: list[Hay] | None = Field(default=None, alias="in")
    error: ErrorCond | None = None
    env: dict[str, EnvTest] | None = None
    runtime: list[str] | None = None
    language: Literal["en", "zh"] | None = None
    symptom: list[str] | None = None
    stage: list[str] | None = None
    root_cause: list[str] | None = None
    kind: list[Literal["bug", "question", "feature", "other"]] | None = None
    setting: dict[str, str] | None = None
    """A flag or config key the issue sets to a number passing the comparisons: `{gpu_memory_utilization: '>=0.9'}`."""
    all: list[Cond] | None = None
    any: list[Cond] | None = None
    not_: Cond | None = Field(default=None, alias="not")

    _lists = field_validator("in_", "runtime", "symptom", "stage", "root_cause", "kind", mode="before")(
        classmethod(lambda cls, v: _listed(v)))

    @model_validator(mode="after")
    def _check(self) -> Cond:
        """`match` and `in` go together; nothing may be empty."""
        if (self.match is None) != (self.in_ is None):
            raise ValueError("`match` needs `in` (title, prose, code, errors, env, whole) and `in` needs `match`")
        if not any(v is not None for v in self.__dict__.values()):
            raise ValueError("empty condition")
        for name in ("in_", "runtime", "symptom", "stage", "root_cause", "kind", "all", "any", "match"):
            if getattr(self, name) == []:
                raise ValueError(f"{name.rstrip('_')}: must not be empty")
        if self.setting == {}:
            raise ValueError("setting: must not be empty")
        return self


class Examples(Strict):
    """Issues (a body, or {title, body}) the rule must fire on, and issues it must not fire on."""

    fires: list[str | dict[str, str]] = Field(min_length=1)
    not_: list[str | dict[str, str]] = Field(default_factory=list, alias="not")


class Rule(Strict):
    """What every rule has: an id, when it holds, what vetoes it, and examples."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    when: Cond | list[Cond]
    """One COND, or (fixes) a list of alternatives scored separately."""
    unless: Cond | None = None
    examples: Examples | None = None


class EvidenceRule(Rule):
    """Evidence: adds `weight` to a taxonomy `node` of the file's dimension."""

    node: str
    weight: float
    why: str | None = None


class Gate(Strict):
    """A model family needs `package` >= `min`."""

    package: str
    min: str
    family: str | None = None
    """The model type (Transformers' name, e.g. `qwen2_5_vl`) the gate is about: an error naming another family's
    type rules the gate out."""


class Strike(Strict):
    """A part of a fix's title (a check's message) that stated facts rule out (done already, one GPU, a flag at its
    limit): the text (and text_zh, in title_zh or message_zh) is cut from what is shown when `when` holds."""

    when: Cond
    text: str = Field(min_length=1)
    text_zh: str = ""
    examples: Examples
    """`fires`: issues the fix shows on with the text struck; `not`: issues it shows on with the text kept."""


class FixRule(Rule):
    """A known fix: a one-line remedy, the root cause it implies and the page that states it."""

    title: str
    title_zh: str = ""
    url: str
    cause: str
    source: str
    proved_by: str | None = Field(default=None, pattern=r"^tools/[\w-]+\.py$")
    gate: Gate | None = None
    command: str | None = None
    strike: list[Strike] = []
    """Options of the remedy that stated facts can rule out (each cut from the title when its `when` holds)."""
    generic: bool = False
    """Advice for a symptom in general (any OOM, any illegal memory access) rather than a diagnosis: any matching
    specific fix ranks first."""


class CheckRule(Rule):
    """A compatibility check: a message with {key} placeholders filled from the env."""

    message: str
    message_zh: str
    url: str
    fix: str | None = None
    cause: str | None = None
    """The root cause the finding implies; a check that names a `fix:` implies that fix's cause."""
    strike: list[Strike] = []
    """Parts of the message that stated facts rule out (as a fix's)."""
    replaces: list[str] = []
    """Fixes this finding makes moot when it holds (e.g. memory tuning when the weights alone cannot fit)."""
    answer: bool = False
    """An answer to a question (what fits in how much memory), not a problem found: shown without a warning sign."""


class AskRule(Rule):
    """An ask (rules/asks.yml): when `when` holds (and `unless` does not), these items are needed."""

    items: list[str] = Field(min_length=1)


class Settings(Strict):
    """How one dimension's evidence becomes a decision: per-level thresholds and priors."""

    min_score: list[float] = Field(min_length=1)
    """Level k is decided only when its best node's support reaches min_score[k-1]."""
    min_confidence: list[float] = Field(min_length=1)
    """...and its share of the support among its siblings (plus `smoothing`) reaches min_confidence[k-1]."""
    smoothing: float = Field(default=1.0, ge=0)
    label_confidence: float = Field(default=0.6, ge=0, le=1)
    """Labels under this confidence are posted as suggestions."""
    prior: dict[str, float] = Field(default_factory=dict)
    """Node path -> support every issue starts with."""


class RuleFile(Strict):
    """One rule file: its kind, named regex fragments, rules (and, for evidence, the dimension and settings)."""

    kind: Literal["evidence", "fix", "check", "ask"]
    dimension: Literal["symptom", "root_cause", "stage"] | None = None
    settings: Settings | None = None
    patterns: dict[str, Regex] = Field(default_factory=dict)
    rules: list[dict] = Field(default_factory=list)
