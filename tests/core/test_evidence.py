"""Tests for bot.core.evidence: rule validation, RE2 compilation, and matching against Facts."""

import pytest

from bot.core.evidence import collect, load_evidence_text, parse_evidence
from bot.core.rulefile import RulesError
from bot.core.types import EnvFact, ErrorFact, Facts, Frame


def facts(title="", prose="", code=(), errors=(), env=None, language="en", body=""):
    """Hand-built Facts, so these tests do not depend on extraction."""
    text = title + "\n\n" + (body or prose)
    return Facts(text=text, title=title, prose=title + "\n" + prose, code=list(code), errors=list(errors),
                 env={k: EnvFact(key=k, value=v, source="prose", span=(0, 0)) for k, v in (env or {}).items()},
                 language=language)


def err(kind="python", type_="RuntimeError", message="boom", package=None, frames=()):
    return ErrorFact(kind=kind, type=type_, message=message, package=package, frames=list(frames),
                     fingerprint="f", span=(0, 5))


def rules(*items, dimension="symptom"):
    return parse_evidence({"dimension": dimension, "rules": list(items)}, "test.yml")[2]


def test_prose_rule_fires_with_span_and_snippet():
    f = facts(title="Output is garbled", prose="the answer is garbled text")
    [ev] = collect(f, rules({"id": "g", "node": "Hang", "weight": 2, "prose": "garbled"}))
    assert (ev.rule, ev.node, ev.weight, ev.text) == ("g", "Hang", 2, "garbled")
    assert f.text[ev.span[0]:ev.span[1]] == "garbled"


def test_all_conditions_must_hold():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "prose": "stuck", "error_kind": ["nccl"]})
    assert collect(facts(prose="it is stuck"), r) == []
    assert collect(facts(prose="it is stuck", errors=[err(kind="nccl")]), r)


def test_any_needs_one_alternative():
    r = rules({"id": "a", "node": "Hang", "weight": 1,
               "any": [{"error_type": "^AssertionError$"}, {"title": "AssertionError"}]})
    assert collect(facts(title="AssertionError with example"), r)
    assert collect(facts(errors=[err(type_="AssertionError")]), r)
    assert collect(facts(title="TypeError"), r) == []


def test_unless_vetoes_a_rule():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "prose": "oom", "unless": {"prose": "not oom"}})
    assert collect(facts(prose="an oom"), r)
    assert collect(facts(prose="this is not oom"), r) == []


def test_error_conditions_apply_to_one_error_at_a_time():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "error_type": "KeyError", "package": ["transformers"]})
    split = [err(type_="KeyError"), err(type_="ValueError", package="transformers")]
    assert collect(facts(errors=split), r) == []
    frame = Frame(file="x.py", package="transformers")
    assert collect(facts(errors=[err(type_="KeyError", frames=[frame])]), r)


def test_env_language_code_and_text_conditions():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "env": {"gpu_cc": "^7\\.", "torch": ""},
               "code": "bfloat16", "language": "zh", "text": "log line"})
    good = facts(prose="中文", code=["x = torch.bfloat16"], env={"gpu_cc": "7.0", "torch": "2.1"}, language="zh",
                 body="中文\nlog line")
    assert collect(good, r)
    assert collect(good.model_copy(update={"language": "en"}), r) == []
    assert collect(good.model_copy(update={"env": {}}), r) == []


def test_env_missing():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "prose": "x", "env_missing": ["gpu"]})
    assert collect(facts(prose="x"), r)
    assert collect(facts(prose="x", env={"gpu": "A100"}), r) == []


def test_symptom_and_stage_conditions_read_the_choices_made_so_far():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "symptom": "Crash - CUDA Error", "stage": "Inference"},
              dimension="root_cause")
    f = facts(prose="x")
    assert collect(f, r, {"symptom": "Crash - CUDA Error - Out of Memory", "stage": "Inference"})
    assert collect(f, r, {"symptom": "Crash", "stage": "Inference"}) == []
    assert collect(f, r, {}) == []


