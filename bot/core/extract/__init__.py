"""Extraction: issue title and body in, typed facts (env, errors, prose, code) with spans out. Pure, never raises."""

from __future__ import annotations

from bot.core.extract.common import RANK, Cand
from bot.core.extract.envdumps import dump_kind, is_dump_line, parse_dump
from bot.core.extract.models import parse_models
from bot.core.extract.nvidia import parse_nvidia
from bot.core.extract.packages import parse_packages
from bot.core.extract.prose import parse_labels, parse_prose
from bot.core.extract.runtimes import parse_runtimes
from bot.core.extract.segment import Block, Line, segment, split_lines
from bot.core.extract.traces import parse_errors
from bot.core.gpus import compute_capability
from bot.core.rulefile import compile_re2
from bot.core.types import EnvFact, ErrorFact, Facts

__all__ = ["extract"]

MAX_SCAN = 1 << 20
"""Only the first 1 MiB of a body is scanned (bounded time and memory)."""
MAX_TITLE = 1000
MAX_CODE_BLOCKS = 50
MAX_CODE_CHARS = 200_000

_MODEL_RANK = {"issue_form": 4, "title": 3, "prose": 3, "log": 2, "traceback": 1}
"""For the model and its quantization, what the reporter says outranks what a log happens to load."""

_PYPATH = compile_re2(r"/lib/python(3\.\d{1,2})/(?:site|dist)-packages/")
_CONDA_PY = compile_re2(r"conda create\s.*\bpython=(3\.\d{1,2}(?:\.\d{1,2})?)\b")
_EXC_LINE = compile_re2(
    r"^(?:[A-Za-z_][A-Za-z0-9_]*\.){0,6}[A-Z][A-Za-z0-9_]*(?:Error|Exception|Interrupt|Warning)\w*:\s"
)
_LOG_LINE = compile_re2(
    r"^\s*(?:\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\[?\d\d:\d\d:\d\d|(?:INFO|WARNING|ERROR|DEBUG|CRITICAL)\b|"
    r"[IWEF]\d{4} \d\d:|\(\w+ pid=\d+\)|\[rank\d+\]|File \"|Traceback \(most recent|\s*\^+\s*$|\[pip3?\]|\[conda\]|"
    r"\||\+-{3})"
)
_MODEL_SECTIONS = ("model", "模型", "checkpoint")
_ENV_SECTIONS = ("environment", "环境", "system info", "env", "version", "setup", "hardware")
_LAUNCHERS = (
    ("sglang", "sglang"), ("lmdeploy", "lmdeploy"), ("vllm", "vllm"), ("text-generation-inference", "tgi"),
    ("text_generation_server", "tgi"), ("llama-server", "llama.cpp"), ("llama-cli", "llama.cpp"),
    ("llama.cpp", "llama.cpp"), ("ollama", "ollama"), ("deepspeed", "deepspeed"), ("torchrun", "torchrun"),
    ("accelerate launch", "accelerate"), ("from_pretrained", "transformers"), ("transformers", "transformers"),
)


def _split_logs(block: Block) -> tuple[list[Line], list[Line]]:
    """Separate a prose block's human lines from pasted machine lines (tracebacks, logs, dump labels)."""
    human: list[Line] = []
    machine: list[Line] = []
    in_tb = False
    for off, s in block.lines:
        st = s.strip()
        if in_tb:
            if not st or s[:1] in " \t" or st.startswith(("File ", "^", "During handling", "The above exception")):
                machine.append((off, s))
                continue
            in_tb = False
            if _EXC_LINE.search(st) or (st[:1].isupper() and ":" in st and " " not in st.split(":", 1)[0]):
                machine.append((off, s))
                continue
        if "Traceback (most recent" in s:
            in_tb = True
            machine.append((off, s))
        elif _LOG_LINE.search(s) or _EXC_LINE.search(st) or is_dump_line(s):
            machine.append((off, s))
        else:
            human.append((off, s))
    return human, machine


