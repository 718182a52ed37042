"""Free prose in English and Chinese: "torch 2.1", "cuda12.1", "transformers==4.37.2", "4090 显卡", "用的是 A100 80G"."""

from __future__ import annotations

from bot.core.extract.common import MAX_MATCHES, Cand, first, rx, scan, torch_build
from bot.core.extract.models import parse_models
from bot.core.extract.packages import PACKAGES
from bot.core.extract.segment import Chunk
from bot.core.gpus import model_token
from bot.core.patternset import PatternSet

_V = r"v?(\d+\.\d+(?:\.\d+)?(?:\.?post\d+|\.?dev\d+|rc\d+)?(?:\+[0-9a-z.]+)?)"
_SEP = r"(?:[ \t]*(?:==|=|:|：|版本|version|ver\.?|is|是|为|v|_|to|`|[（(](?:装的是|用的是|installed:?|version:?)?)[ \t]*|[ \t]+|-|_){0,3}"

_PY = rx(r"(?im)(?:^|[^a-z0-9_/.\-])(?:python" + _SEP + r"|py)(3\.\d{1,2}(?:\.\d{1,2})?)\b")
_TORCH = rx(r"(?im)(?:^|[^a-z0-9_.])(?:torch|pytorch)(?:[ \t]+(?:nightly|preview))?" + _SEP
            + r"(\d\.\d+(?:\.\d+)?(?:\.dev\d+)?(?:\+(?:cu|cuda)\d+|\+cpu)?)\b")
