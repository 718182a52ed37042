"""The report's tables: every level, heatmap, months, fingerprints, environments, missing versions, clusters; the CLI
on the paper's records and on a backfilled store."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.report.aggregate import aggregate, gpu_name, minor
from bot.report.render import render
from tests.report.synth import rows

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "paper" / "records.jsonl"


def test_levels_heatmap_and_stage_count_every_row_once():
    data = [{"number": 1, "symptom": "Crash - CUDA Error - Out of Memory", "root_cause": "Hardware and Resource "
             "Limitations - GPU Memory Insufficiency", "stage": "Inference"},
            {"number": 2, "symptom": "Crash - Process Killed", "root_cause": None, "stage": "Fine-tuning"},
            {"number": 3, "symptom": None, "root_cause": None, "stage": None}]
    t = aggregate(data, repo="a/b")
    assert t["issues"] == 3 and t["records"] == 3
    assert t["symptom"]["levels"] == [{"Crash": 2}, {"Crash - CUDA Error": 1, "Crash - Process Killed": 1},
                                      {"Crash - CUDA Error - Out of Memory": 1}]
    assert t["symptom"]["unclassified"] == 1 and t["root_cause"]["unclassified"] == 2
    assert t["heatmap"]["rows"][0] == "Crash" and sum(map(sum, t["heatmap"]["cells"])) == 3
    assert t["stage"] == {"Inference": 1, "Fine-tuning": 1, "(not stated)": 1}


def test_months_are_contiguous_and_split_by_symptom():
    data = [{"number": 1, "symptom": "Hang", "created_at": "2024-01-05T00:00:00Z"},
            {"number": 2, "symptom": "Crash", "created_at": "2024-04-05T00:00:00Z"},
            {"number": 3, "symptom": "Crash", "created_at": "2024-04-09T00:00:00Z"}]
    months = aggregate(data, repo="a/b")["months"]
    assert months["labels"] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert months["series"] == {"Crash": [0, 0, 0, 2], "Hang": [1, 0, 0, 0]} and months["total"] == [1, 0, 0, 2]


def test_fingerprints_link_their_issues_and_environments_of_failing_reports():
    t = aggregate(rows(400), repo="acme/llm")
    top = t["fingerprints"][0]
    assert top["count"] >= t["fingerprints"][-1]["count"]
    assert all(i["url"].endswith(f"/issues/{i['number']}") for i in top["issues"])
    assert set(t["environments"]["torch"]) <= {"2.1", "2.3", "2.4"} and "A100" in t["environments"]["gpu"]
    assert 0 < t["missing_versions"]["per_key"]["vllm"] < 1
    assert t["clusters"]["available"] and t["clusters"]["groups"][0]["size"] == 4


def test_missing_version_info_is_the_share_of_failing_reports_without_any():
    data = [{"number": 1, "symptom": "Crash", "env": {"torch": "2.1.0"}},
            {"number": 2, "symptom": "Hang", "env": {"gpu": "NVIDIA A100"}},
            {"number": 3, "symptom": None, "env": {}}]  # not a failure report: not counted
    missing = aggregate(data, repo="a/b")["missing_versions"]
    assert missing["failing"] == 2 and missing["without_any"] == 1 and missing["share"] == 0.5
    assert missing["per_key"]["torch"] == 0.5 and missing["per_key"]["vllm"] == 1.0


def test_versions_and_gpus_are_normalised():
    assert [minor(v) for v in ("2.1.0+cu121", "12.1.105", "4.37.0.dev0", "b3051")] == ["2.1", "12.1", "4.37", "b3051"]
    assert gpu_name("NVIDIA GeForce RTX 4090 24GB") == "4090" and gpu_name("Tesla V100-SXM2-32GB") == "V100"


def test_no_related_index_degrades_to_a_note():
    t = aggregate([{"number": 1, "symptom": "Hang"}], repo="a/b")
    assert t["clusters"] == {"available": False, "groups": []}
    assert "No related-issue index" in render(t)


def test_issue_text_cannot_inject_markup_or_links():
    data = [{"number": 1, "symptom": "Crash", "url": "javascript:alert(1)",
             "errors": [{"type": "<script>alert(1)</script>", "fingerprint": "f1", "message": "<img src=x>"}]}]
    html = render(aggregate(data, repo="a/<b>"))
    assert "<script>alert" not in html and "<img src=x>" not in html and "javascript:" not in html
    assert "a/&lt;b&gt;" in html


def test_report_labels_redraws_the_papers_counts(capsys, tmp_path):
    out = tmp_path / "paper.html"
    assert main(["report", "--labels", str(RECORDS), "--json", "-o", str(out)]) == 0
    tables = json.loads(capsys.readouterr().out)
    records = [json.loads(line) for line in RECORDS.read_text().splitlines() if line.strip()]
    assert tables["records"] == len(records) == 596
    assert tables["issues"] == len({r["source"] for r in records})
    for dim in ("symptom", "root_cause"):
        for k, level in enumerate(tables[dim]["levels"]):
            expected = Counter(" - ".join(r[dim].split(" - ")[: k + 1]) for r in records
                               if r[dim] and len(r[dim].split(" - ")) > k)
            assert level == dict(expected)
    assert tables["stage"] == dict(Counter(r["stage"] for r in records))
    assert sum(map(sum, tables["heatmap"]["cells"])) == 596
    assert out.stat().st_size < 200_000 and "http://" not in out.read_text().replace("http://www.w3.org", "")


def test_report_labels_for_one_repo_and_bad_lines(capsys, tmp_path):
    assert main(["report", "QwenLM/Qwen2.5", "--labels", str(RECORDS), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["records"] == sum(
        1 for line in RECORDS.read_text().splitlines() if '"repo": "QwenLM/Qwen2.5"' in line)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"source": "https://github.com/a/b/issues/1", "symptom": "Hang"}\nnot json\n')
    assert main(["report", "--labels", str(bad), "--json"]) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["report"], ["report", "a/b"]])
def test_report_needs_a_source_and_an_output(args, capsys):
    assert main(args) == 2


async def test_report_reads_the_backfilled_store(tmp_path):
    from bot.backfill.store import IssueRow, open_backfill_store
    from bot.backfill.summary import summarize

    url = f"sqlite:///{tmp_path}/db.sqlite3"
    store = await open_backfill_store(url)
    decisions = [{"symptom": "Crash - Process Killed", "root_cause": None, "stage": "Fine-tuning",
                  "env": {"torch": "2.2.1"}, "errors": [{"type": "Killed", "fingerprint": "k1", "message": "x"}],
                  "missing": ["cuda"]}, {"symptom": None, "root_cause": None, "stage": None, "env": {}, "errors": []}]
    await store.save_issues([IssueRow("o/r", n + 1, "open", f"t{n}", f"https://github.com/o/r/issues/{n + 1}",
                                      "2024-05-01T00:00:00Z", None, "d", d["symptom"], d["root_cause"], d["stage"],
                                      summarize(d), d) for n, d in enumerate(decisions)])
    await store.close()
    import asyncio

    code = await asyncio.to_thread(main, ["report", "o/r", "--database-url", url, "-o", str(tmp_path / "r.html")])
    assert code == 0
    html = (tmp_path / "r.html").read_text()
    assert "Process Killed" in html and "https://github.com/o/r/issues/1" in html
    code = await asyncio.to_thread(main, ["report", "x/y", "--database-url", url, "--json"])
    assert code == 1


async def test_the_report_also_covers_issues_only_the_webhook_path_triaged(tmp_path):
    from bot.backfill.store import IssueRow, open_backfill_store
    from bot.store import IssueState, SQLiteStore

    url = f"sqlite:///{tmp_path}/db.sqlite3"
    server = SQLiteStore(url)
    await server.save_issue_state(IssueState("o/r", 9, decision={"symptom": "Hang", "root_cause": None,
                                                                   "stage": "Inference", "env": {"vllm": "0.6.1"},
                                                                   "errors": []}), 1.0)
    await server.save_issue_state(IssueState("o/r", 1, decision={"symptom": "Hang"}), 1.0)  # backfilled too
    await server.close()
    store = await open_backfill_store(url)
    d = {"symptom": "Crash", "root_cause": None, "stage": None, "env": {}, "errors": []}
    await store.save_issues([IssueRow("o/r", 1, "open", "t", None, "2024-01-01T00:00:00Z", None, "x", "Crash", None,
                                      None, {"env": {}, "errors": [], "missing": []}, d)])
    rows = await store.report_rows("o/r")
    await store.close()
    assert [(r["number"], r["symptom"]) for r in rows] == [(1, "Crash"), (9, "Hang")]
    assert aggregate(rows, repo="o/r")["environments"]["vllm"] == {"0.6": 1}
