"""Helpers for the triage end-to-end tests: synthetic LLM issues on real payloads, delivered and awaited."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from bot.core.render import MARKER
from tests.fakegithub import payload

REPO = "Codertocat/Hello-World"

OOM_TITLE = "CUDA out of memory when loading Qwen2-7B-Instruct for inference"
OOM_BODY = """I load the model with transformers and call generate on a long prompt. It fails with:

```
Traceback (most recent call last):
  File "run.py", line 12, in <module>
    out = model.generate(**inputs, max_new_tokens=512)
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.65 GiB of \
which 1.02 GiB is free.
```
"""


def expected_labels(title: str, body: str, key: str = "labels") -> list[str]:
    """The labels (or `suggested_labels`) the triage core decides for an issue, as the server runs it (shipped
    model, this repo): the server adds the labels, then the suggestions, in one call."""
    from bot.core.triage import triage
    from bot.github.triage import decider_for, load_rules

    ruleset, classifier = load_rules()
    decision = triage(title, body, ruleset, classifier=classifier, decider=decider_for(ruleset), repo=REPO)
    return decision.to_json()[key]


HANG_TITLE = "Generation hangs forever"
HANG_BODY = "model.generate() hangs forever and never returns; GPU utilisation stays at 100%."
"""A report the bot has no fix for and that lacks what settles it (a stack dump): it gets needs-info and an ask."""
OOM_LABELS = expected_labels(OOM_TITLE, OOM_BODY)
OOM_SUGGESTED = expected_labels(OOM_TITLE, OOM_BODY, "suggested_labels")
"""What the server labels the OOM issue with: the decision model's applied levels, the deepest sure level of each
dimension (the default `labels.levels`)."""
assert OOM_LABELS[0] == "symptom: oom" and "stage: inference" in OOM_LABELS
ENV_REPLY = """Here is my environment:

```
PyTorch version: 2.3.0+cu121
CUDA used to build PyTorch: 12.1
OS: Ubuntu 22.04.4 LTS (x86_64)
Python version: 3.10.14 (main, Mar 21 2024, 16:24:04) [GCC 11.2.0] (64-bit runtime)
Is CUDA available: True
CUDA runtime version: 12.1.105
GPU models and configuration: GPU 0: NVIDIA GeForce RTX 4090
Nvidia driver version: 550.54.14
```
I use a single GPU."""
FEATURE_TITLE = "Feature request: add a dark theme to the docs site"
FEATURE_BODY = "It would be nice to have a dark theme for the documentation pages."

_delivery_ids = (f"t-{n}" for n in itertools.count(1))
_times = (f"2026-11-22T12:{m // 60:02d}:{m % 60:02d}Z" for m in itertools.count(1))


def issue_json(fake: Any, number: int = 1, **changes: Any) -> dict:
    """The real payload's issue object carrying the fake's issue as it is now."""
    base = payload("issues.opened")["issue"]
    issue = fake.repos[REPO.lower()].issues[number]
    return {**base, "number": number, "title": issue.title, "body": issue.body,
            "labels": [{"name": n} for n in issue.labels], "comments": len(issue.comments),
            "user": {**base["user"], "login": issue.login}} | changes


def issue_event(fake: Any, action: str = "opened", number: int = 1, **changes: Any) -> dict:
    """A real issues.<action> payload for the fake's issue."""
    return payload(f"issues.{action}", issue=issue_json(fake, number, **changes))


def comment_event(fake: Any, comment: Any, number: int = 1, action: str = "created", bot: bool = False) -> dict:
    """A real issue_comment payload for a comment of the fake (its id, body, author and updated_at)."""
    data = payload(f"issue_comment.{action}")
    user = {**data["comment"]["user"], "login": comment.login, "type": "Bot" if bot else "User"}
    data["comment"] = {**data["comment"], "id": comment.id, "body": comment.body, "user": user,
                       "updated_at": comment.updated_at}
    data["issue"], data["sender"] = issue_json(fake, number), user
    return data


def label_event(fake: Any, name: str, login: str, action: str = "labeled", number: int = 1) -> dict:
    """A real issues.labeled/unlabeled payload: `login` changed label `name`."""
    data = payload(f"issues.{action}", issue=issue_json(fake, number))
    data["label"] = {**data["label"], "name": name}
    data["sender"] = {**data["sender"], "login": login, "type": "Bot" if login.endswith("[bot]") else "User"}
    return data


def add_comment(fake: Any, body: str, login: str = "helper", number: int = 1) -> Any:
    """A comment in the fake with a distinct updated_at."""
    c = fake.add_comment(REPO, number, body, login=login)
    c.created_at = c.updated_at = next(_times)
    return c


async def deliver(running: Any, send: Any, event: str, data: dict, delivery_id: str | None = None) -> Any:
    """Send one delivery and wait until the server finished it; returns its stored row."""
    delivery_id = delivery_id or next(_delivery_ids)
    status, _ = await send.send(event, data, delivery_id)
    assert status in (200, 202)
    store = running.server.store
    for _ in range(1000):
        row = await store.get(delivery_id)
        if row is not None and row.status in ("done", "failed"):
            return row
        await asyncio.sleep(0.01)
    raise AssertionError(f"delivery {delivery_id} not handled")


def bot_comments(fake: Any, number: int = 1) -> list:
    """Our triage comments on the issue."""
    return [c for c in fake.comments(REPO, number) if c.login == fake.bot_login and MARKER in c.body]


def writes(fake: Any, part: str = "") -> list:
    """Non-GET requests we sent (tokens excluded), optionally only those whose path contains `part`."""
    return [r for r in fake.requests if r.method != "GET" and "/access_tokens" not in r.path and part in r.path]
