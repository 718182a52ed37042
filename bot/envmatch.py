"""Scoring extracted env facts against hand-read ground truth: the matching rule per key, and precision/recall.

Counting. Only keys that the truth states are counted (a key absent from the truth is never held against the
prediction). For each stated key: a matching prediction is a true positive; a missing one is a false negative;
a prediction that does not match is both a false positive and a false negative.

Matching, per key (comparison is case-insensitive; a truth value may list alternatives separated by ",", "、",
";", "/", " or " or " and ", and a prediction matches if it matches any of them):
- versions (python, torch, torch_cuda, cuda, cuda_max, cuda_driver and every library or runtime): the stated
  components agree, i.e. the dotted numbers of the shorter one are a prefix of the other's ("12.1" matches
  "12.1.0" and "12.1.105"; "2.0.1+cu118" matches "2.0.1"; "11.8" does not match "11.7"). When a truth value
  holds several numbers (e.g. a conda build string "py3.10_cuda11.7_cudnn8.5.0_0"), the number right after the
  key's own name ("cuda11.7") is used if there is one, else any of them may match.
- gpu: by model token. Both sides are reduced to their GPU model tokens ("8 x NVIDIA A100-SXM4-80GB" -> {a100},
  "4卡(V100)" -> {v100}, "rtx 3090 (24gb)" -> {3090}); they match when the sets share a token. Counts, memory
  sizes and vendor words are ignored.
- os: by family token (ubuntu, centos, windows, wsl, macos, debian...), and when both sides state a version,
  the versions must agree as above ("Ubuntu 22.04" matches "Ubuntu 22.04.3 LTS", not "Ubuntu 20.04").
- model: by name. Both are lower-cased with the separators (space - _ . : /) removed; they match when one
  contains the other ("qwen2:7b" matches "Qwen2-7B"; "Qwen-7B-Chat" matches "Qwen/Qwen-7B-Chat"), provided the
  shorter keeps at least 2 characters. A different size or version ("qwen1572b" vs "qwen72b") does not match.
- quantization: by scheme token (gptq, awq, gguf, bnb, int4, int8, 4bit, 8bit, fp8, q4_k_m...); they match when
  the token sets intersect ("GPTQ-Int4" matches "gptq" and "int4").
- anything else (gpu_count, launcher, ...): equal after lower-casing and trimming.
"""

from __future__ import annotations

from collections.abc import Iterable

import re2

from bot.core.gpus import model_token

VERSION_KEYS = frozenset({
    "python", "torch", "torch_cuda", "cuda", "cuda_max", "cuda_driver", "transformers", "tokenizers", "vllm",
    "sglang", "lmdeploy", "flash_attn", "xformers", "accelerate", "deepspeed", "peft", "trl", "bitsandbytes",
    "auto_gptq", "autoawq", "optimum", "llama_cpp", "ollama", "gpu_cc",
})
_NUM = re2.compile(r"\d+(?:\.\d+)*")
_SPLIT = re2.compile(r"\s*(?:,|、|;|，|\band\b|\bor\b|和|或)\s*")
_OS_FAMILIES = (
    "ubuntu", "centos", "windows", "win", "wsl", "macos", "mac", "darwin", "debian", "rhel", "red hat", "rocky",
    "fedora", "arch", "suse", "kylin", "linux",
)
_QUANT = re2.compile(
    r"(?i)(gptq|awq|gguf|bnb|bitsandbytes|nf4|fp8|w8a8|w4a16|exl2|int[248]|[248]\s*-?bit|q\d_k(?:_[sml])?|q\d_\d)"
)


def _alternatives(value: str) -> list[str]:
    """The alternatives a truth value lists ("0.5.5 or 0.6.1.post2" -> two values)."""
    parts = [p.strip() for p in _SPLIT.split(value) if p and p.strip()]
    return parts or [value]


def _numbers(value: str, key: str) -> list[list[str]]:
    """The dotted numbers in a value, the one right after the key's name first if present."""
    low = value.lower()
    nums = [m.group(0).split(".") for m in _NUM.finditer(low)]
    name = key.split("_")[0]
    i = low.find(name)
    if i >= 0:
        m = _NUM.search(low[i + len(name):])
        if m and low[i + len(name):m.start() + i + len(name)].strip(" _-=:v") == "":
            return [m.group(0).split(".")]
    return nums


