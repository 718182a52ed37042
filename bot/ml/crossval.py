"""`firstmile eval --cv K`: stratified k-fold comparison of rules alone against rules plus classifier."""

from __future__ import annotations

import json
import warnings

from sklearn.model_selection import StratifiedKFold

from bot.ml.model import Classifier
from bot.ml.train import fit, level_targets, row_facts, rows_sha256

SEED = 0


def folds(rows: list[dict], k: int, seed: int = SEED) -> list[tuple[list[int], list[int]]]:
    """Train/test index lists, stratified by the first record's symptom L1; every row is held out exactly once."""
    strata = [level_targets(r["labels"][0])["symptom_l1"] for r in rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rare classes have fewer members than folds: fine, they just spread
        split = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(rows, strata)
        return [(list(tr), list(te)) for tr, te in split]


def fold_models(rows: list[dict], k: int, seed: int = SEED, **fit_kw) -> list[tuple[Classifier, list[int]]]:
    """One classifier per fold, trained on the other folds only, with the indices it must be scored on."""
    facts = row_facts(rows)
    out = []
    for tr, te in folds(rows, k, seed):
        train_rows = [rows[i] for i in tr]
        meta = {"data_sha256": rows_sha256(train_rows), "rows": len(tr), "created_by": f"crossval k={k}"}
        model = fit([facts[i] for i in tr], [rows[i]["labels"] for i in tr], meta=meta, **fit_kw)
        out.append((model, te))
    return out


def model_only(result: dict, model_out: dict[str, tuple[list[str], float]]) -> dict:
    """A rules result with the three dimensions replaced by the classifier's own answer (for the table)."""
    return result | {k: (" - ".join(model_out[k][0]) if model_out.get(k) and model_out[k][0] else None)
                     for k in ("symptom", "root_cause", "stage")}


def cv_results(rows: list[dict], k: int, ruleset, seed: int = SEED) -> dict[str, list[dict]]:
    """Held-out results (Decision.to_json() dicts, in row order) for rules, rules+classifier and classifier alone."""
    from bot.core.triage import triage

    rules = [triage(r.get("title") or "", r.get("body") or "", ruleset).to_json() for r in rows]
    both: list[dict | None] = [None] * len(rows)
    alone: list[dict | None] = [None] * len(rows)
    for model, held_out in fold_models(rows, k, seed):
        for i in held_out:
            r = rows[i]
            decision = triage(r.get("title") or "", r.get("body") or "", ruleset, classifier=model)
            both[i] = decision.to_json()
            alone[i] = model_only(rules[i], model.predict(decision.facts))
    return {"rules": rules, "rules+classifier": both, "classifier": alone}


def run_cv(rows: list[dict], k: int, ruleset, as_json: bool, seed: int = SEED) -> int:
    """Print per-level accuracy/precision/coverage of rules alone vs rules + classifier over k held-out folds."""
    from bot.evaluation import format_table, score

    rows = [r for r in rows if r.get("labels")]
    if k < 2 or k > len(rows):
        raise ValueError(f"--cv needs 2 <= K <= {len(rows)} labelled rows, got {k}")
    results = cv_results(rows, k, ruleset, seed)
    reports = {name: score(rows, res) for name, res in results.items()}
    if as_json:
        print(json.dumps({"cv": k, "seed": seed, "rows": len(rows), "reports": reports}, sort_keys=True))
        return 0
    print(f"{k}-fold cross-validation over {len(rows)} issues (seed {seed}); each fold's classifier never saw it\n")
    for name, report in reports.items():
        print(f"== {name} ==")
        print(format_table(report))
        print()
    print(compare_table(reports))
    return 0


def compare_table(reports: dict[str, dict]) -> str:
    """Accuracy / precision / coverage per level, one column group per system."""
    names = list(reports)
    lines = [f"{'level':<16}" + "".join(f"{n:>26}" for n in names),
             f"{'':<16}" + "".join(f"{'acc':>10}{'prec':>8}{'cov':>8}" for _ in names)]
    for level in reports[names[0]]["levels"]:
        cells = [reports[n]["levels"][level] for n in names]
        lines.append(f"{level:<16}" + "".join(
            f"{c['accuracy']:>10.3f}{c['precision']:>8.3f}{c['coverage']:>8.3f}" for c in cells))
    return "\n".join(lines)
