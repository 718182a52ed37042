"""Print the knowledge base's size: fixes and gates per area, how many a tool proves, and the release table.

Usage: python tools/kb_stats.py [--fires ISSUES.jsonl] [--only IDS.txt]
- default: one line per rules/fixes/<area>.yml (fixes, gates, proved by tools/verify_facts.py, cited only), totals,
  then one line per package of rules/releases.yml (releases, oldest, newest).
- --fires: triage each issue (rules only) and print the id of each issue with the fixes it gets, for grading by hand;
  --only limits the fixes shown to the ids listed in a file (one per line).
Offline: reads the shipped rules only.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.ruleset import RuleSet  # noqa: E402


def sizes(rules: RuleSet) -> None:
    """Per-area counts and the release table."""
    rows: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for f in rules.fixes:
        row = rows[f.file.removesuffix(".yml")]
        row["gates" if f.rule.gate else "fixes"] += 1
        row["proved" if f.rule.proved_by else "cited"] += 1
    print(f"{'area':14} {'fixes':>5} {'gates':>5} {'proved':>6} {'cited':>5}")
    total: collections.Counter = collections.Counter()
    for area in sorted(rows):
        r = rows[area]
        total.update(r)
        print(f"{area:14} {r['fixes']:5} {r['gates']:5} {r['proved']:6} {r['cited']:5}")
    print(f"{'total':14} {total['fixes']:5} {total['gates']:5} {total['proved']:6} {total['cited']:5}")
    if rules.releases is not None:
        print(f"\nrules/releases.yml: {len(rules.releases.releases)} packages, "
              f"{sum(len(v) for v in rules.releases.releases.values())} releases")
        for name, versions in rules.releases.releases.items():
            env = rules.releases.env_keys.get(name, "")
            print(f"  {name:30} {len(versions):4}  {versions[0]:>12} .. {versions[-1]:<12} {env}")


def fires(rules: RuleSet, path: Path, only: set[str] | None) -> None:
    """The fixes each issue gets."""
    from bot.core.triage import triage

    hit = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        issue = json.loads(line)
        decision = triage(issue.get("title", ""), issue.get("body", ""), rules)
        ids = [f.id for f in decision.fixes if only is None or f.id in only]
        if ids:
            hit += 1
            print(f"{issue.get('id', '?')}\t{' '.join(ids)}\t{issue.get('title', '')[:80]}")
    print(f"issues with a fix shown: {hit}")


def main(argv: list[str] | None = None) -> int:
    """Print the sizes, or the fixes per issue."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fires", type=Path)
    p.add_argument("--only", type=Path)
    args = p.parse_args(argv)
    rules = RuleSet.load()
    if args.fires:
        only = set(args.only.read_text(encoding="utf-8").split()) if args.only else None
        fires(rules, args.fires, only)
    else:
        sizes(rules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
