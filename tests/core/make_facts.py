"""Building Facts by hand for the fixes, compat, missing and render tests (no dependency on extraction)."""

from __future__ import annotations

from bot.core.types import EnvFact, ErrorFact, Facts, Frame, Prediction


def make_facts(prose: str = "", *, env: dict[str, str] | None = None, errors: list[tuple[str, str]] = (),
               package: str | None = None, code: list[str] = (), language: str = "en",
               runtimes: list[str] = (), template_only: bool = False) -> Facts:
    """Facts with the given prose (the title is its first line), env values, errors ("Type", "message") and code."""
    title = prose.split("\n", 1)[0]
    return Facts(
        text=prose + "\n\n" + "\n".join(code), title=title, prose=prose, code=list(code), language=language,
        runtimes=list(runtimes), template_only=template_only,
        env={k: EnvFact(key=k, value=v, source="prose", span=(0, 0)) for k, v in (env or {}).items()},
        errors=[ErrorFact(kind="python", type=t, message=m, package=package, fingerprint=f"fp{i}", span=(0, 0),
                          frames=[Frame(file="x.py", package=package)] if package else [])
                for i, (t, m) in enumerate(errors)],
    )


def pred(name: str, confidence: float = 0.9, by: str = "rules") -> Prediction:
    """A Prediction from a " - "-joined path."""
    return Prediction(path=name.split(" - "), confidence=confidence, decided_by=by)
