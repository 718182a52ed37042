"""The aiohttp application: POST /webhook (and /), GET /healthz, GET /metrics, with start-up and graceful drain."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import json
import logging
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web
from cachetools import LRUCache
from gidgethub import sansio
from gidgethub.routing import Router
from prometheus_client import Counter, Gauge, multiprocess

import bot
from bot.github import webhook
from bot.github.auth import AppAuth
from bot.github.client import DryRunClient, GitHubClient
from bot.github.context import AppContext
from bot.github.loopwatch import LoopWatch
from bot.github.metrics import Metrics
from bot.github.supervisor import WorkerSupervisor
from bot.github.workqueue import WorkQueue, claim_keys, replica_id
from bot.settings import Settings, settings_env
from bot.store import Delivery, Store, open_store

log = logging.getLogger(__name__)

DRY_SLUG = "firstmile"


POLL_SECONDS = {"worker": 0.05, "all": 1.0}
"""How often an idle queue looks in the store for deliveries it was not handed: all a worker process gets from the
web side; for the inline server and the worker thread (which the web side wakes) what an operator queued
(`firstmile deliveries replay`), another replica acknowledged, or a dead replica's claim that expired."""
THREAD_POLL_SECONDS = 0.5


class BotServer:
    """The running shell: store, queue, GitHub session and auth, shared by the routes and the workers."""

    def __init__(self, settings: Settings, router: Router | None = None, *, insecure_no_secret: bool = False,
                 role: str = "all", metrics: Metrics | None = None, own_worker: bool = True):
        self.settings, self.router, self.role = settings, router, role
        """"all": ack and handle in this process; "web": only verify, store and ack; "worker": only handle."""
        self.own_worker = own_worker
        """Role "web": start the worker (WORKER=thread or process) here; False for `serve --role web`, whose
        deliveries are handled by separate `serve --role worker` processes on the same database."""
        self.secret = None if insecure_no_secret else settings.secret()
        if self.secret is None and not insecure_no_secret:
            raise ValueError("WEBHOOK_SECRET: required (or pass --insecure-no-secret for local experiments)")
        self.metrics = metrics or Metrics()
        self.store: Store
        self.queue: WorkQueue
        self.session: aiohttp.ClientSession
        self.auth: AppAuth | None = None
        self.app_client: GitHubClient | None = None
        self.etags: LRUCache = LRUCache(maxsize=2000)
        self.slug = DRY_SLUG
        self.ruleset: Any = None
        self.classifier: Any = None
        self.caches: dict[str, Any] = {}
        self.supervisor: WorkerSupervisor | None = None
        self.worker_thread: WorkerThread | None = None
        self.worker_argv = [sys.executable, "-m", "bot", "serve", "--worker-of", str(os.getpid())]
        """The worker process's command line (role "web" only)."""
        self.poll_seconds = POLL_SECONDS.get(role, 1.0)
        self.replica = replica_id()
        """This process's name on the claims it holds in the store."""
        self.watch = LoopWatch(self.metrics.loop_lag, self.metrics.gc_pause) if metrics is None else None
        """The process's loop and gc timer (not for the worker thread, which shares the web side's metrics)."""

    @property
    def bot_login(self) -> str:
        """The App's login on GitHub, the author of its comments."""
        return f"{self.slug}[bot]"

    def _client(self, cls: type[GitHubClient], token: str | None = None) -> GitHubClient:
        """A client on the shared session against GITHUB_API_URL."""
        s = self.settings
        return cls(self.session, base_url=s.github_api_url, metrics=self.metrics, oauth_token=token,
                   cache=self.etags, timeout=s.github_timeout, retry_seconds=s.github_retry_seconds,
                   backoff_base=s.github_backoff_seconds)

    async def start(self) -> None:
        """Open the store and session, learn who we are from GET /app, recover pending work, start workers."""
        s = self.settings
        if self.role != "web":  # the web process never imports the triage core, rules or classifier
            from bot.github.routers import compose
            from bot.github.triage import load_rules

            self.router = self.router or compose()
            self.ruleset, self.classifier = load_rules()
            log.info("triage (%s): rules loaded; learned classifier %s", self.role, "on" if self.classifier else
                     "off (rules only: pip install 'firstmile[classifier]' adds it)")
        self.store = TimedStore(await open_store(s.database_url), self.metrics.store_seconds)
        if self.watch is not None:
            self.watch.start()
        self.session = aiohttp.ClientSession()
        pem = s.private_key_pem()
        if s.app_id and pem:
            self.app_client = self._client(GitHubClient)
            client = self.app_client
            self.auth = AppAuth(s.app_id, pem, lambda path, jwt: client.post(path, data=b"", jwt=jwt))
            app = await self.app_client.getitem("/app", jwt=self.auth.jwt())
            self.slug = str(app["slug"])
        if self.secret is None and self.role != "worker":
            log.warning("!!! --insecure-no-secret: webhook signatures are NOT checked; anyone can send deliveries")
        if s.dry:
            log.info("dry run (%s): deliveries are verified and handled, but nothing is written to GitHub", self.role)
        self.queue = WorkQueue(self.store, self.process, size=s.queue_size, workers=s.workers,
                               on_depth=self.metrics.queue_depth.set, poll_seconds=self.poll_seconds,
                               max_attempts=s.max_attempts, retry_seconds=s.retry_seconds,
                               lease_seconds=s.lease_seconds, per_installation=s.installation_concurrency,
                               owner=self.replica)
        if self.role != "web":
            await self.queue.start()
        elif self.own_worker and s.worker == "thread":
            self.worker_thread = WorkerThread(s, self.metrics)
            await self.worker_thread.start()
        elif self.own_worker:
            await self.start_worker()
        log.info("firstmile %s (%s) ready as %s against %s", bot.__version__, self.role, self.bot_login,
                 s.github_api_url)

    async def start_worker(self) -> None:
        """Start the worker process under a supervisor that restarts it and reports it in /healthz and /metrics."""
        up = Gauge("firstmile_worker_up", "1 while the worker process runs.", registry=self.metrics.registry)
        restarts = Counter("firstmile_worker_restarts", "Worker process restarts after it died.",
                           registry=self.metrics.registry)

        self.metrics.worker_dir = tempfile.mkdtemp(prefix="firstmile-metrics-")

        def changed(state: str, count: int) -> None:
            up.set(state == "ok")
            if state == "restarting":
                restarts.inc()
                multiprocess.mark_process_dead(self.supervisor.proc.pid, self.metrics.worker_dir)  # its live gauges

        env = settings_env(self.settings) | {"PROMETHEUS_MULTIPROC_DIR": self.metrics.worker_dir}
        self.supervisor = WorkerSupervisor(self.worker_argv, env, on_change=changed)
        await self.supervisor.start()

    async def stop(self) -> None:
        """Drain the workers for DRAIN_SECONDS, then close; what is left stays pending in the store."""
        if self.supervisor is not None:
            await self.supervisor.stop(self.settings.drain_seconds + 5)
            shutil.rmtree(self.metrics.worker_dir, ignore_errors=True)
        if self.worker_thread is not None:
            await self.worker_thread.stop()
        await self.queue.stop(self.settings.drain_seconds)
        if self.watch is not None:
            await self.watch.stop()
        await self.session.close()
        await self.store.close()

    async def client_for(self, installation_id: int | None) -> GitHubClient:
        """The client a handler gets: installation-authenticated, or the dry-run client."""
        token = None
        if self.auth is not None and installation_id is not None:
            token = await self.auth.token(installation_id)
        if self.settings.dry or token is None:
            if not self.settings.dry:
                log.warning("delivery without an installation id: handling it without writing to GitHub")
            return self._client(DryRunClient, token)
        return self._client(GitHubClient, token)

    async def process(self, delivery: Delivery) -> None:
        """Dispatch one stored delivery to the routers, timing it and counting its outcome."""
        data = json.loads(delivery.payload)
        if delivery.attempts > 1 and isinstance(data.get("issue"), dict):
            # A run before this one may have posted before it died (or its replica did): the payload's comment
            # count is stale, so the handler lists the issue's comments and finds ours instead of posting again.
            data["issue"]["comments"] = max(int(data["issue"].get("comments") or 0), 1)
        inst = data.get("installation")
        installation_id = inst.get("id") if isinstance(inst, dict) and isinstance(inst.get("id"), int) else None
        event = sansio.Event(data, event=delivery.event, delivery_id=delivery.id)
        started, outcome = time.perf_counter(), "failed"
        try:
            gh = await self.client_for(installation_id)
            ctx = AppContext(settings=self.settings, store=self.store, metrics=self.metrics, slug=self.slug,
                             bot_login=self.bot_login, dry_run=self.settings.dry,
                             api_url=self.settings.github_api_url, installation_id=installation_id,
                             ruleset=self.ruleset, classifier=self.classifier, caches=self.caches)
            await self.router.dispatch(event, gh, ctx)
            outcome = "done"
        finally:
            self.metrics.handler_seconds.labels(event=delivery.event).observe(time.perf_counter() - started)
            self.metrics.delivery(delivery.event, outcome)

    async def read_body(self, request: web.Request) -> bytes:
        """The raw body, refusing (413) anything over MAX_BODY_BYTES before or while reading it."""
        limit = self.settings.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            raise webhook.Rejected(413, f"Body larger than {limit} bytes")
        body = bytearray()
        async for chunk in request.content.iter_chunked(1 << 16):
            body += chunk
            if len(body) > limit:
                raise webhook.Rejected(413, f"Body larger than {limit} bytes")
        return bytes(body)

    async def on_webhook(self, request: web.Request) -> web.Response:
        """Verify, deduplicate, store and queue one delivery; answer 202 at once."""
        try:
            event, delivery_id = webhook.check_headers(request.headers, need_signature=self.secret is not None)
            body = await self.read_body(request)
            webhook.verify(body, request.headers.get("X-Hub-Signature-256"), self.secret)
            incoming = webhook.parse(body, event, delivery_id)
        except webhook.Rejected as rej:
            self.metrics.delivery("-", f"rejected_{rej.status}")
            return web.json_response({"error": rej.error}, status=rej.status)
        if incoming.event == "ping":
            self.metrics.delivery("ping", "pong")
            return web.json_response({"status": "pong"})
        try:
            payload = body.decode("utf-8")
        except UnicodeDecodeError:
            payload = json.dumps(incoming.data)
        try:
            issue, installation = claim_keys(incoming.data)
            new = await self.store.add_delivery(incoming.delivery_id, incoming.event, incoming.action, payload,
                                                time.time(), issue_key=issue, installation_id=installation)
        except Exception:  # noqa: BLE001 - our own failure: tell GitHub so the delivery shows as failed
            log.exception("store unavailable; delivery %s not accepted", incoming.delivery_id)
            return web.json_response({"error": "store unavailable"}, status=503)
        if not new:
            self.metrics.delivery(incoming.event, "duplicate")
            return web.json_response({"status": "duplicate"})
        self.metrics.delivery(incoming.event, "queued")
        if self.role == "all":
            self.queue.submit(incoming.delivery_id)
        elif self.worker_thread is not None:
            self.worker_thread.wake()
        return web.json_response({"status": "queued"}, status=202)

    async def on_healthz(self, request: web.Request) -> web.Response:
        """Version, queue depth, the database's status and answer time, this replica's name."""
        started = time.perf_counter()
        ok = await self.store.healthy()
        database = {"backend": self.store.dialect, "ok": ok, "ms": round((time.perf_counter() - started) * 1000, 2)}
        if self.role != "web":
            worker = "in-process"
        else:  # "separate": `serve --role web`, whose workers are other processes
            worker = (self.supervisor or self.worker_thread).state if self.own_worker else "separate"
        # web: the worker's queue, read from the store
        depth = await self.store.open_count() if self.role == "web" and ok else self.queue.depth()
        up = worker in ("ok", "in-process", "separate")
        body = {"status": "ok" if ok and up else "degraded", "version": bot.__version__,
                "queue_depth": depth, "store": "ok" if ok else "error", "worker": worker, "database": database,
                "replica": self.replica}
        return web.json_response(body, status=200 if ok else 503)

    async def on_metrics(self, request: web.Request) -> web.Response:
        """Prometheus text exposition; the database's queue (depth, oldest claim) is read now."""
        try:
            stats = await self.store.queue_stats(time.time())
        except Exception:  # noqa: BLE001 - the rest of the metrics still answer; /healthz says what is wrong
            log.warning("could not read the queue's figures from the store", exc_info=True)
        else:
            self.metrics.store_queue.labels(status="pending").set(stats.pending)
            self.metrics.store_queue.labels(status="running").set(stats.running)
            self.metrics.store_age.labels(what="pending").set(stats.oldest_pending_seconds)
            self.metrics.store_age.labels(what="claim").set(stats.oldest_claim_seconds)
        pool = getattr(self.store, "pool", None)
        for stat, value in (pool.get_stats().items() if hasattr(pool, "get_stats") else ()):
            self.metrics.store_pool.labels(stat=stat).set(value)
        return web.Response(body=self.metrics.render(), headers={"Content-Type": Metrics.content_type})