_SIZE = compile_re2(r"(?i)\d(?:\.\d+)?\s*[bm]\b|\d(?:\.\d+)?[bm][-_]|[/:]|int[48]|[248]bit|q\d_")


def _specific(key: str, value: str) -> float:
    """A bonus for a name that pins the checkpoint down (a size, an org, a bit width) over a bare family name."""
    return 1.5 if _SIZE.search(value) else 0.0


def _choose(cands: list[Cand]) -> dict[str, EnvFact]:
    """One fact per key: the best-ranked source, then the earliest mention."""
    best: dict[str, tuple[tuple[int, int], Cand]] = {}
    for c in cands:
        if not c.value:
            continue
        if c.key in ("model", "quantization", "model_size"):
            score = (-(_MODEL_RANK.get(c.source, 0) + _specific(c.key, c.value)), c.span[0])
        else:
            score = (-RANK.get(c.source, 0), c.span[0])
        if c.key not in best or score < best[c.key][0]:
            best[c.key] = (score, c)
    return {k: EnvFact(key=k, value=c.value[:200], source=c.source, span=c.span) for k, (_, c) in best.items()}


def _derive(env: dict[str, EnvFact], launcher_text: str) -> None:
    """Fill derived keys: cuda from the torch build, gpu_cc, gpu_count, model from a bare size, launcher."""
    if "cuda" not in env and "torch_cuda" in env:
        tc = env["torch_cuda"]
        env["cuda"] = EnvFact(key="cuda", value=tc.value, source="derived", span=tc.span)
    size = env.pop("model_size", None)
    if "model" not in env and size is not None:
        env["model"] = EnvFact(key="model", value=size.value, source=size.source, span=size.span)
    gpu = env.get("gpu")
    if gpu is not None:
        if "gpu_cc" not in env:
            cc = compute_capability(gpu.value)
            if cc:
                env["gpu_cc"] = EnvFact(key="gpu_cc", value=cc, source="derived", span=gpu.span)
        if "gpu_count" not in env:
            n = _count(gpu.value)
            if n:
                env["gpu_count"] = EnvFact(key="gpu_count", value=n, source="derived", span=gpu.span)
    if "launcher" not in env:
        for needle, name in _LAUNCHERS:
            i = launcher_text.find(needle)
            if i >= 0:
                env["launcher"] = EnvFact(key="launcher", value=name, source="derived", span=(0, 0))
                break


_CN_NUM = {"一": "1", "两": "2", "二": "2", "三": "3", "四": "4", "六": "6", "八": "8", "十": "10"}


def _count(gpu: str) -> str | None:
    """The GPU count stated in a gpu value ("8 x NVIDIA A100", "A800 8卡", "两张4090")."""
    head = gpu.strip()
    digits = ""
    for ch in head:
        if ch.isdigit() and ch.isascii():
            digits += ch
        elif ch in _CN_NUM and not digits:
            return _CN_NUM[ch]
        else:
            break
    rest = head[len(digits):].lstrip()
    if digits and rest[:1] in ("x", "X", "*", "×", "张", "块", "卡", "台", "片"):
        return digits
    for sep in (" x ", "x", "*", "×"):
        tail = head.rsplit(sep, 1)
        if len(tail) == 2 and tail[1].strip().isdigit() and len(tail[1].strip()) <= 3:
            return tail[1].strip()
    for suf in ("卡", "张", "块"):
        if head.endswith(suf):
            num = head[:-1].rstrip().split()[-1] if head[:-1].split() else ""
            if num.isdigit():
                return num
    return None


def _language(prose: str) -> str:
    """"zh" when CJK characters make up a large share of the letters in the prose."""
    cjk = letters = 0
    for ch in prose[:20000]:
        if "\u4e00" <= ch <= "\u9fff":
            cjk += 1
            letters += 1
        elif ch.isalpha():
            letters += 1
    return "zh" if letters and cjk * 3 >= letters * 1 and cjk >= 2 else "en"


