"""Held-out figures for the decision model: k-fold (`--cv K`) or leave one repository family out (`--by-repo`).

Each split fits everything on its training rows only: the text classifier, the weights and thresholds (on inner
out-of-fold inputs), and the priors from records.jsonl less the held-out issues' own records.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence

from bot.core.decide import Decider
from bot.core.decide.priors import FAMILIES, family_of
from bot.ml.decide_train import fit_decider
from bot.ml.train import fit, row_facts, written_pair

SEED = 0


def kfold(rows: list[dict], k: int, seed: int = SEED) -> list[tuple[str, list[int], list[int]]]:
    """k shuffled folds: (name, train indices, test indices)."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    out = []
    for j in range(k):
        test = sorted(order[j::k])
        held = set(test)
        out.append((f"fold {j + 1}", [i for i in range(len(rows)) if i not in held], test))
    return out


def by_family(rows: list[dict]) -> list[tuple[str, list[int], list[int]]]:
    """One split per repository family: test on it, train on the others."""
    out = []
    for fam in FAMILIES:
        test = [i for i, r in enumerate(rows) if family_of(r.get("repo")) == fam]
        if test:
            out.append((fam, [i for i in range(len(rows)) if i not in set(test)], test))
    return out


def held_out(rows: list[dict], splits, ruleset, records: Sequence[dict], extra: Sequence[dict] = (),
             modes: Sequence[str] = ("text", "rules"), log=None, written: Sequence[dict] = ()) -> dict[str, list[dict]]:
    """Per mode, every row's result (Decision.to_json()) from the split that held it out. `extra` rows (e.g. fresh
    issues) are added to every split's training data; `written` rows train the classifier's cause head of issues
    we wrote (model.WRITTEN) in every split."""
    from bot.core.triage import triage

    facts = row_facts(rows)
    pair = written_pair(list(written))
    extra_facts = row_facts(list(extra))
    out = {m: [None] * len(rows) for m in modes}
    for name, train_idx, test_idx in splits:
        tr_rows = [rows[i] for i in train_idx] + list(extra)
        tr_facts = [facts[i] for i in train_idx] + extra_facts
        exclude = {rows[i].get("id") for i in test_idx}
        doc = fit_decider(ruleset.taxonomy, ruleset, tr_rows, tr_facts, records, exclude_dev=exclude, modes=modes,
                          written=pair)
        decider = Decider(ruleset.taxonomy, doc)
        clf = fit(tr_facts, [r["labels"] for r in tr_rows], meta={"created_by": f"decide cv {name}"}, written=pair) \
            if "text" in modes else None
        if log:
            log(f"{name}: trained on {len(tr_rows)}, testing {len(test_idx)}; thresholds {doc['thresholds']}")
        for i in test_idx:
            r = rows[i]
            for m in modes:
                d = triage(r.get("title") or "", r.get("body") or "", ruleset, decider=decider,
                           classifier=clf if m == "text" else None, repo=r.get("repo"))
                out[m][i] = d.to_json()
    return out


def format_floors(floor: dict[str, float], n: int) -> str:
    """One line: per level, the ECE a calibrated model would show on these n issues with the same bins."""
    return (f"ECE of a calibrated model on these {n} issues (same bins; a measured ECE near it is sampling noise): "
            + ", ".join(f"{name} {v:.3f}" for name, v in floor.items()))


def run(rows: list[dict], ruleset, records: Sequence[dict], *, k: int | None = None, by_repo: bool = False,
        extra: Sequence[dict] = (), as_json: bool = False, seed: int = SEED, written: Sequence[dict] = ()) -> int:
    """Print held-out figures per mode: likely accuracy and ECE, applied accuracy, precision and coverage."""
    import sys

    from bot.evaluation import format_decision_table, format_reliability, score, score_likely
    from bot.ml.ece_floor import floors

    rows = [r for r in rows if r.get("labels")]
    splits = by_family(rows) if by_repo else kfold(rows, k or 5, seed)
    log = (lambda m: print(m, file=sys.stderr)) if not as_json else None
    results = held_out(rows, splits, ruleset, records, extra, log=log, written=written)
    reports = {m: {"applied": score(rows, res), "likely": score_likely(rows, res)} for m, res in results.items()}
    what = "leave one repository family out" if by_repo else f"{k}-fold cross-validation (seed {seed})"
    if as_json:
        print(json.dumps({"split": what, "rows": len(rows), "extra": len(extra), "written": len(written),
                          "reports": {m: {"applied": r["applied"]["levels"], "likely": r["likely"],
                                          "ece_floor": floors(r["likely"])} for m, r in reports.items()}},
                         sort_keys=True))
        return 0
    print(f"{what} over {len(rows)} issues (+{len(extra)} extra training rows, {len(written)} written rows for the "
          "cause head); nothing fitted saw the held-out rows\n")
    for m, r in reports.items():
        print(f"== decision model, {'rules + classifier' if m == 'text' else 'rules only'} ==")
        print(format_decision_table(r["applied"], r["likely"]))
        print(format_floors(floors(r["likely"]), len(rows)))
        print(format_reliability(r["likely"]))
        print()
    return 0
