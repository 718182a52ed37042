"""Ctrl-C on a real `firstmile backfill` process: exit 130 with a hint; the same command continues, no issue twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys

from tests.backfill.corpus import issue
from tests.fakegithub import APP_ID

REPO = "Codertocat/Hello-World"
N = 400
"""Issues in the repository."""


def stored(db) -> int:
    """How many decisions the database holds (0 before its tables exist)."""
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT COUNT(*) FROM backfill_issues").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


async def backfill(env: dict) -> asyncio.subprocess.Process:
    """`python -m bot backfill REPO` as a child process."""
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "backfill", REPO, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                preexec_fn=_terminal_sigint)


def _terminal_sigint() -> None:
    """Ctrl-C as in a terminal: a test run started in the background (`cmd &` in a script) ignores SIGINT, and a child
    inherits that, so it would finish its run instead of stopping (the CI run of 44a5211 failed that way)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


async def test_ctrl_c_then_the_same_command_finishes_without_triaging_twice(fake_github, app_keys, tmp_path):
    for i in range(N):
        text = issue(i)
        fake_github.add_issue(REPO, i + 1, text["title"], text["body"], created_at=1.7e9 + i)
    fake_github.latency = 0.15
    db = tmp_path / "db.sqlite3"
    env = dict(os.environ, APP_ID=APP_ID, PRIVATE_KEY=app_keys[0], GITHUB_API_URL=fake_github.url,
               DATABASE_URL=f"sqlite:///{db}", LOG_LEVEL="WARNING")
    proc = await backfill(env)
    for _ in range(3000):
        if stored(db) >= 100 or proc.returncode is not None:
            break
        await asyncio.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = await proc.communicate()
    assert proc.returncode == 130 and b"run the same command to continue" in err
    first = stored(db)
    assert 100 <= first < N
    fake_github.latency = 0.0
    proc = await backfill(env)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert f"{N - first} triaged".encode() in out and stored(db) == N
