"""Scoring triage results against labelled issues: per-level accuracy, precision, coverage, env and confusions.

A gold row has `labels`: a list of {symptom, root_cause, stage} records, each a path joined by " - ". A prediction
at level k is right when its first k levels equal the first k levels of any record. An abstention (null, or a
path shorter than k) counts as wrong for accuracy and is left out of precision; coverage is the share answered.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from bot.envmatch import score_env

LEVELS = (("symptom", 1), ("symptom", 2), ("symptom", 3), ("root_cause", 1), ("root_cause", 2), ("stage", 1))
SEP = " - "


def read_labelled(paths: list[str]) -> tuple[list[dict], str]:
    """All rows of labelled JSON Lines files and the sha256 of their bytes; ValueError names the bad line."""
    rows, digest = [], hashlib.sha256()
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ValueError(f"{path}: cannot read: {exc.strerror}") from None
        digest.update(data)
        for n, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: line {n}: not JSON: {exc.msg}") from None
            if not isinstance(row, dict) or not isinstance(row.get("labels"), list):
                raise ValueError(f"{path}: line {n}: expected an object with a 'labels' list")
            rows.append(row)
    return rows, digest.hexdigest()
ABSTAIN = "(none)"


def _path(value: str | None) -> list[str]:
    """A " - " joined path as a list; empty for null."""
    return [p.strip() for p in value.split(SEP)] if value else []


def level_name(dim: str, k: int) -> str:
    """The row name of one level, e.g. "symptom L2", "stage"."""
    return "stage" if dim == "stage" else f"{dim.replace('_', ' ')} L{k}"


def score(gold_rows: list[dict], results: list[dict]) -> dict:
    """Score `results` (Decision.to_json() dicts) against `gold_rows`, in the same order."""
    if len(gold_rows) != len(results):
        raise ValueError(f"{len(gold_rows)} gold rows but {len(results)} results")
    levels = {}
    for dim, k in LEVELS:
        answered = right = 0
        for gold, res in zip(gold_rows, results):
            pred = _path(res.get(dim))
            if len(pred) < k:
                continue
            answered += 1
            right += any(_path(g.get(dim))[:k] == pred[:k] for g in gold.get("labels", []))
        n = len(gold_rows)
        levels[level_name(dim, k)] = {
            "n": n, "answered": answered, "correct": right,
            "accuracy": right / n if n else 0.0,
            "precision": right / answered if answered else 0.0,
            "coverage": answered / n if n else 0.0,
        }
    return {
        "n": len(gold_rows),
        "levels": levels,
        "env": score_env((res.get("env") or {}, gold.get("env") or {}) for gold, res in zip(gold_rows, results)),
        "confusion": {dim: _confusion(gold_rows, results, dim) for dim in ("symptom", "root_cause")},
    }


def _confusion(gold_rows: list[dict], results: list[dict], dim: str) -> dict[str, dict[str, int]]:
    """Level-1 confusion counts: gold top level -> predicted top level (or "(none)")."""
    counts: Counter = Counter()
    for gold, res in zip(gold_rows, results):
        pred = (_path(res.get(dim)) or [ABSTAIN])[0]
        tops = [(_path(g.get(dim)) or [ABSTAIN])[0] for g in gold.get("labels", [])] or [ABSTAIN]
        truth = pred if pred in tops else tops[0]
        counts[(truth, pred)] += 1
    out: dict[str, dict[str, int]] = {}
    for (truth, pred), c in sorted(counts.items()):
        out.setdefault(truth, {})[pred] = c
    return out


def _short(name: str, width: int = 14) -> str:
    """An abbreviation of a top-level node name for matrix headers."""
    return name if len(name) <= width else name[: width - 1] + "."


def format_table(report: dict) -> str:
    """The report as plain text: the level table, env field scores and the two confusion matrices."""
    lines = [f"issues: {report['n']}", "", f"{'level':<16}{'accuracy':>10}{'precision':>11}{'coverage':>10}"]
    for name, s in report["levels"].items():
        lines.append(f"{name:<16}{s['accuracy']:>10.3f}{s['precision']:>11.3f}{s['coverage']:>10.3f}")
    env = report.get("env") or {}
    if env:
        lines += ["", f"{'env field':<16}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>9}"]
        for key in sorted(env, key=lambda k: (k == "all", k)):
            e = env[key]
            lines.append(f"{key:<16}{e['tp']:>5}{e['fp']:>5}{e['fn']:>5}{e['precision']:>11.3f}{e['recall']:>9.3f}")
    for dim, matrix in report.get("confusion", {}).items():
        cols = sorted({p for row in matrix.values() for p in row} | set(matrix))
        lines += ["", f"confusion, {dim.replace('_', ' ')} L1 (rows: gold, columns: predicted)"]
        lines.append(" " * 16 + "".join(f"{_short(c):>15}" for c in cols))
        for truth in sorted(matrix):
            lines.append(f"{_short(truth, 15):<16}" + "".join(f"{matrix[truth].get(c, 0):>15}" for c in cols))
    return "\n".join(lines)


BINS = 10


def score_likely(gold_rows: list[dict], results: list[dict]) -> dict:
    """Per level: accuracy of `likely`, its expected calibration error (10 equal-width bins of p[k]) and the
    reliability table (per bin: count, mean p, share right). A level `likely` does not reach counts as wrong."""
    out = {}
    for dim, k in LEVELS:
        pairs = []
        for gold, res in zip(gold_rows, results):
            lk = (res.get("likely") or {}).get(dim) or {}
            path, probs = _path(lk.get("path")), lk.get("p") or []
            right = len(path) >= k and any(_path(g.get(dim))[:k] == path[:k] for g in gold.get("labels", []))
            pairs.append((float(probs[k - 1]) if len(probs) >= k else 0.0, right))
        bins = [[] for _ in range(BINS)]
        for p, ok in pairs:
            bins[min(int(p * BINS), BINS - 1)].append((p, ok))
        table = [{"bin": f"{b / BINS:.1f}-{(b + 1) / BINS:.1f}", "n": len(x),
                  "p": sum(p for p, _ in x) / len(x) if x else 0.0,
                  "right": sum(ok for _, ok in x) / len(x) if x else 0.0} for b, x in enumerate(bins)]
        n = len(pairs)
        ece = sum(t["n"] * abs(t["p"] - t["right"]) for t in table) / n if n else 0.0
        out[level_name(dim, k)] = {"n": n, "accuracy": sum(ok for _, ok in pairs) / n if n else 0.0, "ece": ece,
                                   "reliability": table}
    return out


def format_decision_table(applied: dict, likely: dict) -> str:
    """Per level: likely accuracy and ECE, applied accuracy, precision and coverage."""
    lines = [f"{'level':<16}{'likely acc':>11}{'ECE':>7}{'applied acc':>13}{'precision':>11}{'coverage':>10}"]
    for name, a in applied["levels"].items():
        lk = likely.get(name, {})
        lines.append(f"{name:<16}{lk.get('accuracy', 0):>11.3f}{lk.get('ece', 0):>7.3f}{a['accuracy']:>13.3f}"
                     f"{a['precision']:>11.3f}{a['coverage']:>10.3f}")
    return "\n".join(lines)


def format_reliability(likely: dict, levels: tuple[str, ...] = ("symptom L1", "root cause L1", "stage")) -> str:
    """Reliability tables: per probability bin, how many, the mean probability and the share right."""
    lines = []
    for name in levels:
        rel = likely.get(name)
        if not rel:
            continue
        lines += ["", f"reliability, {name} (likely): bin, n, mean p, share right"]
        lines += [f"  {t['bin']}  {t['n']:>4}  {t['p']:.2f}  {t['right']:.2f}" for t in rel["reliability"] if t["n"]]
    return "\n".join(lines)
