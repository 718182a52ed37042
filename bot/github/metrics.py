"""Prometheus metrics for the server, on their own registry so several apps (tests) can live in one process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST


class Metrics:
    """The counters, gauge and histogram /metrics exposes."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.deliveries = Counter(
            "firstmile_deliveries", "Webhook deliveries by event and outcome.", ["event", "outcome"],
            registry=self.registry,
        )
        self.queue_depth = Gauge("firstmile_queue_depth", "Deliveries waiting in the in-process queue.",
                                 registry=self.registry)
        self.handler_seconds = Histogram(
            "firstmile_handler_seconds", "Time to process one delivery, by event.", ["event"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120), registry=self.registry,
        )
        self.api_calls = Counter(
            "firstmile_github_api_calls", "GitHub API calls by HTTP status ('error': no answer).", ["status"],
            registry=self.registry,
        )

    def delivery(self, event: str, outcome: str) -> None:
        """Count one delivery outcome."""
        self.deliveries.labels(event=event, outcome=outcome).inc()

    def api_call(self, status: int | str) -> None:
        """Count one GitHub API answer (or 'error' when none came)."""
        self.api_calls.labels(status=str(status)).inc()

    def render(self) -> bytes:
        """The Prometheus text exposition."""
        return generate_latest(self.registry)
