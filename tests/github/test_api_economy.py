"""API economy: a new issue in a repo whose labels exist costs at most 3 calls (labels, comment, uncached config)."""

from __future__ import annotations

from bot.github import repoconfig
from tests.github.triagekit import OOM_BODY, OOM_LABELS, OOM_TITLE, REPO, deliver, issue_event


def calls_for(fake, start: int) -> list[str]:
    """The requests since `start`, as "METHOD path", App-level calls (token, /app) excluded."""
    return [f"{r.method} {r.path}" for r in fake.requests[start:]
            if not r.path.startswith("/app")]


async def test_new_issue_costs_at_most_three_calls_plus_one_token_per_hour(fake_github, app_server, sender):
    for name in [*OOM_LABELS, "needs-info", "possible-duplicate"]:
        fake_github._label(fake_github.repos[REPO.lower()], name)
    for n in (1, 2, 3):
        fake_github.add_issue(REPO, n, title=OOM_TITLE, body=OOM_BODY, login="reporter")
    running = await app_server()
    send = sender(running)
    await deliver(running, send, "issues", issue_event(fake_github, number=1))  # warms the label cache

    start = len(fake_github.requests)
    await deliver(running, send, "issues", issue_event(fake_github, number=2))
    warm = calls_for(fake_github, start)
    assert warm == [f"POST /repos/{REPO}/issues/2/labels", f"POST /repos/{REPO}/issues/2/comments"]
    # the same text as #1: the related index names it a possible duplicate, in the same two calls
    assert "possible-duplicate" in fake_github.repos[REPO.lower()].issues[2].labels
    assert "- #1: " in fake_github.comments(REPO, 2)[-1].body

    running.server.caches["repoconfig"] = repoconfig.ConfigCache()  # config no longer cached
    start = len(fake_github.requests)
    await deliver(running, send, "issues", issue_event(fake_github, number=3))
    cold = calls_for(fake_github, start)
    assert cold == [f"GET /repos/{REPO}/contents/.github/firstmile.yml", f"POST /repos/{REPO}/issues/3/labels",
                    f"POST /repos/{REPO}/issues/3/comments"]
    assert len(cold) <= 3
    assert fake_github.mints == [1]  # one installation token for all three issues
