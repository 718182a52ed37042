"""Environment dumps: PyTorch and vLLM collect_env (old and new layouts), `transformers env`, `lmdeploy check_env`,
`/etc/os-release` and `lsb_release -a`."""

from __future__ import annotations

from bot.core.extract.common import MAX_MATCHES, Cand, first, first_version, is_empty, rx, scan, torch_build
from bot.core.extract.segment import Chunk

_LABELS_OF: dict[str, tuple[str, ...]] = {
    "torch": ("pytorch version", "pytorch version (gpu?)", "pytorch version (accelerator?)", "pytorch", "torch version"),
    "torch_cuda": ("cuda used to build pytorch",),
    "cuda": ("cuda runtime version", "cuda version", "nvcc"),
    "cuda_driver": ("nvidia driver version", "cuda driver version", "driver version"),
    "gpu": ("gpu models and configuration", "gpu type", "npu type", "xpu type", "hpu type", "gpu"),
    "os": ("os", "platform", "operating system", "sys.platform"),
    "python": ("python version", "python"),
    "transformers": ("transformers version", "transformers"),
    "accelerate": ("accelerate version", "accelerate"),
    "lmdeploy": ("lmdeploy", "lmdeploy version"),
    "vllm": ("vllm version", "vllm"),
    "sglang": ("sglang version", "sglang"),
    "llamafactory": ("llamafactory", "llamafactory version"),
    "flash_attn": ("flash attention version", "flash-attn version"),
    **{key: (key + " version",) for key in ("tokenizers", "deepspeed", "peft", "trl", "xformers", "bitsandbytes")},
}
"""Canonical key -> the labels the dump tools print for it (and issue forms mirror)."""
LABELS: dict[str, str] = {label: key for key, labels in _LABELS_OF.items() for label in labels}
"""Labels printed by the dump tools (and mirrored by issue forms), normalised by `norm_label`."""

DUMP_ONLY = frozenset({
    "is debug build", "rocm used to build pytorch", "xpu used to build pytorch", "gcc version", "clang version",
    "cmake version", "libc version", "python platform", "is cuda available", "cuda_module_loading set to",
    "cudnn version", "hip runtime version", "miopen runtime version", "is xnnpack available", "is xpu available",
    "caching allocator config", "versions of relevant libraries", "rocm version", "neuron sdk version",
    "vllm build flags", "gpu topology", "huggingface_hub version", "safetensors version", "accelerate config",
    "tensorflow version (gpu?)", "flax version (cpu?/gpu?/tpu?)", "jax version", "jaxlib version",
    "using distributed or parallel set-up in script?", "using gpu in script?", "cuda available",
    "numpy_random_seed", "cuda_home", "gcc", "pytorch compiling details", "torchvision", "nvidia topology",
    "musa available", "supa available", "cpu", "numpy version", "system ram", "gpu available", "gpu ids",
    "architecture", "cpu op-mode(s)", "byte order", "address sizes", "cpu(s)", "on-line cpu(s) list", "vendor id",
    "model name", "cpu family", "thread(s) per core", "core(s) per socket", "socket(s)", "stepping",
    "frequency boost", "cpu max mhz", "cpu min mhz", "cpu mhz", "bogomips", "flags", "virtualization", "l1d cache",
    "l1i cache", "l2 cache", "l3 cache", "numa node(s)", "hypervisor vendor", "virtualization type",
    "is xpu available", "xpu used to build pytorch", "cuda archs", "vllm ascend version", "neuron sdk version",
    "ulimit soft", "flashinfer", "torchao",
})
"""Labels that mark a line as dump output without giving a canonical fact."""

_MARKERS = (
    ("vllm version", "vllm_env"),
    ("collecting environment information", "collect_env"),
    ("system info\n", "vllm_env"),
    ("`transformers` version", "transformers_env"),
    ("copy-and-paste the text below", "transformers_env"),
    ("sys.platform:", "lmdeploy_env"),
    ("lmdeploy:", "lmdeploy_env"),
    ("ulimit soft:", "lmdeploy_env"),  # sglang check_env: the same mmengine-style `key: value` lines
    ("`accelerate` version", "transformers_env"),
    ("`llamafactory` version", "transformers_env"),  # `llamafactory-cli env`: the same bullet layout
    ("pytorch version:", "collect_env"),
    ("cuda used to build pytorch", "collect_env"),
)


