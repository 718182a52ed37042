"""A re-run of `firstmile backfill` with nothing changed costs only 304 answers: the installation id and a sealed
installation token are kept in the store; a token near its expiry, revoked or altered costs exactly one mint."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.__main__ import main
from bot.backfill.store import open_backfill_store
from tests.backfill.corpus import issue
from tests.fakegithub import APP_ID

REPO = "Codertocat/Hello-World"
LIST = "/repos/Codertocat/Hello-World/issues"
MINT = "/app/installations/{}/access_tokens"


@pytest.fixture
def env(monkeypatch, fake_github, app_keys, store_url, caplog):
    """The App's settings in the environment, pointing at the fake and a fresh database of each backend."""
    for name, value in {"APP_ID": APP_ID, "PRIVATE_KEY": app_keys[0], "GITHUB_API_URL": fake_github.url,
                        "DATABASE_URL": store_url, "GITHUB_RETRY_SECONDS": "2", "LOG_LEVEL": "DEBUG"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    caplog.set_level(logging.DEBUG)
    for i in range(250):
        text = issue(i)
        fake_github.add_issue(REPO, i + 1, text["title"], text["body"], created_at=1.7e9 + i)
    return fake_github


async def backfill(fake) -> list[tuple[str, str, int]]:
    """Run `firstmile backfill REPO` (exit 0); the (method, path, status) of every request it sent."""
    before = len(fake.requests)
    assert await asyncio.to_thread(main, ["backfill", REPO]) == 0
    return [(r.method, r.path, r.status) for r in fake.requests[before:]]


def no_token_in(text: str, fake) -> None:
    """No token the fake ever minted appears in the text."""
    assert fake.mints and not [t for t in fake.minted_tokens if t in text]


async def test_a_rerun_with_nothing_changed_sends_only_requests_answered_304(env, capsys, caplog):
    first = await backfill(env)
    assert ("GET", "/repos/Codertocat/Hello-World/installation", 200) in first
    assert ("POST", MINT.format(1), 201) in first
    again = await backfill(env)
    assert again == [("GET", LIST, 304)] * 3  # no lookup, no mint: 3 pages, each unchanged
    assert "0 triaged" in capsys.readouterr().out.splitlines()[-1]
    no_token_in(caplog.text, env)


async def test_a_token_within_five_minutes_of_expiry_is_minted_again_once(env, caplog, capsys):
    env.token_ttl = 200.0  # kept, but too close to its end for a run to start on it
    await backfill(env)
    again = await backfill(env)
    assert [r for r in again if r[0] == "POST"] == [("POST", MINT.format(1), 201)]
    assert [r for r in again if r[0] == "GET"] == [("GET", LIST, 304)] * 3
    env.token_ttl = 3600.0
    await backfill(env)
    assert (await backfill(env)) == [("GET", LIST, 304)] * 3  # the long-lived token minted then is kept
    no_token_in(caplog.text + capsys.readouterr().err, env)


async def test_a_revoked_token_is_refused_once_then_minted_once(env, caplog, capsys):
    await backfill(env)
    env.tokens.clear()  # revoked on GitHub's side while the store still holds it
    again = await backfill(env)
    assert again == [("GET", LIST, 401), ("POST", MINT.format(1), 201), ("GET", LIST, 304), ("GET", LIST, 304),
                     ("GET", LIST, 304)]
    assert (await backfill(env)) == [("GET", LIST, 304)] * 3  # the new token replaced it in the store
    no_token_in(caplog.text + capsys.readouterr().err, env)


async def test_an_altered_sealed_token_is_a_cache_miss(env, store_url, caplog):
    await backfill(env)
    store = await open_backfill_store(store_url)
    try:
        sealed, expires = await store.sealed_token(APP_ID, 1)
        flipped = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
        await store.keep_token(APP_ID, 1, flipped, expires)
    finally:
        await store.close()
    again = await backfill(env)
    assert [r for r in again if r[0] == "POST"] == [("POST", MINT.format(1), 201)]
    assert not [r for r in again if r[2] == 401]
    assert "stored token does not open" in caplog.text
    no_token_in(caplog.text, env)


async def test_a_token_sealed_under_another_apps_key_is_a_cache_miss(env, monkeypatch, caplog):
    from tests.fakegithub import rsa_pair

    await backfill(env)
    other_private, other_public = rsa_pair()
    monkeypatch.setenv("PRIVATE_KEY", other_private)
    env.public_key = other_public  # the App's key was rotated
    again = await backfill(env)
    assert [r for r in again if r[0] == "POST"] == [("POST", MINT.format(1), 201)]
    assert not [r for r in again if r[2] == 401]


async def test_a_stored_installation_that_is_gone_is_looked_up_once(env, store_url):
    await backfill(env)
    env.uninstall(1)  # the App was removed and installed again: a new installation id
    env.repos[REPO.lower()].installation_id = 2
    env.installations[2] = "Codertocat"
    again = await backfill(env)
    assert again == [("GET", LIST, 401), ("POST", MINT.format(1), 404),
                     ("GET", "/repos/Codertocat/Hello-World/installation", 200), ("POST", MINT.format(2), 201),
                     ("GET", LIST, 304), ("GET", LIST, 304), ("GET", LIST, 304)]
    store = await open_backfill_store(store_url)
    try:
        assert await store.installation(APP_ID, REPO) == 2
    finally:
        await store.close()
    assert (await backfill(env)) == [("GET", LIST, 304)] * 3


async def test_a_repository_moved_to_another_installation_is_looked_up_once(env):
    await backfill(env)
    env.repos[REPO.lower()].installation_id = 2  # installation 1 and its token still work, elsewhere
    env.installations[2] = "Codertocat"
    again = await backfill(env)
    assert again[0] == ("GET", LIST, 404)
    assert again[1:] == [("GET", "/repos/Codertocat/Hello-World/installation", 200), ("POST", MINT.format(2), 201),
                         ("GET", LIST, 304), ("GET", LIST, 304), ("GET", LIST, 304)]
