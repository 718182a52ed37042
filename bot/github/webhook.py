"""Checking one webhook delivery: headers, content type, size, HMAC signature over the raw body, then JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gidgethub import ValidationFailure
from gidgethub.sansio import validate_event

MAX_ID_LENGTH = 128


class Rejected(Exception):
    """A delivery we refuse, with the HTTP status and a short reason for the JSON error body."""

    def __init__(self, status: int, error: str):
        super().__init__(error)
        self.status, self.error = status, error


@dataclass(frozen=True)
class Incoming:
    """A verified, parsed delivery."""

    delivery_id: str
    event: str
    action: str | None
    data: dict[str, Any]


def check_headers(headers: Mapping[str, str], *, need_signature: bool) -> tuple[str, str]:
    """Return (event, delivery id) or raise Rejected: 400 for missing/odd headers, 401 without a signature, 415."""
    missing = [h for h in ("X-GitHub-Event", "X-GitHub-Delivery") if not headers.get(h)]
    if missing:
        raise Rejected(400, f"Required headers missing: {', '.join(missing)}")
    if need_signature and not headers.get("X-Hub-Signature-256"):
        raise Rejected(401, "Required header missing: X-Hub-Signature-256")
    content_type = headers.get("Content-Type", "")
    if not content_type.lower().startswith("application/json"):
        raise Rejected(415, 'Unsupported "Content-Type" header value. Must be "application/json"')
    event, delivery = headers["X-GitHub-Event"], headers["X-GitHub-Delivery"]
    if not (len(event) <= 64 and event.isascii() and event.replace("_", "").isalpha()):
        raise Rejected(400, "Malformed X-GitHub-Event header")
    if not (len(delivery) <= MAX_ID_LENGTH and delivery.isascii() and delivery.isprintable()):
        raise Rejected(400, "Malformed X-GitHub-Delivery header")
    return event.lower(), delivery


def verify(body: bytes, signature: str | None, secret: str | None) -> None:
    """Check `sha256=<hex>` against the HMAC of the raw body in constant time; raise Rejected(401) on mismatch."""
    if secret is None:
        return
    if not signature or not signature.isascii() or not signature.startswith("sha256="):
        raise Rejected(401, "Invalid signature: X-Hub-Signature-256 must be sha256=<hex digest>")
    try:
        validate_event(body, signature=signature, secret=secret)
    except ValidationFailure:
        raise Rejected(401, "Invalid signature") from None


def parse(body: bytes, event: str, delivery_id: str) -> Incoming:
    """Decode the JSON object body; raise Rejected(400) when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise Rejected(400, "Body is not valid JSON") from None
    if not isinstance(data, dict):
        raise Rejected(400, "Body must be a JSON object")
    action = data.get("action")
    return Incoming(delivery_id, event, action if isinstance(action, str) else None, data)

