"""`firstmile related` and `firstmile eval-related`: the offline shapes, self-exclusion, bad input."""

from __future__ import annotations

import json

from bot.__main__ import main

ISSUES = [
    {"number": 1, "title": "KeyError: 'qwen2' loading Qwen1.5-7B-Chat", "state": "closed",
     "body": "```\nTraceback (most recent call last):\n  File \"/x/site-packages/transformers/models/auto/"
             "configuration_auto.py\", line 1, in from_pretrained\nKeyError: 'qwen2'\n```"},
    {"number": 2, "title": "vLLM hangs with tensor parallel 4", "state": "open", "body": "No output, GPUs at 100%."},
    {"number": 3, "title": "Llama 3 never stops", "state": "open", "body": "It writes another assistant turn."},
]
QUERY = {"title": "加载 Qwen1.5-14B 报错 KeyError: 'qwen2'",
         "body": "```\nTraceback (most recent call last):\n  File \"/y/site-packages/transformers/models/auto/"
                 "configuration_auto.py\", line 9, in from_pretrained\nKeyError: 'qwen2'\n```"}


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_related_prints_ranked_issues_with_reasons_and_a_duplicate(tmp_path, capsys):
    index = _write(tmp_path / "issues.jsonl", ISSUES)
    q = tmp_path / "q.json"
    q.write_text(json.dumps(QUERY), encoding="utf-8")
    assert main(["related", "--index", index, str(q)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["related"][0]["number"] == 1 and out["duplicate_of"] == 1
    assert "same error `KeyError: 'qwen2'`" in out["related"][0]["reasons"] and "closed" in out["related"][0]["reasons"]
    assert set(out["related"][0]) == {"number", "score", "reasons"}


def test_batch_gives_one_line_per_query_and_never_the_issue_itself(tmp_path, capsys):
    index = _write(tmp_path / "issues.jsonl", ISSUES)
    batch = _write(tmp_path / "b.jsonl", [dict(ISSUES[0]), QUERY, {"title": "unrelated", "body": "zzz"}])
    assert main(["related", "--index", index, "--batch", batch, "--no-classify"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 3
    assert 1 not in [r["number"] for r in lines[0]["related"]]  # issue 1 queried itself
    assert lines[1]["related"][0]["number"] == 1
    assert lines[2]["duplicate_of"] is None


def test_bad_index_line_exits_2_naming_it(tmp_path, capsys):
    index = tmp_path / "issues.jsonl"
    index.write_text('{"number": 1, "title": "a", "body": "b"}\nnot json\n', encoding="utf-8")
    assert main(["related", "--index", str(index), "-"]) == 2
    assert "line 2" in capsys.readouterr().err


def test_eval_related_scores_pairs_pool_and_solo(tmp_path, capsys):
    rows = [{"kind": "pair", "dup": QUERY, "orig": ISSUES[0]},
            {"kind": "pool", **ISSUES[1]}, {"kind": "pool", "id": "p3", **ISSUES[2]},
            {"kind": "solo", "title": "Qwen2-VL video crash", "body": "IndexError in get_rope_index"}]
    pairs = _write(tmp_path / "pairs.jsonl", rows)
    assert main(["eval-related", pairs, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["recall@1"] == 1.0 and report["pairs"] == 1 and report["solo"] == 1
    assert report["duplicate_of_precision"] == 1.0 and report["duplicate_of_recall"] == 1.0
    assert main(["eval-related", _write(tmp_path / "bad.jsonl", [{"kind": "what"}])]) == 2