def version_match(pred: str, truth: str, key: str = "") -> bool:
    """True when the stated components agree ("12.1" vs "12.1.105")."""
    p = _numbers(pred, key)
    if not p:
        return pred.strip().lower() == truth.strip().lower()
    first = p[0]
    for t in _numbers(truth, key):
        n = min(len(first), len(t))
        if n and first[:n] == t[:n]:
            return True
    return False


def gpu_tokens(value: str) -> set[str]:
    """The GPU model tokens named in a value (each "/"- or ","-separated part separately)."""
    out = set()
    for part in re2.split(r"[/,、]| and | or ", value):
        tok = model_token(part)
        if tok:
            out.add(tok)
        else:
            m = re2.search(r"(?i)(?:rtx|gtx)\s*(\d{3,4})", part)
            if m:
                out.add(m.group(1))
    return out


def _os_family(value: str) -> set[str]:
    """The OS family words in a value."""
    low = value.lower()
    fams = {f for f in _OS_FAMILIES if f in low}
    if "win" in fams:
        fams.discard("win")
        fams.add("windows")
    if "mac" in fams:
        fams.discard("mac")
        fams.add("macos")
    return fams


def os_match(pred: str, truth: str) -> bool:
    """Same OS family, and the versions agree when both state one."""
    pf, tf = _os_family(pred), _os_family(truth)
    if not (pf & tf) and not (pf == tf == set() and pred.strip().lower() == truth.strip().lower()):
        return False
    pn, tn = _numbers(pred, "os"), _numbers(truth, "os")
    if pn and tn:
        return version_match(pred, truth)
    return True


def _squash(value: str) -> str:
    """Lower-case with separators removed."""
    return "".join(ch for ch in value.lower() if ch not in " -_.:/")


def model_match(pred: str, truth: str) -> bool:
    """One name contains the other, ignoring case and separators."""
    p, t = _squash(pred), _squash(truth)
    if len(p) < 2 or len(t) < 2:
        return p == t
    return p in t or t in p


def quant_tokens(value: str) -> set[str]:
    """The quantization scheme tokens in a value."""
    return {m.group(1).lower().replace(" ", "").replace("-", "") for m in _QUANT.finditer(value)}


def match(key: str, pred: str, truth: str) -> bool:
    """True when a predicted value matches the truth value for this key (see the module docstring)."""
    if key == "model":
        return model_match(pred, truth) or any(model_match(pred, a) for a in _alternatives(truth))
    alts = _alternatives(truth)
    if key == "gpu":
        pt, tt = gpu_tokens(pred), gpu_tokens(truth)
        return bool(pt & tt) if pt or tt else model_match(pred, truth)  # a GPU outside the table: by its name
    if key == "quantization":
        return bool(quant_tokens(pred) & quant_tokens(truth))
    if key == "os":
        return any(os_match(pred, a) for a in alts)
    if key in VERSION_KEYS:
        return any(version_match(pred, a, key) for a in alts)
    return pred.strip().lower() == truth.strip().lower()


def _ratio(a: int, b: int) -> float:
    """a / b, or 1.0 when b is 0."""
    return a / b if b else 1.0


def score_env(pairs: Iterable[tuple[dict, dict]]) -> dict[str, dict[str, float]]:
    """Per-key {"tp","fp","fn","precision","recall"} over (predicted env, truth env) pairs, plus an "all" entry."""
    counts: dict[str, list[int]] = {}
    for pred, truth in pairs:
        for key, tval in truth.items():
            if tval is None or str(tval).strip() == "":
                continue
            c = counts.setdefault(key, [0, 0, 0])
            pval = pred.get(key)
            if pval is None or str(pval).strip() == "":
                c[2] += 1
            elif match(key, str(pval), str(tval)):
                c[0] += 1
            else:
                c[1] += 1
                c[2] += 1
    out: dict[str, dict[str, float]] = {}
    total = [0, 0, 0]
    for key in sorted(counts):
        tp, fp, fn = counts[key]
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        out[key] = {"tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)}
    tp, fp, fn = total
    out["all"] = {"tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)}
    return out
