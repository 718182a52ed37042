"""Which facts would settle an unsure root cause, and the command that prints each (the comment renders them)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.types import Decision

ENV = "Environment Compatibility Issues"


@dataclass(frozen=True)
class Fact:
    """One fact to ask for: an env key (or item), what it tells apart, and a command that prints it."""

    key: str
    command: str


_VERSIONS = Fact("transformers", "pip show transformers torch vllm | grep -E '^(Name|Version)'")
_CUDA = Fact("cuda", "nvcc --version; nvidia-smi")
_TORCH_CUDA = Fact("torch_cuda", "pip show torch | grep Version")
_GPU = Fact("gpu", "nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv")
_OS = Fact("os", "uname -a || ver")
_COMMAND = Fact("command", "the exact command or script and the generation/training config you ran")
_QUANT = Fact("quantization", "pip show auto-gptq autoawq bitsandbytes | grep -E '^(Name|Version)'")
_LAUNCH = Fact("launcher", "the launch command (torchrun/deepspeed arguments) and the number of GPUs")
_FILES = Fact("model_files", "ls -l <model dir> && sha256sum <model dir>/*.safetensors")
_TEMPLATE = Fact("chat_template", "the prompt as sent (after apply_chat_template) and the tokenizer files used")

BY_CAUSE: dict[str, tuple[Fact, ...]] = {
    ENV + " - Dependency Library Compatibility": (_VERSIONS,),
    ENV + " - CUDA Version Compatibility": (_CUDA, _TORCH_CUDA),
    ENV + " - System Architecture Compatibility": (_OS, _GPU),
    ENV: (_VERSIONS, _CUDA),
    "Configuration and Parameter Setting Errors": (_COMMAND,),
    "Data and Computation Issues - Quantization Compatibility Issues": (_QUANT,),
    "Data and Computation Issues": (_COMMAND,),
    "API Usage and Interface Issues": (_COMMAND, _VERSIONS),
    "Distributed and Parallel Computing Issues": (_LAUNCH,),
    "Tokenizer and Text Processing Issues": (_TEMPLATE,),
    "Hardware and Resource Limitations": (_GPU,),
    "Algorithm Implementation Defects": (_VERSIONS,),
    "Model Corruption Issues": (_FILES,),
}
"""Per cause node (the most specific entry wins), the facts that would confirm or rule it out."""


def _facts_for(path: list[str]) -> tuple[Fact, ...]:
    """The facts listed for the deepest known node of a cause path."""
    for k in range(len(path), 0, -1):
        got = BY_CAUSE.get(" - ".join(path[:k]))
        if got:
            return got
    return ()


def settling_facts(decision: Decision, limit: int = 2) -> list[Fact]:
    """Up to `limit` facts, not yet stated in the issue, that would tell the likely root cause from its runner-up
    (none when the cause is decided or there is no likely cause)."""
    if decision.root_cause is not None and decision.root_cause.decided_by == "human":
        return []
    cands = decision.candidates.get("root_cause") or []
    likely = decision.likely.get("root_cause")
    paths = ([likely.path] if likely else []) + [c.path for c in cands[:2]]
    known = set(decision.facts.env)
    out: list[Fact] = []
    for path in paths:
        for fact in _facts_for(path):
            if fact.key not in known and fact not in out:
                out.append(fact)
    return out[:limit]
