"""Per-repo learning through our server and the fake GitHub: maintainers' /cause corrections shift the repo's
priors at once, so the next issue's decision changes, with no retraining and no restart."""

from __future__ import annotations

import asyncio
import itertools

from tests.fakegithub import payload

REPO = "Codertocat/Hello-World"
CONF = "Configuration and Parameter Setting Errors - Inference Configuration Error"
TITLE = "Garbled output from Qwen2.5-7B-Instruct"
BODY = "I serve the model and the answers are garbled: random characters and repeated words."
_ids = itertools.count(1)


def _issue(fake, number: int) -> dict:
    issue = fake.repos[REPO.lower()].issues[number]
    base = payload("issues.opened")["issue"]
    return {**base, "number": number, "title": issue.title, "body": issue.body,
            "labels": [{"name": n} for n in issue.labels], "user": {**base["user"], "login": issue.login}}


async def _send(running, send, event: str, data: dict) -> None:
    delivery = f"learn-{next(_ids)}"
    status, _ = await send.send(event, data, delivery)
    assert status == 202
    for _ in range(500):
        got = await running.server.store.get(delivery)
        if got is not None and got.status in ("done", "failed"):
            assert got.status == "done", got.last_error
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"delivery {delivery} not handled")


async def _open(fake, running, send, number: int) -> dict:
    fake.add_issue(REPO, number, title=TITLE, body=BODY, login="reporter")
    await _send(running, send, "issues", payload("issues.opened") | {"issue": _issue(fake, number)})
    return (await running.server.store.issue_state(REPO, number)).decision


async def _correct(fake, running, send, number: int, command: str) -> None:
    c = fake.add_comment(REPO, number, command, login="maint")
    c.created_at = c.updated_at = f"2026-11-22T23:{number:02d}:00Z"
    data = payload("issue_comment.created")
    user = {**data["comment"]["user"], "login": "maint", "type": "User"}
    data["comment"] = {**data["comment"], "id": c.id, "body": c.body, "user": user, "updated_at": c.updated_at}
    data["issue"] = {**_issue(fake, number), "comments": 1}
    data["sender"] = user
    await _send(running, send, "issue_comment", data)


async def test_three_cause_corrections_change_the_next_decision_in_that_repo(fake_github, app_server, sender):
    fake_github.repos[REPO.lower()].permissions.update({"maint": "write"})
    running = await app_server()
    send = sender(running)
    first = await _open(fake_github, running, send, 1)
    assert first["likely"]["root_cause"]["path"] != CONF
    for n in (2, 3, 4):
        await _open(fake_github, running, send, n)
        await _correct(fake_github, running, send, n, "/cause inference")
        assert (await running.server.store.overrides(REPO, n))[-1]["path"] == CONF.split(" - ")
    after = await _open(fake_github, running, send, 5)
    assert after["likely"]["root_cause"]["path"] == CONF
    assert after["candidates"]["root_cause"][0]["path"] == CONF
