"""The backfill loop: page through a repository's issues, triage each new text once, store it, resume where it
stopped, and act on GitHub only when asked."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bot.backfill import apply as applying
from bot.backfill.client import BackfillClient, Page
from bot.backfill.progress import Progress
from bot.backfill.store import LEVELS, BackfillStore, IssueRow
from bot.backfill.summary import decision_json, digest, summarize
from bot.core.triage import triage
from bot.github import sticky

log = logging.getLogger(__name__)

PER_PAGE = 100
TITLE_MAX = 300

OnDecision = Callable[[str, dict, dict, Any], "Awaitable[dict | None] | dict | None"]
"""A hook called with (repo full name, the issue as listed, its decision JSON, the core's Decision or None) for every
issue triaged, before the decision is stored; a dict it returns (e.g. {"related": [...]}) is merged into the stored
decision. The related-issue index subscribes here (bot/backfill/related.py)."""


@dataclass(frozen=True)
class Options:
    """What to list and what to do: `state` open|closed|all, `since` ISO 8601, `apply` none|labels|comments."""

    state: str = "open"
    since: str | None = None
    force: bool = False
    apply: str = "none"
    per_page: int = PER_PAGE


@dataclass
class Totals:
    """What a run did, for its summary line and the benchmarks."""

    listed: int = 0
    pull_requests: int = 0
    triaged: int = 0
    unchanged: int = 0
    skipped: int = 0
    """Opened by a bot, or left alone by the repository's config under --apply."""
    applied: int = 0
    pages: int = 0
    pages_unchanged: int = 0
    triage_cpu: float = 0.0
    repos: list[str] = field(default_factory=list)


def list_query(options: Options) -> str:
    """The checkpoint key of a listing: its filters."""
    return urlencode({"state": options.state, **({"since": options.since} if options.since else {})})


def first_url(owner: str, repo: str, options: Options) -> str:
    """The first page: oldest first, so new issues land on later pages and a resumed listing skips nothing."""
    query = {"state": options.state, "sort": "created", "direction": "asc", "per_page": options.per_page}
    if options.since:
        query["since"] = options.since
    return f"/repos/{owner}/{repo}/issues?{urlencode(query)}"


def triage_batch(issues: list[dict], ruleset: Any, classifier: Any, repo: str | None = None
                 ) -> tuple[list[Any], float]:
    """Triage issues with the core (in a worker thread), with the shipped decision model as the webhook path does;
    their Decisions and the thread's CPU seconds."""
    from bot.github.triage import decider_for

    start = time.thread_time()
    decider = decider_for(ruleset)
    out = [triage(i.get("title") or "", i.get("body") or "", ruleset, classifier=classifier, decider=decider,
                  repo=repo) for i in issues]
    return out, time.thread_time() - start


class Backfill:
    """Backfills repositories into a BackfillStore; `ctx` (an AppContext) is needed only to act on GitHub."""

    def __init__(self, store: BackfillStore, *, ruleset: Any, classifier: Any = None, options: Options = Options(),
                 progress: Progress | None = None, on_decision: Sequence[OnDecision] = (), ctx: Any = None,
                 refresh: Callable[[BackfillClient], Awaitable[None]] | None = None):
        self.store, self.ruleset, self.classifier, self.options = store, ruleset, classifier, options
        self.progress = progress or Progress(bar=False)
        self.on_decision, self.ctx, self.refresh = list(on_decision), ctx, refresh
        self.totals = Totals()
        if options.apply != "none" and ctx is None:
            raise ValueError("acting on GitHub needs the App context")

    async def _fetch(self, gh: BackfillClient, key: str, url: str) -> tuple[Page, tuple | None]:
        """One page, conditional when its issues were already handled at the level asked for."""
        if self.refresh is not None:
            await self.refresh(gh)
        stored = None if self.options.force else await self.store.page(key, url)
        usable = stored if stored and LEVELS.index(stored[2]) >= LEVELS.index(self.options.apply) else None
        return await gh.get_page(url, usable[0] if usable else None), stored

    async def repo(self, gh: BackfillClient, owner: str, name: str) -> None:
        """Backfill one repository from its checkpoint (or from the start when it was finished or `--force`)."""
        key, options = f"{owner}/{name}", self.options
        query = list_query(options)
        if key not in self.totals.repos:  # a repository retried with its installation looked up counts once
            self.totals.repos.append(key)
        self.progress.start(key)
        checkpoint = await self.store.checkpoint(key, query)
        url: str | None = first_url(owner, name, options)
        if checkpoint is not None and checkpoint.next_url and not options.force:
            url = checkpoint.next_url
            log.info("%s: resuming at page %d", key, checkpoint.pages + 1)
        elif checkpoint is not None:
            await self.store.restart(key, query)
        pending = asyncio.ensure_future(self._fetch(gh, key, url))
        try:
            while url is not None:
                page, stored = await pending
                next_url = page.next_url or (stored[1] if page.status == 304 and stored else None)
                if next_url is not None:  # the next page loads while this one is triaged
                    pending = asyncio.ensure_future(self._fetch(gh, key, next_url))
                if page.last_page and url == first_url(owner, name, options):
                    self.progress.estimate(page.last_page * options.per_page)
                self.totals.pages += 1
                if page.items is None:
                    self.totals.pages_unchanged += 1
                    self.progress.advance(options.per_page if next_url else 0)
                else:
                    await self._page(gh, owner, name, list(page.items))
                await self.store.finish_page(key, query, url, page.etag, next_url, options.apply)
                url = next_url
        finally:
            if not pending.done():
                pending.cancel()
            self.progress.close()

    async def _page(self, gh: BackfillClient, owner: str, name: str, items: list[dict]) -> None:
        """Triage the page's new or changed issues, store them, call the hooks, then act if asked."""
        key, totals, options = f"{owner}/{name}", self.totals, self.options
        issues = []
        for item in items:
            totals.listed += 1
            if item.get("pull_request"):
                totals.pull_requests += 1
            elif sticky.is_bot(item.get("user")):
                totals.skipped += 1
            else:
                issues.append(item)
        known = await self.store.known(key, [int(i["number"]) for i in issues])
        fresh, stale, unchanged = [], [], []
        for issue in issues:
            seen = known.get(int(issue["number"]))
            if options.force or seen is None or seen[0] != digest(issue.get("title"), issue.get("body")):
                fresh.append(issue)
            else:
                unchanged.append(issue)
                if LEVELS.index(seen[1]) < LEVELS.index(options.apply):
                    stale.append(issue)
        totals.unchanged += len(unchanged)
        await self.store.touch_issues(key, [(int(i["number"]), str(i.get("state")), i.get("updated_at"))
                                            for i in unchanged])
        if options.apply == "none":
            decisions, cpu = await asyncio.to_thread(triage_batch, fresh, self.ruleset, self.classifier, key)
            totals.triage_cpu += cpu
            await self._store(key, [(i, decision_json(d), d) for i, d in zip(fresh, decisions)], "none")
        else:
            await self._act(gh, owner, name, fresh, stale)
        self.progress.advance(len(issues))

    async def _act(self, gh: BackfillClient, owner: str, name: str, fresh: list[dict], stale: list[dict]) -> None:
        """Act on each issue as the webhook path does (writes capped by --apply); store what changed."""
        key, level = f"{owner}/{name}", self.options.apply
        for issue in [*fresh, *stale]:
            decision = await applying.act(gh, self.ctx, owner, name, issue, level)
            if decision is None:
                self.totals.skipped += 1
                continue
            self.totals.applied += 1
            if issue in fresh:
                await self._store(key, [(issue, decision, None)], level)
            else:
                await self.store.mark_applied(key, int(issue["number"]), level)

    async def _store(self, key: str, triaged: list[tuple[dict, dict, Any]], applied: str) -> None:
        """Tell the hooks (which may add to the decisions), then save the decisions."""
        pairs = []
        for issue, data, decision in triaged:
            for hook in self.on_decision:
                extra = hook(key, issue, data, decision)
                if inspect.isawaitable(extra):
                    extra = await extra
                if isinstance(extra, dict):
                    data = {**data, **extra}
            pairs.append((issue, data))
        rows = [IssueRow(repo=key, number=int(i["number"]), state=str(i.get("state") or "open"),
                         title=str(i.get("title") or "")[:TITLE_MAX], html_url=i.get("html_url"),
                         created_at=i.get("created_at"), updated_at=i.get("updated_at"),
                         digest=digest(i.get("title"), i.get("body")), symptom=d.get("symptom"),
                         root_cause=d.get("root_cause"), stage=d.get("stage"), summary=summarize(d), decision=d,
                         applied=applied) for i, d in pairs]
        await self.store.save_issues(rows)
        self.totals.triaged += len(rows)
