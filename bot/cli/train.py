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
    p.add_argument("--records", metavar="RECORDS.jsonl", default=None,
                   help="labelled failures (no texts) for the priors: also fit the decision model (decide.json)")
    p.add_argument("--written", action="extend", nargs="+", default=[], metavar="FILE.jsonl",
                   help="labelled issues we wrote (eval/fresh odd batches): the text classifier's cause head of "
                        "written issues, one column of the cause model")
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
        written = read_labelled(args.written)[0] if args.written else []
    except (OSError, ValueError) as exc:
        print(f"firstmile train: {exc}", file=sys.stderr)
        return 2
    if not rows:
        print("firstmile train: no labelled rows", file=sys.stderr)
        return 2
    command = "firstmile train " + " ".join(f"--data {shlex.quote(Path(p).name)}" for p in args.data)
    if written:
        command += " --written " + " ".join(shlex.quote(Path(p).name) for p in args.written)
    model = train(rows, data_sha256=sha, created_by=command, written=written)
    out = args.out or default_dir()
    try:
        model.save(out)
    except OSError as exc:
        print(f"firstmile train: cannot write the model to {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"trained on {model.meta['rows']} issues ({model.meta['examples']} label records); wrote {out}")
    if args.records:
        return _train_decider(args, rows, out, command, written)
    return 0


def _train_decider(args, rows: list[dict], out: Path, command: str, written: list[dict]) -> int:
    """Fit the decision model (weights, thresholds from inner folds, priors) and write out/decide.json."""
    import json

    from bot.cli.triage import load_ruleset
    from bot.ml.decide_fit import train_decider

    try:
        records = [json.loads(x) for x in Path(args.records).read_text(encoding="utf-8").splitlines() if x.strip()]
    except (OSError, ValueError) as exc:
        print(f"firstmile train: {args.records}: {exc}", file=sys.stderr)
        return 2
    ruleset = load_ruleset(None)
    if ruleset is None:
        return 1
    doc = train_decider(rows, records, ruleset, out / "decide.json",
                        {"created_by": f"{command} --records {shlex.quote(Path(args.records).name)}"}, written)
    print(f"decision model: {len(records)} records, thresholds {doc['thresholds']['text']}; wrote {out / 'decide.json'}")
    return 0
