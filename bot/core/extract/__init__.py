"""Extraction: issue title and body in, typed facts (env, errors, prose, code) with spans out. Pure, never raises."""

from __future__ import annotations

from bot.core.extract.common import RANK, Cand, first, rx, scan
from bot.core.extract.envdumps import DUMP_LINE, dump_kind, parse_dump
from bot.core.extract.models import parse_models
from bot.core.extract.nvidia import parse_nvidia
from bot.core.extract.packages import parse_packages
from bot.core.extract.prose import parse_labels, parse_prose, parse_section
from bot.core.extract.runtimes import parse_runtimes
from bot.core.extract.segment import Block, Chunk, Line, segment
from bot.core.extract.traces import parse_errors
from bot.core.gpus import compute_capability
from bot.core.types import EnvFact, Facts

__all__ = ["extract"]

MAX_SCAN = 1 << 20
"""Only the first 1 MiB of a body is scanned (bounded time and memory)."""
MAX_TITLE = 1000
MAX_CODE_BLOCKS = 50
MAX_CODE_CHARS = 200_000
MAX_MARKS = 20_000
"""At most this many machine lines are told apart from prose in one block; the rest of the block counts as machine."""

_MODEL_RANK = {"issue_form": 4, "title": 3, "prose": 3, "log": 2, "traceback": 1}
"""For the model and its quantization, what the reporter says outranks what a log happens to load."""

_PYPATH = rx(r"/lib/python(3\.\d{1,2})/(?:site|dist)-packages/")
_CONDA_PY = rx(r"conda create[ \t][^\n]*\bpython=(3\.\d{1,2}(?:\.\d{1,2})?)\b")
_MACHINE_START = (
    r"[ \t]*(?:\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\[?\d\d:\d\d:\d\d|(?:INFO|WARNING|ERROR|DEBUG|CRITICAL)\b|"
    r"[IWEF]\d{4} \d\d:|\(\w+ pid=\d+\)|\[rank\d+\]|File \"|Traceback \(most recent|\^+[ \t]*\r?$|\[pip3?\]|\[conda\]|"
    r"\||\+-{3}|(?:[A-Za-z_][A-Za-z0-9_]*\.){0,6}[A-Z][A-Za-z0-9_]*(?:Error|Exception|Interrupt|Warning)\w*:[ \t]|"
    r"Segmentation fault|Killed\r?$|terminate called|CUDA error:|CUDA out of memory|NCCL (?:error|WARN)|error: |"
    r"ERROR:|ninja: |Failed building wheel|nvcc fatal|Aborted \(core dumped\)|[a-z0-9._-]+:\d+:\d+ \[\d+\] NCCL|"
    r"version: \d+ \(|built with |build: \d+ \(|system_info: |ggml_|llama_model_load|llm_load_|ollama version is|"
    r"Warning: client version|time=\S+ level=|Collecting environment information|Copy-and-paste the text below|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}|(?:/[^ \t\n/]+){2,}\r?$|={20,})"
)
"""The start of a pasted machine line: a log prefix, a traceback line, an exception line, a table border."""
_MACHINE_RUNS = rx(r"(?m)(?:^" + _MACHINE_START + r"[^\n]*(?:\n|\z))+")
_DUMP_RUNS = rx("(?im)(?:" + DUMP_LINE.pattern.removeprefix("(?im)") + r"[^\n]*(?:\n|\z))+")
"""Runs of consecutive machine lines (one match per run, not per line)."""
_ENV_SECTIONS = ("environment", "环境", "system info", "env", "version", "setup", "hardware", "model", "模型")
_LAUNCHERS = (
    ("sglang", "sglang"), ("lmdeploy", "lmdeploy"), ("vllm", "vllm"), ("text-generation-inference", "tgi"),
    ("text_generation_server", "tgi"), ("llama-server", "llama.cpp"), ("llama-cli", "llama.cpp"),
    ("llama.cpp", "llama.cpp"), ("ollama", "ollama"), ("deepspeed", "deepspeed"), ("torchrun", "torchrun"),
    ("accelerate launch", "accelerate"), ("from_pretrained", "transformers"), ("transformers", "transformers"),
)
_SIZE = rx(r"(?i)\d(?:\.\d+)?[ \t]*[bm]\b|\d(?:\.\d+)?[bm][-_]|[/:]|int[48]|[248]bit|q\d_")


