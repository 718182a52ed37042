"""Feature tokens from extracted Facts (words, character n-grams, extractor facts) and a capped TF-IDF vocabulary."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable

import numpy as np
import re2

from bot.core.patternset import PatternSet
from bot.core.types import Facts
from bot.ml.chargrams import CharGrams

BLOCKS = ("word", "char", "meta")
"""Feature blocks; each is TF-IDF weighted and L2-normalised on its own, then scaled by its block weight."""

MAX_CHARS = 4000
"""Only the first MAX_CHARS of the prose are tokenised: keeps inference time bounded on huge issues."""

CHAR_SIZES = (2, 3)
_WORD_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
_WORD_BYTES = bytes(48 if 48 <= c <= 57 else c if chr(c) in _WORD_CHARS else 32 for c in range(256))
"""UTF-8 bytes to word bytes: an ASCII digit becomes 0, any other byte but [a-z_] a space."""
_ZEROS = itertools.repeat(b"0")
_DIGITS = bytes.maketrans(b"0123456789", b"0000000000")
_TF = np.concatenate(([0.0], 1.0 + np.log(np.arange(1, 1 << 13, dtype=np.float64))))
"""The sublinear tf 1 + log(count) of counts below 8192, looked up instead of computed per term."""
_META_VALUES = ("launcher", "quantization")
"""Env keys whose value (not only presence) is a feature."""


def _norm(text: str) -> str:
    """Lower-case, digits folded to 0, whitespace collapsed; bounded length."""
    return " ".join(_translate(text[:MAX_CHARS].lower(), _DIGITS).split())


def _translate(text: str, table: bytes) -> str:
    """str.translate for a table that only maps ASCII to ASCII, done on UTF-8 bytes (much faster on non-ASCII text)."""
    return text.encode("utf-8", "surrogatepass").translate(table).decode("utf-8", "surrogatepass")


def _words(lowered: str) -> list[bytes]:
    """The words of lower-cased text: runs of ASCII [a-z0-9_], digits folded to 0, without leading zeros, 2+ long."""
    raw = lowered.encode("utf-8", "surrogatepass").translate(_WORD_BYTES).split()
    return [w for w in map(bytes.lstrip, raw, _ZEROS) if len(w) > 1]


def word_tokens(text: str, prefix: str = "") -> list[str]:
    """Word unigrams and bigrams (ASCII words; CJK is covered by the character n-grams)."""
    words = [w.decode("ascii") for w in _words(text[:MAX_CHARS].lower())]
    return [prefix + w for w in words] + [f"{prefix}{a} {b}" for a, b in zip(words, words[1:])]


def char_tokens(text: str, sizes: tuple[int, ...] | None = None) -> list[str]:
    """Character n-grams of the normalised text: they handle Chinese without a segmenter."""
    norm, sizes = _norm(text), sizes or CHAR_SIZES
    return [norm[i : i + n] for n in sizes for i in range(len(norm) - n + 1)]


def meta_tokens(facts: Facts) -> list[str]:
    """What the extractor found: error kinds, types and owning packages, which env keys are present, the language."""
    out = [f"lang={facts.language}"]
    if facts.code:
        out.append("has_code")
    for err in facts.errors[:20]:
        out += [f"err_kind={err.kind}", f"err_type={err.type.rsplit('.', 1)[-1].lower()}"]
        if err.package:
            out.append(f"err_pkg={err.package.lower()}")
        out += sorted({f"frame_pkg={f.package.lower()}" for f in err.frames if f.package})
    for key, fact in facts.env.items():
        out.append(f"env={key}")
        if key in _META_VALUES:
            out.append(f"env_{key}={fact.value.lower()[:40]}")
    return out


CONCEPTS: dict[str, tuple[str, ...]] = {
    "version": ("version*", "upgrad*", "downgrad*", "latest", "compatib*", "requires", "版本", "升级", "降级", "兼容"),
    "install": ("install*", "build*", "wheel", "compil*", "安装", "编译"),
    "import": ("importerror", "modulenotfounderror", "no module named", "undefined symbol", "cannot import"),
    "memory": ("out of memory", "oom", "memory", "outofmemoryerror", "显存", "内存", "gib", "killed"),
    "multi_gpu": ("nccl*", "tensor_parallel_size", "tensor parallel", "multi-gpu", "multiple gpus", "多卡", "多机",
                  "torchrun", "distributed", "world_size", "deepspeed", "zero3", "zero-3", "device_map"),
    "dtype": ("fp16", "bf16", "bfloat16", "float16", "half", "fp32", "float32", "dtype", "torch_dtype", "nan", "inf",
              "精度", "溢出"),
    "quant": ("int4", "int8", "awq", "gptq", "gguf", "quantiz*", "bitsandbytes", "4bit", "8bit", "q4_*", "q8_*", "量化"),
    "template": ("chat template", "chat_template", "apply_chat_template", "special token*", "eos*", "stop token*",
                 "<|im_end|>", "<|endoftext|>", "tokenizer*", "template", "模板"),
    "sampling": ("temperature", "top_p", "top_k", "repetition_penalty", "max_new_tokens", "max_tokens", "do_sample",
                 "sampling", "采样"),
    "config": ("config*", "parameter*", "argument*", "setting*", "参数", "配置", "设置"),
    "finetune": ("lora", "qlora", "fine-tun*", "finetun*", "sft", "trainer", "training", "learning rate", "loss",
                 "微调", "训练"),
    "weights": ("checkpoint*", "weights", "safetensors", "corrupt*", "shard*", "权重"),
    "api": ("api", "openai", "endpoint*", "function call*", "tool call*", "function_call", "tool_calls",
            "unexpected keyword argument", "接口"),
    "hardware": ("v100", "t4", "p100", "p40", "compute capability", "sm_*", "cpu", "mps", "npu", "rocm", "amd"),
}
"""Families of ecosystem terms (English and Chinese) that hint at a root cause; each is one meta feature.

