"""Check version facts in rules/ against what PyPI actually published (needs network and pip).

Usage: python tools/verify_facts.py [--cache DIR]
- tables.yml, model families: for each family whose id names a `transformers/models/<id>/` package, it downloads
  (once, into --cache) the release the table names and the newest release before it, and checks that the first has
  the package and the second does not. Families without their own package (variants, distills) are not checked.
- checks.yml, checks on Python and torch only: no torch release the check covers has a wheel for a Python version
  the check covers (wheel tags from PyPI's JSON API).
Exit 1 if a fact is wrong. A maintainer tool: nothing in the bot or the tests runs it.
"""

from __future__ import annotations

import argparse
import json
import operator
import re
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import yaml
from packaging.version import Version

RULES = Path(__file__).resolve().parent.parent / "rules"
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}


def pypi(project: str) -> dict[Version, list[str]]:
    """Every final release of a project on PyPI with its file names."""
    with urllib.request.urlopen(f"https://pypi.org/pypi/{project}/json", timeout=30) as resp:
        data = json.load(resp)
    out = {Version(v): [f["filename"] for f in files] for v, files in data["releases"].items()}
    return {v: files for v, files in sorted(out.items()) if not v.is_prerelease}


def model_dirs(version: Version, cache: Path) -> set[str]:
    """The `transformers/models/*` package names in that release's wheel."""
    wheel = cache / f"transformers-{version}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"transformers=={version}",
                        "-d", str(cache)], check=True)
    names = zipfile.ZipFile(wheel).namelist()
    return {n.split("/")[2] for n in names if n.startswith("transformers/models/") and n.count("/") >= 3}


def _covers(conds: list[dict], key: str, version: Version) -> bool:
    """Whether a check's conditions on `key` all hold for `version`."""
    return all(OPS[c["op"]](version, Version(c["value"])) for c in conds if c["key"] == key)


def python_torch_checks() -> int:
    """Print one line per Python/torch check of checks.yml; how many are wrong."""
    torch = {v: {int(m) for f in files for m in re.findall(r"-cp3(\d+)-", f)} for v, files in pypi("torch").items()}
    wrong = 0
    for check in yaml.safe_load((RULES / "checks.yml").read_text(encoding="utf-8"))["rules"]:
        env = check["when"].get("env") or {}
        conds = [{"key": k, "op": m[1], "value": m[2]} for k, t in env.items() if isinstance(t, str)
                 for m in [re.match(r"\s*(<=|>=|==|!=|<|>)\s*([\d.]+)\s*$", part) for part in t.split(",")] if m]
        if set(env) != {"python", "torch"} or len(conds) != sum(len(t.split(",")) for t in env.values()):
            continue
        bad = [f"torch {v} has cp3{m}" for v, minors in torch.items() if minors and _covers(conds, "torch", v)
               for m in sorted(minors) if _covers(conds, "python", Version(f"3.{m}"))]
        wrong += bool(bad)
        print(f"{check['id']:34} {'WRONG: ' + ', '.join(bad[:3]) if bad else 'ok'}")
    return wrong


def main(argv: list[str] | None = None) -> int:
    """Print one line per fact checked; exit 1 if any is wrong."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cache", type=Path, default=Path("/tmp/transformers-wheels"))
    args = p.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    tables = yaml.safe_load((RULES / "tables.yml").read_text(encoding="utf-8"))
    families = [f for f in tables["model_families"] if f.get("transformers")]
    known, wrong = list(pypi("transformers")), python_torch_checks()
    latest = model_dirs(known[-1], args.cache)
    for fam in families:
        if fam["id"] not in latest:
            print(f"{fam['id']:28} {fam['transformers']:8} not checked (no transformers/models/{fam['id']}/)")
            continue
        first = Version(fam["transformers"])
        before = max(v for v in known if v < first)
        ok = fam["id"] in model_dirs(first, args.cache) and fam["id"] not in model_dirs(before, args.cache)
        wrong += not ok
        print(f"{fam['id']:28} {fam['transformers']:8} {'ok' if ok else 'WRONG'} (absent from {before})")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
