"""Package lists: `pip list`, `pip freeze`, `conda list`, and collect_env's `[pip3]` / `[conda]` lines."""

from __future__ import annotations

from bot.core.extract.common import Cand, cuda_from_tag, first, rx, scan
from bot.core.extract.segment import Chunk

PACKAGES: dict[str, str] = {
    "torch": "torch", "pytorch": "torch", "transformers": "transformers", "tokenizers": "tokenizers",
    "vllm": "vllm", "sglang": "sglang", "lmdeploy": "lmdeploy", "flash-attn": "flash_attn",
    "flash-attention": "flash_attn", "xformers": "xformers", "accelerate": "accelerate", "deepspeed": "deepspeed",
    "peft": "peft", "trl": "trl", "bitsandbytes": "bitsandbytes", "auto-gptq": "auto_gptq", "autoawq": "autoawq",
    "optimum": "optimum", "llama-cpp-python": "llama_cpp_python", "ollama": "ollama_python",
    "llamafactory": "llamafactory",
    "pytorch-cuda": "torch_cuda", "cudatoolkit": "cuda", "cuda-toolkit": "cuda", "cuda-runtime": "cuda",
    "nvidia-cuda-runtime-cu12": "cuda", "nvidia-cuda-runtime-cu11": "cuda", "python": "python",
}
"""Distribution names (lower-case, "_" as "-") -> canonical env keys."""

NAMES = "|".join(sorted({n for n in PACKAGES} | {n.replace("-", "_") for n in PACKAGES}, key=len, reverse=True))
"""Every package name as an RE2 alternation (pip's "-" or "_"), longest first."""
_VER = r"(\d+(?:\.[0-9A-Za-z]+)*(?:\+[0-9A-Za-z.]+)?)"
_ROW = rx(
    r"(?im)^[ \t]*(?:\[(pip3?|conda)\][ \t]+|[-*][ \t]+)?(" + NAMES + r")[ \t]*(?:={1,3}|[ \t])[ \t]*"
    r"v?" + _VER + r"(?:[ \t]+(\S+))?[ \t]*(?:[ \t]\S+[ \t]*)?(?:[ \t]{2}[^\n]*)?\r?$"
)
"""A package row: name, version, then a conda build and channel, or a column-aligned summary (`poetry show`)."""
_PIP_SHOW = rx(r"(?im)^Name:[ \t]*(" + NAMES + r")[ \t]*\r?\nVersion:[ \t]*" + _VER)


_PRINTED = rx(
    r"(?m)(?:\b(" + NAMES + r")\.__version__|\b(torch)\.version\.cuda|\b(vllm|lmdeploy)[ \t]+(?:--version|-v)\b)"
    r"[^\n]*\r?\n[ \t]*(?:\([ \t]*)?['\"]?v?(\d+\.\d+(?:\.[0-9A-Za-z]+)*(?:\+[0-9A-Za-z.]+)?)['\"]?"
    r"(?:[ \t]*,[^\n]*\))?[ \t]*\r?$"
)
"""A version printed alone on the line after `torch.__version__`, `torch.version.cuda` or `vllm --version`, or first
in the tuple the REPL echoes (`torch.__version__, torch.cuda.is_available()` -> `('2.1.2+cpu', False)`)."""
_DEVICE_NAME = rx(r"(?m)get_device_name\([^)\n]*\)[^\n]*\r?\n[ \t]*['\"]([A-Za-z][^'\"\n]{2,60})['\"]?[ \t]*\r?$")
"""The GPU name printed after `torch.cuda.get_device_name(0)` (quoted, as the REPL echoes it)."""


def _printed(chunk: Chunk, seen: set[str]) -> list[Cand]:
    """Versions and the GPU name as Python or a CLI printed them on the line after the expression or command."""
    s = chunk.text
    out: list[Cand] = []
    if "__version__" in s or "version.cuda" in s or "vllm -" in s or "lmdeploy -" in s:
        for m in scan(_PRINTED, s):
            name = m.group(1) or m.group(3)
            key = PACKAGES[name.lower().replace("_", "-")] if name else "torch_cuda"
            if key not in seen:
                seen.add(key)
                out.append(Cand(key, m.group(4), "log", chunk.span(*m.span(4))))
    if "get_device_name(" in s:
        m = first(_DEVICE_NAME, s)
        if m:
            out.append(Cand("gpu", m.group(1).strip(), "log", chunk.span(*m.span(1))))
    return out


