"""Tests for evidence rules: validation, RE2 compilation, and matching against Facts (with spans, lazily resolved)."""


import pytest

from bot.core.evidence import EvidenceRules, collect, resolved
from bot.core.rulefile import RulesError, rules_dir
from bot.core.rules.compile import Compiler
from bot.core.rules.load import parse_file, parse_rules
from bot.core.rules.scan import Scan
from bot.core.taxonomy import load_taxonomy
from bot.core.types import EnvFact, ErrorFact, Facts, Frame

TAXONOMY = load_taxonomy(rules_dir() / "taxonomy.yml")


def facts(title="", prose="", code=(), errors=(), env=None, language="en", body=""):
    """Hand-built Facts, so these tests do not depend on extraction."""
    text = title + "\n\n" + (body or prose)
    return Facts(text=text, title=title, prose=title + "\n" + prose, code=list(code), errors=list(errors),
                 env={k: EnvFact(key=k, value=v, source="prose", span=(0, 0)) for k, v in (env or {}).items()},
                 language=language)


def err(kind="python", type_="RuntimeError", message="boom", package=None, frames=()):
    return ErrorFact(kind=kind, type=type_, message=message, package=package, frames=list(frames),
                     fingerprint="f", span=(0, 5))


def rules(*items, dimension="symptom", examples=True):
    """Evidence rules compiled as a file of their own would be."""
    items = [dict(r, examples={"fires": ["x"]}) if examples and isinstance(r, dict) else r for r in items]
    doc = parse_file({"kind": "evidence", "dimension": dimension, "rules": items}, "test.yml", "evidence")
    compiler = Compiler()
    compiled = parse_rules(doc, "test.yml", compiler, TAXONOMY, set())
    compiler.freeze()
    return compiler, EvidenceRules.of([(r, alts[0], unless) for r, alts, unless in compiled])


def run(f, rs, chosen=None, resolve=True):
    compiler, ev = rs
    scan = Scan(f)
    scan.chosen = dict(chosen or {})
    out = collect(scan, ev)
    return [resolved(scan, e) for e in out] if resolve else (scan, out)


def test_prose_rule_fires_with_span_and_snippet():
    f = facts(title="Output is garbled", prose="the answer is garbled text")
    [ev] = run(f, rules({"id": "g", "node": "Hang", "weight": 2, "when": {"match": "garbled", "in": "prose"}}))
    assert (ev.rule, ev.node, ev.weight, ev.text) == ("g", "Hang", 2, "garbled")
    assert f.text[ev.span[0]:ev.span[1]] == "garbled"


def test_a_list_of_alternatives_reports_the_earliest_match_like_one_alternation():
    f = facts(prose="first stuck, then garbled")
    [ev] = run(f, rules({"id": "g", "node": "Hang", "weight": 2, "when": {"match": ["garbled", "stuck"], "in": "prose"}}))
    assert ev.text == "stuck"


def test_all_conditions_must_hold():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "when": {"match": "stuck", "in": "prose", "error": {"kind": ["nccl"]}}})
    assert run(facts(prose="it is stuck"), r) == []
    assert run(facts(prose="it is stuck", errors=[err(kind="nccl")]), r)


def test_any_needs_one_alternative():
    r = rules({"id": "a", "node": "Hang", "weight": 1,
               "when": {"any": [{"error": {"type": "^AssertionError$"}}, {"match": "AssertionError", "in": "title"}]}})
    assert run(facts(title="AssertionError with example"), r)
    assert run(facts(errors=[err(type_="AssertionError")]), r)
    assert run(facts(title="TypeError"), r) == []


def test_unless_vetoes_a_rule():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "when": {"match": "oom", "in": "prose"},
               "unless": {"match": "not oom", "in": "prose"}})
    assert run(facts(prose="an oom"), r)
    assert run(facts(prose="this is not oom"), r) == []


