"""Tests for bot.github.auth: JWT claims, token caching, single-flight minting, refresh before expiry."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import jwt
import pytest

from bot.github.auth import AppAuth, app_jwt, expires_epoch
from bot.github.client import GitHubClient
from bot.github.metrics import Metrics
from tests.fakegithub import APP_ID, payload


def test_jwt_claims(app_keys):
    now = 1_700_000_000
    claims = jwt.decode(app_jwt(APP_ID, app_keys[0], now), app_keys[1], algorithms=["RS256"],
                        options={"verify_exp": False, "verify_iat": False})
    assert claims == {"iat": now - 60, "exp": now + 540, "iss": APP_ID}
    assert claims["exp"] - claims["iat"] <= 600


def test_jwt_header_is_rs256(app_keys):
    assert jwt.get_unverified_header(app_jwt(APP_ID, app_keys[0], time.time()))["alg"] == "RS256"


def test_expires_at_parses_github_format():
    assert expires_epoch("2016-07-11T22:14:10Z") == 1468275250.0


@pytest.fixture
async def auth_for(fake_github, app_keys):
    """`auth_for(clock)`: an AppAuth minting from the fake through our client."""
    async with aiohttp.ClientSession() as session:
        client = GitHubClient(session, base_url=fake_github.url, metrics=Metrics())

        def make(clock=time.time):
            return AppAuth(APP_ID, app_keys[0], lambda path, token: client.post(path, data=b"", jwt=token), clock=clock)

        yield make


async def test_fifty_concurrent_requests_mint_one_token(auth_for, fake_github):
    fake_github.latency = 0.05
    auth = auth_for()
    tokens = await asyncio.gather(*(auth.token(7) for _ in range(50)))
    assert len(set(tokens)) == 1
    assert fake_github.mints == [7]
    assert await auth.token(8) != tokens[0]
    assert fake_github.mints == [7, 8]


async def test_token_is_refreshed_a_minute_before_expiry(auth_for, fake_github):
    now = [float(int(time.time()))]
    fake_github.clock = auth_clock = lambda: now[0]  # one virtual clock for GitHub and us
    auth = auth_for(auth_clock)
    first = await auth.token(1)
    now[0] += 3600 - 61  # the fake's tokens live an hour
    assert await auth.token(1) == first
    now[0] += 2
    assert await auth.token(1) != first
    assert fake_github.mints == [1, 1]


async def test_app_jwt_is_reused_then_renewed(auth_for):
    now = [time.time()]
    auth = auth_for(lambda: now[0])
    first = auth.jwt()
    now[0] += 1
    assert auth.jwt() == first
    now[0] += 9 * 60
    assert auth.jwt() != first


async def test_fifty_concurrent_deliveries_for_one_installation_mint_one_token(app_server, sender, recorder,
                                                                              fake_github):
    fake_github.latency = 0.05
    running = await app_server(workers=50)
    results = await asyncio.gather(*(
        sender(running).send("issues", payload("issues.opened", issue={"number": i})) for i in range(50)))
    assert {s for s, _ in results} == {202}
    await recorder.wait(50)
    assert fake_github.mints == [1]
    assert len({ctx.installation_id for _, _, ctx in recorder.calls}) == 1


class DictVault:
    """A TokenVault in a dict, counting what it was asked."""

    def __init__(self) -> None:
        self.kept: dict[int, tuple[str, float]] = {}
        self.dropped: list[int] = []

    async def load(self, installation_id: int) -> tuple[str, float] | None:
        return self.kept.get(installation_id)

    async def save(self, installation_id: int, token: str, expires: float) -> None:
        self.kept[installation_id] = (token, expires)

    async def drop(self, installation_id: int) -> None:
        self.dropped.append(installation_id)
        self.kept.pop(installation_id, None)


async def test_a_vault_token_is_used_until_five_minutes_before_it_expires(fake_github, app_keys):
    vault = DictVault()
    now = [time.time()]
    vault.kept[3] = ("kept-token", now[0] + 301)

    async with aiohttp.ClientSession() as session:
        client = GitHubClient(session, base_url=fake_github.url, metrics=Metrics())
        auth = AppAuth(APP_ID, app_keys[0], lambda path, jwt_: client.post(path, data=b"", jwt=jwt_),
                       clock=lambda: now[0], vault=vault)
        assert await auth.token(3) == "kept-token" and fake_github.mints == []
        fresh = AppAuth(APP_ID, app_keys[0], lambda path, jwt_: client.post(path, data=b"", jwt=jwt_),
                        clock=lambda: now[0] + 2, vault=vault)  # a later run: 299 s left, too little
        token = await fresh.token(3)
        assert fake_github.mints == [3] and vault.kept[3][0] == token != "kept-token"


async def test_a_refused_token_is_dropped_and_replaced_once_for_many_requests(fake_github, app_keys):
    vault = DictVault()
    async with aiohttp.ClientSession() as session:
        client = GitHubClient(session, base_url=fake_github.url, metrics=Metrics())
        auth = AppAuth(APP_ID, app_keys[0], lambda path, jwt_: client.post(path, data=b"", jwt=jwt_), vault=vault)
        old = await auth.token(4)
        new = await asyncio.gather(*(auth.refused(4, old) for _ in range(10)))
        assert len(set(new)) == 1 and new[0] != old and vault.kept[4][0] == new[0]
        assert fake_github.mints == [4, 4] and vault.dropped == [4]
