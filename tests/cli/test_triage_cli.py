"""Tests for the `firstmile triage`, `eval` and `rules check` subcommands (run in-process through main())."""

import io
import json
import shutil

import pytest

from bot.__main__ import main
from bot.core.rulefile import rules_dir

ISSUE = {"title": "CUDA out of memory", "body": "```\ntorch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n```"}
KEYS = {"symptom", "root_cause", "stage", "confidence", "labels", "env", "errors", "missing", "fixes", "comment"}


def run(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_triage_one_issue_from_stdin(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["triage", "--rules-only"], json.dumps(ISSUE))
    assert code == 0 and err == ""
    res = json.loads(out)
    assert KEYS <= set(res) and res["symptom"] == "Crash - CUDA Error - Out of Memory"


def test_triage_from_a_file(monkeypatch, capsys, tmp_path):
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(ISSUE))
    code, out, _ = run(monkeypatch, capsys, ["triage", str(path), "--rules-only"])
    assert code == 0 and json.loads(out)["stage"] == "Inference"


def test_batch_keeps_order_and_one_line_per_input(monkeypatch, capsys):
    lines = [json.dumps(ISSUE), json.dumps({"title": "stuck", "body": "generation hangs forever, nothing is printed"}),
             "", json.dumps({"title": "t", "body": "b", "repo": "o/r"})]
    code, out, _ = run(monkeypatch, capsys, ["triage", "--batch", "-", "--rules-only"], "\n".join(lines) + "\n")
    outs = out.split("\n")[:-1]
    assert code == 0 and len(outs) == 4 and outs[2] == ""
    assert json.loads(outs[0])["symptom"].startswith("Crash")
    assert json.loads(outs[1])["likely"]["symptom"]["path"].startswith("Hang")  # rules only: a guess, not a label


@pytest.mark.parametrize("stdin, fragment", [
    ("not json", "stdin: line 1: not JSON"),
    ("[1, 2]", "stdin: line 1: expected a JSON object"),
    ('{"title": 3, "body": "x"}', "stdin: line 1: 'title' must be a string"),
])
def test_bad_single_input_exits_2_with_one_line(monkeypatch, capsys, stdin, fragment):
    code, out, err = run(monkeypatch, capsys, ["triage"], stdin)
    assert code == 2 and out == "" and fragment in err and err.count("\n") == 1


def test_bad_batch_line_is_named(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["triage", "--batch", "-"], json.dumps(ISSUE) + "\n{oops\n")
    assert code == 2 and "stdin: line 2: not JSON" in err and out == ""


def test_missing_file_exits_2(monkeypatch, capsys, tmp_path):
    code, _, err = run(monkeypatch, capsys, ["triage", str(tmp_path / "nope.json")])
    assert code == 2 and "cannot read" in err


def _broken_rules(tmp_path):
    dst = tmp_path / "rules"
    shutil.copytree(rules_dir(), dst)
    path = dst / "evidence" / "symptom.yml"
    path.write_text(path.read_text() + "  - {id: broken, node: Hang, weight: 1, when: {match: '(x', in: prose}}\n")
    return dst


def test_rules_check_ok_and_broken(monkeypatch, capsys, tmp_path):
    code, out, _ = run(monkeypatch, capsys, ["rules", "check"])
    assert code == 0 and out.startswith("ok: ") and "symptom rules:" in out
    code, out, err = run(monkeypatch, capsys, ["rules", "check", str(_broken_rules(tmp_path))])
    assert code == 1 and err.startswith("rules/symptom.yml: rule broken: bad regex")
    code, _, err = run(monkeypatch, capsys, ["rules", "check", str(tmp_path / "missing")])
    assert code == 2