def _extract(title: str, body: str, found: dict) -> Facts:
    """The work of `extract`, recording partial results in `found` as it goes."""
    title = title[:MAX_TITLE].replace("\n", " ")
    text = title + "\n\n" + body
    lines = split_lines(body[:MAX_SCAN], len(title) + 2)
    blocks = segment(lines)
    cands: list[Cand] = []
    prose_parts: list[str] = [title]
    code: list[str] = []
    code_chars = 0
    title_lines = [(0, title)]
    cands += parse_prose(title_lines, "title") + parse_models(title_lines, "title")
    for b in blocks:
        if b.kind == "prose":
            human, machine = _split_logs(b)
            src = "issue_form" if b.section and any(w in b.section for w in _ENV_SECTIONS + _MODEL_SECTIONS) else "prose"
            cands += parse_prose(human, src) + parse_models(human, src) + parse_labels(b.lines, "issue_form")
            prose_parts.extend(s for _, s in human)
            if machine:
                kind = dump_kind("\n".join(s for _, s in machine))
                cands += _machine(machine, kind or "log") + parse_models(machine, "log")
                logs = [s for _, s in machine if not is_dump_line(s)]
                if not kind and logs and len(code) < MAX_CODE_BLOCKS:
                    code.append("\n".join(logs))
        else:
            btext = b.text
            kind = dump_kind(btext)
            if kind:
                cands += _machine(b.lines, kind)
            else:
                cands += _machine(b.lines, "log") + parse_models(b.lines, "log") + parse_labels(b.lines, "issue_form")
                if len(code) < MAX_CODE_BLOCKS and code_chars < MAX_CODE_CHARS:
                    code.append(btext[: MAX_CODE_CHARS - code_chars])
                    code_chars += len(code[-1])
        found["cands"] = cands
    errors: list[ErrorFact] = parse_errors(lines)
    found["errors"] = errors
    for e in errors:
        for f in e.frames:
            m = _PYPATH.search(f.file)
            if m:
                at = text.find(f.file, e.span[0])
                span = (at, at + len(f.file)) if at >= 0 else e.span
                cands.append(Cand("python", m.group(1), "traceback", span))
                break
    for off, s in lines:
        if "python=" in s and "create" in s:
            m = _CONDA_PY.search(s)
            if m:
                cands.append(Cand("python", m.group(1), "log", (off + m.start(1), off + m.end(1))))
    for off, s in lines:
        if "packages/" in s and "lib/python" in s:
            m = _PYPATH.search(s)
            if m:
                cands.append(Cand("python", m.group(1), "traceback", (off + m.start(1), off + m.end(1))))
                break
    env = _choose(cands)
    prose = "\n".join(prose_parts)
    launcher_text = (prose + "\n" + "\n".join(code))[:MAX_SCAN].lower()
    _derive(env, launcher_text)
    return Facts(text=text, title=title, prose=prose, code=code, env=env, errors=errors, language=_language(prose))


def _machine(lines: list[Line], source: str) -> list[Cand]:
    """Facts from machine-printed lines: dump labels, package rows, nvidia-smi, runtimes."""
    out = parse_packages(lines, True) + parse_nvidia(lines) + parse_runtimes(lines)
    if source != "log":
        out += parse_dump(lines, source)
    return out


def extract(title: str, body: str) -> Facts:
    """Typed facts from an issue's title and markdown body; never raises, whatever the input."""
    title = title if isinstance(title, str) else ""
    body = body if isinstance(body, str) else ""
    found: dict = {}
    try:
        return _extract(title, body, found)
    except Exception:  # noqa: BLE001 - a last resort; real bugs are fixed, not hidden (see tests)
        t = title[:MAX_TITLE].replace("\n", " ")
        env = _choose(found.get("cands", []))
        return Facts(text=t + "\n\n" + body, title=t, prose=t, errors=found.get("errors", []), env=env)