def dump_kind(text: str) -> str | None:
    """The dump tool that printed this block, or None if it is not an environment dump."""
    low = text[:20000].lower()
    for marker, kind in _MARKERS:
        if marker in low:
            return kind
    return None


def _alt(labels) -> str:
    """An RE2 alternation of labels, longest first, with runs of spaces matching any run of blanks."""
    esc = (k.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)").replace("?", r"\?").replace(" ", "[ \t]+")
           for k in labels)
    return "|".join(sorted(esc, key=len, reverse=True))


DUMP_LINE = rx(
    r"(?im)^[ \t]*(?:[-*][ \t]+)?`?(?:" + _alt(LABELS.keys() | DUMP_ONLY) + r"|gpu[ \t]+\d[\d,]*|vulnerability[^:\n]{0,40}|numa node\d+ cpu\(s\))`?"
    r"(?:[ \t]+version)?[ \t]*:"
)
"""A line that starts like a dump tool's `Label: value` line."""


def _clean(key: str, value: str) -> str | None:
    """The value as stated, trimmed to what the key needs ("2.1.0+cu121 (True)" -> "2.1.0+cu121")."""
    v = value.strip().strip("`").strip()
    if is_empty(v) or is_empty(v.split(" (")[0]):
        return None
    if key == "os":
        low = v.lower()
        if "-microsoft" in low:  # a WSL kernel in a platform string ("Linux-5.15.153.1-microsoft-standard-WSL2-...")
            return "WSL2" if "wsl2" in low else "WSL"
        return v.removesuffix("(x86_64)").strip() or None
    if key == "gpu":
        v = v.split(" (")[0].strip()  # "(UUID: ...)", a ROCm "(gfx942:sramecc+:xnack-)"
        if v.startswith("GPU ") and ":" in v[:8]:
            v = v.split(":", 1)[1].strip()
        return v or None
    if key == "cuda":
        low = v.lower()
        if "release" in low:
            v = low.split("release", 1)[1]
        return first_version(v)
    ver = first_version(v)
    if ver is None or not ver[0].isdigit():
        return None
    return ver


_DUMP_LABEL = rx(
    r"(?im)^[ \t]*(?:[-*][ \t]+)?`?("
    + _alt(LABELS) + r")`?(?:[ \t]+version)?[ \t]*:[ \t]*(.*)$"
)


def parse_dump(chunk: Chunk, source: str) -> list[Cand]:
    """Facts from `Label: value` lines printed by a dump tool (the source says which)."""
    out: list[Cand] = []
    for m in scan(_DUMP_LABEL, chunk.text, 4 * MAX_MATCHES):
        head = " ".join(m.group(1).lower().split())
        key = LABELS.get(head)
        if key is None:
            continue
        raw = m.group(2)
        value = _clean(key, raw)
        if value is None:
            continue
        at = raw.find(value)
        if at < 0:
            at, n = len(raw) - len(raw.lstrip()), len(raw.strip())
        else:
            n = len(value)
        start = chunk.at(m.start(2) + at)
        out.append(Cand(key, value, source, (start, start + n)))
        if key == "gpu" and raw.lstrip().startswith("GPU 0:"):  # collect_env's one-GPU form, on the label's line
            out.append(Cand("gpu_count", "1", source, (start, start + n)))
        if key == "torch":
            out += torch_build(value, (start, start + len(value)))
    return out


_OS_RELEASE = rx(r"(?m)^(?:PRETTY_NAME=[\"']?|Description:[ \t]+)([A-Za-z][^\"'\n(]{2,60})")


def parse_os_release(chunk: Chunk) -> list[Cand]:
    """The OS named by `/etc/os-release` (PRETTY_NAME=) or `lsb_release -a` (Description:, after Distributor ID:)."""
    s = chunk.text
    if "PRETTY_NAME=" not in s and "Distributor ID:" not in s:
        return []
    m = first(_OS_RELEASE, s)
    if not m:
        return []
    value = m.group(1).strip()
    start = chunk.at(m.start(1))
    return [Cand("os", value, "log", (start, start + len(value)))]
