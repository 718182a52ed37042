"""Fixes written for another stack than the one an issue runs are ruled out (bot/core/rules/fixes.py)."""

import pytest

from bot.core.rules import fixes
from bot.core.ruleset import RuleSet
from bot.core.triage import triage


@pytest.mark.parametrize(("file", "runtimes", "off"), [
    ("vllm.yml", ["sglang"], True),  # a vLLM flag for an sglang user
    ("llamacpp.yml", ["ollama", "llama_cpp"], True),  # a llama-cpp-python gate for an Ollama user
    ("torch_cuda.yml", ["llama_cpp"], True),  # a PyTorch allocator setting for llama.cpp
    ("vllm.yml", ["vllm", "transformers"], False),
    ("torch_cuda.yml", ["sglang"], False),  # sglang runs PyTorch
    ("transformers.yml", ["vllm"], False),
    ("ollama.yml", [], False),  # no runtime known: nothing ruled out
    ("models.yml", ["ollama"], False),
])
def test_a_fix_for_another_stack_is_ruled_out(file, runtimes, off):
    assert fixes.off_stack(file, runtimes) is off


def test_an_sglang_report_gets_no_vllm_fix():
    rs = RuleSet.load()
    d = triage("OOM when serving", "python -m sglang.launch_server --model-path Qwen/Qwen2.5-72B-Instruct --tp 2\n"
               "vllm is installed too.\n```\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n```",
               rs)
    assert d.facts.runtimes[0] == "sglang"
    assert not [f.id for f in d.fixes if f.id.startswith("oom-vllm")]
