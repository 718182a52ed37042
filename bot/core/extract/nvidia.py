"""nvidia-smi output: the header (driver, highest CUDA), the process table's GPU rows, and `nvidia-smi -L` lines."""

from __future__ import annotations

from bot.core.extract.common import Cand
from bot.core.extract.segment import Line
from bot.core.rulefile import compile_re2

_HEADER = compile_re2(r"NVIDIA-SMI\s+(\S+)\s+Driver Version:\s+(\S+)\s+CUDA Version:\s+([0-9.]+)")
_ROW = compile_re2(r"^\|\s+(\d+)\s+((?:NVIDIA|Tesla|GeForce|Quadro|RTX|TITAN|A\d|H\d|L\d)[^|]*?)\s+(?:On|Off|WDDM|TCC|N/A)\s+\|")
_LIST = compile_re2(r"^\s*GPU\s+([0-9][0-9,]*)\s*:\s+(.+?)\s*(?:\(UUID:.*)?$")
_NVCC = compile_re2(r"Cuda compilation tools, release (\d+\.\d+)|Build cuda_(\d+\.\d+)")


def gpu_summary(names: list[tuple[str, tuple[int, int]]], source: str) -> list[Cand]:
    """One `gpu` fact ("8 x NVIDIA A100-SXM4-80GB" when many) and a `gpu_count` from a list of device names."""
    if not names:
        return []
    name, span = names[0]
    n = len(names)
    value = name if n == 1 else f"{n} x {name}"
    return [Cand("gpu", value, source, span), Cand("gpu_count", str(n), source, span)]


def parse_nvidia(lines: list[Line]) -> list[Cand]:
    """Facts from nvidia-smi's header and GPU rows, `nvidia-smi -L`/collect_env `GPU i:` lines, and nvcc."""
    out: list[Cand] = []
    rows: list[tuple[str, tuple[int, int]]] = []
    listed: list[tuple[str, tuple[int, int]]] = []
    for off, s in lines:
        if len(s) > 400:
            continue
        if "NVIDIA-SMI" in s:
            m = _HEADER.search(s)
            if m:
                out.append(Cand("cuda_driver", m.group(2), "nvidia_smi", (off + m.start(2), off + m.end(2))))
                out.append(Cand("cuda_max", m.group(3), "nvidia_smi", (off + m.start(3), off + m.end(3))))
            continue
        if s.startswith("|"):
            m = _ROW.search(s)
            if m:
                rows.append((m.group(2).strip(), (off + m.start(2), off + m.end(2))))
            continue
        if "GPU" in s:
            m = _LIST.search(s)
            if m and m.group(2)[:1].isalpha():
                ids = [i for i in m.group(1).split(",") if i]
                for _ in ids:
                    listed.append((m.group(2).strip(), (off + m.start(2), off + m.end(2))))
            continue
        if "uda" in s:
            m = _NVCC.search(s)
            if m:
                g = 1 if m.group(1) else 2
                out.append(Cand("cuda", m.group(g), "log", (off + m.start(g), off + m.end(g))))
    out += gpu_summary(rows, "nvidia_smi") or gpu_summary(listed, "nvidia_smi")
    return out
