"""Fit the ranking weights (Weights) on the batches, and score the fit leave-one-batch-out first.

python eval/related/fit.py [--print]

A pairwise logistic regression (the original against every other candidate of its query, features as in
bot/core/related/rank.py), scaled so the lexical weight is 1. Each batch is ranked with weights fitted on the others;
those held-out figures are what a fit is judged on. `--print` prints the weights fitted on all batches.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import all as everything  # noqa: E402
from bot.core.related.rank import DEFAULT, FEATURES, features, rank  # noqa: E402

FIT = [f for f in FEATURES if f != "lex"]


def vectors(rows, name):
    """Per query: (feature matrix of its candidates, candidate numbers, the original's number)."""
    out = []
    for i, (q, _, orig) in enumerate(rows):
        cands, idf = everything.LOOKUPS[(name, i)]
        cs = [(c, lex) for c, lex in cands if c.number != q.number]
        if not cs:
            out.append((np.zeros((0, len(FEATURES))), [], orig, q))
            continue
        m = np.array([[features(q, c, lex, DEFAULT, idf)[0].get(k, 0.0) for k in FEATURES] for c, lex in cs])
        out.append((m, [c.number for c, _ in cs], orig, q))
    return out


def fit(data, c_reg: float) -> dataclasses.replace:
    """Weights from pairwise differences (original minus each other candidate)."""
    xs = []
    for m, nums, orig, _ in data:
        if orig is None or orig not in nums:
            continue
        o = m[nums.index(orig)]
        xs += [o - r for j, r in enumerate(m) if nums[j] != orig]
    x = np.array(xs)
    x = np.vstack([x, -x])
    y = np.r_[np.ones(len(xs)), np.zeros(len(xs))]
    lr = LogisticRegression(fit_intercept=False, C=c_reg, max_iter=2000).fit(x, y)
    coef = lr.coef_[0]
    lex = coef[FEATURES.index("lex")]
    return dataclasses.replace(DEFAULT, feature={k: round(float(coef[i] / lex), 3) for i, k in enumerate(FEATURES)})


def recall(data, w) -> dict[int, float]:
    """recall@k of weights w on vectors."""
    hits = {k: 0 for k in everything.KS}
    n = 0
    for m, nums, orig, _ in data:
        if orig is None:
            continue
        n += 1
        if not nums:
            continue
        wv = np.array([w.feature.get(k, 0.0) for k in FEATURES])
        order = [nums[j] for j in np.lexsort((nums, -(m @ wv)))]
        if orig in order:
            r = order.index(orig)
            for k in hits:
                hits[k] += r < k
    return {k: v / n for k, v in hits.items()}


def main() -> None:
    """Leave-one-batch-out figures of the fit against the current weights, then (with --print) the full fit."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--print", action="store_true")
    ap.add_argument("-C", type=float, default=1.0)
    a = ap.parse_args()
    data = {b: vectors(everything.run_batch(b), b) for b in everything.BATCHES}
    print(f"{'held out':9} {'current r@1':>11} {'r@3':>5} {'r@5':>5}   {'fitted r@1':>10} {'r@3':>5} {'r@5':>5}")
    mc, mf = np.zeros(3), np.zeros(3)
    for held in data:
        w = fit([x for b, xs in data.items() if b != held for x in xs], a.C)
        rc, rf = recall(data[held], DEFAULT), recall(data[held], w)
        mc += [rc[1], rc[3], rc[5]]
        mf += [rf[1], rf[3], rf[5]]
        print(f"{held:9} {rc[1]:11.3f} {rc[3]:5.3f} {rc[5]:5.3f}   {rf[1]:10.3f} {rf[3]:5.3f} {rf[5]:5.3f}")
    n = len(data)
    print(f"{'mean':9} {mc[0] / n:11.3f} {mc[1] / n:5.3f} {mc[2] / n:5.3f}   {mf[0] / n:10.3f} {mf[1] / n:5.3f} "
          f"{mf[2] / n:5.3f}")
    if a.print:
        w = fit([x for xs in data.values() for x in xs], a.C)
        print(w.feature)


if __name__ == "__main__":
    main()
