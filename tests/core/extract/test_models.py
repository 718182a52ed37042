"""Tests for models: checkpoint names, repo ids, bare sizes and quantization."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.extract.models import clean_model, parse_models
from bot.core.extract.segment import Chunk


def names(text: str, source: str = "prose") -> list[str]:
    """Model names found, in order."""
    return [c.value for c in parse_models(Chunk.of(text), source) if c.key == "model"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I run Qwen2.5-14B-Instruct-AWQ on vLLM", "Qwen2.5-14B-Instruct-AWQ"),
        ("running llama-2-70b-chat (no HF)", "llama-2-70b-chat"),
        ("vllm serve deepseek-ai/DeepSeek-V3 --tp 8", "deepseek-ai/DeepSeek-V3"),
        ("see https://huggingface.co/Qwen/Qwen-7B/blob/main/x", "Qwen/Qwen-7B"),
        ("ollama run qwen2:7b", "qwen2:7b"),
        ("拿Qwen14b做了微调", "Qwen14b"),
        ("Meta-Llama-3-8B-Instruct loads fine", "Meta-Llama-3-8B-Instruct"),
        ("DeepseekV3 on 8 GPUs", "DeepseekV3"),
        ("model_path = '/data/models/Mistral-7B-Instruct-v0.2'", "Mistral-7B-Instruct-v0.2"),
        ("Codeqwen 1.5 stops early", "Codeqwen 1.5"),
        ("glm-4-9b-chat crashes", "glm-4-9b-chat"),
        ("DeepSeek R1 thinks forever", "DeepSeek R1"),
        ("I use Qwen2.5 72B instruct", "Qwen2.5 72B"),
        ("llama 2 7b chat is slow", "llama 2 7b"),
    ],
)
def test_model_names(text, name):
    assert names(text)[0] == name


@pytest.mark.parametrize(
    "text",
    ["built llama.cpp from source", "pip install llama-cpp-python", "see QwenLM/Qwen2.5 issues", "ollama is great",
     "modeling_qwen.py line 3", "LLaMA-Factory fails", "the qwen model", "Qwen2ForCausalLM.forward",
     "LlamaAttention is slow", "Qwen2Tokenizer does not exist", "pip install qwen-vl-utils"],
)
def test_tools_and_files_are_not_models(text):
    assert names(text) == []


def test_repo_org_kept_only_for_repo_ids_not_deep_paths():
    assert names("/home/me/models/Qwen2-7B-Instruct/config") == ["Qwen2-7B-Instruct"]


def test_quantization_from_name_and_prose():
    cands = parse_models(Chunk.of("Qwen1.5-32B-Chat-GPTQ-Int4 with load_in_4bit and Q4_K_M"), "prose")
    quants = [c.value for c in cands if c.key == "quantization"]
    assert quants[0] == "GPTQ-Int4"
    assert "load_in_4bit" in quants and "Q4_K_M" in quants


def test_bare_size_only_without_a_named_model():
    sizes = [c.value for c in parse_models(Chunk.of("the 7B model is slow"), "prose") if c.key == "model_size"]
    assert sizes == ["7B"]
    both = parse_models(Chunk.of("the 7B Qwen2-7B model"), "prose")
    assert not [c for c in both if c.key == "model_size"]


def test_llama1_checkpoint_dirs():
    sizes = [c.value for c in parse_models(Chunk.of("--ckpt_dir models/13B --tokenizer"), "log")]
    assert "13B" in sizes


def test_clean_model_rejects_familyless_words():
    assert clean_model("qwen") is None
    assert clean_model("Qwen2-7B.") == "Qwen2-7B"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="qwen-7bGPTQgptqAWQawqINT48int/_fpw8a1", max_size=30))
def test_quant_suffix_needs_one_of_the_quant_words(name):
    from bot.core.extract.common import first
    from bot.core.extract.models import _QUANT_SUFFIX, _has_quant_word

    assert first(_QUANT_SUFFIX, name) is None or _has_quant_word(name)


@pytest.mark.parametrize(
    ("text", "name", "start"),
    [("Qwen2-7B at line start", "Qwen2-7B", 0), ("(Qwen2-7B)", "Qwen2-7B", 1), ("中Qwen2-7B", "Qwen2-7B", 1),
     ("x\nqwen2-7b", "qwen2-7b", 2), ("\u017ftarcoder2-3b", "\u017ftarcoder2-3b", 0),
     ("\u212aimi-k2 too", "\u212aimi-k2", 0), ("é\u212aimi-k2", "\u212aimi-k2", 1)],
)
def test_name_starts_after_the_character_before_it_but_not_at_a_line_start(text, name, start):
    (model,) = [c for c in parse_models(Chunk.of(text, 10), "prose") if c.key == "model"]
    assert (model.value, model.span) == (name, (10 + start, 10 + start + len(name)))


def test_quantizations_listed_as_options_are_not_the_one_run():
    from bot.core.extract import extract
    f = extract("Which checkpoint?", "Is this possible, and which checkpoint should I use? bf16 / GPTQ-Int8 / GPTQ-Int4 / AWQ?")
    assert "quantization" not in f.env
    assert extract("t", "I serve the GPTQ-Int8 checkpoint with vLLM.").env["quantization"].value == "GPTQ-Int8"
