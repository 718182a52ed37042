"""Write eval/related/<batch>.jsonl from <batch>.py (our own texts) plus a distractor pool of realistic issues."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def load(name: str):
    """The batch module eval/related/<name>.py."""
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(name: str) -> None:
    """Pairs (dup, orig), own hard negatives and the shared pool as pool lines, solo queries."""
    mod = load(name)
    also = getattr(mod, "ALSO", {})
    lines = [{"kind": "pair", "dup": {"title": d["title"], "body": d["body"]},
              "orig": {"title": o["title"], "body": o["body"], "state": "closed" if i % 3 == 0 else "open"}}
             | ({"also": also[i]} if i in also else {})
             for i, (d, o) in enumerate(mod.PAIRS)]
    lines += [{"kind": "pool", "id": f"{name}-pool-{i}", "title": p["title"], "body": p["body"], "state": "open"}
              for i, p in enumerate(mod.POOL)]
    pool = HERE / "pool-fresh.jsonl"
    if pool.exists():
        lines += [dict(json.loads(x), kind="pool") for x in pool.read_text(encoding="utf-8").splitlines() if x]
    lines += [{"kind": "solo", "title": s["title"], "body": s["body"]} for s in getattr(mod, "SOLO", [])]
    out = HERE / f"{name}.jsonl"
    out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    print(f"{out}: {len(mod.PAIRS)} pairs, {len(mod.POOL)} own pool, {len(getattr(mod, 'SOLO', []))} solo")


if __name__ == "__main__":
    main(sys.argv[1])
