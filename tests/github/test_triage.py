"""End-to-end tests for bot.github.triage: real server, stateful fake GitHub, real payloads, synthetic LLM issues."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.core.render import MARKER, visible_part
from tests.fakegithub import Fault, payload, schedule
from tests.github.triagekit import (
    ENV_REPLY,
    FEATURE_BODY,
    FEATURE_TITLE,
    HANG_BODY,
    HANG_TITLE,
    OOM_BODY,
    OOM_LABELS,
    OOM_SUGGESTED,
    OOM_TITLE,
    REPO,
    add_comment,
    bot_comments,
    comment_event,
    deliver,
    expected_labels,
    issue_event,
    label_event,
    writes,
)




def labels_of(fake, number=1):
    """The issue's labels in the fake."""
    return fake.repos[REPO.lower()].issues[number].labels


async def test_opened_gets_labels_needs_info_and_one_comment(env):
    fake, running, send = env
    row = await deliver(running, send, "issues", issue_event(fake))
    assert row.status == "done"
    assert labels_of(fake) == [*OOM_LABELS, "needs-info", *OOM_SUGGESTED]
    [comment] = bot_comments(fake)
    assert comment.body.startswith(MARKER) and "Out of Memory" in comment.body
    shown = visible_part(comment.body)  # generic OOM advice stays in the details; the GPU count is what settles it
    assert "number of GPUs" in shown and "GPU model" not in shown and "PYTORCH_CUDA_ALLOC_CONF" not in shown
    state = await running.server.store.issue_state(REPO, 1)
    assert state.comment_id == comment.id
    assert sorted(state.bot_applied) == sorted([*OOM_LABELS, "needs-info"])
    assert state.decision["symptom"] == "Crash - CUDA Error - Out of Memory"
    created = {label["name"]: label for label in fake.repos[REPO.lower()].labels.values()}
    assert created["symptom: oom"]["color"] == "ee8a94" and "out of memory" in created["symptom: oom"]["description"]


async def test_a_report_lacking_what_settles_it_gets_needs_info_once_and_never_again_after_removal(env):
    fake, running, send = env
    issue = fake.repos[REPO.lower()].issues[1]
    issue.title, issue.body = HANG_TITLE, HANG_BODY
    fake.repos[REPO.lower()].files[".github/firstmile.yml"] = b"suggest_below: 0.99\n"
    await deliver(running, send, "issues", issue_event(fake))
    [post] = [r for r in writes(fake, "/issues/1/labels") if r.method == "POST"]
    assert "needs-info" in post.body["labels"]  # a fact, not a guess: applied even with every label a suggestion
    [comment] = bot_comments(fake)
    assert "stack dump" in comment.body and "py-spy dump" in comment.body
    labels_of(fake).remove("needs-info")
    await deliver(running, send, "issues", label_event(fake, "needs-info", "maintainer", "unlabeled"))
    issue.body = HANG_BODY + "\nIt also happens with a shorter prompt."
    await deliver(running, send, "issues", issue_event(fake, "edited"))
    assert "needs-info" not in labels_of(fake)


async def test_reopened_is_triaged_too(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake, "reopened"))
    assert labels_of(fake)[:len(OOM_LABELS)] == OOM_LABELS
    assert len(bot_comments(fake)) == 1


async def test_redelivery_and_same_event_under_new_id_never_duplicate(env):
    fake, running, send = env
    data = issue_event(fake)
    await deliver(running, send, "issues", data, "first")
    before = len(writes(fake))
    assert (await send.send("issues", data, "first"))[1] == {"status": "duplicate"}
    await deliver(running, send, "issues", data, "second")  # the same event under a new delivery id
    await deliver(running, send, "issues", issue_event(fake, "reopened"))
    assert len(bot_comments(fake)) == 1
    assert len(writes(fake)) == before  # nothing changed, so nothing was written


async def test_opened_and_edited_together_give_one_comment(env):
    fake, running, send = env
    fake.repos[REPO.lower()].issues[1].body = OOM_BODY + "\n\n" + ENV_REPLY
    await asyncio.gather(send.send("issues", issue_event(fake, body=OOM_BODY), "o"),
                         send.send("issues", issue_event(fake, "edited"), "e"))
    for _ in range(500):
        rows = [await running.server.store.get(i) for i in ("o", "e")]
        if all(r.status == "done" for r in rows):
            break
        await asyncio.sleep(0.01)
    assert len(bot_comments(fake)) == 1
    assert "needs-info" not in labels_of(fake)


async def test_edit_that_supplies_the_facts_updates_the_comment_and_removes_needs_info(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake))
    [first] = bot_comments(fake)
    asked = first.body
    fake.repos[REPO.lower()].issues[1].body = OOM_BODY + "\n\n" + ENV_REPLY
    await deliver(running, send, "issues", issue_event(fake, "edited"))
    [after] = bot_comments(fake)
    assert after.id == first.id and after.body != asked
    assert "RTX 4090" in after.body and "please add" not in after.body
    edited = OOM_BODY + "\n\n" + ENV_REPLY
    assert labels_of(fake) == [*expected_labels(OOM_TITLE, edited), *expected_labels(OOM_TITLE, edited, "suggested_labels")]
    assert "needs-info" not in (await running.server.store.issue_state(REPO, 1)).bot_applied


