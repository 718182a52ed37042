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
        return self.proba_scores(self.coef[:, idx] @ vals)

    def proba_scores(self, scores: np.ndarray) -> np.ndarray:
        """Class probabilities from the raw scores x @ coef.T (intercept and temperature not yet applied)."""
        if len(self.classes) == 1:
            return np.ones(1)
        z = (scores + self.intercept) / self.temperature
        if z.shape[0] == 1:  # binary: sklearn keeps one row of weights for the second class
            z = np.array([0.0, z[0]])
        z = np.exp(z - z.max())
        return z / z.sum()


class Classifier:
    """Predicts a path and its probability per dimension from Facts; the model files hold no documents.

    A deeper level is returned only while the joint probability stays >= `min_deep`; keep `min_deep` at or above
    combine()'s `fill_min`, so that going deeper never hides a top level the rules could use.
    """

    def __init__(self, vocab: Vocabulary, models: dict[str, Linear], meta: dict, min_deep: float = 0.5):
        self.vocab, self.models, self.meta, self.min_deep = vocab, models, meta, min_deep
        self._cols: dict[str, slice] = {}
        start = 0
        for level, model in models.items():
            self._cols[level] = slice(start, start + model.coef.shape[0])
            start += model.coef.shape[0]
        self._stacked = np.ascontiguousarray(np.concatenate([m.coef for m in models.values()]).T)
        # all levels' coefficients, one row per feature: one gather and one product score every level at once
        self._rows: dict[tuple[str, str], list[int]] = {}

    def vectorize(self, facts: Facts) -> tuple[np.ndarray, np.ndarray]:
        """The sparse feature vector of one issue."""
        return self.vocab.transform_facts(facts)

    def predict(self, facts: Facts) -> dict[str, tuple[list[str], float]]:
        """Per dimension: the path (most general first) and the probability that the whole path is right."""
        return self.predict_vector(*self.vectorize(facts))

    def predict_vector(self, idx: np.ndarray, vals: np.ndarray) -> dict[str, tuple[list[str], float]]:
        """predict() on an already vectorised issue; a deeper level is kept while the joint probability >= min_deep."""
        scores = vals @ self._stacked[idx]
        out = {}
        for dim, levels in HIERARCHY.items():
            top = self.models[levels[0]]
            p = top.proba_scores(scores[self._cols[levels[0]]])
            best = int(np.argmax(p))
            path, prob = [top.classes[best]], float(p[best])
            for level in levels[1:]:
                deeper = self._child(level, path, scores)
                if deeper is None or prob * deeper[1] < self.min_deep:
                    break
                path, prob = deeper[0], prob * deeper[1]
            out[dim] = (path, prob)
        return out

    def _child(self, level: str, path: list[str], scores: np.ndarray) -> tuple[list[str], float] | None:
        """The likeliest class of `level` under `path`, with its probability renormalised among the children."""
        model, prefix = self.models[level], SEP.join(path) + SEP
        rows = self._rows.get((level, prefix))
        if rows is None:
            rows = self._rows[level, prefix] = [i for i, c in enumerate(model.classes) if c.startswith(prefix)]
        if not rows:
            return None
        p = model.proba_scores(scores[self._cols[level]])[rows]
        best = int(np.argmax(p))
        return model.classes[rows[best]].split(SEP), float(p[best] / p.sum())

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
            arrays[f"coef_{lv}"] = m.coef.astype(np.float32)
            arrays[f"intercept_{lv}"] = m.intercept.astype(np.float32)
        np.savez_compressed(out / "weights.npz", **arrays)

    @classmethod
    def load(cls, path: Path) -> Classifier:
        """Read a model directory written by save(); refuses other format versions; never unpickles."""
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
        return cls(vocab, models, doc["meta"], doc["min_deep"])
