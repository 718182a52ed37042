"""Tests for bot.github.server: status codes on loopback, dedupe, ping, healthz, metrics, dry mode, shutdown."""

from __future__ import annotations

import asyncio
import json
import os
import logging
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakegithub import SECRET, Fault, headers, payload, raw_payload, schedule, sign, start_server

ROOT = Path(__file__).resolve().parents[2]


async def test_issues_opened_is_queued_and_handled(app_server, sender, recorder, fake_github):
    running = await app_server()
    status, body = await sender(running).send("issues", payload("issues.opened"), "d-1")
    assert (status, body) == (202, {"status": "queued"})
    await recorder.wait(1)
    delivery_id, event, ctx = recorder.calls[0]
    assert (delivery_id, event, ctx.installation_id) == ("d-1", "issues", 1)
    assert (ctx.bot_login, ctx.slug, ctx.dry_run, ctx.api_url) == ("firstmile-test[bot]", "firstmile-test", False,
                                                                    fake_github.url)
    await asyncio.sleep(0.05)
    assert (await running.server.store.get("d-1")).status == "done"


async def test_root_path_also_accepts_deliveries(app_server, http, recorder):
    running = await app_server()
    body = json.dumps(payload("issues.opened")).encode()
    async with http.post(running.url + "/", data=body, headers=headers("issues", body, SECRET)) as resp:
        assert resp.status == 202
    await recorder.wait(1)


async def test_raw_fixture_bytes_with_documented_signature(app_server, http, recorder):
    running = await app_server()
    body = raw_payload("issues.opened")
    hdrs = headers("issues", body, None) | {
        "X-Hub-Signature-256": "sha256=875f5b04149debbe128e0521dadfa4afc90d192439111d59096790feb11b64d5"}
    async with http.post(running.url + "/webhook", data=body, headers=hdrs) as resp:
        assert resp.status == 202
    await recorder.wait(1)
    assert recorder.calls[0][2].installation_id is None  # a plain repository delivery: no installation object


def _variants(body: bytes) -> list[tuple[str, dict, bytes, int]]:
    """(name, headers, body, expected status) for every kind of bad delivery."""
    good = headers("issues", body, SECRET)
    without = lambda name: {k: v for k, v in good.items() if k != name}  # noqa: E731
    garbled = b'{"action": "opened", "issue": '
    return [
        ("unsigned", without("X-Hub-Signature-256"), body, 401),
        ("forged", good | {"X-Hub-Signature-256": sign(body, "not the secret")}, body, 401),
        ("tampered", good, body.replace(b"opened", b"closed", 1), 401),
        ("sha1 only", without("X-Hub-Signature-256") | {"X-Hub-Signature": "sha1=" + "0" * 40}, body, 401),
        ("non-ascii signature", good | {"X-Hub-Signature-256": "sha256=é"}, body, 401),
        ("no event", without("X-GitHub-Event"), body, 400),
        ("no delivery", without("X-GitHub-Delivery"), body, 400),
        ("form content", good | {"Content-Type": "application/x-www-form-urlencoded"}, body, 415),
        ("text content", good | {"Content-Type": "text/plain"}, body, 415),
        ("garbled json", good | {"X-Hub-Signature-256": sign(garbled, SECRET)}, garbled, 400),
        ("json array", good | {"X-Hub-Signature-256": sign(b"[]", SECRET)}, b"[]", 400),
        ("too large", good | {"X-Hub-Signature-256": sign(b"{}" + b" " * 2000, SECRET)}, b"{}" + b" " * 2000, 413),
    ]


async def test_bad_deliveries_get_4xx_and_never_reach_a_handler(app_server, sender, recorder, http):
    running = await app_server(max_body_bytes=1024)
    body = json.dumps(payload("issues.opened"))[:1000].encode()  # under the limit; content does not matter here
    for name, hdrs, data, expected in _variants(body):
        status, answer = await sender(running).post(data, hdrs)
        assert (name, status) == (name, expected)
        assert "error" in answer, name
    async with http.get(running.url + "/webhook") as resp:
        assert resp.status == 405
    await asyncio.sleep(0.1)
    assert recorder.calls == []
    assert await running.server.store.counts() == {}


async def test_chunked_body_over_limit_is_413(app_server, http):
    running = await app_server(max_body_bytes=1024)

    async def chunks():
        for _ in range(10):
            yield b"x" * 500

    hdrs = headers("issues", b"", SECRET)
    async with http.post(running.url + "/webhook", data=chunks(), headers=hdrs) as resp:
        assert resp.status == 413


