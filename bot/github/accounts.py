"""Who wrote something: a bot (an App, a bot user, ourselves) or a human."""

from __future__ import annotations

from typing import Any


def is_bot(user: Any, bot_login: str = "") -> bool:
    """A bot account (type Bot, an App's `<slug>[bot]`), our own login, or no user at all."""
    if not isinstance(user, dict):
        return user is not None
    login = str(user.get("login") or "")
    return not login or user.get("type") == "Bot" or login.endswith("[bot]") or bool(bot_login and login == bot_login)
