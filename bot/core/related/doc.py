"""What the related index keeps per issue, computed purely from its title, body and (optionally) its decision."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from bot.core.extract import extract
from bot.core.extract.fingerprint import normalise_message
from bot.core.related.models import Model, model_tokens, models
from bot.core.related.text import (concepts, error_lines, normalise_title, runs, sort_sets, strip_template, token_runs,
                                   tokens)
from bot.core.types import Facts

ENV_KEYS = ("launcher", "ollama", "vllm", "llama_cpp", "transformers", "torch", "quantization", "os", "gpu")
"""The env facts that say which setup a failure happened on (compared, and named in reasons)."""
MAX_CODE = 3000
"""Characters of code blocks read for tokens: commands and config, not long logs."""


@dataclass(slots=True)
class Doc:
    """One issue as the related index sees it; `cols` are the space-joined tokens of each indexed column."""

    number: int
    state: str = "open"
    title: str = ""
    cols: dict[str, str] = field(default_factory=dict)
    fps: list[str] = field(default_factory=list)
    near: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lines: list[list[str]] = field(default_factory=list)
    """[hash, text] of the lines that state an error."""
    models: list[Model] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    symptom: str = ""
    cause: str = ""
    language: str = "en"

    def to_json(self) -> dict:
        """A JSON-able form for storage."""
        return {"number": self.number, "state": self.state, "title": self.title, "cols": self.cols,
                "fps": self.fps, "near": self.near, "errors": self.errors, "lines": self.lines,
                "models": [[m.family, m.version, list(m.variant), m.size] for m in self.models],
                "env": self.env, "symptom": self.symptom, "cause": self.cause, "language": self.language}

    @classmethod
    def from_json(cls, d: dict) -> "Doc":
        """The inverse of to_json."""
        ms = [Model(f, v, tuple(x), s) for f, v, x, s in d.get("models", [])]
        return cls(number=int(d["number"]), state=d.get("state", "open"), title=d.get("title", ""),
                   cols=d.get("cols", {}), fps=d.get("fps", []), near=d.get("near", []), errors=d.get("errors", []),
                   lines=d.get("lines", []), models=ms, env=d.get("env", {}), symptom=d.get("symptom", ""),
                   cause=d.get("cause", ""),
                   language=d.get("language", "en"))


def near_fingerprint(type_: str, message: str) -> str:
    """A fingerprint of the error type and its normalised message (sets in one order), whatever the frames (the exact
    one has them)."""
    return hashlib.sha1(f"{type_}\x1f{normalise_message(sort_sets(message))}".encode("utf-8", "replace")).hexdigest()[:12]


def _short_version(v: str) -> str:
    """major.minor of a version string ("0.3.12" -> "0.3")."""
    parts = v.strip().lstrip("v").split(".")
    return ".".join(parts[:2])


def make_doc(number: int, facts: Facts, *, state: str = "open", symptom: str = "", cause: str = "",
             segmenter=None) -> Doc:
    """The index record of an issue from its extracted facts and its decided symptom and cause."""
    title = normalise_title(facts.title)
    prose = strip_template(facts.prose[len(facts.title):] if facts.prose.startswith(facts.title) else facts.prose)
    ms = models(facts.title + "\n" + prose + "\n" + "\n".join(facts.code)[:MAX_CODE]
                + (("\n" + facts.env["model"].value) if "model" in facts.env else ""))
    err_tokens: list[str] = []
    fps, near, errors = [], [], []
    for e in facts.errors[:10]:
        if e.fingerprint not in fps:
            fps.append(e.fingerprint)
        nf = near_fingerprint(e.type, e.message)
        if nf not in near:
            near.append(nf)
            errors.append(f"{e.type}: {e.message}"[:120])
        err_tokens += ["fp_" + e.fingerprint, "fn_" + nf]
        err_tokens += tokens(e.type.replace(".", " ") + " " + normalise_message(e.message)[:300], segmenter)
    whole = facts.title + "\n" + prose + "\n" + "\n".join(facts.code)[:MAX_CODE]
    lines = [[hashlib.sha1(x.encode("utf-8", "replace")).hexdigest()[:12], x]
             for x in error_lines(facts.title + "\n" + "\n".join(facts.code) + "\n" + prose)]
    err_tokens += ["el_" + h for h, _ in lines]
    err_tokens += runs(whole) + token_runs(whole) + model_tokens(ms) + concepts(facts.title + "\n" + prose)
    env = {}
    for k in ENV_KEYS:
        f = facts.env.get(k)
        if f is not None and f.value:
            env[k] = _short_version(f.value) if k in ("ollama", "vllm", "transformers", "torch") else f.value[:40]
    cols = {
        "title": " ".join(tokens(title, segmenter)),
        "body": " ".join(tokens(prose, segmenter)),
        "err": " ".join(err_tokens),
        "code": " ".join(tokens("\n".join(facts.code)[:MAX_CODE], segmenter)),
    }
    return Doc(number=number, state=state, title=title, cols=cols, fps=fps, near=near, errors=errors, lines=lines,
               models=ms,
               env=env, symptom=symptom, cause=cause, language=facts.language)


def doc_from_text(number: int, title: str, body: str, *, state: str = "open", symptom: str = "", cause: str = "",
                  segmenter=None) -> Doc:
    """make_doc on a title and body (extraction included)."""
    return make_doc(number, extract(title or "", body or ""), state=state, symptom=symptom, cause=cause,
                    segmenter=segmenter)
