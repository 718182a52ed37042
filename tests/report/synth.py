"""Synthetic report rows (as the store gives them): varied paths, months, errors, environments and related links."""

from __future__ import annotations

import random

SYMPTOMS = ["Crash - CUDA Error - Out of Memory", "Crash - CUDA Error - Device Error", "Crash - Value-related Error - "
            "ShapeError", "Crash - Process Killed", "Incorrect Functionality - Generation Quality Anomaly - "
            "Meaningless Generation", "Loading Failure - Model Loading Error", "Hang", "Poor Performance - Slow "
            "Inference Speed", None]
CAUSES = ["Environment Compatibility Issues - Dependency Library Compatibility", "Hardware and Resource Limitations - "
          "GPU Memory Insufficiency", "Configuration and Parameter Setting Errors - Inference Configuration Error",
          "Distributed and Parallel Computing Issues - Multi-GPU Communication Failure", None, None]
ENV = {"torch": ["2.1.2+cu121", "2.3.0", "2.4.1", None], "cuda": ["12.1", "11.8", None, None],
       "transformers": ["4.40.1", "4.44.2", None], "vllm": ["0.5.4", "0.6.3.post1", None, None],
       "gpu": ["NVIDIA A100-SXM4-80GB", "NVIDIA GeForce RTX 4090", "Tesla V100-SXM2-32GB", None]}
ERRORS = [("torch.OutOfMemoryError", "CUDA out of memory. Tried to allocate 2.00 GiB"),
          ("RuntimeError", "CUDA error: device-side assert triggered"), ("ImportError", "cannot import name 'X'"),
          ("ValueError", "shapes (4, 8) and (16,) not aligned"), ("KeyError", "'qwen2'")]


def rows(n: int, seed: int = 7, repo: str = "acme/llm") -> list[dict]:
    """n rows like BackfillStore.report_rows gives, deterministic for a seed."""
    rnd = random.Random(seed)
    out = []
    for number in range(1, n + 1):
        env = {k: v for k, vs in ENV.items() if (v := rnd.choice(vs))}
        errors = []
        if rnd.random() < 0.6:
            k = rnd.randrange(len(ERRORS)) if rnd.random() < 0.8 else rnd.randrange(40)
            etype, msg = ERRORS[k % len(ERRORS)]
            errors.append({"type": etype, "fingerprint": f"fp{k:04d}", "message": msg})
        row = {"number": number, "state": rnd.choice(["open", "closed"]), "title": f"Issue {number} <b>x</b>",
               "url": f"https://github.com/{repo}/issues/{number}",
               "created_at": f"{2023 + number * 2 // n}-{1 + rnd.randrange(12):02d}-0{1 + rnd.randrange(9)}T10:00:00Z",
               "symptom": rnd.choice(SYMPTOMS), "root_cause": rnd.choice(CAUSES),
               "stage": rnd.choice(["Inference", "Inference", "Fine-tuning", None]), "env": env, "errors": errors,
               "missing": [], "kind": "bug"}
        if number % 50 in (1, 2, 3):
            row["related"] = [{"number": number + 1, "score": 0.8}]
        out.append(row)
    return out
