"""What the server needs from a store: the async Store Protocol and the records it returns, for every backend."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Delivery:
    """One stored webhook delivery."""

    id: str
    event: str
    action: str | None
    payload: str
    received_at: float
    status: str
    attempts: int
    last_error: str | None = None


@dataclass
class IssueState:
    """What the bot remembers about one issue: its sticky comment, who put which label, the human comments seen."""

    repo: str
    number: int
    comment_id: int | None = None
    """The sticky comment's id; 0 when a maintainer deleted it (never posted again)."""
    comment_body: str | None = None
    bot_applied: list[str] = field(default_factory=list)
    human_added: list[str] = field(default_factory=list)
    human_removed: list[str] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    """Human comments as {"id", "body"}, oldest first, re-read on every re-triage."""
    decision: dict | None = None
    """The latest triage, as `Decision.to_json()` without the comment: the bot's own until a human overrides a
    dimension; then that dimension is the human's and the others were re-decided given it (the bot's original
    decision is kept in every override record)."""


@dataclass(frozen=True)
class QueueStats:
    """The durable queue at one moment, for /metrics and /healthz."""

    pending: int
    running: int
    oldest_pending_seconds: float
    oldest_claim_seconds: float


DELIVERY_COLUMNS = tuple(Delivery.__dataclass_fields__)
"""The deliveries columns a Delivery is read from, in field order."""


class Store(Protocol):
    """The durable queue and the issues' memory; `bot.store.sqlite` and `bot.store.postgres` implement it.

    Every method is a coroutine and never blocks the event loop for longer than one short statement.
    """

    async def add_delivery(self, delivery_id: str, event: str, action: str | None, payload: str,
                           received_at: float, *, issue_key: str | None = None,
                           installation_id: int | None = None) -> bool:
        """Record a new pending delivery (of this issue and installation, when it has them); False if this delivery
        id was seen before."""

    async def claim(self, delivery_id: str, now: float) -> Delivery | None:
        """Move a pending delivery to running and return it; None if it is not pending."""

    async def finish(self, delivery_id: str, now: float, error: str | None = None, owner: str | None = None) -> bool:
        """Mark a running delivery done, or failed with the error; with an owner, only while it holds the claim.
        Whether the row changed."""

    async def release(self, delivery_id: str, owner: str | None = None) -> None:
        """Put a running delivery back to pending (shutdown interrupted it); with an owner, only its own claim."""

    async def open_ids(self, limit: int) -> list[str]:
        """The oldest pending or running delivery ids."""

    async def open_count(self) -> int:
        """How many deliveries are pending or running: the durable queue's depth."""

    async def reset_running(self) -> int:
        """At start-up nothing runs yet: turn every running delivery back to pending; returns how many."""

    async def requeue_failed(self, max_attempts: int, failed_before: float) -> int:
        """Failed deliveries with attempts left that failed before the given time go back to pending; how many."""

    async def failed(self, limit: int) -> list[Delivery]:
        """The newest deliveries that failed for good or are waiting for their next attempt."""

    async def replay_failed(self) -> int:
        """Every failed delivery back to pending with its attempts reset (an operator's replay); how many."""

    async def get(self, delivery_id: str) -> Delivery | None:
        """One delivery, or None."""

    async def counts(self) -> dict[str, int]:
        """How many deliveries are in each status."""

    async def add_override(self, repo: str, number: int, dimension: str, record: dict, title: str, body: str,
                           at: float) -> None:
        """Record a human override of one dimension of an issue, with the issue's title and body at that time."""

    async def overrides(self, repo: str, number: int) -> list[dict]:
        """An issue's override records (dicts with at least `dimension`), oldest first."""

    async def export_overrides(self) -> list[dict]:
        """Every override as {repo, number, dimension, record, title, body, at}, oldest first."""

    async def repo_overrides(self, repo: str) -> list[dict]:
        """A repository's overrides as {repo, number, dimension, record}, oldest first (one read per triage)."""

    async def issue_state(self, repo: str, number: int) -> IssueState | None:
        """The remembered state of an issue, or None if the bot never handled it."""

    async def save_issue_state(self, state: IssueState, now: float) -> None:
        """Write an issue's state (insert or replace)."""

    async def label_event(self, repo: str, number: int, name: str, *, added: bool, by_bot: bool) -> None:
        """Record who added or removed a label, so the bot never fights a human and removes only its own."""

    async def record_human_labels(self, repo: str, number: int, *, added: list[str], removed: list[str]) -> None:
        """Labels a human changed (e.g. through a command): the bot will neither remove nor re-add them."""

    async def comment_seen(self, repo: str, comment_id: int, updated_at: str) -> bool:
        """Whether this version of a comment (id, updated_at) was already handled, under any delivery id."""

    async def mark_comment(self, repo: str, comment_id: int, updated_at: str, now: float) -> bool:
        """Remember this version of a comment; False if it was seen before (same comment under a new delivery)."""

    async def add_retry(self, repo: str, number: int | None, delivery_id: str | None, event: str, error: str,
                        now: float) -> None:
        """Record work given up after the client's retry budget, to be retried later."""

    async def retries(self) -> list[dict]:
        """Every retry record, oldest first."""

    async def claim_next(self, owner: str, now: float, lease_seconds: float, per_installation: int = 0
                         ) -> Delivery | None:
        """Claim the oldest delivery that may run now, for `owner`, until now + lease_seconds; None if there is none.

        It may run when it is pending, or running under a lease that expired (its replica died), while no other
        delivery of its issue runs under a live lease (one issue is handled in one place at a time), and while its
        installation holds fewer than `per_installation` live claims (0: no cap)."""

    async def renew(self, owner: str, ids: list[str], until: float) -> list[str]:
        """Extend owner's leases on these running deliveries; the ids still held (the others were taken over)."""

    async def recover(self) -> int:
        """At start-up: running deliveries that no live server can hold back to pending; how many (SQLite: one
        server per file, so all of them; PostgreSQL: none, their leases expire and other replicas take them)."""

    async def queue_stats(self, now: float) -> QueueStats:
        """Pending and running counts, and the age of the oldest pending delivery and of the oldest live claim."""

    async def healthy(self) -> bool:
        """Whether the store answers."""

    async def close(self) -> None:
        """Release the backend."""


