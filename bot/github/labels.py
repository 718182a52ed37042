"""Make sure the labels a triage applies exist in the repo: list them once per repo, create the missing ones, cache."""

from __future__ import annotations

import logging
from typing import Any

from cachetools import TTLCache
from gidgethub import BadRequest

log = logging.getLogger(__name__)

TTL_SECONDS = 24 * 3600.0
NEEDS_INFO_COLOR = "fbca04"
NEEDS_INFO_DESCRIPTION = "Waiting for information from the reporter."
DESCRIPTION_MAX = 100
"""GitHub refuses longer label descriptions."""


def cache_of(ctx: Any) -> TTLCache:
    """The server's cache: repo -> the label names (case-folded) known to exist there."""
    return ctx.caches.setdefault("labels", TTLCache(maxsize=10_000, ttl=TTL_SECONDS))


KIND_SPECS = {"question": ("d876e3", "A question, not a failure report"),
              "feature": ("a2eeef", "A feature or model-support request")}
"""Colour and description of the issue-kind labels, by kind."""


def specs(taxonomy: Any, needs_info_label: str, kind_names: dict[str, str] | None = None
          ) -> dict[str, tuple[str, str]]:
    """Label name (case-folded) -> (colour, description) for every label the bot may create."""
    out = {n.label.casefold(): (n.color, n.description) for n in taxonomy.nodes}
    out[needs_info_label.casefold()] = (NEEDS_INFO_COLOR, NEEDS_INFO_DESCRIPTION)
    for kind, name in (kind_names or {}).items():
        out.setdefault(name.casefold(), KIND_SPECS[kind])
    return out


async def existing(gh: Any, ctx: Any, owner: str, repo: str) -> set[str]:
    """The repo's label names, case-folded: listed on first use, then cached (and kept up to date by `ensure`)."""
    cache, key = cache_of(ctx), f"{owner}/{repo}".lower()
    if key not in cache:
        names = set()
        async for label in gh.getiter("/repos/{owner}/{repo}/labels{?per_page}",
                                      {"owner": owner, "repo": repo, "per_page": 100}):
            names.add(str(label["name"]).casefold())
        cache[key] = names
    return cache[key]


async def ensure(gh: Any, ctx: Any, owner: str, repo: str, names: list[str], known: dict[str, tuple[str, str]], *,
                 create: bool) -> list[str]:
    """The given names that exist in the repo, after creating the missing ones we know (unless `create` is off).

    With a warm cache nothing is called; a label missing from the cache is created directly (422: it exists).
    """
    cache, key = cache_of(ctx), f"{owner}/{repo}".lower()
    have = cache.get(key)
    if have is None:
        have = await existing(gh, ctx, owner, repo)
    for name in names:
        folded = name.casefold()
        if folded in have or not create or folded not in known:
            continue
        color, description = known[folded]
        try:
            await gh.post("/repos/{owner}/{repo}/labels", {"owner": owner, "repo": repo},
                          data={"name": name, "color": color, "description": description[:DESCRIPTION_MAX]})
            log.info("%s/%s: created label %r", owner, repo, name)
        except BadRequest as exc:
            if exc.status_code != 422:  # 422: it exists already (created meanwhile, or the cache was stale)
                raise
        have.add(folded)
    return [n for n in names if n.casefold() in have]
