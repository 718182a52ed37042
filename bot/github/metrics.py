"""Prometheus metrics for the server, on their own registry so several apps (tests) can live in one process.

With WORKER=process the worker process runs prometheus_client in its multiprocess mode (its values in files under
`worker_dir`), and the web process's /metrics adds them to its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector


LAG_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class Metrics:
    """The counters, gauge and histogram /metrics exposes."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.worker_dir: str | None = None
        """WORKER=process: the worker's PROMETHEUS_MULTIPROC_DIR, whose series /metrics adds to ours."""
        self.deliveries = Counter(
            "firstmile_deliveries", "Webhook deliveries by event and outcome.", ["event", "outcome"],
            registry=self.registry,
        )
        self.queue_depth = Gauge("firstmile_queue_depth", "Deliveries waiting in the in-process queue.",
                                 registry=self.registry, multiprocess_mode="livesum")
        self.handler_seconds = Histogram(
            "firstmile_handler_seconds", "Time to process one delivery, by event.", ["event"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120), registry=self.registry,
        )
        self.store_seconds = Histogram(
            "firstmile_store_seconds", "Time of one store (database) operation, by operation.", ["op"],
            buckets=(0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1), registry=self.registry,
        )
        self.store_queue = Gauge("firstmile_store_deliveries", "Deliveries in the database's queue, by status "
                                 "(all replicas), read at each scrape.", ["status"], registry=self.registry,
                                 multiprocess_mode="mostrecent")
        self.store_age = Gauge("firstmile_store_oldest_seconds", "Age of the oldest pending delivery and of the "
                               "oldest live claim (all replicas), read at each scrape.", ["what"],
                               registry=self.registry, multiprocess_mode="mostrecent")
        self.loop_lag = Histogram("firstmile_loop_lag_seconds", "How late the event loop woke from a 10 ms sleep.",
                                  buckets=LAG_BUCKETS, registry=self.registry)
        self.gc_pause = Histogram("firstmile_gc_seconds", "Time of one garbage collection (the loop stops).",
                                  buckets=LAG_BUCKETS, registry=self.registry)
        self.store_pool = Gauge("firstmile_store_pool", "The database connection pool's figures (PostgreSQL: "
                                "psycopg_pool's get_stats(); requests_queued are the checkouts that had to wait, "
                                "requests_wait_ms their total wait), read at each scrape.", ["stat"],
                                registry=self.registry, multiprocess_mode="mostrecent")
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
        """The Prometheus text exposition (with the worker process's series, when it has one)."""
        if self.worker_dir is None:
            return generate_latest(self.registry)
        return generate_latest(_Merged([self.registry, MultiProcessCollector(None, path=self.worker_dir)]))


class _Merged:
    """Families of several collectors as one: counters and histograms summed per series, the later gauge wins."""

    def __init__(self, collectors: list):
        self.collectors = collectors

    def collect(self) -> Iterable:
        """Each metric family once, with the samples of every collector."""
        families: dict = {}
        for collector in self.collectors:
            for fam in collector.collect():
                mine = families.setdefault(fam.name, fam)
                if mine is fam:
                    continue
                at = {(s.name, tuple(sorted(s.labels.items()))): i for i, s in enumerate(mine.samples)}
                for s in fam.samples:
                    i = at.get((s.name, tuple(sorted(s.labels.items()))))
                    if i is None:
                        mine.samples.append(s)
                    else:
                        old = mine.samples[i]
                        mine.samples[i] = old._replace(value=s.value if fam.type == "gauge" else old.value + s.value)
        return families.values()
