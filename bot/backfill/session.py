"""One backfill run against GitHub: App auth (or a plain token for reading), the repositories to do, the clients."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.backfill.client import BackfillClient
from bot.backfill.pacing import RunStats
from bot.backfill.progress import Progress
from bot.backfill.related import index_hook
from bot.backfill.runner import Backfill, OnDecision, Options
from bot.backfill.store import BackfillStore, open_backfill_store
from bot.github.auth import AppAuth
from bot.github.context import AppContext
from bot.github.metrics import Metrics
from bot.settings import Settings

log = logging.getLogger(__name__)


class SetupError(Exception):
    """The run cannot start (no credentials, a repository the App is not installed on...): one line for the user."""


async def run(settings: Settings, repos: Sequence[str], *, every: bool = False, options: Options = Options(),
              progress: Progress | None = None, max_requests: int | None = None,
              on_decision: Sequence[OnDecision] = (), store: BackfillStore | None = None,
              stats: RunStats | None = None, index: bool = True) -> tuple[Backfill, RunStats]:
    """Backfill the given repositories (or every repository of every installation); returns the runner and stats.
    With `index`, each triaged issue also goes into the related-issue index when this build has one."""
    from bot.github.triage import load_rules

    progress = progress or Progress()
    stats = stats or RunStats(max_requests=max_requests)
    stats.on_wait = progress.waiting
    own_store = store is None
    store = store or await open_backfill_store(settings.database_url)
    metrics = Metrics()
    ruleset, classifier = load_rules()
    try:
        async with aiohttp.ClientSession() as session:
            def client(token: str | None = None) -> BackfillClient:
                return BackfillClient(session, stats=stats, base_url=settings.github_api_url, metrics=metrics,
                                      oauth_token=token, timeout=settings.github_timeout,
                                      retry_seconds=settings.github_retry_seconds,
                                      backoff_base=settings.github_backoff_seconds)

            pem = settings.private_key_pem()
            ctx = None
            if settings.app_id and pem:
                app = client()
                auth = AppAuth(settings.app_id, pem, lambda path, jwt: app.post(path, data=b"", jwt=jwt))
                targets = await _targets(app, auth, client, repos, every)
                if options.apply != "none":
                    me = await app.getitem("/app", jwt=auth.jwt())
                    from bot.store import open_store

                    ctx = AppContext(settings=settings, store=await open_store(settings.database_url), metrics=metrics,
                                     slug=str(me["slug"]), bot_login=f"{me['slug']}[bot]",
                                     dry_run=settings.dry_run, api_url=settings.github_api_url, ruleset=ruleset,
                                     classifier=classifier)

                async def refresh(gh: BackfillClient) -> None:
                    gh.oauth_token = await auth.token(gh.installation_id)
            else:
                token = os.environ.get("GITHUB_TOKEN", "").strip()
                if not token:
                    raise SetupError("backfill needs the App's APP_ID and PRIVATE_KEY (or GITHUB_TOKEN to read only)")
                if every:
                    raise SetupError("--all needs the App's APP_ID and PRIVATE_KEY")
                if options.apply != "none":
                    raise SetupError("--apply needs the App's APP_ID and PRIVATE_KEY (it writes as the App)")
                targets = [(name, None) for name in repos]
                refresh = None
            hooks = list(on_decision)
            if index and (hook := index_hook(settings)) is not None:
                hooks.append(hook)
            runner = Backfill(store, ruleset=ruleset, classifier=classifier, options=options, progress=progress,
                              on_decision=hooks, ctx=ctx, refresh=refresh)
            try:
                for full_name, installation_id in targets:
                    owner, name = full_name.split("/", 1)
                    gh = client(None if refresh else token)
                    gh.installation_id = installation_id
                    if ctx is not None:
                        runner.ctx = dataclasses.replace(ctx, installation_id=installation_id)
                    await runner.repo(gh, owner, name)
            finally:
                if ctx is not None:
                    await ctx.store.close()
            return runner, stats
    finally:
        if own_store:
            await store.close()


async def _targets(app: BackfillClient, auth: AppAuth, client: Any, repos: Sequence[str],
                   every: bool) -> list[tuple[str, int]]:
    """(full name, installation id) of each repository to backfill."""
    from gidgethub import BadRequest

    if not every:
        out = []
        for full_name in repos:
            owner, name = full_name.split("/", 1)
            try:
                inst = await app.getitem("/repos/{owner}/{repo}/installation", {"owner": owner, "repo": name},
                                         jwt=auth.jwt())
            except BadRequest as exc:
                if exc.status_code == 404:
                    raise SetupError(f"{full_name}: the App is not installed there (or it does not exist)") from None
                raise
            out.append((full_name, int(inst["id"])))
        return out
    out = []
    async for inst in app.getiter("/app/installations{?per_page}", {"per_page": 100}, jwt=auth.jwt()):
        gh = client(await auth.token(int(inst["id"])))
        async for repo in gh.getiter("/installation/repositories{?per_page}", {"per_page": 100},
                                     iterable_key="repositories"):
            out.append((str(repo["full_name"]), int(inst["id"])))
    return out
