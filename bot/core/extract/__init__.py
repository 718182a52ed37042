"""Extraction: issue title and body in, typed facts (env, errors, prose, code) with spans out. Pure, never raises."""

from __future__ import annotations

from bot.core.extract.common import RANK, Cand, first, rx, scan
from bot.core.extract.envdumps import dump_kind, parse_dump, parse_os_release
from bot.core.extract.machine import split_machine
from bot.core.extract.models import parse_models, parse_run_models
from bot.core.extract.nvidia import parse_nvidia
from bot.core.extract.packages import NAMES, PACKAGES, parse_packages, pip_says
from bot.core.extract.prose import parse_labels, parse_prose, parse_section, parse_upgrades, placeholder
from bot.core.extract.runtimes import parse_images, parse_runtimes
from bot.core.extract.segment import Chunk, Line, segment
from bot.core.extract.stack import compared_only, detect_runtimes, engines_run
from bot.core.extract.template import mask_placeholders, unfilled
from bot.core.extract.traces import parse_errors
from bot.core.gpus import compute_capability
from bot.core.sanitize import valid
from bot.core.types import EnvFact, Facts

__all__ = ["extract"]

MAX_SCAN = 1 << 20
"""Only the first 1 MiB of a body is scanned (bounded time and memory)."""
MAX_TITLE = 1000
MAX_CODE_BLOCKS = 50
MAX_CODE_CHARS = 200_000

_MODEL_RANK = {"command": 5, "issue_form": 4, "title": 3, "prose": 3, "log": 2, "traceback": 1}
"""For the model and its quantization, what the reporter says outranks what a log happens to load."""

_PYPATH = rx(r"/lib/python(3\.\d{1,2})/(?:site|dist)-packages(?:/|[ \t]|$)")
_WINPYPATH = rx(r"(?i)\\python3(\d{1,2})\\lib\\site-packages\\")
"""A Windows install's package path (`...\\Python311\\Lib\\site-packages\\...`): Python 3.11."""
_TRACE_OS = rx(r'File "(?:([A-Za-z]:\\)|(/Users/))')
"""A traceback frame's path names the OS: a drive letter is Windows, /Users/ is macOS."""
_CONDA_PY = rx(r"conda create[ \t][^\n]*\bpython=(3\.\d{1,2}(?:\.\d{1,2})?)\b")
_ENV_SECTIONS = ("environment", "环境", "system info", "env", "version", "setup", "hardware", "model", "模型")
_LAUNCHERS = (
    ("sglang", "sglang"), ("lmdeploy", "lmdeploy"), ("vllm", "vllm"), ("text-generation-inference", "tgi"),
    ("text_generation_server", "tgi"), ("llama-server", "llama.cpp"), ("llama-cli", "llama.cpp"),
    ("llama.cpp", "llama.cpp"), ("ollama", "ollama"), ("deepspeed", "deepspeed"), ("torchrun", "torchrun"),
    ("accelerate launch", "accelerate"), ("from_pretrained", "transformers"), ("transformers", "transformers"),
)
_SIZE = rx(r"(?i)\d(?:\.\d+)?[ \t]*[bm]\b|\d(?:\.\d+)?[bm][-_]|[/:]|int[48]|[248]bit|q\d_")


def _env_section(section: str) -> bool:
    """True for an issue-form heading that introduces the environment."""
    return any(map(section.__contains__, _ENV_SECTIONS))


def _specific(value: str, cache: dict[str, float]) -> float:
    """A bonus for a name that pins the checkpoint down (a size, an org, a bit width) over a bare family name."""
    if value not in cache:
        bits = value.lower().replace("-", "").replace(" ", "") in ("4bit", "8bit", "2bit")
        cache[value] = 0.0 if bits else 1.5 if "/" in value or ":" in value or first(_SIZE, value) else 0.0
    return cache[value]


