"""End-to-end tests for bot.github.commands: comments with commands through our server and the fake GitHub."""

from __future__ import annotations

import asyncio
import itertools
import logging
import json

import pytest

from bot.__main__ import main
from bot.github import commands
from tests.fakegithub import Fault, payload
from tests.fakegithub.server import schedule

REPO = "Codertocat/Hello-World"
CRASH = ["symptom: oom"]
"""The deepest sure symptom: the label the bot applies by default."""
CHAIN = ["symptom: crash", "symptom: cuda-error", "symptom: oom"]
"""A human's leaf override labels its whole path."""
_times = (f"2026-11-22T23:{m:02d}:00Z" for m in itertools.count(10))


@pytest.fixture(autouse=True)
def _fresh_permission_cache():
    """Each test starts without cached roles (the cache is process-wide)."""
    commands.PERMISSIONS.clear()


OOM = "Loading a 7B model.\n\ntorch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"


@pytest.fixture
async def gh(fake_github, app_server, sender):
    """Issue #1 as the bot triaged it (an OOM crash), the collaborators' roles, and our running server."""
    fake_github.add_issue(REPO, 1, title="OOM on 7B", body=OOM, login="reporter")
    fake_github.repos[REPO.lower()].permissions.update({"maint": "write", "visitor": "read", "helper": "triage"})
    running = await app_server()
    harness = Harness(fake_github, running, sender(running))
    await harness.send("issues", harness.issue_event("opened"))
    assert harness.symptoms() == CRASH
    return harness


class Harness:
    """Sends comment events built on the real payloads and reads back what the fake saw."""

    def __init__(self, fake, running, send):
        self.fake, self.running, self.sender, self.sent = fake, running, send, 0

    def issue(self):
        """Issue #1 in the fake."""
        return self.fake.repos[REPO.lower()].issues[1]

    def symptoms(self):
        """Issue #1's symptom labels."""
        return [n for n in self.issue().labels if n.startswith("symptom:")]

    def issue_event(self, action):
        """An issues payload for issue #1 as it is now."""
        data = payload(f"issues.{action}")
        issue = self.issue()
        data["issue"] = {**data["issue"], "number": 1, "title": issue.title, "body": issue.body,
                         "labels": [{"name": n} for n in issue.labels],
                         "user": {**data["issue"]["user"], "login": issue.login}}
        return data

    def event(self, comment, action="created", previous=None, login=None):
        """An issue_comment payload for a comment of the fake, with the issue as it is now."""
        data = payload(f"issue_comment.{action}")
        issue = self.issue()
        user = {**data["comment"]["user"], "login": login or comment.login, "type": "User"}
        data["comment"] = {**data["comment"], "id": comment.id, "body": comment.body, "user": user,
                           "updated_at": comment.updated_at}
        data["issue"] = {**data["issue"], "number": 1, "title": issue.title, "body": issue.body,
                         "labels": [{"name": n} for n in issue.labels],
                         "user": {**data["issue"]["user"], "login": issue.login}, "comments": 0}
        data["sender"] = user
        if previous is not None:
            data["changes"] = {"body": {"from": previous}}
        return data

    async def send(self, event_name, data, expect="done"):
        """Deliver one event and wait until the server finished it (every router ran) with status `expect`."""
        self.sent += 1
        delivery = f"d-{self.sent}"
        status, _ = await self.sender.send(event_name, data, delivery)
        assert status == 202
        store = self.running.server.store
        for _ in range(500):
            got = await store.get(delivery)
            if got is not None and got.status in ("done", "failed"):
                assert got.status == expect, got.last_error
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"delivery {delivery} not handled")

    async def comment(self, body, login):
        """A new comment by `login`, delivered; returns the fake's comment."""
        c = self.fake.add_comment(REPO, 1, body, login=login)
        c.created_at = c.updated_at = next(_times)
        await self.send("issue_comment", self.event(c))
        return c

    async def edit(self, c, body):
        """Edit a comment and deliver issue_comment.edited with changes.body.from."""
        previous, c.body, c.updated_at = c.body, body, next(_times)
        await self.send("issue_comment", self.event(c, "edited", previous))

    def replies(self):
        """Our replies to commands (not the sticky triage comment)."""
        return [c for c in self.fake.comments(REPO, 1)
                if c.login == self.fake.bot_login and "firstmile:reply" in c.body]

    def of(self, prefix):
        """Issue #1's labels that start with `prefix`."""
        return [n for n in self.issue().labels if n.startswith(prefix)]

    def permission_calls(self):
        """The permission lookups our server made."""
        return [r.path for r in self.fake.requests if r.path.endswith("/permission")]

    async def overrides(self):
        """The overrides stored for issue #1."""
        return await self.running.server.store.overrides(REPO, 1)