def test_error_conditions_apply_to_one_error_at_a_time():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "when": {"error": {"type": "KeyError", "package": ["transformers"]}}})
    split = [err(type_="KeyError"), err(type_="ValueError", package="transformers")]
    assert run(facts(errors=split), r) == []
    frame = Frame(file="x.py", package="transformers")
    assert run(facts(errors=[err(type_="KeyError", frames=[frame])]), r)


def test_env_language_code_and_text_conditions():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "when": {
        "env": {"gpu_cc": {"matches": "^7\\."}, "torch": "present"}, "language": "zh",
        "all": [{"match": "bfloat16", "in": "code"}, {"match": "log line", "in": "whole"}]}})
    good = facts(prose="中文", code=["x = torch.bfloat16"], env={"gpu_cc": "7.0", "torch": "2.1"}, language="zh",
                 body="中文\nlog line")
    assert run(good, r)
    assert run(good.model_copy(update={"language": "en"}), r) == []
    assert run(good.model_copy(update={"env": {}}), r) == []


def test_env_absent():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "when": {"match": "x", "in": "prose", "env": {"gpu": "absent"}}})
    assert run(facts(prose="x"), r)
    assert run(facts(prose="x", env={"gpu": "A100"}), r) == []


def test_symptom_and_stage_conditions_read_the_choices_made_so_far():
    r = rules({"id": "a", "node": "Model Corruption Issues", "weight": 1,
               "when": {"symptom": "Crash - CUDA Error", "stage": "Inference"}}, dimension="root_cause")
    f = facts(prose="x")
    assert run(f, r, {"symptom": "Crash - CUDA Error - Out of Memory", "stage": "Inference"})
    assert run(f, r, {"symptom": "Crash", "stage": "Inference"}) == []
    assert run(f, r, {}) == []


def test_patterns_are_case_insensitive_and_handle_chinese():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "when": {"match": "乱码|GIBBERISH", "in": "prose"}})
    assert run(facts(prose="输出乱码"), r) and run(facts(prose="pure gibberish"), r)


def test_fragments_are_named_in_the_file():
    doc = {"id": "a", "node": "Hang", "weight": 1, "when": {"match": ["{{stuck}}", "x{{stuck}}y"], "in": "prose"}}
    items = [dict(doc, examples={"fires": ["x"]})]
    parsed = parse_file({"kind": "evidence", "dimension": "symptom", "patterns": {"stuck": ["hangs", "stuck"]},
                         "rules": items}, "test.yml", "evidence")
    compiler = Compiler()
    [(rule, (when,), _)] = parse_rules(parsed, "test.yml", compiler, TAXONOMY, set())
    compiler.freeze()
    scan = Scan(facts(prose="it hangs"))
    assert scan.holds(when) and len(when.ids) == 3  # a list item that is only a fragment becomes its alternatives


@pytest.mark.parametrize("rule, reason", [
    ({"id": "r1", "node": "Hang", "weight": 1, "when": {"prse": "x"}}, "rule r1: unknown key 'when.prse'"),
    ({"id": "r1", "node": "Hang", "weight": 1, "when": {"match": "(a", "in": "prose"}}, "rule r1: bad regex '(a'"),
    ({"id": "r1", "node": "Hang", "weight": 1, "when": {"match": "(?=a)", "in": "prose"}}, "rule r1: bad regex"),
    ({"id": "r1", "node": "Hang", "weight": "heavy", "when": {"match": "x", "in": "prose"}}, "rule r1: weight:"),
    ({"id": "r1", "node": "Hang", "weight": 1}, "rule r1: missing key 'when'"),
    ({"id": "r1", "node": "Hang", "when": {"match": "x", "in": "prose"}}, "rule r1: missing key 'weight'"),
    ({"id": "r1", "node": "Hang", "weight": 1, "when": {"error": {"kind": ["volcano"]}}}, "rule r1: when.error.kind"),
    ({"id": "r1", "node": "Hang", "weight": 0, "when": {"match": "x", "in": "prose"}}, "rule r1: "),
    ({"id": "r1", "node": "Hang", "weight": 1, "when": {"match": "x", "in": "prose"}, "unless": {"titel": "y"}},
     "rule r1: unknown key"),
    ({"id": "r1", "node": "Hangs", "weight": 1, "when": {"match": "x", "in": "prose"}},
     "rule r1: unknown symptom node 'Hangs' (did you mean 'Hang'?)"),
])
def test_bad_rules_fail_with_file_rule_and_reason(rule, reason):
    with pytest.raises(RulesError) as exc:
        rules(rule)
    assert str(exc.value).startswith("rules/test.yml: ") and reason in str(exc.value), str(exc.value)


