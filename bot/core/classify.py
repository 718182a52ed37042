"""Combine evidence into a Prediction per dimension, level by level, abstaining below the thresholds."""

from __future__ import annotations

from bot.core.evidence import Settings
from bot.core.taxonomy import SEP, Taxonomy
from bot.core.types import Evidence, Prediction


def support(evidence: list[Evidence], prior: dict[str, float]) -> dict[str, float]:
    """Support per node path: the weights of evidence for the node or any descendant, plus priors."""
    out: dict[str, float] = {}
    for node, w in [*prior.items(), *((e.node, e.weight) for e in evidence)]:
        parts = node.split(SEP)
        for k in range(1, len(parts) + 1):
            key = SEP.join(parts[:k])
            out[key] = out.get(key, 0.0) + w
    return out


def decide(dimension: str, evidence: list[Evidence], taxonomy: Taxonomy, settings: Settings) -> tuple[Prediction | None, list[float]]:
    """The deepest path whose every level clears its thresholds, and the confidence of each level decided."""
    scores = support(evidence, settings.prior)
    path: tuple[str, ...] = ()
    confs: list[float] = []
    for level in range(len(settings.min_score)):
        kids = taxonomy.children(dimension, path)
        if not kids:
            break
        ranked = sorted(((max(scores.get(n.name, 0.0), 0.0), n) for n in kids), key=lambda x: -x[0])
        top, node = ranked[0]
        total = sum(s for s, _ in ranked)
        conf = top / (total + settings.smoothing) if top > 0 else 0.0
        if top < settings.min_score[level] or conf < settings.min_confidence[min(level, len(settings.min_confidence) - 1)]:
            break
        path, confs = node.path, [*confs, round(conf, 3)]
    if not path:
        return None, []
    used = [e for e in evidence if _under(e.node, path) or _under(SEP.join(path), tuple(e.node.split(SEP)))]
    return Prediction.model_construct(path=list(path), confidence=min(confs), evidence=used, decided_by="rules"), confs


def _under(node: str, path: tuple[str, ...]) -> bool:
    """True when `node` is `path` or one of its descendants."""
    parts = tuple(node.split(SEP))
    return parts[: len(path)] == path
