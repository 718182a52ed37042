"""Signing and posting the real webhook payloads in tests/fixtures, with `installation` added as for Apps."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from pathlib import Path
from typing import Any

import aiohttp

PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "github" / "webhooks"


def raw_payload(name: str) -> bytes:
    """The fixture file's exact bytes, e.g. raw_payload("issues.opened")."""
    return (PAYLOADS / f"{name}.json").read_bytes()


def payload(name: str, installation_id: int | None = 1, **changes: Any) -> dict[str, Any]:
    """A fixture payload with `installation` set (as GitHub sends to Apps) and top-level keys replaced."""
    data = json.loads(raw_payload(name))
    if installation_id is not None:
        data["installation"] = {"id": installation_id, "node_id": f"MDIzOkluc3RhbGxhdGlvbg{installation_id}"}
    data.update(changes)
    return data


def sign(body: bytes, secret: str) -> str:
    """GitHub's X-Hub-Signature-256 value for a raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers(event: str, body: bytes, secret: str | None, delivery_id: str | None = None) -> dict[str, str]:
    """The headers GitHub sends with a delivery."""
    h = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
         "Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/044aadd",
         "X-GitHub-Hook-ID": "12312312", "X-GitHub-Hook-Installation-Target-Type": "integration"}
    if secret is not None:
        h["X-Hub-Signature-256"] = sign(body, secret)
    return h


class Sender:
    """Posts deliveries to our server: `await sender.send("issues", payload("issues.opened"))` -> (status, json)."""

    def __init__(self, url: str, secret: str | None, session: aiohttp.ClientSession):
        self.url, self.secret, self.session = url, secret, session

    async def post(self, body: bytes, hdrs: dict[str, str], path: str = "/webhook") -> tuple[int, Any]:
        """Post raw bytes with exactly these headers."""
        async with self.session.post(self.url + path, data=body, headers=hdrs) as resp:
            text = await resp.text()
            try:
                return resp.status, json.loads(text)
            except ValueError:
                return resp.status, text

    async def send(self, event: str, data: dict[str, Any] | bytes, delivery_id: str | None = None) -> tuple[int, Any]:
        """Sign and post one delivery."""
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        return await self.post(body, headers(event, body, self.secret, delivery_id))
