"""The learned classifier: numpy-only inference, saved as JSON (metadata, vocabulary) plus npz (weights), never pickle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bot.core.types import Facts
from bot.ml.features import BLOCKS, Vocabulary

FORMAT_VERSION = 1
SEP = " - "

HIERARCHY = {"symptom": ("symptom_l1", "symptom_l2", "symptom_l3"), "root_cause": ("root_cause_l1", "root_cause_l2"),
             "stage": ("stage",)}
"""Each output dimension and its per-level models, most general first."""

LEVELS = tuple(level for levels in HIERARCHY.values() for level in levels)


class Linear:
    """One calibrated linear model: softmax(x @ coef.T + intercept) / temperature over `classes`."""

    def __init__(self, classes: list[str], coef: np.ndarray, intercept: np.ndarray, temperature: float = 1.0):
        self.classes, self.coef, self.intercept, self.temperature = classes, coef, intercept, temperature

    def proba(self, idx: np.ndarray, vals: np.ndarray) -> np.ndarray:
        """Class probabilities for one sparse vector."""
        if len(self.classes) == 1:
            return np.ones(1)
        z = (self.coef[:, idx] @ vals + self.intercept) / self.temperature
        if z.shape[0] == 1:  # binary: sklearn keeps one row of weights for the second class
            z = np.array([0.0, z[0]])
        z = np.exp(z - z.max())
        return z / z.sum()


class Classifier:
    """Predicts a path and its probability per dimension from Facts; the model files hold no documents.

    A deeper level is returned only while the joint probability stays >= `min_deep`. The decision model reads
    text_probas() (every level's distribution) as one likelihood feature among the rules and priors.
    """

    def __init__(self, vocab: Vocabulary, models: dict[str, Linear], meta: dict, min_deep: float = 0.5):
        self.vocab, self.models, self.meta, self.min_deep = vocab, models, meta, min_deep
        self._stack_levels()

    def _stack_levels(self) -> None:
        """Lay every level's classes side by side so that one gather, one product and one softmax serve them all.

        Level k owns the slots [starts[k], starts[k] + len(classes)); a binary model's single row of weights feeds
        its second slot (the first stays 0), and a single-class model feeds nothing (its softmax is exactly 1).
        """
        starts, sizes, dest, cols = [], [], [], []
        for model in self.models.values():
            start, n = sum(sizes), len(model.classes)
            starts.append(start)
            sizes.append(n)
            if n > 1:
                rows = model.coef.shape[0]
                dest += range(start + n - rows, start + n)
                cols.append((model.coef, model.intercept, np.full(rows, float(model.temperature))))
        self._starts, self._total = np.array(starts, dtype=np.intp), sum(sizes)
        self._level_of = np.repeat(np.arange(len(sizes)), sizes)
        self._dest = np.array(dest, dtype=np.int64)
        coefs, intercepts, temperatures = zip(*cols) if cols else ((np.zeros((0, self.vocab.size)),), (), ())
        stacked = np.concatenate(coefs).T
        narrow = stacked.astype(np.float32)  # a loaded model's weights are float32: then gather half the bytes
        self._stacked = np.ascontiguousarray(narrow if np.array_equal(narrow, stacked) else stacked)
        self._intercepts = np.concatenate([*intercepts, np.zeros(0)]).astype(np.float64)
        self._temperatures = np.concatenate([*temperatures, np.zeros(0)])
        self._rows: dict[tuple[str, str], list[int]] = {}
        self._spans = [(lv, start, start + n) for lv, start, n in zip(self.models, starts, sizes)]

    def level_probas(self, idx: np.ndarray, vals: np.ndarray) -> dict[str, list[float]]:
        """Class probabilities of every level for one sparse vector (what each Linear.proba gives)."""
        z = np.zeros(self._total)
        rows = self._stacked.take(idx, axis=0).astype(np.float64, copy=False)
        z[self._dest] = (vals @ rows + self._intercepts) / self._temperatures
        z = np.exp(z - np.maximum.reduceat(z, self._starts).take(self._level_of))
        p = (z / np.add.reduceat(z, self._starts).take(self._level_of)).tolist()
        return {lv: p[start:end] for lv, start, end in self._spans}

    def text_probas(self, facts: Facts) -> dict[str, dict[str, float]]:
        """Per level (symptom_l1 ... stage), each class's probability: what the decision model reads."""
        probas = self.level_probas(*self.vectorize(facts))
        return {lv: dict(zip(self.models[lv].classes, probas[lv])) for lv in self.models}

    def vectorize(self, facts: Facts) -> tuple[np.ndarray, np.ndarray]:
        """The sparse feature vector of one issue."""
        return self.vocab.transform_facts(facts)

    def predict(self, facts: Facts) -> dict[str, tuple[list[str], float]]:
        """Per dimension: the path (most general first) and the probability that the whole path is right."""
        return self.predict_vector(*self.vectorize(facts))

    def predict_vector(self, idx: np.ndarray, vals: np.ndarray) -> dict[str, tuple[list[str], float]]:
        """predict() on an already vectorised issue; a deeper level is kept while the joint probability >= min_deep."""
        probas = self.level_probas(idx, vals)
        out = {}
        for dim, levels in HIERARCHY.items():
            p = probas[levels[0]]
            best = p.index(max(p))  # the first of equal maxima, as np.argmax
            name = self.models[levels[0]].classes[best]
            path, prob = [name], p[best]
            for level in levels[1:]:
                rows = self._children(level, name)
                if not rows:
                    break
                p = [probas[level][i] for i in rows]
                best = p.index(max(p))
                child = p[best] / sum(p)  # renormalised among the children
                if prob * child < self.min_deep:
                    break
                name = self.models[level].classes[rows[best]]
                path, prob = name.split(SEP), prob * child
            out[dim] = (path, prob)
        return out

    def _children(self, level: str, parent: str) -> list[int]:
        """The classes of `level` under the class named `parent` (a path joined by SEP), by index."""
        rows = self._rows.get((level, parent))
        if rows is None:
            prefix = parent + SEP
            classes = self.models[level].classes
            rows = self._rows[level, parent] = [i for i, c in enumerate(classes) if c.startswith(prefix)]
        return rows

    def save(self, out: Path) -> None:
        """Write model.json (metadata, vocabulary, classes) and weights.npz (idf, coefficients) into `out`."""
        out.mkdir(parents=True, exist_ok=True)
        doc = {
            "format_version": FORMAT_VERSION,
            "meta": self.meta,
            "min_deep": self.min_deep,
            "block_weights": self.vocab.weights,
            "terms": self.vocab.terms,
            "levels": {lv: {"classes": m.classes, "temperature": m.temperature} for lv, m in self.models.items()},
        }
        (out / "model.json").write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        arrays = {f"idf_{b}": self.vocab.idf[b].astype(np.float32) for b in BLOCKS}
        for lv, m in self.models.items():
            arrays[f"coef_{lv}"] = m.coef.astype(np.float16)  # half the bytes; far below the model's own noise
            arrays[f"intercept_{lv}"] = m.intercept.astype(np.float32)
        np.savez_compressed(out / "weights.npz", **arrays)

    @classmethod
    def load(cls, path: Path) -> Classifier:
        """Read a model directory written by save() and warm it up; refuses other format versions; never unpickles."""
        doc = json.loads((path / "model.json").read_text(encoding="utf-8"))
        if doc.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{path}: model format {doc.get('format_version')!r}, expected {FORMAT_VERSION}")
        with np.load(path / "weights.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        vocab = Vocabulary(doc["terms"], {b: arrays[f"idf_{b}"] for b in BLOCKS}, doc["block_weights"])
        models = {
            lv: Linear(spec["classes"], arrays[f"coef_{lv}"].astype(np.float64),
                       arrays[f"intercept_{lv}"].astype(np.float64), spec["temperature"])
            for lv, spec in doc["levels"].items()
        }
        model = cls(vocab, models, doc["meta"], doc["min_deep"])
        model.predict_vector(*vocab.warm_up())
        return model
