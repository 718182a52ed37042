"""The report page: one self-contained HTML file (inline CSS and SVG, no script from anywhere, no network)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bot.core.rulefile import rules_dir
from bot.core.taxonomy import load_taxonomy
from bot.report import charts

LEVEL_NAMES = {"symptom": ["Symptom, level 1", "Symptom, level 2", "Symptom, level 3"],
               "root_cause": ["Root cause, level 1", "Root cause, level 2"]}
ENV_TITLES = {"torch": "PyTorch", "cuda": "CUDA", "transformers": "transformers", "vllm": "vLLM", "gpu": "GPU"}


@lru_cache(maxsize=1)
def _env() -> Environment:
    """The Jinja environment (autoescaping everything that is not marked safe)."""
    return Environment(loader=PackageLoader("bot.report", "templates"), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def colors() -> dict[str, str]:
    """Taxonomy path -> colour (rules/taxonomy.yml), for every node of every dimension."""
    taxonomy = load_taxonomy(rules_dir() / "taxonomy.yml")
    return {n.name: n.color for n in taxonomy.nodes}


def safe_url(url: Any) -> str | None:
    """Only https links leave the page (no javascript: or data: from stored text)."""
    return url if isinstance(url, str) and url.startswith("https://") else None


def charts_for(tables: dict[str, Any]) -> dict[str, Any]:
    """Every chart's SVG, by name."""
    palette = colors()
    out: dict[str, Any] = {}
    for dim in ("symptom", "root_cause"):
        for k, counts in enumerate(tables[dim]["levels"]):
            out[f"{dim}-l{k + 1}"] = charts.bars(f"{dim}-l{k + 1}", LEVEL_NAMES[dim][k], counts, palette,
                                                 tables["records"])
    heat = tables["heatmap"]
    out["heatmap"] = charts.heatmap("heatmap", "Symptom x root cause", heat["rows"], heat["cols"], heat["cells"])
    out["stage"] = charts.bars("stage", "Stage", tables["stage"], {"Inference": "1f6feb", "Fine-tuning": "8250df"},
                               tables["records"])
    months = tables["months"]
    out["months"] = charts.stacked_months("months", "Issues per month by symptom", months["labels"],
                                          months["series"], palette)
    fps = {f'{f["type"]} ({f["fingerprint"]})': f["count"] for f in tables["fingerprints"]}
    out["fingerprints"] = charts.bars("fingerprints", "Most frequent error fingerprints", fps, None, None, 60)
    envs = tables["environments"]
    for key, title in ENV_TITLES.items():
        out[f"env-{key}"] = (charts.bars(f"env-{key}", title, envs[key], None, envs["failing"]) if envs["stated"]
                             else charts.empty(f"env-{key}", title, "labelled records carry no environment facts"))
    missing = tables["missing_versions"]
    if missing["stated"] and missing["failing"]:
        shares = {**{f"{k} not stated": round(100 * v) for k, v in missing["per_key"].items()},
                  "no version at all": round(100 * missing["share"])}
        out["missing"] = charts.bars("missing", "Share of failing reports without version info (%)", shares,
                                     None, 100)
    else:
        out["missing"] = charts.empty("missing", "Missing version info", "no environment facts in this input")
    return {k: Markup(v) for k, v in out.items()}


def render(tables: dict[str, Any], *, generated: str = "") -> str:
    """The HTML page for the aggregated tables."""
    data = json.dumps(tables, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    fingerprints = [{**f, "issues": [{**i, "url": safe_url(i.get("url"))} for i in f["issues"]]}
                    for f in tables["fingerprints"]]
    return _env().get_template("report.html.j2").render(
        t=tables, charts=charts_for(tables), fingerprints=fingerprints, generated=generated,
        data=Markup(data), level_names=LEVEL_NAMES, env_titles=ENV_TITLES)
