"""Model checkpoints named in issue text (Qwen, Llama, DeepSeek, Mistral, GLM...) and their quantization."""

from __future__ import annotations

from bot.core.extract.common import MAX_MATCHES, Cand, first, rx, scan
from bot.core.extract.segment import Chunk
from bot.core.patternset import PatternSet

FAMILIES = (
    "qwen", "qwq", "codeqwen", "llama", "codellama", "tinyllama", "vicuna", "alpaca", "deepseek", "mistral",
    "mixtral", "codestral", "yi", "chatglm", "glm", "codegeex", "baichuan", "internlm", "internvl", "phi", "gemma",
    "codegemma", "falcon", "starcoder", "bloom", "bloomz", "mpt", "opt", "gpt2", "gpt-j", "gpt-neox", "pythia",
    "olmo", "minicpm", "command-r", "aya", "dbrx", "jamba", "granite", "exaone", "hunyuan", "moss", "aquila",
    "orion", "xverse", "skywork", "telechat", "llava", "smollm", "gpt-oss", "kimi", "minimax", "ernie", "nemotron",
    "zephyr", "openchat", "wizardlm", "wizardcoder", "stablelm", "solar", "rwkv", "seed-oss", "tulu", "dolly",
    "r1-distill", "janus",
)
_FAM = "|".join(sorted(FAMILIES, key=len, reverse=True)).replace("-", r"\-")
_SIZE = r"\d+(?:\.\d+)?[bBmM]"
_MODEL = rx(
    r"(?im)(?:^|[^a-z0-9_.\-])(?:(?:meta-)?(?:" + _FAM + r")"
    r"(?:[0-9][a-z0-9_.:\-]*|v\d[a-z0-9_.:\-]*|[\-_.:][a-z0-9][a-z0-9_.:\-]*|[ \t]+(?:\d+(?:\.\d+)?\b(?:[\-_][a-z0-9_.\-]+)?|"
    + _SIZE + r"\b(?:[\-_][a-z0-9_.\-]+)?|(?:[vr]\d(?:\.\d+)?|coder|math|vl|moe)\b(?:[\-_][a-z0-9_.\-]+)?))?"
    r"(?:[ \t]+\d+(?:\.\d+)?[bm]\b(?:[\-_][a-z0-9_.\-]+)?)?(?:[ \t]+(?:scout|maverick)\b)?)"
)
"""A model name and the character before it, if any. No capture group, so RE2 skips its submatch engine on a hit."""
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\u017f\u212a")
"""The characters a name can start with (RE2's case folding adds ſ for s and the Kelvin sign for k)."""
_BAD_PARTS = (
    ".cpp", "-cpp", "_cpp", ".py", "index", "factory", "-agent", "_agent", "modeling", "tokeniz", "_utils",
    "config", "qwenlm", "/issues", "_modules", ".git", ".json", ".sh", "-recipes", "_recipes", "finetun",
    "llama_", "qwen_", "-server", "-cli", "-stack", "-models", "-utils", "-cookbook", "-docs", ".md",
)
_CLASS = rx(r"(?:For[A-Z]|Model\b|Attention|DecoderLayer|Config|Tokenizer|MLP|RMSNorm|Rotary|Layer\b|Block\b|Sdpa)")
"""CamelCase class names (Qwen2ForCausalLM, LlamaAttention...) name code, not checkpoints."""
_WORDS = ("moe", "coder", "chat", "instruct", "math", "base", "lite", "vl", "audio", "r1", "v2", "v3", "turbo",
          "reasoner")
