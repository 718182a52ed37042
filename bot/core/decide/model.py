"""A small log-linear model per dimension: log prior + weighted likelihood features -> calibrated distribution.

score(c) = th_prior * log P(c | context) + sum_k th_rule_k * R_k(c) + th_ruled * D(c)
           + sum_k th_text_k * log p_text(c[:k]) + th_written * log p_written(c[:1]) + th_implied * I(c)
where R_k(c) is the evidence rules' weight on the level-k node above c or below it (rules as likelihood features, not votes),
D(c) whether the rules' own thresholds decide c (symptom and stage),
p_text the learned text classifier's level-k probability, p_written its cause head fitted on the issues we wrote
(cause only, WRITTEN), and I(c) counts the known fixes and compatibility
findings whose implied cause is above c. softmax(score) is the distribution over the taxonomy's leaves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from bot.core.decide.space import DEPTH, Space
from bot.core.types import Evidence

TEXT_FLOOR = 1e-3
"""The text probability given to a class the classifier never saw."""
TEXT_LEVELS = {"symptom": ("symptom_l1", "symptom_l2", "symptom_l3"), "root_cause": ("root_cause_l1", "root_cause_l2"),
               "stage": ("stage",)}

WRITTEN = "root_cause_l1_written"
"""The text classifier's cause level-1 head fitted on the 500 issues we wrote (eval/fresh odd batches), not on real
ones: the cause model weighs it as one more column, its weight fitted on the real issues (pulled towards 0,
WRITTEN_PENALTY in bot/ml/decide_train.py). The written issues alone taught the whole classifier their writer's
style; as one column they add: cause likely L1 0.582 -> 0.600 in dev CV, 0.573 -> 0.609 by family."""


RULED = ("symptom", "stage")
"""Dimensions whose model weighs the evidence rules' own thresholded decision (`ruled`). Not the cause: its rules were
written reading the dev issues, where their decision names the right cause family 55 times in 70, against 234 in 379
on the fresh issues and 0.61 on unseen real ones, so a weight fitted on dev over-trusts it (without it, cause L1 ECE
0.141 -> 0.103 in dev CV and 0.140 -> 0.107 on the fresh issues)."""


def feature_names(dim: str, implied: bool) -> tuple[str, ...]:
    """The feature columns of one dimension's model (same order as features())."""
    n = DEPTH[dim]
    out = ["prior", *(f"rule{k}" for k in range(1, n + 1)), *(["ruled"] if dim in RULED else []),
           *(f"text{k}" for k in range(1, n + 1)), *(["written"] if dim == "root_cause" else [])]
    return (*out, "implied") if implied else tuple(out)


def features(space: Space, log_prior: np.ndarray, evidence: Sequence[Evidence],
             text: Mapping[str, Mapping[str, float]] | None, implied: Sequence[str] | None,
             ruled: str | None = None) -> np.ndarray:
    """The (classes x features) matrix of one issue for one dimension (columns as feature_names); `ruled` is the
    path the evidence rules' own thresholds decide (their share of the support), if any (read for RULED only)."""
    n = DEPTH[space.dim]
    has_ruled = space.dim in RULED
    has_written = space.dim == "root_cause"
    cols = np.zeros((space.size, 1 + 2 * n + has_ruled + has_written + (implied is not None)))
    cols[:, 0] = log_prior
    if evidence:  # like support: evidence for a node counts for it and for each of its ancestors' level
        weights = [[0.0] * len(names) for names in space.prefixes]
        for e in evidence:
            for k, j in space.support.get(e.node, ()):
                weights[k][j] += e.weight
        per_prefix = np.array([w for level in weights for w in level])
        per_prefix = np.sign(per_prefix) * np.log1p(np.abs(per_prefix))  # several rules on one node: diminishing returns
        cols[:, 1 : n + 1] = per_prefix[space.gather]
    if ruled and has_ruled:
        cols[space.index(ruled), n + 1] = 1.0
    text = text or {}
    levels = [text.get(level) or {} for level in TEXT_LEVELS[space.dim]]
    if any(levels):  # each level's probability per prefix, the levels laid end to end: one log, one gather
        per_prefix = np.log(np.maximum([probs.get(p, 0.0) for probs, names in zip(levels, space.prefixes)
                                        for p in names], TEXT_FLOOR))
        block = per_prefix[space.gather]
        if not all(levels):
            block[:, [k for k, probs in enumerate(levels) if not probs]] = 0.0
        cols[:, n + 1 + has_ruled : 2 * n + 1 + has_ruled] = block
    probs = text.get(WRITTEN) if has_written else None
    if probs:
        per_prefix = np.log(np.maximum([probs.get(p, 0.0) for p in space.prefixes[0]], TEXT_FLOOR))
        cols[:, 2 * n + 1 + has_ruled] = per_prefix[space.prefix_of[0]]
    if implied is not None:
        imp = cols[:, -1]
        for path in implied:
            imp[space.index(path)] += 1.0
        np.minimum(imp, 2.0, out=imp)
    return cols


def softmax(z: np.ndarray) -> np.ndarray:
    """Normalised exponentials along the last axis."""
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def posterior(x: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """The distribution over classes given the feature matrix and the weights."""
    return softmax(x @ theta)
