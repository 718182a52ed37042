"""The webhook server keeps acknowledging and handling deliveries while a backfill writes to the same database."""

from __future__ import annotations

import asyncio
import io

from bot.backfill.progress import Progress
from bot.backfill.runner import Options
from bot.backfill.session import run
from bot.github.routers import compose
from bot.settings import load_settings
from tests.backfill.corpus import issue
from tests.fakegithub import APP_ID
from tests.github.triagekit import OOM_BODY, OOM_TITLE, REPO, bot_comments, issue_event


async def test_the_server_serves_while_a_backfill_runs_on_its_database(fake_github, app_server, sender, app_keys,
                                                                       tmp_path):
    for i in range(600):
        text = issue(i)
        fake_github.add_issue(REPO, i + 1, text["title"], text["body"], created_at=1.7e9 + i)
    fake_github.add_issue(REPO, 5000, OOM_TITLE, OOM_BODY, login="reporter", created_at=1.8e9)
    running = await app_server(routers=[compose()], worker="inline")
    settings = load_settings(app_id=APP_ID, private_key=app_keys[0], github_api_url=fake_github.url,
                             database_url=f"sqlite:///{tmp_path}/firstmile.sqlite3")
    fake_github.latency = 0.01
    seen: list[int] = []
    backfill = asyncio.ensure_future(run(settings, [REPO], options=Options(state="all", per_page=50),
                                         progress=Progress(io.StringIO()),
                                         on_decision=[lambda r, i, d, _: seen.append(i["number"])]))
    while len(seen) < 50:
        await asyncio.sleep(0.01)
    send = sender(running)
    status, _ = await send.send("issues", issue_event(fake_github, number=5000), "alongside-1")
    assert status == 202 and not backfill.done()
    for _ in range(500):
        if bot_comments(fake_github, 5000):
            break
        await asyncio.sleep(0.02)
    assert len(bot_comments(fake_github, 5000)) == 1  # handled by the server while the backfill went on
    runner, stats = await backfill
    assert runner.totals.triaged == 601 and stats.writes == 0
    assert (await running.server.store.get("alongside-1")).status == "done"
