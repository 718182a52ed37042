"""The triage router: triage new issues, re-triage on edits and human comments, keep labels and sticky comment right."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any

from gidgethub import BadRequest, GitHubException, routing, sansio

from bot.core import actions
from bot.core.commands.plan import StoredOverride
from bot.core.decide.repo import repo_counts
from bot.core.reconcile import LabelPlan, label_request_body
from bot.core.repoconfig import RepoConfig, has_skip_label
from bot.core.ruleset import RuleSet
from bot.core.taxonomy import DIMENSIONS
from bot.core.triage import triage
from bot.github import labels, related, repoconfig, sticky
from bot.github.client import GitHubUnavailable
from bot.github.writer import IssueWriter
from bot.store import IssueState

log = logging.getLogger(__name__)

router = routing.Router()

MAX_COMMENTS = 30
"""Human comments kept per issue for re-extraction (the latest ones)."""
MAX_COMMENT_CHARS = 20_000


def decider_for(ruleset: RuleSet) -> Any:
    """The shipped decision model for a ruleset's taxonomy (cached per taxonomy), or None without numpy."""
    try:
        from bot.ml import load_decider
    except ImportError:
        return None
    return load_decider(ruleset.taxonomy)


@functools.lru_cache(maxsize=1)
def load_rules() -> tuple[RuleSet, Any]:
    """The shipped RuleSet and the optional learned classifier, loaded once per process (both are immutable)."""
    try:
        from bot.ml import load_default
    except ImportError:
        return RuleSet.load(), None
    return RuleSet.load(), load_default()


# ---- routes ---------------------------------------------------------------------------------------------------


@router.register("issues", action="opened")
@router.register("issues", action="reopened")
@router.register("issues", action="edited")
async def on_issue(event: sansio.Event, gh: Any, ctx: Any) -> None:
    """Triage a new or reopened issue; re-triage an edited one."""
    owner, repo = _names(event.data)
    issue = event.data["issue"]
    await _guarded(event, ctx, owner, repo, issue["number"], _triage(gh, ctx, owner, repo, issue, event.data["action"]))


async def on_comment(event: sansio.Event, gh: Any, ctx: Any, issue: dict, comment: dict,
                     trigger: str = "comment") -> None:
    """Re-triage with a human's new or edited comment (bot.github.pipeline calls this once per comment version)."""
    owner, repo = _names(event.data)
    await _guarded(event, ctx, owner, repo, issue["number"],
                   _triage(gh, ctx, owner, repo, issue, trigger, comment=comment))


@router.register("issues", action="labeled")
@router.register("issues", action="unlabeled")
async def on_label(event: sansio.Event, gh: Any, ctx: Any) -> None:
    """Remember labels a human added or removed (our own label events are already known)."""
    sender, label = event.data.get("sender") or {}, event.data.get("label") or {}
    if sticky.is_bot(sender) or sender.get("login") == ctx.bot_login or not label.get("name"):
        return
    owner, repo = _names(event.data)
    await ctx.store.label_event(f"{owner}/{repo}", event.data["issue"]["number"], label["name"],
                                added=event.data["action"] == "labeled", by_bot=False)


async def refresh(gh: Any, ctx: Any, owner: str, repo: str, number: int, *, issue: dict | None = None,
                  comment: dict | None = None) -> None:
    """Re-triage an issue now, honouring human overrides (reading the issue if not given)."""
    if issue is None:
        issue = await gh.getitem("/repos/{owner}/{repo}/issues/{number}", {"owner": owner, "repo": repo,
                                                                            "number": number})
    await _triage(gh, ctx, owner, repo, issue, "refresh", comment=comment)


# ---- the work -------------------------------------------------------------------------------------------------


def _names(data: dict) -> tuple[str, str]:
    """(owner login, repo name) of a payload's repository."""
    repository = data["repository"]
    return repository["owner"]["login"], repository["name"]


async def _guarded(event: sansio.Event, ctx: Any, owner: str, repo: str, number: int, work) -> None:
    """Run the work; an issue that is gone is only logged; GitHub giving up leaves a retry record, then fails."""
    try:
        await work
    except BadRequest as exc:
        if exc.status_code in (404, 410):
            log.warning("%s/%s#%d: not found on GitHub (deleted, transferred or not ours); skipped", owner, repo,
                        number)
            return
        await _record(event, ctx, owner, repo, number, exc)
        raise
    except (GitHubException, GitHubUnavailable) as exc:
        await _record(event, ctx, owner, repo, number, exc)
        raise


