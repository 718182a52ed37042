"""The GitHub side of slash commands: check who may run them, decide the Plan, apply it (bot.github.pipeline calls)."""

from __future__ import annotations

import logging
import time
from typing import Any

import gidgethub
from cachetools import TTLCache

from bot.core.commands import reads, required_permission
from bot.core.overrides import RANK, Context, Plan, decide_all
from bot.core.taxonomy import DIMENSIONS, SEP
from bot.core.triage import triage
from bot.github import labels, records, related, repoconfig
from bot.github.writer import IssueWriter

log = logging.getLogger(__name__)

PERMISSIONS: TTLCache = TTLCache(maxsize=4096, ttl=60)
"""(repo, login) -> role_name, for a minute: one lookup per burst of commands."""
REPLY_MARK = "<!-- firstmile:reply {id} {updated} -->"


async def run(gh: Any, ctx: Any, setup: Any, cmds: list, where: dict, issue: dict, login: str,
              comment: dict) -> dict | None:
    """Decide and apply a comment's commands; the issue as they left it when it needs a re-triage, else None."""
    full, cid = f"{where['owner']}/{where['repo']}", comment["id"]
    plan, decision = await decide_comment(gh, ctx, setup, cmds, where, issue, login, comment)
    if ctx.dry_run or setup.config.mode == "shadow":
        log.info("%s#%s: shadow: commands of comment %s would add %s, remove %s, react %s, reply %s", full,
                 issue["number"], cid, plan.add_labels, plan.remove_labels, plan.react, plan.reply is not None)
        return None
    await apply(gh, ctx, setup, plan, decision, where, issue, comment)
    if not (plan.retriage or plan.overrides):
        return None
    gone = {n.casefold() for n in plan.remove_labels}
    kept = [lb for lb in issue.get("labels") or [] if str(lb["name"]).casefold() not in gone]
    return issue | {"labels": kept + [{"name": n} for n in plan.add_labels]}


async def decide_comment(gh: Any, ctx: Any, setup: Any, cmds: list, where: dict, issue: dict, login: str,
                         comment: dict) -> tuple[Plan, dict]:
    """Gather what the decide step needs (role, repo labels, the bot's decision); the Plan and that decision."""
    config, ruleset = setup.config, setup.ruleset
    taxonomy = repoconfig.taxonomy(ctx, setup)
    full, number = f"{where['owner']}/{where['repo']}", where["number"]
    needs = max((RANK[required_permission(c)] for c in cmds), default=0)
    permission = await permission_of(gh, where, login) if needs else "none"
    gather = reads(cmds)
    repo_labels = None
    if "repo_labels" in gather:
        repo_labels = frozenset([lb["name"] async for lb in gh.getiter("/repos/{owner}/{repo}/labels", where)])
    state = await ctx.store.issue_state(full, number)
    decision = await _bot_decision(ctx, setup, state, full, issue) if "decision" in gather else {}
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


async def _bot_decision(ctx: Any, setup: Any, state: Any, full: str, issue: dict) -> dict:
    """The bot's own (path, confidence) per dimension: first override's record, else stored triage, else now."""
    for record in await records.overrides(ctx, full, int(issue["number"])):
        if record.bot_decision is not None:
            return dict(record.bot_decision)
    if state is not None and state.decision:
        decision = state.decision
    else:
        from bot.github.triage import decider_for  # the server's own decision model, as its triage uses

        decision = triage(str(issue.get("title") or ""), str(issue.get("body") or ""), setup.ruleset,
                          classifier=getattr(ctx, "classifier", None), decider=decider_for(setup.ruleset),
                          repo=full).to_json()
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
    """Labels, override records and provenance, the reaction and at most one reply (re-triage is the caller's).

    Safe to run again for the same comment version (a retried delivery): labels and reactions are idempotent on
    GitHub, the reply is posted once by its marker, and override records already stored for it are not stored again.
    """
    full, number = f"{where['owner']}/{where['repo']}", where["number"]
    writer = IssueWriter(gh, ctx, where["owner"], where["repo"], number)
    if plan.add_labels:
        config = setup.config
        taxonomy = repoconfig.taxonomy(ctx, setup)
        known = labels.specs(taxonomy, config.needs_info_label) | related.LABEL_SPEC
        await writer.ensure(plan.add_labels, known, create=config.create_labels)
        await writer.add_labels(list(plan.add_labels))
    await writer.remove_labels(plan.remove_labels)
    for name, added in [*((n, True) for n in plan.add_labels), *((n, False) for n in plan.remove_labels)]:
        await ctx.store.label_event(full, number, name, added=added, by_bot=False)  # a human's: never fought
    stored = {(r.comment_id, r.at, r.dimension) for r in await records.overrides(ctx, full, number)}
    for record in plan.overrides:
        if (comment["id"], record.at, record.dimension) in stored:
            continue  # stored by an earlier run of this comment version whose re-triage failed
        await records.add_override(ctx, full, number, record, comment["id"], decision, issue, time.time())
        if record.dimension == "duplicate_of":
            await related.record(ctx, full, number, record, record.login)
    if plan.react:
        await writer.react(comment["id"], plan.react)
    if plan.reply:
        mark = REPLY_MARK.format(id=int(comment["id"]), updated=_safe(comment.get("updated_at")))
        await writer.post_once(f"{mark}\n{plan.reply}", lambda got: _ours(got, ctx.bot_login, mark), look_first=True)


def _ours(comments: list[dict], bot_login: str, mark: str) -> dict | None:
    """Our own comment carrying this marker, if any."""
    return next((c for c in comments if (c.get("user") or {}).get("login") == bot_login
                 and mark in str(c.get("body") or "")), None)


def _safe(text: Any) -> str:
    """A timestamp fit for an HTML comment (no `-->`, no spaces)."""
    return "".join(ch for ch in str(text or "") if ch.isalnum() or ch in ":TZ.+")
