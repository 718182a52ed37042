"""Free prose in English and Chinese: "torch 2.1", "cuda12.1", "transformers==4.37.2", "4090 显卡", "用的是 A100 80G"."""

from __future__ import annotations

from bot.core.extract.common import Cand, cuda_from_tag
from bot.core.extract.packages import PACKAGES
from bot.core.extract.segment import Line
from bot.core.gpus import model_token
from bot.core.rulefile import compile_re2

_V = r"v?(\d+\.\d+(?:\.\d+)?(?:\.?post\d+|\.?dev\d+|rc\d+)?(?:\+[0-9a-z.]+)?)"
_SEP = r"(?:\s*(?:==|=|>=|:|：|版本|version|ver\.?|is|是|为|v|_)\s*|\s+|-|_){0,3}"

_PY = compile_re2(
    r"(?i)(?:^|[^a-z0-9_/.\-])(?:python" + _SEP + r"|py)(3\.\d{1,2}(?:\.\d{1,2})?)\b"
)
_TORCH = compile_re2(r"(?i)(?:^|[^a-z0-9_.])(?:torch|pytorch)" + _SEP + r"(\d\.\d+(?:\.\d+)?(?:\+(?:cu|cuda)\d+|\+cpu)?)\b")
_CUDA = compile_re2(
    r"(?i)(?:^|[^a-z0-9])cuda(?:\s*toolkit)?(?:\s*(?:version|版本|==|=|:|：|v))?\s*[:：=]?\s*_?(\d{1,2}\.\d(?:\.\d+)?)\b"
)
_CU_TAG = compile_re2(r"(?i)\b(cu1[0-3]\d)\b")
_DRIVER = compile_re2(
    r"(?i)(?:driver|驱动)(?:\s*(?:version|版本))?\s*[:：=]?\s*(?:is\s+)?(\d{3}(?:\.\d{1,3}){0,2})\b"
)
_LIB_NAMES = sorted(
    {n for n in PACKAGES if PACKAGES[n] not in ("cuda", "torch", "torch_cuda", "cuda_python", "ollama_python")}
    | {"transformer", "flash_attn", "auto_gptq", "flash attention", "flash-attention2", "autogptq", "auto-awq", "llama.cpp", "ollama"},
    key=len, reverse=True,
)
_LIB = compile_re2(
    r"(?i)(?:^|[^a-z0-9_./-])(" + "|".join(n.replace(".", r"\.").replace(" ", r"[ _-]?") for n in _LIB_NAMES) + r")"
    + _SEP + _V
)
_LIB_KEY = {
    "transformer": "transformers",
    "flash_attn": "flash_attn", "flash attention": "flash_attn", "flash-attention2": "flash_attn",
    "autogptq": "auto_gptq", "auto_gptq": "auto_gptq", "auto-awq": "autoawq", "llama.cpp": "llama_cpp",
    "ollama": "ollama",
}
_OS = compile_re2(
    r"(?i)\b(ubuntu\s*\d{2}\.\d{2}(?:\.\d+)?(?:\s*LTS)?|ubuntu|centos\s*\d+(?:\.\d+)?|centos|debian\s*\d+|"
    r"rocky\s*linux\s*\d*|red\s*hat[a-z ]*\d*|rhel\s*\d+|windows?\s*1[01]|windows\s*server\s*\d+|win1[01]|windows|"
    r"wsl2?(?:\s+ubuntu)?|macos\s*\d*(?:\.\d+)*|mac\s*os\s*x?\s*\d*|macbook(?:\s*pro|\s*air)?(?:\s*m\d)?|"
    r"apple\s*m\d(?:\s*(?:pro|max|ultra))?|arch\s*linux|fedora\s*\d*|opensuse|kylin)\b"
)
_GPU = compile_re2(
    r"(?i)(?:^|[^a-z0-9])((?:(?:\d{1,3}|[一二两三四五六八十多])\s*(?:x|\*|×|张|块|卡|台|片)\s*)?"
    r"(?:nvidia\s*)?(?:geforce\s*)?(?:tesla\s*|quadro\s*)?(?:rtx\s*|gtx\s*)?"
    r"(?:a100|a800|h100|h800|h200|h20|l40s|l40|l20|a6000|a5000|a4000|v100|p100|p40|k80|m40|b200|"
    r"(?:rtx|gtx|geforce)\s*\d{3,4}(?:\s*ti|\s*super|d)?|[1-5]0[5-9]0(?:\s*ti|\s*super|d)?|a10g?|a30|a40)"
    r"(?:[- ]?(?:sxm\d?|pcie|nvl|\d{2,3}\s*g(?:b|ig)?|\(\d{2,3}\s*g(?:b)?\)))?"
    r"(?:\s*(?:x|\*|×)\s*\d{1,3}|\s*\d{1,3}\s*(?:张|块|卡|台))?)(?:$|[^a-z0-9])"
)
_GPU_SHORT = compile_re2(r"(?:^|[^A-Za-z0-9])((?:\d{1,2}\s*(?:x|\*|×)\s*)?(?:NVIDIA |Tesla )?(?:T4|L4|P4))(?:$|[^A-Za-z0-9])")


