"""Tests for bot.github.loopwatch: a blocked loop shows as lag, a collection as a gc pause; stop removes both."""

from __future__ import annotations

import asyncio
import gc
import time

from bot.github.loopwatch import LoopWatch
from bot.github.metrics import Metrics
from tests.fakegithub import payload


def _observed(histogram) -> tuple[float, float]:
    """(count, sum) of an unlabelled histogram."""
    samples = {s.name: s.value for s in histogram.collect()[0].samples}
    return next(v for k, v in samples.items() if k.endswith("_count")), samples[
        next(k for k in samples if k.endswith("_sum"))]


async def test_a_blocked_loop_is_lag_and_a_collection_is_a_gc_pause():
    m = Metrics()
    watch = LoopWatch(m.loop_lag, m.gc_pause, every=0.005)
    watch.start()
    await asyncio.sleep(0.02)
    time.sleep(0.1)  # the loop is blocked: the ticker wakes ~0.1 s late
    await asyncio.sleep(0.02)
    gc.collect()
    await watch.stop()
    count, total = _observed(m.loop_lag)
    assert count >= 2 and total >= 0.09
    pauses = _observed(m.gc_pause)[0]
    assert pauses >= 1
    gc.collect()
    assert _observed(m.gc_pause)[0] == pauses  # the callback is gone
    assert watch._on_gc not in gc.callbacks and watch.task.done()


async def test_metrics_show_the_loop_and_on_postgresql_the_pool(app_server, sender, recorder, http, store_url):
    running = await app_server(database_url=store_url)
    await sender(running).send("issues", payload("issues.opened"))
    await recorder.wait(1)
    await asyncio.sleep(0.05)
    async with http.get(running.url + "/metrics") as resp:
        text = await resp.text()
    assert "firstmile_loop_lag_seconds_count" in text and "firstmile_gc_seconds_count" in text
    if store_url.startswith("postgresql"):
        lines = dict(line.rsplit(" ", 1) for line in text.splitlines() if line.startswith("firstmile_store_pool{"))
        assert float(lines['firstmile_store_pool{stat="requests_num"}']) >= 2  # at least the insert and the claim
        assert 'firstmile_store_pool{stat="pool_max"}' in lines
    else:
        assert "firstmile_store_pool{" not in text


def test_a_collection_at_the_recursion_limit_raises_nothing():
    from bot.github.loopwatch import LoopWatch
    watch = LoopWatch.__new__(LoopWatch)
    watch.gc_started = 0.0

    class Deep:
        def observe(self, _):
            raise RecursionError("maximum recursion depth exceeded")

    watch.gc_pause = Deep()
    watch._on_gc("stop", {})  # a RecursionError here would be printed as unraisable and fail the fuzz tests
