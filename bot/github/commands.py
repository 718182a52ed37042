"""The GitHub side of slash commands: read a comment's new commands, check who may run them, apply the Plan."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import gidgethub
from cachetools import TTLCache
from gidgethub import routing, sansio

from bot.core.commands import (
    CommandError,
    Help,
    LabelEdit,
    Triage,
    new_commands,
    parse_commands,
    required_permission,
)
from bot.core.overrides import RANK, Context, Plan, decide_all
from bot.core.taxonomy import DIMENSIONS, SEP
from bot.core.triage import triage
from bot.github import labels, related, repoconfig
from bot.github import triage as triage_router
from bot.github.client import GitHubUnavailable

log = logging.getLogger(__name__)

router = routing.Router()

ISSUE = "/repos/{owner}/{repo}/issues/{number}"
PERMISSIONS: TTLCache = TTLCache(maxsize=4096, ttl=60)
"""(repo, login) -> role_name, for a minute: one lookup per burst of commands."""
REPLY_MARK = "<!-- firstmile:reply {id} {updated} -->"
POST_ATTEMPTS = 3


@router.register("issue_comment", action="created")
@router.register("issue_comment", action="edited")
async def on_comment(event: sansio.Event, gh: Any, ctx: Any) -> None:
    """Run the commands a human added to a comment, once per comment version."""
    data = event.data
    comment, issue, repository = data["comment"], data["issue"], data["repository"]
    author = comment.get("user") or {}
    actor = (data.get("sender") or author) if data.get("action") == "edited" else author  # who typed the text
    if _is_bot(author, ctx) or _is_bot(actor, ctx):
        return
    login = str(actor["login"])
    if issue.get("pull_request"):
        return
    if data.get("action") == "edited":
        if "body" not in (data.get("changes") or {}):
            return
        cmds = new_commands(comment.get("body"), data["changes"]["body"].get("from"), slug=ctx.slug)
    else:
        cmds = parse_commands(comment.get("body"), slug=ctx.slug)
    if not cmds:
        return
    full = repository["full_name"]
    cid, updated = int(comment["id"]), str(comment.get("updated_at") or comment.get("created_at") or "")
    if await ctx.store.command_seen(full, cid, updated):
        log.info("commands of comment %s (%s) already run", cid, updated)
        return
    where = {"owner": repository["owner"]["login"], "repo": repository["name"], "number": issue["number"]}
    setup = await repoconfig.load(gh, ctx, where["owner"], where["repo"])
    if not setup.config.enabled:
        log.info("%s#%s: commands ignored (disabled by %s)", full, issue["number"], repoconfig.CONFIG_PATH)
        return
    plan, decision = await decide_comment(gh, ctx, setup, cmds, where, issue, login, comment)
    if ctx.dry_run or setup.config.mode == "shadow":
        log.info("%s#%s: shadow: commands of comment %s would add %s, remove %s, react %s, reply %s", full,
                 issue["number"], cid, plan.add_labels, plan.remove_labels, plan.react, plan.reply is not None)
    else:
        await apply(gh, ctx, setup, plan, decision, where, issue, comment)
    await ctx.store.mark_command(full, cid, updated, time.time())


def _is_bot(user: dict, ctx: Any) -> bool:
    """A bot account, the App itself, or no user at all: their commands are ignored."""
    login = str(user.get("login") or "")
    return not login or user.get("type") == "Bot" or login == ctx.bot_login or login.endswith("[bot]")


async def decide_comment(gh: Any, ctx: Any, setup: Any, cmds: list, where: dict, issue: dict, login: str,
                         comment: dict) -> tuple[Plan, dict]:
    """Gather what the decide step needs (role, repo labels, the bot's decision); the Plan and that decision."""
    config, ruleset = setup.config, setup.ruleset
    taxonomy = ruleset.taxonomy.relabel(config.labels.rename or None, config.labels.prefix)
    full, number = f"{where['owner']}/{where['repo']}", where["number"]
    needs = max((RANK[required_permission(c)] for c in cmds), default=0)
    permission = await permission_of(gh, where, login) if needs else "none"
    repo_labels = None
    if any(isinstance(c, LabelEdit) for c in cmds):
        repo_labels = frozenset([lb["name"] async for lb in gh.getiter("/repos/{owner}/{repo}/labels", where)])
    state = await ctx.store.issue_state(full, number)
    decision = await _bot_decision(ctx, setup, state, full, issue, cmds)
    context = Context(
        login=login, permission=permission, is_author=login == (issue.get("user") or {}).get("login"),
        labels=tuple(str(lb["name"]) for lb in issue.get("labels") or []),
        bot_labels=frozenset(state.bot_applied if state else ()),
        dimension_of={n.label: n.dimension for n in taxonomy.nodes},
        decision=decision, repo_labels=repo_labels,
        info_keys=frozenset(ruleset.requirements.items) if ruleset.requirements is not None else None,
        needs_info_label=config.needs_info_label, slug=ctx.slug, issue=f"{full}#{number}",
        at=str(comment.get("updated_at") or comment.get("created_at") or ""),
        duplicate_candidate=(state.decision or {}).get("duplicate_of") if state else None,
    )

    def resolve(dimension: str, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A node's path and this repo's labels for each level of it (ValueError if unknown or ambiguous)."""
        node = taxonomy.resolve(dimension, name)
        return node.path, tuple(taxonomy.get(dimension, node.path[: i + 1]).label for i in range(len(node.path)))

    return decide_all(cmds, context, resolve), decision


async def _bot_decision(ctx: Any, setup: Any, state: Any, full: str, issue: dict, cmds: list) -> dict:
    """The bot's own (path, confidence) per dimension: first override's record, else stored triage, else now."""
    if all(isinstance(c, (Help, CommandError, Triage)) for c in cmds):
        return {}
    for record in await ctx.store.overrides(full, int(issue["number"])):
        if record.get("bot_decision") is not None:
            return {d: (tuple(p), c) for d, (p, c) in record["bot_decision"].items()}
    if state is not None and state.decision:
        decision = state.decision
    else:
        decision = triage(str(issue.get("title") or ""), str(issue.get("body") or ""), setup.ruleset,
                          classifier=getattr(ctx, "classifier", None)).to_json()
    conf = decision.get("confidence") or {}
    return {d: (tuple(decision[d].split(SEP)), float(conf.get(d) or 0.0)) for d in DIMENSIONS if decision.get(d)}


async def permission_of(gh: Any, where: dict, login: str) -> str:
    """The commenter's role on the repository (`role_name`), cached for a minute; "none" if not a collaborator."""
    key = (f"{where['owner']}/{where['repo']}".lower(), login.lower())
    if key not in PERMISSIONS:
        try:
            got = await gh.getitem("/repos/{owner}/{repo}/collaborators/{username}/permission",
                                   {**where, "username": login})
            role = str(got.get("role_name") or got.get("permission") or "none")
        except gidgethub.BadRequest as exc:
            if exc.status_code != 404:
                raise
            role = "none"
        PERMISSIONS[key] = role if role in RANK else "none"
    return PERMISSIONS[key]


async def apply(gh: Any, ctx: Any, setup: Any, plan: Plan, decision: dict, where: dict, issue: dict,
                comment: dict) -> None:
    """Labels, override records and provenance, the reaction, at most one reply, then the sticky comment."""
    full, number = f"{where['owner']}/{where['repo']}", where["number"]
    if plan.add_labels:
        config = setup.config
        taxonomy = setup.ruleset.taxonomy.relabel(config.labels.rename or None, config.labels.prefix)
        await labels.ensure(gh, ctx, where["owner"], where["repo"], list(plan.add_labels),
                            labels.specs(taxonomy, config.needs_info_label) | related.LABEL_SPEC,
                            create=config.create_labels)
        await gh.post(ISSUE + "/labels", where, data={"labels": list(plan.add_labels)})
    for name in plan.remove_labels:
        try:
            await gh.delete(ISSUE + "/labels/{name}", {**where, "name": name})
        except gidgethub.BadRequest as exc:  # already gone (or removed by a retried request): fine
            if exc.status_code != 404:
                raise
    for name, added in [*((n, True) for n in plan.add_labels), *((n, False) for n in plan.remove_labels)]:
        await ctx.store.label_event(full, number, name, added=added, by_bot=False)  # a human's: never fought
    bot_decision = {d: [list(p), c] for d, (p, c) in decision.items()}
    for record in plan.overrides:
        await ctx.store.add_override(full, number, record.dimension,
                                     record.model_dump(mode="json") | {"comment_id": comment["id"],
                                                                       "bot_decision": bot_decision},
                                     str(issue.get("title") or ""), str(issue.get("body") or ""), time.time())
        if record.dimension == "duplicate_of":
            await related.record(ctx, full, number, record.model_dump(mode="json"), record.login)
    if plan.react:
        await gh.post("/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
                      {**where, "comment_id": comment["id"]}, data={"content": plan.react})
    if plan.reply:
        await reply_once(gh, ctx, where, comment, plan.reply)
    if plan.retriage or plan.overrides:
        gone = {n.casefold() for n in plan.remove_labels}
        kept = [lb for lb in issue.get("labels") or [] if str(lb["name"]).casefold() not in gone]
        now = issue | {"labels": kept + [{"name": n} for n in plan.add_labels]}
        await triage_router.refresh(gh, ctx, where["owner"], where["repo"], number, issue=now, comment=comment)


async def reply_once(gh: Any, ctx: Any, where: dict, comment: dict, text: str) -> bool:
    """Post one reply per comment version (a hidden marker finds it); whether it posted."""
    # Each POST goes out without the client's retries and is re-checked before another try: a POST that GitHub
    # acted on before failing (5xx, dropped connection) must not land twice.
    mark = REPLY_MARK.format(id=int(comment["id"]), updated=_safe(comment.get("updated_at")))
    body = f"{mark}\n{text}"
    for attempt in range(1, POST_ATTEMPTS + 1):
        if await _has_reply(gh, ctx, where, mark):
            return False
        saved = gh.retry_seconds
        gh.retry_seconds = 0.0
        try:
            await gh.post(ISSUE + "/comments", where, data={"body": body})
            return True
        except (gidgethub.GitHubBroken, gidgethub.BadRequest, GitHubUnavailable) as exc:
            if isinstance(exc, gidgethub.BadRequest) and exc.status_code not in (403, 429):
                raise
            if attempt == POST_ATTEMPTS:
                raise
            log.warning("reply to comment %s failed (%s); checking before trying again", comment["id"], exc)
            await asyncio.sleep(0.2 * attempt)
        finally:
            gh.retry_seconds = saved
    return False


async def _has_reply(gh: Any, ctx: Any, where: dict, mark: str) -> bool:
    """Whether our own comment with this marker is already on the issue."""
    async for c in gh.getiter(ISSUE + "/comments", where):
        if (c.get("user") or {}).get("login") == ctx.bot_login and mark in str(c.get("body") or ""):
            return True
    return False


def _safe(text: Any) -> str:
    """A timestamp fit for an HTML comment (no `-->`, no spaces)."""
    return "".join(ch for ch in str(text or "") if ch.isalnum() or ch in ":TZ.+")
