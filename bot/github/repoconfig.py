"""Fetch `.github/firstmile.yml` and its extra rule files from the default branch, cached, last good version kept."""

from __future__ import annotations

import base64
import binascii
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache, TTLCache
from gidgethub import BadRequest, GitHubException

from bot.core.repoconfig import ConfigError, RepoConfig, parse_config
from bot.core.rulefile import RulesError
from bot.github.client import GitHubUnavailable

log = logging.getLogger(__name__)

CONFIG_PATH = ".github/firstmile.yml"
TTL_SECONDS = 300.0
BROKEN_WITHOUT_GOOD = RepoConfig(mode="shadow")
"""A broken file with no good version to fall back on: compute and log only, since we cannot know what was meant."""


class Unreadable(Exception):
    """A file could not be fetched (GitHub failed) or decoded."""


@dataclass(frozen=True)
class RepoSetup:
    """What a repo's config decides: the validated config and the rules to triage with (shipped plus extra)."""

    config: RepoConfig
    ruleset: Any


class ConfigCache:
    """Per-repo setups: fresh ones for TTL seconds, and the last good one kept for when a fetch or the file breaks."""

    def __init__(self, ttl: float = TTL_SECONDS, timer: Callable[[], float] = time.monotonic, maxsize: int = 10_000):
        self.fresh: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl, timer=timer)
        self.good: LRUCache = LRUCache(maxsize=maxsize)


def taxonomy(ctx: Any, setup: RepoSetup) -> Any:
    """The setup's taxonomy under the repo's label names and prefix; relabelling copies every node, so the result is
    kept per server, keyed by what it is made from."""
    config, source = setup.config, setup.ruleset.taxonomy
    cache = ctx.caches.setdefault("relabelled", LRUCache(maxsize=256))
    key = (id(source), tuple(sorted(config.labels.rename.items())), config.labels.prefix)
    hit = cache.get(key)
    if hit is None or hit[0] is not source:  # the id of a taxonomy since collected
        hit = cache[key] = (source, source.relabel(config.labels.rename or None, config.labels.prefix))
    return hit[1]


def cache_of(ctx: Any) -> ConfigCache:
    """The server's config cache (created on first use)."""
    return ctx.caches.setdefault("repoconfig", ConfigCache())


async def fetch_text(gh: Any, owner: str, repo: str, path: str) -> str | None:
    """A file's text on the default branch; None when it does not exist; Unreadable when GitHub or the bytes fail."""
    try:
        data = await gh.getitem("/repos/{owner}/{repo}/contents/{+path}", {"owner": owner, "repo": repo, "path": path})
    except BadRequest as exc:
        if exc.status_code == 404:
            return None
        raise Unreadable(f"HTTP {exc.status_code}") from None
    except (GitHubException, GitHubUnavailable) as exc:
        raise Unreadable(f"{type(exc).__name__}: {exc}") from None
    if not isinstance(data, dict) or data.get("type", "file") != "file" or data.get("encoding") != "base64":
        raise Unreadable("not a base64-encoded file")
    try:
        return base64.b64decode(data.get("content") or "").decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unreadable("not UTF-8 text") from None


async def load(gh: Any, ctx: Any, owner: str, repo: str) -> RepoSetup:
    """The repo's setup: cached for TTL; on a failed fetch or a broken file, the last good one (logged)."""
    cache, key = cache_of(ctx), f"{owner}/{repo}".lower()
    if key in cache.fresh:
        return cache.fresh[key]
    try:
        setup = await _read(gh, ctx, owner, repo)
    except (Unreadable, ConfigError, RulesError) as exc:
        kind = "cannot be read" if isinstance(exc, Unreadable) else "is invalid"
        setup = cache.good.get(key)
        fallback = "keeping the last good version" if setup else (
            "using the defaults" if isinstance(exc, Unreadable) else "shadow mode until it is fixed")
        log.error("%s: %s %s (%s); %s", key, CONFIG_PATH, kind, exc, fallback)
        if setup is None:
            base = RepoConfig() if isinstance(exc, Unreadable) else BROKEN_WITHOUT_GOOD
            setup = RepoSetup(base, ctx.ruleset)
    else:
        cache.good[key] = setup
    cache.fresh[key] = setup
    return setup


async def _read(gh: Any, ctx: Any, owner: str, repo: str) -> RepoSetup:
    """Fetch and validate the config and its extra rule files (a missing config file means the defaults)."""
    text = await fetch_text(gh, owner, repo, CONFIG_PATH)
    config = RepoConfig() if text is None else parse_config(text)
    ruleset = ctx.ruleset
    if config.rules and ruleset is not None:
        files = {}
        for path in config.rules:
            rules_text = await fetch_text(gh, owner, repo, path)
            if rules_text is None:
                raise RulesError(path, None, "listed in rules: but not found on the default branch")
            files[path] = rules_text
        ruleset = ruleset.with_extra(files)
    return RepoSetup(config, ruleset)
