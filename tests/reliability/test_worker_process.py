"""The real worker process (`firstmile serve --worker-of PID`) exits when the web process's pipe on its stdin closes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from bot.store import open_store


async def _create(url: str) -> None:
    """Create and migrate the database."""
    await (await open_store(url)).close()


def test_worker_exits_when_its_stdin_pipe_closes_even_though_its_parent_lives(tmp_path):
    db = f"sqlite:///{tmp_path}/w.db"
    asyncio.run(_create(db))
    env = {k: v for k, v in os.environ.items() if k not in ("APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH")}
    env |= {"DATABASE_URL": db, "LOG_LEVEL": "INFO"}
    worker = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--worker-of", str(os.getpid())], env=env,
                              stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        seen = []
        for line in worker.stderr:
            seen.append(line)
            if " ready as " in line:
                break
        assert worker.poll() is None, "".join(seen)
        worker.stdin.close()
        assert worker.wait(20) == 1
        assert "web process gone" in worker.stderr.read()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
