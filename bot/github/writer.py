"""Every write the bot makes to an issue: add or remove labels, post a comment once, react to a comment."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable, Iterable
from typing import Any

from gidgethub import BadRequest, GitHubBroken, RateLimitExceeded

from bot.github import labels
from bot.github.client import GitHubClient, GitHubUnavailable, backoff

log = logging.getLogger(__name__)

ISSUE = "/repos/{owner}/{repo}/issues/{number}"

Finder = Callable[[list[dict]], "dict | None"]
"""Our already-posted comment among an issue's comments, or None."""


class IssueWriter:
    """One issue's writes through one client; `known` labels (name -> colour, description) may be created."""

    def __init__(self, gh: Any, ctx: Any, owner: str, repo: str, number: int) -> None:
        self.gh, self.ctx = gh, ctx
        self.owner, self.repo, self.number = owner, repo, int(number)
        self.where = {"owner": owner, "repo": repo, "number": self.number}

    async def ensure(self, names: Iterable[str], known: dict[str, tuple[str, str]], *, create: bool) -> set[str]:
        """Create the missing labels we know (unless `create` is off); the given names that exist, case-folded."""
        names = list(names)
        if not names:
            return set()
        got = await labels.ensure(self.gh, self.ctx, self.owner, self.repo, names, known, create=create)
        return {n.casefold() for n in got}

    async def add_labels(self, body: dict | list[str]) -> None:
        """Add labels in one call: a list of names, or a request body (e.g. with suggested labels alongside)."""
        if isinstance(body, list):
            body = {"labels": body} if body else {}
        if body:
            await self.gh.post(ISSUE + "/labels", self.where, data=body)

    async def remove_labels(self, names: Iterable[str]) -> None:
        """Remove each label; one already gone (or removed by a retried request) is fine."""
        for name in names:
            try:
                await self.gh.delete(ISSUE + "/labels/{name}", {**self.where, "name": name})
            except BadRequest as exc:
                if exc.status_code != 404:
                    raise

    async def react(self, comment_id: int, content: str) -> None:
        """React to a comment (GitHub answers 200 for a reaction that exists already)."""
        await self.gh.post("/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
                           {**self.where, "comment_id": int(comment_id)}, data={"content": content})

    async def comments(self) -> list[dict]:
        """Every comment of the issue, oldest first (paginated)."""
        return [c async for c in self.gh.getiter(ISSUE + "/comments{?per_page}", {**self.where, "per_page": 100})]

    async def post_once(self, body: str, find: Finder, *, look_first: bool = False) -> tuple[int, str]:
        """POST a comment that must never land twice: each POST is one attempt, and before any retry (and first,
        with `look_first`) the comments are listed to see whether it landed. Returns (id, body as on GitHub)."""
        if look_first and (landed := find(await self.comments())) is not None:
            return int(landed["id"]), str(landed.get("body") or "")
        single = one_attempt(self.gh)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.ctx.settings.github_retry_seconds
        attempt = 0
        while True:
            attempt += 1
            try:
                created = await single.post(ISSUE + "/comments", self.where, data={"body": body})
                return int(created["id"]), body
            except (GitHubUnavailable, GitHubBroken, RateLimitExceeded, BadRequest) as exc:
                if isinstance(exc, BadRequest) and not rate_limited(exc):
                    raise
                wait = backoff(attempt, self.ctx.settings.github_backoff_seconds)
                if loop.time() + wait > deadline:
                    raise
                log.warning("%s/%s#%d: posting a comment failed (%s); checking whether it landed", self.owner,
                            self.repo, self.number, type(exc).__name__)
            await asyncio.sleep(wait)
            if (landed := find(await self.comments())) is not None:
                return int(landed["id"]), str(landed.get("body") or "")


def one_attempt(gh: Any) -> Any:
    """A copy of the client that makes one attempt per request (the shared client's retry budget is untouched)."""
    if not isinstance(gh, GitHubClient):
        return gh
    single = copy.copy(gh)
    single.retry_seconds = 0.0
    return single


def rate_limited(exc: BadRequest) -> bool:
    """Whether a 4xx answer is a primary or secondary rate limit (worth waiting for), not a real refusal."""
    return isinstance(exc, RateLimitExceeded) or exc.status_code == 429 or (
        exc.status_code == 403 and "rate limit" in str(exc).lower())
