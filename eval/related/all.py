"""Every batch at once: per-batch recall@1/3/5/10 and duplicate_of, ours and plain TF-IDF, strict.

python eval/related/all.py [--no-tfidf] [--cv] [--misses]

`--cv` also chooses duplicate_of's thresholds leave-one-batch-out (on the other batches: the most recall at
precision >= 0.90) and prints what each held-out batch gets with them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent.parent))

from bot.cli.related import REPO, Relater  # noqa: E402
from bot.core.related import duplicate_of, rank  # noqa: E402
from bot.core.related.rank import DEFAULT, dup_features  # noqa: E402

KS = (1, 3, 5, 10)
SPECIFIC_CV = (1,)
A_CV = (0.0, 1.0)
X_CV = (0.0, 0.5, 1.0)
"""How much of the cross-language share duplicate_of discounts (production: all of it)."""
BATCHES = [f"batch{i}" for i in range(1, 10)]


def run_batch(name: str) -> list[tuple[list, int | None]]:
    """(ranked list, the original's number or None for a solo query) per query of one batch."""
    args = argparse.Namespace(rules=None, no_classify=False, segmenter=SEGMENTER, db=":memory:")
    rel = Relater(args)
    queries, number, ids, also = [], 0, {}, {}
    for n, line in enumerate((HERE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        o = json.loads(line)
        if o["kind"] == "pair":
            number += 1
            rel.add(dict(o["orig"], number=number))
            queries.append((dict(o["dup"], number=-n), number))
            also[-n] = o.get("also") or []
        elif o["kind"] == "pool":
            number += 1
            rel.add(dict(o, number=number))
            ids[o.get("id")] = number
        else:
            queries.append((dict(o, number=-n), None))
    for qn, xs in also.items():
        ACCEPT[(name, qn)] = {ids[x] for x in xs if x in ids}
    out = []
    for issue, orig in queries:
        q = rel.doc(issue, issue["number"])
        cands, idf = rel.index.lookup(REPO, q)
        out.append((q, rank(q, cands, idf=idf), orig))
        LOOKUPS[(name, len(out) - 1)] = (cands, idf)
    return out


ACCEPT: dict[tuple[str, int], set[int]] = {}
"""(batch, query number) -> pool issues adjudicated as the same failure (the batch's ALSO)."""
LENIENT = False
SEGMENTER = "bigram"
"""How Chinese is cut (`--segmenter jieba` to compare)."""
"""Count ALSO as right too (`--lenient`); strict otherwise."""


def ok(name: str, q, orig: int | None) -> set[int]:
    """The numbers that count as right for a query."""
    return ({orig} | (ACCEPT.get((name, q.number), set()) if LENIENT else set())) if orig is not None else set()


LOOKUPS: dict[tuple[str, int], tuple[list, dict]] = {}
"""(batch, query index) -> the index's candidates and idf, for refitting the weights without re-indexing."""


def recall(rows, name: str = "") -> dict[str, float]:
    """recall@k over the pairs of a batch."""
    pairs = [(r, ok(name, q, o)) for q, r, o in rows if o is not None]
    hits = {k: 0 for k in KS}
    for ranked, good in pairs:
        got = [r.number for r in ranked]
        first = next((i for i, x in enumerate(got) if x in good), None)
        for k in KS:
            hits[k] += first is not None and first < k
    return {f"r@{k}": hits[k] / len(pairs) for k in KS}


def dup_scores(rows, decide, name: str = "") -> tuple[int, int, int]:
    """(said, right, pairs) for a duplicate_of rule."""
    said = right = 0
    for q, ranked, orig in rows:
        d = decide(q, ranked)
        if d is not None:
            said += 1
            right += d in ok(name, q, orig)
    return said, right, sum(o is not None for _, _, o in rows)


def tfidf(name: str) -> dict[str, float]:
    """The plain TF-IDF baseline's recall@k on a batch."""
    import io
    from contextlib import redirect_stdout

    sys.path.insert(0, str(HERE))
    import baseline_tfidf

    buf = io.StringIO()
    with redirect_stdout(buf):
        baseline_tfidf.main(str(HERE / f"{name}.jsonl"), not LENIENT)
    return {f"r@{ln.split()[0].split('@')[1]}": float(ln.split()[1]) for ln in buf.getvalue().splitlines()}


def main() -> None:
    """Print the table (and the cross-validated duplicate_of)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-tfidf", action="store_true")
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--segmenter", choices=("bigram", "jieba"), default="bigram")
    ap.add_argument("--lenient", action="store_true", help="count the batches' ALSO as right (adjudicated)")
    ap.add_argument("--dump", metavar="FILE", help="write each pair's rank of its original (to compare two runs)")
    ap.add_argument("batches", nargs="*", default=BATCHES)
    a = ap.parse_args()
    global LENIENT, SEGMENTER
    LENIENT, SEGMENTER = a.lenient, a.segmenter
    rows = {b: run_batch(b) for b in a.batches}
    print(f"{'batch':8} {'r@1':>6} {'r@3':>6} {'r@5':>6} {'r@10':>6}  {'dup P (said)':>13} {'dup R':>6}"
          + ("" if a.no_tfidf else "   tfidf r@1  r@3   r@5  r@10"))
    tot = {f"r@{k}": 0.0 for k in KS}
    pooled = [0, 0, 0]
    for b, rs in rows.items():
        rc = recall(rs, b)
        said, right, n = dup_scores(rs, lambda q, r: duplicate_of(r), b)
        pooled = [pooled[0] + said, pooled[1] + right, pooled[2] + n]
        p = f"{right / said:.3f} ({said:2})" if said else "   n/a (0) "
        line = f"{b:8} " + " ".join(f"{rc[f'r@{k}']:6.3f}" for k in KS) + f"  {p:>13} {right / n:6.3f}"
        if not a.no_tfidf:
            t = tfidf(b)
            line += "   " + " ".join(f"{t[f'r@{k}']:.3f}" for k in KS)
        print(line)
        for k in tot:
            tot[k] += rc[k] / len(rows)
        if a.misses:
            for q, ranked, orig in rs:
                if orig is not None and (not ranked or ranked[0].number != orig):
                    got = [r.number for r in ranked]
                    print("   miss", q.title[:70], "rank", got.index(orig) + 1 if orig in got else None,
                          [(r.number, r.score, r.reasons[:3]) for r in ranked[:2]])
    if a.dump:
        with open(a.dump, "w", encoding="utf-8") as f:
            for b, rs in rows.items():
                for q, ranked, orig in rs:
                    if orig is not None:
                        got = [r.number for r in ranked]
                        f.write(f"{b}\t{got.index(orig) + 1 if orig in got else '-'}\t{q.title[:80]}\n")
    print("mean     " + " ".join(f"{tot[f'r@{k}']:6.3f}" for k in KS)
          + (f"  {pooled[1] / pooled[0]:.3f} ({pooled[0]:2}) {pooled[1] / pooled[2]:6.3f}" if pooled[0] else ""))
    if a.cv:
        cross_validate(rows)


def choose(items, grid, stats):
    """(right, rule): the rule with the most right answers at precision >= 0.90, the strictest score among ties."""
    scored = [(st[1], g[0], g) for g in grid if (st := stats(items, g))[0] and st[1] / st[0] >= 0.90]
    if not scored:
        return None
    right, _, g = max(scored, key=lambda x: x[:2])
    return right, g


def _dup_feats(ranked) -> dict | None:
    """duplicate_of's features, with the cross-language shares it discounts (to add back a part of them)."""
    f = dup_features(ranked)
    if f is None:
        return None
    nxt = ranked[1].xlang if len(ranked) > 1 else 0.0
    return dict(f, top_xlang=ranked[0].xlang, xlang=ranked[0].xlang - nxt)


def cross_validate(rows) -> None:
    """Leave one batch out: thresholds chosen on the others for the most recall at precision >= 0.90."""
    feats = {b: [(_dup_feats(r), ok(b, q, o), r[0].number if r else None) for q, r, o in rs]
             for b, rs in rows.items()}
    grid = [(s, m, sp, a, x) for s in [x / 20 for x in range(12, 36)] for m in (0.0, 0.05, 0.1, 0.2)
            for sp in SPECIFIC_CV for a in A_CV for x in X_CV]

    def stats(items, g):
        s_min, m_min, need_specific, a, x = g
        said = right = 0
        for f, o, top in items:
            if f is None:
                continue
            score, margin = f["score"] + (1 - x) * f["top_xlang"], f["margin"] + (1 - x) * f["xlang"]
            if score + a * margin < s_min or margin < m_min or (need_specific and not f["specific"]):
                continue
            said += 1
            right += top in o
        return said, right

    print("\nduplicate_of, leave-one-batch-out (score + a * margin >= s, margin >= m, specific evidence needed, "
          "score and margin less x times the cross-language share): (s, m, specific, a, x)")
    tot_said = tot_right = tot_n = 0
    for held in feats:
        train = [x for b, xs in feats.items() if b != held for x in xs]
        n_train = sum(bool(o) for _, o, _ in train)
        best = choose(train, grid, stats)
        if best is None:
            print(f"{held}: no threshold reaches 0.90 on the others")
            continue
        said, right = stats(feats[held], best[1])
        n = sum(bool(o) for _, o, _ in feats[held])
        tot_said, tot_right, tot_n = tot_said + said, tot_right + right, tot_n + n
        print(f"{held}: chosen {best[1]} (train recall {best[0] / n_train:.3f}) -> precision "
              f"{right / said if said else float('nan'):.3f} ({said}) recall {right / n:.3f}")
    every = [x for xs in feats.values() for x in xs]
    best = choose(every, grid, stats)
    if best is not None:
        said, right = stats(every, best[1])
        print(f"chosen on all batches: {best[1]} -> precision {right / said:.3f} ({said}) "
              f"recall {right / sum(bool(o) for _, o, _ in every):.3f}")
    if tot_said:
        print(f"pooled held-out: precision {tot_right / tot_said:.3f} ({tot_said}) recall {tot_right / tot_n:.3f}")
    _ = DEFAULT


if __name__ == "__main__":
    main()