async def test_write_users_symptom_replaces_the_symptom_labels_and_is_recorded(gh):
    c = await gh.comment("Thanks, this is really a hang.\n\n/symptom hang", "maint")
    assert gh.symptoms() == ["symptom: hang"]
    assert c.reactions == [(gh.fake.bot_login, "+1")]
    assert gh.replies() == []
    [record] = (await gh.overrides())
    assert (record["dimension"], record["login"], record["path"], record["after"]) == (
        "symptom", "maint", ["Hang"], ["symptom: hang"])
    assert record["before"] == CRASH and record["corrects_bot"] is True
    # the cause is re-decided given the human's symptom (its prior is P(cause | Hang)); the OOM error itself
    # still points at GPU memory, so that cause may stay
    assert record["bot_path"] == ["Crash", "CUDA Error", "Out of Memory"] and record["bot_confidence"] > 0
    assert (record["issue"], record["at"]) == (f"{REPO}#1", c.updated_at)
    rows = list(await gh.running.server.store.export_overrides())
    assert (rows[0]["title"], rows[0]["body"]) == ("OOM on 7B", OOM)
    sticky = [x for x in gh.fake.comments(REPO, 1) if x.login == gh.fake.bot_login and x not in gh.replies()]
    assert sticky and "maint" in sticky[-1].body and "@maint" not in sticky[-1].body  # the correction, no ping


async def test_the_bots_other_dimensions_are_re_decided_given_a_human_symptom(fake_github, app_server, sender,
                                                                             tmp_path):
    body = "I launch torchrun --nproc_per_node 4 train.py on 4 GPUs; after step 1 nothing more is printed."
    fake_github.add_issue(REPO, 1, title="Training with torchrun", body=body, login="reporter")
    fake_github.repos[REPO.lower()].permissions.update({"maint": "write"})
    running = await app_server()
    gh = Harness(fake_github, running, sender(running))
    await gh.send("issues", gh.issue_event("opened"))
    assert gh.symptoms() == [] and gh.of("cause:") == []
    await gh.comment("/symptom hang", "maint")
    assert gh.symptoms() == ["symptom: hang"]
    assert gh.of("cause:") == ["cause: distributed"]  # the deepest level the decision model is sure of
    decision = (await running.server.store.issue_state(REPO, 1)).decision
    assert decision["symptom"] == "Hang"
    assert decision["likely"]["root_cause"]["path"].startswith("Distributed and Parallel Computing Issues")
    out = tmp_path / "overrides.jsonl"  # the training export has what the bot last showed, not its first guess
    argv = ["overrides", "export", "--database-url", running.server.settings.database_url, "-o", str(out)]
    assert await asyncio.to_thread(main, argv) == 0  # the CLI runs its own event loop
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    if decision["root_cause"] is None:  # only suggested: the training export keeps known labels only
        assert rows == []
    else:
        assert [row["labels"] for row in rows] == [[{d: decision[d] for d in ("symptom", "root_cause", "stage")}]]


async def test_read_user_changes_nothing_and_gets_one_reply_even_if_delivered_twice(gh):
    c = await gh.comment("/symptom hang", "visitor")
    await gh.send("issue_comment", gh.event(c))  # the same comment version under a new delivery id
    assert gh.symptoms() == CRASH
    assert c.reactions == [] and (await gh.overrides()) == []
    [reply] = gh.replies()
    assert "triage access or higher" in reply.body and "`visitor`" in reply.body and "@visitor" not in reply.body


@pytest.mark.parametrize("body", [
    "```\n/symptom hang\n```",
    "> /symptom hang",
    "Try `/symptom hang` next time",
    "<!--\n/symptom hang\n-->",
])
async def test_commands_in_code_quotes_or_html_do_nothing(gh, body):
    c = await gh.comment(body, "maint")
    assert gh.symptoms() == CRASH
    assert c.reactions == [] and gh.replies() == [] and (await gh.overrides()) == []
    assert gh.permission_calls() == []


async def test_an_edit_runs_only_the_commands_it_added(gh):
    c = await gh.comment("/symptom hang", "maint")
    gh.issue().labels.append("symptom: oom")  # the maintainer puts a label back by hand
    labeled = gh.issue_event("labeled") | {"label": {"name": "symptom: oom"}, "sender": {"login": "maint"}}
    await gh.send("issues", labeled)
    await gh.edit(c, "/symptom hang\n/stage fine-tuning")
    assert gh.symptoms() == ["symptom: hang", "symptom: oom"]
    assert gh.of("stage:") == ["stage: fine-tuning"]
    assert [o["dimension"] for o in (await gh.overrides())] == ["symptom", "stage"]
    await gh.edit(c, "/symptom hang\n/stage fine-tuning\n\n(typo fixed)")  # no new command
    assert len((await gh.overrides())) == 2 and gh.symptoms() == ["symptom: hang", "symptom: oom"]


