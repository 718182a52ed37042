"""The composition of every concern's Router, dispatched one after another in the order of ROUTERS."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gidgethub import sansio
from gidgethub.routing import Router

from bot.github import installation, pipeline, related, triage

# issue_comment has one route (pipeline); the others do not share events with each other but `related`, which
# only keeps the index's state after triage ran.
ROUTERS: list[Router] = [
    installation.router,
    pipeline.router,
    triage.router,
    related.router,  # index state only (closed, deleted, transferred issues); no GitHub call
]


class InOrder(Router):
    """Routers whose callbacks run in list order; gidgethub's combined Router runs them in set order."""

    def __init__(self, *routers: Router) -> None:
        super().__init__(*routers)
        self.routers = routers

    async def dispatch(self, event: sansio.Event, *args: Any, **kwargs: Any) -> None:
        """Each router in turn, so a later concern sees what an earlier one did."""
        for router in self.routers:
            await router.dispatch(event, *args, **kwargs)


def compose(extra: Iterable[Router] = ()) -> Router:
    """One Router dispatching to all of ROUTERS in order (plus `extra`, which tests use to observe deliveries)."""
    return InOrder(*ROUTERS, *extra)