async def test_ping_is_200_and_not_stored(app_server, sender, recorder):
    running = await app_server()
    status, body = await sender(running).send("ping", payload("ping", installation_id=None))
    assert (status, body) == (200, {"status": "pong"})
    assert await running.server.store.counts() == {}
    assert recorder.calls == []


async def test_same_delivery_five_times_concurrently_runs_once(app_server, sender, recorder):
    running = await app_server()
    data = payload("issues.opened")
    results = await asyncio.gather(*(sender(running).send("issues", data, "dup-1") for _ in range(5)))
    assert sorted(s for s, _ in results) == [200, 200, 200, 200, 202]
    assert sum(b == {"status": "duplicate"} for _, b in results) == 4
    await recorder.wait(1)
    await asyncio.sleep(0.1)
    assert [c[0] for c in recorder.calls] == ["dup-1"]


async def test_redelivery_after_restart_does_not_run_twice(app_server, sender, recorder):
    first = await app_server()
    assert (await sender(first).send("issues", payload("issues.opened"), "once"))[0] == 202
    await recorder.wait(1)
    await first.stop()
    second = await app_server()
    assert await sender(second).send("issues", payload("issues.opened"), "once") == (200, {"status": "duplicate"})
    await asyncio.sleep(0.1)
    assert len(recorder.calls) == 1


async def test_handler_failure_is_recorded_not_lost(app_server, sender, recorder, caplog):
    async def boom(event, gh, ctx):
        raise RuntimeError("handler exploded")

    recorder.action = boom
    running = await app_server()
    await sender(running).send("issues", payload("issues.opened"), "fails")
    await recorder.wait(1)
    await asyncio.sleep(0.05)
    row = await running.server.store.get("fails")
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "RuntimeError: handler exploded")
    assert "fails" in caplog.text


async def test_healthz_and_metrics(app_server, sender, recorder, http):
    running = await app_server()
    await sender(running).send("issues", payload("issues.opened"))
    await sender(running).send("issues", b"[]")
    await recorder.wait(1)
    await asyncio.sleep(0.05)
    async with http.get(running.url + "/healthz") as resp:
        assert resp.status == 200
        health = await resp.json()
    assert health["status"] == "ok" and health["store"] == "ok" and health["queue_depth"] == 0
    assert health["version"]
    async with http.get(running.url + "/metrics") as resp:
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
    assert 'firstmile_deliveries_total{event="issues",outcome="queued"} 1.0' in text
    assert 'firstmile_deliveries_total{event="issues",outcome="done"} 1.0' in text
    assert 'firstmile_deliveries_total{event="-",outcome="rejected_400"} 1.0' in text
    assert 'firstmile_handler_seconds_count{event="issues"} 1.0' in text
    assert 'firstmile_github_api_calls_total{status="201"} 1.0' in text  # the token
    assert "firstmile_queue_depth 0.0" in text
    assert health["database"]["backend"] == "sqlite" and health["database"]["ok"] is True
    assert health["replica"] == running.server.replica
    assert 'firstmile_store_deliveries{status="pending"} 0.0' in text
    assert 'firstmile_store_oldest_seconds{what="claim"} 0.0' in text
    assert 'firstmile_store_seconds_count{op="add_delivery"} 1.0' in text  # the bad body is never stored


async def test_dry_mode_without_credentials_handles_but_never_calls_github(app_server, sender, recorder, fake_github):
    async def label(event, gh, ctx):
        await gh.post("/repos/{owner}/{repo}/issues/{n}/labels",
                      {"owner": "Codertocat", "repo": "Hello-World", "n": 1}, data={"labels": ["bug"]})

    recorder.action = label
    running = await app_server(app_id="", private_key=None)
    await sender(running).send("issues", payload("issues.opened"))
    await recorder.wait(1)
    assert recorder.calls[0][2].dry_run is True
    assert recorder.calls[0][2].bot_login == "firstmile[bot]"
    assert fake_github.requests == []


async def test_start_up_says_whether_the_learned_classifier_is_on(app_server, caplog):
    caplog.set_level(logging.INFO)
    await app_server()
    assert "triage (all): rules loaded; learned classifier on" in caplog.text  # the test extras include the classifier