def _emit(out: list[Cand], key: str, value: str, src: str, off: int, span: tuple[int, int]) -> None:
    """Append one candidate with its span shifted to text offsets."""
    out.append(Cand(key, value.strip(), src, (off + span[0], off + span[1])))


def parse_prose(lines: list[Line], source: str) -> list[Cand]:
    """Facts stated in human prose (or an issue form), each with the span of its value."""
    out: list[Cand] = []
    for off, s in lines:
        if len(s) > 2000:
            s = s[:2000]
        low = s.lower()
        if "py" in low:
            for m in _PY.finditer(s):
                _emit(out, "python", m.group(1), source, off, m.span(1))
        if "torch" in low:
            for m in _TORCH.finditer(s):
                v = m.group(1)
                _emit(out, "torch", v, source, off, m.span(1))
                if "+cu" in v:
                    tc = cuda_from_tag(v.split("+", 1)[1])
                    if tc:
                        _emit(out, "torch_cuda", tc, "derived", off, m.span(1))
        if "cu" in low:
            for m in _CUDA.finditer(s):
                _emit(out, "cuda", m.group(1), source, off, m.span(1))
        if "driver" in low or "驱动" in s:
            for m in _DRIVER.finditer(s):
                _emit(out, "cuda_driver", m.group(1), source, off, m.span(1))
        for m in _LIB.finditer(s):
            name = m.group(1).lower()
            key = _LIB_KEY.get(name) or _LIB_KEY.get(name.replace("-", "_")) or PACKAGES.get(name.replace("_", "-"))
            if key:
                _emit(out, key, m.group(2), source, off, m.span(2))
        for m in _OS.finditer(s):
            _emit(out, "os", m.group(1), source, off, m.span(1))
        for m in _GPU.finditer(s):
            _emit(out, "gpu", m.group(1), source, off, m.span(1))
        for m in _GPU_SHORT.finditer(s):
            _emit(out, "gpu", m.group(1), source, off, m.span(1))
    return out


