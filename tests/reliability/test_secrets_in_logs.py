"""Secrets never reach the logs: a full DEBUG run with faults, commands, failures and forgeries, then a scan."""

from __future__ import annotations

import logging

import pytest

from tests.fakegithub import SECRET, headers, payload, sign
from tests.reliability.chaos import SLOW, Chaos, wait_processed
from tests.reliability.test_faults import ISSUES, REPO, opened

pytest.importorskip("bot.github.triage", reason="needs the triage router (engineer H)")


def comment_event(number: int, body: str, login: str, comment_id: int) -> dict:
    """An issue_comment.created delivery on issue `number`."""
    data = payload("issue_comment.created")
    data["issue"] = data["issue"] | {"number": number, "title": ISSUES[0][0], "body": ISSUES[0][1], "labels": []}
    data["comment"] = data["comment"] | {"id": comment_id, "body": body, "user": {"login": login, "type": "User"},
                                         "updated_at": f"2026-11-23T00:{comment_id % 60:02d}:00Z"}
    return data


def secrets_in(text: str, secrets: list[str]) -> list[str]:
    """The secrets (shown by their first 8 characters) that appear in the text."""
    return [s[:8] + "..." for s in secrets if s and s in text]


async def test_full_debug_run_logs_no_secret(app_server, sender, fake_github, app_keys, caplog):
    caplog.set_level(logging.DEBUG)
    for n in range(1, 5):
        fake_github.add_issue(REPO, n, title=ISSUES[n % 4][0], body=ISSUES[n % 4][1], login="reporter")
    fake_github.repos[REPO.lower()].permissions["maint"] = "write"
    fake_github.fault = Chaos(0.3, seed=3)
    running = await app_server(routers=[], log_level="DEBUG", github_timeout=SLOW / 4, github_retry_seconds=20,
                               github_backoff_seconds=0.02)
    send = sender(running)
    for n in range(1, 5):
        await send.send("issues", opened(n), f"open-{n}")
    await send.send("issues", opened(99), "missing-issue")  # 404s: the handler fails and logs why
    await send.send("issue_comment", comment_event(1, "/label +bug\n/symptom Crash", "maint", 501), "cmd-1")
    await send.send("issue_comment", comment_event(2, "/label +bug", "stranger", 502), "cmd-2")
    body = b'{"action": "opened"}'
    for forged in (sign(body, "guess"), "sha256=" + "0" * 64, "sha1=abc"):
        assert (await send.post(body, headers("issues", body, None) | {"X-Hub-Signature-256": forged}))[0] == 401
    assert (await send.post(b"{", headers("issues", b"{", SECRET)))[0] == 400
    await wait_processed(running.server.store, 7)
    await running.stop()

    text = caplog.text + "".join(repr(r.args) for r in caplog.records) + repr(running.server.settings)
    key_lines = [line for line in app_keys[0].splitlines() if "PRIVATE KEY" not in line]
    tokens = list(fake_github.tokens)
    assert tokens and key_lines
    assert "giving up" in text or "retrying" in text  # the run did log failures, so the scan means something
    assert len(caplog.records) > 20
    assert secrets_in(text, [SECRET, *key_lines, *tokens]) == []
    assert "eyJ" not in text  # no JWT (App JWTs start with base64 '{"')


def test_the_scan_finds_a_leaked_secret():
    assert secrets_in(f"Authorization: token ghs_fake1234 {SECRET}", ["ghs_fake1234", SECRET, "absent"]) == [
        "ghs_fake...", SECRET[:8] + "..."]
