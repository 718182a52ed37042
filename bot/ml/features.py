"""Feature tokens from extracted Facts (words, character n-grams, extractor facts) and a capped TF-IDF vocabulary."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np

from bot.core.types import Facts

BLOCKS = ("word", "char", "meta")
"""Feature blocks; each is TF-IDF weighted and L2-normalised on its own, then scaled by its block weight."""

MAX_CHARS = 4000
"""Only the first MAX_CHARS of the prose are tokenised: keeps inference time bounded on huge issues."""

CHAR_SIZES = (2, 3)
_WORD_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if chr(c) not in _WORD_CHARS})
_DIGITS = str.maketrans("0123456789", "0000000000")
_META_VALUES = ("launcher", "quantization")
"""Env keys whose value (not only presence) is a feature."""


def _norm(text: str) -> str:
    """Lower-case, digits folded to 0, whitespace collapsed; bounded length."""
    return " ".join(text[:MAX_CHARS].lower().translate(_DIGITS).split())


def word_tokens(text: str, prefix: str = "") -> list[str]:
    """Word unigrams and bigrams (ASCII words; CJK is covered by the character n-grams)."""
    ascii_text = _norm(text).encode("ascii", "replace").decode("ascii").replace("?", " ")
    words = [w for w in (t.lstrip("0") for t in ascii_text.translate(_NON_WORD).split()) if len(w) > 1]
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


def tokens(facts: Facts) -> dict[str, list[str]]:
    """All feature tokens of one issue, per block."""
    errors = " ".join(f"{e.type} {e.message[:300]}" for e in facts.errors[:20])
    return {
        "word": word_tokens(facts.prose) + word_tokens(facts.title, "t:") + word_tokens(errors, "e:"),
        "char": char_tokens(facts.prose),
        "meta": meta_tokens(facts),
    }


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

    def transform(self, toks: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Sparse (indices, values): sublinear tf times idf, L2-normalised per block, times the block weight."""
        idx_parts, val_parts = [], []
        for block in BLOCKS:
            ids = [i for i in map(self.index[block].get, toks.get(block, ())) if i is not None]
            if not ids:
                continue
            idx, tf = np.unique(np.array(ids, dtype=np.int64), return_counts=True)
            vals = (1.0 + np.log(tf)) * self._idf_all[idx]
            norm = float(np.sqrt(vals @ vals))
            if norm > 0:
                idx_parts.append(idx)
                val_parts.append(vals * (self.weights.get(block, 1.0) / norm))
        if not idx_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(idx_parts), np.concatenate(val_parts)


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
