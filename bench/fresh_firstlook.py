"""First look at fresh labelled issues: the shipped decision model (with and without the classifier) and the
rules' own decision, per level: likely accuracy / applied precision / applied coverage (/ ECE), per file and pooled.

Usage: python bench/fresh_firstlook.py BATCH.jsonl [BATCH.jsonl ...]
Rows without labels (not failure reports: questions, feature requests) are scored apart: how many get labels.
Score a batch with this BEFORE changing anything because of it, and log what it prints.
"""

from __future__ import annotations

import json
import sys

LEVELS = ["symptom L1", "symptom L2", "symptom L3", "root cause L1", "root cause L2", "stage"]


def main(files: list[str]) -> int:
    """Print the tables; exit 2 without files."""
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    from bot.cli.triage import load_classifier, load_decider
    from bot.core.ruleset import RuleSet
    from bot.core.triage import triage
    from bot.evaluation import score, score_likely

    rs = RuleSet.load()
    clf, dec = load_classifier(False), load_decider(rs)
    systems = (("model+text", {"classifier": clf, "decider": dec}), ("model rules-only", {"decider": dec}),
               ("rules' own decision", {}))

    def run(rows: list[dict]) -> dict:
        out = {}
        for name, kw in systems:
            res = [triage(r["title"], r["body"], rs, repo=r.get("repo"), **kw).to_json() for r in rows]
            a, lk = score(rows, res)["levels"], score_likely(rows, res)
            out[name] = {lv: (lk[lv]["accuracy"], a[lv]["precision"], a[lv]["coverage"], lk[lv]["ece"]) for lv in LEVELS}
        return out

    pooled, others = [], []
    for f in files:
        rows = [json.loads(x) for x in open(f, encoding="utf-8") if x.strip()]
        others += [r for r in rows if not r.get("labels")]
        rows = [r for r in rows if r.get("labels")]
        pooled += rows
        print(f"## {f.rsplit('/', 1)[-1]} ({len(rows)} labelled issues)")
        for name, d in run(rows).items():
            print(f"  {name:<20}" + "  ".join(f"{lv}: {v[0]:.2f}/{v[1]:.2f}/{v[2]:.2f}" for lv, v in d.items()))
    print(f"## pooled ({len(pooled)} issues): likely acc / applied precision / applied coverage / ECE")
    for name, d in run(pooled).items():
        print(f"  {name}")
        for lv, v in d.items():
            print(f"    {lv:<14} {v[0]:.3f} / {v[1]:.3f} / {v[2]:.3f} / {v[3]:.3f}")
    for name, kw in systems[::2] if others else ():
        res = [triage(r["title"], r["body"], rs, repo=r.get("repo"), **kw).to_json() for r in others]
        print(f"not failure reports ({len(others)}), {name}: labelled {sum(1 for x in res if x['labels'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
