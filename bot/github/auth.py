"""GitHub App authentication: the RS256 App JWT, and installation tokens cached and fetched once per installation
(optionally kept between runs in a TokenVault)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import jwt
from cachetools import TLRUCache

JWT_BACKDATE = 60
JWT_LIFETIME = 9 * 60
REFRESH_MARGIN = 60
VAULT_MARGIN = 5 * 60
"""A token kept between runs is used only while more than this is left of its life."""


def app_jwt(app_id: str, private_key: str, now: float) -> str:
    """The App's JWT: iat backdated 60 s for clock drift, exp 9 minutes ahead (GitHub allows 10), iss = App id."""
    iat = int(now) - JWT_BACKDATE
    return jwt.encode({"iat": iat, "exp": int(now) + JWT_LIFETIME, "iss": str(app_id)}, private_key, algorithm="RS256")


def expires_epoch(expires_at: str) -> float:
    """Epoch seconds of GitHub's `expires_at` (ISO 8601, e.g. 2016-07-11T22:14:10Z)."""
    return datetime.fromisoformat(expires_at.replace("Z", "+00:00")).timestamp()


class TokenVault(Protocol):
    """Where installation tokens outlive a process (sealed in the store: bot/backfill/credentials.py)."""

    async def load(self, installation_id: int) -> tuple[str, float] | None:
        """(token, expiry epoch) kept for the installation, or None."""

    async def save(self, installation_id: int, token: str, expires: float) -> None:
        """Keep a freshly minted token until it expires."""

    async def drop(self, installation_id: int) -> None:
        """Forget the installation's token (GitHub refused it)."""


class AppAuth:
    """Mints and caches tokens for one App; `poster(path, jwt)` performs the POST and returns the JSON answer."""

    def __init__(self, app_id: str, private_key: str, poster: Callable[..., Any], *,
                 clock: Callable[[], float] = time.time, maxsize: int = 10_000, vault: TokenVault | None = None):
        self.app_id, self._key, self._post, self._clock, self._vault = app_id, private_key, poster, clock, vault
        self._jwt: tuple[str, float] | None = None
        self._tokens: TLRUCache = TLRUCache(maxsize, ttu=lambda _k, v, _now: v[1], timer=clock)
        self._locks: dict[int, asyncio.Lock] = {}
        self.minted = 0

    def jwt(self) -> str:
        """The App JWT, reused until a minute before it expires."""
        now = self._clock()
        if self._jwt is None or now >= self._jwt[1]:
            self._jwt = (app_jwt(self.app_id, self._key, now), now + JWT_LIFETIME - REFRESH_MARGIN)
        return self._jwt[0]

    async def token(self, installation_id: int) -> str:
        """An installation token from the cache, or minted once even when many deliveries ask at the same time."""
        cached = self._tokens.get(installation_id)
        if cached is not None:
            return cached[0]
        lock = self._locks.setdefault(installation_id, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(installation_id)
            if cached is not None:
                return cached[0]
            kept = await self._vault.load(installation_id) if self._vault else None
            if kept is not None and kept[1] - VAULT_MARGIN > self._clock():
                self._tokens[installation_id] = (kept[0], kept[1] - REFRESH_MARGIN)
                return kept[0]
            answer = await self._post(f"/app/installations/{int(installation_id)}/access_tokens", self.jwt())
            self.minted += 1
            expires = expires_epoch(answer["expires_at"])
            self._tokens[installation_id] = (answer["token"], expires - REFRESH_MARGIN)
            if self._vault:
                await self._vault.save(installation_id, answer["token"], expires)
            return answer["token"]

    async def refused(self, installation_id: int, token: str) -> str:
        """GitHub answered 401 to `token` (revoked, expired early): forget it, here and in the vault, and return a
        new one; minted once when several requests were refused the same token."""
        lock = self._locks.setdefault(installation_id, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(installation_id)
            if cached is None or cached[0] == token:
                self._tokens.pop(installation_id, None)
                if self._vault:
                    await self._vault.drop(installation_id)
        return await self.token(installation_id)