_CUDA = rx(r"(?im)(?:^|[^a-z0-9])cuda(?:[ \t]*toolkit)?" + _SEP + r"(\d{1,2}\.\d(?:\.\d+)?)\b")
_DRIVER = rx(r"(?i)(?:driver|驱动|驅動)(?:[ \t]*(?:version|版本))?[ \t]*[:：=]?[ \t]*(?:is[ \t]+)?(\d{3}(?:\.\d{1,3}){0,2})\b")
_NOT_LIBS = ("cuda", "torch", "torch_cuda", "cuda_python", "ollama_python", "python")
"""Package keys that prose reads with their own patterns or never states by a package name."""
_LIB_NAMES = sorted(
    {n for n in PACKAGES if PACKAGES[n] not in _NOT_LIBS}
    | {"transformer", "flash_attn", "auto_gptq", "flash attention", "flash-attention2", "autogptq", "auto-awq",
       "llama.cpp", "ollama"},
    key=len, reverse=True,
)
_LIB = rx(
    r"(?im)(?:^|[^a-z0-9_./-])(" + "|".join(n.replace(".", r"\.").replace(" ", r"[ _-]?") for n in _LIB_NAMES)
    + r")" + _SEP + _V
)
_LIB_KEYS = frozenset(PACKAGES.values()) | {"llama_cpp", "ollama"}
"""Env keys of libraries and runtimes (their versions are what a working setup names)."""
_LIB_KEY = {
    "transformer": "transformers", "flash_attn": "flash_attn", "flash attention": "flash_attn",
    "flash-attention2": "flash_attn", "autogptq": "auto_gptq", "auto_gptq": "auto_gptq", "auto-awq": "autoawq",
    "llama.cpp": "llama_cpp", "ollama": "ollama",
}
_OS = rx(
    r"(?i)\b(ubuntu[ \t]*\d{2}\.\d{2}(?:\.\d+)?(?:[ \t]*LTS)?|ubuntu|centos[ \t]*\d+(?:\.\d+)?|centos|debian[ \t]*\d+|"
    r"rocky[ \t]*linux[ \t]*\d*|red[ \t]*hat[a-z ]*\d*|rhel[ \t]*\d+|windows?[ \t]*1[01]|windows[ \t]*server[ \t]*\d+|"
    r"win1[01]|windows|wsl2?(?:[ \t]+ubuntu)?|"
    r"macos[ \t]*(?:(?:sequoia|sonoma|ventura|monterey|big[ \t]*sur|catalina|tahoe)[ \t]*)?\d*(?:\.\d+)*|"
    r"mac[ \t]*os[ \t]*x?[ \t]*\d*|macbook(?:[ \t]*pro|[ \t]*air)?(?:[ \t]*m\d)?|apple[ \t]*m\d(?:[ \t]*(?:pro|max|ultra))?|"
    r"arch[ \t]*linux|fedora[ \t]*\d*|opensuse|kylin)\b"
)
_GPU = rx(
    r"(?im)(?:^|[^a-z0-9])((?:(?:\d{1,3}|[一二两三四五六八十多单双])[ \t]*(?:x|\*|×|张|块|卡|台|片)[ \t]*)?"
    r"(?:nvidia[ \t]*)?(?:geforce[ \t]*)?(?:tesla[ \t]*|quadro[ \t]*)?(?:rtx[ \t]*|gtx[ \t]*)?"
    r"(?:gh200|gb200|a100|a800|h100|h800|h200|h20|l40s|l40|l20|a6000|a5000|a4000|v100|p100|p40|k80|m40|b200|"
    r"(?:rtx|gtx|geforce)[ \t]*\d{3,4}(?:[ \t]*ti|[ \t]*super|[ \t]*ada|d)?|[1-5]0[5-9]0(?:[ \t]*ti|[ \t]*super|d)?|a10g?|a30|a40|"
    r"(?:amd[ \t]*)?(?:instinct[ \t]*)?mi(?:[1-3]\d{2}x?|[5-6]0)|(?:amd[ \t]*)?(?:radeon[ \t]*)?rx[ \t]*[5-9]\d{3}(?:[ \t]*xtx?)?|"
    r"(?:amd[ \t]*)?(?:radeon[ \t]*)?rx[ \t]*[4-6][5-9]0|"
    r"(?:amd[ \t]*)?radeon[ \t]*pro[ \t]*[a-z]?\d{3,4}[a-z]?|(?:intel[ \t]*)?arc[ \t]*[ab]\d{3})"
    r"(?:[- ]?(?:sxm\d?|pcie|nvl|\d{2,3}[ \t]*g(?:b|ig)?|\(\d{2,3}[ \t]*g(?:b)?\)))?"
    r"(?:[ \t]*(?:x|\*|×)[ \t]*\d{1,3}|[ \t]*\d{1,3}[ \t]*(?:张|块|卡|台))?)s?(?:$|[^a-z0-9])"
)
_GPU_SHORT = rx(
    r"(?m)(?:^|[^A-Za-z0-9])((?:\d{1,2}[ \t]*(?:x|\*|×)[ \t]*)?(?:NVIDIA |Tesla )?(?:T4|L4|P4))(?:$|[^A-Za-z0-9])"
)
_LLAMA_TAG = rx(r"(?i)llama[.-]?cpp[ \t:]*(?:(?:version|release|tag|build|版本)[ \t:：]*)?\(?b(\d{3,5})\b")
"""A llama.cpp release tag ("llama.cpp b3447", "llama.cpp version: b4500"): the build number."""
_GPU_N = rx(
    r"(?i)(?:^|[ \t(])(\d{1,2}|two|three|four|six|eight)[ \t]+((?:nvidia[ \t]+)?(?:tesla[ \t]+|geforce[ \t]+)?"
    r"(?:rtx[ \t]*)?[a-z]{0,2}\d{1,4}[a-z]{0,3}(?:[ \t]+\d{2,3}[ \t]*gb)?)(?:s\b|[ \t]+gpus\b|[ \t]+cards\b)"
)
"""A count of GPUs in English ("8 H100 GPUs", "two A100s"); group 2 must name a GPU model."""
_EN_NUM = {"two": "2", "three": "3", "four": "4", "six": "6", "eight": "8"}
_APPLE = rx(
    r"(?i)(?:macbook(?:[ \t]*(?:pro|air))?|mac[ \t]*(?:studio|mini|pro)|imac|apple(?:[ \t]+silicon)?)"
    r"[^\n.;]{0,24}?\b(m[1-5](?:[ \t]*(?:pro|max|ultra))?)\b|\b(m[1-5][ \t]*(?:pro|max|ultra))\b"
    r"|\b(m[1-5](?:[ \t]*(?:pro|max|ultra))?)[ \t]+(?:macbook|mac\b|mac[ \t]*(?:studio|mini)|imac|chip)"
    r"|\b(?:an|my)[ \t]+(m[1-5])\b[ \t]*(?:[:,;)]|$|with|and|mac|\d+[ \t]*g)"
)
"""Apple silicon named as the machine's GPU ("MacBook Pro M2 Max", "Mac Studio (M1 Ultra)", "M3 Max chip")."""
_SIMPLE = (("python", _PY), ("torch", _TORCH), ("cuda", _CUDA), ("cuda_driver", _DRIVER), ("os", _OS),
           ("gpu", _GPU), ("gpu", _GPU_SHORT), ("llama_cpp", _LLAMA_TAG), ("gpu_count", _GPU_N), ("gpu", _APPLE))