async def test_dry_run_with_credentials_reads_but_does_not_write(app_server, sender, recorder, fake_github, caplog):
    fake_github.add_issue("Codertocat/Hello-World", 1, labels=["question"])
    seen = []

    async def act(event, gh, ctx):
        seen.append(await gh.getitem("/repos/Codertocat/Hello-World/issues/1/labels"))
        seen.append(await gh.post("/repos/Codertocat/Hello-World/issues/1/comments", data={"body": "hello"}))

    recorder.action = act
    caplog.set_level(logging.INFO)
    running = await app_server(dry_run=True)
    await sender(running).send("issues", payload("issues.opened"))
    await recorder.wait(1)
    await asyncio.sleep(0.05)
    assert [label["name"] for label in seen[0]] == ["question"]
    assert seen[1]["body"] == "hello"
    assert fake_github.comments("Codertocat/Hello-World", 1) == []
    reads = [r.method for r in fake_github.requests if "/contents/" not in r.path]  # triage reads the repo config
    assert reads == ["GET", "POST", "GET"]  # /app, token, labels
    assert "would POST /repos/Codertocat/Hello-World/issues/1/comments" in caplog.text


async def test_insecure_no_secret_accepts_unsigned(http, recorder, caplog):
    running = await start_server(routers=[recorder.router], insecure_no_secret=True, webhook_secret=None)
    try:
        body = json.dumps(payload("issues.opened", installation_id=None)).encode()
        async with http.post(running.url + "/webhook", data=body, headers=headers("issues", body, None)) as resp:
            assert resp.status == 202
        await recorder.wait(1)
        assert "NOT checked" in caplog.text
    finally:
        await running.stop()


def test_missing_secret_refuses_to_build():
    from bot.github.server import create_app
    from bot.settings import load_settings

    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        create_app(load_settings(database_url="sqlite:///:memory:"))


async def test_shutdown_drains_then_leaves_the_rest_pending(app_server, sender, recorder):
    release = asyncio.Event()

    async def slow(event, gh, ctx):
        await release.wait()

    recorder.action = slow
    running = await app_server(workers=1, drain_seconds=0.2)
    ids = [f"slow-{i}" for i in range(3)]
    for delivery_id in ids:
        await sender(running).send("issues", payload("issues.opened", issue={"number": int(delivery_id[-1])}),
                                   delivery_id)
    await recorder.wait(1)
    store_counts = await running.server.store.counts()
    assert store_counts == {"running": 1, "pending": 2}
    await running.stop()
    assert len(recorder.calls) == 1

    recorder.action = None
    restarted = await app_server()
    await recorder.wait(4)
    assert sorted(c[0] for c in recorder.calls) == ["slow-0", "slow-0", "slow-1", "slow-2"]
    await asyncio.sleep(0.05)
    assert await restarted.server.store.counts() == {"done": 3}


async def test_secrets_never_reach_the_logs(app_server, sender, recorder, fake_github, app_keys, caplog):
    caplog.set_level(logging.DEBUG)
    tokens = []

    async def act(event, gh, ctx):
        tokens.append(gh.oauth_token)
        await gh.getitem("/repos/Codertocat/Hello-World/labels")

    recorder.action = act
    running = await app_server(log_level="DEBUG")
    await sender(running).send("issues", payload("issues.opened"))
    forged = headers("issues", b"{}", "guess") | {"X-GitHub-Delivery": "forged"}
    assert (await sender(running).post(b"{}", forged))[0] == 401
    await recorder.wait(1)
    await running.stop()
    text = caplog.text + repr(running.server.settings)
    key_body = app_keys[0].splitlines()[1]
    assert tokens and tokens[0] and tokens[0] not in text
    assert SECRET not in text and key_body not in text


async def test_full_queue_still_acknowledges_and_everything_runs(app_server, sender, recorder):
    running = await app_server(workers=1, queue_size=1)
    results = await asyncio.gather(*(
        sender(running).send("issues", payload("issues.opened", issue={"number": i}), f"q-{i}") for i in range(10)))
    assert [s for s, _ in results] == [202] * 10
    await recorder.wait(10)
    assert sorted(c[0] for c in recorder.calls) == sorted(f"q-{i}" for i in range(10))


STAND_IN = ("import os, pathlib, sys; pathlib.Path(sys.argv[1]).write_text(os.environ['WORKERS']); "
            "sys.stdin.buffer.read()")  # a worker stand-in: reports a setting it inherited, lives until its pipe closes


async def _web_role(tmp_path, **settings):
    """Start create_app(role="web") on loopback with a stand-in worker command; returns (runner, url, server)."""

    from bot.github.server import SERVER_KEY, create_app
    from bot.settings import load_settings

    app = create_app(load_settings(webhook_secret=SECRET, database_url=f"sqlite:///{tmp_path}/web.db",
                                   worker="process", **settings), role="web")
    server = app[SERVER_KEY]
    server.worker_argv = [sys.executable, "-c", STAND_IN, str(tmp_path / "worker-saw")]
    return *await _serve(app), server