def _choose(cands: list[Cand]) -> dict[str, EnvFact]:
    """One fact per key: the best-ranked source, then the earliest mention."""
    best: dict[str, tuple[tuple[float, int], Cand]] = {}
    cache: dict[str, float] = {}
    for c in cands:
        if not c.value:
            continue
        if c.key in ("model", "quantization", "model_size"):
            score = (-(_MODEL_RANK.get(c.source, 0) + _specific(c.value, cache)), c.span[0])
        else:
            score = (-RANK.get(c.source, 0), c.span[0])
        if c.key not in best or score < best[c.key][0]:
            best[c.key] = (score, c)
    if "model" in best:  # the same checkpoint named in full elsewhere: "Llama 3.1 70B" is "Llama-3.1-70B-Instruct"
        score, c = best["model"]
        short = _squash(c.value)
        longer = [x for x in cands if x.key == "model" and (full := _squash(x.value)).startswith(short)
                  and first(_VARIANT, full[len(short):])]
        if longer:
            best["model"] = (score, min(longer, key=lambda x: x.span[0]))
    return {k: EnvFact(key=k, value=c.value[:200], source=c.source, span=c.span) for k, (_, c) in best.items()}


_VARIANT = rx(r"^(?:instruct|chat|it|hf|vision|awq|gptq|int[48]|fp8|gguf|q\d)[a-z0-9._]*$")
"""What a checkpoint's full name adds to its short one: the tuned variant, a format, a quantization."""


def _squash(name: str) -> str:
    """A model name without case, org, separators or spaces, to compare two ways of writing one checkpoint."""
    return name.lower().rsplit("/", 1)[-1].replace("-", "").replace("_", "").replace(" ", "")


_MINE = rx(r"(?i)\b(?:I|we)(?:'ve| have| got| use| run| am using| are using)\b|\b(?:my|our)\b|我的|我们的|我有|我用|公司有")
"""A sentence about the reporter's own hardware ("I have one RTX 4090"), not one quoted ("the blog says an H100")."""


def _own_gpu(cands: list[Cand], text: str) -> list[Cand]:
    """When the prose names several GPUs, those in a sentence about the reporter's own machine, if any."""
    gpus = [c for c in cands if c.key == "gpu" and c.source == "prose"]
    if len({c.value for c in gpus}) < 2:
        return cands
    mine = [c for c in gpus if first(_MINE, text[max(0, c.span[0] - 60):c.span[0]].rsplit(".", 1)[-1])]
    if not mine:
        return cands
    return [c for c in cands if c.key != "gpu" or c.source != "prose" or c in mine]


_CN_NUM = {"一": "1", "单": "1", "两": "2", "二": "2", "双": "2", "三": "3", "四": "4", "六": "6", "八": "8", "十": "10"}
_COUNT = rx(r"^(\d{1,3}|[一单两二双三四六八十])[ \t]*(?:x|X|\*|×|张|块|卡|台|片)|(?:x|\*|×)[ \t]*(\d{1,3})$|[ \t](\d{1,3})[ \t]*(?:卡|张|块)$")


def _count(gpu: str) -> str | None:
    """The GPU count stated in a gpu value ("8 x NVIDIA A100", "A800 8卡", "两张4090")."""
    m = first(_COUNT, gpu.strip())
    if not m:
        return None
    n = m.group(1) or m.group(2) or m.group(3)
    return _CN_NUM.get(n, n)