def _runs(pattern, s: str) -> list[tuple[int, int]]:
    """The [start, end) spans of the pattern's runs of lines in s."""
    return [m.span() for m in scan(pattern, s, MAX_MARKS)]


class _Cursor:
    """Answers "is this position inside one of the (sorted) runs?" for increasing positions, in amortised O(1)."""

    __slots__ = ("runs", "i")

    def __init__(self, runs: list[tuple[int, int]]):
        self.runs, self.i = runs, 0

    def inside(self, pos: int) -> bool:
        """True if pos lies in a run (positions must not decrease between calls)."""
        runs = self.runs
        while self.i < len(runs) and runs[self.i][1] <= pos:
            self.i += 1
        return self.i < len(runs) and runs[self.i][0] <= pos


def _split_logs(block: Block) -> tuple[list[Line], list[Line], list[str]]:
    """A prose block's human lines, its pasted machine lines (tracebacks, logs, dump labels), and the log lines."""
    chunk = Chunk(block.pieces)
    s = chunk.text
    dump_runs = _runs(_DUMP_RUNS, s)
    runs = sorted(_runs(_MACHINE_RUNS, s) + dump_runs)
    if not runs:
        return block.pieces, [], []
    marked, dumps = _Cursor(runs), _Cursor(dump_runs)
    cutoff = runs[-1][1] if len(runs) >= MAX_MARKS else len(s)
    human: list[Line] = []
    machine: list[Line] = []
    logs: list[str] = []
    in_tb = in_dump = False
    pos = 0
    for line in s.split("\n"):
        item = (chunk.at(pos), line)
        here, pos = pos, pos + len(line) + 1
        is_marked = marked.inside(here) or here >= cutoff
        if in_dump:
            if is_marked or _dump_continues(line) or machine and machine[-1][1].startswith("====="):
                machine.append(item)
                continue
            in_dump = False
        if in_tb:
            st = line.strip()
            if not st or line[:1] in " \t" or st.startswith(("File ", "^", "During handling", "The above exception")):
                machine.append(item)
                logs.append(line)
                continue
            in_tb = False
            if st[:1].isupper() and ":" in st and " " not in st.split(":", 1)[0]:
                machine.append(item)
                logs.append(line)
                continue
        if is_marked:
            machine.append(item)
            in_tb = in_tb or "Traceback (most recent" in line
            is_dump = dumps.inside(here)
            in_dump = in_dump or line.startswith(("Collecting environment", "=====")) or is_dump
            if not is_dump:
                logs.append(line)
        else:
            human.append(item)
    return human, machine, logs


def _dump_continues(line: str) -> bool:
    """Inside a pasted env dump: blank lines, banner titles, indented tables, KEY=VALUE and topology rows go on."""
    st = line.strip()
    if not st or line[:1] in " \t" or st.startswith(("GPU", "NIC", "Legend", "X ", "CPU", "mlx")):
        return True
    head, _, value = st.partition(":")
    if value and " " not in head and value.strip()[:1].isdigit():
        return True  # "gradio: 4.36.1"
    return "=" in st and st.split("=", 1)[0].isupper() or (" " not in st and st.endswith(":"))


def _specific(value: str, cache: dict[str, float]) -> float:
    """A bonus for a name that pins the checkpoint down (a size, an org, a bit width) over a bare family name."""
    if value not in cache:
        cache[value] = 1.5 if first(_SIZE, value) else 0.0
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
    return {k: EnvFact(key=k, value=c.value[:200], source=c.source, span=c.span) for k, (_, c) in best.items()}


