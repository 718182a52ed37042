"""`firstmile backfill` on the command line: arguments, the summary line, --max-requests then resume, exit codes."""

from __future__ import annotations

import asyncio

import pytest

from bot.__main__ import main
from bot.cli.backfill import since_iso
from tests.backfill.corpus import issue
from tests.fakegithub import APP_ID

REPO = "Codertocat/Hello-World"


@pytest.fixture
def env(monkeypatch, fake_github, app_keys, tmp_path):
    """The App's settings in the environment, pointing at the fake."""
    for name, value in {"APP_ID": APP_ID, "PRIVATE_KEY": app_keys[0], "GITHUB_API_URL": fake_github.url,
                        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "GITHUB_RETRY_SECONDS": "2"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    for i in range(250):
        text = issue(i)
        fake_github.add_issue(REPO, i + 1, text["title"], text["body"], created_at=1.7e9 + i)
    return fake_github


async def test_max_requests_stops_with_3_and_the_same_command_finishes(env, capsys):
    assert await asyncio.to_thread(main, ["backfill", REPO, "--max-requests", "4"]) == 3
    assert "run the same command to continue" in capsys.readouterr().err
    assert await asyncio.to_thread(main, ["backfill", REPO]) == 0
    out = capsys.readouterr().out
    summary = out.strip().splitlines()[-1]
    assert f"{REPO}: " in out and "issues/s" in out  # plain progress lines: stdout is not a terminal
    assert summary.startswith(f"{REPO}: 50 listed") and "50 triaged" in summary and "0 writes" in summary
    assert await asyncio.to_thread(main, ["report", REPO, "--json"]) == 0
    assert '"issues": 250' in capsys.readouterr().out  # the first 200 were stored by the stopped run
    assert await asyncio.to_thread(main, ["backfill", REPO]) == 0
    assert "0 triaged" in capsys.readouterr().out and [r.status for r in env.requests if r.path.endswith(
        "/issues")][-3:] == [304, 304, 304]


async def test_no_credentials_is_one_line_and_exit_1(env, monkeypatch, capsys):
    monkeypatch.delenv("APP_ID")
    monkeypatch.delenv("PRIVATE_KEY")
    assert await asyncio.to_thread(main, ["backfill", REPO]) == 1
    assert "APP_ID" in capsys.readouterr().err


async def test_a_plain_token_reads_without_the_app(env, monkeypatch, capsys):
    monkeypatch.delenv("APP_ID")
    monkeypatch.delenv("PRIVATE_KEY")
    env.tokens["ghp_reader"] = (1, 1e12)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_reader")
    assert await asyncio.to_thread(main, ["backfill", REPO, "--state", "all"]) == 0
    assert "250 triaged" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["backfill"], ["backfill", "a/b", "--all"], ["backfill", "nope"],
                                  ["backfill", "a/b", "--since", "yesterday"], ["backfill", "a/b", "--max-requests",
                                                                                "0"]])
def test_bad_arguments_exit_2(args, capsys):
    assert main(args) == 2
    assert capsys.readouterr().err.startswith("firstmile backfill:")


def test_since_accepts_dates_and_times():
    assert since_iso("2024-03-01") == "2024-03-01T00:00:00Z"
    assert since_iso("2024-03-01T12:30:00+02:00") == "2024-03-01T10:30:00Z"