def _derive(env: dict[str, EnvFact], prose: str, code: list[str], compared: set[str]) -> None:
    """Fill derived keys: cuda from the torch build, gpu_cc, gpu_count, model from a bare size, launcher (the
    serving engine whose version the issue gives, else the first launcher named and not only as working)."""
    if "cuda" not in env and "torch_cuda" in env:
        tc = env["torch_cuda"]
        env["cuda"] = EnvFact(key="cuda", value=tc.value, source="derived", span=tc.span)
    size = env.pop("model_size", None)
    if "model" not in env and size is not None:
        env["model"] = size.model_copy(update={"key": "model"})
    gpu = env.get("gpu")
    if gpu is not None:
        cc = compute_capability(gpu.value)
        if cc and "gpu_cc" not in env:
            env["gpu_cc"] = EnvFact(key="gpu_cc", value=cc, source="derived", span=gpu.span)
        n = _count(gpu.value)
        if n and "gpu_count" not in env:
            env["gpu_count"] = EnvFact(key="gpu_count", value=n, source="derived", span=gpu.span)
    engines = engines_run(env)
    if "launcher" not in env and engines:
        env["launcher"] = EnvFact(key="launcher", value=engines[0].replace("_", "."), source="derived", span=(0, 0))
    if "launcher" not in env:
        launcher_text = (prose + "\n" + "\n".join(code)).lower()
        for needle, name in _LAUNCHERS:
            if needle in launcher_text and name.replace(".", "_") not in compared:
                env["launcher"] = EnvFact(key="launcher", value=name, source="derived", span=(0, 0))
                break


_CJK_BYTES = [bytes([lead]) for lead in range(0xE5, 0xEA)] + [bytes([0xE4, second]) for second in range(0xB8, 0xC0)]
"""UTF-8 starts of U+4E00..U+9FFF: lead bytes E5..E9 whole, E4 from second byte B8 (lead bytes never continue)."""
_LETTERS = bytes(c if 65 <= c <= 90 or 97 <= c <= 122 else 32 for c in range(256))
"""Byte table: ASCII letters stay, every other byte (UTF-8 lead and continuation bytes included) becomes a space."""


def _cjk_count(data: bytes) -> int:
    """The number of CJK ideographs (U+4E00..U+9FFF) in UTF-8 bytes, counted by their starting bytes."""
    return sum(map(data.count, _CJK_BYTES))


def _language(prose: str) -> str:
    """"zh" when CJK characters weigh at least a quarter against Latin words (a word counting as two characters)."""
    sample = prose[:20000]
    if sample.isascii():
        return "en"
    data = sample.encode("utf-8", "replace")
    cjk = _cjk_count(data)
    if cjk < 2:
        return "en"
    lengths = list(map(len, data.translate(_LETTERS).split()))
    words = len(lengths) - lengths.count(1)  # single letters are not words
    return "zh" if cjk * 4 >= cjk + 2 * words else "en"


def _machine(chunk: Chunk, source: str) -> list[Cand]:
    """Facts from machine-printed lines: dump labels, package rows, nvidia-smi, runtimes."""
    out = parse_packages(chunk, True) + parse_nvidia(chunk, source if source != "log" else "nvidia_smi")
    out += parse_runtimes(chunk) + parse_os_release(chunk)
    if source != "log":
        out += parse_dump(chunk, source)
    return out


