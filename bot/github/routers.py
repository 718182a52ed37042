"""The composition of every concern's Router; later issues append theirs to ROUTERS."""

from __future__ import annotations

from collections.abc import Iterable

from gidgethub.routing import Router

from bot.github import commands, installation, triage

ROUTERS: list[Router] = [
    installation.router,
    commands.router,
    triage.router,
    # Add new concerns here, one Router per module, e.g. triage.router (issues), commands.router (issue_comment).
]


def compose(extra: Iterable[Router] = ()) -> Router:
    """One Router dispatching to all of ROUTERS (plus `extra`, which tests use to observe deliveries)."""
    return Router(*ROUTERS, *extra)