async def _serve(app):
    """Run an app on a free loopback port: (runner, url)."""
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"


async def test_web_role_stores_and_acks_and_restarts_a_dead_worker(tmp_path, http, recorder):
    runner, url, server = await _web_role(tmp_path, workers=7)
    try:
        async with http.get(url + "/healthz") as resp:
            assert (await resp.json())["worker"] == "ok" and (await resp.json())["queue_depth"] == 0
        body = json.dumps(payload("issues.opened")).encode()
        async with http.post(url + "/webhook", data=body, headers=headers("issues", body, SECRET, "w-1")) as resp:
            assert resp.status == 202
        assert (await server.store.get("w-1")).status == "pending"  # left for the worker process
        for _ in range(50):
            if (tmp_path / "worker-saw").exists():
                break
            await asyncio.sleep(0.1)
        assert (tmp_path / "worker-saw").read_text() == "7"  # the worker gets our settings
        first = server.supervisor.proc
        first.send_signal(signal.SIGKILL)
        await first.wait()
        states = set()
        for _ in range(60):
            async with http.get(url + "/healthz") as resp:
                health = await resp.json()
            states.add(health["worker"])
            if health["worker"] == "ok" and server.supervisor.proc is not first:
                break
            await asyncio.sleep(0.05)
        assert "restarting" in states and health["worker"] == "ok"
        async with http.get(url + "/metrics") as resp:
            text = await resp.text()
        assert "firstmile_worker_restarts_total 1.0" in text and "firstmile_worker_up 1.0" in text
    finally:
        proc = server.supervisor.proc
        await runner.cleanup()
    assert proc.returncode is not None and server.supervisor.state == "stopped"
    assert recorder.calls == []


