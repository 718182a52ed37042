"""Cost per issue of the decision parts after classification: known fixes, compatibility checks, missing info, comment.

Usage: python bench/decision_parts_speed.py DATASET.jsonl [--rounds 5]
Facts and predictions are computed first (not timed); each part then runs over every issue `--rounds` times and
the script prints microseconds per issue (process CPU time, best round) and the issues/s that part alone allows.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def _best(fn, items, rounds: int) -> float:
    """The best per-item CPU time in microseconds over the rounds."""
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        for item in items:
            fn(item)
        best = min(best, (time.process_time() - t) / len(items) * 1e6)
    return best


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per part."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dataset", type=Path)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args(argv)

    from bot.core.extract import extract
    from bot.core.missing import missing_info
    from bot.core.render import render_comment
    from bot.core.rules.fixes import check_compat
    from bot.core.rules.scan import Scan
    from bot.core.ruleset import RuleSet
    from bot.core.triage import classify
    from bot.core.types import Decision

    rs = RuleSet.load()

    def scan(facts, preds):
        """A fresh per-issue scan, as triage() makes one (the parts are timed with their own memo work)."""
        sc = Scan(facts, rs)
        sc.chosen = {d: p.name for d, p in preds.items() if p is not None}
        return sc

    def match_fixes(facts, preds):
        return rs.fix_index.match(scan(facts, preds))

    rows = [json.loads(line) for line in args.dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = []
    for row in rows:
        facts = extract(row.get("title", ""), row.get("body", ""))
        preds = {dim: pred for dim, (pred, _) in classify(facts, rs).items()}
        cases.append((facts, preds))
    decisions = [
        Decision(symptom=pr["symptom"], root_cause=pr["root_cause"], stage=pr["stage"], facts=f,
                 missing=missing_info(f, pr["symptom"], pr["stage"], rs.requirements),
                 fixes=match_fixes(f, pr), warnings=check_compat(scan(f, pr), rs.checks))
        for f, pr in cases
    ]
    parts = {
        "fixes": (lambda c: match_fixes(c[0], c[1]), cases),
        "compat": (lambda c: check_compat(scan(c[0], c[1]), rs.checks), cases),
        "missing": (lambda c: missing_info(c[0], c[1]["symptom"], c[1]["stage"], rs.requirements), cases),
        "render": (lambda d: render_comment(d, rs.requirements, language=d.facts.language), decisions),
    }
    total = 0.0
    print(f"{len(rows)} issues, best of {args.rounds} rounds (CPU time)")
    for name, (fn, items) in parts.items():
        us = _best(fn, items, args.rounds)
        total += us
        print(f"{name:8s} {us:8.1f} us/issue  {1e6 / us:10.0f} issues/s")
    print(f"{'total':8s} {total:8.1f} us/issue  {1e6 / total:10.0f} issues/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
