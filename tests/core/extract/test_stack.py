"""Tests for stack: which runtimes an issue uses, the one it fails in or runs first."""

from bot.core.extract import extract


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