def _extract(title: str, body: str, found: dict) -> Facts:
    """The work of `extract`, recording partial results in `found` as it goes."""
    title = title[:MAX_TITLE].replace("\n", " ").replace("\r", " ")
    text = title + "\n\n" + body
    body, templated = mask_placeholders(body)  # same length: spans into `text` stay right
    body_text = body[:MAX_SCAN]
    base = len(title) + 2
    cands: list[Cand] = []
    found["cands"] = cands
    title_chunk = Chunk([(0, title)])
    cands += parse_prose(title_chunk, "title") + parse_models(title_chunk, "title")
    prose_parts: list[str] = [title]
    code: list[str] = []
    code_chars = 0
    machine_pieces: list[Line] = []
    human_by_src: dict[str, list[Line]] = {"prose": [], "issue_form": []}
    prose_pieces: list[Line] = []
    for b in segment(body_text, base):
        if b.kind == "prose":
            human, machine, logs = split_machine(b)
            src = "issue_form" if b.section and _env_section(b.section) else "prose"
            human_by_src[src] += human
            prose_pieces += b.pieces
            if b.section:
                cands += parse_section(b.section, Chunk(human))
            prose_parts.extend(s for _, s in human if not s.startswith("#"))
            if machine:
                machine_pieces += machine
                mchunk = Chunk(machine)
                kind = dump_kind(mchunk.text)
                cands += _machine(mchunk, kind or "log") + parse_models(mchunk, "log")
                said = set(logs)
                if not kind and len(logs) < len(machine):  # typed label lines ("GPU: 2x 4090, CUDA 12.1") say more
                    typed = [it for it in machine if it[1] not in said]
                    human_by_src[src] += [it for it in typed if not placeholder(it[1].split(":", 1)[-1])]
                if src == "issue_form":  # "ollama version is 0.3.12, Windows 11, RTX 4060": a list goes on in prose
                    typed_too = kind is not None or len(logs) == len(machine)
                    human_by_src[src] += [it for it in machine if (it[1] in said or typed_too) and len(it[1]) < 160
                                          and ", " in it[1] and 'File "' not in it[1]]
                if not kind and logs and len(code) < MAX_CODE_BLOCKS and code_chars < MAX_CODE_CHARS:
                    code.append("\n".join(logs)[: MAX_CODE_CHARS - code_chars])
                    code_chars += len(code[-1])
            continue
        machine_pieces += b.pieces
        chunk = Chunk(b.pieces)
        kind = dump_kind(chunk.text)
        if kind:
            cands += _machine(chunk, kind)
            continue
        cands += _machine(chunk, "log") + parse_models(chunk, "log") + parse_labels(chunk, "issue_form")
        if len(code) < MAX_CODE_BLOCKS and code_chars < MAX_CODE_CHARS:
            code.append(chunk.text[: MAX_CODE_CHARS - code_chars])
            code_chars += len(code[-1])
    for src, lines in human_by_src.items():  # one scan per source, not one per block
        if lines:
            hchunk = Chunk(lines)
            cands += parse_prose(hchunk, src) + parse_models(hchunk, src) + parse_images(hchunk, src)
    if prose_pieces:
        cands += parse_labels(Chunk(prose_pieces), "issue_form")
    errors = parse_errors(title_chunk) + parse_errors(Chunk(machine_pieces))
    errors += _inline_errors(prose_pieces, errors)
    found["errors"] = errors
    whole = Chunk.of(body_text, base)
    cands += _from_paths(whole) + parse_run_models(whole) + parse_upgrades(whole, title) + _pip_show(whole)
    cands += pip_says(whole, set())  # pip's own words, also when quoted in a sentence
    cands += _smi_cuda(whole) + _said_versions(whole) + _llama_tag(whole, title)
    env = _choose(_own_gpu(cands, text))
    prose = "\n".join(prose_parts)
    compared = compared_only(prose, env)  # the title and the body's prose: what detect_runtimes reads too
    _derive(env, prose, code, compared)
    body_prose = _own_lines(prose_parts[1:])
    # the body's language, not the title's, when the body has a few words or CJK characters to tell it by
    language = _language(body_prose) if len(body_prose.strip()) >= 12 else _language(prose)
    if language == "en" and _cjk_count(body_prose.encode("utf-8", "replace")) >= 2:
        language = _language(prose)  # a Chinese body that is mostly version strings: the title tips it
    return Facts(text=text, title=title, prose=prose, code=code, env=env, errors=errors, language=language,
                 runtimes=detect_runtimes(title, "\n".join(prose_parts[1:]), code, env, errors, compared),
                 template_only=templated and not errors and not any(c.strip() for c in code) and unfilled(body_text))


_TEMPLATE_LINE = rx(r"(?m)^[ \t]*(?:#{1,6}[ \t][^\n]*|[-*][ \t]+\[[ xX]\][^\n]*|_No response_[ \t]*)$")
"""Issue-form headings, checklist items and empty-field markers: the template's words, not the reporter's."""


