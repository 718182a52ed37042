"""Pure: what a backfill keeps per issue from a decision for reports, and the digest that says the text changed."""

from __future__ import annotations

import hashlib
from typing import Any

MAX_ERRORS = 5
MAX_MESSAGE = 160


def digest(title: str | None, body: str | None) -> str:
    """A short stable digest of an issue's text: the same text is never triaged twice."""
    h = hashlib.blake2b(digest_size=12)
    h.update((title or "").encode("utf-8", "replace"))
    h.update(b"\0")
    h.update((body or "").encode("utf-8", "replace"))
    return h.hexdigest()


def decision_json(decision: Any) -> dict[str, Any]:
    """The decision as `firstmile triage` prints it, without the comment and the evidence spans (kept small)."""
    data = decision.to_json() if hasattr(decision, "to_json") else dict(decision)
    return {k: v for k, v in data.items() if k not in ("comment", "evidence")}


def summarize(decision: dict[str, Any]) -> dict[str, Any]:
    """The report's per-issue facts: env, the first errors (type, fingerprint, short message), missing, related."""
    errors = [{"type": str(e.get("type") or ""), "fingerprint": str(e.get("fingerprint") or ""),
               "message": " ".join(str(e.get("message") or "").split())[:MAX_MESSAGE]}
              for e in (decision.get("errors") or [])[:MAX_ERRORS]]
    out: dict[str, Any] = {"env": dict(decision.get("env") or {}), "errors": errors,
                           "missing": list(decision.get("missing") or [])}
    if decision.get("kind"):
        out["kind"] = decision["kind"]
    if decision.get("related"):
        out["related"] = [{"number": r.get("number"), "score": r.get("score")} for r in decision["related"]
                          if isinstance(r, dict) and isinstance(r.get("number"), int)]
    return out