class TimedStore:
    """A store whose every coroutine method is timed into a histogram (by method name); the rest passes through."""

    def __init__(self, store: Store, histogram: Any):
        self._store, self._histogram = store, histogram
        self._timed: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        """The store's attribute; its coroutine methods wrapped once in a timer."""
        if name in self._timed:
            return self._timed[name]
        attr = getattr(self._store, name)
        if not asyncio.iscoroutinefunction(attr):
            return attr
        child = self._histogram.labels(op=name)

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await attr(*args, **kwargs)
            finally:
                child.observe(time.perf_counter() - started)

        self._timed[name] = timed
        return timed


class WorkerThread:
    """WORKER=thread (the default): a worker-role server on its own event loop in a thread of this process.

    Acknowledgements then wait at most one GIL switch interval (SWITCH_SECONDS instead of 5 ms) for triage, never
    for a whole loop turn of it. The thread runs at a lower OS priority, like the worker process, and shares our
    metrics. It polls the store like the worker process; a kill -9 takes it down with the web side.
    """

    SWITCH_SECONDS = 0.0005
    NICE = 10

    def __init__(self, settings: Settings, metrics: Metrics):
        self.settings, self.metrics = settings, metrics
        self.thread = threading.Thread(target=self._main, name="firstmile-worker", daemon=True)
        self.started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopping: asyncio.Event | None = None
        self.server: BotServer | None = None
        self.switch = sys.getswitchinterval()

    @property
    def state(self) -> str:
        """"ok" while the thread runs, else "stopped"."""
        return "ok" if self.thread.is_alive() else "stopped"

    async def start(self) -> None:
        """Shorten the switch interval, start the thread and wait until its server is ready (or failed to start)."""
        sys.setswitchinterval(self.SWITCH_SECONDS)
        self.thread.start()
        await self.started

    def _main(self) -> None:
        """The thread: lower its own OS priority (Linux), then serve until stop()."""
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.NICE)
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        """Start the worker-role server, report readiness to the web loop, wait for stop(), drain."""
        web_loop = self.started.get_loop()
        server = self.server = BotServer(self.settings, insecure_no_secret=True, role="worker", metrics=self.metrics)
        server.poll_seconds = THREAD_POLL_SECONDS  # the web side wakes it for each delivery
        try:
            await server.start()
        except Exception as exc:  # noqa: BLE001 - handed to the web loop, which fails start-up with it
            web_loop.call_soon_threadsafe(self.started.set_exception, exc)
            return
        self.loop, self.stopping = asyncio.get_running_loop(), asyncio.Event()
        web_loop.call_soon_threadsafe(self.started.set_result, None)
        await self.stopping.wait()
        await server.stop()

    def wake(self) -> None:
        """A delivery was stored: wake one of the thread's idle workers (from the web loop's thread)."""
        if self.loop is not None and self.server is not None:
            self.loop.call_soon_threadsafe(self.server.queue.submit, "")

    async def stop(self) -> None:
        """Ask the worker to drain and stop, wait for the thread, restore the switch interval."""
        if self.loop is not None and self.stopping is not None:
            self.loop.call_soon_threadsafe(self.stopping.set)
        await asyncio.to_thread(self.thread.join)
        sys.setswitchinterval(self.switch)


