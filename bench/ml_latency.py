"""Benchmark the classifier's per-issue inference on CPU (extraction excluded); prints numbers, asserts nothing.

Usage: python bench/ml_latency.py [ISSUES.jsonl] [REPEATS]
Without a file it uses synthetic issues; the target is < 5 ms per issue.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from bot.core.extract import extract
from bot.ml import load_default

SYNTHETIC = [
    ("CUDA out of memory with Qwen2-72B on 2x A100", "torch.cuda.OutOfMemoryError: CUDA out of memory. " * 40),
    ("模型输出乱码", "用 vLLM 部署后模型一直输出重复的内容，换了 temperature 也没用。" * 30),
    ("KeyError: 'qwen2' when loading", "```\nKeyError: 'qwen2'\n```\n" + "pip list output line\n" * 400),
]


def _summary(ms: list[float]) -> str:
    """Median, p95 and max of a list of milliseconds."""
    ms = sorted(ms)
    return f"median {statistics.median(ms):.2f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.2f} ms, max {ms[-1]:.2f} ms"


def main(argv: list[str]) -> int:
    """Time Classifier.predict over the issues, REPEATS times each; print median, p95 and max in ms."""
    model = load_default()
    if model is None:
        print("no classifier: install the ml extra and train one with `firstmile train`", file=sys.stderr)
        return 1
    if len(argv) > 1:
        issues = [json.loads(line) for line in open(argv[1], encoding="utf-8") if line.strip()]
        pairs = [(i.get("title") or "", i.get("body") or "") for i in issues]
    else:
        pairs = SYNTHETIC
    repeats = int(argv[2]) if len(argv) > 2 else 20
    facts = [extract(t, b) for t, b in pairs]
    for f in facts[:5]:
        model.predict(f)  # warm-up
    wall, cpu = [], []
    for f in facts:
        c0 = time.process_time()
        for _ in range(repeats):
            t0 = time.perf_counter()
            model.predict(f)
            wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000 / repeats)
    print(f"classifier inference, {len(facts)} issues x {repeats} (target < 5 ms per issue on one CPU):")
    print(f"  wall clock per call: {_summary(wall)}")
    print(f"  CPU time per issue:  {_summary(cpu)}  (unaffected by other processes on the machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
