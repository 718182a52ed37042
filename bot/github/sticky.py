"""The one sticky triage comment per issue: found by the hidden marker and our login, edited, never posted twice."""

from __future__ import annotations

import logging
from typing import Any

from gidgethub import BadRequest

from bot.core.render import MARKER
from bot.github.accounts import is_bot  # noqa: F401  (the triage router reads it from here)
from bot.github.writer import IssueWriter
from bot.store import IssueState

log = logging.getLogger(__name__)

DELETED = 0
"""The stored comment id once a maintainer deleted our comment: we never post it again."""


def is_sticky(comment: dict, bot_login: str) -> bool:
    """Our triage comment: written by our own login AND carrying the marker (other tools paste markers too)."""
    user = comment.get("user") or {}
    return user.get("login") == bot_login and MARKER in (comment.get("body") or "")


async def list_comments(gh: Any, owner: str, repo: str, number: int) -> list[dict]:
    """Every comment of an issue, oldest first (paginated)."""
    return await IssueWriter(gh, None, owner, repo, number).comments()


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
    """POST the comment once (see IssueWriter.post_once); returns the comment's (id, body as on GitHub)."""
    return await IssueWriter(gh, ctx, owner, repo, number).post_once(body, lambda got: find(got, ctx.bot_login))
