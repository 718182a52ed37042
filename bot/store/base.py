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


DELIVERY_COLUMNS = tuple(Delivery.__dataclass_fields__)
"""The deliveries columns a Delivery is read from, in field order."""


class Store(Protocol):
    """The durable queue and the issues' memory; `bot.store.sqlite` and `bot.store.postgres` implement it.

    Every method is a coroutine and never blocks the event loop for longer than one short statement.
    """

    async def add_delivery(self, delivery_id: str, event: str, action: str | None, payload: str,
                           received_at: float) -> bool:
        """Record a new pending delivery; False if this delivery id was seen before."""

    async def claim(self, delivery_id: str, now: float) -> Delivery | None:
        """Move a pending delivery to running and return it; None if it is not pending."""

    async def finish(self, delivery_id: str, now: float, error: str | None = None) -> None:
        """Mark a running delivery done, or failed with the error."""

    async def release(self, delivery_id: str) -> None:
        """Put a running delivery back to pending (shutdown interrupted it)."""

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

    async def command_seen(self, repo: str, comment_id: int, updated_at: str) -> bool:
        """Whether the commands of this version of a comment were already run."""

    async def mark_command(self, repo: str, comment_id: int, updated_at: str, at: float) -> None:
        """Remember that the commands of this version of a comment were run."""

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
