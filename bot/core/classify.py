"""Combine evidence into a Prediction per dimension, level by level, abstaining below the thresholds."""

from __future__ import annotations

from bot.core.evidence import Settings
from bot.core.taxonomy import SEP, Taxonomy, prefixes
from bot.core.types import Evidence, Prediction


def support(evidence: list[Evidence], prior: dict[str, float], ancestry=prefixes) -> dict[str, float]:
    """Support per node path: the weights of evidence for the node or any descendant, plus priors (`ancestry`:
    a node's path and its ancestors', e.g. Taxonomy.prefixes, which has them computed at load)."""
    out: dict[str, float] = {}
    for node, w in [*prior.items(), *((e.node, e.weight) for e in evidence)]:
        for key in ancestry(node):
            out[key] = out.get(key, 0.0) + w
    return out


def decide(dimension: str, evidence: list[Evidence], taxonomy: Taxonomy, settings: Settings) -> tuple[Prediction | None, list[float]]:
    """The deepest path whose every level clears its thresholds, and the confidence of each level decided."""
    path, confs = decided_path(dimension, evidence, taxonomy, settings)
    if not path:
        return None, []
    name = SEP.join(path)
    above = taxonomy.prefixes(name)  # evidence for the path, a descendant of it, or an ancestor of it is kept
    used = [e for e in evidence if e.node in above or name in taxonomy.prefixes(e.node)]
    return Prediction(path=list(path), confidence=min(confs), evidence=used, decided_by="rules"), confs


def decided_path(dimension: str, evidence: list[Evidence], taxonomy: Taxonomy, settings: Settings
                 ) -> tuple[tuple[str, ...], list[float]]:
    """The path `decide` picks (empty when none) and the confidence of each of its levels."""
    scores = support(evidence, settings.prior, taxonomy.prefixes)
    path: tuple[str, ...] = ()
    confs: list[float] = []
    for level in range(len(settings.min_score)):
        kids = taxonomy.named_children(dimension, path)
        if not kids:
            break
        top, node, total = 0.0, kids[0][1], 0.0
        for name, n in kids:  # the first of equal best keeps taxonomy order, as a stable sort would
            sc = scores.get(name, 0.0)
            if sc > 0:
                total += sc
                if sc > top:
                    top, node = sc, n
        conf = top / (total + settings.smoothing) if top > 0 else 0.0
        if top < settings.min_score[level] or conf < settings.min_confidence[min(level, len(settings.min_confidence) - 1)]:
            break
        path, confs = node.path, [*confs, round(conf, 3)]
    return tuple(path), confs

