"""Benchmark the classifier's per-issue inference on CPU (extraction excluded); prints numbers, asserts nothing.

Usage: python bench/ml_latency.py [ISSUES.jsonl] [REPEATS]
Without a file it uses synthetic issues. "first call" predicts each issue once, right after loading the model: what a
bot sees, since it only meets new issues. "repeated" predicts each issue REPEATS more times, which flatters RE2
(its DFA states for that text are built by then).
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
    """Mean, median, p95 and max of a list of milliseconds."""
    ms = sorted(ms)
    return (f"mean {statistics.fmean(ms):.3f} ms, median {statistics.median(ms):.3f} ms, "
            f"p95 {ms[int(0.95 * (len(ms) - 1))]:.3f} ms, max {ms[-1]:.3f} ms")


def main(argv: list[str]) -> int:
    """Time Classifier.predict over the issues once each, then REPEATS times each; print CPU ms per call."""
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
    first, repeated = [], []
    for f in facts:
        c0 = time.process_time()
        model.predict(f)
        first.append((time.process_time() - c0) * 1000)
    for f in facts:
        c0 = time.process_time()
        for _ in range(repeats):
            model.predict(f)
        repeated.append((time.process_time() - c0) * 1000 / repeats)
    print(f"classifier inference, CPU time per call, {len(facts)} issues:")
    print(f"  first call (unseen): {_summary(first)}")
    print(f"  repeated x{repeats}:  {_summary(repeated)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
