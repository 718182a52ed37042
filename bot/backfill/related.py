"""The backfill's hook into the related-issue index: index each triaged issue and keep its related links in the
stored decision (the report draws its clusters from them). Without the index (bot.github.related), no hook."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

from bot.backfill.runner import OnDecision

log = logging.getLogger(__name__)


def index_hook(settings: Any) -> OnDecision | None:
    """A hook for Backfill(on_decision=...), or None when this build has no related-issue index."""
    try:
        from bot.github import related
    except ImportError:
        return None
    ctx = SimpleNamespace(settings=settings, caches={})

    async def hook(repo: str, issue: dict, data: dict, decision: Any) -> dict | None:
        """Index the issue; its related issues as the decision's `related` key."""
        if decision is None:  # --apply: the webhook path indexed it already
            return None
        try:
            found = await related.relate(ctx, repo, issue, decision)
        except Exception:  # noqa: BLE001 - the index is an extra: the backfill goes on without it
            log.warning("%s#%s: related-issue index failed; stored without links", repo, issue.get("number"),
                        exc_info=True)
            return None
        if found is None:
            return None
        return {"related": [{"number": r.number, "score": r.score, "reasons": [list(x) for x in r.reasons]}
                            for r in found.shown]}
    return hook
