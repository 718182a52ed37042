"""Training: labelled rows -> Facts -> TF-IDF features -> one logistic regression per taxonomy level (the decision
model's text weights act as its temperature; `calibrate=True` still fits one per level)."""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

import bot
from bot.core.decide.model import WRITTEN
from bot.core.extract import extract
from bot.core.types import Facts
from bot.ml.features import Vocabulary, fit_vocabulary, tokens
from bot.ml.model import FORMAT_VERSION, LEVELS, SEP, Classifier, Linear

DEFAULTS = {"C": 30.0, "min_df": 2, "min_deep": 0.5}
_TEMPERATURES = np.geomspace(0.25, 4.0, 25)


def norm_label(name: str) -> str:
    """A label path with whitespace normalised (one record in the paper's data has a double space)."""
    return " ".join(name.split())


def level_targets(record: dict) -> dict[str, str]:
    """The class of each level for one label record, e.g. symptom_l2 = "Crash - CUDA Error"."""
    sym = norm_label(record["symptom"]).split(SEP)
    cause = norm_label(record["root_cause"]).split(SEP)
    return {
        "symptom_l1": sym[0], "symptom_l2": SEP.join(sym[:2]), "symptom_l3": SEP.join(sym[:3]),
        "root_cause_l1": cause[0], "root_cause_l2": SEP.join(cause[:2]),
        "stage": norm_label(record["stage"]),
    }


def rows_sha256(rows: list[dict]) -> str:
    """A stable hash of training rows (for metadata when they don't come from one file)."""
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def row_facts(rows: list[dict]) -> list[Facts]:
    """Extract the Facts of each row once (training and cross-validation reuse them)."""
    return [extract(r.get("title") or "", r.get("body") or "") for r in rows]


def _scores(clf: LogisticRegression, X, classes: list[str]) -> np.ndarray:
    """Decision scores mapped onto `classes`; classes the fold never saw get a very low score."""
    z = clf.decision_function(X)
    if z.ndim == 1:
        z = np.stack([-z / 2, z / 2], axis=1)
    out = np.full((X.shape[0], len(classes)), -1e9)
    for j, c in enumerate(clf.classes_):
        out[:, classes.index(c)] = z[:, j]
    return out


def _fit(X, y: list[str], C: float, weight: np.ndarray) -> LogisticRegression:
    """One L2-regularised multinomial logistic regression."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRegression(C=C, solver="newton-cg", max_iter=500).fit(X, y, sample_weight=weight)


def _temperature(X, y: list[str], classes: list[str], C: float, weight: np.ndarray, seed: int = 0) -> float:
    """Fit a softmax temperature on out-of-fold scores (5-fold), minimising the log loss."""
    z = np.zeros((X.shape[0], len(classes)))
    for tr, te in KFold(n_splits=min(5, X.shape[0]), shuffle=True, random_state=seed).split(X):
        labels = [y[i] for i in tr]
        if len(set(labels)) < 2:
            return 1.0
        z[te] = _scores(_fit(X[tr], labels, C, weight[tr]), X[te], classes)
    gold = np.array([classes.index(c) for c in y])
    seen = z[np.arange(len(y)), gold] > -1e8  # a class its fold never saw says nothing about the temperature
    z, gold = z[seen], gold[seen]
    if not len(gold):
        return 1.0
    best, best_loss = 1.0, np.inf
    for t in _TEMPERATURES:
        s = z / t
        s = s - s.max(axis=1, keepdims=True)
        loss = -(s[np.arange(len(gold)), gold] - np.log(np.exp(s).sum(axis=1))).mean()
        if loss < best_loss:
            best, best_loss = float(t), loss
    return best


def _linear(clf: LogisticRegression, classes: list[str], temperature: float, basis: np.ndarray) -> Linear:
    """Turn a model fitted in row-space coordinates into our numpy-only Linear over the vocabulary."""
    return Linear([str(c) for c in clf.classes_], clf.coef_ @ basis, clf.intercept_.copy(), temperature)


def _row_space(X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of the rows in an orthonormal basis of their span, and that basis.

    An L2-regularised linear model's weights lie in the span of its training rows, so fitting on these few
    dense coordinates gives the same model as fitting on the wide sparse matrix, much faster.
    """
    u, s, vt = np.linalg.svd(X.toarray(), full_matrices=False)
    keep = s > s.max() * 1e-10 if s.size else s.astype(bool)
    return u[:, keep] * s[keep], vt[keep]


