"""The root cause each known fix or compatibility check implies, by id: a fix states its own `cause:` (rules/fixes);
a check `<fix id>-check` implies its fix's cause; the other checks' causes are listed here."""

from __future__ import annotations

ENV = "Environment Compatibility Issues - "
DEP, ARCH, CUDA = ENV + "Dependency Library Compatibility", ENV + "System Architecture Compatibility", \
    ENV + "CUDA Version Compatibility"
GPU_MEM = "Hardware and Resource Limitations - GPU Memory Insufficiency"
TWIN = "-check"
"""A check named after a fix plus this suffix tests the fix's condition from the env facts: same cause."""

CHECKS: dict[str, str] = {
    "toolkit-newer-than-driver": CUDA, "torch-cuda-minor-newer-than-driver": CUDA, "blackwell-needs-cuda-12.8": CUDA,
    "hopper-needs-cuda-11.8": CUDA, "ampere-needs-cuda-11": CUDA, "kepler-dropped-in-cuda-12": CUDA,
    "no-cuda-on-macos": ARCH, "vllm-below-volta": ARCH, "vllm-awq-below-turing": ARCH, "fp8-below-ada": ARCH,
    "vllm-on-windows": ARCH, "bitsandbytes-old-on-windows": ARCH, "weights-exceed-gpus": GPU_MEM,
    "weights-exceed-gpus-quantized": GPU_MEM, "capacity-4bit": GPU_MEM, "capacity-8bit": GPU_MEM, "capacity-qlora": GPU_MEM, "capacity-fits": GPU_MEM,
}
"""Checks (rules/compat) without a fix twin; python-too-* version checks imply a dependency cause."""


def implied_causes(fixes=(), checks=()) -> dict[str, str]:
    """Id -> implied cause for every fix that states one and every check whose cause is known."""
    out: dict[str, str] = {}
    for f in (getattr(f, "rule", f) for f in fixes):  # RuleSet's compiled rules carry the rule model
        cause = getattr(f, "cause", None)
        if cause:
            out[f.id] = cause if isinstance(cause, str) else " - ".join(cause)
    for c in (getattr(c, "rule", c) for c in checks):
        twin = out.get(c.id[: -len(TWIN)]) if c.id.endswith(TWIN) else None
        cause = twin or CHECKS.get(c.id) or (DEP if c.id.startswith("python-too-") else None)
        if cause:
            out[c.id] = cause
    return out
