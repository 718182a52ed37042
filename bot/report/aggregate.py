"""Pure: the report's tables from per-issue rows (stored decisions or labelled records)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from bot.core.gpus import model_token

SEP = " - "
TOP_FINGERPRINTS = 15
ISSUES_PER_FINGERPRINT = 12
TOP_VERSIONS = 10
TOP_CLUSTERS = 15
RELATED_MIN_SCORE = 0.5
VERSION_KEYS = ("torch", "cuda", "transformers", "vllm")
"""The versions whose absence counts as "missing version info" (torch_cuda fills cuda when only it is stated)."""
ANY_VERSION_KEYS = ("torch", "torch_cuda", "cuda", "transformers", "vllm", "sglang", "lmdeploy", "llama_cpp",
                    "ollama", "deepspeed", "peft")
UNKNOWN = "(not stated)"


@lru_cache(maxsize=4096)
def minor(version: str) -> str:
    """A version's major.minor ("2.1.0+cu121" -> "2.1", "12.1.105" -> "12.1", "b3051" kept)."""
    core = version.strip().lstrip("vV").split("+")[0].split()[0] if version.strip() else ""
    parts = core.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 and parts[0].isdigit() else core or version


@lru_cache(maxsize=4096)
def gpu_name(text: str) -> str:
    """A GPU's model token in upper case ("NVIDIA A100-SXM4-80GB" -> "A100"), else the text shortened."""
    token = model_token(text)
    return token.upper() if token else " ".join(text.split())[:40]


def failing(row: dict) -> bool:
    """Whether a row reports a failure: a symptom, an extracted error, or a bug (labelled records always)."""
    return bool(row.get("symptom") or row.get("errors") or row.get("kind") == "bug")


def month(created_at: str | None) -> str | None:
    """"2024-03" from an ISO timestamp."""
    return created_at[:7] if created_at and len(created_at) >= 7 and created_at[4] == "-" else None