def _own_lines(parts: list[str]) -> str:
    """The body's prose without the issue template's headings and checklists (they set no reply language)."""
    text = "\n".join(parts)
    return _TEMPLATE_LINE.sub("", text) if "#" in text or "[" in text or "_No" in text else text


_INLINE_ERROR = rx(r"`((?:[A-Za-z_][A-Za-z0-9_]*\.){0,5}[A-Z][A-Za-z0-9_]*(?:Error|Exception)(?::[^`\n]{3,400})?)`")
"""An error quoted inline in prose: "it fails with `TypeError: create() got an unexpected keyword argument`"."""


def _inline_errors(prose: list[Line], found: list) -> list:
    """Errors quoted in the prose's inline code spans that no code block or log gave already."""
    spans = [(off + m.start(1), m.group(1)) for off, line in prose if "`" in line
             for m in _INLINE_ERROR.finditer(line)]
    if not spans:
        return []
    seen = {(e.type, e.message) for e in found}
    return [e for e in parse_errors(Chunk(spans)) if (e.type, e.message) not in seen]


_PIP_SHOW = rx(r"(?i)pip3?[ \t]+show[ \t]+([a-z0-9_.\-]+)(?:[^\n]*\n(?:[^\n]*\n){0,3}?|[^\n]{0,40}?)"
              r"Version:[ \t]*(\d+\.\d+[0-9a-z.+]*)")
"""`pip show torch` followed by its `Version: 2.2.1` line, or quoted on one ("`pip show torch` -> Version: 2.2.1")."""


_SMI_CUDA = rx(r"(?i)(?:Driver Version:?[ \t]*\d{3}[\d.]*[ \t,;|]+|nvidia-smi[^\n]{0,24}?)CUDA Version:?[ \t]*(\d{1,2}\.\d)")
"""nvidia-smi's "CUDA Version" quoted in prose ("nvidia-smi shows CUDA Version: 12.2"): the driver's highest CUDA."""


def _smi_cuda(chunk: Chunk) -> list[Cand]:
    """The driver's highest CUDA, from nvidia-smi's header quoted outside a pasted table."""
    s = chunk.text
    if "CUDA Version" not in s:
        return []
    m = first(_SMI_CUDA, s)
    return [Cand("cuda_max", m.group(1), "prose", chunk.span(*m.span(1)))] if m else []


_SAID = rx(
    r"(?i)\b(" + NAMES + r")\.__version__[`'\"]?[ \t]*(?:is|=|==|:|->|returns|gives|prints)[ \t]*[`'\"]?"
    r"(\d+\.\d+[0-9A-Za-z.+]*)|\bpip3?[ \t]+install[^\n]*?[ \t\"'](" + NAMES + r")==(\d+\.\d+[0-9A-Za-z.+]*)|"
    r"\bpip3?[ \t]+show[ \t]+(" + NAMES + r")[`'\"]?[ \t]+(?:now[ \t]+)?(?:says|shows|reports|gives|prints)[ \t]+"
    r"[`'\"]?(?:version[ \t:]+)?(\d+\.\d+[0-9A-Za-z.+]*)|"
    r"\b(" + NAMES + r")[ \t]+version[ \t]+is[ \t]+the[ \t]+latest(?:[ \t]+one)?[ \t]*[(（](\d+\.\d+[0-9A-Za-z.+]*)[)）]|"
    r"\b(" + NAMES + r")\b[^\n.;]{0,40}?\bpip3?(?:[ \t]+(?:show|list))?[ \t]+(?:says|shows|reports)[ \t]+"
    r"[`'\"]?(?:version[ \t:]+)?(\d+\.\d+[0-9A-Za-z.+]*)"
)
"""A version stated as `x.__version__ is 4.49.0`, the pin of a `pip install x==V` the reporter ran, what `pip show x`
said in prose, "the x version is the latest one (V)", or "x ..., pip says V"."""


