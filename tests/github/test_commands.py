"""End-to-end tests for bot.github.commands: comments with commands through our server and the fake GitHub."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest

from bot.github import commands
from tests.fakegithub import Fault, payload

REPO = "Codertocat/Hello-World"
CRASH = ["symptom: crash", "symptom: cuda-error", "symptom: oom"]
_times = (f"2026-11-22T23:{m:02d}:00Z" for m in itertools.count(10))


@pytest.fixture(autouse=True)
def _fresh_permission_cache():
    """Each test starts without cached roles (the cache is process-wide)."""
    commands.PERMISSIONS.clear()


@pytest.fixture
async def gh(fake_github, app_server, sender):
    """The fake with issue #1 (labelled by the bot as an OOM crash), its roles, and our running server."""
    fake_github.add_issue(REPO, 1, title="OOM on 7B", body="it crashed", login="reporter", labels=list(CRASH))
    fake_github.repos[REPO.lower()].permissions.update({"maint": "write", "visitor": "read", "helper": "triage"})
    running = await app_server()
    return Harness(fake_github, running, sender(running))


class Harness:
    """Sends comment events built on the real payloads and reads back what the fake saw."""

    def __init__(self, fake, running, send):
        self.fake, self.running, self.sender, self.sent = fake, running, send, 0

    def issue(self):
        """Issue #1 in the fake."""
        return self.fake.repos[REPO.lower()].issues[1]

    def event(self, comment, action="created", previous=None, login=None):
        """An issue_comment payload for a comment of the fake, with the issue as it is now."""
        data = payload(f"issue_comment.{action}")
        issue = self.issue()
        user = {**data["comment"]["user"], "login": login or comment.login, "type": "User"}
        data["comment"] = {**data["comment"], "id": comment.id, "body": comment.body, "user": user,
                           "updated_at": comment.updated_at}
        data["issue"] = {**data["issue"], "number": 1, "title": issue.title, "body": issue.body,
                         "labels": [{"name": n} for n in issue.labels],
                         "user": {**data["issue"]["user"], "login": issue.login}}
        data["sender"] = user
        if previous is not None:
            data["changes"] = {"body": {"from": previous}}
        return data

    async def send(self, event_name, data, recorder):
        """Deliver one event and wait until the server finished it (every router ran)."""
        self.sent += 1
        delivery = f"d-{self.sent}"
        status, _ = await self.sender.send(event_name, data, delivery)
        assert status == 202
        store = self.running.server.store
        for _ in range(500):
            got = store.get(delivery)
            if got is not None and got.status in ("done", "failed"):
                assert got.status == "done", got.last_error
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"delivery {delivery} not handled")

    async def comment(self, body, login, recorder):
        """A new comment by `login`, delivered; returns the fake's comment."""
        c = self.fake.add_comment(REPO, 1, body, login=login)
        c.created_at = c.updated_at = next(_times)
        await self.send("issue_comment", self.event(c), recorder)
        return c

    async def edit(self, c, body, recorder):
        """Edit a comment and deliver issue_comment.edited with changes.body.from."""
        previous, c.body, c.updated_at = c.body, body, next(_times)
        await self.send("issue_comment", self.event(c, "edited", previous), recorder)

    def replies(self):
        """Our replies to commands (not the sticky triage comment)."""
        return [c for c in self.fake.comments(REPO, 1)
                if c.login == self.fake.bot_login and "firstmile:reply" in c.body]

    def writes(self, path_part=""):
        """The non-GET requests our server sent, optionally only those whose path contains `path_part`."""
        return [r for r in self.fake.requests if r.method != "GET" and "/access_tokens" not in r.path
                and path_part in r.path]

    def overrides(self):
        """The overrides stored for issue #1."""
        return self.running.server.store.overrides(REPO, 1)


async def test_write_users_symptom_replaces_the_symptom_labels_and_is_recorded(gh, recorder):
    c = await gh.comment("Thanks, this is really a hang.\n\n/symptom hang", "maint", recorder)
    assert gh.issue().labels == ["symptom: hang"]
    assert c.reactions == [(gh.fake.bot_login, "+1")]
    assert gh.replies() == []
    [record] = gh.overrides()
    assert (record["dimension"], record["login"], record["path"], record["after"]) == (
        "symptom", "maint", ["Hang"], ["symptom: hang"])
    assert record["before"] == CRASH and record["issue"] == f"{REPO}#1" and record["at"] == c.updated_at
    rows = list(gh.running.server.store.export_overrides())
    assert (rows[0]["title"], rows[0]["body"]) == ("OOM on 7B", "it crashed")


async def test_read_user_changes_nothing_and_gets_one_reply_even_if_delivered_twice(gh, recorder):
    c = await gh.comment("/symptom hang", "visitor", recorder)
    await gh.send("issue_comment", gh.event(c), recorder)  # the same comment version under a new delivery id
    assert gh.issue().labels == CRASH
    assert c.reactions == [] and gh.overrides() == []
    [reply] = gh.replies()
    assert "triage access or higher" in reply.body and "`visitor`" in reply.body and "@visitor" not in reply.body
    assert gh.writes("/labels") == []


