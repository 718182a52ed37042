"""The report in a real headless Chromium (Debian's package, driven over the DevTools protocol by playwright): it
loads with no console error and no request leaving the file, and every chart draws the marks its tables call for."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.report.aggregate import aggregate
from bot.report.records import read_records
from bot.report.render import render
from tests.report.synth import rows

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "paper" / "records.jsonl"

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (.ci/run installs it)", allow_module_level=True)


def expected_marks(t: dict) -> dict[str, int]:
    """How many marks each chart must draw, from the tables alone."""
    out = {f"{dim}-l{k + 1}": len(level) for dim in ("symptom", "root_cause")
           for k, level in enumerate(t[dim]["levels"])}
    out["heatmap"] = len(t["heatmap"]["rows"]) * len(t["heatmap"]["cols"])
    out["stage"] = len(t["stage"])
    out["months"] = sum(1 for series in t["months"]["series"].values() for v in series if v)
    out["fingerprints"] = len(t["fingerprints"])
    stated = t["environments"]["stated"]
    out |= {f"env-{k}": len(t["environments"][k]) if stated else 0
            for k in ("torch", "cuda", "transformers", "vllm", "gpu")}
    out["missing"] = 5 if t["missing_versions"]["stated"] and t["missing_versions"]["failing"] else 0
    return out


def load(html_path: Path, user_data: Path, screenshot: Path | None = None) -> dict:
    """Open the page in Chromium; what it logged, requested and drew."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(user_data), executable_path=CHROMIUM, headless=True, args=FLAGS, viewport={"width": 1280,
                                                                                          "height": 900})
        try:
            page = browser.new_page()
            console, requests = [], []
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
                    else None)
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html_path.as_uri(), wait_until="load")
            drawn = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('svg.chart')].map(
                s => [s.dataset.chart, {declared: +s.dataset.marks, drawn: s.querySelectorAll('.mark').length,
                                        width: s.getBoundingClientRect().width}]))""")
            tables = page.evaluate("() => JSON.parse(document.getElementById('tables').textContent)")
            clusters = page.evaluate("() => document.querySelectorAll('li.cluster').length")
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return {"console": console, "requests": requests, "drawn": drawn, "tables": tables, "clusters": clusters}


@pytest.mark.parametrize("source", ["store", "labels"])
def test_every_chart_renders_its_marks_with_no_console_error(source, tmp_path):
    if source == "store":
        tables = aggregate(rows(1500), repo="acme/llm")
    else:
        with RECORDS.open() as f:
            tables = aggregate(list(read_records(f)), repo="labelled records", source="labels")
    page = tmp_path / "report.html"
    page.write_text(render(tables), encoding="utf-8")
    seen = load(page, tmp_path / "profile")
    assert seen["console"] == []
    assert seen["requests"] == [page.as_uri()]  # nothing but the file itself: no CDN, no font, no image
    assert seen["tables"] == tables
    want = expected_marks(tables)
    assert {name: (c["declared"], c["drawn"]) for name, c in seen["drawn"].items()} == {
        name: (n, n) for name, n in want.items()}
    assert all(c["width"] > 0 for c in seen["drawn"].values())
    assert seen["clusters"] == len(tables["clusters"]["groups"])
    if source == "store":
        assert want["months"] > 20 and want["fingerprints"] == 15 and seen["clusters"] > 0
