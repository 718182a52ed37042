"""A reusable fake GitHub (a real aiohttp server with state) and helpers to run and feed our server against it."""

from tests.fakegithub.harness import APP_ID, SECRET, Running, rsa_pair, start_server
from tests.fakegithub.server import Fault, FakeGitHub, Recorded, schedule
from tests.fakegithub.webhooks import Sender, headers, payload, raw_payload, sign

__all__ = ["APP_ID", "SECRET", "Fault", "FakeGitHub", "Recorded", "Running", "Sender", "headers", "payload",
           "raw_payload", "rsa_pair", "schedule", "sign", "start_server"]
