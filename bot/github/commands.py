"""The GitHub side of slash commands: read a comment's new commands, check who may run them, apply the Plan."""

from __future__ import annotations

import asyncio
import logging
import time
from functools import lru_cache
from typing import Any

import gidgethub
from cachetools import TTLCache
from gidgethub import routing, sansio

from bot.core.commands import LabelEdit, new_commands, parse_commands, required_permission
from bot.core.overrides import RANK, Context, Plan, decide_all
from bot.github.client import GitHubUnavailable

log = logging.getLogger(__name__)

router = routing.Router()

ISSUE = "/repos/{owner}/{repo}/issues/{number}"
PERMISSIONS: TTLCache = TTLCache(maxsize=4096, ttl=60)
"""(repo, login) -> role_name, for a minute: one lookup per burst of commands."""
REPLY_MARK = "<!-- firstmile:reply {id} {updated} -->"
POST_ATTEMPTS = 3


@lru_cache(maxsize=1)
def _default_ruleset():
    """The shipped rules, loaded once, for when the context carries none."""
    from bot.core.ruleset import RuleSet

    return RuleSet.load()


@router.register("issue_comment", action="created")
@router.register("issue_comment", action="edited")
async def on_comment(event: sansio.Event, gh: Any, ctx: Any) -> None:
    """Run the commands a human added to a comment, once per comment version."""
    data = event.data
    comment, issue, repository = data["comment"], data["issue"], data["repository"]
    user = comment.get("user") or {}
    login = str(user.get("login") or "")
    if not login or user.get("type") == "Bot" or login == ctx.bot_login or login.endswith("[bot]"):
        return
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
    if ctx.store.command_seen(full, cid, updated):
        log.info("commands of comment %s (%s) already run", cid, updated)
        return
    where = {"owner": repository["owner"]["login"], "repo": repository["name"], "number": issue["number"]}
    await run(gh, ctx, cmds, where, issue, login, comment)
    ctx.store.mark_command(full, cid, updated, time.time())


async def run(gh: Any, ctx: Any, cmds: list, where: dict, issue: dict, login: str, comment: dict) -> Plan:
    """Decide the commands against the issue's state, then apply the Plan; returns it."""
    ruleset = getattr(ctx, "ruleset", None) or _default_ruleset()
    taxonomy = ruleset.taxonomy
    full = f"{where['owner']}/{where['repo']}"
    labels = tuple(str(lb["name"]) for lb in issue.get("labels") or [])
    needs = max((RANK[required_permission(c)] for c in cmds), default=0)
    permission = await permission_of(gh, where, login) if needs else "none"
    repo_labels = None
    if any(isinstance(c, LabelEdit) for c in cmds):
        repo_labels = frozenset([lb["name"] async for lb in gh.getiter("/repos/{owner}/{repo}/labels", where)])
    state = _issue_state(ctx.store, full, where["number"])
    context = Context(
        login=login, permission=permission, is_author=login == (issue.get("user") or {}).get("login"),
        labels=labels, bot_labels=frozenset(state.get("bot_labels", ())),
        dimension_of={n.label: n.dimension for n in taxonomy.nodes},
        decision=state.get("decision") or {}, repo_labels=repo_labels,
        info_keys=frozenset(ruleset.requirements.items) if ruleset.requirements is not None else None,
        needs_info_label=state.get("needs_info_label", "needs-info"), slug=ctx.slug,
        issue=f"{full}#{where['number']}", at=str(comment.get("updated_at") or comment.get("created_at") or ""),
    )

    def resolve(dimension: str, name: str):
        node = taxonomy.resolve(dimension, name)
        return node.path, node.label

    plan = decide_all(cmds, context, resolve)
    await apply(gh, ctx, plan, where, issue, comment)
    return plan


async def permission_of(gh: Any, where: dict, login: str) -> str:
    """The commenter's role on the repository (`role_name`), cached for a minute; "none" if not a collaborator."""
    key = (f"{where['owner']}/{where['repo']}".lower(), login.lower())
    if key not in PERMISSIONS:
        try:
            got = await gh.getitem("/repos/{owner}/{repo}/collaborators/{username}/permission",
                                   {**where, "username": login})
            role = str(got.get("role_name") or got.get("permission") or "none")
        except gidgethub.BadRequest as exc:
            if exc.status_code.value != 404:
                raise
            role = "none"
        PERMISSIONS[key] = role if role in RANK else "none"
    return PERMISSIONS[key]


async def apply(gh: Any, ctx: Any, plan: Plan, where: dict, issue: dict, comment: dict) -> None:
    """Labels, override records and provenance, the reaction, at most one reply, then the sticky comment."""
    full = f"{where['owner']}/{where['repo']}"
    if plan.add_labels:
        await gh.post(ISSUE + "/labels", where, data={"labels": list(plan.add_labels)})
    for name in plan.remove_labels:
        try:
            await gh.delete(ISSUE + "/labels/{name}", {**where, "name": name})
        except gidgethub.BadRequest as exc:  # already gone (or removed by a retried request): fine
            if exc.status_code.value != 404:
                raise
    if not ctx.dry_run:
        now = time.time()
        for record in plan.overrides:
            ctx.store.add_override(full, where["number"], record.dimension,
                                   record.model_dump(mode="json") | {"comment_id": comment["id"]},
                                   str(issue.get("title") or ""), str(issue.get("body") or ""), now)
        _record_human_labels(ctx.store, full, where["number"], plan)
    if plan.react:
        await gh.post("/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
                      {**where, "comment_id": comment["id"]}, data={"content": plan.react})
    if plan.reply:
        await reply_once(gh, ctx, where, comment, plan.reply)
    if plan.retriage or plan.overrides:
        gone = {n.casefold() for n in plan.remove_labels}
        labels = [lb for lb in issue.get("labels") or [] if str(lb["name"]).casefold() not in gone]
        await _refresh(gh, ctx, where, issue | {"labels": labels + [{"name": n} for n in plan.add_labels]})


async def reply_once(gh: Any, ctx: Any, where: dict, comment: dict, text: str) -> bool:
    """Post one reply per comment version, found again by a hidden marker; each POST is tried once, never blindly
    retried, so a POST that GitHub acted on before failing cannot land twice. Returns whether it posted."""
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
            if isinstance(exc, gidgethub.BadRequest) and exc.status_code.value not in (403, 429):
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


def _issue_state(store: Any, full: str, number: int) -> dict:
    """What the triage handler stored about the issue (bot labels, decision), if its store methods exist."""
    get = getattr(store, "issue_state", None)
    state = get(full, number) if get is not None else None
    if not state:
        return {}
    return state if isinstance(state, dict) else dict(vars(state))


def _record_human_labels(store: Any, full: str, number: int, plan: Plan) -> None:
    """Labels changed by a command count as a human's, so later triage neither removes nor re-adds them."""
    record = getattr(store, "record_human_labels", None)
    if record is not None and (plan.add_labels or plan.remove_labels):
        record(full, number, added=list(plan.add_labels), removed=list(plan.remove_labels))


async def _refresh(gh: Any, ctx: Any, where: dict, issue: dict) -> None:
    """Let the triage handler re-run and update the sticky comment, once it exists."""
    try:
        from bot.github.triage import refresh
    except ImportError:
        log.info("no bot.github.triage.refresh yet: sticky comment not updated")
        return
    await refresh(gh, ctx, where["owner"], where["repo"], where["number"], issue=issue)
