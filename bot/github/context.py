"""The context every webhook handler receives next to the event and the GitHub client."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.github.metrics import Metrics
from bot.settings import Settings
from bot.store import Store


@dataclass(frozen=True)
class AppContext:
    """Who we are and what we hold, for one delivery: `await router.dispatch(event, gh, ctx)`."""

    settings: Settings
    store: Store
    metrics: Metrics
    slug: str
    bot_login: str
    """`<slug>[bot]`: the author of our own comments."""
    dry_run: bool
    api_url: str
    installation_id: int | None = None
    ruleset: Any = None
    """The RuleSet loaded once at start-up (bot.core.ruleset.RuleSet)."""
    classifier: Any = None
    """The optional learned classifier loaded once at start-up, or None."""
    caches: dict[str, Any] = field(default_factory=dict)
    """Process-wide caches the handlers keep (repo config, existing labels), one entry per module."""
