"""Comment mechanics on a dataset: visible length, labels, fixes and asks per comment, silence, asks for stated facts,
issue kind and env extraction.

    python bench/comment_mechanics.py DATASET.jsonl [DATASET.jsonl ...] [--no-model] [--show N]

Each line: {"title", "body"} plus, optionally, "env" (facts stated in the issue, read by hand) and "kind".
Targets (issue 18): median visible chars <= 600, p90 <= 900; <= 3 labels; <= 2 fixes and <= 3 asks per comment;
no comment without a fix, an ask, a finding or a related issue; 0 asks for a stated fact.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.envmatch import score_env  # noqa: E402
from bot.core.render import MAX_FIXES, visible_part  # noqa: E402
from bot.core.ruleset import RuleSet  # noqa: E402
from bot.core.triage import should_comment, triage  # noqa: E402


def _pct(values: list[int], q: float) -> float:
    """The q-quantile (nearest rank) of the values, 0 when empty."""
    if not values:
        return 0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def _stated_asks(missing: list[str], gold: dict, rules: RuleSet) -> list[str]:
    """The asked items whose fact the hand-read env says the issue states."""
    out = []
    for item in missing:
        it = rules.requirements.items.get(item)
        keys = {item, *(it.also if it else [])}
        if keys & {k for k, v in gold.items() if v not in (None, "")}:
            out.append(item)
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the mechanics table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="+")
    ap.add_argument("--no-model", action="store_true", help="rules only (no learned classifier)")
    ap.add_argument("--show", type=int, default=0, help="print the visible part of the first N comments")
    args = ap.parse_args(argv)
    rules = RuleSet.load()
    classifier = None
    if not args.no_model:
        try:
            from bot.ml import load_default
            classifier = load_default()
        except ImportError:
            pass
    rows = [json.loads(line) for p in args.datasets for line in Path(p).read_text().splitlines() if line.strip()]
    lengths, labels, kinds_ok, kinds_n = [], [], 0, 0
    over_fix = over_ask = over_label = useless = 0
    stated: list[tuple[str, list[str]]] = []
    pairs = []
    commented = shown = 0
    for row in rows:
        d = triage(row.get("title", ""), row.get("body", ""), rules, classifier=classifier)
        n_labels = len([c for c in d.labels if c.confident])
        labels.append(n_labels)
        over_label += n_labels > 3
        if "env" in row:
            pairs.append((d.facts.env_values(), row["env"]))
            bad = _stated_asks(d.missing, row["env"], rules)
            if bad:
                stated.append((row.get("id", row.get("title", "")[:40]), bad))
        if "kind" in row:
            kinds_n += 1
            kinds_ok += d.kind == row["kind"]
        if d.comment is None:
            continue
        commented += 1
        vis = visible_part(d.comment)
        lengths.append(len(vis))
        fixes_shown = sum(1 for f in d.fixes if f"[{f.title}](" in vis or (f.title_zh and f"[{f.title_zh}](" in vis))
        over_fix += fixes_shown > MAX_FIXES
        over_ask += len(d.missing) > 3
        useless += not should_comment(d)  # the core's own test of what makes a comment worth posting
        if shown < args.show:
            shown += 1
            print(f"--- {row.get('id', '')} {row.get('title', '')[:70]}\n{vis}\n")
    n = len(rows)
    print(f"issues: {n}   commented: {commented} ({commented / max(n, 1):.0%})   silent: {n - commented}")
    print(f"visible chars: median {statistics.median(lengths) if lengths else 0:.0f}   p90 {_pct(lengths, 0.9):.0f}"
          f"   max {max(lengths, default=0)}")
    print(f"labels per issue: mean {statistics.mean(labels) if labels else 0:.2f}   max {max(labels, default=0)}"
          f"   issues with > 3: {over_label}")
    print(f"comments with > 2 fixes shown: {over_fix}   with > 3 asks: {over_ask}   "
          f"with no fix, ask, finding or related issue: {useless}")
    print(f"asks for a stated fact: {sum(len(b) for _, b in stated)} in {len(stated)} issues"
          + (": " + "; ".join(f"{i} {b}" for i, b in stated[:8]) if stated else ""))
    if kinds_n:
        print(f"kind accuracy: {kinds_ok}/{kinds_n}")
    if pairs:
        s = score_env(pairs)["all"]
        print(f"env: precision {s['precision']:.3f}   recall {s['recall']:.3f}   (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
