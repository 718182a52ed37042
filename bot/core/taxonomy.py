"""The failure taxonomy (rules/taxonomy.yml): nodes with paths, labels and colours, and name resolution."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.core.rulefile import RulesError, load_yaml

Dimension = Literal["symptom", "root_cause", "stage"]
DIMENSIONS: tuple[Dimension, ...] = ("symptom", "root_cause", "stage")
SEP = " - "


class _NodeSpec(BaseModel):
    """One node as written in taxonomy.yml."""

    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=50)
    color: str = Field(pattern=r"^[0-9a-fA-F]{6}$")
    description: str = Field(min_length=1)
    children: dict[str, _NodeSpec] = Field(default_factory=dict)

    @field_validator("color", mode="before")
    @classmethod
    def _color_str(cls, v):
        """YAML reads some hex colours (e.g. 333333) as ints; keep them as text."""
        return f"{v:06d}" if isinstance(v, int) else v


class Node(BaseModel):
    """A taxonomy node: its dimension, its path (most general first), label, colour and description."""

    model_config = ConfigDict(frozen=True)
    dimension: str
    path: tuple[str, ...]
    label: str
    color: str
    description: str

    @property
    def name(self) -> str:
        """The paper's form: levels joined by " - "."""
        return SEP.join(self.path)


def prefixes(name: str) -> tuple[str, ...]:
    """A node name and every ancestor's, in the " - " form ("A - B" -> "A", "A - B")."""
    parts = name.split(SEP)
    return tuple(SEP.join(parts[:k]) for k in range(1, len(parts) + 1))


def _norm(text: str) -> str:
    """Lower-case, with "/" and runs of spaces or dashes treated as the level separator."""
    parts = [p.strip() for p in text.replace("/", SEP).split(SEP)]
    return SEP.join(" ".join(p.split()) for p in parts if p).lower()


class Taxonomy:
    """All nodes of the three dimensions, indexed by path and by label."""

    def __init__(self, nodes: list[Node]):
        self.nodes = nodes
        self._by_path = {(n.dimension, n.path): n for n in nodes}
        self._by_label = {n.label.lower(): n for n in nodes}
        self._dimension = {n.label: n.dimension for n in nodes}
        self._children: dict[tuple, list[Node]] = {}
        for n in nodes:
            self._children.setdefault((n.dimension, n.path[:-1]), []).append(n)
        self._named = {k: tuple((n.name, n) for n in kids) for k, kids in self._children.items()}
        self._prefixes = {n.name: prefixes(n.name) for n in nodes}

    def get(self, dimension: str, path: tuple[str, ...] | list[str] | str) -> Node | None:
        """The node at an exact path (a tuple or the " - " form), or None."""
        if isinstance(path, str):
            path = tuple(p.strip() for p in path.split(SEP))
        return self._by_path.get((dimension, tuple(path)))

    def named_children(self, dimension: str, path: tuple[str, ...] = ()) -> tuple[tuple[str, Node], ...]:
        """The direct children of a path with their " - " names, precomputed (read on every decision)."""
        return self._named.get((dimension, tuple(path)), ())

    def dimension_nodes(self, dimension: str) -> list[Node]:
        """Every node of one dimension."""
        return [n for n in self.nodes if n.dimension == dimension]

    def by_label(self, label: str) -> Node | None:
        """The node that owns a label name (case-insensitive), or None."""
        return self._by_label.get(label.strip().lower())

    def prefixes(self, name: str) -> tuple[str, ...]:
        """`prefixes(name)`, looked up for the taxonomy's own nodes (computed at load)."""
        got = self._prefixes.get(name)
        return got if got is not None else prefixes(name)

    def dimension_of(self, label: str) -> str:
        """The dimension of the node with exactly this label ("" for none)."""
        return self._dimension.get(label, "")

    def resolve(self, dimension: str, name: str) -> Node:
        """A node named by label, path ("A - B" or "a/b") or unique case-insensitive prefix; ValueError otherwise."""
        node = self.by_label(name)
        if node is not None and node.dimension == dimension:
            return node
        want = _norm(name)
        cands = self.dimension_nodes(dimension)
        exact = [n for n in cands if want in (_norm(n.name), _norm(n.path[-1]))]
        if len(exact) == 1:
            return exact[0]
        hits = [n for n in cands if want and (_norm(n.name).startswith(want) or _norm(n.path[-1]).startswith(want)
                                               or n.label.lower().startswith(want))]
        top = min(hits, key=lambda n: len(n.path), default=None)
        if top is not None and all(n.path[: len(top.path)] == top.path for n in hits):
            return top
        if not hits:
            raise ValueError(f"no {dimension.replace('_', ' ')} node named {name!r}")
        raise ValueError(f"{name!r} is ambiguous: " + ", ".join(sorted(n.name for n in hits)[:5]))

    def relabel(self, rename: dict[str, str] | None = None, prefix: str = "") -> Taxonomy:
        """A copy whose labels are renamed (default label or path -> new name), then prefixed."""
        rename = {k.lower(): v for k, v in (rename or {}).items()}
        out = []
        for n in self.nodes:
            new = rename.get(n.label.lower()) or rename.get(n.name.lower()) or n.label
            out.append(n.model_copy(update={"label": prefix + new}))
        return Taxonomy(out)


def _flatten(dimension: str, specs: dict[str, _NodeSpec], parent: tuple[str, ...]) -> list[Node]:
    """Depth-first list of Nodes from the nested specs."""
    out: list[Node] = []
    for name, spec in specs.items():
        path = (*parent, " ".join(name.split()))
        out.append(Node(dimension=dimension, path=path, label=spec.label, color=spec.color.lower(),
                        description=spec.description))
        out.extend(_flatten(dimension, spec.children, path))
    return out


def load_taxonomy(path: Path) -> Taxonomy:
    """Load and validate taxonomy.yml; raises RulesError naming the node at fault."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise RulesError(path, None, "expected a mapping of dimensions")
    unknown = set(data) - set(DIMENSIONS)
    if unknown:
        raise RulesError(path, None, f"unknown dimension {sorted(unknown)[0]!r} (expected {', '.join(DIMENSIONS)})")
    nodes: list[Node] = []
    for dim in DIMENSIONS:
        tree = data.get(dim)
        if not isinstance(tree, dict) or not tree:
            raise RulesError(path, None, f"dimension {dim!r} is missing or empty")
        for name, raw in tree.items():
            try:
                spec = _NodeSpec.model_validate(raw)
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = ".".join(str(x) for x in err["loc"])
                raise RulesError(path, f"{dim}/{name}", f"{loc}: {err['msg']}") from None
            nodes.extend(_flatten(dim, {name: spec}, ()))
    seen: dict[str, Node] = {}
    for n in nodes:
        if n.label.lower() in seen:
            raise RulesError(path, f"{n.dimension}/{n.name}", f"label {n.label!r} is already used by {seen[n.label.lower()].name!r}")
        seen[n.label.lower()] = n
    return Taxonomy(nodes)
