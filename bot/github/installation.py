"""A router that logs App installation events (installed, removed, repositories added or removed)."""

from __future__ import annotations

import logging
from typing import Any

from gidgethub import routing, sansio

log = logging.getLogger(__name__)

router = routing.Router()


def _repos(names: list[dict[str, Any]] | None) -> str:
    """Comma-separated full names of the repositories in a payload list."""
    return ", ".join(str(r.get("full_name")) for r in names or []) or "-"


@router.register("installation")
async def installation(event: sansio.Event, gh: Any, ctx: Any) -> None:
    """Log that the App was installed, removed, suspended... on an account."""
    inst = event.data.get("installation") or {}
    account = (inst.get("account") or {}).get("login")
    log.info("installation %s: id=%s account=%s repositories=%s", event.data.get("action"), inst.get("id"),
             account, _repos(event.data.get("repositories")))


@router.register("installation_repositories")
async def installation_repositories(event: sansio.Event, gh: Any, ctx: Any) -> None:
    """Log repositories added to or removed from an installation."""
    inst = event.data.get("installation") or {}
    log.info("installation %s repositories %s: added=%s removed=%s", inst.get("id"), event.data.get("action"),
             _repos(event.data.get("repositories_added")), _repos(event.data.get("repositories_removed")))
