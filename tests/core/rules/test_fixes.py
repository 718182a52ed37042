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


@pytest.mark.parametrize(("line", "types"), [
    ("KeyError: 'qwen3'", {"qwen3"}),
    ("ValueError: The checkpoint you are trying to load has model type `qwen2_5_vl` but Transformers does not "
     "recognize this architecture.", {"qwen25vl"}),
    ("ValueError: Model architectures ['Qwen3MoeForCausalLM'] are not supported for now.", {"qwen3moe"}),
    ("Error: unknown model architecture: 'llama4'", {"llama4"}),
    ("RuntimeError: CUDA error: out of memory", set()),
])
def test_the_model_type_an_error_names(line, types):
    kind, _, message = line.partition(": ")
    error = type("E", (), {"type": kind, "message": message})()
    assert fixes.named_types([error]) == types


@pytest.mark.parametrize(("title", "body", "shown", "ruled_out"), [
    # the error names the model type: another family's gate is ruled out
    ("KeyError: 'qwen3' when loading Qwen3-4B", "Qwen2.5 loads fine.\n```\nTraceback (most recent call last):\n"
     "  File \"run.py\", line 5, in <module>\nKeyError: 'qwen3'\n```\ntransformers 4.46.3",
     "gate-qwen3-transformers", "gate-qwen2-transformers"),
    # of two family gates, the one for the model the issue runs wins
    ("Qwen2.5-VL on lmdeploy fails", "Qwen2-VL works fine. `lmdeploy serve api_server Qwen/Qwen2.5-VL-7B-Instruct`:\n"
     "```\nRuntimeError: Can not found rewrite for architectures: ['Qwen2_5_VLForConditionalGeneration']\n```",
     "gate-qwen2_5_vl-lmdeploy", "gate-qwen2_vl-lmdeploy"),
])
def test_only_the_gate_of_the_failing_models_family_is_kept(title, body, shown, ruled_out):
    ids = [f.id for f in triage(title, body, RuleSet.load()).fixes]
    assert shown in ids and ruled_out not in ids
