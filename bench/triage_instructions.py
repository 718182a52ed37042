"""Instructions per triaged issue (first pass and warm), counted by valgrind: a figure other processes cannot move.

Usage: python bench/triage_instructions.py DATASET.jsonl [CHECKOUT ...] [--seed 0]
For each checkout (default: this one), three child processes run under `valgrind --tool=cachegrind` with the same
PYTHONHASHSEED: start-up only, start-up and one pass over the dataset, start-up and two passes. Their differences
are the instructions of a first pass (issues the process has never seen) and of a warm pass, per issue. On a shared
machine CPU-time figures move by 10 % or more with the load; instruction counts do not, so a change of 1-2 % can
be judged. String hashing is randomised per process, and it alone moves the count by a few percent: compare
checkouts under the same --seed, and try a second seed before trusting a small difference. Cache misses (what
RE2's DFA states cost on new text) are not counted: confirm with triage_throughput.py. Slow: about a minute a run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from bot.cli.triage import load_classifier, load_decider
from bot.core.ruleset import RuleSet
from bot.core.triage import triage
rows = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
rs = RuleSet.load(); clf = load_classifier(False); dec = load_decider(rs)
for _ in range(int(sys.argv[3])):
    for r in rows:
        json.dumps(triage(r.get("title") or "", r.get("body") or "", rs, classifier=clf, decider=dec,
                          repo=r.get("repo")).to_json(), ensure_ascii=False)
"""


def instructions(checkout: Path, dataset: Path, passes: int, seed: int) -> int:
    """Instructions executed by a child that loads `checkout` and triages the dataset `passes` times."""
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
           sys.executable, "-c", CHILD, str(checkout), str(dataset), str(passes)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"PYTHONHASHSEED": str(seed)},
                         check=True).stderr
    return int(re.search(r"I\s+refs:\s+([\d,]+)", out)[1].replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    """Print start-up, first-pass and warm instructions per issue for each checkout."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dataset", type=Path)
    p.add_argument("checkouts", type=Path, nargs="*")
    p.add_argument("--seed", type=int, default=0, help="PYTHONHASHSEED of every child")
    args = p.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed", file=sys.stderr)
        return 2
    n = sum(1 for line in args.dataset.read_text(encoding="utf-8").splitlines() if line.strip())
    for checkout in args.checkouts or [Path(__file__).resolve().parents[1]]:
        start, one, two = (instructions(checkout.resolve(), args.dataset.resolve(), k, args.seed) for k in range(3))
        print(f"{checkout}: start-up {start / 1e9:.3f} G instructions; per issue ({n} issues, seed {args.seed}): "
              f"first pass {(one - start) / n / 1e6:.3f} M, warm {(two - one) / n / 1e6:.3f} M")
    return 0


if __name__ == "__main__":
    sys.exit(main())
