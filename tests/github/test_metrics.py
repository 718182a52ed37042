"""Tests for bot.github.metrics: the exposition, alone and with a worker process's multiprocess series added."""

from __future__ import annotations

import os
import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families

from bot.github.metrics import Metrics

WORKER = """
from bot.github.metrics import Metrics
m = Metrics()
m.api_call(200); m.api_call(200); m.api_call(502)
m.delivery("issues", "done")
m.queue_depth.set(4)
m.handler_seconds.labels(event="issues").observe(0.2)
"""


def _samples(text: str) -> dict[tuple, float]:
    """(sample name, sorted labels) -> value of an exposition; each family may appear only once."""
    families = list(text_string_to_metric_families(text))
    assert len({f.name for f in families}) == len(families)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families for s in f.samples}


def test_alone_the_exposition_is_our_own_registry():
    m = Metrics()
    m.delivery("issues", "queued")
    got = _samples(m.render().decode())
    assert got[("firstmile_deliveries_total", (("event", "issues"), ("outcome", "queued")))] == 1.0


def test_a_worker_processs_series_are_added_counters_summed_and_its_gauges_win(tmp_path):
    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", WORKER], env=env, check=True)  # a real second process writes its values
    m = Metrics()
    m.worker_dir = str(tmp_path)
    m.api_call(200)
    m.delivery("issues", "queued")
    m.queue_depth.set(0)  # the web side's own queue is unused with a worker process
    got = _samples(m.render().decode())
    assert got[("firstmile_github_api_calls_total", (("status", "200"),))] == 3.0
    assert got[("firstmile_github_api_calls_total", (("status", "502"),))] == 1.0
    assert got[("firstmile_deliveries_total", (("event", "issues"), ("outcome", "queued")))] == 1.0
    assert got[("firstmile_deliveries_total", (("event", "issues"), ("outcome", "done")))] == 1.0
    assert got[("firstmile_queue_depth", ())] == 4.0
    assert got[("firstmile_handler_seconds_count", (("event", "issues"),))] == 1.0
