"""The root cause each known fix or compatibility check implies, by id, until every fix states its own `cause:`
(rules/fixes); implied_causes() prefers a fix's own `cause` when it has one."""

from __future__ import annotations

ENV = "Environment Compatibility Issues - "
DEP, ARCH, CUDA = ENV + "Dependency Library Compatibility", ENV + "System Architecture Compatibility", \
    ENV + "CUDA Version Compatibility"
CONF, TUNE = "Configuration and Parameter Setting Errors - Inference Configuration Error", \
    "Configuration and Parameter Setting Errors - Fine-tuning Configuration Error"
NUM, QUANT = "Data and Computation Issues - Numerical Computation and Precision Issues", \
    "Data and Computation Issues - Quantization Compatibility Issues"
DIST = "Distributed and Parallel Computing Issues - "
GPU_MEM, CPU_MEM = "Hardware and Resource Limitations - GPU Memory Insufficiency", \
    "Hardware and Resource Limitations - CPU Memory Limitation"
TOKEN = "Tokenizer and Text Processing Issues - Control Token Issues"

IMPLIED: dict[str, str] = {
    # fixes
    "oom-vllm": GPU_MEM, "oom-finetune": GPU_MEM, "oom-transformers-inference": GPU_MEM, "oom-torch": GPU_MEM,
    "bnb-not-enough-gpu": GPU_MEM, "host-ram-killed": CPU_MEM,
    "transformers-unknown-architecture": DEP, "vllm-unsupported-architecture": DEP, "llama-cpp-unknown-arch": DEP,
    "remote-code-transformers-mismatch": DEP, "missing-accelerate": DEP, "missing-tokenizer-deps": DEP,
    "flash-attn-not-installed": DEP, "gptq-deps": DEP, "awq-deps": DEP, "unknown-quantization-type": DEP,
    "flash-attn-undefined-symbol": DEP, "flash-attn-build": DEP, "vllm-binary-mismatch": DEP, "xformers-mismatch": DEP,
    "missing-module": DEP, "engine-parity": DEP,
    "gptq-exllama-cpu": QUANT, "vllm-quant-capability": QUANT,
    "bitsandbytes-cuda-setup": CUDA, "no-kernel-image": CUDA, "driver-too-old": CUDA, "cuda-libs-missing": CUDA,
    "cuda-extension-mismatch": CUDA, "deepspeed-cuda-home": CUDA,
    "flash-attn-ampere": ARCH, "cpu-only-torch": ARCH, "no-driver": ARCH, "half-on-cpu": ARCH, "bf16-mps": ARCH,
    "bf16-old-gpu": ARCH, "map-location": ARCH, "nccl-not-built": ARCH,
    "trust-remote-code": CONF, "flash-attn-dtype": CONF, "size-mismatch": CONF, "repetition-sampling": CONF,
    "deepseek-r1-usage": CONF, "qwen3-thinking": CONF, "max-new-tokens": CONF, "batch-padding-side": CONF,
    "llama-max-batch-size": CONF,
    "peft-target-modules": TUNE, "unscale-fp16-gradients": TUNE, "input-require-grads": TUNE,
    "dtype-mismatch": NUM, "loss-nan-fp16": NUM, "nan-probabilities": NUM,
    "nccl-timeout": DIST + "Multi-GPU Communication Failure", "nccl-error": DIST + "Multi-GPU Communication Failure",
    "llama-mp-world-size": DIST + "Model Parallelism Mismatch", "tp-divisibility": DIST + "Model Parallelism Mismatch",
    "deepspeed-zero3-generate": DIST + "Multi-process Synchronization",
    "cuda-fork": DIST + "Multi-process Synchronization", "child-failed": DIST + "Multi-process Synchronization",
    "safetensors-header": "Model Corruption Issues - Safetensor File Corruption",
    "missing-model-files": "Model Corruption Issues - Other File Corruptions",
    "chat-template-stop": TOKEN, "special-tokens-in-output": TOKEN, "pad-token": TOKEN,
    "streaming-decode": "Tokenizer and Text Processing Issues - Tokenization Error",
    # compatibility checks (rules/compat.yml)
    "toolkit-newer-than-driver": CUDA, "torch-cuda-minor-newer-than-driver": CUDA, "blackwell-needs-cuda-12.8": CUDA,
    "hopper-needs-cuda-11.8": CUDA, "ampere-needs-cuda-11": CUDA, "kepler-dropped-in-cuda-12": CUDA,
    "no-cuda-on-macos": ARCH, "vllm-below-volta": ARCH, "vllm-awq-below-turing": ARCH, "fp8-below-ada": ARCH,
    "vllm-on-windows": ARCH, "bitsandbytes-old-on-windows": ARCH,
}
"""Python/torch version checks (python-too-*) imply a dependency cause: see implied_causes()."""


def implied_causes(fixes=(), checks=()) -> dict[str, str]:
    """Id -> implied cause for every fix and check: the fix's own `cause` first, then this table."""
    out = dict(IMPLIED)
    checks = [getattr(c, "rule", c) for c in checks]  # RuleSet's compiled rules carry the rule model
    fixes = [getattr(f, "rule", f) for f in fixes]
    for c in checks:
        if c.id.startswith("python-too-"):
            out.setdefault(c.id, DEP)
    for f in fixes:
        cause = getattr(f, "cause", None)
        if cause:
            out[f.id] = cause if isinstance(cause, str) else " - ".join(cause)
    return out
