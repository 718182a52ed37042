"""A fix's command fitted to the reporter, as the comment shows it."""

import pytest

from tests.core.rules_dir import visible_comment


def test_a_fix_command_names_the_model_the_reporter_serves_and_no_placeholder():
    body = ("Starting the server on two RTX 2080 Ti fails:\n```\nCUDA_VISIBLE_DEVICES=0,1 vllm serve \\\n"
            "  mistralai/Mistral-7B-Instruct-v0.3 --tensor-parallel-size 2\n```\n```\nValueError: Bfloat16 is only "
            "supported on GPUs with compute capability of at least 8.0. Your NVIDIA GeForce RTX 2080 Ti GPU has "
            "compute capability 7.5. You can use float16 instead by explicitly setting the `dtype` flag in CLI, for "
            "example: --dtype=half.\n```")
    shown = visible_comment("vllm serve fails on 2080 Ti", body)
    assert ("CUDA_VISIBLE_DEVICES=0,1 vllm serve mistralai/Mistral-7B-Instruct-v0.3 --tensor-parallel-size 2 "
            "--dtype half") in shown and "MODEL" not in shown  # their own line, with the fix's flag added
    two = body.replace("size 2\n", "size 2\nvllm serve Qwen/Qwen2.5-7B-Instruct\n")  # two models: which one?
    assert "vllm serve MODEL" in visible_comment("vllm serve fails on 2080 Ti", two)


def test_a_fix_command_sets_its_flags_on_the_reporters_own_command_line():
    body = ("```\n$ vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 32768 --tensor-parallel-size 2\n```\n```\n"
            "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored "
            "in KV cache (11488). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when "
            "initializing the engine.\n```")
    shown = visible_comment("vllm serve fails at startup", body)
    assert ("vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 11488 --tensor-parallel-size 2 --kv-cache-dtype fp8"
            in shown)
    secret = body.replace("--tensor-parallel-size 2", "--tensor-parallel-size 2 --api-key abc123")
    shown = visible_comment("vllm serve fails at startup", secret)
    assert "abc123" not in shown and "vllm serve Qwen/Qwen2.5-7B-Instruct --kv-cache-dtype fp8" in shown


@pytest.mark.parametrize("said, shown", [
    ("Our servers are air-gapped; the company mirror only has up to 4.50.3.", False),
    ("I use vLLM offline inference with LLM() in a script.", True),  # vLLM's batch mode: PyPI is reachable
])
def test_no_pip_command_for_a_reporter_who_cannot_reach_pypi(said, shown):
    body = (f"transformers 4.50.3, torch 2.5.1. {said}\n```\nValueError: The checkpoint you are trying to load has "
            "model type `qwen3` but Transformers does not recognize this architecture.\n```")
    comment = visible_comment("Qwen3-8B does not load", body)
    assert "4.51" in comment and ("\npip install" in comment) is shown


def test_a_command_step_installing_what_the_issue_has_is_left_out():
    body = ("torch 2.6.0+cu124, 16 GB RAM. ninja is installed (`ninja --version` prints 1.11.1). `pip install flash-attn "
            "--no-build-isolation` starts compiling, the desktop freezes, and after half an hour:\n```\n      FAILED: "
            "/tmp/pip-install-ab12/flash-attn_9f/build/temp.linux-x86_64-cpython-311/csrc/flash_attn/src/"
            "flash_fwd_hdim128_bf16_sm80.o\n      Killed\n      RuntimeError: Error compiling objects for extension\n"
            "  ERROR: Failed building wheel for flash-attn\n```")
    shown = visible_comment("flash-attn build killed", body)
    assert "MAX_JOBS=4 pip install flash-attn" in shown and "pip install ninja" not in shown
    assert "pip install ninja" in visible_comment("flash-attn build killed", body.replace("ninja is installed (`ninja "
                                                                                 "--version` prints 1.11.1). ", ""))
