"""Check rules/tables.yml's transformers minimums against the released wheels on PyPI (needs network and pip).

Usage: python tools/verify_tables.py [--cache DIR]
For each model family whose id names a `transformers/models/<id>/` package, it downloads (once, into --cache) the
release the table names and the newest release before it, and checks that the first has the package and the
second does not. Families without their own package (variants, distills) are listed as not checked. Exit 1 if a
minimum is wrong. A maintainer tool: nothing in the bot or the tests runs it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import yaml
from packaging.version import Version

TABLES = Path(__file__).resolve().parent.parent / "rules" / "tables.yml"


def releases() -> list[Version]:
    """Every final transformers release on PyPI, oldest first."""
    with urllib.request.urlopen("https://pypi.org/pypi/transformers/json", timeout=30) as resp:
        data = json.load(resp)
    return sorted(v for v in map(Version, data["releases"]) if not v.is_prerelease)


def model_dirs(version: Version, cache: Path) -> set[str]:
    """The `transformers/models/*` package names in that release's wheel."""
    wheel = cache / f"transformers-{version}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"transformers=={version}",
                        "-d", str(cache)], check=True)
    names = zipfile.ZipFile(wheel).namelist()
    return {n.split("/")[2] for n in names if n.startswith("transformers/models/") and n.count("/") >= 3}


def main(argv: list[str] | None = None) -> int:
    """Print one line per family; exit 1 if any stated minimum is wrong."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cache", type=Path, default=Path("/tmp/transformers-wheels"))
    args = p.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    families = [f for f in yaml.safe_load(TABLES.read_text(encoding="utf-8"))["model_families"] if f.get("transformers")]
    known, wrong = releases(), 0
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