def _said_versions(chunk: Chunk) -> list[Cand]:
    """Versions stated through `__version__` in prose, and `pip install NAME==V` pins (lowest rank: prose)."""
    s = chunk.text
    if "__version__" not in s and "install" not in s and "pip" not in s and "latest" not in s:
        return []
    return _package_versions(chunk, _SAID, "prose", strip=".", skip="python")


_BARE_TAG = rx(r"(?im)(?:^|[ \t(（])(?:b|build[ \t]+)(\d{4,5})(?:[ \t),.，）]|$)|\bllama-b(\d{4,5})-bin-")
"""A llama.cpp release tag on its own ("master from today (b4400)"), read only in an issue about llama.cpp."""


def _llama_tag(chunk: Chunk, title: str = "") -> list[Cand]:
    """A bare llama.cpp release tag, when the issue is about llama.cpp or GGUF files (lowest rank: prose)."""
    s = chunk.text
    low = title.lower() + "\n" + s[:20000].lower()
    if "llama" not in low and "gguf" not in low and "ggml" not in low:
        return []
    m = first(_BARE_TAG, s)
    if not m:
        return []
    g = 1 if m.group(1) else 2
    return [Cand("llama_cpp", m.group(g), "prose", chunk.span(*m.span(g)))]


def _pip_show(chunk: Chunk) -> list[Cand]:
    """Versions printed by `pip show NAME` (the command and its output pasted together)."""
    s = chunk.text
    if "show" not in s or "Version:" not in s:
        return []
    return _package_versions(chunk, _PIP_SHOW, "pip", strip=".")


def _package_versions(chunk: Chunk, pattern, source: str, strip: str = "", skip: str = "") -> list[Cand]:
    """Each match's package (the first odd group that matched) and version (the group after it) as its fact."""
    out = []
    for m in scan(pattern, chunk.text, 20):
        g = next(g for g in range(1, pattern.groups, 2) if m.group(g))
        key = PACKAGES.get(m.group(g).lower().replace("_", "-"))
        if key and key != skip:
            out.append(Cand(key, m.group(g + 1).rstrip(strip), source, chunk.span(*m.span(g + 1))))
    return out


def _from_paths(chunk: Chunk) -> list[Cand]:
    """Python (`.../lib/python3.10/site-packages/...`) and the OS (`File "C:\\...`) named by paths in the body."""
    s = chunk.text
    out = []
    if "python=" in s:
        m = first(_CONDA_PY, s)
        if m:
            out.append(Cand("python", m.group(1), "log", chunk.span(*m.span(1))))
    if "-packages" in s:
        m = first(_PYPATH, s)
        if m:
            out.append(Cand("python", m.group(1), "traceback", chunk.span(*m.span(1))))
    if "packages\\" in s:
        m = first(_WINPYPATH, s)
        if m:
            out.append(Cand("python", "3." + m.group(1), "traceback", chunk.span(*m.span(1))))
    if ':\\' in s or 'File "/Users/' in s:
        m = first(_TRACE_OS, s)
        if m:
            out.append(Cand("os", "Windows" if m.group(1) else "macOS", "derived", chunk.span(*m.span())))
    return out


def _encodable(s: object) -> str:
    """The string with lone surrogates (which UTF-8 cannot carry) replaced one-for-one by "?"; "" if not a str."""
    return valid(s) if isinstance(s, str) else ""


def extract(title: str, body: str) -> Facts:
    """Typed facts from an issue's title and markdown body; never raises, whatever the input."""
    title, body = _encodable(title), _encodable(body)
    found: dict = {}
    try:
        return _extract(title, body, found)
    except Exception:  # noqa: BLE001 - the contract is "never raises"; tests hunt the bugs this would hide
        t = title[:MAX_TITLE].replace("\n", " ").replace("\r", " ")
        try:
            env = _choose(found.get("cands", []))
        except Exception:  # noqa: BLE001
            env = {}
        return Facts(text=t + "\n\n" + body, title=t, prose=t, errors=found.get("errors", []), env=env)
