"""Tests for fix options struck by stated facts (`strike:`) and the `setting:` condition on a flag's stated value."""

from pathlib import Path

import pytest

from bot.core.rulefile import RulesError
from bot.core.rules.compile import Compiler
from bot.core.rules.load import cond_of
from bot.core.rules.scan import Scan
from bot.core.triage import triage
from tests.core.make_facts import make_facts
from tests.core.rules_dir import RULESET, broken_rules

KV = "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (9000)."


def _holds(cond: dict, text: str) -> bool:
    node = Compiler().cond(cond_of(cond))
    return node.hit(Scan(make_facts(text), RULESET)) is not None


@pytest.mark.parametrize("text, holds", [
    ("vllm serve m --gpu-memory-utilization 0.95", True),
    ("LLM(model=m, gpu_memory_utilization=0.9)", True),
    ("gpu_memory_utilization: 0.92 in my yaml", True),
    ("gpu_memory_utilization is already 0.95", True),
    ("vllm serve m --gpu-memory-utilization 0.7", False),
    ("vllm serve m --gpu-memory-utilization", False),
    ("my_gpu_memory_utilization=0.95", False),
])
def test_setting_reads_a_flag_or_key_value_in_any_spelling(text, holds):
    assert _holds({"setting": {"gpu_memory_utilization": ">=0.9"}}, text) is holds


def test_setting_comparisons_all_hold_on_one_stated_value():
    cond = {"setting": {"tensor_parallel_size": ">1,<8"}}
    assert _holds(cond, "--tensor-parallel-size 4") and not _holds(cond, "--tensor-parallel-size 8 then tp 1")


@pytest.mark.parametrize("test", ["0.9", ">=x", ">="])
def test_a_setting_without_a_numeric_comparison_is_rejected(test):
    with pytest.raises(ValueError, match="setting gpu_memory_utilization"):
        Compiler().cond(cond_of({"setting": {"gpu_memory_utilization": test}}))


def _title(body: str, fix: str) -> str:
    return next(f.title for f in triage("", body, RULESET).fixes if f.id == fix)


def test_options_the_stated_facts_rule_out_are_cut_and_the_rest_kept():
    fix = "vllm-kv-cache-too-small-for-max-len"
    both = _title(f"vllm serve m --gpu-memory-utilization 0.95 on my single RTX 3090\n```\n{KV}\n```", fix)
    neither = _title(f"vllm serve m --gpu-memory-utilization 0.6 on two A6000s\n```\n{KV}\n```", fix)
    assert "--max-model-len" in both and "gpu-memory-utilization" not in both and "tensor-parallel" not in both
    assert "raise --gpu-memory-utilization" in neither and "tensor-parallel" in neither


def test_the_chinese_title_is_struck_alike():
    body = f"单卡 4090，vllm serve m --gpu-memory-utilization 0.95 报错：\n```\n{KV}\n```"
    ref = next(f for f in triage("", body, RULESET).fixes if f.id == "vllm-kv-cache-too-small-for-max-len")
    assert "--max-model-len" in ref.title_zh and "gpu-memory-utilization" not in ref.title_zh
    assert "tensor-parallel-size" not in ref.title_zh


_FIX = ("kind: fix\nrules:\n  - id: a\n    title: 'do x, or do y'\n    url: https://docs.vllm.ai/x\n"
        "    cause: Hardware and Resource Limitations\n    source: url\n    when: {match: x, in: prose}\n"
        "    examples: {fires: [x]}\n    strike:\n      - {when: WHEN, text: TEXT, examples: {fires: [x]}}\n")


@pytest.mark.parametrize("when, text, reason", [
    ("{match: y, in: prose}", "', or do z'", "strike #1: text (and text_zh) must be part of title"),
    ("{env: {gpu_counts: '==1'}}", "', or do y'", "strike #1: unknown env key 'gpu_counts'"),
    ("{setting: {tp_size: '=1'}}", "', or do y'", "strike #1: setting tp_size"),
])
def test_a_broken_strike_names_file_rule_and_reason(tmp_path: Path, when, text, reason):
    with pytest.raises(RulesError) as exc:
        broken_rules(tmp_path, "fixes/zz.yml", _FIX.replace("WHEN", when).replace("TEXT", text))
    assert str(exc.value).startswith("rules/zz.yml: rule a") and reason in str(exc.value), str(exc.value)


def test_no_quantized_option_when_even_4_bits_cannot_fit():
    big = triage("Will it fit?", "Can I run Qwen2.5-72B-Instruct on one RTX 4080 16GB?", RULESET).warnings
    small = triage("Will it fit?", "Can I run Qwen2.5-32B-Instruct on one RTX 4090 24GB?", RULESET).warnings
    assert [w.id for w in big] == ["weights-exceed-gpus-even-4bit"] and "AWQ" not in big[0].message
    assert "still about `43` GB in 4 bits" in big[0].message
    assert [w.id for w in small] == ["capacity-4bit"] and "AWQ" in small[0].message  # 19 GB in 4 bits fit
