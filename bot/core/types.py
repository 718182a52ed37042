"""Typed values that flow through the triage core: facts extracted from text, and the Decision made from them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Span = tuple[int, int]
"""Character offsets [start, end) into the text the fact came from (title + "\\n\\n" + body)."""

Source = Literal[
    "collect_env", "vllm_env", "transformers_env", "lmdeploy_env", "pip", "conda",
    "nvidia_smi", "llama_cpp", "ollama", "issue_form", "traceback", "log", "prose", "title", "derived",
    "command", "upgrade",
]
"""Where a fact was read. Machine-printed sources outrank issue forms, which outrank prose. "command": the
command line the reporter runs names it (the model); "upgrade": the version a library was upgraded to."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EnvFact(_Frozen):
    """One environment fact, e.g. torch = "2.1.0+cu121", with where it was read."""

    key: str
    value: str
    source: Source
    span: Span


class Frame(_Frozen):
    """One traceback frame; `package` is the site-packages owner, or None for the reporter's own code."""

    file: str
    line: int | None = None
    function: str | None = None
    package: str | None = None


class ErrorFact(_Frozen):
    """One error found in the text: a Python exception, a CUDA/NCCL error, a kill, a build failure..."""

    kind: Literal[
        "python", "cuda", "oom", "nccl", "killed", "segfault", "terminate", "build", "http", "other"
    ]
    type: str
    message: str
    package: str | None = None
    """The package that owns the innermost frame of interest (None: user code or unknown)."""
    frames: list[Frame] = Field(default_factory=list)
    details: dict[str, str] = Field(default_factory=dict)
    """Kind-specific numbers, e.g. {"requested": "20.00 MiB", "free": "3.12 MiB"} for an OOM."""
    fingerprint: str
    span: Span


class Facts(_Frozen):
    """Everything extraction reads from an issue. `text` is title + "\\n\\n" + body; spans index into it."""

    text: str
    title: str
    prose: str
    """The human prose: the body outside code fences, <details>, env dumps and logs (plus the title)."""
    code: list[str] = Field(default_factory=list)
    """The contents of code blocks that are not environment dumps."""
    env: dict[str, EnvFact] = Field(default_factory=dict)
    errors: list[ErrorFact] = Field(default_factory=list)
    language: Literal["en", "zh"] = "en"
    """The language of the body's prose (the title's only when the body has none)."""
    runtimes: list[str] = Field(default_factory=list)
    """Runtimes/launchers the reporter uses (ollama, llama_cpp, vllm, sglang, lmdeploy, transformers, deepspeed,
    llamafactory, peft, trl, torch), most specific first."""
    template_only: bool = False
    """The body is an issue template whose fields were left unfilled."""

    def env_values(self) -> dict[str, str]:
        """The canonical env keys and their values as stated."""
        return {k: f.value for k, f in self.env.items()}


class Evidence(_Frozen):
    """Why a node was chosen: the rule that fired, its weight, and the text it matched."""

    rule: str
    node: str
    weight: float
    span: Span | None = None
    text: str = ""


class Prediction(_Frozen):
    """A path in one taxonomy dimension (most general level first), its confidence and its explanation."""

    path: list[str]
    confidence: float
    evidence: list[Evidence] = Field(default_factory=list)
    decided_by: Literal["rules", "model", "human"] = "rules"

    @property
    def name(self) -> str:
        """The paper's form: levels joined by " - "."""
        return " - ".join(self.path)


class Likely(_Frozen):
    """The most probable path of one dimension; p[k] is the calibrated probability that level k+1 is right."""

    path: list[str]
    p: list[float]


class Candidate(_Frozen):
    """One of the most probable leaf paths of a dimension, with its probability."""

    path: list[str]
    p: float


class FixRef(_Frozen):
    """A known fix that matches the issue."""

    id: str
    title: str
    url: str
    title_zh: str = Field(default="", exclude=True)
    """The remedy in Chinese for the rendered comment (not part of the JSON output)."""
    score: int = Field(default=0, exclude=True)
    """How specific the match was (an error pattern 6, a leaf symptom 5, a mentioned word 1...); 0: unknown."""
    command: str = Field(default="", exclude=True)
    """One shell block that applies the fix for this launcher (the comment's code block), or ""."""
    generic: bool = Field(default=False, exclude=True)
    """Advice for the symptom in general rather than a diagnosis (see rules/fixes: `generic`)."""