_BARE = rx(
    r"(?im)(?:^|[^a-z0-9_.\-/])(\d{1,3}(?:\.\d)?b(?:[\-_](?:chat|instruct|base|int4|int8|awq|gptq))*)(?:$|[^a-z0-9_])"
)
_PATH_SIZE = rx(r"(?im)/(\d{1,3}(?:\.\d)?b)(?:/|[ \t\r]|$|\"|')")
_QUANT_SUFFIX = rx(
    r"(?i)((?:gptq|awq|gguf|bnb|fp8|w8a8|w4a16)(?:[\-_](?:int[48]|[48]bit))?(?:/int[48])?|int[48](?:/int[48])?)$"
)
_QUANT = rx(
    r"(?i)\b(gptq(?:[\- _]?int[48])?|awq|int4|int8|q[2-8]_k(?:_[sml])?|q[458]_[01]|fp8|nf4|"
    r"load_in_[48]bit|[48][- ]?bit|gguf|w8a8|w4a16|exl2)\b"
)
_QUANT_WORDS = ("gptq", "awq", "gguf", "bnb", "fp8", "w8a8", "w4a16", "int4", "int8")
"""_QUANT_SUFFIX cannot match a name without one of these (a substring test is far cheaper than the regex)."""


def _has_quant_word(name: str) -> bool:
    """True when the name contains a word _QUANT_SUFFIX needs."""
    low = name.lower()
    return any(map(low.__contains__, _QUANT_WORDS))


LOG_MATCHES = 8
"""Logs repeat the model on every line and rank lowest: their first few mentions are enough."""
_HUBS = ("huggingface.co/", "hf.co/", "modelscope.cn/models/", "hf-mirror.com/")
_ORG_STOP = " \t\n\"'`=(,[<:"


def clean_model(raw: str) -> str | None:
    """The checkpoint name with trailing punctuation removed, or None if it is a tool or file, not a model."""
    name = raw.strip().rstrip(".:,-_/")
    for ext in (".gguf", ".bin", ".safetensors", ".pth", ".pt"):
        name = name.removesuffix(ext)
    low = name.lower()
    last = low.rsplit(".", 1)[-1]
    if "." in low and "_" in last and not any(c.isdigit() for c in last):  # a GGUF metadata key ("llama.rope_dim")
        return None
    if any(map(low.__contains__, _BAD_PARTS)) or low.startswith("llama.") or len(name) > 100 or first(_CLASS, name):
        return None
    tail = low.split("/")[-1]
    if not any(c.isdigit() for c in tail) and not any(map(tail.__contains__, _WORDS)):
        return None
    return name


def _org(s: str, start: int) -> int:
    """Where a repo id's `org/` starts, if the name at `start` follows one (not a deeper path), else `start`."""
    if start < 2 or s[start - 1] != "/":
        return start
    i = start - 1
    while i > 0 and s[i - 1] not in _ORG_STOP and s[i - 1] != "/" and start - i < 40:
        i -= 1
    if i == start - 1:
        return start
    if i == 0 or s[i - 1] in _ORG_STOP or any(s.endswith(h, 0, i) for h in _HUBS):
        return i
    return start


_PREFILTER = PatternSet(p.pattern for p in (_MODEL, _BARE, _PATH_SIZE, _QUANT))
_RUN = rx(
    r"(?im)(?:\bollama[ \t]+(?:run|pull|show)[ \t]+|\bvllm[ \t]+serve[ \t]+|--model(?:[-_](?:path|name_or_path))?(?:[ \t]+|=)"
    r"|--model_name_or_path(?:[ \t]+|=)|\bllama-(?:cli|server)\b[^\n]*?[ \t]-m[ \t]+|^FROM[ \t]+(?:\./)?|"
    r"\brunning[ \t]+`?|\bserving[ \t]+`?|\bfrom_pretrained\([ \t]*[\"']|\bLLM\([ \t]*model[ \t]*=[ \t]*[\"']|"
    r"\\?\"model\\?\"[ \t]*:[ \t]*\\?\")"
    r"([A-Za-z][\w.:/\-]{2,100})"
)
"""The model a command runs: `ollama run X`, `vllm serve X`, `--model X`, `llama-cli ... -m X`, a Modelfile's FROM."""


_WORDS_NOT_MODELS = frozenset({"the", "this", "that", "these", "those", "my", "our", "your", "its", "same", "model",
                               "models", "it", "them", "one", "any", "all", "both", "again", "fine", "locally"})
