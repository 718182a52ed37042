"""Tests for stack: which runtimes an issue uses, the one it fails in or runs first."""

import pytest

from bot.core.extract import extract
from bot.core.extract.stack import compared_only


def test_the_engine_the_code_runs_leads_one_the_prose_compares_with():
    body = "With `ollama run qwen2.5:14b` it is fast.\n\n```\n./llama-server -m qwen2.5-14b.gguf -ngl 99\n```"
    assert extract("llama-server is slow", body).runtimes[:2] == ["llama_cpp", "ollama"]


def test_the_engine_in_the_failing_frames_leads():
    body = ('vllm serve works fine, but\n```\nTraceback (most recent call last):\n  File "/usr/lib/python3.10/'
            'site-packages/sglang/srt/server.py", line 1, in run\nValueError: bad\n```')
    assert extract("sglang fails", body).runtimes[0] == "sglang"


def test_a_gguf_file_alone_does_not_make_it_llama_cpp():
    body = "```\nFROM ./qwen2.5-7b-instruct-q5_k_m.gguf\nTEMPLATE \"{{ .Prompt }}\"\n```\nThe answer ends with <|im_end|>."
    assert extract("imported model prints im_end", body).runtimes[0] == "ollama"
    assert extract("slow", "`vllm serve ./model-Q4_K_M.gguf` takes 20 minutes to load").runtimes[0] == "vllm"


@pytest.mark.parametrize("title, body, launcher, last", [
    ("Thinking never ends", "I run it with transformers 4.51. 同样的问题在 ollama 上没有出现，回答很正常。", "transformers",
     "ollama"),
    ("OOM on a big image", "Loaded with from_pretrained, bf16. The same image works through vLLM on this card.",
     "transformers", "vllm"),
    ("Rambles forever", "With `llama-cli -m x.gguf -cnv` it chats perfectly.\n\n### Ollama version\n\n0.6.5",
     "ollama", "llama_cpp"),
])
def test_an_engine_named_only_as_working_is_the_comparison_not_the_launcher(title, body, launcher, last):
    facts = extract(title, body)
    assert facts.env["launcher"].value == launcher
    assert facts.runtimes[-1] == last


@pytest.mark.parametrize("body", [
    "Fine-tuning with DeepSpeed ZeRO-3 on 8 GPUs, the loss becomes nan.",  # "Fine-tuning" is not "fine"
    "vllm serve works fine with 0.5.4 but crashes after upgrading.",  # the same engine, another version
    "It works fine in ollama, and it fails in ollama too when the context is long.",  # named failing as well
])
def test_an_engine_also_named_failing_or_in_use_is_not_a_comparison(body):
    assert compared_only(body, {}) == set()