_PREFILTER = PatternSet([p.pattern for _, p in _SIMPLE] + [_LIB.pattern])


_WORKING = rx(
    r"(?i)[^.!?。\n]*(?:\bit works\b|\bworks (?:fine|well|on)\b|\bworked\b|\bruns fine\b|\bit was fine\b|\bis fine\b|\bwas fine\b|"
    r"\bno (?:problem|issue)s?\b|\bworks with\b|正常|没问题|没有问题|可以跑)[^.!?。\n]*"
)
"""A sentence about a setup that works: a version or GPU it names is the working one, not the failing one."""
_VERSION_KEYS = frozenset({"torch", "cuda", "python", "gpu"})


def _working(s: str) -> list[tuple[int, int]]:
    """The spans of sentences about a working setup."""
    low = s.lower()
    if not any(map(low.__contains__, ("work", "fine", "no problem", "no issue", "正常", "没问题", "没有问题", "可以跑"))):
        return []
    return [m.span() for m in scan(_WORKING, s, 50)]


def parse_prose(chunk: Chunk, source: str) -> list[Cand]:
    """Facts stated in human prose (or an issue form), each with the span of its value; a version named in a
    sentence about a setup that works ranks lowest (the failing setup's outranks it)."""
    out = _parse_prose(chunk, source)
    spans = _working(chunk.text)
    if not spans:
        return out
    ok = [chunk.span(a, b) for a, b in spans]
    return [Cand(c.key, c.value, "derived", c.span)
            if (c.key in _VERSION_KEYS or c.key in _LIB_KEYS) and any(a <= c.span[0] < b for a, b in ok) else c
            for c in out]


def _parse_prose(chunk: Chunk, source: str) -> list[Cand]:
    """The facts of parse_prose, before working setups are ranked down."""
    out: list[Cand] = []
    s = chunk.text
    found = _PREFILTER.match(s)
    for i, (key, pattern) in enumerate(_SIMPLE):
        if i not in found:
            continue
        for m in scan(pattern, s, MAX_MATCHES):
            if pattern is _APPLE:
                g = next(i for i in (1, 2, 3, 4) if m.group(i))
                out.append(Cand("gpu", m.group(g).strip(), source, chunk.span(*m.span(g))))
                continue
            if s.startswith(".*", m.end(1)):
                continue  # a requirement ("torch==2.1.*"), not an installed version
            v = m.group(1).strip()
            if key == "gpu_count":
                if not model_token(m.group(2)):
                    continue
                v = _EN_NUM.get(v.lower(), v)
            # a Mac's hardware ("MacBook Pro M3") implies macOS but yields to an OS the reporter names
            src = "derived" if key == "os" and v.lower().startswith(("macbook", "apple")) else source
            out.append(Cand(key, v, src, chunk.span(m.start(1), m.start(1) + len(m.group(1).strip()))))
            if key == "torch":
                out += torch_build(v, out[-1].span)
    for m in scan(_LIB, s, MAX_MATCHES) if len(_SIMPLE) in found else ():
        name = m.group(1).lower()
        key = _LIB_KEY.get(name) or _LIB_KEY.get(name.replace("-", "_")) or PACKAGES.get(name.replace("_", "-"))
        if key and not s.startswith(".*", m.end(2)):
            out.append(Cand(key, m.group(2), source, chunk.span(*m.span(2))))
    return out


_UPGRADE = rx(
    r"(?i)(?:升级到|升级至|更新到|更新至|升到|换成|现在(?:用的是|用的|是|用)?|upgrad\w*|updat\w*|bump\w*|mov\w*|switch\w*|"
    r"currently(?:[ \t]+(?:on|using))?|(?:is|'s|’s)[ \t]+now(?:[ \t]+(?:at|on))?|now[ \t]+(?:on|using|with|at|says|shows|reports))"
    r"(?:[^\n,，。;]{0,30}?(?:[ \t]to|到|至|→|->|=>))?[ \t]*(?:[a-z][\w.\-]{1,20}[ \t]*)?v?(\d+\.\d+(?:\.\d+)?(?:\.?post\d+|rc\d+)?)\b"
)
"""An upgrade ("upgraded vllm to 0.6.3", "升级到 0.6.0", "pip install -U transformers, it's now 4.48.3", "`pip show
transformers` now says 4.51.3"): the version the reporter runs now."""
_UPGRADE_LIBS = (("vllm", "vllm"), ("sglang", "sglang"), ("lmdeploy", "lmdeploy"), ("transformers", "transformers"),
                 ("ollama", "ollama"), ("deepspeed", "deepspeed"), ("peft", "peft"), ("trl", "trl"),
                 ("accelerate", "accelerate"), ("flash-attn", "flash_attn"), ("flash_attn", "flash_attn"),
                 ("bitsandbytes", "bitsandbytes"), ("pytorch", "torch"), ("torch", "torch"))