"""Words that follow "running"/"serving" in prose and name no Ollama library model ("running the same GGUF")."""
_TAG = rx(r"^[a-z][a-z0-9.\-]{2,40}(?::[a-z0-9.\-_]+)?$")
"""An Ollama library model name, with an optional tag."""


def parse_run_models(chunk: Chunk) -> list[Cand]:
    """Models named by the command the reporter runs: they outrank names mentioned elsewhere (a title, a
    working model compared with the failing one)."""
    s = chunk.text
    if not any(map(s.__contains__, ("ollama", "serve", "--model", "-m ", "FROM", "unning", "erving", "from_pretrained",
                                    "LLM(", '"model"'))):
        return []
    out = []
    ollama = "ollama" in s or ":11434" in s
    for m in scan(_RUN, s, 20):
        raw = m.group(1)
        base = raw.split("/")[-1] if raw.startswith(("./", "/")) else raw
        if base.lower().endswith(".gguf"):  # a GGUF file names the model as stated
            out.append(Cand("model", base, "command", chunk.span(m.end(1) - len(base), m.end(1))))
            continue
        name = clean_model(base)
        if name is None and ollama and first(_TAG, raw) and raw not in _WORDS_NOT_MODELS:  # "nomic-embed-text"
            name = raw
        hub_id = name is not None and name.count("/") == 1 and any(c.isdigit() for c in name)
        if name is not None and (first(_MODEL, " " + name) or ":" in name or ollama or hub_id):  # not a path
            out.append(Cand("model", name, "command", chunk.span(m.start(1), m.start(1) + len(name))))
    return out


def parse_models(chunk: Chunk, source: str) -> list[Cand]:
    """Model names (checkpoints and HF repo ids), bare sizes ("7B") and quantization formats in a chunk."""
    out: list[Cand] = []
    s = chunk.text
    found = _PREFILTER.match(s)
    if not found:
        return out
    seen: set[str] = set()
    cap = LOG_MATCHES if source == "log" else MAX_MATCHES
    for m in scan(_MODEL, s, cap) if 0 in found else ():
        at, end = m.span()
        at += s[at] not in _NAME_START
        raw = s[at:end]
        if raw in seen:
            continue
        seen.add(raw)
        name = clean_model(raw)
        begin = _org(s, at) if name is not None else at
        if begin < at:  # the name with its org ("Qwen/" before "Qwen2-7B")
            name = clean_model(s[begin:end])
        if name is None:
            continue
        start = chunk.at(begin)
        out.append(Cand("model", name, source, (start, start + len(name))))
        q = first(_QUANT_SUFFIX, name) if _has_quant_word(name) else None
        if q:
            out.append(Cand("quantization", q.group(1), source, (start + q.start(1), start + q.end(1))))
    sizes = [] if out or source == "log" or 1 not in found else scan(_BARE, s)
    paths = scan(_PATH_SIZE, s) if "/" in s and 2 in found else []
    for pattern_matches in (sizes, paths):
        for m in pattern_matches:
            out.append(Cand("model_size", m.group(1), source, chunk.span(*m.span(1))))
    quants: set[str] = set()
    found_q = list(scan(_QUANT, s, cap)) if 3 in found else []
    listed = _listed([m.span(1) for m in found_q], s)
    for m in found_q:
        if m.group(1) not in quants and m.span(1) not in listed:
            quants.add(m.group(1))
            out.append(Cand("quantization", m.group(1), source, chunk.span(*m.span(1))))
    return out


_BETWEEN = frozenset({"/", ",", "or", "、", "或", "还是", "vs", "vs."})


def _listed(spans: list[tuple[int, int]], s: str) -> set[tuple[int, int]]:
    """The spans of quantizations named side by side as options ("GPTQ-Int8 / GPTQ-Int4 / AWQ?"): none is the one
    the reporter runs."""
    out: set[tuple[int, int]] = set()
    for a, b in zip(spans, spans[1:]):
        if s[a[1]:b[0]].strip().lower() in _BETWEEN:
            out.update((a, b))
    return out
