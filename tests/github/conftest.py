"""Fixtures shared by the GitHub-side tests; a module may define its own `env` to start from another state."""

import pytest

from tests.github.triagekit import OOM_BODY, OOM_TITLE, REPO


@pytest.fixture
async def env(fake_github, app_server, sender):
    """Issue #1 (an OOM report without environment) in the fake, and our running server."""
    fake_github.add_issue(REPO, 1, title=OOM_TITLE, body=OOM_BODY, login="reporter")
    running = await app_server()
    return fake_github, running, sender(running)
