"""IssueWriter: a post-once POST makes one attempt on its own copy of the client; the shared one keeps its retries."""

from bot.github.client import GitHubClient
from bot.github.metrics import Metrics
from bot.github.writer import one_attempt


def test_a_single_attempt_client_is_a_copy_and_the_shared_budget_is_untouched():
    shared = GitHubClient(object(), base_url="https://api.github.invalid", metrics=Metrics(), retry_seconds=60.0)
    single = one_attempt(shared)
    assert single is not shared and single.retry_seconds == 0.0
    assert shared.retry_seconds == 60.0
    fake = object()
    assert one_attempt(fake) is fake  # a test double has no retries to turn off