def apply_label_event(state: IssueState, name: str, *, added: bool, by_bot: bool) -> IssueState:
    """The state after one label event: the bot's own list, or the human's (a human removal also un-owns it)."""
    drop = lambda names: [n for n in names if n.casefold() != name.casefold()]  # noqa: E731 - GitHub ignores case
    if by_bot:
        state.bot_applied = drop(state.bot_applied) + ([name] if added else [])
    elif added:
        state.human_added, state.human_removed = drop(state.human_added) + [name], drop(state.human_removed)
    else:
        state.human_removed, state.human_added = drop(state.human_removed) + [name], drop(state.human_added)
        state.bot_applied = drop(state.bot_applied)
    return state


ISSUE_COLUMNS = ("repo, number, comment_id, comment_body, bot_applied, human_added, human_removed, comments, "
                 "decision, updated_at")
"""The issue_state columns, in the order issue_row() and issue_from_row() use."""


def issue_row(state: IssueState) -> tuple:
    """An IssueState as the issue_state columns before updated_at (lists and the decision as JSON)."""
    return (state.repo, state.number, state.comment_id, state.comment_body, json.dumps(state.bot_applied),
            json.dumps(state.human_added), json.dumps(state.human_removed), json.dumps(state.comments),
            json.dumps(state.decision) if state.decision is not None else None)


def issue_from_row(row) -> IssueState:
    """An IssueState from an issue_state row read in ISSUE_COLUMNS order."""
    repo, number, comment_id, comment_body, bot_applied, human_added, human_removed, comments, decision, _ = row
    return IssueState(repo, number, comment_id, comment_body, json.loads(bot_applied), json.loads(human_added),
                      json.loads(human_removed), json.loads(comments), json.loads(decision) if decision else None)


async def record_human_labels(store: Store, repo: str, number: int, *, added: list[str], removed: list[str]) -> None:
    """Labels a human changed, one label event each (for backends without a faster way)."""
    for name in added:
        await store.label_event(repo, number, name, added=True, by_bot=False)
    for name in removed:
        await store.label_event(repo, number, name, added=False, by_bot=False)


STATS_SQL = ("SELECT COUNT(*) FILTER (WHERE status = 'pending'), COUNT(*) FILTER (WHERE status = 'running'), "
             "MIN(received_at) FILTER (WHERE status = 'pending'), MIN(updated_at) FILTER (WHERE status = 'running') "
             "FROM deliveries WHERE status IN ('pending', 'running')")
"""The query behind queue_stats (portable)."""


def queue_stats(row, now: float) -> QueueStats:
    """QueueStats from STATS_SQL's row."""
    pending, running, first_pending, first_claim = row
    return QueueStats(pending or 0, running or 0, max(0.0, now - first_pending) if first_pending else 0.0,
                      max(0.0, now - first_claim) if first_claim else 0.0)


BUSY_CTE = ("WITH busy AS (SELECT issue_key, installation_id FROM deliveries WHERE status = 'running' "
            "AND (lease_until IS NULL OR lease_until >= {now}))")
"""The live claims: running deliveries whose lease has not expired (or that carry none)."""

CLAIMABLE = ("d.status IN ('pending', 'running') AND (d.status = 'pending' OR d.lease_until < {now}) "
             "AND (d.issue_key IS NULL OR d.issue_key NOT IN (SELECT issue_key FROM busy WHERE issue_key IS NOT NULL)) "
             "AND (d.installation_id IS NULL OR {cap} <= 0 OR "
             "(SELECT COUNT(*) FROM busy b WHERE b.installation_id = d.installation_id) < {cap})")
"""Which rows of `deliveries d` claim_next may take (see Store.claim_next); {now} and {cap} are placeholders."""
