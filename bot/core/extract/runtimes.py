"""Runtimes: llama.cpp `--version`, build, `system_info` and `ggml_cuda_init` lines; `ollama -v` and its server log;
vLLM's and DeepSpeed's start-up log lines; Docker image tags."""

from __future__ import annotations

from bot.core.extract.common import MAX_MATCHES, Cand, first, rx, scan
from bot.core.extract.nvidia import gpu_summary
from bot.core.extract.segment import Chunk

_LLAMA_VERSION = rx(
    r"(?m)^(?:[0-9.]+[ \t]+[A-Z][ \t]+|[a-z_]+: )?(?:version|build)(?:: | = )(\d+) \(([0-9a-f]{6,40})\)|"
    r"^version: (\d+\.\d+\.\d+) \(build \d+"
)
_DEVICE = rx(
    r"(?m)^[ \t]*(?:[0-9.]+[ \t]+[A-Z][ \t]+)?Device \d+: ([^,\n]+), (?:compute capability (\d+\.\d+)|gfx[0-9a-f]+ \()"
)
"""A ggml device line: CUDA's "compute capability 8.6" or the HIP build's "gfx1100 (0x1100)"."""
_VULKAN = rx(r"(?m)^[ \t]*(?:ggml_vulkan: \d+ = |Vulkan\d+: )([^|\n]+?)(?:[ \t]+\(|[ \t]*\|)")
"""A ggml Vulkan device line ("ggml_vulkan: 0 = AMD Radeon RX 6800 XT (RADV NAVI21) (radv) | uma: 0 | ...")."""
_METAL = rx(r"(?m)ggml_metal_init: found device: ([^\n]{3,60}?)[ \t]*$")
"""The GPU ggml's Metal backend found ("ggml_metal_init: found device: AMD Radeon Pro 5500M")."""
_DEVICE_INFO = rx(r"(?m)^[ \t]*-[ \t]+CUDA\d+[ \t]*:[ \t]+([^(\n]+?)[ \t]+\(\d+ MiB")
_VLLM_LOG = rx(r"Initializing an? (?:V1 )?LLM engine \(v(\d+\.\d+[0-9a-z.+]*)\)|vLLM API server version (\d+\.\d+[0-9a-z.+]*)")
_DEEPSPEED_LOG = rx(r"DeepSpeed info: version=(\d+\.\d+[0-9a-z.+]*)")
_OLLAMA = rx(r"(?i)ollama version is (\d+\.\d+\.\d+[^\s]*)|client version is (\d+\.\d+\.\d+[^\s]*)")
_DS_REPORT = rx(r"(?m)^[ \t]*(torch version|deepspeed info|torch cuda version|nvcc version)[ \t]*\.{3,}[ \t]*\[?'?"
                r"(\d+\.\d+[0-9A-Za-z.+]*)")
"""ds_report's general environment info ("torch version .... 2.1.2+cu118", "deepspeed info .... 0.14.4, ...")."""
_DS_KEYS = {"torch version": "torch", "deepspeed info": "deepspeed", "torch cuda version": "torch_cuda",
            "nvcc version": "cuda"}
_COMPUTE = rx(r'msg="inference compute"[^\n]*?compute=(\d+\.\d+)[^\n]*?(?:description|name)="([^"\n]+)"')
_COMPUTE_DRV = rx(r'msg="inference compute"[^\n]*?driver=(\d+\.\d+)')


_IMAGE = rx(
    r"(?i)(vllm-openai|lmsysorg/sglang|openmmlab/lmdeploy|ollama/ollama|llama\.cpp)(?:-rocm)?:"
    r"(?:v?(\d+\.\d+(?:\.\d+)?(?:\.?post\d+|rc\d+)?)|[a-z]+(?:-[a-z0-9]+)*-b(\d{3,5})\b)"
)
"""A runtime's Docker image tag ("vllm/vllm-openai:v0.6.3", "ollama/ollama:0.3.12", "llama.cpp:server-cuda-b4500")."""
_IMAGE_KEY = {"vllm-openai": "vllm", "lmsysorg/sglang": "sglang", "openmmlab/lmdeploy": "lmdeploy",
              "ollama/ollama": "ollama", "llama.cpp": "llama_cpp"}


