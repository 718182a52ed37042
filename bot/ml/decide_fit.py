"""`firstmile train --records`: fit and save the shipped decision model (bot/ml/default/decide.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bot.ml.decide_train import fit_decider
from bot.ml.train import latest_rows, row_facts, written_pair


def train_decider(rows: list[dict], records: Sequence[dict], ruleset, out: Path, meta: dict,
                  written: Sequence[dict] = ()) -> dict:
    """Fit the decision model on labelled rows and records (and the written issues of the classifier's cause head)
    and write it as JSON; returns the document."""
    rows = [r for r in latest_rows(rows) if r.get("labels")]
    doc = fit_decider(ruleset.taxonomy, ruleset, rows, row_facts(rows), records, written=written_pair(list(written)),
                      meta=meta | {"rows": len(rows), "records": len(records)})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    return doc