_WORD = rx(r"[a-z][a-z0-9_.\-]*")
_NOT_NAMES = frozenset(("upgraded", "upgrade", "upgrading", "updated", "update", "updating", "bumped", "bump", "moved",
                        "move", "switched", "switch", "currently", "on", "using", "is", "s", "now", "at", "with", "to",
                        "it", "the", "my", "our", "its", "version", "latest", "again", "already", "also", "just", "then",
                        "and", "everything", "all", "package", "packages", "lib", "library", "libraries", "from", "pip",
                        "install", "u", "v", "a", "an", "this", "that", "over", "back", "finally", "newest", "says", "shows",
                        "reports"))
"""Words an upgrade phrase has besides the package's name ("upgraded it again to", "is now at")."""


def _names_another(phrase: str) -> bool:
    """Whether an upgrade phrase names a package, and none of those we read ("upgraded triton to 3.1.0")."""
    words = [w for w in _WORD.findall(phrase) if w not in _NOT_NAMES]
    return bool(words) and not any(name in w for w in words for name, _ in _UPGRADE_LIBS)


def parse_upgrades(chunk: Chunk, title: str = "") -> list[Cand]:
    """The version a library was upgraded (or moved) to, named within a short window before it: it outranks the
    version the reporter had before."""
    s = chunk.text
    low = s.lower()
    said = low + title.lower()
    if not any(map(said.__contains__, ("升", "更新", "换成", "现在", "upgrad", "updat", "bump", "mov", "switch",
                                       "currently", "now "))):
        return []
    out = []
    for m in scan(_UPGRADE, s, 20):
        if _names_another(low[m.start(): m.start(1)]):
            continue  # "upgraded triton to 3.1.0": a package we do not read, not the torch named before it
        window = low[max(0, m.start() - 80): m.start(1)]
        best = max(((window.rfind(name), key) for name, key in _UPGRADE_LIBS), default=(-1, ""))
        if best[0] >= 0:
            out.append(Cand(best[1], m.group(1), "upgrade", chunk.span(*m.span(1))))
    arrows = list(scan(_ARROW, s, 10))  # "torch 2.1.2 → 2.3.1"
    before = {m.group(1) for m in arrows}
    out = [c for c in out if c.value not in before]  # the left side of an arrow is the old version
    for m in arrows:
        window = low[max(0, m.start() - 40): m.start(1)]
        best = max(((window.rfind(name), key) for name, key in _UPGRADE_LIBS), default=(-1, ""))
        if best[0] >= 0:
            out.append(Cand(best[1], m.group(2), "upgrade", chunk.span(*m.span(2))))
    if not out:  # "after upgrading transformers ... with transformers 4.37 ... with transformers 4.46.1": the newest
        out += _newest_after_upgrade(chunk, title)
    return out


_ARROW = rx(r"(\d+\.\d+(?:\.\d+)?)[ \t]*(?:→|->|=>|➡|⇒)[ \t]*v?(\d+\.\d+(?:\.\d+)?(?:\.?post\d+|rc\d+)?)\b")
"""A version change written with an arrow: the right-hand version is the current one."""
_UPGRADED_LIB = rx(r"(?i)(?:upgrad\w*|updat\w*|升级|更新)[ \t]*(?:to[ \t]+)?(?:the[ \t]+)?(vllm|sglang|lmdeploy|transformers|ollama|"
                   r"deepspeed|peft|trl|accelerate|flash-attn|bitsandbytes|pytorch|torch)\b")
_LIB_VERSION = {name: rx(r"(?i)\b" + name.replace("-", r"[-_]") + r"[ \t]*(?:==|=|v|version)?[ \t]*(\d+\.\d+(?:\.\d+)?)\b")
                for name, _ in _UPGRADE_LIBS}


