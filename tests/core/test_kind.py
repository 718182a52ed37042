"""Tests for the issue kind: failure reports, questions, feature requests, write-ups."""

import pytest

from bot.core.extract import extract
from bot.core.kind import issue_kind


@pytest.mark.parametrize("title, body, kind", [
    ("Can I run Qwen2.5-72B on a 12 GB card?", "I have a 3060.", "question"),
    ("How to set max_model_len?", "I want longer prompts.", "question"),
    ("请问如何在4090上部署", "谢谢", "question"),
    ("R1-Distill-Qwen-32B 能在单张 4090 上跑吗？用哪种量化比较好", "手上只有一张 4090。", "question"),
    ("[Usage]: how to use LoRA adapters", "Is it supported with tp=2?", "question"),
    ("Please support DeepSeek-V3 in lmdeploy", "It is a new MoE model.", "feature"),
    ("[Feature]: support for Qwen3", "x", "feature"),
    ("[REQUEST] prebuilt wheels", "Building ops takes an hour and often fails.", "feature"),
    ("Please add gemma3 to the library", "It was released today.", "feature"),
    ("PSA: fix for the tokenizer error", "If you see ValueError: x, upgrade transformers.", "other"),
    ("Write-up: training new tokens with LoRA", "Sharing what worked for us.", "other"),
    ("CUDA OOM on A100", "torch.OutOfMemoryError: CUDA out of memory", "bug"),
    ("Can I run Qwen2.5-32B on a 24GB card?", "Loading in bf16 gives CUDA out of memory.", "bug"),
    ("Is llama3.2-vision not supported?", "```\nError: unknown model architecture: 'mllama'\n```", "bug"),
    ("模型加载报错", "xx", "bug"),
    ("[Bug]: why does the base model's eos differ?", "It would be great to align them.", "bug"),
    ("Why special tokens such as <|fim_pad|> in generated text ?", "They show up at the end.", "bug"),
    ("Results: LoRA vs DoRA on a 7B", "Sharing numbers from our comparison.", "other"),
    ("Working SLURM script for multi-node ZeRO-3 (sharing)", "Took us a while to get right.", "other"),
    ("Use NVIDIA and AMD GPUs together", "I have both cards. Would be great to split layers across them.", "feature"),
    ("[Usage]: run fully offline", "The server has no internet; loading fails with a timeout. Which flags?", "question"),
    ("Output is garbled after fine-tuning", "my outputs", "bug"),
    ("Sharing: how I got tool calls working with vLLM", "tool_calls was empty until I set the parser.", "other"),
    ("tool_calls always empty with vLLM", "Not a bug, just writing this up: the fix was --tool-call-parser.", "other"),
    ("tool_calls always empty with vLLM", "Not a bug? The tool_calls list stays empty with hermes.", "bug"),
    ("[Usage]: solved - TP=2 on two 4090s hangs at start", "NCCL_P2P_DISABLE=1 fixed it, writing it down.", "other"),
    ("Please update vendored llama.cpp: unknown model architecture: 'gemma3'", "```\nunknown model architecture: "
     "'gemma3'\n```", "feature"),
    ("[Resolved/Tip] Mixtral on two A6000 with TP=2", "Without --max-model-len it fails with\n```\nValueError: bad len\n"
     "```\nWith it, it serves fine.", "other"),  # two tags: the first counts
    ("[Bug/Regression]: Qwen2 crashes on start", "```\nValueError: bad\n```", "bug"),
    ("Qwen2.5-72B 需要哪个版本的 vLLM？四张 4090 能跑吗", "想部署给组里用。", "question"),
    ("满血版 R1 本地部署需要什么配置？8 张 4090 够吗", "公司想本地部署，不是蒸馏版。", "question"),
    ("Tip: fp16 on a T4 instead of bf16", "```\nValueError: Your setup doesn't support bf16/gpu.\n```\nUse fp16=True on "
     "Turing; it trains fine.", "other"),  # a tip quotes the error it solved
    ("Crash with bf16 on T4", "Sharing in case it helps:\n```\nValueError: Your setup doesn't support bf16/gpu.\n```\n"
     "fp16 works.", "other"),
    ("Tips needed: bf16 crash on T4", "```\nValueError: Your setup doesn't support bf16/gpu.\n```", "bug"),
    ("api slow", "very slow today and sometimes server busy, is there a problem?", "other"),  # the hosted service
    ("官网一直提示服务器繁忙", "从早上开始就这样。", "other"),
    ("API not working", "deepseek-reasoner API doesn't work since this morning, my app is down.", "other"),
    ("Local R1 answers worse than chat.deepseek.com", "I run it locally and it gets simple puzzles wrong.", "bug"),
    ("Gemma 2 on a single L4 with vLLM", "Sharing this in case others try the same: --max-model-len 4096 is enough.",
     "other"),
    ("responses very slow tonight", "The hosted chat says the server is busy every few messages. Outage?", "other"),
    ("官网一直提示服务器繁忙", "从早上开始网页版每次提问都这样，付费 API 也很慢。", "other"),
    ("server busy with my local R1", "vllm serve deepseek-ai/DeepSeek-R1-Distill-Qwen-7B answers 'server busy' under load.",
     "bug"),  # a local engine named: its own server, not the hosted one
    ("Local R1 misses what the website gets right", "The website's R1 solves it; my ollama run deepseek-r1:8b does not.",
     "bug"),  # the website is only the comparison
])
def test_kind(title, body, kind):
    assert issue_kind(extract(title, body)) == kind


def test_asking_for_code_or_weights_to_be_released_is_a_feature_request():
    from bot.core.extract import extract
    from bot.core.kind import issue_kind

    assert issue_kind(extract("Please release inference code for MTP", "The report says the module can be reused.")) == "feature"
    assert issue_kind(extract("Release notes for 0.6 are wrong", "The notes list a flag that does not exist.")) == "bug"


def test_a_feature_request_form_is_a_request_even_when_it_quotes_an_error():
    from bot.core.extract import extract
    body = ("### Feature request\n\nLoading a GGUF of Qwen3-30B-A3B gives\n\n```\nValueError: GGUF model with architecture "
            "qwen3moe is not supported yet.\n```\n\nPlease add qwen3moe.\n\n### Motivation\n\nI only have GGUF files.")
    assert issue_kind(extract("GGUF qwen3moe is not supported yet", body)) == "feature"


@pytest.mark.parametrize("title, body, kind", [
    ("DPO rewards/margins stay flat for 200 steps, is this normal?", "Using trl 0.12 with beta 0.1 on my own pairs.",
     "question"),
    ("Loss spikes every epoch start — is the training broken?", "Full fine-tune, cosine schedule, loss recovers.",
     "question"),
    ("验证集 loss 先升后降，这正常吗", "用 LLaMA-Factory 做 LoRA，学习率 1e-4。", "question"),
    ("Loss is nan after 10 steps, is this normal?", "```\nRuntimeError: Function 'MulBackward0' returned nan values "
     "in its 0th output.\n```", "bug"),  # it pastes an error: a failure report
    ("Qwen2.5 outputs gibberish on vllm 0.6.3", "Is this expected? The same prompt works in transformers.", "bug"),
    ("Arc A770 support on Linux?", "Not really a bug, more of a question before I buy the card: does the SYCL build "
     "run 14B models?", "question"),
    ("Arc A770 crashes", "Not really a bug, more of a question:\n```\nRuntimeError: could not create a primitive\n```",
     "bug"),
])
def test_a_title_asking_whether_what_they_see_is_expected_is_a_question(title, body, kind):
    assert issue_kind(extract(title, body)) == kind
