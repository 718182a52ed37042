"""`firstmile train`: fit the optional classifier on labelled JSON Lines and write its model files."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path


def register(subparsers) -> None:
    """Add the `train` subcommand."""
    p = subparsers.add_parser("train", help="train the optional classifier (needs the ml extra)")
    p.add_argument("--data", action="append", required=True, metavar="FILE.jsonl",
                   help="labelled issues (title, body, labels); repeat to add e.g. maintainer overrides")
    p.add_argument("--out", type=Path, default=None, help="model directory (default: the shipped bot/ml/default)")
    p.set_defaults(func=run)


def run(args) -> int:
    """Train and save; exit 2 on bad input or a missing ml extra, 1 when the model cannot be written."""
    try:
        from bot.ml import default_dir
        from bot.ml.train import train
    except ImportError as exc:
        print(f"firstmile train: needs the ml extra (pip install 'firstmile[ml]'): {exc}", file=sys.stderr)
        return 2
    from bot.evaluation import read_labelled

    try:
        rows, sha = read_labelled(args.data)
    except (OSError, ValueError) as exc:
        print(f"firstmile train: {exc}", file=sys.stderr)
        return 2
    if not rows:
        print("firstmile train: no labelled rows", file=sys.stderr)
        return 2
    command = "firstmile train " + " ".join(f"--data {shlex.quote(Path(p).name)}" for p in args.data)
    model = train(rows, data_sha256=sha, created_by=command)
    out = args.out or default_dir()
    try:
        model.save(out)
    except OSError as exc:
        print(f"firstmile train: cannot write the model to {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"trained on {model.meta['rows']} issues ({model.meta['examples']} label records); wrote {out}")
    return 0