def parse_images(chunk: Chunk, source: str) -> list[Cand]:
    """Runtime versions named by the tag of the Docker image the reporter runs."""
    s = chunk.text
    if not ("openai:" in s or "sglang:" in s or "lmdeploy:" in s or "ollama:" in s or "cpp:" in s):
        return []
    out = []
    for m in scan(_IMAGE, s, 8):
        g = 2 if m.group(2) else 3
        out.append(Cand(_IMAGE_KEY[m.group(1).lower()], m.group(g), source, chunk.span(*m.span(g))))
    return out


def parse_runtimes(chunk: Chunk) -> list[Cand]:
    """Facts from runtime output: llama.cpp and ollama lines, vLLM and DeepSpeed start-up logs, Docker image tags."""
    s = chunk.text
    out = parse_images(chunk, "log")
    if "version: " in s or "build: " in s or "build = " in s:
        m = first(_LLAMA_VERSION, s)
        if m:
            g = 1 if m.group(1) else 3
            out.append(Cand("llama_cpp", m.group(g), "llama_cpp", chunk.span(*m.span(g))))
            out.append(Cand("launcher", "llama.cpp", "llama_cpp", chunk.span(*m.span(g))))
    if "compute capability" in s or "gfx" in s:
        devices = []
        for m in scan(_DEVICE, s, 64):
            devices.append((m.group(1).strip(), chunk.span(*m.span(1))))
            if len(devices) == 1:
                out.append(Cand("launcher", "llama.cpp", "llama_cpp", chunk.span(*m.span(1))))
                if m.group(2):
                    out.append(Cand("gpu_cc", m.group(2), "llama_cpp", chunk.span(*m.span(2))))
        out += gpu_summary(devices, "llama_cpp")
    elif "found device: " in s and (m := first(_METAL, s)) and not m.group(1).startswith("Apple"):
        out += gpu_summary([(m.group(1).strip(), chunk.span(*m.span(1)))], "llama_cpp")
    elif "ulkan" in s and "uma: " in s:
        out += gpu_summary([(m.group(1).strip(), chunk.span(*m.span(1))) for m in scan(_VULKAN, s, 64)], "llama_cpp")
    elif "MiB" in s and "CUDA" in s:
        listed = [(m.group(1).strip(), chunk.span(*m.span(1))) for m in scan(_DEVICE_INFO, s, 64)]
        out += gpu_summary(listed, "llama_cpp")
    if "LLM engine (v" in s or "API server version" in s:
        m = first(_VLLM_LOG, s)
        if m:
            g = 1 if m.group(1) else 2
            out.append(Cand("vllm", m.group(g), "log", chunk.span(*m.span(g))))
            out.append(Cand("launcher", "vllm", "log", chunk.span(*m.span(g))))
    if "DeepSpeed info: " in s:
        m = first(_DEEPSPEED_LOG, s)
        if m:
            out.append(Cand("deepspeed", m.group(1).rstrip(".,"), "log", chunk.span(*m.span(1))))
    if "DeepSpeed general environment info" in s or "deepspeed info ..." in s:
        for m in scan(_DS_REPORT, s, 16):
            out.append(Cand(_DS_KEYS[m.group(1)], m.group(2).rstrip(".,"), "log", chunk.span(*m.span(2))))
    if "ersion is" in s:
        found = list(scan(_OLLAMA, s, MAX_MATCHES))
        if any(m.group(1) for m in found):  # the server's version; a client's differs only in a warning
            found = [m for m in found if m.group(1)]
        for m in found:
            g = 1 if m.group(1) else 2
            v = m.group(g).rstrip(".,;:)")
            out.append(Cand("ollama", v, "ollama", chunk.span(m.start(g), m.start(g) + len(v))))
            out.append(Cand("launcher", "ollama", "ollama", chunk.span(*m.span(g))))
    if "inference compute" in s:
        m = first(_COMPUTE, s)
        if m:
            out.append(Cand("gpu_cc", m.group(1), "ollama", chunk.span(*m.span(1))))
            out.append(Cand("gpu", m.group(2), "ollama", chunk.span(*m.span(2))))
            out.append(Cand("launcher", "ollama", "ollama", chunk.span(*m.span(2))))
        d = first(_COMPUTE_DRV, s)
        if d:
            out.append(Cand("cuda_max", d.group(1), "ollama", chunk.span(*d.span(1))))
    return out
