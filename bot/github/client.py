"""The GitHub API client: gidgethub over one aiohttp session, with retries, rate-limit waits, metrics and a dry mode."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from gidgethub.aiohttp import GitHubAPI
from multidict import CIMultiDict

from bot.github.metrics import Metrics

log = logging.getLogger(__name__)

USER_AGENT = "firstmile"
SECONDARY_LIMIT_WAIT = 60.0


class GitHubUnavailable(Exception):
    """GitHub did not answer usefully within the retry budget."""


def backoff(attempt: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Full-jitter exponential backoff for the given 1-based attempt."""
    return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))


def retry_wait(status: int, headers: Mapping[str, str], body: bytes, attempt: int, now: float,
               base: float = 0.5) -> float | None:
    """Seconds to wait before retrying this answer, or None when it is final (success or a real client error)."""
    if status >= 500:
        return backoff(attempt, base)
    if status not in (403, 429):
        return None
    retry_after = headers.get("Retry-After", "")
    if retry_after.strip().isdigit():
        return float(retry_after)
    if headers.get("X-RateLimit-Remaining") == "0" and headers.get("X-RateLimit-Reset", "").strip().isdigit():
        return max(0.0, float(headers["X-RateLimit-Reset"]) - now) + 1.0
    if status == 429 or b"secondary rate limit" in body.lower():
        return max(SECONDARY_LIMIT_WAIT, backoff(attempt, base))
    return None


class GitHubClient(GitHubAPI):
    """An installation- or App-authenticated client that retries 5xx, timeouts and rate limits within a budget."""

    def __init__(self, session: aiohttp.ClientSession, *, base_url: str, metrics: Metrics,
                 oauth_token: str | None = None, cache: Any = None, timeout: float = 10.0,
                 retry_seconds: float = 60.0, backoff_base: float = 0.5):
        super().__init__(session, USER_AGENT, oauth_token=oauth_token, cache=cache, base_url=base_url)
        self.metrics, self.timeout, self.retry_seconds = metrics, timeout, retry_seconds
        self.backoff_base = backoff_base

    def _check_host(self, url: str) -> None:
        """Refuse any URL outside GITHUB_API_URL, so a token never goes to a host taken from a payload."""
        if not (url == self.base_url or url.startswith(self.base_url + "/") or url.startswith(self.base_url + "?")):
            raise ValueError(f"refusing a request outside GITHUB_API_URL: {url.split('?')[0]}")

    def _begin(self, url: str) -> tuple[asyncio.AbstractEventLoop, float, str]:
        """Start one logical request: check the host; the running loop, the retry deadline and the path for logs."""
        self._check_host(url)
        loop = asyncio.get_running_loop()
        return loop, loop.time() + self.retry_seconds, self._path(url)

    def _path(self, url: str) -> str:
        """The API path of a URL, without the query (what logs name)."""
        return url[len(self.base_url):].split("?")[0]

    async def _request(self, method: str, url: str, headers: Mapping[str, str],
                       body: bytes = b"") -> tuple[int, Mapping[str, str], bytes]:
        """One logical request: retried with jittered backoff until it succeeds, fails for real, or the budget ends."""
        loop, deadline, path = self._begin(url)
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._session.request(
                    method, url, headers=headers, data=body, timeout=aiohttp.ClientTimeout(total=self.timeout)
                ) as resp:
                    status, answer_headers, data = resp.status, CIMultiDict(resp.headers), await resp.read()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                self.metrics.api_call("error")
                wait, reason = backoff(attempt, self.backoff_base), f"{type(exc).__name__}"
                if loop.time() + wait > deadline:
                    log.error("GitHub %s %s failed after %d attempts: %s", method, path, attempt, reason)
                    raise GitHubUnavailable(f"{method} {path}: {reason} after {attempt} attempts") from None
            else:
                self.metrics.api_call(status)
                wait = retry_wait(status, answer_headers, data, attempt, time.time(), self.backoff_base)
                if wait is None:
                    return status, answer_headers, data
                reason = f"HTTP {status}"
                if loop.time() + wait > deadline:
                    log.error("GitHub %s %s: giving up after %d attempts (%s)", method, path, attempt, reason)
                    return status, answer_headers, data
            log.warning("GitHub %s %s: %s, retrying in %.1fs (attempt %d)", method, path, reason, wait, attempt)
            await asyncio.sleep(wait)


class DryRunClient(GitHubClient):
    """Performs no writes: logs what it would send and answers with a plausible empty result.

    Reads go to GitHub when a token is available (shadow mode sees real labels and config); without one they are
    answered empty, and file contents as 404 (no config file).
    """

    async def _request(self, method: str, url: str, headers: Mapping[str, str],
                       body: bytes = b"") -> tuple[int, Mapping[str, str], bytes]:
        """Log writes, pass reads through when authenticated, else answer empty."""
        self._check_host(url)
        path = self._path(url)
        json_headers = {"content-type": "application/json; charset=utf-8"}
        if method == "GET":
            if self.oauth_token is not None or "authorization" in headers:
                return await super()._request(method, url, headers, body)
            if "/contents/" in path:
                return 404, json_headers, b'{"message": "Not Found (dry run)"}'
            last = path.rstrip("/").rsplit("/", 1)[-1]
            empty = b"[]" if last in {"labels", "comments", "reactions", "issues", "repositories"} else b"{}"
            return 200, json_headers, empty
        sent: Any = json.loads(body) if body else None
        log.info("dry run: would %s %s %s", method, path, _summary(sent))
        if method == "DELETE":
            return 204, {}, b""
        result = dict(sent) if isinstance(sent, dict) else {}
        result.setdefault("id", 0)
        return (201 if method == "POST" else 200), json_headers, json.dumps(result).encode()


def _summary(body: Any, limit: int = 200) -> str:
    """A short one-line rendering of a request body for the dry-run log."""
    if body is None:
        return ""
    text = json.dumps(body, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"
