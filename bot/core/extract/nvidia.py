"""nvidia-smi output: the header (driver, highest CUDA), the process table's GPU rows, and `nvidia-smi -L` lines."""

from __future__ import annotations

from bot.core.extract.common import MAX_MATCHES, Cand, first, rx, scan
from bot.core.extract.segment import Chunk
from bot.core.gpus import model_token

_HEADER = rx(r"Driver Version:[ \t]*(\d+(?:\.\d+)*)[ \t]*[,;|]?[ \t]+CUDA Version:[ \t]*(\d+\.\d+)")
_ROW = rx(
    r"(?m)^\|[ \t]+(\d+)[ \t]+((?:NVIDIA|Tesla|GeForce|Quadro|RTX|TITAN|A\d|H\d|L\d)[^|\n]*?)[ \t]+"
    r"(?:On|Off|WDDM|TCC|N/A)[ \t]+\|"
)
_LIST = rx(r"(?m)^[ \t]*GPU[ \t]+([0-9][0-9,]*)[ \t]*:[ \t]+([A-Za-z][^\n(]*?)[ \t]*(?:\(UUID:[^\n]*)?\r?$")
_NVCC = rx(
    r"Cuda compilation tools, release (\d+\.\d+)|Build cuda_(\d+\.\d+)|(?:/cuda-|nvidia/cuda:)(\d{1,2}\.\d)\b"
)
"""The CUDA toolkit: nvcc's release line, its build tag, a versioned toolkit path or the nvidia/cuda base image."""


def gpu_summary(names: list[tuple[str, tuple[int, int]]], source: str) -> list[Cand]:
    """One `gpu` fact ("8 x NVIDIA A100-SXM4-80GB" when many alike) and a `gpu_count` from a list of device names."""
    if not names:
        return []
    name, span = names[0]
    n = len(names)
    kinds = list(dict.fromkeys(nm for nm, _ in names))
    value = name if n == 1 else f"{n} x {name}" if len(kinds) == 1 else ", ".join(kinds)  # mixed GPUs: each named
    count = Cand("gpu_count", str(n), source, span)
    if name.endswith("..."):  # nvidia-smi cut the name to its column: keep what still names a model
        name = name[:-3].rstrip(" -")
        if not model_token(name):  # "NVIDIA GeForce ...": no model left
            return [count]
        value = name if n == 1 else f"{n} x {name}" if len(kinds) == 1 else ", ".join(k.removesuffix("...") for k in kinds)
    return [Cand("gpu", value, source, span), count]


def parse_nvidia(chunk: Chunk, source: str = "nvidia_smi") -> list[Cand]:
    """Facts from nvidia-smi's header and GPU rows, `nvidia-smi -L`/collect_env `GPU i:` lines, and nvcc."""
    s = chunk.text
    out: list[Cand] = []
    if "Driver Version:" in s:
        m = first(_HEADER, s)
        if m:
            out.append(Cand("cuda_driver", m.group(1), "nvidia_smi", chunk.span(*m.span(1))))
            out.append(Cand("cuda_max", m.group(2), "nvidia_smi", chunk.span(*m.span(2))))
        rows = [(m.group(2).strip(), chunk.span(*m.span(2))) for m in scan(_ROW, s, 64)]
        out += gpu_summary(rows, "nvidia_smi")
    if "GPU" in s and not any(c.key == "gpu" for c in out):
        listed = []
        for m in scan(_LIST, s, 64):
            for _ in (i for i in m.group(1).split(",") if i):
                listed.append((m.group(2).strip(), chunk.span(*m.span(2))))
        out += gpu_summary(listed, source)
    if "uda" in s:
        for m in scan(_NVCC, s, MAX_MATCHES):
            g = 1 if m.group(1) else 2 if m.group(2) else 3
            out.append(Cand("cuda", m.group(g), "log", chunk.span(*m.span(g))))
    return out
