"""The classes of each dimension (the taxonomy's leaves) and, per level, which prefix each leaf falls under."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.core.taxonomy import DIMENSIONS as DIMS, SEP
DEPTH = {"symptom": 3, "root_cause": 2, "stage": 1}
"""How many levels each dimension has."""


def norm_path(name: str) -> str:
    """A path in the " - " form with whitespace normalised."""
    return SEP.join(" ".join(p.split()) for p in name.split(SEP))


@dataclass(frozen=True)
class Space:
    """One dimension's leaves (the classes) and the prefix of each leaf at each level."""

    dim: str
    leaves: tuple[str, ...]
    prefixes: tuple[tuple[str, ...], ...] = field(init=False)
    """prefixes[k] lists the distinct level-(k+1) paths; prefix_of[k][i] is leaf i's index in it."""
    prefix_of: tuple[np.ndarray, ...] = field(init=False)
    under: dict[str, np.ndarray] = field(init=False)
    """Any node path -> the indices of the leaves under it (itself included)."""
    support: dict[str, tuple[tuple[int, int], ...]] = field(init=False)
    """Any node path -> (level, prefix index at that level) for the node and each of its ancestors: where its
    evidence counts (for every leaf under that prefix)."""
    children: tuple[dict[int, list[int]], ...] = field(init=False)
    """children[k][j]: the level-k prefixes under level-(k-1) prefix j, in order (children[0][-1]: all of level 1)."""
    gather: np.ndarray = field(init=False)
    """gather[i, k]: leaf i's level-k prefix as an index into all levels' prefixes laid end to end."""

    def __post_init__(self):
        prefixes, prefix_of, under = [], [], {}
        for k in range(DEPTH[self.dim]):
            names = [SEP.join(leaf.split(SEP)[: k + 1]) for leaf in self.leaves]
            distinct = tuple(dict.fromkeys(names))
            pos = {n: i for i, n in enumerate(distinct)}
            prefixes.append(distinct)
            prefix_of.append(np.array([pos[n] for n in names], dtype=np.intp))
            for n in distinct:
                under[n] = np.array([i for i, m in enumerate(names) if m == n], dtype=np.intp)
        object.__setattr__(self, "prefixes", tuple(prefixes))
        object.__setattr__(self, "prefix_of", tuple(prefix_of))
        object.__setattr__(self, "under", under)
        support = {}
        for name in under:
            parts = name.split(SEP)
            support[name] = tuple((k, prefixes[k].index(SEP.join(parts[: k + 1]))) for k in range(len(parts)))
        object.__setattr__(self, "support", support)
        parents = [np.full(len(prefixes[0]), -1, dtype=np.intp)]
        for k in range(1, len(prefixes)):
            pos = {n: i for i, n in enumerate(prefixes[k - 1])}
            parents.append(np.array([pos[SEP.join(n.split(SEP)[:k])] for n in prefixes[k]], dtype=np.intp))
        children: list[dict[int, list[int]]] = []
        for of in parents:
            kids: dict[int, list[int]] = {}
            for j, parent in enumerate(of.tolist()):
                kids.setdefault(parent, []).append(j)
            children.append(kids)
        object.__setattr__(self, "children", tuple(children))
        starts = np.cumsum([0] + [len(names) for names in prefixes[:-1]])
        object.__setattr__(self, "gather", np.stack([of + start for of, start in zip(prefix_of, starts)], axis=1))

    @property
    def size(self) -> int:
        """The number of classes."""
        return len(self.leaves)

    def index(self, path: str) -> np.ndarray:
        """The leaves under a node path (empty when the path is not in the taxonomy)."""
        got = self.under.get(norm_path(path))
        return got if got is not None else np.zeros(0, dtype=np.intp)

    def level_marginals(self, p: np.ndarray) -> list[np.ndarray]:
        """The probability of each level-k prefix, for k = 1..depth."""
        return [np.bincount(of, weights=p, minlength=len(names)) for of, names in zip(self.prefix_of, self.prefixes)]


def spaces_from_taxonomy(taxonomy) -> dict[str, Space]:
    """One Space per dimension from a Taxonomy: its leaves (nodes without children), in taxonomy order."""
    out = {}
    for dim in DIMS:
        nodes = taxonomy.dimension_nodes(dim)
        parents = {n.path[:-1] for n in nodes}
        out[dim] = Space(dim, tuple(n.name for n in nodes if n.path not in parents))
    return out