def fit(
    facts: list[Facts],
    records: list[list[dict]],
    *,
    meta: dict,
    weights: list[float] | None = None,
    C: float = DEFAULTS["C"],
    min_df: int = DEFAULTS["min_df"],
    min_deep: float = DEFAULTS["min_deep"],
    calibrate: bool = False,
    block_weights: dict[str, float] | None = None,
    written: tuple[list[Facts], list[list[dict]]] | None = None,
) -> Classifier:
    """Train on pre-extracted Facts and their label records (an issue with two records counts for both)."""
    toks = [tokens(f) for f in facts]
    vocab = fit_vocabulary(toks, min_df=min_df, weights=block_weights)
    X_rows, y, w = _examples(vocab, toks, records, weights)
    Z, basis = _row_space(_matrix(X_rows, vocab))
    models = {lv: _head(vocab, Z, basis, y[lv], C, w, calibrate) for lv in LEVELS}
    if written and written[0]:  # the cause level-1 head fitted on the written issues alone, over this vocabulary
        rows, wy, ww = _examples(vocab, [tokens(f) for f in written[0]], written[1])
        models[WRITTEN] = _head(vocab, *_row_space(_matrix(rows, vocab)), wy["root_cause_l1"], C, ww, False)
    meta = {"format_version": FORMAT_VERSION, "firstmile_version": bot.__version__,
            "sklearn_version": sklearn.__version__, "C": C, "min_df": min_df, "examples": len(X_rows)} | meta
    return Classifier(vocab, models, meta, min_deep)


def _examples(vocab: Vocabulary, toks: list, records: list[list[dict]], weights: list[float] | None = None):
    """One example per label record: its issue's vector, each level's target, and its weight (an issue's records
    share its weight)."""
    X_rows, y, w = [], {lv: [] for lv in LEVELS}, []
    for i, recs in enumerate(records):
        vec = vocab.transform(toks[i])
        for rec in recs:
            X_rows.append(vec)
            for lv, c in level_targets(rec).items():
                y[lv].append(c)
            w.append((weights[i] if weights else 1.0) / len(recs))
    return X_rows, y, np.asarray(w)


def _head(vocab: Vocabulary, Z, basis, y: list, C: float, w: np.ndarray, calibrate: bool) -> Linear:
    """One level's linear head (a constant one when the examples have a single class)."""
    classes = sorted(set(y))
    if len(classes) < 2:
        return Linear(classes, np.zeros((1, vocab.size)), np.zeros(1))
    temp = _temperature(Z, y, classes, C, w) if calibrate else 1.0
    return _linear(_fit(Z, y, C, w), classes, temp, basis)


def _matrix(rows: list[tuple[np.ndarray, np.ndarray]], vocab: Vocabulary) -> sp.csr_matrix:
    """Stack sparse (indices, values) rows into a CSR matrix."""
    indptr = np.cumsum([0] + [len(i) for i, _ in rows])
    idx = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
    vals = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
    return sp.csr_matrix((vals, idx, indptr), shape=(len(rows), vocab.size))


def latest_rows(rows: list[dict]) -> list[dict]:
    """One row per issue (by `source` URL, else `id`, else title and body); a later row, e.g. an override, wins."""
    out: dict = {}
    for row in rows:
        key = row.get("source") or row.get("id") or (row.get("title"), row.get("body"))
        out.pop(key, None)
        out[key] = row
    return list(out.values())


def train(rows: list[dict], *, data_sha256: str | None = None, created_by: str = "", written: list[dict] = (),
          **kw) -> Classifier:
    """Train from JSON Lines rows ({title, body, labels: [{symptom, root_cause, stage}]}).

    Rows without labels are skipped; when an issue appears twice (a maintainer's override after the original
    label), the later row is used.
    """
    rows = [r for r in latest_rows(rows) if r.get("labels")]
    meta = {"data_sha256": data_sha256 or rows_sha256(rows), "rows": len(rows), "created_by": created_by}
    return fit(row_facts(rows), [r["labels"] for r in rows], meta=meta, written=written_pair(written), **kw)


def written_pair(rows: list[dict]) -> tuple[list[Facts], list[list[dict]]] | None:
    """The labelled written rows as (Facts, label records), or None when there are none."""
    rows = [r for r in rows if r.get("labels")]
    return (row_facts(rows), [r["labels"] for r in rows]) if rows else None
