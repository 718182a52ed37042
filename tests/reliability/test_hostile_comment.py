"""Hostile issue bodies through the whole triage core: nothing that pings, renders HTML, links or commands goes live."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.commands import parse_commands
from bot.core.ruleset import RuleSet
from bot.core.triage import triage
from tests.reliability.live import live_parts

RULES = RuleSet.load()

PAYLOADS = [
    "@alice", "@org/team", "@Qwen/maintainers", "@firstmile-test", "cc @bob-2 please", "mail me: eve@evil.example",
    "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "<a href='http://evil.example'>x</a>",
    "<details open><summary>x</summary>", "</details>", "<!-- firstmile:triage -->", "<sub>x</sub>",
    "![pic](http://evil.example/p.png)", "[click](http://evil.example/login)", "http://evil.example/x",
    "https://evil.example/a?b=c", "www.evil.example", "javascript:alert(1)", "[x]: http://evil.example",
    "/label +bug", "/close", "> /label -bug", "\n/triage\n", "\n  /symptom Crash\n", "@firstmile-test label +x",
    "`", "```", "``` ` ``", "|", "**bold**", "# heading", "\n> quote\n", "\r\n/close\r\n", "\u200b@bob", "&lt;b&gt;",
]
CONTEXTS = [
    "{x}", "torch: {x}", "PyTorch version: 2.{x}", "GPU: {x}", "GPU 0: NVIDIA A100 {x}", "Model: {x}",
    "model: Qwen/{x}", "transformers version: {x}", "vllm=={x}", "OS: {x}", "Python version: 3.10 {x}",
    "RuntimeError: {x}", "Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nValueError: {x}",
    "### Model\n\n{x}\n", "### Error\n\n```\ntorch.cuda.OutOfMemoryError: CUDA out of memory. {x}\n```",
    "python -m vllm.entrypoints.openai.api_server --model {x}", "CUDA Version: 12.{x}", "error: {x}",
    "ImportError: cannot import name '{x}' from 'transformers'", "quantization: {x}", "llama.cpp version: {x}",
    "| torch | {x} |", "Driver Version: 535.{x}",
]

hostile = st.builds(lambda c, x: c.format(x=x), st.sampled_from(CONTEXTS), st.sampled_from(PAYLOADS))
bodies = st.lists(st.one_of(hostile, st.text(max_size=40)), min_size=1, max_size=8).map("\n".join)
titles = st.builds(lambda c, x: c.format(x=x), st.sampled_from(["{x}", "CUDA OOM {x}", "[Bug]: {x} crashes"]),
                   st.sampled_from(PAYLOADS))


def assert_safe(title: str, body: str) -> None:
    """The comment for this issue has nothing live from it and no commands for us or another bot."""
    decision = triage(title, body, RULES, comment="always")
    trusted = frozenset(f.url for f in decision.fixes) | frozenset(w.url for w in decision.warnings)
    assert live_parts(decision.comment, trusted) == []
    assert parse_commands(decision.comment, slug="firstmile-test") == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_alone_and_in_every_context_stays_inert(payload):
    assert_safe(payload, payload)
    assert_safe(f"Crash with {payload}", "\n".join(c.format(x=payload) for c in CONTEXTS))


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_payload_in_each_context_stays_inert(context):
    assert_safe("[Bug]: crash", "\n\n".join(context.format(x=p) for p in PAYLOADS))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles, bodies)
def test_mixed_hostile_bodies_stay_inert(title, body):
    assert_safe(title, body)


def test_checker_sees_live_content():
    """The checker itself must flag each live kind, or the tests above prove nothing."""
    raw = ("hi @alice and @org/team\n<img src=x>\n![p](http://evil.example/p.png)\n[c](http://evil.example)\n"
           "see http://evil.example/x or www.evil.example, eve@evil.example\n/close\n")
    kinds = {part.split(":")[0] for part in live_parts(raw)}
    assert kinds == {"mention", "html", "image", "link", "url", "email", "command line"}
    assert live_parts("`@alice <img> http://evil.example`\n\n```\n/close\n```\n") == ["command line: '/close'"]


async def test_end_to_end_the_posted_comment_stays_inert(app_server, sender, fake_github):
    """Through our server and the fake GitHub: the comment actually posted has nothing live from the issue."""
    from tests.fakegithub import payload

    title = "CUDA OOM @org/team <img src=x> [x](http://evil.example)"
    body = "\n\n".join(c.format(x=p) for c in CONTEXTS for p in PAYLOADS[::3])
    fake_github.add_issue("Codertocat/Hello-World", 7, title=title, body=body)
    issue = payload("issues.opened")["issue"] | {"number": 7, "title": title, "body": body}
    running = await app_server(routers=[])
    assert (await sender(running).send("issues", payload("issues.opened", issue=issue), "hostile-1"))[0] == 202
    for _ in range(200):
        if (await running.server.store.counts()).get("done"):
            break
        await asyncio.sleep(0.02)
    posted = [c.body for c in fake_github.comments("Codertocat/Hello-World", 7) if c.login == fake_github.bot_login]
    assert len(posted) == 1
    from bot.github.triage import decider_for, load_rules

    rules, classifier = load_rules()  # what the server decided with
    decision = triage(title, body, rules, classifier=classifier, decider=decider_for(rules),
                      repo="Codertocat/Hello-World")
    trusted = frozenset(f.url for f in decision.fixes) | frozenset(w.url for w in decision.warnings)
    assert live_parts(posted[0], trusted) == []
    assert parse_commands(posted[0], slug="firstmile-test") == []