async def test_after_an_override_editing_the_issue_keeps_the_humans_label(gh):
    await gh.comment("/symptom hang", "maint")
    gh.issue().body = OOM + "\n\nStill: torch.cuda.OutOfMemoryError: CUDA out of memory."
    await gh.send("issues", gh.issue_event("edited"))
    assert gh.symptoms() == ["symptom: hang"]


async def test_unknown_label_is_reported_with_help_before_permission(gh):
    await gh.comment("/label add no-such-label", "visitor")
    [reply] = gh.replies()
    assert "There is no label `no-such-label`" in reply.body and "firstmile commands" in reply.body
    assert "you have read access" not in reply.body
    assert gh.symptoms() == CRASH


async def test_label_edit_needs_no_comment_but_help_does(gh):
    c = await gh.comment('/label -"symptom: oom"', "helper")
    assert gh.symptoms() == []  # the bot applied only the deepest level; the human removed it
    assert c.reactions == [(gh.fake.bot_login, "+1")] and gh.replies() == []
    [record] = (await gh.overrides())
    assert record["dimension"] == "symptom" and not record["path"]
    await gh.comment("/firstmile help", "someone")
    [reply] = gh.replies()
    assert "| Command |" in reply.body
    assert gh.permission_calls() == [f"/repos/{REPO}/collaborators/helper/permission"]


async def test_mention_form_and_permission_cache(gh):
    await gh.comment('@firstmile-test label -"symptom: oom"', "maint")
    await gh.comment("/stage fine-tuning", "maint")
    assert gh.symptoms() == []
    assert gh.of("stage:") == ["stage: fine-tuning"]
    assert len(gh.permission_calls()) == 1


async def test_bots_and_the_app_itself_are_ignored(gh):
    for login in (gh.fake.bot_login, "dependabot[bot]"):
        c = await gh.comment("/symptom hang", login)
        assert c.reactions == []
    assert gh.symptoms() == CRASH and gh.replies() == [] and gh.permission_calls() == []


async def test_issue_author_may_retriage_but_not_relabel(gh):
    c = await gh.comment("/triage", "reporter")
    assert c.reactions == [(gh.fake.bot_login, "+1")] and gh.replies() == []
    await gh.comment("/symptom hang", "reporter")
    assert len(gh.replies()) == 1 and gh.symptoms() == CRASH


async def test_a_reply_that_github_made_before_failing_is_not_posted_again(gh):
    failed = []

    def acted_then_failed(request):
        """GitHub stores our reply, then answers 502 (what a blind retry would duplicate)."""
        if request.method == "POST" and request.path.endswith("/issues/1/comments") and not failed:
            body = json.loads(request._read_bytes)["body"]
            if "firstmile:reply" in body:
                failed.append(True)
                gh.fake.add_comment(REPO, 1, body, login=gh.fake.bot_login)
                return Fault("status", 502)
        return None

    gh.fake.fault = acted_then_failed
    await gh.comment("/symptom hang", "visitor")
    assert failed and len(gh.replies()) == 1


async def test_an_edit_runs_with_the_editors_role_not_the_authors(gh):
    c = await gh.comment("thanks", "visitor")
    previous, c.body, c.updated_at = c.body, "thanks\n/symptom hang", next(_times)
    await gh.send("issue_comment", gh.event(c, "edited", previous) | {"sender": {"login": "maint", "type": "User"}})
    assert gh.symptoms() == ["symptom: hang"] and (await gh.overrides())[0]["login"] == "maint"


async def test_info_ok_removes_needs_info_for_good(gh):
    gh.issue().body = "model.generate() hangs forever and never returns; GPU utilisation stays at 100%."
    await gh.send("issues", gh.issue_event("edited"))
    assert "needs-info" in gh.issue().labels  # the bot asked for a stack dump the hang report does not give
    c = await gh.comment("/info-ok", "helper")
    assert "needs-info" not in gh.issue().labels and c.reactions == [(gh.fake.bot_login, "+1")]
    assert [o["dimension"] for o in (await gh.overrides())] == ["needs_info"]
    await gh.send("issues", gh.issue_event("edited"))
    assert "needs-info" not in gh.issue().labels