_PIP_SAYS = rx(
    r"(?im)Requirement already satisfied:[ \t]*(" + NAMES + r")(?:\[[^\]\n]*\])?(?:[<>=!~][^ \t\n]*)?[ \t]+in[ \t]"
    r"[^\n]*?\(" + _VER + r"\)|but you have (" + NAMES + r") " + _VER + r"\b|^(" + NAMES + r") " + _VER + r" requires "
)
"""What pip says is installed: "already satisfied: torch in ... (2.1.2)", "but you have torch 2.2.0",
"vllm 0.4.0 requires"."""
_PIP_INSTALLED = rx(r"Successfully installed ([^\n]+)")


def pip_says(chunk: Chunk, seen: set[str]) -> list[Cand]:
    """Installed versions from pip's own messages: already satisfied, resolver conflicts, successfully installed."""
    s = chunk.text
    out: list[Cand] = []
    if "satisfied:" in s or "requires " in s:
        for m in scan(_PIP_SAYS, s):
            g = 1 if m.group(1) else 3 if m.group(3) else 5
            key = PACKAGES[m.group(g).lower().replace("_", "-")]
            if key not in seen:
                seen.add(key)
                out.append(Cand(key, m.group(g + 1), "pip", chunk.span(*m.span(g + 1))))
    if "Successfully installed" in s:
        for m in scan(_PIP_INSTALLED, s, 8):
            pos = m.start(1)
            for token in m.group(1).split(" "):
                name, _, version = token.rpartition("-")
                key = PACKAGES.get(name.lower().replace("_", "-"))
                if key and key not in seen and version[:1].isdigit():
                    seen.add(key)
                    at = pos + len(name) + 1
                    out.append(Cand(key, version.rstrip(), "pip", chunk.span(at, at + len(version.rstrip()))))
                pos += len(token) + 1
    return out


_WHEEL = rx(
    r"(?i)(?:^|[/ \t=\"'])(" + NAMES + r")-(\d+(?:\.[0-9A-Za-z]+)*)(?:%2B|\+)?([0-9A-Za-z.]*)-(?:cp|py)\d"
)
"""A wheel's file name (`flash_attn-2.5.8+cu122torch2.3cxx11abiFALSE-cp310-cp310-linux_x86_64.whl`)."""
_FREEZE_AT = rx(
    r"(?im)^[ \t]*(" + NAMES + r")[ \t]*@[ \t]*\S*?/[A-Za-z0-9_]+-(\d+(?:\.[0-9A-Za-z]+)*)(?:%2B|\+)?([0-9A-Za-z.]*)-"
)


def parse_packages(chunk: Chunk, in_code: bool) -> list[Cand]:
    """Facts from package-list rows; outside code only the `[pip3]` / `[conda]` forms count."""
    out: list[Cand] = []
    seen: set[str] = set()
    for m in scan(_ROW, chunk.text):
        tag = m.group(1)
        if not in_code and tag is None:
            continue
        key = PACKAGES[m.group(2).lower().replace("_", "-")]
        if key in seen or key == "python" and "." not in m.group(3):
            continue
        seen.add(key)
        build = m.group(4) or ""
        source = "conda" if tag == "conda" or (tag is None and "_" in build) else "pip"
        value = m.group(3)
        span = chunk.span(*m.span(3))
        out.append(Cand(key, value, source, span))
        if key == "torch":
            tc = None
            if "+cu" in value:
                tc = cuda_from_tag(value.split("+", 1)[1])
            elif "cuda" in build:
                tc = cuda_from_tag("cu" + build.split("cuda", 1)[1].split("_")[0].replace(".", ""))
            if tc:
                out.append(Cand("torch_cuda", tc, "derived", span))
    if "Name:" in chunk.text:
        for m in scan(_PIP_SHOW, chunk.text):
            key = PACKAGES[m.group(1).lower().replace("_", "-")]
            if key not in seen and in_code:
                seen.add(key)
                out.append(Cand(key, m.group(2), "pip", chunk.span(*m.span(2))))
    if in_code:
        out += _printed(chunk, seen) + pip_says(chunk, seen)
    at_urls = scan(_FREEZE_AT, chunk.text) if "@" in chunk.text else ()
    wheels = scan(_WHEEL, chunk.text) if ".whl" in chunk.text else ()
    for found in (at_urls, wheels):
        for m in found:
            key = PACKAGES[m.group(1).lower().replace("_", "-")]
            if key in seen or not in_code:
                continue
            seen.add(key)
            local = m.group(3)
            value = m.group(2) + ("+" + local if local else "")
            out.append(Cand(key, value, "pip", chunk.span(*m.span(2))))
            if key == "torch" and local.startswith("cu") and (tc := cuda_from_tag(local)):
                out.append(Cand("torch_cuda", tc, "derived", chunk.span(*m.span(2))))
    return out
