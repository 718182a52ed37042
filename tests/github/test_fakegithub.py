"""Tests for the fake GitHub itself: it must catch what real GitHub would refuse, or our other tests prove nothing."""

from __future__ import annotations

import base64
import time

import aiohttp
import pytest

from bot.github.auth import app_jwt
from tests.fakegithub import APP_ID, rsa_pair


@pytest.fixture
async def call(fake_github):
    """`await call(method, path, auth, json=None)` -> (status, body)."""
    async with aiohttp.ClientSession() as session:
        async def do(method, path, auth, json=None):
            async with session.request(method, fake_github.url + path, json=json,
                                       headers={"Authorization": auth}) as resp:
                return resp.status, await resp.json(content_type=None)

        yield do


async def test_request_bodies_are_checked_against_the_openapi_schema(call, fake_github):
    fake_github.add_issue("Codertocat/Hello-World", 1)
    fake_github.tokens["t"] = (1, time.time() + 60)
    status, _ = await call("POST", "/repos/Codertocat/Hello-World/issues/1/comments", "token t", {"text": "x"})
    assert status == 422
    assert fake_github.violations == [
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments: 'body' is a required property"]
    fake_github.violations.clear()
    status, labels = await call("POST", "/repos/Codertocat/Hello-World/issues/1/labels", "token t", {"labels": ["a"]})
    assert status == 200 and [x["name"] for x in labels] == ["a"]


async def test_app_routes_need_a_valid_app_jwt(call, app_keys, fake_github):
    now = time.time()
    assert (await call("GET", "/app", "bearer " + app_jwt(APP_ID, app_keys[0], now)))[0] == 200
    assert (await call("GET", "/app", "bearer " + app_jwt("999", app_keys[0], now)))[0] == 401
    assert (await call("GET", "/app", "bearer " + app_jwt(APP_ID, rsa_pair()[0], now)))[0] == 401
    assert (await call("GET", "/app", "bearer " + app_jwt(APP_ID, app_keys[0], now - 700)))[0] == 401
    fake_github.tokens["t"] = (1, now + 60)
    assert (await call("GET", "/app", "token t"))[0] == 401


async def test_tokens_expire_and_are_scoped_to_their_installation(call, fake_github):
    fake_github.add_repo("other/repo", installation_id=2)
    fake_github.tokens["old"] = (1, time.time() - 1)
    fake_github.tokens["t"] = (1, time.time() + 60)
    assert (await call("GET", "/repos/Codertocat/Hello-World/labels", "token old"))[0] == 401
    assert (await call("GET", "/repos/Codertocat/Hello-World/labels", "token t"))[0] == 200
    assert (await call("GET", "/repos/other/repo/labels", "token t"))[0] == 404


async def test_contents_are_base64_and_comments_carry_the_bot_login(call, fake_github):
    repo = fake_github.add_repo("Codertocat/Hello-World")
    repo.files[".github/firstmile.yml"] = b"labels: true\n"
    fake_github.add_issue("Codertocat/Hello-World", 1)
    fake_github.tokens["t"] = (1, time.time() + 60)
    status, body = await call("GET", "/repos/Codertocat/Hello-World/contents/.github/firstmile.yml", "token t")
    assert status == 200 and base64.b64decode(body["content"]) == b"labels: true\n"
    status, comment = await call("POST", "/repos/Codertocat/Hello-World/issues/1/comments", "token t", {"body": "hi"})
    assert status == 201 and comment["user"]["login"] == "firstmile-test[bot]"
    human = fake_github.add_comment("Codertocat/Hello-World", 1, "me")
    status, _ = await call("PATCH", f"/repos/Codertocat/Hello-World/issues/comments/{human.id}", "token t",
                           {"body": "edited"})
    assert status == 403
    assert [c.body for c in fake_github.comments("Codertocat/Hello-World", 1)] == ["hi", "me"]
