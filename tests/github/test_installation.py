"""Tests for bot.github.installation: installation events are logged, through the real server."""

from __future__ import annotations

import logging

from bot.github import installation
from tests.fakegithub import payload


async def test_installation_events_are_logged(app_server, sender, recorder, caplog):
    caplog.set_level(logging.INFO, logger="bot.github.installation")
    running = await app_server()  # the default composition plus the recorder
    await sender(running).send("installation", payload("installation.created", installation_id=None))
    await sender(running).send("installation_repositories",
                               payload("installation_repositories.added", installation_id=None))
    await recorder.wait(2)
    assert "installation created: id=" in caplog.text
    assert "repositories added: added=" in caplog.text


async def test_installation_is_in_the_default_composition():
    from bot.github.routers import ROUTERS

    assert installation.router in ROUTERS
