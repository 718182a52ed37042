"""Benchmark extract(): median CPU time (thread_time, not skewed by machine load) and wall time for a ~10 KB and a
~1 MB issue body, then growth ratios on adversarial shapes (prints numbers; asserts nothing).

Usage: python bench/extract_speed.py [DATASET.jsonl]
With a dataset (one {"title", "body"} object a line), first the ms per extraction on issues the process has not seen:
the even rows first in the fresh process, then the odd rows after them (RE2 builds its DFA states lazily, for the
text it meets, so repeating the same issues flatters it), then the best of 3 repeats over all rows (warm).
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from bot.core.extract import extract

COLLECT_ENV = """Collecting environment information...
PyTorch version: 2.3.0+cu121
Is debug build: False
CUDA used to build PyTorch: 12.1
OS: Ubuntu 22.04.4 LTS (x86_64)
Python version: 3.10.14 (main, May  6 2024, 19:42:50) [GCC 11.2.0] (64-bit runtime)
CUDA runtime version: 12.1.105
GPU models and configuration:
GPU 0: NVIDIA A100-SXM4-80GB
GPU 1: NVIDIA A100-SXM4-80GB
Nvidia driver version: 535.161.07
Versions of relevant libraries:
[pip3] torch==2.3.0
[pip3] transformers==4.41.2
[pip3] vllm==0.5.0.post1
"""
TRACE = """Traceback (most recent call last):
  File "/home/me/serve.py", line 12, in <module>
    llm = LLM(model="Qwen/Qwen2-7B-Instruct", tensor_parallel_size=2)
  File "/usr/local/lib/python3.10/dist-packages/vllm/entrypoints/llm.py", line 144, in __init__
    self.llm_engine = LLMEngine.from_engine_args(
torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.02 GiB is free.
"""
PROSE = "I am serving Qwen2-7B-Instruct with vLLM on two A100 80G and it runs out of memory at start-up.\n"
LOG = "INFO 06-12 10:00:01 llm_engine.py:161] Initializing an LLM engine (v0.5.0.post1) with config: model='Qwen/Qwen2-7B-Instruct'\n"


def body(size: int) -> str:
    """A realistic issue body of about `size` characters: prose, a dump, a trace and repeated log lines."""
    head = f"{PROSE}\n<details><summary>env</summary>\n\n```\n{COLLECT_ENV}```\n</details>\n\n```\n{TRACE}```\n"
    logs = LOG * max(0, (size - len(head)) // len(LOG))
    return head + "```\n" + logs + "```\n"


def measure(text: str, runs: int) -> tuple[float, float, float]:
    """(median CPU, min CPU, median wall) seconds of `runs` extractions of the text."""
    cpu, wall = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.thread_time()
        extract("vLLM OOM with Qwen2-7B-Instruct", text)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - t0)
    return statistics.median(cpu), min(cpu), statistics.median(wall)


SHAPES = {
    "inline fences": "a```",
    "headings": "\n# x",
    "details tags": "\n<details>",
    "comments": "<!---->",
    "unfenced log": "INFO 01-01 00:00:00 w.py:1] step\n",
    "tracebacks": 'Traceback (most recent call last):\n  File "a.py", line 1, in f\nValueError: x\n',
    "prose lines": "the model answers in the wrong language\n",
    "pip rows": "torch    2.1.0\n",
}


def growth() -> None:
    """Time adversarial shapes at 64, 128 and 256 KB and print the growth ratios (about 2.0 means linear)."""
    for name, unit in SHAPES.items():
        times = []
        for size in (64_000, 128_000, 256_000):
            text = (unit * (size // len(unit) + 1))[:size]
            times.append(measure(text, 3)[1])
        ratios = " ".join(f"{b / a:4.2f}" for a, b in zip(times, times[1:]))
        print(f"growth {name:14s}: {times[-1] * 1000:7.1f} ms at 256 KB, ratios x2 size -> {ratios}")


def unseen(path: str) -> None:
    """Print CPU ms per extraction on the dataset: first pass, unseen after that, and warm repeats."""
    with open(path, encoding="utf-8") as f:
        rows = [(r.get("title", ""), r.get("body", "")) for r in map(json.loads, filter(str.strip, f))]

    def per_issue(batch: list[tuple[str, str]]) -> float:
        c0 = time.thread_time()
        for title, body in batch:
            extract(title, body)
        return (time.thread_time() - c0) / len(batch) * 1000

    first, after = per_issue(rows[0::2]), per_issue(rows[1::2])
    warm = min(per_issue(rows) for _ in range(3))
    print(f"extract per issue ({len(rows)} issues): first pass (even rows, fresh process) {first:.3f} ms, "
          f"unseen (odd rows after them) {after:.3f} ms, warm (best of 3 repeats) {warm:.3f} ms CPU")


def main() -> int:
    """Print the ms per issue of a dataset if given, the time for each body size, then growth ratios."""
    if len(sys.argv) > 1:
        unseen(sys.argv[1])
    for label, size, runs, target in (("10 KB", 10_000, 200, 1.0), ("1 MB", 1_000_000, 7, 100.0),
                                      ("5 MB", 5_000_000, 3, None)):
        med, low, wall = measure(body(size), runs)
        goal = f" (target: CPU median < {target:g} ms)" if target else " (only the first 1 MiB is scanned)"
        print(f"extract {label:>5} body: CPU median {med * 1000:8.3f} ms, min {low * 1000:8.3f} ms, "
              f"wall median {wall * 1000:8.3f} ms over {runs} runs{goal}")
    growth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
