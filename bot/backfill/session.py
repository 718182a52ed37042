"""One backfill run against GitHub: App auth (or a plain token for reading), the repositories to do, the clients."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Sequence
from typing import Any

import aiohttp
from gidgethub import BadRequest

from bot.backfill.client import BackfillClient
from bot.backfill.credentials import StoredTokens
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
            auth: AppAuth | None = None

            def client(token: str | None = None, installation_id: int | None = None) -> BackfillClient:
                gh = BackfillClient(session, stats=stats, base_url=settings.github_api_url, metrics=metrics,
                                    oauth_token=token, timeout=settings.github_timeout,
                                    retry_seconds=settings.github_retry_seconds,
                                    backoff_base=settings.github_backoff_seconds)
                if auth is not None and installation_id is not None:
                    gh.installation_id = installation_id
                    gh.on_refused = lambda refused: auth.refused(installation_id, refused)
                return gh

            pem = settings.private_key_pem()
            ctx = None
            if settings.app_id and pem:
                app = client()
                auth = AppAuth(settings.app_id, pem, lambda path, jwt: app.post(path, data=b"", jwt=jwt),
                               vault=StoredTokens(store, settings.app_id, pem))
                targets = await _targets(app, auth, client, store, repos, every)
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
                targets = [(name, None, False) for name in repos]
                refresh = None
            hooks = list(on_decision)
            if index and (hook := index_hook(settings)) is not None:
                hooks.append(hook)
            runner = Backfill(store, ruleset=ruleset, classifier=classifier, options=options, progress=progress,
                              on_decision=hooks, ctx=ctx, refresh=refresh)

            async def backfill(owner: str, name: str, installation_id: int | None) -> None:
                if ctx is not None:
                    runner.ctx = dataclasses.replace(ctx, installation_id=installation_id)
                await runner.repo(client(None if refresh else token, installation_id), owner, name)

            try:
                for full_name, installation_id, remembered in targets:
                    owner, name = full_name.split("/", 1)
                    try:
                        await backfill(owner, name, installation_id)
                    except BadRequest as exc:
                        if not remembered or exc.status_code not in (401, 404):
                            raise
                        log.info("%s: stored installation %d answered HTTP %d; looking it up", full_name,
                                 installation_id, exc.status_code)
                        found = await _lookup(app, auth, store, full_name)
                        if found == installation_id:
                            raise
                        await backfill(owner, name, found)
            finally:
                if ctx is not None:
                    await ctx.store.close()
            return runner, stats
    finally:
        if own_store:
            await store.close()


async def _lookup(app: BackfillClient, auth: AppAuth, store: BackfillStore, full_name: str) -> int:
    """The repository's installation id, asked of GitHub and remembered in the store."""
    owner, name = full_name.split("/", 1)
    try:
        inst = await app.getitem("/repos/{owner}/{repo}/installation", {"owner": owner, "repo": name}, jwt=auth.jwt())
    except BadRequest as exc:
        if exc.status_code == 404:
            raise SetupError(f"{full_name}: the App is not installed there (or it does not exist)") from None
        raise
    await store.remember_installation(auth.app_id, full_name, int(inst["id"]))
    return int(inst["id"])


async def _targets(app: BackfillClient, auth: AppAuth, client: Any, store: BackfillStore, repos: Sequence[str],
                   every: bool) -> list[tuple[str, int, bool]]:
    """(full name, installation id, whether the id came from the store) of each repository to backfill; a stored id
    saves the lookup (GitHub's installation lookup answers no conditional request)."""
    if not every:
        out = []
        for full_name in repos:
            stored = await store.installation(auth.app_id, full_name)
            out.append((full_name, stored, True) if stored is not None
                       else (full_name, await _lookup(app, auth, store, full_name), False))
        return out
    out = []
    async for inst in app.getiter("/app/installations{?per_page}", {"per_page": 100}, jwt=auth.jwt()):
        installation_id = int(inst["id"])
        gh = client(await auth.token(installation_id), installation_id)
        async for repo in gh.getiter("/installation/repositories{?per_page}", {"per_page": 100},
                                     iterable_key="repositories"):
            await store.remember_installation(auth.app_id, str(repo["full_name"]), installation_id)
            out.append((str(repo["full_name"]), installation_id, False))
    return out