async def test_anyones_comment_with_the_facts_removes_needs_info(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake))
    reply = add_comment(fake, ENV_REPLY, login="someone-else")
    await deliver(running, send, "issue_comment", comment_event(fake, reply))
    assert "needs-info" not in labels_of(fake)
    assert "RTX 4090" in bot_comments(fake)[0].body
    # the same comment version again under a new delivery id: nothing at all happens
    before = len(fake.requests)
    await deliver(running, send, "issue_comment", comment_event(fake, reply))
    assert len(fake.requests) == before


async def test_comments_by_bots_are_ignored(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake))
    before = len(fake.requests)
    ours = bot_comments(fake)[0]
    await deliver(running, send, "issue_comment", comment_event(fake, ours, bot=True))
    other = add_comment(fake, ENV_REPLY, login="ci-helper[bot]")
    labels = list(labels_of(fake))
    await deliver(running, send, "issue_comment", comment_event(fake, other, bot=True))
    assert len(fake.requests) == before and labels_of(fake) == labels


async def test_never_re_adds_a_label_a_human_removed(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake))
    labels_of(fake).remove("stage: inference")  # a label the bot applied (the model is sure of it)
    await deliver(running, send, "issues", label_event(fake, "stage: inference", "maintainer", "unlabeled"))
    fake.repos[REPO.lower()].issues[1].body = OOM_BODY + "\nIt also happens with a shorter prompt."
    await deliver(running, send, "issues", issue_event(fake, "edited"))
    assert "stage: inference" not in labels_of(fake)
    assert "symptom: oom" in labels_of(fake)


async def test_never_removes_a_label_a_human_added_and_removes_only_its_own(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake))
    labels_of(fake).append("stage: fine-tuning")
    await deliver(running, send, "issues", label_event(fake, "stage: fine-tuning", "maintainer"))
    labels_of(fake).append("symptom: hang")  # another tool's label, never seen as ours
    # the issue is rewritten into something else entirely: the bot withdraws only what it added
    fake.repos[REPO.lower()].issues[1].title = FEATURE_TITLE
    fake.repos[REPO.lower()].issues[1].body = FEATURE_BODY
    await deliver(running, send, "issues", issue_event(fake, "edited"))
    assert "stage: fine-tuning" in labels_of(fake) and "symptom: hang" in labels_of(fake)
    assert "symptom: oom" not in labels_of(fake)
    assert len(bot_comments(fake)) == 1


async def test_our_own_label_events_do_not_count_as_human(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake))
    await deliver(running, send, "issues", label_event(fake, "symptom: oom", fake.bot_login))
    state = await running.server.store.issue_state(REPO, 1)
    assert state.human_added == [] and "symptom: oom" in state.bot_applied


@pytest.mark.parametrize("change, reason", [
    ({"pull_request": {"url": "x"}}, "a pull request"),
    ({"user": {"login": "dependabot[bot]", "type": "Bot"}}, "opened by a bot"),
    ({"labels": [{"name": "duplicate"}]}, "has a skip label"),
    ({"state": "closed", "action": "edited"}, "closed"),
])
async def test_skips_pull_requests_bots_and_skip_labels(env, change, reason, caplog):
    fake, running, send = env
    caplog.set_level(logging.INFO, logger="bot.github.triage")
    change = dict(change)
    await deliver(running, send, "issues", issue_event(fake, change.pop("action", "opened"), **change))
    assert writes(fake) == [] and bot_comments(fake) == []
    assert f"skipped ({reason})" in caplog.text


async def test_a_feature_request_gets_its_kind_label_and_no_comment(env):
    fake, running, send = env
    fake.add_issue(REPO, 2, title=FEATURE_TITLE, body=FEATURE_BODY)
    await deliver(running, send, "issues", issue_event(fake, number=2))
    assert labels_of(fake, 2) == ["feature"] and bot_comments(fake) == []


async def test_gone_issue_is_logged_not_failed(env, caplog):
    fake, running, send = env
    data = issue_event(fake)
    del fake.repos[REPO.lower()].issues[1]
    row = await deliver(running, send, "issues", data)
    assert row.status == "done" and "not found on GitHub" in caplog.text


async def test_giving_up_records_a_retry_and_fails_the_delivery(fake_github, app_server, sender, caplog):
    fake_github.add_issue(REPO, 1, title=OOM_TITLE, body=OOM_BODY)
    running = await app_server(github_retry_seconds=0.3)
    fake_github.fault = schedule(*[Fault("status", 502)] * 50, match=lambda r: r.method == "POST"
                                 and r.path.endswith("/issues/1/labels"))
    row = await deliver(running, sender(running), "issues", issue_event(fake_github), "doomed")
    assert row.status == "failed" and "GitHubBroken" in row.last_error
    [retry] = await running.server.store.retries()
    assert (retry["repo"], retry["number"], retry["delivery_id"], retry["event"]) == (REPO, 1, "doomed",
                                                                                    "issues.opened")
    assert "gave up" in caplog.text
    assert bot_comments(fake_github) == []


