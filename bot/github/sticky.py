"""The one sticky triage comment per issue: found by the hidden marker and our login, edited, never posted twice."""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any

from gidgethub import BadRequest, GitHubBroken, RateLimitExceeded

from bot.core.render import MARKER
from bot.github.client import GitHubClient, GitHubUnavailable, backoff
from bot.store import IssueState

log = logging.getLogger(__name__)

DELETED = 0
"""The stored comment id once a maintainer deleted our comment: we never post it again."""


def is_bot(user: Any) -> bool:
    """Whether a GitHub user object is a bot account (an App's `<slug>[bot]` or a bot user)."""
    if not isinstance(user, dict):
        return False
    return user.get("type") == "Bot" or str(user.get("login", "")).endswith("[bot]")


def is_sticky(comment: dict, bot_login: str) -> bool:
    """Our triage comment: written by our own login AND carrying the marker (other tools paste markers too)."""
    user = comment.get("user") or {}
    return user.get("login") == bot_login and MARKER in (comment.get("body") or "")


async def list_comments(gh: Any, owner: str, repo: str, number: int) -> list[dict]:
    """Every comment of an issue, oldest first (paginated)."""
    return [c async for c in gh.getiter("/repos/{owner}/{repo}/issues/{number}/comments{?per_page}",
                                        {"owner": owner, "repo": repo, "number": number, "per_page": 100})]


def find(comments: list[dict], bot_login: str) -> dict | None:
    """The first sticky comment among these, or None."""
    return next((c for c in comments if is_sticky(c, bot_login)), None)


async def upsert(gh: Any, ctx: Any, owner: str, repo: str, number: int, body: str, state: IssueState) -> None:
    """Make the sticky comment say `body`: edit it when it changed, post it once if there is none; updates `state`."""
    if state.comment_id == DELETED:
        log.info("%s/%s#%d: our comment was deleted by a maintainer; not posting it again", owner, repo, number)
        return
    if state.comment_id is None:
        state.comment_id, state.comment_body = await post_once(gh, ctx, owner, repo, number, body)
    if state.comment_body == body:
        return
    try:
        await gh.patch("/repos/{owner}/{repo}/issues/comments/{comment_id}",
                       {"owner": owner, "repo": repo, "comment_id": state.comment_id}, data={"body": body})
    except BadRequest as exc:
        if exc.status_code != 404:
            raise
        log.info("%s/%s#%d: our comment %d is gone; not posting it again", owner, repo, number, state.comment_id)
        state.comment_id, state.comment_body = DELETED, None
        return
    state.comment_body = body


async def post_once(gh: Any, ctx: Any, owner: str, repo: str, number: int, body: str) -> tuple[int, str]:
    """POST the comment; before any retry, list the comments to see whether a failed attempt landed after all.

    Returns the comment's (id, body as on GitHub)."""
    single = copy.copy(gh)
    if isinstance(single, GitHubClient):
        single.retry_seconds = 0.0  # one attempt per POST: the retries are ours, each after a look
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ctx.settings.github_retry_seconds
    params = {"owner": owner, "repo": repo, "number": number}
    attempt = 0
    while True:
        attempt += 1
        try:
            created = await single.post("/repos/{owner}/{repo}/issues/{number}/comments", params, data={"body": body})
            return int(created["id"]), body
        except (GitHubUnavailable, GitHubBroken, RateLimitExceeded, BadRequest) as exc:
            if isinstance(exc, BadRequest) and not _rate_limited(exc):
                raise
            wait = backoff(attempt, ctx.settings.github_backoff_seconds)
            if loop.time() + wait > deadline:
                raise
            log.warning("%s/%s#%d: posting the comment failed (%s); checking whether it landed", owner, repo, number,
                        type(exc).__name__)
        await asyncio.sleep(wait)
        landed = find(await list_comments(gh, owner, repo, number), ctx.bot_login)
        if landed is not None:
            return int(landed["id"]), str(landed.get("body") or "")


def _rate_limited(exc: BadRequest) -> bool:
    """Whether a 4xx answer is a primary or secondary rate limit (worth waiting for), not a real refusal."""
    return isinstance(exc, RateLimitExceeded) or exc.status_code == 429 or (
        exc.status_code == 403 and "rate limit" in str(exc).lower())