_CN_NUM = {"一": "1", "两": "2", "二": "2", "三": "3", "四": "4", "六": "6", "八": "8", "十": "10"}
_COUNT = rx(r"^(\d{1,3}|[一两二三四六八十])[ \t]*(?:x|X|\*|×|张|块|卡|台|片)|(?:x|\*|×)[ \t]*(\d{1,3})$|[ \t](\d{1,3})[ \t]*(?:卡|张|块)$")


def _count(gpu: str) -> str | None:
    """The GPU count stated in a gpu value ("8 x NVIDIA A100", "A800 8卡", "两张4090")."""
    m = first(_COUNT, gpu.strip())
    if not m:
        return None
    n = m.group(1) or m.group(2) or m.group(3)
    return _CN_NUM.get(n, n)


def _derive(env: dict[str, EnvFact], launcher_text: str) -> None:
    """Fill derived keys: cuda from the torch build, gpu_cc, gpu_count, model from a bare size, launcher."""
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
    if "launcher" not in env:
        for needle, name in _LAUNCHERS:
            if needle in launcher_text:
                env["launcher"] = EnvFact(key="launcher", value=name, source="derived", span=(0, 0))
                break


def _language(prose: str) -> str:
    """"zh" when CJK characters weigh at least a quarter against Latin words (a word counting as two characters)."""
    sample = prose[:20000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if cjk < 2:
        return "en"
    words = sum(1 for w in "".join(c if c.isascii() and c.isalpha() else " " for c in sample).split() if len(w) > 1)
    return "zh" if cjk * 4 >= cjk + 2 * words else "en"


def _machine(chunk: Chunk, source: str) -> list[Cand]:
    """Facts from machine-printed lines: dump labels, package rows, nvidia-smi, runtimes."""
    out = parse_packages(chunk, True) + parse_nvidia(chunk, source if source != "log" else "nvidia_smi")
    out += parse_runtimes(chunk)
    if source != "log":
        out += parse_dump(chunk, source)
    return out


def _extract(title: str, body: str, found: dict) -> Facts:
    """The work of `extract`, recording partial results in `found` as it goes."""
    title = title[:MAX_TITLE].replace("\n", " ").replace("\r", " ")
    text = title + "\n\n" + body
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
    for b in segment(body_text, base):
        if b.kind == "prose":
            human, machine, logs = _split_logs(b)
            src = "issue_form" if b.section and any(w in b.section for w in _ENV_SECTIONS) else "prose"
            hchunk = Chunk(human)
            cands += parse_prose(hchunk, src) + parse_models(hchunk, src) + parse_labels(Chunk(b.pieces), "issue_form")
            if b.section:
                cands += parse_section(b.section, hchunk)
            prose_parts.extend(s for _, s in human)
            if machine:
                machine_pieces += machine
                mchunk = Chunk(machine)
                kind = dump_kind(mchunk.text)
                cands += _machine(mchunk, kind or "log") + parse_models(mchunk, "log")
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
    errors = parse_errors(title_chunk) + parse_errors(Chunk(machine_pieces))
    found["errors"] = errors
    cands += _python_from_paths(Chunk.of(body_text, base))
    env = _choose(cands)
    prose = "\n".join(prose_parts)
    _derive(env, (prose + "\n" + "\n".join(code)).lower())
    return Facts(text=text, title=title, prose=prose, code=code, env=env, errors=errors, language=_language(prose))


def _python_from_paths(chunk: Chunk) -> list[Cand]:
    """The Python version named by an installed package's path (`.../lib/python3.10/site-packages/...`)."""
    s = chunk.text
    out = []
    if "python=" in s:
        m = first(_CONDA_PY, s)
        if m:
            out.append(Cand("python", m.group(1), "log", chunk.span(*m.span(1))))
    if "packages/" in s:
        m = first(_PYPATH, s)
        if m:
            out.append(Cand("python", m.group(1), "traceback", chunk.span(*m.span(1))))
    return out


def _encodable(s: object) -> str:
    """The string with lone surrogates (which UTF-8 cannot carry) replaced one-for-one by "?"; "" if not a str."""
    if not isinstance(s, str):
        return ""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "replace").decode("utf-8")


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
