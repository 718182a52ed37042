"""Tests for bot.github.labels: taxonomy labels created once per repo with their colour, then cached."""

from __future__ import annotations

import pytest

from tests.github.triagekit import OOM_BODY, OOM_TITLE, REPO, deliver, issue_event, writes


@pytest.fixture
async def env(fake_github, app_server, sender):
    """Three OOM issues in a repo without labels, and our running server."""
    for n in (1, 2, 3):
        fake_github.add_issue(REPO, n, title=OOM_TITLE, body=OOM_BODY)
    running = await app_server()
    return fake_github, running, sender(running)


def repo_labels(fake) -> dict:
    """The repo's labels by name."""
    return {label["name"]: label for label in fake.repos[REPO.lower()].labels.values()}


def label_lists(fake) -> int:
    """How many times the repo's labels were listed."""
    return sum(r.method == "GET" and r.path == f"/repos/{REPO}/labels" for r in fake.requests)


async def test_missing_labels_are_created_once_with_taxonomy_colours(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake, number=1))
    created = [r.body["name"] for r in writes(fake, f"/repos/{REPO}/labels")]
    assert "symptom: oom" in created and "stage: inference" in created
    assert repo_labels(fake)["symptom: oom"]["color"] == "ee8a94"
    assert repo_labels(fake)["symptom: oom"]["description"]
    await deliver(running, send, "issues", issue_event(fake, number=2))
    assert label_lists(fake) == 1
    # nothing created again; #2 repeats #1 word for word, so the one new label is possible-duplicate (related issues)
    assert [r.body["name"] for r in writes(fake, f"/repos/{REPO}/labels")] == [*created, "possible-duplicate"]


async def test_existing_labels_are_not_created_and_case_is_ignored(env):
    fake, running, send = env
    for name in ["Symptom: Crash", "symptom: cuda-error", "symptom: oom", "cause: resources", "cause: gpu-memory",
                 "stage: inference", "needs-info"]:
        fake._label(fake.repos[REPO.lower()], name)
    await deliver(running, send, "issues", issue_event(fake, number=1))
    assert writes(fake, f"/repos/{REPO}/labels") == []


async def test_create_labels_off_applies_only_labels_that_exist(env):
    fake, running, send = env
    fake.repos[REPO.lower()].files[".github/firstmile.yml"] = b"create_labels: false\n"
    fake._label(fake.repos[REPO.lower()], "symptom: oom")
    await deliver(running, send, "issues", issue_event(fake, number=1))
    assert writes(fake, f"/repos/{REPO}/labels") == []
    assert fake.repos[REPO.lower()].issues[1].labels == ["symptom: oom"]


async def test_a_label_created_meanwhile_is_fine(env):
    fake, running, send = env
    await deliver(running, send, "issues", issue_event(fake, number=1))
    running.server.caches["labels"][REPO.lower()].discard("symptom: oom")  # the cache missed a change
    await deliver(running, send, "issues", issue_event(fake, number=2))
    conflict = [r for r in writes(fake, f"/repos/{REPO}/labels") if r.status == 422]
    assert [r.body["name"] for r in conflict] == ["symptom: oom"]
    assert "symptom: oom" in fake.repos[REPO.lower()].issues[2].labels