class Warning_(_Frozen):
    """A known incompatibility computed from env facts."""

    id: str
    message: str
    url: str
    message_zh: str = Field(default="", exclude=True)
    """The message in Chinese for the rendered comment (not part of the JSON output)."""
    replaces: tuple[str, ...] = Field(default=(), exclude=True)
    """Fixes this finding makes moot: the comment does not show them."""
    answer: bool = Field(default=False, exclude=True)
    """An answer to the question asked, not a problem: the comment shows it without a warning sign."""


Kind = Literal["bug", "question", "feature", "other"]
"""What the issue is: a failure report, a question, a feature/model-support request, or other (write-ups, PSAs)."""


class LabelChoice(_Frozen):
    """A label the bot would apply; `confident=False` means post it as a suggestion, not a label."""

    name: str
    confident: bool = True
    confidence: float = 1.0
    rationale: str = ""


class RelatedRef(_Frozen):
    """A related issue found in the repo's index: its number, score and reasons ((kind, value) pairs)."""

    number: int
    score: float
    reasons: list[tuple[str, str]] = Field(default_factory=list)


class Decision(_Frozen):
    """The triage core's whole answer for one issue."""

    symptom: Prediction | None = None
    root_cause: Prediction | None = None
    stage: Prediction | None = None
    labels: list[LabelChoice] = Field(default_factory=list)
    facts: Facts
    missing: list[str] = Field(default_factory=list)
    """Canonical env keys (and a few extra items like "traceback") to ask the reporter for."""
    fixes: list[FixRef] = Field(default_factory=list)
    warnings: list[Warning_] = Field(default_factory=list)
    advice: str | None = None
    """With no known fix, the sentence of the reporter's error message that says what to change (quoted)."""
    likely: dict[str, Likely] = Field(default_factory=dict)
    """Per dimension, the best guess (calibrated), also where the bot is not sure enough to label."""
    candidates: dict[str, list[Candidate]] = Field(default_factory=dict)
    """Per dimension, the top 3 leaf paths with their probabilities."""
    kind: Kind = "bug"
    comment: str | None = None
    """The markdown the bot would post, or None when it stays silent."""
    related: list[RelatedRef] | None = None
    """Related issues (at most 3 worth showing), or None when no index was consulted."""

    def to_json(self) -> dict:
        """The stable `firstmile triage` output shape (DESIGN.md section 2)."""
        preds = {"symptom": self.symptom, "root_cause": self.root_cause, "stage": self.stage}
        return {
            **{k: p.name if p else None for k, p in preds.items()},
            "confidence": {k: p.confidence if p else 0.0 for k, p in preds.items()},
            "decided_by": {k: p.decided_by for k, p in preds.items() if p},
            "evidence": {  # what a rule author needs: which rules fired, and on which text
                k: [{"rule": e.rule, "node": e.node, "weight": e.weight, "span": e.span, "text": e.text}
                    for e in p.evidence]
                for k, p in preds.items() if p
            },
            "labels": [c.name for c in self.labels if c.confident],
            "suggested_labels": [c.name for c in self.labels if not c.confident],
            "env": self.facts.env_values(),
            "errors": [
                {"type": e.type, "message": e.message, "package": e.package, "fingerprint": e.fingerprint}
                for e in self.facts.errors
            ],
            "missing": list(self.missing),
            "fixes": [f.model_dump() for f in self.fixes],
            "warnings": [w.model_dump() for w in self.warnings],
            "advice": self.advice,
            "likely": {k: {"path": " - ".join(v.path), "p": list(v.p)} for k, v in self.likely.items()},
            "candidates": {k: [{"path": " - ".join(c.path), "p": c.p} for c in v] for k, v in self.candidates.items()},
            "kind": self.kind,
            "comment": self.comment,
        } | ({} if self.related is None else {"related": [_related_json(r) for r in self.related]})


def _related_json(r: RelatedRef) -> dict:
    """The JSON shape of a related issue: {number, score, reasons} with the reasons as plain text."""
    from bot.core.related.render import reason_text

    return {"number": r.number, "score": r.score, "reasons": [reason_text(x) for x in r.reasons]}
