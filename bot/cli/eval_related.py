"""`firstmile eval-related PAIRS.jsonl`: recall@1/3/5/10 of the originals and precision/recall of duplicate_of."""

from __future__ import annotations

import json
import sys

from bot.cli.related import Relater, add_options, read_jsonl
from bot.cli._inputs import InputError, fail

KS = (1, 3, 5, 10)


def register(subparsers) -> None:
    """Add the `eval-related` subcommand."""
    p = subparsers.add_parser("eval-related", help="score related-issue ranking on duplicate pairs")
    p.add_argument("pairs", metavar="PAIRS.jsonl",
                   help='lines {"kind": "pair", "dup", "orig"}, {"kind": "pool", ...issue} or '
                        '{"kind": "solo", ...issue} (a query with no original: duplicate_of must stay null)')
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--misses", action="store_true", help="also list the pairs whose original is not first")
    p.add_argument("--strict", action="store_true",
                   help="count only the original as right (ignore a pair's 'also': pool ids adjudicated as the same "
                        "failure)")
    add_options(p)
    p.set_defaults(func=run)


def score(pairs: list[tuple[dict, int, set[int]]], solos: list[dict], relater: Relater) -> tuple[dict, list[dict]]:
    """The scores and the misses; a pair is found at rank k when its original or an accepted equal is there."""
    hits = {k: 0 for k in KS}
    said = right = 0
    misses = []
    for dup, orig, ok in pairs:
        res = relater.query(dup)
        got = [r["number"] for r in res["related"]]
        first = next((i for i, n in enumerate(got) if n in ok), None)
        for k in KS:
            hits[k] += first is not None and first < k
        if res["duplicate_of"] is not None:
            said += 1
            right += res["duplicate_of"] in ok
        if first != 0:
            misses.append({"title": dup.get("title"), "orig": orig, "rank": None if first is None else first + 1,
                           "top": res["related"][:2]})
    for solo in solos:
        said += relater.query(solo)["duplicate_of"] is not None
    n = max(1, len(pairs))
    report = {f"recall@{k}": round(hits[k] / n, 3) for k in KS}
    report |= {"duplicate_of_precision": round(right / said, 3) if said else None,
               "duplicate_of_recall": round(right / n, 3), "pairs": len(pairs), "solo": len(solos),
               "duplicate_of_said": said}
    return report, misses


def run(args) -> int:
    """Index every orig and the pool, query every dup (and solo), print the scores."""
    try:
        lines = read_jsonl(args.pairs, "obj")
        relater = Relater(args)
    except (InputError, ImportError) as exc:
        return fail("eval-related", exc)
    pairs, solos, number, ids = [], [], 0, {}
    for n, obj in enumerate(lines, 1):
        kind = obj.get("kind")
        if kind == "pair" and isinstance(obj.get("dup"), dict) and isinstance(obj.get("orig"), dict):
            number += 1
            orig = dict(obj["orig"], number=obj["orig"].get("number", number))
            relater.add(orig)
            also = [] if args.strict else list(obj.get("also") or [])
            pairs.append((dict(obj["dup"], number=obj["dup"].get("number", -n)), orig["number"], also))
        elif kind == "pool":
            number += 1
            relater.add(dict(obj, number=obj.get("number", number)))
            if obj.get("id") is not None:
                ids[str(obj["id"])] = obj.get("number", number)
        elif kind == "solo":
            solos.append(dict(obj, number=obj.get("number", -n)))
        else:
            print(f"firstmile eval-related: {args.pairs}: line {n}: expected kind pair (with dup and orig), pool "
                  "or solo", file=sys.stderr)
            return 2
    pairs = [(dup, orig, {orig, *(ids[str(a)] for a in also if str(a) in ids)}) for dup, orig, also in pairs]
    report, misses = score(pairs, solos, relater)
    if args.json:
        print(json.dumps(report | ({"misses": misses} if args.misses else {}), ensure_ascii=False))
        return 0
    for k in KS:
        print(f"recall@{k:<3} {report[f'recall@{k}']:.3f}")
    p = report["duplicate_of_precision"]
    print(f"duplicate_of precision {'n/a' if p is None else f'{p:.3f}'} ({report['duplicate_of_said']} said), "
          f"recall {report['duplicate_of_recall']:.3f}")
    print(f"pairs {report['pairs']}, solo queries {report['solo']}")
    if args.misses:
        for m in misses:
            print(json.dumps(m, ensure_ascii=False))
    return 0