_HUMAN_LABELS: dict[str, str] = {
    **{k: "os" for k in ("os", "system", "operating system", "platform", "操作系统", "系统", "os version", "os/platform")},
    **{k: "python" for k in ("python", "python version", "python版本", "python 版本", "py")},
    **{k: "gpu" for k in ("gpu", "gpus", "gpu(s)", "gpu type", "gpu model", "gpu models", "显卡", "gpu型号",
                          "显卡型号", "hardware", "硬件", "device", "gpu info", "gpu make")},
    **{k: "cuda" for k in ("cuda", "cuda version", "cuda compiler", "cuda toolkit", "cuda版本", "cuda 版本",
                           "cuda runtime", "nvcc", "nvcc version")},
    **{k: "cuda_driver" for k in ("nvidia driver", "driver", "driver version", "驱动", "驱动版本", "nvidia driver version",
                                  "gpu driver")},
    **{k: "torch" for k in ("pytorch", "torch", "torch version", "pytorch version", "pytorch版本", "torch版本")},
    **{k: "model" for k in ("model", "models", "model name", "模型", "模型名称", "checkpoint", "model version",
                            "使用的模型", "model used")},
    **{k: "quantization" for k in ("quantization", "量化", "量化方式", "quantization method", "quant")},
    "transformer": "transformers",
}
for _name, _key in PACKAGES.items():
    if _key not in ("cuda", "torch", "torch_cuda", "cuda_python", "ollama_python"):
        for _form in (_name, _name.replace("-", "_"), _name + " version", _name.replace("-", "_") + " version"):
            _HUMAN_LABELS.setdefault(_form, _key)
_HUMAN_LABELS.update({"llama.cpp": "llama_cpp", "llama.cpp version": "llama_cpp", "ollama": "ollama",
                      "ollama version": "ollama", "vllm版本": "vllm", "transformers版本": "transformers"})

_CUDA_IN = compile_re2(r"(?i)cuda[_ -]?(\d{1,2}\.\d)")
_ANY_VERSION = compile_re2(r"(?i)(?:^|[^a-z0-9.])v?(\d+\.(?:\d+|x)(?:\.\d+)*(?:\.?post\d+|\.?dev\d+|rc\d+)?(?:\+[0-9a-z.]+)?)")


def _label_head(s: str) -> tuple[str, int] | None:
    """(normalised label, offset of the value) for a human `Label: value` line, else None."""
    for i, ch in enumerate(s[:90]):
        if ch in ":：":
            head = s[:i].strip().lstrip("-*>•").strip().strip("*_`").strip().lower()
            if head.endswith(")") and "(" in head:
                head = head[: head.index("(")].strip()
            return " ".join(head.split()), i + 1
    return None


def _label_value(key: str, value: str, free_os: bool = False) -> tuple[str, int] | None:
    """The part of a labelled value that states the fact, and its offset in the value; None if it states none."""
    v = value.strip().strip("*`").strip()
    if not v or v.lower() in ("n/a", "none", "_no response_", "-", "unknown", "no", "yes") or len(v) > 120:
        return None
    at = value.find(v)
    if " = " in v or v.startswith(("[", "<", "(")):
        return None
    if key == "os":
        m = _OS.search(v)
        return (v, at) if m or (free_os and len(v) <= 40 and any(c.isalpha() for c in v)) else None
    if key == "gpu":
        m = _GPU.search(v) or _GPU_SHORT.search(v)
        return (v, at) if m or model_token(v) else None
    if key in ("model", "quantization"):
        return (v, at) if any(c.isalnum() for c in v) else None
    m = _CUDA_IN.search(v) if key == "cuda" else None
    m = m or _ANY_VERSION.search(v)
    if not m:
        return None
    return m.group(1), at + m.start(1)


def parse_labels(lines: list[Line], source: str) -> list[Cand]:
    """Facts from human `Label: value` lines ("OS: Ubuntu 22.04", "- GPUs: 8 x NVIDIA A100", "显卡：4090")."""
    out: list[Cand] = []
    for off, s in lines:
        if len(s) > 300:
            continue
        got = _label_head(s)
        if not got:
            continue
        key = _HUMAN_LABELS.get(got[0])
        if key is None:
            continue
        val = _label_value(key, s[got[1]:], got[0] in ("os", "操作系统", "os version"))
        if val is None:
            continue
        value, at = val
        start = off + got[1] + at
        if key == "model":
            from bot.core.extract.models import parse_models

            found = parse_models([(start, value)], source)
            out += found or [Cand("model_size", value, source, (start, start + len(value)))]
            continue
        out.append(Cand(key, value, source, (start, start + len(value))))
    return out
