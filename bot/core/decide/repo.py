"""A repository's own maintainer corrections as counts per dimension and node, which shift its priors at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.core.taxonomy import DIMENSIONS, SEP


def repo_counts(overrides: Iterable[Mapping]) -> dict[str, dict[str, float]]:
    """Dimension -> node path -> corrections, from override rows ({number, dimension, record: {path}}): the latest
    correction of each issue and dimension counts once; a correction to "no label" counts for nothing."""
    latest: dict[tuple, str] = {}
    for row in overrides:
        dim = row.get("dimension")
        if dim not in DIMENSIONS:
            continue
        path = (row.get("record") or {}).get("path")
        key = (row.get("number"), dim)
        latest.pop(key, None)
        if path:
            latest[key] = SEP.join(path)
    out: dict[str, dict[str, float]] = {}
    for (_, dim), path in latest.items():
        out.setdefault(dim, {})[path] = out.get(dim, {}).get(path, 0.0) + 1.0
    return out
