"""COND compiled and matched: haystacks, alternatives, fragments, env tests, combinators, typed hits, the bounded cache."""

import pytest

from bot.core.rules.compile import Compiler, decided, regex_cache
from bot.core.rules.load import cond_of
from bot.core.rules.scan import Scan
from tests.core.make_facts import make_facts

FACTS = make_facts("vllm hangs\nthe model keeps repeating itself",
                   errors=[("torch.OutOfMemoryError", "CUDA out of memory")], package="vllm",
                   env={"torch": "2.1.0+cu121", "gpu": "Tesla V100-SXM2-32GB", "python": "3.12.1"})


def _holds(mapping, pooled=True, **frags):
    compiler = Compiler(frags)
    node = compiler.cond(cond_of(mapping))
    compiler.freeze()
    if not pooled:  # compiled after freeze: a pool of its own
        node = compiler.cond(cond_of(mapping))
    scan = Scan(FACTS)
    scan.chosen = {"symptom": "Crash - CUDA Error - Out of Memory", "stage": "Inference"}
    return node.hit(scan)


@pytest.mark.parametrize("pooled", [True, False])
@pytest.mark.parametrize("mapping, expected", [
    ({"match": "repeating", "in": "prose"}, True),
    ({"match": "repeating", "in": "title"}, False),
    ({"match": ["nope", "hangs"], "in": ["title", "code"]}, True),
    ({"match": "OutOfMemoryError: CUDA", "in": "errors"}, True),
    ({"match": "python=3\\.12", "in": "env"}, True),
    ({"match": "{{oom}}", "in": "errors"}, True),
    ({"error": {"type": "OutOfMemory", "package": ["vllm"]}}, True),
    ({"error": {"type": "OutOfMemory", "package": ["numpy"]}}, False),
    ({"error": {"line": "Error: CUDA out", "kind": ["python", "oom"]}}, True),
    ({"env": {"gpu_cc": "<8.0", "torch_cuda_major": "==12", "python": ">=3.12,<3.13"}}, True),
    ({"env": {"python": "<{gpu_cc}"}}, True),
    ({"env": {"gpu": {"matches": "v100"}, "vllm": "absent"}}, True),
    ({"env": {"vllm": "present"}}, False),
    ({"env": {"transformers": "<9"}}, False),  # unknown values never satisfy a comparison
    ({"symptom": ["crash - cuda error"], "stage": "Inference", "language": "en"}, True),
    ({"root_cause": ["Hardware"]}, False),
    ({"runtime": ["ollama"]}, False),
    ({"any": [{"match": "nope", "in": "whole"}, {"not": {"match": "nope", "in": "whole"}}]}, True),
    ({"all": [{"match": "hangs", "in": "title"}, {"match": "nope", "in": "prose"}]}, False),
])
def test_conditions(mapping, expected, pooled):
    assert (_holds(mapping, pooled, oom="out of memory") is not None) == expected


def test_a_match_hit_names_haystack_alternative_and_span():
    compiler = Compiler()
    node = compiler.cond(cond_of({"match": ["nope", "keeps \\w+"], "in": ["prose"]}))
    compiler.freeze()
    scan = Scan(FACTS)
    hit = scan.resolve(node.hit(scan))
    assert (hit.hay, hit.alt, hit.text) == ("prose", 1, "keeps repeating")
    assert FACTS.text[hit.span[0]:hit.span[1]] == "keeps repeating"


@pytest.mark.parametrize("mapping, reason", [
    ({"match": "x"}, "`match` needs `in`"),
    ({"in": "prose"}, "`match` needs `in`"),
    ({"match": "x", "in": "body"}, "in"),
    ({}, "empty condition"),
    ({"any": []}, "must not be empty"),
    ({"env": {"torch": "~2"}}, "expected present, absent"),
    ({"match": "(x", "in": "prose"}, "bad regex"),
    ({"match": "{{missing}}", "in": "prose"}, "unknown pattern fragment"),
])
def test_bad_conditions_say_why(mapping, reason):
    with pytest.raises(ValueError, match=None) as exc:
        Compiler().cond(cond_of(mapping))
    assert reason in str(exc.value)


def test_the_regex_cache_is_bounded():
    cache = regex_cache(size=2)
    for pat in ("a", "b", "c", "a"):
        cache(pat)
    assert cache.cache_info().currsize == 2


def test_compile_cond_after_loading_matches_like_a_loaded_rule():
    from bot.core.rules import compile_cond
    from bot.core.triage import triage
    from tests.core.rules_dir import RULESET

    node = compile_cond({"match": ["ollama run", "ollama serve"], "in": "whole", "env": {"ollama": "absent"}}, RULESET)
    facts = triage("slow", "I use ollama run qwen2 and it is slow", RULESET).facts
    assert Scan(facts, RULESET).holds(node) and not Scan(FACTS).holds(node)
    with pytest.raises(ValueError, match="`match` needs `in`"):
        compile_cond({"match": "x"})


@pytest.mark.parametrize("mapping, reads", [
    ({"match": "repeating", "in": "prose"}, False),
    ({"env": {"torch": ">=2.0"}, "runtime": ["vllm"], "language": "zh"}, False),
    ({"symptom": ["Crash"]}, True),
    ({"any": [{"match": "x", "in": "prose"}, {"kind": ["bug"]}]}, True),
    ({"not": {"stage": ["Inference"]}}, True),
])
def test_decided_tells_the_conditions_that_read_what_triage_decides(mapping, reads):
    assert decided(Compiler().cond(cond_of(mapping))) is reads


@pytest.mark.parametrize("mapping, expected", [
    ({"env": {"gpu_cc": ">=7.0"}}, True),  # gpu_cc derived from the V100: 7.0
    ({"env": {"gpu_cc": "<7.0"}}, False),
    ({"env": {"python": ">={torch}"}}, True),  # a reference is read per issue: 3.12.1 >= 2.1.0
    ({"env": {"python": "<banana"}}, False),  # a constant that is no version never holds
])
def test_env_comparisons_with_parsed_constants_and_references(mapping, expected):
    assert (_holds(mapping) is not None) is expected
