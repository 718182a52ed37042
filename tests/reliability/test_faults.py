"""Fault injection: with 30% of GitHub calls failing, every issue still ends with its labels and exactly one comment."""

from __future__ import annotations

import pytest

from bot.core.render import MARKER
from bot.core.triage import triage
from tests.fakegithub import Fault, payload, schedule
from tests.reliability.chaos import SLOW, Chaos, wait_processed

_router = pytest.importorskip("bot.github.triage", reason="needs the triage router (engineer H)")
load_rules, decider_for = _router.load_rules, _router.decider_for

REPO = "Codertocat/Hello-World"
ISSUES = [
    ("CUDA out of memory when loading Qwen2-7B", "Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>\n"
     "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n\ntorch 2.1.0+cu121, vllm 0.4.0"),
    ("ImportError with flash_attn", "ImportError: flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: "
     "_ZN3c104cuda9SetDeviceEi\n\ntorch==2.3.0\nflash-attn==2.5.8"),
    ("KeyError: 'qwen2' when loading Qwen2-7B-Instruct", "KeyError: 'qwen2'\n\ntransformers 4.36.2, torch 2.1.0"),
    ("Generation hangs forever", "model.generate() hangs forever and never returns; GPU utilisation stays at 100%."),
]
"""Four reports each of which gets a comment (a fix, or an ask), so every issue's one comment can be checked."""
N = 16


def opened(number: int) -> dict:
    """An issues.opened delivery for issue `number` with one of the ISSUES texts."""
    title, body = ISSUES[number % len(ISSUES)]
    issue = payload("issues.opened")["issue"] | {"number": number, "title": title, "body": body}
    return payload("issues.opened", issue=issue)


async def test_thirty_percent_failing_calls_still_label_and_comment_once(app_server, sender, fake_github):
    for n in range(1, N + 1):
        title, body = ISSUES[n % len(ISSUES)]
        fake_github.add_issue(REPO, n, title=title, body=body)
    chaos = fake_github.fault = Chaos(0.3)
    running = await app_server(routers=[], github_timeout=SLOW / 4, github_retry_seconds=60, workers=16,
                                github_backoff_seconds=0.02)
    send = sender(running)
    for n in range(1, N + 1):
        assert (await send.send("issues", opened(n), f"open-{n}"))[0] == 202
    counts = await wait_processed(running.server.store, N)
    # GitHub's "Redeliver" button: the same event again under a new delivery id, still under faults.
    for n in range(1, N + 1, 4):
        assert (await send.send("issues", opened(n), f"again-{n}"))[0] == 202
    total = N + len(range(1, N + 1, 4))
    counts = await wait_processed(running.server.store, total)

    assert counts == {"done": total}
    assert chaos.calls and sum(chaos.injected.values()) / chaos.calls > 0.2
    assert set(chaos.injected) == {"status502", "status500", "secondary", "slow", "drop", "late502"}
    rules, classifier = load_rules()
    for n in range(1, N + 1):
        issue = fake_github.repos[REPO.lower()].issues[n]
        decision = triage(issue.title, issue.body, rules, classifier=classifier, decider=decider_for(rules), repo=REPO)
        wanted = [c.name for c in decision.labels if c.confident]  # as the server decides (shipped decision model)
        assert wanted and set(wanted) <= set(issue.labels), (n, wanted, issue.labels)
        ours = [c for c in fake_github.comments(REPO, n) if c.login == fake_github.bot_login]
        assert len(ours) == 1 and ours[0].body.startswith(MARKER), (n, [c.body[:40] for c in ours])


async def test_late_failure_of_the_comment_post_does_not_post_twice(app_server, sender, fake_github):
    """GitHub creates the comment, then answers 502: the retry must find it instead of posting another."""
    title, body = ISSUES[0]
    fake_github.add_issue(REPO, len(ISSUES), title=title, body=body)
    fake_github.fault = schedule(Fault("late", status=502), Fault("late", status=502),
                                 match=lambda r: r.method == "POST" and r.path.endswith("/comments"))
    running = await app_server(routers=[], github_timeout=SLOW / 4, github_retry_seconds=30,
                               github_backoff_seconds=0.02)
    assert (await sender(running).send("issues", opened(len(ISSUES))))[0] == 202
    assert await wait_processed(running.server.store, 1) == {"done": 1}
    ours = [c for c in fake_github.comments(REPO, len(ISSUES)) if c.login == fake_github.bot_login]
    assert len(ours) == 1
