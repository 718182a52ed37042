"""The decision per dimension: priors from labelled failures, the log-linear model, `likely`, candidates and the
thresholded (applied) depth. Pure: parameters come in as a parsed document, nothing is read here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.decide.model import feature_names, features, posterior
from bot.core.decide.priors import Priors, Record, spread
from bot.core.decide.space import DEPTH, DIMS, SEP, Space, spaces_from_taxonomy
from bot.core.types import Candidate, Evidence, Likely

FORMAT_VERSION = 1
MODES = ("text", "rules")
"""Parameter sets: with the learned text classifier, and without it (--rules-only)."""
DEFAULT_THETA = {"prior": 1.0, "ruled": 1.0, "rule1": 0.8, "rule2": 0.8, "rule3": 0.8, "text1": 0.6, "text2": 0.4, "text3": 0.3,
                 "written": 0.0, "implied": 0.5}
DEFAULT_THRESHOLDS = {"symptom": [0.8, 0.85, 0.9], "root_cause": [0.8, 0.85], "stage": [0.8]}
REPO_STRENGTH = 5.0
"""How many pseudo-failures the shipped prior weighs against a repository's own corrections."""
SUGGEST_MIN = 0.3
"""Levels of `likely` below the label threshold are suggested as labels from this probability."""


@dataclass(frozen=True)
class DimResult:
    """One dimension's distribution over leaves, its likely path and candidates."""

    p: np.ndarray
    likely: Likely
    candidates: list[Candidate]


class Decider:
    """Decides each dimension from evidence, text probabilities, implied causes and priors."""

    def __init__(self, taxonomy, doc: Mapping | None = None):
        doc = doc or {}
        if doc and doc.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"decision model format {doc.get('format_version')!r}, expected {FORMAT_VERSION}")
        self.doc = doc
        self.spaces: dict[str, Space] = spaces_from_taxonomy(taxonomy)
        records = [Record(*r[:4], *r[5:6])  # [symptom, cause, stage, family, n(, repo)]
                   for r in doc.get("records", ()) for _ in range(int(r[4]) if len(r) > 4 else 1)]
        self.priors = Priors(self.spaces, records, float(doc.get("strength", 4.0)))
        self.repo_strength = float(doc.get("repo_strength", REPO_STRENGTH))
        self.implied_causes: dict[str, str] = dict(doc.get("implied", {}))
        self.theta = {m: {d: self._theta(doc, m, d) for d in DIMS} for m in MODES}
        self.thresholds = {m: {d: list(doc.get("thresholds", {}).get(m, {}).get(d) or DEFAULT_THRESHOLDS[d])
                               for d in DIMS} for m in MODES}

    @staticmethod
    def _theta(doc: Mapping, mode: str, dim: str) -> np.ndarray:
        """The weight vector of one dimension and mode, defaults for missing entries."""
        given = doc.get("theta", {}).get(mode, {}).get(dim, {})
        return np.array([float(given.get(f, DEFAULT_THETA[f])) for f in feature_names(dim, dim == "root_cause")])

    # ---------------------------------------------------------------- priors
    def symptom_prior(self, repo: str | None) -> np.ndarray:
        """P(symptom | family), the stage marginalised."""
        return self.priors.symptom_marginal[self.priors.family(repo)].copy()

    def stage_prior(self, repo: str | None, p_symptom: np.ndarray) -> np.ndarray:
        """P(stage | family, symptom distribution)."""
        return self.priors.stage_given_symptom[self.priors.family(repo)] @ p_symptom

    def cause_prior(self, repo: str | None, p_symptom: np.ndarray, p_stage: np.ndarray) -> np.ndarray:
        """P(cause | repository (or family), symptom and stage distributions): the symptom and stage marginalised,
        not chosen."""
        return np.einsum("t,s,tsc->c", p_stage, p_symptom, self.priors.cause_table(repo))

    def repo_shift(self, dim: str, prior: np.ndarray, counts: Mapping[str, float] | None) -> np.ndarray | None:
        """The ratio P_repo(c) / P(c) by which a repository's own corrections (node path -> count) shift the
        posterior (label-shift correction), at once, with no retraining; None without corrections.

        P_repo is the Dirichlet update of the shipped prior (weighing `repo_strength` failures) with the counts."""
        if not counts:
            return None
        own = spread(self.spaces[dim], counts, prior)
        n = own.sum()
        if n <= 0:
            return None
        return ((own + self.repo_strength * prior) / (n + self.repo_strength)) / np.maximum(prior, 1e-12)

    # ---------------------------------------------------------------- the model
    def score(self, dim: str, x: np.ndarray, mode: str) -> np.ndarray:
        """The distribution for a feature matrix under one mode's weights."""
        return posterior(x, self.theta[mode][dim])

    def features(self, dim: str, prior: np.ndarray, evidence: Sequence[Evidence],
                 text: Mapping[str, Mapping[str, float]] | None, implied: Sequence[str] | None = None,
                 ruled: str | None = None) -> np.ndarray:
        """The feature matrix the model scores (what training fits on)."""
        return features(self.spaces[dim], np.log(np.maximum(prior, 1e-9)), evidence, text,
                        (implied or ()) if dim == "root_cause" else None, ruled)

    def fixed(self, dim: str, path: Sequence[str], prior: np.ndarray) -> np.ndarray:
        """A human's decision as a distribution: all mass under the path, spread by the prior."""
        return spread(self.spaces[dim], {SEP.join(path): 1.0}, prior) if path else prior

    def implied(self, ids: Sequence[str]) -> list[str]:
        """The causes implied by matched fix and compatibility-check ids."""
        return [self.implied_causes[i] for i in ids if i in self.implied_causes]

    # ---------------------------------------------------------------- summaries
    def summarise(self, dim: str, p: np.ndarray) -> DimResult:
        """The likely path (greedy by level marginals), the probability of each of its levels, the top 3 leaves."""
        space = self.spaces[dim]
        path: list[str] = []
        probs: list[float] = []
        chosen = -1
        for k, m in enumerate(space.level_marginals(p)):
            m = m.tolist()
            chosen = max(space.children[k][chosen], key=m.__getitem__)  # among the children of the level above
            name = space.prefixes[k][chosen]
            if path and name == SEP.join(path):
                break  # the leaf is shallower than the deepest level
            path, probs = name.split(SEP), [*probs, m[chosen]]
        ps = p.tolist()
        top = sorted(range(len(ps)), key=ps.__getitem__, reverse=True)[:3]  # stable: ties keep leaf order
        cands = [Candidate(path=space.leaves[i].split(SEP), p=round(ps[i], 4)) for i in top]
        return DimResult(p=p, likely=Likely(path=path, p=[round(x, 4) for x in probs]), candidates=cands)

    def depth(self, dim: str, likely: Likely, mode: str) -> int:
        """How many levels of the likely path clear their thresholds (each level must)."""
        n = 0
        for k, pk in enumerate(likely.p):
            if pk < self.thresholds[mode][dim][min(k, len(self.thresholds[mode][dim]) - 1)]:
                break
            n = k + 1
        return n


__all__ = ["DEPTH", "Decider", "DimResult", "FORMAT_VERSION", "MODES", "SUGGEST_MIN"]
