"""The one `issue_comment` route: parse -> decide -> apply the commands, re-triage once, record the version handled."""

from __future__ import annotations

import logging
import time
from typing import Any

from gidgethub import routing, sansio

from bot.core.commands import new_commands, parse_commands
from bot.github import commands, repoconfig
from bot.github import triage as triage_router
from bot.github.accounts import is_bot

log = logging.getLogger(__name__)

router = routing.Router()


@router.register("issue_comment", action="created")
@router.register("issue_comment", action="edited")
async def on_comment(event: sansio.Event, gh: Any, ctx: Any) -> None:
    """A human's new or edited comment, once per comment version (whatever the delivery id)."""
    data = event.data
    comment, issue, repository = data["comment"], data["issue"], data["repository"]
    if is_bot(comment.get("user"), ctx.bot_login) or issue.get("pull_request"):
        return
    full, cid, version = repository["full_name"], int(comment["id"]), version_of(comment)
    if await ctx.store.comment_seen(full, cid, version):
        log.info("%s#%s: comment %s (%s) already handled", full, issue["number"], cid, version)
        return
    after = await _run_commands(gh, ctx, data)
    if after is None:
        await triage_router.on_comment(event, gh, ctx, issue, comment)
    else:  # the commands asked for it (or changed what triage reads): re-triage with the issue as they left it
        await triage_router.on_comment(event, gh, ctx, after, comment, trigger="refresh")
    await ctx.store.mark_comment(full, cid, version, time.time())


def version_of(comment: dict) -> str:
    """A comment version: its last update time (its creation time if never updated)."""
    return str(comment.get("updated_at") or comment.get("created_at") or "")


def commands_of(data: dict, slug: str) -> list:
    """The commands a delivery brings: all of a new comment's, only the added ones of an edited comment."""
    comment = data["comment"]
    if data.get("action") != "edited":
        return parse_commands(comment.get("body"), slug=slug)
    if "body" not in (data.get("changes") or {}):
        return []
    return new_commands(comment.get("body"), data["changes"]["body"].get("from"), slug=slug)


async def _run_commands(gh: Any, ctx: Any, data: dict) -> dict | None:
    """Decide and apply the comment's commands; the issue as they left it if it needs a re-triage, else None."""
    comment, issue, repository = data["comment"], data["issue"], data["repository"]
    author = comment.get("user") or {}
    actor = (data.get("sender") or author) if data.get("action") == "edited" else author  # who typed the text
    cmds = commands_of(data, ctx.slug)
    if not cmds or is_bot(actor, ctx.bot_login):
        return None
    where = {"owner": repository["owner"]["login"], "repo": repository["name"], "number": issue["number"]}
    setup = await repoconfig.load(gh, ctx, where["owner"], where["repo"])
    if not setup.config.enabled:
        log.info("%s#%s: commands ignored (disabled by %s)", repository["full_name"], issue["number"],
                 repoconfig.CONFIG_PATH)
        return None
    return await commands.run(gh, ctx, setup, cmds, where, issue, str(actor["login"]), comment)
