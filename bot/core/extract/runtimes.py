"""Runtimes: llama.cpp `--version`, build, `system_info` and `ggml_cuda_init` lines; `ollama -v` and its server log."""

from __future__ import annotations

from bot.core.extract.common import Cand
from bot.core.extract.nvidia import gpu_summary
from bot.core.extract.segment import Line
from bot.core.rulefile import compile_re2

_LLAMA_VERSION = compile_re2(r"^(?:\S+\s+[A-Z]\s+)?(?:version|build): (\d+) \(([0-9a-f]{6,40})\)")
_LLAMA_SEMVER = compile_re2(r"^version: (\d+\.\d+\.\d+) \(build (\d+)")
_DEVICE = compile_re2(r"^\s*(?:\S+\s+[A-Z]\s+)?Device \d+: (.+?), compute capability (\d+\.\d+)")
_OLLAMA = compile_re2(r"(?i)ollama version is (\d+\.\d+\.\d+\S*)|client version is (\d+\.\d+\.\d+\S*)")
_COMPUTE = compile_re2(r'msg="inference compute".*?compute=(\d+\.\d+).*?(?:description|name)="([^"]+)"')
_COMPUTE_DRV = compile_re2(r'msg="inference compute".*?driver=(\d+\.\d+)')


def parse_runtimes(lines: list[Line]) -> list[Cand]:
    """Facts from llama.cpp and ollama output lines."""
    out: list[Cand] = []
    devices: list[tuple[str, tuple[int, int]]] = []
    for off, s in lines:
        if len(s) > 2000:
            continue
        if "version: " in s or "build: " in s:
            m = _LLAMA_VERSION.search(s) or _LLAMA_SEMVER.search(s)
            if m:
                out.append(Cand("llama_cpp", m.group(1), "llama_cpp", (off + m.start(1), off + m.end(1))))
                out.append(Cand("launcher", "llama.cpp", "llama_cpp", (off + m.start(1), off + m.end(1))))
                continue
        if "compute capability" in s:
            m = _DEVICE.search(s)
            if m:
                devices.append((m.group(1), (off + m.start(1), off + m.end(1))))
                out.append(Cand("gpu_cc", m.group(2), "llama_cpp", (off + m.start(2), off + m.end(2))))
                out.append(Cand("launcher", "llama.cpp", "llama_cpp", (off + m.start(1), off + m.end(1))))
            continue
        if "ersion is" in s:
            m = _OLLAMA.search(s)
            if m:
                g = 1 if m.group(1) else 2
                out.append(Cand("ollama", m.group(g), "ollama", (off + m.start(g), off + m.end(g))))
                out.append(Cand("launcher", "ollama", "ollama", (off + m.start(g), off + m.end(g))))
            continue
        if "inference compute" in s:
            m = _COMPUTE.search(s)
            if m:
                out.append(Cand("gpu_cc", m.group(1), "ollama", (off + m.start(1), off + m.end(1))))
                out.append(Cand("gpu", m.group(2), "ollama", (off + m.start(2), off + m.end(2))))
            d = _COMPUTE_DRV.search(s)
            if d:
                out.append(Cand("cuda_max", d.group(1), "ollama", (off + d.start(1), off + d.end(1))))
            out.append(Cand("launcher", "ollama", "ollama", (off, off + len(s))))
    out += gpu_summary(devices, "llama_cpp")
    return out
