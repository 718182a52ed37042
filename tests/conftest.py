"""Shared fixtures: the fake GitHub on loopback, our real server against it, and a router that records deliveries."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from gidgethub.routing import Router

from tests.fakegithub import APP_ID, SECRET, FakeGitHub, Running, Sender, rsa_pair, start_server

EVENTS = ("issues", "issue_comment", "installation", "installation_repositories")


@pytest.fixture(scope="session")
def app_keys() -> tuple[str, str]:
    """The App's (private PEM, public PEM), generated once per test session."""
    return rsa_pair()


@pytest.fixture
async def fake_github(app_keys):
    """A started FakeGitHub that knows the App's public key; asserts nothing sent to it broke the OpenAPI schema."""
    fake = FakeGitHub(app_id=APP_ID, public_key=app_keys[1])
    await fake.start()
    fake.add_repo("Codertocat/Hello-World", installation_id=1)
    yield fake
    await fake.stop()
    assert fake.violations == []


class Recorder:
    """A test Router recording every delivery it is given; `action(event, gh, ctx)` runs inside the handler."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.action: Callable[..., Awaitable[Any]] | None = None
        self.router = Router()
        for event in EVENTS:
            self.router.add(self._handle, event)
        self.done = asyncio.Event()
        self.expected = 0

    async def _handle(self, event, gh, ctx) -> None:
        self.calls.append((event.delivery_id, event.event, ctx))
        if len(self.calls) >= self.expected:
            self.done.set()  # already counted: a waiter must not depend on a slow action finishing
        try:
            if self.action is not None:
                await self.action(event, gh, ctx)
        finally:
            if len(self.calls) >= self.expected:
                self.done.set()

    async def wait(self, count: int, timeout: float = 5.0) -> None:
        """Wait until at least `count` deliveries were handled."""
        self.expected = count
        if len(self.calls) < count:
            self.done.clear()
            await asyncio.wait_for(self.done.wait(), timeout)


@pytest.fixture
def recorder() -> Recorder:
    """A fresh Recorder."""
    return Recorder()


@pytest.fixture
async def http():
    """A client session for talking to our server."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def app_server(fake_github, app_keys, tmp_path, recorder):
    """Start our server against the fake: `running = await app_server(**settings)`; all are stopped at the end."""
    started: list[Running] = []

    async def start(routers=None, **settings: Any) -> Running:
        values = {"app_id": APP_ID, "private_key": app_keys[0], "github_api_url": fake_github.url,
                  "database_url": f"sqlite:///{tmp_path}/firstmile.sqlite3"} | settings
        running = await start_server(routers=[recorder.router] if routers is None else routers, **values)
        started.append(running)
        return running

    yield start
    for running in started:
        await running.stop()


@pytest.fixture
def sender(http) -> Callable[[Running], Sender]:
    """`sender(running)`: signs with the test secret and posts to that server."""
    return lambda running, secret=SECRET: Sender(running.url, secret, http)


@pytest.fixture(scope="session")
def pg_cluster():
    """A real PostgreSQL server for this test session (Debian's binaries, a temp cluster), stopped at the end.

    Missing binaries skip the PostgreSQL tests on a developer's machine, and fail them in CI (.ci/run installs them).
    """
    from tests import pgcluster

    if pgcluster.bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries missing in CI: .ci/run should have installed them")
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    cluster = pgcluster.start()
    yield cluster
    cluster.stop()


BACKENDS = ["sqlite", "postgres"]
_databases = itertools.count()


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> str:
    """A DATABASE_URL for an empty database of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.sqlite3"
    cluster = request.getfixturevalue("pg_cluster")
    name = f"t{next(_databases)}"
    cluster.psql(f"CREATE DATABASE {name}")
    return cluster.url(name)
