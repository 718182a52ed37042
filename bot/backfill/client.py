"""A GitHub client for long runs: paced by the rate limit (waits as long as GitHub says), capped, conditional pages."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from gidgethub import sansio
from multidict import CIMultiDict

from bot.backfill.pacing import Pacer, RunStats
from bot.github.client import USER_AGENT, GitHubClient, GitHubUnavailable, backoff

log = logging.getLogger(__name__)

MAX_LIMIT_WAITS = 100
"""Consecutive rate-limit answers to one request before giving up (GitHub would be misbehaving)."""


@dataclass(frozen=True)
class Page:
    """One list page: `items` is None when GitHub answered 304 (unchanged since `etag`)."""

    status: int
    items: list[Any] | dict | None
    etag: str | None
    next_url: str | None
    last_page: int | None


def links(header: str) -> dict[str, str]:
    """The rel -> URL pairs of a Link header."""
    out = {}
    for part in header.split(","):
        url, _, params = part.partition(";")
        url = url.strip()
        if not (url.startswith("<") and url.endswith(">")):
            continue
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "rel":
                for rel in value.strip('"').split():
                    out[rel] = url[1:-1]
    return out


def page_number(url: str | None) -> int | None:
    """The `page=` of a page URL, if any."""
    if not url:
        return None
    for pair in url.partition("?")[2].split("&"):
        key, _, value = pair.partition("=")
        if key == "page" and value.isdigit():
            return int(value)
    return None


class BackfillClient(GitHubClient):
    """Waits out primary and secondary rate limits however long they last (a backfill is a batch), retries 5xx
    and network errors within the retry budget, and counts every request against the run's cap. With `on_refused`
    (refused token -> a new one), a request GitHub answers 401 with the installation token is sent once more."""

    def __init__(self, session: aiohttp.ClientSession, *, stats: RunStats, pacer: Pacer | None = None,
                 on_refused: Callable[[str], Awaitable[str]] | None = None, **kwargs: Any):
        super().__init__(session, **kwargs)
        self.pacer = pacer or Pacer(stats)
        self.on_refused = on_refused

    async def _request(self, method: str, url: str, headers: Mapping[str, str],
                       body: bytes = b"") -> tuple[int, Mapping[str, str], bytes]:
        """One logical request, paced; rate limits waited out, transient failures retried within the budget."""
        loop, deadline, path = self._begin(url)
        failures = limits = 0
        refused = False
        while True:
            mint = method == "POST" and path.endswith("/access_tokens")
            await self.pacer.before("TOKEN" if mint else method)
            try:
                async with self._session.request(method, url, headers=headers, data=body,
                                                 timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
                    status, answer, data = resp.status, CIMultiDict(resp.headers), await resp.read()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                self.metrics.api_call("error")
                failures += 1
                wait = backoff(failures, self.backoff_base)
                if loop.time() + wait > deadline:
                    reason = f"{type(exc).__name__} after {failures} attempts"
                    raise GitHubUnavailable(f"{method} {path}: {reason}") from None
                log.warning("GitHub %s %s: %s, retrying in %.1fs", method, path, type(exc).__name__, wait)
                await asyncio.sleep(wait)
                continue
            self.metrics.api_call(status)
            self.pacer.observe(status, answer)
            if status == 401 and not refused and self._sent_token(headers):
                refused = True
                log.info("GitHub %s %s: HTTP 401 to the installation token; minting a new one", method, path)
                self.oauth_token = await self.on_refused(self.oauth_token)
                headers = {**headers, "authorization": f"token {self.oauth_token}"}
                continue
            limit_wait = self.pacer.limited(status, answer, data)
            if limit_wait is not None and limits < MAX_LIMIT_WAITS:
                limits += 1
                await self.pacer.wait(limit_wait, f"GitHub {method} {path}: HTTP {status} rate limit")
                continue
            if status >= 500:
                failures += 1
                wait = backoff(failures, self.backoff_base)
                if loop.time() + wait <= deadline:
                    log.warning("GitHub %s %s: HTTP %d, retrying in %.1fs", method, path, status, wait)
                    await asyncio.sleep(wait)
                    continue
            return status, answer, data

    def _sent_token(self, headers: Mapping[str, str]) -> bool:
        """Whether a request went with the installation token that `on_refused` can replace."""
        return (self.on_refused is not None and self.oauth_token is not None
                and headers.get("authorization") == f"token {self.oauth_token}")

    async def get_page(self, url: str, etag: str | None = None) -> Page:
        """GET one list page (absolute URL or path), conditionally when an ETag is known."""
        if not url.startswith(("http://", "https://")):
            url = self.base_url + url
        headers = sansio.create_headers(USER_AGENT, accept=sansio.accept_format(), oauth_token=self.oauth_token)
        if etag:
            headers["if-none-match"] = etag
        status, answer, data = await self._request("GET", url, headers)
        rels = links(answer.get("Link", ""))
        nxt = rels.get("next")
        if status == 304:
            return Page(304, None, etag, nxt, page_number(rels.get("last")))
        if status != 200:
            sansio.decipher_response(status, answer, data)  # raises the gidgethub exception for the status
            raise GitHubUnavailable(f"GET {url}: HTTP {status}")
        return Page(200, json.loads(data or b"null"), answer.get("ETag"), nxt, page_number(rels.get("last")))