A plain ASCII term matches a whole word, `term*` any word starting with it; phrases, symbols and Chinese terms
match as substrings."""

_CONCEPT_WORD_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
_SPACES = "".join(chr(c) for c in range(128, 0x3001) if chr(c).isspace())
_BREAK = r"[^a-z0-9_\x{80}-\x{10ffff}]|[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES) + "]"
"""A character that ends a word: any ASCII character but [a-z0-9_], or Unicode whitespace (str.split's set)."""


def _is_word(term: str) -> bool:
    """True for a term made only of ASCII word characters."""
    return bool(term) and all(ch in _CONCEPT_WORD_CHARS for ch in term)


def _term_pattern(term: str) -> str:
    """The RE2 pattern of one concept term: a whole word, a word prefix (`term*`) or a literal substring."""
    if _is_word(term):
        return f"(?:^|{_BREAK}){term}(?:{_BREAK}|$)"
    if term.endswith("*") and _is_word(term[:-1]):
        return f"(?:^|{_BREAK}){term[:-1]}"
    return re2.escape(term.rstrip("*"))


def _concept_set() -> tuple:
    """One PatternSet over every concept term (case-sensitive: the text is lower-cased first) and each term's family."""
    pats, family = [], []
    for k, terms in enumerate(CONCEPTS.values()):
        for term in terms:
            pats.append(_term_pattern(term))
            family.append(k)
    return PatternSet(pats), family


_CONCEPT_SET, _TERM_FAMILY = _concept_set()
_CONCEPT_TOKENS = [f"concept={name}" for name in CONCEPTS]


def concept_tokens(text: str) -> list[str]:
    """One `concept=<name>` token per term family found in the (lower-cased) text, in one RE2 pass."""
    hits = _CONCEPT_SET.match(text.lower().encode("utf-8", "surrogatepass"))
    return [_CONCEPT_TOKENS[k] for k in sorted({_TERM_FAMILY[i] for i in hits})]


def tokens(facts: Facts) -> dict[str, list[str]]:
    """All feature tokens of one issue, per block."""
    errors = _errors(facts)
    return {
        "word": word_tokens(facts.prose) + word_tokens(facts.title, "t:") + word_tokens(errors, "e:"),
        "char": char_tokens(facts.prose),
        "meta": _meta(facts, errors),
    }


def _errors(facts: Facts) -> str:
    """The type and start of the message of the first errors, as one text."""
    return " ".join(f"{e.type} {e.message[:300]}" for e in facts.errors[:20])


def _meta(facts: Facts, errors: str) -> list[str]:
    """The meta block: extractor facts, then the concepts of the prose, errors and the start of the code blocks.

    The code blocks are where parameters such as torch_dtype or tensor_parallel_size appear.
    """
    return meta_tokens(facts) + concept_tokens(facts.prose[:MAX_CHARS] + " " + errors + " " +
                                               " ".join(facts.code)[:MAX_CHARS])


def _word_index(columns: dict[str, int]) -> dict[str, tuple[dict, dict]]:
    """Per prefix ("", "t:", "e:"): unigram -> id and (word, word) bigram -> id, words as bytes, ids column + 1."""
    out: dict[str, tuple[dict, dict]] = {prefix: ({}, {}) for prefix in ("", "t:", "e:")}
    for term, col in columns.items():
        prefix = term[:2] if term[:2] in out else ""
        unigrams, bigrams = out[prefix]
        first, _, second = term[len(prefix):].encode("ascii").partition(b" ")
        if second:
            bigrams[first, second] = col + 1
        else:
            unigrams[first] = col + 1
    return out


class Vocabulary:
    """Per-block vocabularies and IDF weights; turns token lists into one sparse, block-normalised vector."""

    def __init__(self, terms: dict[str, list[str]], idf: dict[str, np.ndarray], weights: dict[str, float]):
        self.terms, self.idf, self.weights = terms, idf, weights
        self.offsets: dict[str, int] = {}
        self.index: dict[str, dict[str, int]] = {}
        offset = 0
        for block in BLOCKS:
            self.offsets[block] = offset
            self.index[block] = {t: offset + i for i, t in enumerate(terms[block])}
            offset += len(terms[block])
        self.size = offset
        self._idf_all = np.concatenate([idf[b] for b in BLOCKS]).astype(np.float64)
        self._block_of = np.repeat(np.arange(len(BLOCKS)), [len(terms[b]) for b in BLOCKS])
        self._block_weights = np.array([weights.get(b, 1.0) for b in BLOCKS], dtype=np.float64)
        self._words = _word_index(self.index["word"])
        self._chars = CharGrams(self.index["char"], {d: "0" for d in "123456789"})  # _norm's digit folding
        self._meta_ids = {t: i + 1 for t, i in self.index["meta"].items()}

    def transform(self, toks: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Sparse (indices, values): sublinear tf times idf, L2-normalised per block, times the block weight."""
        ids = [self.index[b].get(t, -1) + 1 for b in BLOCKS for t in toks.get(b, ())]
        return self._weigh(np.array(ids, dtype=np.intp))

    def transform_facts(self, facts: Facts) -> tuple[np.ndarray, np.ndarray]:
        """transform(tokens(facts)), without making the word and character tokens as strings."""
        norm, errors = " ".join(facts.prose[:MAX_CHARS].lower().split()), _errors(facts)  # digits fold later
        ids = self._word_ids(norm, "") + self._word_ids(facts.title[:MAX_CHARS].lower(), "t:")
        if errors:
            ids += self._word_ids(errors[:MAX_CHARS].lower(), "e:")
        ids += filter(None, map(self._meta_ids.get, _meta(facts, errors)))
        return self._weigh(np.concatenate((*self._chars.ids(norm), np.array(ids, dtype=np.intp))))

    def warm_up(self) -> tuple[np.ndarray, np.ndarray]:
        """Vectorise every concept term and the vocabulary's own terms once, e.g. at load time.

        RE2 builds its DFA states lazily, and numpy's tables are paged in on first use: doing that now spares the
        first issues. Returns the vector of that text.
        """
        text = " ".join([t.rstrip("*") for terms in CONCEPTS.values() for t in terms] +
                        [t for block in BLOCKS for t in self.terms[block]])
        concept_tokens(text)
        return self.transform_facts(Facts(text=text, title=text[:MAX_CHARS], prose=text, code=[text]))

    def _word_ids(self, lowered: str, prefix: str) -> list[int]:
        """The ids (column + 1) of the known word unigrams and bigrams of lower-cased text."""
        unigrams, bigrams = self._words[prefix]
        words = _words(lowered)
        return [*filter(None, map(unigrams.get, words)), *filter(None, map(bigrams.get, zip(words, words[1:])))]

    def _weigh(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sublinear tf times idf of the ids (column + 1; 0 is ignored), L2-normalised per block, times its weight.

        Every value is at least 1 (tf >= 1, idf >= 1), so each block present has a positive norm; absent blocks scale
        nothing.
        """
        counts = np.bincount(ids, minlength=self.size + 1)[1:]
        idx = (counts > 0).nonzero()[0]
        tf = _TF.take(counts[idx]) if ids.size < _TF.size else 1.0 + np.log(counts[idx])
        vals = tf * self._idf_all[idx]
        block = self._block_of.take(idx)
        norm = np.sqrt(np.bincount(block, weights=vals * vals, minlength=len(BLOCKS)))
        return idx, vals * (self._block_weights / np.maximum(norm, 1e-300)).take(block)


def fit_vocabulary(
    docs: Iterable[dict[str, list[str]]],
    *,
    min_df: int = 2,
    max_terms: dict[str, int] | None = None,
    weights: dict[str, float] | None = None,
) -> Vocabulary:
    """Keep terms seen in at least `min_df` documents, the most frequent first up to a per-block cap; smooth idf."""
    docs = list(docs)
    caps = {"word": 6000, "char": 12000, "meta": 1000} | (max_terms or {})
    n = len(docs)
    terms, idf = {}, {}
    for block in BLOCKS:
        df = Counter(t for d in docs for t in set(d.get(block, ())))
        kept = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))[: caps[block]]
        kept.sort()
        terms[block] = kept
        idf[block] = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float32)
    return Vocabulary(terms, idf, {"word": 1.0, "char": 1.0, "meta": 0.5} | (weights or {}))