def test_patterns_are_case_insensitive_and_handle_chinese():
    r = rules({"id": "a", "node": "Hang", "weight": 1, "prose": "乱码|GIBBERISH"})
    assert collect(facts(prose="输出乱码"), r) and collect(facts(prose="pure gibberish"), r)


@pytest.mark.parametrize("rule, reason", [
    ({"id": "r1", "node": "Hang", "weight": 1, "prse": "x"}, "rule r1: unknown key 'prse'"),
    ({"id": "r1", "node": "Hang", "weight": 1, "prose": "(a"}, "rule r1: bad regex '(a'"),
    ({"id": "r1", "node": "Hang", "weight": 1, "prose": "(?=a)"}, "rule r1: bad regex"),
    ({"id": "r1", "node": "Hang", "weight": "heavy", "prose": "x"}, "rule r1: weight:"),
    ({"id": "r1", "node": "Hang", "weight": 1}, "rule r1: "),
    ({"id": "r1", "node": "Hang", "prose": "x"}, "rule r1: missing key 'weight'"),
    ({"id": "r1", "node": "Hang", "weight": 1, "error_kind": ["volcano"]}, "rule r1: error_kind"),
    ({"id": "r1", "node": "Hang", "weight": 0, "prose": "x"}, "rule r1: "),
    ({"id": "r1", "node": "Hang", "weight": 1, "prose": "x", "unless": {"titel": "y"}}, "rule r1: unknown key"),
])
def test_bad_rules_fail_with_file_rule_and_reason(rule, reason):
    with pytest.raises(RulesError) as exc:
        rules(rule)
    assert str(exc.value).startswith("rules/test.yml: ") and reason in str(exc.value)


def test_duplicate_ids_and_self_dependencies_are_rejected():
    with pytest.raises(RulesError, match="rule a: duplicate rule id"):
        rules({"id": "a", "node": "Hang", "weight": 1, "prose": "x"}, {"id": "a", "node": "Hang", "weight": 1, "prose": "y"})
    with pytest.raises(RulesError, match="rule a: symptom rules cannot depend"):
        rules({"id": "a", "node": "Hang", "weight": 1, "symptom": "Crash"})
    with pytest.raises(RulesError, match="rule b: symptom rules cannot depend"):
        rules({"id": "b", "node": "Hang", "weight": 1, "prose": "x", "unless": {"any": [{"stage": "Inference"}]}})


def test_file_level_errors():
    with pytest.raises(RulesError, match="rules/x.yml: unknown key 'rulez'"):
        load_evidence_text("x.yml", "dimension: symptom\nrulez: []\n")
    with pytest.raises(RulesError, match="rules/x.yml: invalid YAML"):
        load_evidence_text("x.yml", "dimension: [\n")
    with pytest.raises(RulesError, match="rules/x.yml: dimension"):
        load_evidence_text("x.yml", "dimension: colour\nrules: []\n")


def test_unresolved_evidence_gets_the_same_span_and_snippet_on_demand():
    from bot.core.evidence import PatternIndex

    rs = rules({"id": "g", "node": "Hang", "weight": 2, "prose": "garbled"},
               {"id": "e", "node": "Crash", "weight": 3, "error_kind": ["python"]})
    f = facts(title="Output is garbled", prose="the answer is garbled text", errors=[err()])
    scan = PatternIndex(rs).scan(f)
    lazy = collect(scan, rs, resolve=False)
    assert [(e.rule, e.span, e.text) for e in lazy] == [("g", None, ""), ("e", None, "")]
    assert [scan.resolved(e) for e in lazy] == collect(f, rs)
    assert scan.resolved(collect(f, rs)[0]) == collect(f, rs)[0]  # resolved evidence passes through


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
        scan = rs.index.scan(f)
        every = [ev for r in rs.rules[dim] if (ev := r.fire(scan, chosen)) is not None]
        assert collect(rs.index.scan(f), rs.rules[dim], chosen) == every