def test_duplicate_ids_self_dependencies_and_missing_examples_are_rejected():
    x = {"match": "x", "in": "prose"}
    with pytest.raises(RulesError, match="rule a: duplicate rule id"):
        rules({"id": "a", "node": "Hang", "weight": 1, "when": x}, {"id": "a", "node": "Hang", "weight": 1, "when": x})
    with pytest.raises(RulesError, match="rule a: symptom rules cannot depend"):
        rules({"id": "a", "node": "Hang", "weight": 1, "when": {"symptom": "Crash"}})
    with pytest.raises(RulesError, match="rule b: symptom rules cannot depend"):
        rules({"id": "b", "node": "Hang", "weight": 1, "when": x, "unless": {"any": [{"stage": "Inference"}]}})
    with pytest.raises(RulesError, match="rule c: examples: at least one `fires` example is required"):
        rules({"id": "c", "node": "Hang", "weight": 1, "when": x}, examples=False)


def test_file_level_errors():
    with pytest.raises(RulesError, match="rules/x.yml: unknown key 'rulez'"):
        parse_file({"kind": "evidence", "dimension": "symptom", "rulez": []}, "x.yml", "evidence")
    with pytest.raises(RulesError, match="rules/x.yml: dimension"):
        parse_file({"kind": "evidence", "dimension": "colour", "rules": []}, "x.yml", "evidence")
    with pytest.raises(RulesError, match="rules/x.yml: expected kind 'evidence', got 'fix'"):
        parse_file({"kind": "fix", "rules": []}, "x.yml", "evidence")


def test_unresolved_evidence_gets_its_span_and_snippet_on_demand():
    rs = rules({"id": "g", "node": "Hang", "weight": 2, "when": {"match": "garbled", "in": "prose"}},
               {"id": "e", "node": "Crash", "weight": 3, "when": {"error": {"kind": ["python"]}}})
    f = facts(title="Output is garbled", prose="the answer is garbled text", errors=[err()])
    scan, lazy = run(f, rs, resolve=False)
    assert [(e.rule, e.span, e.text) for e in lazy] == [("g", None, ""), ("e", None, "")]
    assert [resolved(scan, e) for e in lazy] == run(f, rs)
    assert [e.text for e in run(f, rs)] == ["garbled", "RuntimeError: boom"]


@pytest.mark.parametrize("errors", [
    [], [err()], [err("oom", "torch.OutOfMemoryError", "CUDA out of memory. Tried to allocate 2 GiB")],
    [err("cuda", "CUDA error", "device-side assert triggered"), err("nccl", "NCCL error", "unhandled system error")],
    [err(type_="ImportError", message="undefined symbol: flash_attn_varlen", package="flash_attn")],
])
def test_gated_collect_fires_exactly_the_rules_that_fire_when_all_are_tried(errors):
    from bot.core.ruleset import RuleSet

    rs = RuleSet.load()
    f = facts(title="It crashes after fine-tuning", prose="LoRA fine-tuning, then inference hangs on 2 GPUs",
              errors=errors)
    for dim, chosen in (("symptom", {}), ("stage", {"symptom": "Crash"}),
                        ("root_cause", {"symptom": "Crash - CUDA Error - Out of Memory", "stage": "Inference"})):
        scan = Scan(f, rs)
        scan.chosen = chosen
        every = [r.id for r, when, unless in rs.evidence[dim].rules
                 if when.hit(scan) is not None and (unless is None or unless.hit(scan) is None)]
        assert [e.rule for e in collect(scan, rs.evidence[dim])] == every
