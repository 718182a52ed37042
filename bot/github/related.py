"""The related-issues index on the webhook path: index each triaged issue, find related ones, honour maintainers."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from gidgethub import routing, sansio

from bot.core.related import Related, duplicate_of, make_doc, rank, shown
from bot.core.types import Decision
from bot.related_index import RelatedStore
from bot.store import sqlite_path

log = logging.getLogger(__name__)

router = routing.Router()

LABEL = "possible-duplicate"
LABEL_SPEC = {LABEL: ("cfd3d7", "This may duplicate an earlier issue (firstmile; never closed automatically).")}


@dataclass
class Found:
    """What the index says about one issue: the links to show, the bot's duplicate guess, the maintainer's."""

    shown: list[Related] = field(default_factory=list)
    duplicate_of: int | None = None
    human_duplicate_of: int | None = None

    @property
    def label(self) -> bool:
        """Whether the possible-duplicate label is warranted."""
        return self.duplicate_of is not None or self.human_duplicate_of is not None


def store_of(ctx: Any) -> RelatedStore | None:
    """The process's related index, in the SQLite database of DATABASE_URL (None for another backend)."""
    if "related" not in ctx.caches:
        try:
            path = sqlite_path(ctx.settings.database_url)
        except (ValueError, AttributeError):
            path = None
        ctx.caches["related"] = RelatedStore.open(path) if path else None
        if path is None:
            log.info("related issues: off (the index needs a SQLite DATABASE_URL for now)")
    return ctx.caches["related"]


async def index(ctx: Any, repo: str, issue: dict, decision: Decision):
    """Index one issue (never a pull request) from its triage decision; the record, or None when there is no index.
    Backfill calls this for the issues it reads; the webhook path through `relate`."""
    store = store_of(ctx)
    if store is None or issue.get("pull_request"):
        return None
    doc = await asyncio.to_thread(  # about a millisecond of tokenising: off the event loop, like triage
        make_doc, int(issue["number"]), decision.facts, state=str(issue.get("state") or "open"),
        symptom=decision.symptom.name if decision.symptom else "",
        cause=decision.root_cause.name if decision.root_cause else "")
    await store.upsert(repo, doc, time.time())
    return doc


async def relate(ctx: Any, repo: str, issue: dict, decision: Decision) -> Found | None:
    """Index the issue (never a pull request), then rank the related ones; None when there is no index."""
    doc = await index(ctx, repo, issue, decision)
    if doc is None:
        return None
    store, number = store_of(ctx), doc.number
    cands, idf = await store.lookup(repo, doc)
    links = await store.links(repo, number)
    hidden = frozenset(o for o, v in links.items() if v == "not-duplicate")
    ranked = rank(doc, cands, idf=idf, hidden=hidden)
    human = next((o for o, v in sorted(links.items()) if v == "duplicate"), None)
    items = shown(ranked)
    if human is not None:
        items = [Related(human, 1.0, (("human", ""),)), *(r for r in items if r.number != human)][:3]
    return Found(shown=items, duplicate_of=None if human is not None else duplicate_of(ranked),
                 human_duplicate_of=human)


async def record(ctx: Any, repo: str, number: int, override: Any, login: str) -> None:
    """Keep a maintainer's /duplicate or /not-duplicate (an OverrideRecord) in the index (the override store keeps
    it too)."""
    store = store_of(ctx)
    if store is None:
        return
    if override.duplicate_of is not None:
        await store.set_link(repo, number, override.duplicate_of, "duplicate", login, time.time())
    if override.not_duplicate_of is not None:
        await store.set_link(repo, number, override.not_duplicate_of, "not-duplicate", login, time.time())


def attach(decision: Decision, found: Found, requirements: Any, language: str, mode: str = "when-useful"
           ) -> Decision:
    """The decision with its related issues, and its comment rendered again to show them (None when the repo's
    comment `mode` keeps the bot silent)."""
    from bot.core.render import render_comment
    from bot.core.triage import should_comment
    from bot.core.types import RelatedRef

    refs = [RelatedRef(number=r.number, score=r.score, reasons=list(r.reasons)) for r in found.shown]
    decision = decision.model_copy(update={"related": refs})
    lang = decision.facts.language if language == "auto" else language
    body = render_comment(decision, requirements, language=lang)
    return decision.model_copy(update={"comment": body if should_comment(decision, mode) else None})


def label_plan(plan: Any, found: Found, issue_labels: list[str], bot_applied: list[str],
               human_removed: list[str]) -> Any:
    """The label plan with possible-duplicate added when the evidence is strong (never against a human's removal),
    or removed when the bot had added it and the evidence is gone."""
    from bot.core.reconcile import LabelPlan

    fold = LABEL.casefold()
    has = any(n.casefold() == fold for n in issue_labels)
    if found.duplicate_of is not None and not has and fold not in {n.casefold() for n in human_removed}:
        return LabelPlan(add=[*plan.add, LABEL], suggest=plan.suggest, remove=plan.remove)
    if not found.label and has and fold in {n.casefold() for n in bot_applied}:
        return LabelPlan(add=plan.add, suggest=plan.suggest, remove=[*plan.remove, LABEL])
    return plan


@router.register("issues", action="closed")
@router.register("issues", action="deleted")
@router.register("issues", action="transferred")
async def on_state(event: sansio.Event, gh: Any, ctx: Any) -> None:
    """Keep the index's state right without a GitHub call: a closed issue is shown as closed; a deleted or
    transferred one leaves the index."""
    store, issue = store_of(ctx), event.data.get("issue") or {}
    if store is None or issue.get("pull_request") or "number" not in issue:
        return
    repository = event.data["repository"]
    repo, number = f"{repository['owner']['login']}/{repository['name']}", int(issue["number"])
    if event.data.get("action") != "closed":
        await store.remove(repo, number)
        return
    doc = await store.get(repo, number)
    if doc is not None and doc.state != "closed":
        doc.state = "closed"
        await store.upsert(repo, doc, time.time())