async def test_a_command_comment_is_triaged_once(gh, caplog):
    caplog.set_level("INFO", logger="bot.github.triage")
    caplog.clear()  # the opening triage
    c = await gh.comment("torch 2.3.1 here.\n\n/symptom hang", "maint")
    passes = [r for r in caplog.records if r.getMessage().startswith(f"{REPO}#1: triaged")]
    assert len(passes) == 1  # the command's refresh, which also read the comment's facts
    assert any(x["id"] == c.id for x in (await gh.running.server.store.issue_state(REPO, 1)).comments)
    assert gh.symptoms() == ["symptom: hang"]


async def test_a_leaf_override_labels_its_whole_path(gh):
    await gh.comment("/symptom hang", "maint")
    await gh.comment("/symptom out of memory", "maint")
    assert sorted(gh.symptoms()) == sorted(CHAIN)
    assert (await gh.overrides())[-1]["after"] == CHAIN


async def test_commands_on_a_pull_request_do_nothing(gh):
    c = gh.fake.add_comment(REPO, 1, "/symptom hang", login="maint")
    data = gh.event(c)
    data["issue"]["pull_request"] = {"url": f"https://api.github.com/repos/{REPO}/pulls/1"}
    await gh.send("issue_comment", data)
    assert gh.symptoms() == CRASH and (await gh.overrides()) == [] and gh.permission_calls() == []


async def test_an_edit_that_leaves_the_body_alone_runs_nothing(gh):
    c = gh.fake.add_comment(REPO, 1, "/symptom hang", login="maint")
    data = gh.event(c, "edited")
    data["changes"] = {}  # GitHub sends `changes` without `body` when nothing of the text changed
    await gh.send("issue_comment", data)
    assert gh.symptoms() == CRASH and (await gh.overrides()) == [] and gh.permission_calls() == []


@pytest.mark.parametrize("config, logged", [
    ("enabled: false\n", "commands ignored (disabled by .github/firstmile.yml)"),
    ("mode: shadow\n", "shadow: commands of comment"),
])
async def test_a_disabled_or_shadow_repo_runs_no_command(fake_github, app_server, sender, caplog, config, logged):
    fake_github.add_issue(REPO, 1, title="OOM on 7B", body=OOM, login="reporter")
    fake_github.repos[REPO.lower()].permissions.update({"maint": "write"})
    fake_github.repos[REPO.lower()].files[".github/firstmile.yml"] = config.encode()
    caplog.set_level(logging.INFO)
    running = await app_server()
    gh = Harness(fake_github, running, sender(running))
    c = await gh.comment("/symptom hang", "maint")
    assert gh.issue().labels == [] and c.reactions == [] and gh.replies() == []
    assert logged in caplog.text
    assert await running.server.store.overrides(REPO, 1) == []


def _triage_passes(caplog):
    """The triage passes logged for issue #1."""
    return [r for r in caplog.records if r.getMessage().startswith(f"{REPO}#1: triaged")]


async def test_a_comment_redelivered_under_a_new_id_runs_its_commands_once_and_is_triaged_once(gh, caplog):
    caplog.set_level("INFO", logger="bot.github.triage")
    caplog.clear()  # the opening triage
    c = await gh.comment("torch 2.3.1 here.\n\n/symptom hang", "maint")
    await gh.send("issue_comment", gh.event(c))  # the same comment version, a new delivery id
    assert len(_triage_passes(caplog)) == 1
    assert len(await gh.overrides()) == 1 and c.reactions == [(gh.fake.bot_login, "+1")]
    plain = await gh.comment("Same with torch 2.4.", "visitor")
    await gh.send("issue_comment", gh.event(plain))
    assert len(_triage_passes(caplog)) == 2 and gh.replies() == []


async def test_a_failed_retriage_after_stored_overrides_does_not_store_them_twice(gh, caplog):
    caplog.set_level("INFO", logger="bot.github.triage")
    sticky_edit = lambda r: r.method == "PATCH" and "/issues/comments/" in r.path  # noqa: E731
    gh.fake.fault = schedule(Fault("status", 422), match=sticky_edit)  # the re-triage's comment edit fails once
    c = gh.fake.add_comment(REPO, 1, "/symptom hang", login="maint")
    c.created_at = c.updated_at = next(_times)
    await gh.send("issue_comment", gh.event(c), expect="failed")
    assert len(await gh.overrides()) == 1 and gh.symptoms() == ["symptom: hang"]
    caplog.clear()
    await gh.send("issue_comment", gh.event(c))  # delivered again: the commands are not stored twice
    assert len(await gh.overrides()) == 1 and gh.symptoms() == ["symptom: hang"]
    assert len(_triage_passes(caplog)) == 1 and len(gh.replies()) == 0