async def test_rate_limits_and_5xx_are_waited_out(fake_github, app_server, sender):
    fake_github.add_issue(REPO, 1, title=OOM_TITLE, body=OOM_BODY)
    running = await app_server()
    fake_github.fault = schedule(Fault("secondary", retry_after=0), Fault("status", 502), Fault("primary",
                                 retry_after=0), match=lambda r: r.method == "POST")
    row = await deliver(running, sender(running), "issues", issue_event(fake_github))
    assert row.status == "done"
    assert len(bot_comments(fake_github)) == 1 and "symptom: oom" in labels_of(fake_github)


async def test_low_confidence_labels_become_github_label_suggestions(env):
    fake, running, send = env
    fake.repos[REPO.lower()].files[".github/firstmile.yml"] = b"suggest_below: 0.99\n"
    await deliver(running, send, "issues", issue_event(fake))
    [post] = [r for r in writes(fake, "/issues/1/labels") if r.method == "POST"]
    suggested = [x for x in post.body["labels"] if isinstance(x, dict)]
    assert "cause: resources" in {x["name"] for x in suggested}  # below 0.99; one level per dimension (levels)
    assert all(x["suggest"] is True and x["confidence"] in ("low", "medium", "high") and x["rationale"]
               for x in suggested)
    assert "cause: resources" not in (await running.server.store.issue_state(REPO, 1)).bot_applied


async def test_human_override_shows_in_the_comment_and_survives_edits(env):
    fake, running, send = env
    fake.repos[REPO.lower()].permissions["maint"] = "write"
    await deliver(running, send, "issues", issue_event(fake))
    command = add_comment(fake, "This is really a hang.\n\n/symptom hang", login="maint")
    await deliver(running, send, "issue_comment", comment_event(fake, command))
    assert "symptom: hang" in labels_of(fake) and "symptom: oom" not in labels_of(fake)
    [ours] = bot_comments(fake)
    assert "`maint`" in ours.body and "@maint" not in ours.body and "Hang" in ours.body
    fake.repos[REPO.lower()].issues[1].body = OOM_BODY + "\nStill failing."
    await deliver(running, send, "issues", issue_event(fake, "edited"))
    assert "symptom: oom" not in labels_of(fake) and "symptom: hang" in labels_of(fake)
    assert len(bot_comments(fake)) == 1 and "`maint`" in bot_comments(fake)[0].body


async def test_refresh_reads_the_issue_when_not_given(env):
    from bot.github import triage
    from bot.github.context import AppContext

    fake, running, send = env
    server = running.server
    gh = await server.client_for(1)
    ctx = AppContext(settings=server.settings, store=server.store, metrics=server.metrics, slug=server.slug,
                     bot_login=server.bot_login, dry_run=False, api_url=server.settings.github_api_url,
                     installation_id=1, ruleset=server.ruleset, classifier=server.classifier, caches=server.caches)
    await triage.refresh(gh, ctx, "Codertocat", "Hello-World", 1)
    assert len(bot_comments(fake)) == 1 and "symptom: oom" in labels_of(fake)
    assert any(r.method == "GET" and r.path == f"/repos/{REPO}/issues/1" for r in fake.requests)


async def test_dry_run_without_credentials_touches_nothing(fake_github, app_server, sender, caplog):
    fake_github.add_issue(REPO, 1, title=OOM_TITLE, body=OOM_BODY)
    running = await app_server(app_id="", private_key=None)
    caplog.set_level(logging.INFO, logger="bot.github.triage")
    await deliver(running, sender(running), "issues", issue_event(fake_github))
    assert fake_github.requests == []
    assert "shadow: would add" in caplog.text


async def test_a_comment_on_an_issue_never_seen_reads_the_thread_once(env):
    fake, running, send = env
    first = add_comment(fake, "Same here with the 14B model.", login="someone")
    second = add_comment(fake, ENV_REPLY, login="reporter")
    await deliver(running, send, "issue_comment", comment_event(fake, second))
    lists = [r for r in fake.requests if r.method == "GET" and r.path.endswith("/issues/1/comments")]
    assert len(lists) == 1
    state = await running.server.store.issue_state(REPO, 1)
    assert [c["id"] for c in state.comments] == [first.id, second.id]
    assert "needs-info" not in labels_of(fake) and bot_comments(fake) == []  # the reply settled it: nothing to say


async def test_installation_events_cost_nothing(env):
    fake, running, send = env
    await deliver(running, send, "installation", payload("installation.created"))
    await deliver(running, send, "installation_repositories", payload("installation_repositories.added"))
    assert [r for r in fake.requests if not r.path.startswith("/app")] == []