def _newest_after_upgrade(chunk: Chunk, title: str) -> list[Cand]:
    """After "upgrading LIB" (in the title or the body), the newest LIB version the body names is the one the
    reporter runs now."""
    m = first(_UPGRADED_LIB, title) or first(_UPGRADED_LIB, chunk.text)
    if not m:
        return []
    name = m.group(1).lower()
    key = dict(_UPGRADE_LIBS)[name]
    found = [(tuple(int(x) for x in v.group(1).split(".")), v) for v in scan(_LIB_VERSION[name], chunk.text, 20)]
    if len(found) < 2:
        return []
    _, v = max(found, key=lambda f: f[0])
    return [Cand(key, v.group(1), "upgrade", chunk.span(*v.span(1)))]


_HUMAN_LABELS: dict[str, str] = {
    **{k: "os" for k in ("os", "system", "operating system", "platform", "操作系统", "系统", "os version", "作業系統",
                         "系統")},
    **{k: "python" for k in ("python", "python version", "python版本", "python 版本")},
    **{k: "gpu" for k in ("gpu", "gpus", "gpu(s)", "gpu type", "gpu model", "gpu models", "显卡", "gpu型号",
                          "显卡型号", "hardware", "硬件", "device", "gpu info", "顯卡", "顯卡型號")},
    **{k: "cuda" for k in ("cuda", "cuda version", "cuda compiler", "cuda toolkit", "cuda版本", "cuda 版本",
                           "cuda runtime", "nvcc", "nvcc version")},
    **{k: "cuda_driver" for k in ("nvidia driver", "driver", "driver version", "驱动", "驱动版本", "驅動", "驅動版本",
                                  "nvidia driver version", "gpu driver", "cuda driver version")},
    **{k: "torch" for k in ("pytorch", "torch", "torch version", "pytorch version", "pytorch版本", "torch版本")},
    **{k: "model" for k in ("model", "models", "model name", "模型", "模型名称", "checkpoint", "model version",
                            "使用的模型", "model used")},
    **{k: "quantization" for k in ("quantization", "量化", "量化方式", "quantization method")},
    "transformer": "transformers",
}
for _name, _key in PACKAGES.items():
    if _key not in _NOT_LIBS:
        for _form in (_name, _name.replace("-", "_"), _name + " version", _name.replace("-", "_") + " version",
                      _name + "版本"):
            _HUMAN_LABELS.setdefault(_form, _key)
_HUMAN_LABELS.update({"llama.cpp": "llama_cpp", "llama.cpp version": "llama_cpp", "ollama": "ollama",
                      "ollama version": "ollama"})
_FREE_OS = frozenset({"os", "操作系统", "os version", "作業系統"})

_LABEL = rx(
    r"(?im)^[ \t]*(?:[-*>•|][ \t]*)?[*_`]*("
    + "|".join(sorted((k.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)").replace(" ", "[ \t]+")
                       for k in _HUMAN_LABELS), key=len, reverse=True))
    + r")[*_`]*(?:[ \t]*\([^\n]{0,90}?\))?[ \t]*[*_`]*[ \t]*[:：|][ \t]*([^|\n]*)"
)
"""A `Label: value` line, or a Markdown table row `| Label | value |` (the value is the cell after the label)."""
_SIZE_ONLY = rx(r"(?i)^\d{1,3}(?:\.\d)?b\b")
_CUDA_IN = rx(r"(?i)cuda[_ -]?(\d{1,2}\.\d)")
_ANY_VERSION = rx(r"(?i)(?:^|[^a-z0-9.])v?(\d+\.(?:\d+|x)(?:\.\d+)*(?:\.?post\d+|\.?dev\d+|rc\d+)?(?:\+[0-9a-z.]+)?)")


def placeholder(value: str) -> bool:
    """True for a template's placeholder or example ("[e.g. Ubuntu 20.04]", "<fill in>", "e.g. 12.1") or code."""
    v = value.strip().strip("*`").strip()
    return " = " in v or v.startswith(("[", "<", "(")) or v.lower().startswith(("e.g", "eg.", "eg:", "例如", "比如"))


