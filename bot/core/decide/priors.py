"""Hierarchically smoothed priors from labelled failures: P(stage | family), P(symptom | stage, family) and
P(cause | symptom, stage, family, repository), each a Dirichlet back-off from the general context to the specific
one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.decide.space import SEP, Space

FAMILIES = ("qwen", "llama", "deepseek")
OTHER = "other"


def family_of(repo: str | None) -> str:
    """The repository family (qwen, llama, deepseek) of "owner/name", or "other"."""
    low = (repo or "").lower()
    return next((f for f in FAMILIES if f in low), OTHER)


@dataclass(frozen=True)
class Record:
    """One labelled failure: leaf paths per dimension, the repository family and (when known) the repository."""

    symptom: str
    root_cause: str
    stage: str
    family: str
    repo: str = ""


def _smoothed(counts: np.ndarray, parent: np.ndarray, strength: float) -> np.ndarray:
    """Dirichlet back-off: (counts + strength * parent) / (n + strength)."""
    return (counts + strength * parent) / (counts.sum() + strength)


class Priors:
    """Prior tables over the leaves of each Space, fitted on Records with back-off strength `strength`."""

    def __init__(self, spaces: Mapping[str, Space], records: Sequence[Record], strength: float = 4.0):
        self.spaces, self.strength = spaces, strength
        sym, cause, stage = spaces["symptom"], spaces["root_cause"], spaces["stage"]
        fams = (*FAMILIES, OTHER)
        self.families = {f: i for i, f in enumerate(fams)}
        rows = [(r, _leaf(sym, r.symptom), _leaf(cause, r.root_cause), _leaf(stage, r.stage)) for r in records]
        rows = [x for x in rows if x[1] >= 0 and x[2] >= 0 and x[3] >= 0]
        fam = np.array([self.families.get(r.family, len(fams) - 1) for r, *_ in rows], dtype=np.intp)
        s = np.array([x[1] for x in rows], dtype=np.intp)
        c = np.array([x[2] for x in rows], dtype=np.intp)
        t = np.array([x[3] for x in rows], dtype=np.intp)
        a = strength

        def count(idx: np.ndarray, n: int, mask) -> np.ndarray:
            return np.bincount(idx[mask], minlength=n).astype(float)

        every = np.ones(len(rows), dtype=bool)
        # stage | family
        st_root = _smoothed(count(t, stage.size, every), np.full(stage.size, 1 / stage.size), 1.0)
        self.stage = np.array([_smoothed(count(t, stage.size, fam == f), st_root, a) for f in range(len(fams))])
        # symptom | stage, family
        sy_root = _smoothed(count(s, sym.size, every), np.full(sym.size, 1 / sym.size), 1.0)
        self.symptom = np.zeros((len(fams), stage.size, sym.size))
        for ti in range(stage.size):
            by_stage = _smoothed(count(s, sym.size, t == ti), sy_root, a)
            for f in range(len(fams)):
                self.symptom[f, ti] = _smoothed(count(s, sym.size, (t == ti) & (fam == f)), by_stage, a)
        # cause | symptom path (level by level), stage, family
        ca_root = _smoothed(count(c, cause.size, every), np.full(cause.size, 1 / cause.size), 1.0)
        repos = np.array([r.repo for r, *_ in rows], dtype=object)
        repo_masks = {name: (self.families[family_of(name)], repos == name)
                      for name in sorted({r.repo for r, *_ in rows}) if name}
        self.by_repo = {name: np.zeros((stage.size, sym.size, cause.size)) for name in repo_masks}
        """Per repository with records: P(cause | symptom, stage, repo), backed off to its family's table."""
        self.cause = np.zeros((len(fams), stage.size, sym.size, cause.size))
        for leaf in range(sym.size):
            prior, mask = ca_root, every
            for k, of in enumerate(sym.prefix_of):
                mask = mask & (of[s] == of[leaf]) if len(rows) else mask
                if k > 0 and sym.prefixes[k][of[leaf]] == sym.prefixes[k - 1][sym.prefix_of[k - 1][leaf]]:
                    continue  # a leaf shallower than the taxonomy's depth: the same node again
                prior = _smoothed(count(c, cause.size, mask), prior, a)
            for ti in range(stage.size):
                by_stage = _smoothed(count(c, cause.size, mask & (t == ti)), prior, a)
                for f in range(len(fams)):
                    self.cause[f, ti, leaf] = _smoothed(count(c, cause.size, mask & (t == ti) & (fam == f)), by_stage, a)
                for name, (f, m) in repo_masks.items():
                    own = count(c, cause.size, mask & (t == ti) & m)
                    self.by_repo[name][ti, leaf] = _smoothed(own, self.cause[f, ti, leaf], a)
        self.symptom_marginal = [self.stage[f] @ self.symptom[f] for f in range(len(fams))]
        """P(symptom | family), the stage marginalised."""
        joint = [self.stage[f][:, None] * self.symptom[f] for f in range(len(fams))]  # stage x symptom
        self.stage_given_symptom = [j / j.sum(axis=0, keepdims=True) for j in joint]
        """P(stage | symptom, family)."""

    def family(self, repo: str | None) -> int:
        """The index of a repository's family."""
        return self.families[family_of(repo)]

    def cause_table(self, repo: str | None) -> np.ndarray:
        """P(cause | stage, symptom) for a repository: its own table when it has records, else its family's."""
        own = self.by_repo.get((repo or "").lower()) if self.by_repo else None
        return own if own is not None else self.cause[self.family(repo)]


def _leaf(space: Space, path: str) -> int:
    """The class index of a leaf path, or -1 when it is not a leaf of the space."""
    try:
        return space.leaves.index(path)
    except ValueError:
        idx = space.index(path)
        return int(idx[0]) if len(idx) == 1 else -1


def spread(space: Space, counts: Mapping[str, float], weights: np.ndarray) -> np.ndarray:
    """Counts given per node path, spread over the leaves under each node in proportion to `weights`."""
    out = np.zeros(space.size)
    for path, n in counts.items():
        idx = space.index(path)
        if len(idx) and n:
            w = weights[idx]
            out[idx] += n * (w / w.sum() if w.sum() > 0 else np.full(len(idx), 1 / len(idx)))
    return out


__all__ = ["FAMILIES", "OTHER", "Priors", "Record", "family_of", "spread", "SEP"]
