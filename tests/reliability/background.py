"""Our real server and the fake GitHub on an event loop in a background thread, for synchronous hypothesis tests."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from gidgethub.routing import Router

from tests.fakegithub import APP_ID, SECRET, FakeGitHub, headers, start_server


class Background:
    """A started fake GitHub plus our server (ROUTERS + a recording router), driven from synchronous code."""

    def __init__(self, app_keys: tuple[str, str], database_url: str, **settings: Any):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.reached: list[str] = []
        recorder = Router()
        for event in ("issues", "issue_comment", "installation", "installation_repositories", "ping"):
            recorder.add(self._record, event)
        self.fake = FakeGitHub(app_id=APP_ID, public_key=app_keys[1])
        self.call(self.fake.start())
        self.fake.add_repo("Codertocat/Hello-World", installation_id=1)
        values = {"app_id": APP_ID, "private_key": app_keys[0], "github_api_url": self.fake.url,
                  "database_url": database_url, "github_retry_seconds": 0.5, "github_timeout": 2.0} | settings
        self.running = self.call(start_server(routers=[recorder], **values))
        parts = urlsplit(self.running.url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    async def _record(self, event, gh, ctx) -> None:
        self.reached.append(event.delivery_id)

    def call(self, coro, timeout: float = 60.0):
        """Run a coroutine on the background loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def post(self, body: bytes, hdrs: dict[str, str]) -> tuple[int, Any]:
        """POST /webhook with exactly these headers; (status, parsed JSON or text)."""
        try:
            self.conn.request("POST", "/webhook", body=body, headers=hdrs)
            resp = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # the server may close a connection after a 4xx; reconnect once
            self.conn.request("POST", "/webhook", body=body, headers=hdrs)
            resp = self.conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        try:
            return resp.status, json.loads(text)
        except ValueError:
            return resp.status, text

    def send(self, event: str, body: bytes, delivery_id: str) -> tuple[int, Any]:
        """Sign with the test secret and post."""
        return self.post(body, headers(event, body, SECRET, delivery_id))

    def counts(self) -> dict[str, int]:
        """The store's delivery counts (read on the server's loop)."""

        async def read():
            return await self.running.server.store.counts()

        return self.call(read())

    def drain(self, timeout: float = 60.0) -> dict[str, int]:
        """Wait until no delivery is pending or running; returns the counts."""
        end = time.monotonic() + timeout
        while True:
            counts = self.counts()
            if not counts.get("pending") and not counts.get("running") or time.monotonic() > end:
                return counts
            time.sleep(0.05)

    def workers_alive(self) -> bool:
        """Every worker task of the queue is still running."""
        return all(not t.done() for t in self.running.server.queue._tasks)

    def close(self) -> None:
        """Stop both servers and the loop."""
        self.conn.close()
        self.call(self.running.stop())
        self.call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