@pytest.mark.parametrize("body", [
    "```\n/symptom hang\n```",
    "> /symptom hang",
    "Try `/symptom hang` next time",
    "<!--\n/symptom hang\n-->",
])
async def test_commands_in_code_quotes_or_html_do_nothing(gh, recorder, body):
    await gh.comment(body, "maint", recorder)
    assert gh.issue().labels == CRASH
    assert gh.writes() == [] and gh.overrides() == []
    assert not [r for r in gh.fake.requests if "/permission" in r.path]


async def test_an_edit_runs_only_the_commands_it_added(gh, recorder):
    c = await gh.comment("/symptom hang", "maint", recorder)
    gh.issue().labels.append("symptom: oom")  # a maintainer puts a label back by hand
    await gh.edit(c, "/symptom hang\n/stage inference", recorder)
    assert gh.issue().labels == ["symptom: hang", "symptom: oom", "stage: inference"]
    assert [o["dimension"] for o in gh.overrides()] == ["symptom", "stage"]
    await gh.edit(c, "/symptom hang\n/stage inference\n\n(typo fixed)", recorder)  # no new command
    assert len(gh.overrides()) == 2


async def test_after_an_override_editing_the_issue_keeps_the_humans_label(gh, recorder):
    await gh.comment("/symptom hang", "maint", recorder)
    issue = gh.issue()
    issue.body = "CUDA out of memory. Tried to allocate 2.00 GiB\ntorch.cuda.OutOfMemoryError: CUDA out of memory."
    data = payload("issues.edited")
    data["issue"] = {**data["issue"], "number": 1, "title": issue.title, "body": issue.body,
                     "labels": [{"name": n} for n in issue.labels]}
    await gh.send("issues", data, recorder)
    assert "symptom: hang" in gh.issue().labels
    assert not set(CRASH) & set(gh.issue().labels)


async def test_unknown_label_is_reported_with_help_before_permission(gh, recorder):
    await gh.comment("/label add no-such-label", "visitor", recorder)
    [reply] = gh.replies()
    assert "There is no label `no-such-label`" in reply.body and "firstmile commands" in reply.body
    assert "triage access or higher (" not in reply.body.split("<details>")[0]
    assert gh.issue().labels == CRASH


async def test_label_edit_and_help_need_no_comment_but_help_does(gh, recorder):
    c = await gh.comment('/label -"symptom: oom" +"symptom: crash"', "helper", recorder)
    assert gh.issue().labels == ["symptom: crash", "symptom: cuda-error"]
    assert c.reactions == [(gh.fake.bot_login, "+1")] and gh.replies() == []
    assert [o["dimension"] for o in gh.overrides()] == ["symptom"]
    await gh.comment("/firstmile help", "someone", recorder)
    [reply] = gh.replies()
    assert "| Command |" in reply.body
    assert [r.path for r in gh.fake.requests if "/permission" in r.path] == [
        f"/repos/{REPO}/collaborators/helper/permission"]


async def test_mention_form_and_permission_cache(gh, recorder):
    await gh.comment('@firstmile-test label -"symptom: oom"', "maint", recorder)
    await gh.comment("/stage fine-tuning", "maint", recorder)
    assert gh.issue().labels == ["symptom: crash", "symptom: cuda-error", "stage: fine-tuning"]
    assert len([r for r in gh.fake.requests if "/permission" in r.path]) == 1


async def test_bots_and_the_app_itself_are_ignored(gh, recorder):
    await gh.comment("/symptom hang", gh.fake.bot_login, recorder)
    await gh.comment("/symptom hang", "dependabot[bot]", recorder)
    assert gh.issue().labels == CRASH and gh.writes() == []


async def test_issue_author_may_retriage_but_not_relabel(gh, recorder):
    c = await gh.comment("/triage", "reporter", recorder)
    assert c.reactions == [(gh.fake.bot_login, "+1")] and gh.replies() == []
    await gh.comment("/symptom hang", "reporter", recorder)
    assert len(gh.replies()) == 1 and gh.issue().labels == CRASH


async def test_a_reply_that_github_made_before_failing_is_not_posted_again(gh, recorder):
    failed = []

    def acted_then_failed(request):
        """GitHub stores the comment, then answers 502 (what a blind retry would duplicate)."""
        if request.method == "POST" and request.path.endswith("/issues/1/comments") and not failed:
            failed.append(True)
            gh.fake.add_comment(REPO, 1, json.loads(request._read_bytes)["body"], login=gh.fake.bot_login)
            return Fault("status", 502)
        return None

    gh.fake.fault = acted_then_failed
    await gh.comment("/symptom hang", "visitor", recorder)
    assert failed and len(gh.replies()) == 1