def _label_value(key: str, value: str, free_os: bool = False) -> tuple[str, int] | None:
    """The part of a labelled value that states the fact, and its offset in the value; None if it states none."""
    v = value.strip().strip("*`").strip()
    if not v or v.lower() in ("n/a", "none", "_no response_", "-", "unknown", "no", "yes") or len(v) > 120:
        return None
    if placeholder(v):
        return None
    at = value.find(v)
    if key == "gpu" and any(c in v for c in ",，;；、"):  # "MacBook Pro 2019, i9-9880H, Radeon Pro 5500M": the GPU part
        parts = [p.strip() for p in v.replace("，", ",").replace("；", ",").replace(";", ",").replace("、", ",").split(",")]
        named = next((p for p in parts if first(_GPU, p) or first(_GPU_SHORT, p) or model_token(p)), None)
        if named is not None and named != parts[0]:
            at, v = value.find(named), named
    if key in ("os", "gpu"):  # "GPU: 8 x A100, driver 535.x": a name holds no comma, what follows is another fact
        for sep in (",", "，", ";", "；", "、", " \\", " with ", " and ", " + ", " / "):  # /etc/issue's "\n \l" too
            v = v.split(sep, 1)[0]
        v = v.rstrip()
    if key == "os":
        ok = first(_OS, v) or (free_os and len(v) <= 40 and any(c.isalpha() for c in v))
        return (v, at) if ok else None
    if key == "gpu":
        return (v, at) if first(_GPU, v) or first(_GPU_SHORT, v) or model_token(v) else None
    if key in ("model", "quantization"):
        return (v, at) if any(c.isalnum() for c in v) else None
    m = (first(_CUDA_IN, v) if key == "cuda" else None) or first(_ANY_VERSION, v)
    if not m:
        return None
    return m.group(1), at + m.start(1)


_SECTION_KEYS: dict[str, str] = {
    "os": "os", "operating system": "os", "operating systems": "os", "操作系统": "os", "gpu": "gpu", "gpus": "gpu",
    "hardware": "gpu", "显卡": "gpu", "python version": "python", "cuda version": "cuda", "ollama version": "ollama",
    "vllm version": "vllm", "transformers version": "transformers", "pytorch version": "torch", "models": "model",
    "model": "model", "model name": "model", "what are the models used?": "model", "模型": "model",
    "which model": "model", "quantization": "quantization",
}
"""Issue-form headings whose answer (the first line under them) states one fact."""


def parse_section(section: str, chunk: Chunk, source: str = "issue_form") -> list[Cand]:
    """The fact an issue-form section states in its first answer line ("### OS" then "Windows")."""
    head = section.split("|")[-1].strip() if "|" in section else section
    key = _SECTION_KEYS.get(head) or _SECTION_KEYS.get(section.split("|")[0].strip())
    if key is None:
        return []
    pos = 0
    for line in chunk.text.split("\n")[:6]:
        here, pos = pos, pos + len(line) + 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if key == "model":
            return parse_models(Chunk([(chunk.at(here), line)]), source)
        val = _label_value(key, line, key == "os")
        if val is None:
            return []
        value, at = val
        start = chunk.at(here + at)
        return [Cand(key, value, source, (start, start + len(value)))]
    return []


def _more_cells(s: str, at: int) -> bool:
    """True if the table row goes on after the cell ending at `at`: a wider table (a benchmark), not a key-value one."""
    end = s.find("\n", at)
    return s[at:end if end >= 0 else len(s)].strip() not in ("", "|")


def parse_labels(chunk: Chunk, source: str) -> list[Cand]:
    """Facts from human `Label: value` lines ("OS: Ubuntu 22.04", "- GPUs: 8 x NVIDIA A100", "显卡：4090")."""
    out: list[Cand] = []
    s = chunk.text
    if ":" not in s and "：" not in s and "|" not in s:
        return out
    for m in scan(_LABEL, s, MAX_MATCHES):
        label = " ".join(m.group(1).lower().split())
        key = _HUMAN_LABELS.get(label)
        if key is None or s[m.start():m.start(1)].lstrip().startswith("|") and _more_cells(s, m.end(2)):
            continue
        val = _label_value(key, m.group(2), label in _FREE_OS)
        if val is None:
            continue
        value, at = val
        start = chunk.at(m.start(2) + at)
        if key == "model":
            found = parse_models(Chunk([(start, value)]), source)
            if not found and first(_SIZE_ONLY, value):
                found = [Cand("model_size", value, source, (start, start + len(value)))]
            out += found
            continue
        out.append(Cand(key, value, source, (start, start + len(value))))
        if key == "torch":
            out += torch_build(value, out[-1].span)
    return out
