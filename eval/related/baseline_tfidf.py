"""Plain TF-IDF over title + body (scikit-learn, word unigrams+bigrams, cosine), on a PAIRS file: the baseline.

python eval/related/baseline_tfidf.py eval/related/batch3.jsonl [--strict]
"""

from __future__ import annotations

import json
import sys

from sklearn.feature_extraction.text import TfidfVectorizer


def main(path: str, strict: bool) -> None:
    """Index every orig and pool issue, rank them for every dup by cosine, print recall@k."""
    index, ids, queries = [], {}, []
    for line in open(path, encoding="utf-8"):
        o = json.loads(line)
        if o["kind"] == "pair":
            index.append(o["orig"]["title"] + "\n" + o["orig"]["body"])
            queries.append((o["dup"]["title"] + "\n" + o["dup"]["body"], len(index) - 1, o.get("also", [])))
        elif o["kind"] == "pool":
            index.append(o["title"] + "\n" + o["body"])
            ids[o.get("id")] = len(index) - 1
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    m = vec.fit_transform(index)
    q = vec.transform([t for t, _, _ in queries])
    sims = (q @ m.T).toarray()
    hits = {k: 0 for k in (1, 3, 5, 10)}
    for row, (_, orig, also) in zip(sims, queries):
        ok = {orig} | (set() if strict else {ids[a] for a in also if a in ids})
        order = list((-row).argsort()[:10])
        first = next((i for i, n in enumerate(order) if n in ok), None)
        for k in hits:
            hits[k] += first is not None and first < k
    for k, v in hits.items():
        print(f"recall@{k:<3} {v / len(queries):.3f}")


if __name__ == "__main__":
    main(sys.argv[1], "--strict" in sys.argv)