SERVER_KEY: web.AppKey[BotServer] = web.AppKey("firstmile", BotServer)


def create_app(settings: Settings, router: Router | None = None, *, insecure_no_secret: bool = False,
               role: str = "all", own_worker: bool = True) -> web.Application:
    """The aiohttp application; start-up and shutdown run through its cleanup context (role "worker": no webhook
    route, only /healthz and /metrics)."""
    server = BotServer(settings, router, insecure_no_secret=insecure_no_secret or role == "worker", role=role,
                       own_worker=own_worker)
    app = web.Application(client_max_size=settings.max_body_bytes + 1)
    app[SERVER_KEY] = server
    if role != "worker":
        app.router.add_post("/webhook", server.on_webhook)
        app.router.add_post("/", server.on_webhook)
    app.router.add_get("/healthz", server.on_healthz)
    app.router.add_get("/metrics", server.on_metrics)

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        await server.start()
        yield
        await server.stop()

    app.cleanup_ctx.append(lifecycle)
    return app


WORKER_NICE = 5
"""How much lower a worker process runs than the web process, so that acknowledgements come first."""


def run(settings: Settings, *, insecure_no_secret: bool = False, role: str = "all", **kwargs: Any) -> None:
    """Serve until SIGTERM/SIGINT, then stop accepting and drain (aiohttp's run_app handles the signals). `role`:
    "all" acknowledges and handles (WORKER says how); "web" only acknowledges into the database; "worker" only
    handles what the database holds, at a lower OS priority, answering /healthz and /metrics."""
    if role == "worker":
        os.nice(WORKER_NICE)
    shape = role if role != "all" else "all" if settings.worker == "inline" else "web"
    app = create_app(settings, insecure_no_secret=insecure_no_secret, role=shape, own_worker=role == "all")
    app.on_startup.append(_freeze)  # runs after the server (and its worker thread) started
    web.run_app(app, host=settings.host, port=settings.port, print=None, **kwargs)


async def _freeze(_app: web.Application | None = None) -> None:
    """Exempt what start-up built (rules, classifier) from garbage collection: a full pass over it takes ~30 ms."""
    gc.collect()
    gc.freeze()


def work(settings: Settings, parent: int) -> None:
    """The worker process (WORKER=process): handle stored deliveries until SIGTERM; die with the web process."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: a kill -9 of the parent kills us too
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)
    os.nice(WORKER_NICE)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(_work(settings))


def _exit_on_eof() -> None:
    """stdin is the web process's pipe: EOF means it died, so stop at once (interrupted work stays in the store)."""
    if not os.read(0, 4096):
        log.error("web process gone; worker exiting")
        os._exit(1)


async def _work(settings: Settings) -> None:
    """Start the handling side of the server, wait for SIGTERM or SIGINT (or the web process to die), drain, stop."""
    server = BotServer(settings, insecure_no_secret=True, role="worker")  # webhooks are verified by the web process
    await server.start()
    await _freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if stat.S_ISFIFO(os.fstat(0).st_mode):
        loop.add_reader(0, _exit_on_eof)
    await stop.wait()
    await server.stop()