async def _record(event: sansio.Event, ctx: Any, owner: str, repo: str, number: int, exc: Exception) -> None:
    """Log the failure and keep a retry record in the store: nothing is dropped silently."""
    what = f"{event.event}.{event.data.get('action')}"
    log.error("%s/%s#%d: %s gave up: %s: %s (retry recorded)", owner, repo, number, what, type(exc).__name__, exc)
    await ctx.store.add_retry(f"{owner}/{repo}", number, event.delivery_id, what, f"{type(exc).__name__}: {exc}",
                              time.time())


def _skip_reason(issue: dict, config: RepoConfig | None, trigger: str = "") -> str | None:
    """Why the bot leaves this issue alone, or None."""
    if issue.get("pull_request"):
        return "a pull request"
    if issue.get("state") == "closed" and trigger in ("edited", "comment"):
        return "closed"
    if sticky.is_bot(issue.get("user")):
        return "opened by a bot"
    if config is not None and not config.enabled:
        return "disabled by .github/firstmile.yml"
    if config is not None and has_skip_label(config, _label_names(issue)):
        return "has a skip label"
    return None


def _label_names(issue: dict) -> list[str]:
    """The names of an issue's labels (objects or strings)."""
    return [x["name"] if isinstance(x, dict) else str(x) for x in issue.get("labels") or []]


async def _triage(gh: Any, ctx: Any, owner: str, repo: str, issue: dict, trigger: str, *,
                  comment: dict | None = None) -> None:
    """Skip or triage one issue, then act on the decision according to the repo's mode."""
    number, key = int(issue["number"]), f"{owner}/{repo}"
    if reason := _skip_reason(issue, None, trigger):
        log.info("%s#%d: skipped (%s)", key, number, reason)
        return
    setup = await repoconfig.load(gh, ctx, owner, repo)
    if reason := _skip_reason(issue, setup.config):
        log.info("%s#%d: skipped (%s)", key, number, reason)
        return
    state = await ctx.store.issue_state(key, number)
    if state is None:
        state = IssueState(key, number)
        if trigger != "opened" or issue.get("comments"):
            await _adopt(gh, ctx, owner, repo, state)  # an issue we have not seen: find our comment, read humans'
    if comment is not None:
        _remember(state, comment)
    await _act(gh, ctx, owner, repo, issue, state, setup)


async def _adopt(gh: Any, ctx: Any, owner: str, repo: str, state: IssueState) -> None:
    """One list call for an issue new to the store: our sticky comment if any, and the human comments."""
    comments = await sticky.list_comments(gh, owner, repo, state.number)
    ours = sticky.find(comments, ctx.bot_login)
    if ours is not None:
        state.comment_id, state.comment_body = int(ours["id"]), ours.get("body")
    for c in comments:
        if not sticky.is_bot(c.get("user")):
            _remember(state, c)


def _remember(state: IssueState, comment: dict) -> None:
    """Keep (or update) a human comment's text for re-extraction, the latest MAX_COMMENTS."""
    body = (comment.get("body") or "")[:MAX_COMMENT_CHARS]
    kept = [c for c in state.comments if c["id"] != comment["id"]]
    state.comments = [*kept, {"id": comment["id"], "body": body}][-MAX_COMMENTS:]


def _latest_overrides(rows: list[dict], number: int) -> dict[str, StoredOverride]:
    """The latest human override per taxonomy dimension of one issue, from its repository's override rows."""
    out: dict[str, StoredOverride] = {}
    for row in rows:
        if row["number"] == number and row["dimension"] in DIMENSIONS:
            out[row["dimension"]] = StoredOverride.model_validate({**row["record"], "dimension": row["dimension"]})
    return out


