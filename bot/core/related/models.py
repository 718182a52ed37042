"""Model names as features: family, version and variant, so Qwen2.5-VL is near Qwen2-VL and far from Llama-3."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.extract.common import rx, scan
from bot.core.extract.models import FAMILIES

_FAM = "|".join(sorted(FAMILIES, key=len, reverse=True)).replace("-", r"\-")
_VARIANTS = ("vl|coder|math|moe|audio|omni|r1|distill|instruct|chat|base|vision|code|turbo|lite|flash|mini|max|plus|"
             "pro|air|it|hf|small|medium|large|nemo|embedding|reranker|reasoning|guard|thinking|v|o|n")
_NAME = rx(r"(?i)(?:^|[^a-z0-9])(" + _FAM + r")(?:[\-_ ]?(v?\d+(?:\.\d+)?)([bm]\b)?)?((?:[\-_ ](?:" + _VARIANTS
           + r")\b)*)(?:[\-_ ]?(\d+(?:\.\d+)?)([bm]\b)?)?(?:[\-_ ]?(\d+(?:\.\d+)?)[bm]\b)?"
           r"(?:[\-_ ](a\d+(?:\.\d+)?b)\b)?")
"""A family name, then an optional version, variant words, size and active size (Qwen2.5-VL-7B-Instruct, llama 3.1
8b, Qwen3-30B-A3B, Hunyuan-A13B: the active size of a MoE names another model than the dense one)."""
_UNDERSCORED = rx(r"(\d)_(\d)")
"""internvl2_5, minicpm-v-2_6: a version written with an underscore."""
_GLUED = rx(r"(?i)([\-_ ](?:small|medium|large|mini|nemo|coder|math|vl|flash|lite|air|pro|max|plus|omni))(\d)")
"""mistral-small3.1, qwen2.5-coder7b: a variant word glued to the number after it."""
_GLUED_LETTER = rx(r"(?i)(\d)([von])\b")
"""glm-4v, gemma3n: a one-letter variant glued to the version (vision, omni, nano)."""
_IGNORED = frozenset({"instruct", "chat", "base", "it", "hf"})
"""Variant words that do not change which model it is for our purposes."""
_ALIAS = {"codeqwen": "qwen", "qwq": "qwen", "codellama": "llama", "tinyllama": "llama", "chatglm": "glm",
          "codegemma": "gemma", "mixtral": "mistral", "codestral": "mistral"}
_KNOWN = tuple(sorted({*FAMILIES, *_ALIAS}))
_HUB_ID = rx(r"(?:^|[\s(\[`'\"=:]|huggingface\.co/|hf\.co/|modelscope\.cn/models/)[A-Za-z0-9][\w.\-]{0,38}/"
             r"([A-Za-z][\w.\-]{1,80})")
"""org/Name on the hub (Qwen/Qwen3-8B, rednote-hilab/dots.llm1.inst); not a path, whose parts go on after it."""
_ARCH = rx(r"\b([A-Z][A-Za-z0-9]{1,40}?)For(?:CausalLM|ConditionalGeneration)\b")
"""An architecture class: Lfm2ForCausalLM, Step3VLForConditionalGeneration."""
_SIZED = rx(r"(?i)(?:^|[^\w.\-/])([a-z]{3,}\d*(?:\.\d+)?[\-_]\d+(?:\.\d+)?b)\b")
"""A name followed by a size in billions: pixtral-12b, MiMo-7B, LFM2-1.2B."""
_VARIANT_WORDS = frozenset(_VARIANTS.split("|")) - _IGNORED


@dataclass(frozen=True, slots=True)
class Model:
    """A model mention: family (lower-case), version ("2.5", "" if none), variant words, size ("7" billions)."""

    family: str
    version: str
    variant: tuple[str, ...]
    size: str

    @property
    def name(self) -> str:
        """A canonical name: qwen2.5-vl."""
        return self.family + self.version + "".join("-" + v for v in self.variant)


def models(text: str, limit: int = 20) -> list[Model]:
    """The distinct model mentions in text, first first."""
    out: list[Model] = []
    seen: set[Model] = set()
    text = _GLUED_LETTER.sub(r"\1-\2", _GLUED.sub(r"\1-\2", _UNDERSCORED.sub(r"\1.\2", text[:20000])))
    for m in scan(_NAME, text, 200):
        fam = _ALIAS.get(m.group(1).lower(), m.group(1).lower())
        version, size = (m.group(2) or "").lower().lstrip("v"), m.group(7) or ""
        if m.group(3):  # "qwen-7b": the number was a size
            version, size = "", version
        if m.group(5):  # a number after the variant words: "mistral-small-3.1", "qwen2.5-vl 7b"
            if m.group(6):
                size = size or m.group(5)
            elif not version:
                version = m.group(5)
        variant = tuple(sorted({w for w in m.group(4).lower().replace("_", "-").replace(" ", "-").split("-")
                                if w and w not in _IGNORED} | ({m.group(8).lower()} if m.group(8) else set())))
        if not version and not variant and not size:
            continue  # a bare family name is mostly a tool (llama-cli, qwen-agent) or a word
        mod = Model(fam, version, variant, size)
        if mod not in seen:
            seen.add(mod)
            out.append(mod)
            if len(out) >= limit:
                break
    return out + [g for g in generic_models(text) if g not in seen][:max(0, limit - len(out))]


def known(family: str) -> bool:
    """True for a family the name list knows (qwen, llama...), False for one read from a hub id or a class."""
    return family in _KNOWN


def _generic(name: str, bare: bool) -> Model | None:
    """A model of a family no list knows, from a name's leading letters, the version glued to them, its size and
    variant words (Lfm2 -> lfm 2, Step3VL -> step 3 vl, MiMo-7B -> mimo size 7); None for a known family or a word."""
    low = name.lower()
    i = next((k for k, ch in enumerate(low) if not ch.isalpha()), len(low))
    head = low[:i]
    if head.endswith("v") and low[i:i + 1].isdigit():
        head = head[:-1]  # DeepseekV3
    if len(head) < 3 or "model" in head or head.startswith("auto") or \
            any(head.startswith(f) or (len(f) > 3 and f in low) for f in _KNOWN):
        return None
    j = i
    while j < len(low) and (low[j].isdigit() or (low[j] == "." and low[j + 1:j + 2].isdigit())):
        j += 1
    words = low[j:].replace("_", "-").split("-")
    size = next((w[:-1] for w in words if w.endswith("b") and w[:-1].replace(".", "", 1).isdigit()), "")
    words = [x for w in words for x in w.split(".")]
    variant = tuple(sorted({w for w in words if w in _VARIANT_WORDS}))
    version = low[i:j]
    if not (bare or version or size or variant):
        return None
    return Model(head, version, variant, size)


def generic_models(text: str, limit: int = 8) -> list[Model]:
    """Models named the way the hub and the code name them, of families no list knows: hub ids with a digit in
    the name, architecture classes, names with a size."""
    out: list[Model] = []
    for m in scan(_HUB_ID, text, 100):
        name = m.group(1).split(":")[0]
        if text[m.end():m.end() + 1] != "/" and any(ch.isdigit() for ch in name):
            out.append(_generic(name, True))
    out += [_generic(m.group(1), True) for m in scan(_ARCH, text, 50)]
    out += [_generic(m.group(1), False) for m in scan(_SIZED, text, 50)]
    seen: set[Model] = set()
    return [x for x in out if x is not None and not (x in seen or seen.add(x))][:limit]


def model_tokens(ms: list[Model]) -> list[str]:
    """Index tokens: the exact name, the family+version, the family+variant, the family."""
    out: set[str] = set()
    for m in ms:
        out.add("mf_" + m.family)
        if m.version:
            out.add("mv_" + m.family + m.version)
        if m.variant:
            out.add("mx_" + m.family + "".join("-" + v for v in m.variant))
        if m.version or m.variant:
            out.add("mn_" + m.name)
    return sorted(out)


def _major(v: str) -> str:
    """The major version ("2" of "2.5")."""
    return v.split(".")[0]


def model_similarity(a: Model, b: Model) -> float:
    """1 for the same model, high for the same family and variant across versions, 0 across families."""
    if a.family != b.family:
        return 0.0
    same_variant = a.variant == b.variant
    if a.version == b.version:
        return 1.0 if same_variant else 0.6
    close = (not a.version or not b.version) or _major(a.version) == _major(b.version) or \
        abs(_num(a.version) - _num(b.version)) <= 1.0
    if same_variant:
        return 0.75 if close else 0.5
    return 0.4 if close else 0.25


def _num(v: str) -> float:
    """The version as a number (0 when it is not one)."""
    try:
        return float(v)
    except ValueError:
        return 0.0


def best_similarity(qs: list[Model], cs: list[Model]) -> tuple[float, Model | None, Model | None]:
    """The closest pair of models between two issues, and its similarity."""
    best: tuple[float, Model | None, Model | None] = (0.0, None, None)
    for a in qs[:8]:
        for b in cs[:8]:
            s = model_similarity(a, b)
            if s > best[0]:
                best = (s, a, b)
    return best
