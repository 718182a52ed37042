"""Tests for bot.github.repoconfig: .github/firstmile.yml fetched from GitHub, cached, last good version kept."""

from __future__ import annotations

import logging

import pytest

from bot.github import repoconfig
from tests.fakegithub import Fault, schedule
from tests.github.triagekit import (HANG_BODY, HANG_TITLE, OOM_BODY, OOM_TITLE, REPO, bot_comments, deliver, issue_event,
                                    writes)

CONFIG = "/repos/Codertocat/Hello-World/contents/.github/firstmile.yml"


class Clock:
    """A settable monotonic clock for the config cache's TTL."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def env(fake_github, app_server, sender):
    """Two OOM issues, our server, and a config cache on a clock the test moves."""
    for n in (1, 2, 3):
        fake_github.add_issue(REPO, n, title=OOM_TITLE, body=OOM_BODY)
    running = await app_server()
    clock = Clock()
    running.server.caches["repoconfig"] = repoconfig.ConfigCache(ttl=300, timer=clock)
    return fake_github, running, sender(running), clock


def put(fake, text: str, path: str = ".github/firstmile.yml") -> None:
    """Commit a file to the fake repo's default branch."""
    fake.repos[REPO.lower()].files[path] = text.encode()


def fetches(fake) -> int:
    """How many times the config file was requested."""
    return sum(r.path == CONFIG for r in fake.requests)


async def test_no_file_means_defaults_and_is_cached(env):
    fake, running, send, clock = env
    await deliver(running, send, "issues", issue_event(fake, number=1))
    await deliver(running, send, "issues", issue_event(fake, number=2))
    assert fetches(fake) == 1
    assert len(bot_comments(fake, 1)) == len(bot_comments(fake, 2)) == 1  # full mode by default
    clock.now = 301
    await deliver(running, send, "issues", issue_event(fake, number=3))
    assert fetches(fake) == 2


async def test_mode_labels_posts_labels_but_no_comment(env):
    fake, running, send, _ = env
    put(fake, "mode: labels\n")
    await deliver(running, send, "issues", issue_event(fake))
    assert "symptom: oom" in fake.repos[REPO.lower()].issues[1].labels
    assert bot_comments(fake) == [] and writes(fake, "/comments") == []


async def test_shadow_mode_touches_nothing_and_logs_what_it_would_do(env, caplog):
    fake, running, send, _ = env
    caplog.set_level(logging.INFO, logger="bot.github.triage")
    put(fake, "mode: shadow\n")
    await deliver(running, send, "issues", issue_event(fake))
    assert writes(fake) == []
    assert "shadow: would add ['symptom: oom'" in caplog.text


async def test_disabled_repo_is_skipped(env, caplog):
    fake, running, send, _ = env
    caplog.set_level(logging.INFO, logger="bot.github.triage")
    put(fake, "enabled: false\n")
    await deliver(running, send, "issues", issue_event(fake))
    assert writes(fake) == [] and "skipped (disabled by .github/firstmile.yml)" in caplog.text


async def test_configured_skip_label_names_and_prefix(env):
    fake, running, send, _ = env
    put(fake, "skip_labels: [wontfix]\nlabels:\n  prefix: 'llm/'\n  rename: {'symptom: hang': stuck}\n  levels: all\n"
              "needs_info_label: 'waiting for reporter'\nlanguage: zh\n")
    fake.repos[REPO.lower()].issues[2].labels.append("WontFix")
    await deliver(running, send, "issues", issue_event(fake, number=2))
    assert bot_comments(fake, 2) == []
    issue = fake.repos[REPO.lower()].issues[1]
    issue.title, issue.body = HANG_TITLE, HANG_BODY  # a report with an ask, so with needs-info
    await deliver(running, send, "issues", issue_event(fake, number=1))
    labels = issue.labels
    assert "llm/stuck" in labels and "waiting for reporter" in labels and "needs-info" not in labels
    body = bot_comments(fake)[0].body  # the ask in Chinese: plain, or after the likely cause (decision model)
    assert "请补充" in body or "可确认的信息" in body


async def test_top_levels_and_no_comment(env):
    fake, running, send, _ = env
    put(fake, "labels:\n  levels: top\ncomment: never\n")
    await deliver(running, send, "issues", issue_event(fake))
    labels = fake.repos[REPO.lower()].issues[1].labels
    assert "symptom: crash" in labels and "symptom: oom" not in labels and "stage: inference" in labels
    assert bot_comments(fake) == []


async def test_broken_file_keeps_the_last_good_version_and_says_why(env, caplog):
    fake, running, send, clock = env
    put(fake, "mode: labels\n")
    await deliver(running, send, "issues", issue_event(fake, number=1))
    put(fake, "mode: labels\nlabel_prefix: x\n")  # an unknown key
    clock.now = 301
    await deliver(running, send, "issues", issue_event(fake, number=2))
    assert "unknown key 'label_prefix'" in caplog.text and "keeping the last good version" in caplog.text
    assert bot_comments(fake, 2) == [] and "symptom: oom" in fake.repos[REPO.lower()].issues[2].labels


async def test_failed_fetch_keeps_the_last_good_version(env, caplog):
    fake, running, send, clock = env
    running.server.settings.github_retry_seconds = 0.2
    put(fake, "mode: labels\n")
    await deliver(running, send, "issues", issue_event(fake, number=1))
    clock.now = 301
    fake.fault = schedule(*[Fault("status", 503)] * 30, match=lambda r: r.path == CONFIG)
    await deliver(running, send, "issues", issue_event(fake, number=2))
    assert "cannot be read" in caplog.text
    assert bot_comments(fake, 2) == [] and "symptom: oom" in fake.repos[REPO.lower()].issues[2].labels


async def test_broken_file_without_a_good_one_runs_in_shadow(env, caplog):
    fake, running, send, _ = env
    put(fake, "mode: [full\n")
    await deliver(running, send, "issues", issue_event(fake))
    assert writes(fake) == []
    assert "invalid YAML" in caplog.text and "shadow mode until it is fixed" in caplog.text


async def test_extra_rules_from_the_repo_are_used(env):
    fake, running, send, _ = env
    fake.add_issue(REPO, 4, title="Weird behaviour with the FooBar accelerator", body="See the title.")
    put(fake, "rules: [.github/firstmile/rules.yml]\n")
    put(fake, "kind: evidence\ndimension: symptom\nrules:\n  - id: foobar-hang\n    node: Hang - Generation Process Stuck\n"
              "    weight: 8\n    when: {match: 'FooBar accelerator', in: title}\n"
              "    examples: {fires: [{title: FooBar accelerator}]}\n", ".github/firstmile/rules.yml")
    await deliver(running, send, "issues", issue_event(fake, number=4))
    # the repo's rule is one more likelihood feature: it makes Hang the likely symptom of this vague report
    # (without it the likely symptom is an output-quality one); alone it is no error or fix to label on
    decision = (await running.server.store.issue_state(REPO, 4)).decision
    assert decision["likely"]["symptom"]["path"].startswith("Hang")


async def test_broken_extra_rules_keep_the_last_good_setup(env, caplog):
    fake, running, send, clock = env
    put(fake, "rules: [.github/firstmile/rules.yml]\n")
    await deliver(running, send, "issues", issue_event(fake, number=1))  # the rules file is missing
    assert "rules.yml" in caplog.text and "not found" in caplog.text
    assert writes(fake) == []  # no good setup yet: shadow until fixed
