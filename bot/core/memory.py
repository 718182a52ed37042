"""Does a model fit its GPUs? Weights from the model name's size (or rules/tables.yml) times bytes per parameter
of its quantization, against the memory of the GPUs named (rules/tables.yml's gpu_memory_gb)."""

from __future__ import annotations

import re2

from bot.core.gpus import model_token

_SIZE = re2.compile(r"(?i)(?:^|[^a-z0-9.])(\d{1,4}(?:\.\d)?)\s*b(?:$|[^a-z0-9])")
"""A size in a model name: "Qwen2.5-72B-Instruct", "qwen2.5-coder:32b", "Llama-3.1-8B" (not "8x7B")."""
_MOE = re2.compile(r"(?i)\d\s*x\s*\d+(?:\.\d)?\s*b")
_ACTIVE = re2.compile(r"(?i)\d+(?:\.\d)?b[-_]\d+e(?:$|[^a-z0-9])")
"""A name that states the active size and the expert count ("Llama-4-Scout-17B-16E"): its total is in the table."""


def _named_size(model: str):
    """The size the model's name states as its total, or None ("17B-16E" states the active size)."""
    return None if _ACTIVE.search(model) else _SIZE.search(model)


_GPU_GB = re2.compile(r"(?i)(?:^|[^a-z0-9.])(\d{1,3})\s*(?:gb|gib|g)\b")
"""A memory size stated with the GPU ("A100 40GB", "4090 (24G)"), not a model number ending in G ("A10G")."""
MARGIN = 1.05
"""The weights must exceed the GPUs' memory by this factor: estimates are rough, so the finding only under-warns."""
Q4 = 0.6
"""Bytes per parameter of a 4-bit build with its scales and 16-bit embeddings (GGUF Q4_K_M, AWQ, GPTQ-Int4)."""
Q8 = 1.05
"""Bytes per parameter of an 8-bit build (FP8, INT8 W8A8, GGUF Q8_0)."""
RESERVED = 1
"""GB each answer keeps back for the CUDA context and the runtime's buffers before it counts room for the KV cache."""


def params_b(model: str, table) -> float | None:
    """Billions of parameters: the size in the name, else the first table row whose pattern matches."""
    if _MOE.search(model):
        return None
    m = _named_size(model)
    if m:
        return float(m.group(1))
    row = next((r for r in table if r.rx.search(model)), None)
    return row.params if row else None


def bytes_per_param(model: str, quantization: str, runtimes: list[str], tables) -> float:
    """From the stated quantization or the name (the first row of tables.quant_bytes that matches); the native
    precision of the model_params row the model is (its own size, if the name states one, within 5% of the row's:
    "R1 671B" is the FP8 checkpoint, "R1-Distill-Qwen-32B" is not); Ollama's default 4-bit quant; else 16-bit."""
    text = f"{quantization} {model}"
    quant = next((q for q in tables.quant_bytes if q.rx.search(text)), None)
    if quant is not None:
        return quant.bytes
    row = next((r for r in tables.model_params if r.rx.search(model)), None)
    named = _named_size(model)
    if row is not None and named and abs(float(named.group(1)) - row.params) > 0.05 * row.params:
        row = None  # a sized distill of the family ("R1-Distill-Qwen-32B"), not the checkpoint the row describes
    if row is not None and row.bytes:
        return row.bytes
    return 0.6 if runtimes[:1] == ["ollama"] else 2.0


def _stated_gb(gpu: str) -> int | None:
    """The memory size stated with the GPU, if a plausible one (8-256 GB)."""
    m = _GPU_GB.search(gpu)
    return int(m.group(1)) if m and 8 <= int(m.group(1)) <= 256 else None


def gpu_gb(gpu: str, count: str, memory: dict[str, int]) -> int | None:
    """The GPUs' total memory: a size stated with the GPU, else the table's; times the GPU count (1 if unstated)."""
    per = _stated_gb(gpu) or memory.get(model_token(gpu) or "")
    if not per:
        return None
    n = int(count) if count.isdigit() and 0 < int(count) <= 64 else 1
    return per * n


def sure_gb(gpu: str, varies: list[str]) -> bool:
    """Whether the GPU's memory is known, not the largest of several variants: stated, or one size only."""
    return _stated_gb(gpu) is not None or (model_token(gpu) or "") not in varies


def fit(env: dict[str, str], runtimes: list[str], tables) -> dict[str, str]:
    """Derived keys weights_gb, gpus_gb, weights_bytes (per parameter; below 2 the weights are already quantized
    or natively 8-bit) and weights_precision (its name: 16-bit, 8-bit, 4-bit), and weights_exceed_gpus when the
    weights alone cannot fit. When the GPUs' memory is sure, room_gb: what the weights leave (RESERVED kept back),
    if at least 1 GB; and for unquantized weights weights_gb_4bit and weights_gb_8bit, each with room_gb_4bit /
    room_gb_8bit if that build leaves at least 1 GB."""
    model, gpu = env.get("model", "")[:200], env.get("gpu", "")[:200]
    if not model or not gpu:
        return {}
    params = params_b(model, tables.model_params)
    total = gpu_gb(gpu, env.get("gpu_count", ""), tables.gpu_memory_gb)
    if params is None or total is None:
        return {}
    per = bytes_per_param(model, env.get("quantization", ""), runtimes, tables)
    weights = params * per
    precision = "16-bit" if per >= 1.9 else "8-bit" if per >= 0.9 else "4-bit" if per >= 0.5 else "2-3-bit"
    out = {"weights_gb": str(round(weights)), "gpus_gb": str(total), "weights_bytes": str(per),
           "weights_precision": precision}
    if weights > total * MARGIN:
        out["weights_exceed_gpus"] = "true"
    if not sure_gb(gpu, tables.gpu_memory_varies):
        return out
    if (room := int(total - weights - RESERVED)) >= 1:
        out["room_gb"] = str(room)
    for bits, tag, size in (("4bit", "int4", Q4), ("8bit", "int8", Q8)):
        # the quantization table knows builds that keep part of the model in 16 bits (a small VL model's tower)
        size = max(size, bytes_per_param(f"{model}-{tag}", "", runtimes, tables))
        if per > size:
            out[f"weights_gb_{bits}"] = str(round(params * size))
            if (room := int(total - params * size - RESERVED)) >= 1:
                out[f"room_gb_{bits}"] = str(room)
    return out
