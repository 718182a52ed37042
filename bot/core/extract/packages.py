"""Package lists: `pip list`, `pip freeze`, `conda list`, and collect_env's `[pip3]` / `[conda]` lines."""

from __future__ import annotations

from bot.core.extract.common import Cand, cuda_from_tag
from bot.core.extract.segment import Line
from bot.core.rulefile import compile_re2

PACKAGES: dict[str, str] = {
    "torch": "torch", "pytorch": "torch", "transformers": "transformers", "tokenizers": "tokenizers",
    "vllm": "vllm", "sglang": "sglang", "lmdeploy": "lmdeploy", "flash-attn": "flash_attn",
    "flash-attention": "flash_attn", "xformers": "xformers", "accelerate": "accelerate", "deepspeed": "deepspeed",
    "peft": "peft", "trl": "trl", "bitsandbytes": "bitsandbytes", "auto-gptq": "auto_gptq", "autoawq": "autoawq",
    "optimum": "optimum", "llama-cpp-python": "llama_cpp_python", "ollama": "ollama_python",
    "pytorch-cuda": "torch_cuda", "cuda-toolkit": "cuda", "cudatoolkit": "cuda", "cuda-runtime": "cuda",
    "nvidia-cuda-runtime-cu12": "cuda", "nvidia-cuda-runtime-cu11": "cuda", "cuda-python": "cuda_python",
}
"""Distribution names (lower-case, "_" as "-") -> canonical env keys."""

_ROW = compile_re2(
    r"^\s*(?:\[(pip3?|conda)\]\s+)?([A-Za-z0-9][A-Za-z0-9._-]{0,60})\s*(?:==|===|\s)\s*"
    r"v?(\d+(?:\.[0-9A-Za-z]+)*(?:\+[0-9A-Za-z.]+)?)(?:\s+(\S+))?"
)
_FREEZE_AT = compile_re2(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]{0,60})\s*@\s")


def parse_packages(lines: list[Line], in_code: bool) -> list[Cand]:
    """Facts from package-list rows; outside code only the `[pip3]` / `[conda]` forms count."""
    out: list[Cand] = []
    for off, s in lines:
        if len(s) > 300:
            continue
        st = s.lstrip()
        if not in_code and not st.startswith(("[pip", "[conda")):
            continue
        m = _ROW.search(s)
        if not m:
            continue
        name = m.group(2).lower().replace("_", "-")
        key = PACKAGES.get(name)
        if key is None:
            continue
        tag = m.group(1)
        source = "conda" if tag == "conda" or (tag is None and m.group(4) and "_" in m.group(4)) else "pip"
        value = m.group(3)
        out.append(Cand(key, value, source, (off + m.start(3), off + m.end(3))))
        build = m.group(4) or ""
        if key == "torch":
            tc = None
            if "+cu" in value:
                tc = cuda_from_tag(value.split("+", 1)[1])
            elif "cuda" in build:
                tc = cuda_from_tag("cu" + build.split("cuda", 1)[1].split("_")[0].replace(".", ""))
            if tc:
                out.append(Cand("torch_cuda", tc, "derived", (off + m.start(3), off + m.end(3))))
    return out
