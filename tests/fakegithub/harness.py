"""Running our real server on loopback against the fake GitHub, for tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from gidgethub.routing import Router

from bot.github.routers import compose
from bot.github.server import SERVER_KEY, BotServer, create_app
from bot.settings import load_settings

SECRET = "It's a Secret to Everybody"
APP_ID = "12345"


def rsa_pair() -> tuple[str, str]:
    """A fresh (private PEM, public PEM) RSA pair for the App."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@dataclass
class Running:
    """Our server, started: `url`, the BotServer inside, and `stop()`."""

    url: str
    server: BotServer
    runner: web.AppRunner
    stopped: bool = False

    async def stop(self) -> None:
        """Stop accepting, drain, and close (what SIGTERM does); safe to call twice."""
        if not self.stopped:
            self.stopped = True
            await self.runner.cleanup()


async def start_server(*, routers: list[Router] = (), insecure_no_secret: bool = False, **settings: Any) -> Running:
    """Start create_app() on a free loopback port with these settings (lower-case names, e.g. app_id=...)."""
    values = {"webhook_secret": SECRET, "database_url": "sqlite:///:memory:", "log_level": "INFO"} | settings
    app = create_app(load_settings(**values), compose(routers), insecure_no_secret=insecure_no_secret)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return Running(f"http://127.0.0.1:{port}", app[SERVER_KEY], runner)
