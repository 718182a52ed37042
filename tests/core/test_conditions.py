"""Tests for the shared rule conditions: one-pass pattern banks, text views, env conditions, strict list loading."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.conditions import EnvCond, Pattern, PatternBank, Strict, TextView, load_list, pattern
from bot.core.rulefile import RulesError
from tests.core.make_facts import make_facts

SOURCES = [r"CUDA out of memory", r"KeyError: '?qwen\d", r"显存不足|爆显存", r"^\s*Killed\s*$", r"(?m)^/label",
           r"flash[-_ ]?attn", r"\bbf16\b", r"probability tensor contains either"]


def test_bank_agrees_with_single_searches():
    pats = [Pattern(src) for src in SOURCES]
    PatternBank(pats)
    texts = ["RuntimeError: CUDA OUT OF MEMORY", "keyerror: 'Qwen2'", "推理时显存不足", "Killed", "x\n/label +a",
             "uses flash_attn and BF16", "bf16x", "", "long " * 5000 + "probability tensor contains either inf"]
    for text in texts:
        view = TextView(make_facts(text))
        assert [p.found(view) for p in pats] == [p.rx.search(view.all) is not None for p in pats], text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdeqwnKilled:'\n /显存不足bf16_-attnflash", max_size=200))
def test_bank_agrees_on_random_text(text):
    pats = [Pattern(src) for src in SOURCES]
    PatternBank(pats)
    view = TextView(make_facts(text))
    assert [p.found(view) for p in pats] == [p.rx.search(view.all) is not None for p in pats]


def test_unregistered_pattern_searches_directly_and_haystacks_differ():
    view = TextView(make_facts("prose bf16", code=["import flash_attn"], errors=[("ValueError", "boom")]))
    assert pattern("flash_attn").found(view, "code") and not pattern("flash_attn").found(view, "prose")
    assert pattern("ValueError: boom").found(view) and pattern(None) is None


def test_bank_registers_a_pattern_once():
    p = Pattern("x")
    first = PatternBank([p])
    PatternBank([p, None])
    assert p.bank is first


@pytest.mark.parametrize("cond, env, expected", [
    ({"key": "vllm", "present": True}, {"vllm": "0.6"}, True),
    ({"key": "vllm", "present": False}, {"vllm": "0.6"}, False),
    ({"key": "os", "matches": "windows"}, {"os": "Windows 11"}, True),
    ({"key": "torch", "op": "<", "value": "2.2"}, {"torch": "2.1.2+cu121"}, True),
    ({"key": "torch", "op": "<", "value": "2.2"}, {}, False),
    ({"key": "a", "op": ">", "ref": "b"}, {"a": "12.1", "b": "11"}, True),
    ({"key": "a", "op": ">", "ref": "b"}, {"a": "12.1"}, False),
    ({"key": "a", "op": "==", "value": "1.0"}, {"a": "unknown"}, False),
])
def test_env_conditions(cond, env, expected):
    assert EnvCond.model_validate(cond).holds(env) is expected


@pytest.mark.parametrize("cond", [{"key": "a"}, {"key": "a", "present": True, "op": "<", "value": "1"},
                                  {"key": "a", "op": "<"}, {"key": "a", "present": True, "value": "1"},
                                  {"key": "a", "matches": "(?<=x)"}])
def test_bad_env_conditions(cond):
    with pytest.raises(ValueError):
        EnvCond.model_validate(cond)


class _Entry(Strict):
    id: str
    n: int


def test_load_list_names_the_broken_entry(tmp_path: Path):
    path = tmp_path / "things.yml"
    path.write_text("things:\n  - {id: a, n: 1}\n  - {id: b, n: x}\n")
    with pytest.raises(RulesError, match=r"^rules/things.yml: rule b: n: "):
        load_list(path, _Entry, "things")
    path.write_text("things:\n  - {n: 1}\n")
    with pytest.raises(RulesError, match=r"rule #1: id: Field required"):
        load_list(path, _Entry, "things")
