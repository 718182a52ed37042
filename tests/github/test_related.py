"""Related issues on the webhook path: indexed, linked in the sticky comment, labelled, and maintainers' verdicts."""

from __future__ import annotations

import pytest

from bot.github import commands
from tests.github.triagekit import REPO, add_comment, bot_comments, comment_event, deliver, issue_event

GGGG = ("Qwen2.5-7B-Instruct outputs GGGGGGGG on ollama", "Since the update every reply of qwen2.5:7b-instruct is "
        "`GGGGGGGGGGGGGGGGGGGG`. Ollama 0.3.10 on an AMD RX 7900 XTX.\n\n```\nError: unexpected EOF\n```")
GGGG_DUP = ("qwen2.5 only answers GGGGGGGGGG (ROCm)", "qwen2.5:14b prints GGGGGGGGGGGGGGGGGG forever after I "
            "upgraded ollama to 0.3.11. Radeon RX 6800.\n\n```\nError: unexpected EOF\n```")
OTHER = ("Training Llama-3-8B with DeepSpeed ZeRO-3 hangs at save", "The run stops at `Saving model checkpoint` "
         "with 8 GPUs and no error.")


@pytest.fixture(autouse=True)
def _fresh_permission_cache():
    """Each test starts without cached roles (the cache is process-wide)."""
    commands.PERMISSIONS.clear()


async def test_a_duplicate_is_linked_with_its_reason_and_labelled_and_a_pull_request_is_never_indexed(
        fake_github, app_server, sender):
    fake_github.add_issue(REPO, 1, title=GGGG[0], body=GGGG[1], login="reporter")
    fake_github.add_issue(REPO, 2, title=OTHER[0], body=OTHER[1], login="reporter")
    fake_github.add_issue(REPO, 3, title=GGGG_DUP[0], body=GGGG_DUP[1], login="someone")
    running = await app_server()
    send = sender(running)
    pr = issue_event(fake_github, number=1)
    pr["issue"]["pull_request"] = {"url": "https://api.github.com/repos/x/y/pulls/1"}
    await deliver(running, send, "issues", pr)
    assert running.server.caches.get("related") is None or running.server.caches["related"].index.count() == 0
    for n in (1, 2, 3):
        await deliver(running, send, "issues", issue_event(fake_github, number=n))
    issue3 = fake_github.repos[REPO.lower()].issues[3]
    body = bot_comments(fake_github, 3)[-1].body
    assert "Possibly related" in body and "- #1: " in body and "#2" not in body
    assert "same output `GGGG`" in body
    assert "possible-duplicate" in issue3.labels
    assert fake_github.repos[REPO.lower()].issues[2].labels.count("possible-duplicate") == 0


async def test_duplicate_and_not_duplicate_commands_set_and_remove_the_label_and_hide_the_link(
        fake_github, app_server, sender):
    fake_github.add_issue(REPO, 1, title=GGGG[0], body=GGGG[1], login="reporter")
    fake_github.add_issue(REPO, 2, title=GGGG_DUP[0], body=GGGG_DUP[1], login="someone")
    fake_github.add_issue(REPO, 3, title=OTHER[0], body=OTHER[1], login="reporter")
    fake_github.repos[REPO.lower()].permissions.update({"maint": "write", "visitor": "read"})
    running = await app_server()
    send = sender(running)
    for n in (1, 2, 3):
        await deliver(running, send, "issues", issue_event(fake_github, number=n))
    issue2 = fake_github.repos[REPO.lower()].issues[2]
    assert "possible-duplicate" in issue2.labels

    c = add_comment(fake_github, "/not-duplicate", login="visitor", number=2)  # read access: refused
    await deliver(running, send, "issue_comment", comment_event(fake_github, c, number=2))
    assert "possible-duplicate" in issue2.labels

    c = add_comment(fake_github, "/not-duplicate", login="maint", number=2)
    await deliver(running, send, "issue_comment", comment_event(fake_github, c, number=2))
    assert "possible-duplicate" not in issue2.labels
    assert "- #1: " not in bot_comments(fake_github, 2)[-1].body  # hidden for good
    await deliver(running, send, "issues", issue_event(fake_github, action="edited", number=2))
    assert "possible-duplicate" not in issue2.labels and "- #1: " not in bot_comments(fake_github, 2)[-1].body

    c = add_comment(fake_github, "/duplicate #3", login="maint", number=2)
    await deliver(running, send, "issue_comment", comment_event(fake_github, c, number=2))
    assert "possible-duplicate" in issue2.labels and fake_github.repos[REPO.lower()].issues[2].state == "open"
    assert "- #3: marked duplicate by a maintainer" in bot_comments(fake_github, 2)[-1].body
    records = [r for r in await running.server.store.overrides(REPO, 2) if r["dimension"] == "duplicate_of"]
    assert [(r["not_duplicate_of"], r["duplicate_of"], r["login"]) for r in records] == [(1, None, "maint"),
                                                                                          (None, 3, "maint")]
    from bot.cli.overrides import duplicate_rows

    verdicts = list(duplicate_rows(await running.server.store.export_overrides()))
    assert [(v["number"], v["verdict"], v["other"]) for v in verdicts] == [(2, "not-duplicate", 1), (2, "duplicate", 3)]


async def test_closing_marks_the_issue_closed_in_the_index_and_deleting_drops_it(fake_github, app_server, sender):
    from tests.fakegithub import payload
    from tests.github.triagekit import issue_json

    fake_github.add_issue(REPO, 1, title=GGGG[0], body=GGGG[1], login="reporter")
    fake_github.add_issue(REPO, 2, title=GGGG_DUP[0], body=GGGG_DUP[1], login="someone")
    running = await app_server()
    send = sender(running)
    await deliver(running, send, "issues", issue_event(fake_github, number=1))
    start = len(fake_github.requests)
    closed = payload("issues.opened", action="closed", issue=issue_json(fake_github, 1, state="closed"))
    await deliver(running, send, "issues", closed)
    assert [r for r in fake_github.requests[start:] if not r.path.startswith("/app")] == []  # no GitHub call
    index = running.server.caches["related"].index
    assert index.get(REPO, 1).state == "closed"
    await deliver(running, send, "issues", issue_event(fake_github, number=2))
    assert "- #1: " in bot_comments(fake_github, 2)[-1].body and "closed" in bot_comments(fake_github, 2)[-1].body
    await deliver(running, send, "issues", payload("issues.opened", action="deleted", issue=issue_json(fake_github, 1)))
    assert index.get(REPO, 1) is None