def test_rules_test_runs_every_example_and_names_the_one_that_fails(monkeypatch, capsys, tmp_path):
    code, out, _ = run(monkeypatch, capsys, ["rules", "test"])
    assert code == 0 and out.startswith("ok: ") and " examples of " in out
    dst = tmp_path / "rules"
    shutil.copytree(rules_dir(), dst)
    path = dst / "fixes" / "vllm.yml"
    path.write_text(path.read_text() + "\n- {id: zz, title: t, url: 'https://docs.vllm.ai/x', cause: Hardware and Resource "
                    "Limitations, source: url, when: {match: cache blocks, in: prose}, examples: {fires: [cache blocks], "
                    "not: [no cache blocks]}}\n")
    code, out, _ = run(monkeypatch, capsys, ["rules", "test", str(dst)])
    assert code == 1 and "vllm.yml: zz: not example #1 fired" in out and out.rstrip().endswith("rules behave as stated")


def test_triage_with_broken_rules_fails_with_the_rule_error(monkeypatch, capsys, tmp_path):
    code, out, err = run(monkeypatch, capsys, ["triage", "--rules", str(_broken_rules(tmp_path))], json.dumps(ISSUE))
    assert code == 1 and out == "" and err.startswith("rules/symptom.yml: rule broken:")


def _dataset(tmp_path):
    rows = [dict(ISSUE, labels=[{"symptom": "Crash - CUDA Error - Out of Memory",
                                 "root_cause": "Hardware and Resource Limitations - GPU Memory Insufficiency",
                                 "stage": "Inference"}], env={}),
            {"title": "hangs", "body": "generation is stuck, nothing happens",
             "labels": [{"symptom": "Hang - Generation Process Stuck", "root_cause": "Model Corruption Issues",
                         "stage": "Inference"}]}]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_eval_prints_tables_and_json(monkeypatch, capsys, tmp_path):
    path = _dataset(tmp_path)
    code, out, _ = run(monkeypatch, capsys, ["eval", str(path), "--rules-only"])
    assert code == 0 and "symptom L1" in out and "confusion, root cause L1" in out
    code, out, _ = run(monkeypatch, capsys, ["eval", str(path), "--rules-only", "--json"])
    rep = json.loads(out)
    assert code == 0 and rep["n"] == 2 and rep["likely"]["symptom L1"]["accuracy"] == 1.0
    assert rep["levels"]["symptom L1"]["precision"] == 1.0  # what it applies is right


def test_eval_rejects_rows_without_labels(monkeypatch, capsys, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(ISSUE) + "\n")
    code, _, err = run(monkeypatch, capsys, ["eval", str(path)])
    assert code == 2 and "line 1: expected an object with a 'labels' list" in err


class _ClosedPipe(io.StringIO):
    """A stdout whose reader has gone away after the first write (like `| head -1`)."""

    def write(self, s):
        if self.tell():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(s)

    def flush(self):
        if self.tell():
            raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("argv", [["triage", "--batch", "-", "--rules-only"], ["eval", "DATA", "--rules-only"]])
def test_closed_stdout_ends_quietly(monkeypatch, capsys, tmp_path, argv):
    argv = [str(_dataset(tmp_path)) if a == "DATA" else a for a in argv]
    monkeypatch.setattr("sys.stdin", io.StringIO((json.dumps(ISSUE) + "\n") * 3))
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    assert main(argv) == 141
    assert capsys.readouterr().err == ""


def test_explain_shows_fired_rules_levels_losers_fixes_and_asks(monkeypatch, capsys):
    issue = {"title": "vLLM OOM when serving on 4 GPUs", "body": "```\ntorch.OutOfMemoryError: CUDA out of memory. "
             "Tried to allocate 2.00 GiB\n```\nvllm 0.6.3, the training run also hangs"}
    code, out, _ = run(monkeypatch, capsys, ["triage", "--explain", "--rules-only"], json.dumps(issue))
    assert code == 0 and out.startswith("== symptom: Crash - CUDA Error - Out of Memory\n")
    assert "  fired cuda-oom-error +6 -> Crash - CUDA Error - Out of Memory (errors, chars " in out
    assert "  level 1 (needs support >= 2, share >= 0.5):\n    * Crash: " in out
    assert "      Hang: " in out  # a node that lost, with its support
    assert "  * oom-vllm alt 0: 7\n" in out and "== checks: " in out and "== missing\n" in out
    code, same, _ = run(monkeypatch, capsys, ["explain", "--rules-only"], json.dumps(issue))
    assert code == 0 and same == out
