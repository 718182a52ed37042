"""Acting on one backfilled issue exactly as the webhook path does, with its writes capped by `--apply`."""

from __future__ import annotations

from typing import Any

from bot.github import repoconfig
from bot.github import triage as webhook_triage
from bot.store import IssueState

MODES = ("shadow", "labels", "full")
"""The repo config's modes, from least to most writing."""


def capped_mode(config_mode: str, apply: str, issue_state: str) -> str:
    """The mode to act in: the repo's own mode, never beyond `--apply` (labels|comments), comments on open issues
    only."""
    cap = "full" if apply == "comments" and issue_state == "open" else "labels"
    return MODES[min(MODES.index(config_mode), MODES.index(cap))]


async def act(gh: Any, ctx: Any, owner: str, repo: str, issue: dict, apply: str) -> dict | None:
    """Triage and act on one issue (labels never re-added after a human removed them, suggestions below the
    threshold, one sticky comment); returns the stored decision JSON, or None when the issue is left alone."""
    setup = await repoconfig.load(gh, ctx, owner, repo)
    if webhook_triage._skip_reason(issue, setup.config):
        return None
    mode = capped_mode(setup.config.mode, apply, str(issue.get("state")))
    setup = repoconfig.RepoSetup(setup.config.model_copy(update={"mode": mode}), setup.ruleset)
    key, number = f"{owner}/{repo}", int(issue["number"])
    state = await ctx.store.issue_state(key, number)
    if state is None:
        state = IssueState(key, number)
        if mode == "full" and issue.get("comments"):
            await webhook_triage._adopt(gh, ctx, owner, repo, state)  # our comment may exist; read the humans'
    await webhook_triage._act(gh, ctx, owner, repo, issue, state, setup)
    return state.decision
