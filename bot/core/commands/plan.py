"""What the decide step reads (Context) and returns (Plan, OverrideRecord), and helpers every effect shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

Permission = Literal["admin", "maintain", "write", "triage", "read", "none"]
RANK = {"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}
"""GitHub's repository roles, weakest first (use the API's `role_name`, not the legacy `permission`)."""

Resolved = tuple[tuple[str, ...], tuple[str, ...]]
"""A node's path and the labels of each level of it, from the top, as automatic triage applies them."""
Resolver = Callable[[str, str], "Resolved | str"]
"""(dimension, name) -> (taxonomy path, label name), or an error message (raising ValueError works too)."""


class OverrideRecord(BaseModel):
    """A human decision the bot must keep: who changed which dimension of which issue, from what to what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issue: str
    at: str
    login: str
    dimension: Literal["symptom", "root_cause", "stage", "needs_info", "duplicate_of"]
    before: tuple[str, ...]
    """The dimension's labels on the issue before the command."""
    after: tuple[str, ...]
    path: tuple[str, ...] | None = None
    """The taxonomy path the human chose (None when it was only removed, or for needs_info)."""
    bot_path: tuple[str, ...] | None = None
    bot_confidence: float | None = None
    corrects_bot: bool = False
    """True when a label the bot had applied was replaced or removed."""
    keys: tuple[str, ...] = ()
    """For `/needs-info`: the keys the human asked for (empty: the bot's own list)."""
    duplicate_of: int | None = None
    """For `/duplicate #N`: N."""
    not_duplicate_of: int | None = None
    """For `/not-duplicate [#N]`: the issue it does not duplicate (that link is hidden for good)."""


class StoredOverride(OverrideRecord):
    """An override as the store keeps it: the record, the comment that made it, the bot's decision at the time."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    issue: str = ""
    at: str = ""
    login: str = ""
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    comment_id: int | None = None
    bot_decision: dict[str, tuple[tuple[str, ...], float]] | None = None
    """The bot's (path, confidence) per dimension when the command ran."""


@dataclass(frozen=True)
class Context:
    """Everything the decide step knows about the issue and the commenter; the shell fills it in."""

    login: str
    permission: Permission = "none"
    is_author: bool = False
    is_bot: bool = False
    """The commenter is a bot account or the App itself: commands are ignored."""
    labels: tuple[str, ...] = ()
    bot_labels: frozenset[str] = frozenset()
    dimension_of: Mapping[str, str] = field(default_factory=dict)
    """A taxonomy label -> its dimension ("symptom", "root_cause", "stage")."""
    decision: Mapping[str, tuple[tuple[str, ...], float]] = field(default_factory=dict)
    """The bot's current path and confidence per dimension."""
    repo_labels: frozenset[str] | None = None
    """Every label of the repository, to refuse unknown ones; None skips that check."""
    info_keys: frozenset[str] | None = None
    """The keys `/needs-info` accepts; None accepts any."""
    needs_info_label: str = "needs-info"
    slug: str = "firstmile"
    issue: str = ""
    """The issue, e.g. "owner/repo#12", copied into override records."""
    at: str = ""
    """The time of the comment (ISO 8601), copied into override records: the core has no clock."""
    duplicate_candidate: int | None = None
    """The issue the bot named as the duplicate's original (what a bare `/not-duplicate` refers to)."""
    duplicate_label: str = "possible-duplicate"


@dataclass(frozen=True)
class Plan:
    """What to do for a comment's commands; the shell applies it (or logs it in shadow mode)."""

    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    overrides: tuple[OverrideRecord, ...] = ()
    reply: str | None = None
    react: Literal["+1"] | None = None
    retriage: bool = False
    error: str | None = None
    """The user-facing error(s) without the help text; None on success."""


def record(ctx: Context, dimension: str, before, after, path, keys: tuple[str, ...] = ()) -> OverrideRecord:
    """An override record with the bot's own decision for the dimension."""
    bot_path, bot_conf = ctx.decision.get(dimension, (None, None))
    mine = {n.casefold() for n in ctx.bot_labels}
    kept = {n.casefold() for n in after}
    return OverrideRecord(
        issue=ctx.issue, at=ctx.at, login=ctx.login, dimension=dimension, before=tuple(before),
        after=tuple(after), path=path, bot_path=tuple(bot_path) if bot_path is not None else None,
        bot_confidence=bot_conf, corrects_bot=any(n.casefold() in mine and n.casefold() not in kept for n in before),
        keys=keys,
    )


def resolve_name(resolve: Resolver, dimension: str, name: str) -> Resolved | str:
    """Call the resolver, turning a ValueError into its message."""
    try:
        return resolve(dimension, name)
    except ValueError as exc:
        return str(exc)


def dimension_fn(dimension_of: Mapping[str, str]) -> Callable[[str], str | None]:
    """A case-insensitive label -> dimension function."""
    folded = {k.casefold(): v for k, v in dimension_of.items()}
    return lambda name: folded.get(name.casefold())
