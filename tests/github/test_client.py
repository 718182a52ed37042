"""Tests for bot.github.client: retries (5xx, timeouts, dropped connections, rate limits), giving up, dry mode."""

from __future__ import annotations

import logging
import time

import aiohttp
import gidgethub
import pytest

from bot.github.client import DryRunClient, GitHubClient, GitHubUnavailable, retry_wait
from bot.github.metrics import Metrics
from tests.fakegithub import Fault, schedule

LABELS = "/repos/Codertocat/Hello-World/labels"


@pytest.fixture
async def client_for(fake_github):
    """`client_for(**options)`: an installation client against the fake with a fresh token."""
    async with aiohttp.ClientSession() as session:
        fake_github.tokens["tok"] = (1, time.time() + 3600)

        def make(cls=GitHubClient, **options):
            options = {"timeout": 0.2, "retry_seconds": 5.0, "backoff_base": 0.01} | options
            return cls(session, base_url=fake_github.url, metrics=Metrics(), oauth_token="tok", **options)

        yield make


@pytest.mark.parametrize(("fault", "times"), [
    (Fault("status", 500), 2), (Fault("status", 502), 2), (Fault("secondary", retry_after=0), 2),
    (Fault("primary", retry_after=0), 1),  # waits until X-RateLimit-Reset plus 1 s of clock skew
    (Fault("slow", delay=0.4), 2), (Fault("drop"), 1),
])
async def test_transient_failures_are_retried(client_for, fake_github, fault, times):
    fake_github.fault = schedule(*[fault] * times)
    gh = client_for()
    # a POST: aiohttp itself re-sends idempotent requests on a dropped keep-alive connection, hiding our retry
    assert (await gh.post(LABELS, data={"name": "bug"}))["name"] == "bug"
    assert [r.status for r in fake_github.requests if r.path == LABELS][-1] == 201
    assert len([r for r in fake_github.requests if r.path == LABELS]) == times + 1


async def test_calls_are_counted_by_status(client_for, fake_github):
    fake_github.fault = schedule(Fault("drop"), Fault("status", 502))
    gh = client_for()
    await gh.post(LABELS, data={"name": "bug"})
    text = gh.metrics.render().decode()
    for status in ("502", "error", "201"):
        assert f'firstmile_github_api_calls_total{{status="{status}"}} 1.0' in text


async def test_gives_up_after_the_budget(client_for, fake_github, caplog):
    fake_github.fault = lambda request: Fault("status", 503)
    gh = client_for(retry_seconds=0.3)
    with pytest.raises(gidgethub.GitHubBroken):
        await gh.getitem(LABELS)
    assert len(fake_github.requests) > 1
    assert "giving up" in caplog.text


async def test_unreachable_github_raises_after_the_budget(fake_github):
    async with aiohttp.ClientSession() as session:
        gh = GitHubClient(session, base_url="http://127.0.0.1:9", metrics=Metrics(), oauth_token="t",
                          retry_seconds=0.2, backoff_base=0.01)
        with pytest.raises(GitHubUnavailable):
            await gh.getitem("/rate_limit")


async def test_permission_403_is_not_retried(client_for, fake_github):
    gh = client_for()
    with pytest.raises(gidgethub.BadRequest):
        await gh.patch("/repos/Codertocat/Hello-World/issues/comments/{id}", {"id": _human_comment(fake_github)},
                       data={"body": "x"})
    assert len(fake_github.requests) == 1


def _human_comment(fake_github) -> int:
    fake_github.add_issue("Codertocat/Hello-World", 1)
    return fake_github.add_comment("Codertocat/Hello-World", 1, "mine").id


async def test_urls_outside_the_api_are_refused(client_for, fake_github):
    gh = client_for()
    with pytest.raises(ValueError, match="outside GITHUB_API_URL"):
        await gh.getitem("https://evil.example/repos/x/y/labels")
    assert fake_github.requests == []


@pytest.mark.parametrize(("status", "headers", "body", "expected"), [
    (200, {}, b"", None),
    (404, {}, b"", None),
    (422, {}, b"", None),
    (403, {}, b'{"message": "Resource not accessible by integration"}', None),
    (403, {"Retry-After": "7"}, b"", 7.0),
    (429, {"Retry-After": "3"}, b"", 3.0),
    (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1010"}, b"", 11.0),
    (403, {}, b'{"message": "You have exceeded a secondary rate limit"}', 60.0),
])
def test_retry_wait(status, headers, body, expected):
    assert retry_wait(status, headers, body, 1, now=1000.0) == expected


def test_server_errors_back_off_with_jitter():
    waits = {retry_wait(500, {}, b"", 3, now=0, base=1.0) for _ in range(20)}
    assert all(0 <= w <= 4 for w in waits) and len(waits) > 1


async def test_dry_client_logs_writes_and_sends_none(client_for, fake_github, caplog):
    caplog.set_level(logging.INFO)
    fake_github.add_issue("Codertocat/Hello-World", 1)
    gh = client_for(DryRunClient)
    result = await gh.post("/repos/Codertocat/Hello-World/issues/1/comments", data={"body": "hi @someone"})
    await gh.delete("/repos/Codertocat/Hello-World/issues/1/labels/bug")
    assert result == {"body": "hi @someone", "id": 0}
    assert fake_github.requests == []
    assert "would POST /repos/Codertocat/Hello-World/issues/1/comments" in caplog.text
    assert "would DELETE" in caplog.text


async def test_dry_client_without_token_answers_reads_empty(fake_github):
    async with aiohttp.ClientSession() as session:
        gh = DryRunClient(session, base_url=fake_github.url, metrics=Metrics())
        assert await gh.getitem(LABELS) == []
        assert await gh.getitem("/repos/Codertocat/Hello-World/issues/1") == {}
        with pytest.raises(gidgethub.BadRequest):
            await gh.getitem("/repos/Codertocat/Hello-World/contents/.github/firstmile.yml")
    assert fake_github.requests == []