def test_the_web_process_never_imports_the_triage_core_or_the_classifier(tmp_path):
    script = f"""
import asyncio, sys
from aiohttp import web
import bot.__main__
bot.__main__.build_parser()
from bot.github.server import SERVER_KEY, create_app
from bot.settings import load_settings
async def main():
    app = create_app(load_settings(webhook_secret="s", database_url="sqlite:///{tmp_path}/web.db", worker="process"),
                     role="web")
    app[SERVER_KEY].worker_argv = [sys.executable, "-c", "import sys; sys.stdin.buffer.read()"]
    runner = web.AppRunner(app)
    await runner.setup()
    await runner.cleanup()
asyncio.run(main())
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "scipy", "sklearn", "re2", "markdown_it")
               or m.startswith(("bot.ml", "bot.github.triage", "bot.github.routers", "bot.core.")))
print(heavy)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['bot.core.repoconfig']"  # `firstmile config` reads repo configs; nothing else


async def test_worker_thread_triages_what_the_web_side_stored_and_shares_its_metrics(
        fake_github, app_keys, tmp_path, http):

    from bot.github.server import SERVER_KEY, WorkerThread, create_app
    from bot.settings import load_settings
    from tests.fakegithub import APP_ID

    fake_github.add_issue("Codertocat/Hello-World", 7, title="CUDA out of memory", body="torch.cuda.OutOfMemoryError")
    switch = sys.getswitchinterval()
    app = create_app(load_settings(webhook_secret=SECRET, app_id=APP_ID, private_key=app_keys[0],
                                   github_api_url=fake_github.url, database_url=f"sqlite:///{tmp_path}/t.db"),
                     role="web")  # worker="thread" is the default
    server = app[SERVER_KEY]
    runner, url = await _serve(app)
    try:
        assert sys.getswitchinterval() == WorkerThread.SWITCH_SECONDS
        body = json.dumps(payload("issues.opened", issue={"number": 7, "title": "CUDA out of memory",
                                                          "body": "torch.cuda.OutOfMemoryError", "labels": []})).encode()
        fake_github.fault = schedule(Fault("slow", delay=1.0))  # the worker's first GitHub call takes a second
        async with http.post(url + "/webhook", data=body, headers=headers("issues", body, SECRET, "t-7")) as resp:
            assert resp.status == 202
        async with http.get(url + "/healthz") as resp:
            assert (await resp.json())["queue_depth"] == 1  # the worker's queue, read from the store
        for _ in range(100):
            if (await server.store.get("t-7")).status == "done":
                break
            await asyncio.sleep(0.05)
        assert (await server.store.get("t-7")).status == "done"
        assert fake_github.repos["codertocat/hello-world"].issues[7].labels
        assert len([c for c in fake_github.comments("Codertocat/Hello-World", 7)
                    if c.login == fake_github.bot_login]) == 1
        async with http.get(url + "/healthz") as resp:
            assert (await resp.json())["worker"] == "ok" and (await resp.json())["queue_depth"] == 0
        async with http.get(url + "/metrics") as resp:
            text = await resp.text()
        assert 'firstmile_deliveries_total{event="issues",outcome="done"} 1.0' in text  # counted by the worker
        assert 'firstmile_deliveries_total{event="issues",outcome="queued"} 1.0' in text  # counted by the web side
    finally:
        await runner.cleanup()
    assert server.worker_thread.state == "stopped" and sys.getswitchinterval() == switch


async def test_a_failed_delivery_runs_again_later_until_its_attempts_are_used(app_server, sender, recorder):
    calls = []

    async def flaky(event, gh, ctx):
        calls.append(event.delivery_id)
        if len(calls) == 1:
            raise RuntimeError("GitHub was down")

    recorder.action = flaky
    running = await app_server(retry_seconds=0.05, max_attempts=3)
    await sender(running).send("issues", payload("issues.opened"), "flaky")
    for _ in range(200):
        row = await running.server.store.get("flaky")
        if row.status == "done":
            break
        await asyncio.sleep(0.02)
    assert (row.status, row.attempts) == ("done", 2)
    assert calls == ["flaky", "flaky"]


async def test_a_delivery_that_keeps_failing_stops_after_max_attempts(app_server, sender, recorder):
    async def boom(event, gh, ctx):
        raise RuntimeError("still broken")

    recorder.action = boom
    running = await app_server(retry_seconds=0.02, max_attempts=2)
    await sender(running).send("issues", payload("issues.opened"), "doomed")
    await asyncio.sleep(0.5)
    row = await running.server.store.get("doomed")
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "RuntimeError: still broken")


async def test_a_replayed_delivery_is_handled_by_the_running_inline_server(app_server, sender, recorder, tmp_path):
    from bot.__main__ import main

    async def boom(event, gh, ctx):
        raise RuntimeError("GitHub was down for good")

    recorder.action = boom
    running = await app_server(max_attempts=1)
    await sender(running).send("issues", payload("issues.opened"), "lost-then-found")
    for _ in range(200):
        if (row := await running.server.store.get("lost-then-found")).status == "failed":
            break
        await asyncio.sleep(0.02)
    assert (row.status, row.attempts) == ("failed", 1)
    recorder.action = None
    argv = ["deliveries", "replay", "--database-url", f"sqlite:///{tmp_path}/firstmile.sqlite3"]
    assert await asyncio.to_thread(main, argv) == 0  # the CLI runs its own event loop
    for _ in range(300):
        if (row := await running.server.store.get("lost-then-found")).status == "done":
            break
        await asyncio.sleep(0.02)
    assert (row.status, row.attempts) == ("done", 1)
    assert [c[0] for c in recorder.calls] == ["lost-then-found", "lost-then-found"]


async def test_process_mode_metrics_include_the_worker_processs_series(tmp_path, http):
    from prometheus_client.parser import text_string_to_metric_families

    from bot.github.server import SERVER_KEY, create_app
    from bot.settings import load_settings

    app = create_app(load_settings(webhook_secret=SECRET, database_url=f"sqlite:///{tmp_path}/web.db",
                                   worker="process"), role="web")  # no credentials: a dry run, real worker process
    server = app[SERVER_KEY]
    runner, url = await _serve(app)
    try:
        body = json.dumps(payload("issues.opened")).encode()
        async with http.post(url + "/webhook", data=body, headers=headers("issues", body, SECRET, "m-1")) as resp:
            assert resp.status == 202
        for _ in range(300):
            if (await server.store.get("m-1")).status == "done":
                break
            await asyncio.sleep(0.05)
        assert (await server.store.get("m-1")).status == "done"
        async with http.get(url + "/metrics") as resp:
            text = await resp.text()
        families = [f.name for f in text_string_to_metric_families(text)]
        assert len(families) == len(set(families))  # one family per name: the two processes' series merged
        assert 'firstmile_deliveries_total{event="issues",outcome="queued"} 1.0' in text  # counted by the web side
        assert 'firstmile_deliveries_total{event="issues",outcome="done"} 1.0' in text  # by the worker process
        assert 'firstmile_handler_seconds_count{event="issues"} 1.0' in text
        worker_dir = server.metrics.worker_dir
        assert os.listdir(worker_dir)
    finally:
        await runner.cleanup()
    assert not os.path.exists(worker_dir)
