"""Triage cost of issues a process has never seen, after it has triaged k other issues: a running bot's learning curve.

Usage: python bench/unseen_curve.py DATASET.jsonl [--rules-only] [--k 0,25,50,99] [--folds 10]
For each k and each fold (every --folds-th row, from offset f), a fresh process loads the rules (and the classifier,
unless --rules-only), triages k issues from the other folds, then triages the fold's issues as `firstmile triage`
would (JSON output included) and reports their mean CPU time. RE2 builds its DFA states lazily and shares them
across texts, so the cost of new issues falls as the process sees more of them; repeating the same issues (what
triage_throughput.py does) gives the floor, this script shows how far above it new issues stay.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def point(path: str, k: int, fold: int, folds: int, rules_only: bool) -> float:
    """Mean CPU ms per issue of one fold, in this process, after k issues of the other folds."""
    from bot.core.ruleset import RuleSet
    from bot.core.triage import triage

    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    classifier = None
    if not rules_only:
        from bot.ml import load_default
        classifier = load_default()
    ruleset = RuleSet.load()
    test = [r for i, r in enumerate(rows) if i % folds == fold]
    rest = [r for i, r in enumerate(rows) if i % folds != fold]
    for i in range(k):
        r = rest[i % len(rest)]
        triage(r.get("title", ""), r.get("body", ""), ruleset, classifier=classifier)
    t = time.process_time()
    for r in test:
        json.dumps(triage(r.get("title", ""), r.get("body", ""), ruleset, classifier=classifier).to_json())
    return (time.process_time() - t) / len(test) * 1e3


def main() -> int:
    """Print one line per k: mean CPU ms per unseen issue over the folds, and the issues/s it makes."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset")
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--k", default="0,25,50,99", help="how many other issues each process triages first")
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--point", nargs=2, type=int, metavar=("K", "FOLD"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.point:
        print(point(args.dataset, args.point[0], args.point[1], args.folds, args.rules_only))
        return 0
    print(f"mode: {'rules only' if args.rules_only else 'rules + classifier'}; {args.folds} folds, a fresh process each")
    for k in (int(x) for x in args.k.split(",")):
        ms = []
        for fold in range(args.folds):
            cmd = [sys.executable, __file__, args.dataset, "--folds", str(args.folds), "--point", str(k), str(fold)]
            out = subprocess.run(cmd + (["--rules-only"] if args.rules_only else []), capture_output=True, text=True,
                                 check=True).stdout
            ms.append(float(out))
        mean = sum(ms) / len(ms)
        print(f"after {k:4d} other issues: {mean:.3f} ms per unseen issue ({1e3 / mean:.0f} issues/s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
