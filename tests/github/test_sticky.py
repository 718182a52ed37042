"""Tests for bot.github.sticky: one triage comment per issue, found by marker AND login, edited, never duplicated."""

from __future__ import annotations


from bot.core.render import MARKER
from bot.github import sticky
from tests.fakegithub import Fault
from tests.github.triagekit import (
    ENV_REPLY,
    OOM_BODY,
    REPO,
    add_comment,
    bot_comments,
    deliver,
    issue_event,
    writes,
)




def test_ours_needs_both_the_marker_and_our_login():
    bot = "firstmile-test[bot]"
    assert sticky.is_sticky({"user": {"login": bot}, "body": MARKER + "\nhi"}, bot)
    assert not sticky.is_sticky({"user": {"login": "mallory"}, "body": MARKER + "\nhi"}, bot)
    assert not sticky.is_sticky({"user": {"login": bot}, "body": "a reply without the marker"}, bot)
    assert sticky.is_bot({"login": "x", "type": "Bot"}) and sticky.is_bot({"login": "ci[bot]", "type": "User"})
    assert not sticky.is_bot({"login": "octocat", "type": "User"}) and not sticky.is_bot(None)


async def test_a_pasted_marker_is_not_ours(env):
    fake, running, send = env
    pasted = add_comment(fake, f"Copying the bot's text: {MARKER} looks wrong", login="mallory")
    await deliver(running, send, "issues", issue_event(fake, "edited"))
    [ours] = bot_comments(fake)
    assert ours.id != pasted.id and pasted.body.startswith("Copying")


async def test_existing_comment_is_adopted_and_edited_not_duplicated(env):
    fake, running, send = env
    old = add_comment(fake, MARKER + "\nan older triage", login=fake.bot_login)
    await deliver(running, send, "issues", issue_event(fake, "reopened"))
    [ours] = bot_comments(fake)
    assert ours.id == old.id and "Out of Memory" in ours.body
    assert writes(fake, "/comments") == [w for w in writes(fake, "/comments") if w.method == "PATCH"]


async def test_a_deleted_comment_is_never_posted_again(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake))
    [ours] = bot_comments(fake)
    fake.repos[REPO.lower()].issues[1].comments.remove(ours.id)
    fake._comment_index.pop(ours.id)
    fake.repos[REPO.lower()].issues[1].body = OOM_BODY + "\n\n" + ENV_REPLY
    await deliver(running, send, "issues", issue_event(fake, "edited"))
    fake.repos[REPO.lower()].issues[1].body = OOM_BODY + "\n\nAlso with bf16."
    await deliver(running, send, "issues", issue_event(fake, "edited"))
    assert bot_comments(fake) == []
    assert len(writes(fake, "/issues/comments/")) == 1  # one PATCH found it gone; none after
    assert (await running.server.store.issue_state(REPO, 1)).comment_id == sticky.DELETED


async def test_a_post_that_landed_before_failing_is_not_posted_twice(env):
    fake, running, send = env
    landed = []

    def hook(request):
        if request.method == "POST" and request.path.endswith("/issues/1/comments") and not landed:
            landed.append(add_comment(fake, MARKER + "\npartial", login=fake.bot_login))  # GitHub acted, then...
            return Fault("status", 502)
        return None

    fake.fault = hook
    row = await deliver(running, send, "issues", issue_event(fake))
    assert row.status == "done"
    [ours] = bot_comments(fake)
    assert ours.id == landed[0].id and "Out of Memory" in ours.body  # adopted, then brought up to date
    assert [w.method for w in writes(fake, "/comments")] == ["POST", "PATCH"]


async def test_a_post_that_never_landed_is_retried_once_checked(env):
    fake, running, send = env
    fake.fault = lambda r: Fault("drop") if r.method == "POST" and r.path.endswith("/comments") and not \
        [x for x in fake.requests if x.method == "POST" and x.path.endswith("/comments") and x.status == 499] \
        else None
    row = await deliver(running, send, "issues", issue_event(fake))
    assert row.status == "done"
    assert len(bot_comments(fake)) == 1
    methods = [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.requests if r.path.endswith("/comments")]
    assert methods[-3:] == [("POST", "comments"), ("GET", "comments"), ("POST", "comments")]