def aggregate(rows: Iterable[dict[str, Any]], *, repo: str, source: str = "store") -> dict[str, Any]:
    """Every table the report draws; `issues` is the number of distinct issues covered."""
    levels: dict[str, list[Counter]] = {"symptom": [Counter(), Counter(), Counter()],
                                        "root_cause": [Counter(), Counter()]}
    unclassified = Counter()
    stage, heat, months = Counter(), Counter(), defaultdict(Counter)
    fps: dict[str, dict[str, Any]] = {}
    env = {k: Counter() for k in (*VERSION_KEYS, "gpu")}
    missing_keys = Counter()
    numbers, edges, has_related = set(), [], False
    records = failing_n = without_versions = 0
    classes = Counter()
    for row in rows:
        records += 1
        numbers.add(row.get("number"))
        classes[(row.get("symptom"), row.get("root_cause"), row.get("stage"), month(row.get("created_at")))] += 1
        for err in row.get("errors") or ():
            fp = err.get("fingerprint")
            if not fp:
                continue
            entry = fps.setdefault(fp, {"fingerprint": fp, "type": err.get("type", ""),
                                        "message": err.get("message", ""), "count": 0, "issues": []})
            entry["count"] += 1
            if len(entry["issues"]) < ISSUES_PER_FINGERPRINT:
                url = row.get("url")
                entry["issues"].append({"number": row.get("number"),
                                        "url": url if isinstance(url, str) and url.startswith("https://") else None})
        for rel in row.get("related") or ():
            has_related = True
            if (rel.get("score") or 0) >= RELATED_MIN_SCORE:
                edges.append((row.get("number"), rel.get("number")))
        if source == "labels" or failing(row):  # (the paths above are counted once per distinct combination)
            failing_n += 1
            stated = row.get("env") or {}
            for key in VERSION_KEYS:
                value = stated.get(key) or (stated.get("torch_cuda") if key == "cuda" else None)
                if value:
                    env[key][minor(str(value))] += 1
                else:
                    missing_keys[key] += 1
            if stated.get("gpu"):
                env["gpu"][gpu_name(str(stated["gpu"]))] += 1
            if not any(stated.get(k) for k in ANY_VERSION_KEYS):
                without_versions += 1
    dated = 0
    for (symptom, cause, stage_name, m), n in classes.items():  # a few hundred combinations, not one per issue
        first = {}
        for dim, value in (("symptom", symptom), ("root_cause", cause)):
            if not value:
                unclassified[dim] += n
                continue
            parts = value.split(SEP)
            first[dim] = parts[0]
            counters = levels[dim]
            for k in range(min(len(parts), len(counters))):
                counters[k][SEP.join(parts[: k + 1])] += n
        stage[stage_name or UNKNOWN] += n
        heat[(first.get("symptom", UNKNOWN), first.get("root_cause", UNKNOWN))] += n
        if m:
            dated += n
            months[m][first.get("symptom", UNKNOWN)] += n
    return {
        "repo": repo, "source": source, "issues": len(numbers), "records": records,
        "symptom": _levels(levels["symptom"], unclassified["symptom"]),
        "root_cause": _levels(levels["root_cause"], unclassified["root_cause"]),
        "stage": dict(stage.most_common()),
        "heatmap": _heatmap(heat),
        "months": _months(months, dated),
        "fingerprints": sorted(fps.values(), key=lambda e: (-e["count"], e["fingerprint"]))[:TOP_FINGERPRINTS],
        "environments": {"failing": failing_n, "stated": source != "labels",
                         **{k: dict(c.most_common(TOP_VERSIONS)) for k, c in env.items()}},
        "missing_versions": {"failing": failing_n, "without_any": without_versions,
                             "share": round(without_versions / failing_n, 4) if failing_n else 0.0,
                             "per_key": {k: round(missing_keys[k] / failing_n, 4) if failing_n else 0.0
                                         for k in VERSION_KEYS},
                             "stated": source != "labels"},
        "clusters": {"available": has_related, "groups": _clusters(edges)},
    }


def _levels(counters: list[Counter], unclassified: int) -> dict[str, Any]:
    """Counts per path at each level, largest first."""
    return {"levels": [dict(c.most_common()) for c in counters], "unclassified": unclassified}


def _heatmap(heat: Counter) -> dict[str, Any]:
    """Symptom (rows) x root cause (columns) at the first level, ordered by their totals."""
    rows, cols = Counter(), Counter()
    for (s, c), n in heat.items():
        rows[s] += n
        cols[c] += n
    row_names = [r for r, _ in rows.most_common()]
    col_names = [c for c, _ in cols.most_common()]
    return {"rows": row_names, "cols": col_names, "cells": [[heat.get((r, c), 0) for c in col_names]
                                                             for r in row_names]}


def _months(months: dict[str, Counter], dated: int) -> dict[str, Any]:
    """Issues per month (every month from the first to the last), split by first-level symptom."""
    if not months:
        return {"labels": [], "series": {}, "total": [], "dated": 0}
    first, last = min(months), max(months)
    labels, (y, m) = [], (int(first[:4]), int(first[5:7]))
    while f"{y:04d}-{m:02d}" <= last:
        labels.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    names = Counter()
    for c in months.values():
        names.update(c)
    series = {name: [months.get(label, Counter())[name] for label in labels] for name, _ in names.most_common()}
    return {"labels": labels, "series": series, "total": [sum(months.get(lb, Counter()).values()) for lb in labels],
            "dated": dated}


def _clusters(edges: list[tuple[Any, Any]]) -> list[dict[str, Any]]:
    """Connected groups of related issues (union-find), largest first."""
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        if a is not None and b is not None and a != b:
            parent[find(a)] = find(b)
    groups = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    ordered = sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g[0]))
    return [{"size": len(g), "issues": g} for g in ordered[:TOP_CLUSTERS]]
