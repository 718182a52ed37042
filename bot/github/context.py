"""The context every webhook handler receives next to the event and the GitHub client."""

from __future__ import annotations

from dataclasses import dataclass

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
