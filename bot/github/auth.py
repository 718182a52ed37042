"""GitHub App authentication: the RS256 App JWT, and installation tokens cached and fetched once per installation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import jwt
from cachetools import TLRUCache

JWT_BACKDATE = 60
JWT_LIFETIME = 9 * 60
REFRESH_MARGIN = 60


def app_jwt(app_id: str, private_key: str, now: float) -> str:
    """The App's JWT: iat backdated 60 s for clock drift, exp 9 minutes ahead (GitHub allows 10), iss = App id."""
    iat = int(now) - JWT_BACKDATE
    return jwt.encode({"iat": iat, "exp": int(now) + JWT_LIFETIME, "iss": str(app_id)}, private_key, algorithm="RS256")


def expires_epoch(expires_at: str) -> float:
    """Epoch seconds of GitHub's `expires_at` (ISO 8601, e.g. 2016-07-11T22:14:10Z)."""
    return datetime.fromisoformat(expires_at.replace("Z", "+00:00")).timestamp()


class AppAuth:
    """Mints and caches tokens for one App; `poster(path, jwt)` performs the POST and returns the JSON answer."""

    def __init__(self, app_id: str, private_key: str, poster: Callable[..., Any], *,
                 clock: Callable[[], float] = time.time, maxsize: int = 10_000):
        self.app_id, self._key, self._post, self._clock = app_id, private_key, poster, clock
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
            answer = await self._post(f"/app/installations/{int(installation_id)}/access_tokens", self.jwt())
            self.minted += 1
            refresh_at = expires_epoch(answer["expires_at"]) - REFRESH_MARGIN
            self._tokens[installation_id] = (answer["token"], refresh_at)
            return answer["token"]
