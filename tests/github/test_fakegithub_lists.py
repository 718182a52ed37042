"""The fake's list endpoints: Link pagination, state/since/sort, ETags and 304, installations, query checks, rate
limits in a window."""

from __future__ import annotations

import time

import aiohttp
import pytest

from bot.backfill.client import links
from bot.github.auth import app_jwt
from tests.fakegithub import APP_ID

REPO = "Codertocat/Hello-World"
LIST = f"/repos/{REPO}/issues"


@pytest.fixture
async def get(fake_github):
    """`await get(path, auth="token t", **headers)` -> (status, headers, json or None)."""
    fake_github.tokens["t"] = (1, time.time() + 600)
    async with aiohttp.ClientSession() as session:
        async def do(path, auth="token t", **headers):
            async with session.get(fake_github.url + path, headers={"Authorization": auth, **headers}) as resp:
                body = await resp.read()
                return resp.status, resp.headers, (await resp.json(content_type=None)) if body else None
        yield do


async def test_issues_are_paged_with_link_headers_and_pull_requests_mixed_in(fake_github, get):
    for n in range(1, 8):
        fake_github.add_issue(REPO, n, created_at=1000 + n, pull_request=n % 3 == 0, state="closed" if n == 7 else
                              "open")
    status, headers, page1 = await get(LIST + "?per_page=2&sort=created&direction=asc")
    assert status == 200 and [i["number"] for i in page1] == [1, 2]
    rel = links(headers["Link"])
    assert set(rel) == {"next", "last"} and rel["last"].endswith("page=3")
    _, headers, page3 = await get(rel["last"].removeprefix(fake_github.url))
    assert [i["number"] for i in page3] == [5, 6] and "pull_request" in page3[1] and "next" not in links(
        headers["Link"])
    _, _, everything = await get(LIST + "?state=all&per_page=100")
    assert [i["number"] for i in everything] == [7, 6, 5, 4, 3, 2, 1]  # newest first by default
    _, _, recent = await get(LIST + "?state=all&since=1970-01-01T00:16:45Z")
    assert [i["number"] for i in recent] == [7, 6, 5]


async def test_an_unchanged_page_answers_304_to_its_etag(fake_github, get):
    fake_github.add_issue(REPO, 1)
    _, headers, _ = await get(LIST)
    status, _, body = await get(LIST, **{"If-None-Match": headers["ETag"]})
    assert status == 304 and body is None
    fake_github.repos[REPO.lower()].issues[1].title = "changed"
    assert (await get(LIST, **{"If-None-Match": headers["ETag"]}))[0] == 200


async def test_query_parameters_are_checked_against_the_openapi_description(fake_github, get):
    assert (await get(LIST + "?state=shut"))[0] == 422
    assert (await get(LIST + "?per_page=500"))[0] == 422
    assert (await get(LIST + "?since=yesterday"))[0] == 422
    assert (await get(LIST + "?colour=red"))[0] == 422
    assert len(fake_github.violations) == 4
    fake_github.violations.clear()


async def test_installations_and_their_repositories(fake_github, get, app_keys):
    fake_github.add_repo("other/models", installation_id=2)
    status, _, installs = await get("/app/installations", "bearer " + app_jwt(APP_ID, app_keys[0], time.time()))
    assert status == 200 and [(i["id"], i["account"]["login"]) for i in installs] == [(1, "Codertocat"),
                                                                                   (2, "other")]
    status, _, repos = await get("/installation/repositories")
    assert status == 200 and [r["full_name"] for r in repos["repositories"]] == [REPO]


async def test_the_rate_limit_window_runs_out_then_resets(fake_github, get):
    now = [1000.0]
    fake_github.clock = lambda: now[0]
    fake_github.tokens["t"] = (1, 1e12)
    fake_github.rate_limit, fake_github.rate_window = 2, 60.0
    first = await get("/repos/Codertocat/Hello-World/labels")
    assert first[0] == 200 and first[1]["X-RateLimit-Remaining"] == "1" and first[1]["X-RateLimit-Reset"] == "1020"
    assert (await get("/repos/Codertocat/Hello-World/labels"))[1]["X-RateLimit-Remaining"] == "0"
    limited = await get("/repos/Codertocat/Hello-World/labels")
    assert limited[0] == 403 and "rate limit" in limited[2]["message"]
    now[0] = 1021.0
    assert (await get("/repos/Codertocat/Hello-World/labels"))[0] == 200