async def _act(gh: Any, ctx: Any, owner: str, repo: str, issue: dict, state: IssueState,
               setup: repoconfig.RepoSetup) -> None:
    """Triage, then apply labels and the comment as the mode allows, and remember what was done."""
    config, ruleset = setup.config, setup.ruleset
    text = "\n\n".join([issue.get("body") or "", *(c["body"] for c in state.comments)])
    rows = await ctx.store.repo_overrides(state.repo)  # one read: this issue's overrides and the repo's corrections
    overrides, counts = _latest_overrides(rows, state.number), repo_counts(rows)
    decision = await asyncio.to_thread(
        triage, issue.get("title") or "", text, ruleset, language=config.language, classifier=ctx.classifier,
        label_names=config.labels.rename or None, label_prefix=config.labels.prefix,
        fixed=actions.fixed_paths(overrides), levels=config.labels.levels, comment=config.comment,
        kind_labels=config.labels.kinds, decider=decider_for(ruleset), repo=state.repo, repo_counts=counts)
    found = await related.relate(ctx, state.repo, issue, decision)  # helper Rel: related issues and duplicates
    if found is not None:
        decision = related.attach(decision, found, ruleset.requirements, config.language, config.comment)
    suggested_before = {n.casefold() for n in (state.decision or {}).get("suggested_labels") or ()}
    state.decision = {k: v for k, v in decision.to_json().items() if k != "comment"}
    if found is not None:
        state.decision["duplicate_of"] = found.duplicate_of
    decision, corrections = actions.show_corrections(decision, overrides, ruleset, config.language)
    where = f"{state.repo}#{state.number}"
    if not (actions.recognised(decision, ruleset) or decision.labels and decision.kind != "bug" or corrections
            or state.bot_applied or state.comment_id or (found is not None and found.label)):
        log.info("%s: no failure recognised; left alone", where)  # feature requests, docs, questions...
        await ctx.store.save_issue_state(state, time.time())
        return
    taxonomy = repoconfig.taxonomy(ctx, setup)
    plan = actions.plan_issue_labels(decision, _label_names(issue), state.bot_applied, state.human_added,
                                     state.human_removed, config, taxonomy, set(overrides))
    if found is not None:
        plan = related.label_plan(plan, found, _label_names(issue), state.bot_applied, state.human_removed)
    if suggested_before:  # a suggestion already made is not made again (it is no label of ours to re-add)
        plan = plan.model_copy(update={"suggest": [c for c in plan.suggest if c.name.casefold() not in suggested_before]})
    comment = actions.comment_to_post(decision, corrections, bool(state.comment_id), config.comment, ruleset,
                                      config.language)  # related issues shown make the comment useful (attach)
    mode = "shadow" if ctx.dry_run else config.mode
    try:
        if mode == "shadow":
            log.info("%s: shadow: would add %s, suggest %s, remove %s, %s", where, plan.add,
                     [c.name for c in plan.suggest], plan.remove, "comment" if comment else "no comment")
        else:
            await _apply_labels(gh, ctx, owner, repo, state, plan, config, taxonomy)
            if mode == "full" and comment is not None:
                await sticky.upsert(gh, ctx, owner, repo, state.number, comment, state)
    finally:
        await ctx.store.save_issue_state(state, time.time())  # what was done is remembered even if a later call failed
    log.info("%s: triaged (%s): %s", where, mode, {d: p.name for d in DIMENSIONS if (p := getattr(decision, d))})


async def _apply_labels(gh: Any, ctx: Any, owner: str, repo: str, state: IssueState, plan: LabelPlan,
                        config: RepoConfig, taxonomy: Any) -> None:
    """Create missing labels if allowed, add and suggest in one call, remove ours; record what the bot applied."""
    names = [*plan.add, *(c.name for c in plan.suggest)]
    writer = IssueWriter(gh, ctx, owner, repo, state.number)
    if names:
        known = labels.specs(taxonomy, config.needs_info_label, actions.kind_label_names(config)) | related.LABEL_SPEC
        exist = await writer.ensure(names, known, create=config.create_labels)
        plan = LabelPlan(add=[n for n in plan.add if n.casefold() in exist],
                         suggest=[c for c in plan.suggest if c.name.casefold() in exist], remove=plan.remove)
    if body := label_request_body(plan):
        await writer.add_labels(body)
        mine = {n.casefold() for n in state.bot_applied}
        state.bot_applied += [n for n in plan.add if n.casefold() not in mine]
    for name in plan.remove:
        await writer.remove_labels([name])
        state.bot_applied = [n for n in state.bot_applied if n.casefold() != name.casefold()]
