"""Tests for memory: the weights' size from the model name and quantization, the GPUs' memory, and the fit."""

import pytest

from bot.core.memory import bytes_per_param, fit, gpu_gb, params_b
from tests.core.rules_dir import RULESET

TABLES = RULESET.tables


@pytest.mark.parametrize(("model", "params"), [
    ("Qwen/Qwen2.5-72B-Instruct", 72), ("qwen2.5-coder:32b", 32), ("Llama-3.1-8B", 8), ("Qwen3-30B-A3B", 30),
    ("deepseek-ai/DeepSeek-V3", 685), ("DeepSeek-R1-Distill-Qwen-1.5B", 1.5), ("Mixtral-8x7B-Instruct", None),
    ("Qwen2.5-Instruct", None),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", 109),  # the name states the active size: the table has the total
])
def test_parameters_come_from_the_name_or_the_table(model, params):
    assert params_b(model, TABLES.model_params) == params


@pytest.mark.parametrize(("model", "quant", "runtimes", "size"), [
    ("Qwen2.5-72B-Instruct-AWQ", "", [], 0.55), ("Qwen2.5-7B-Instruct", "GPTQ-Int8", [], 1.05),
    ("Qwen2.5-7B-Instruct", "", [], 2.0), ("qwen2.5:7b", "", ["ollama"], 0.6), ("DeepSeek-V3", "", [], 1.0),
    ("DeepSeek-R1-Distill-Qwen-32B", "", [], 2.0), ("DeepSeek-R1 671B", "", [], 1.0),  # the FP8 checkpoint itself
])
def test_bytes_per_parameter_follow_the_quantization(model, quant, runtimes, size):
    assert bytes_per_param(model, quant, runtimes, TABLES) == size


def test_gpu_memory_is_stated_or_the_largest_variant_times_the_count():
    assert gpu_gb("A100 40GB", "", TABLES.gpu_memory_gb) == 40
    assert gpu_gb("NVIDIA A100-SXM4-80GB", "8", TABLES.gpu_memory_gb) == 640
    assert gpu_gb("Tesla V100", "", TABLES.gpu_memory_gb) == 32  # 16 or 32 GB: the larger, never over-warn
    assert gpu_gb("Apple M2", "", TABLES.gpu_memory_gb) is None
    assert gpu_gb("NVIDIA A10G", "", TABLES.gpu_memory_gb) == 24  # the G of A10G is no size


def test_only_weights_clearly_over_the_gpus_memory_are_a_finding():
    over = fit({"model": "Qwen2.5-72B-Instruct", "gpu": "2 x RTX 4090", "gpu_count": "2"}, [], TABLES)
    assert over == {"weights_gb": "144", "gpus_gb": "48", "weights_bytes": "2.0", "weights_exceed_gpus": "true",
                    "weights_gb_4bit": "43", "room_gb_4bit": "3", "weights_gb_8bit": "76", "weights_precision": "16-bit"}
    assert "weights_exceed_gpus" not in fit({"model": "Qwen2.5-72B-Instruct-AWQ", "gpu": "2 x RTX 4090",
                                             "gpu_count": "2"}, [], TABLES)
    assert fit({"model": "Qwen2.5-72B-Instruct"}, [], TABLES) == {}  # no GPU named: nothing to compare


def test_room_is_what_the_weights_leave_and_only_for_a_memory_that_is_sure():
    got = fit({"model": "Qwen2.5-14B-Instruct", "gpu": "RTX 3060"}, [], TABLES)  # the 3060 of the table: 12 GB
    assert (got["weights_gb"], got["weights_gb_4bit"], got["room_gb_4bit"]) == ("28", "8", "2")
    assert "room_gb" not in got  # 28 GB of 16-bit weights leave nothing
    assert fit({"model": "Llama-3.1-8B-Instruct", "gpu": "H100"}, [], TABLES)["room_gb"] == "63"
    unsure = fit({"model": "Llama-3.1-8B-Instruct", "gpu": "A100"}, [], TABLES)  # 40 or 80 GB
    assert "room_gb" not in unsure and "room_gb_4bit" not in unsure
    assert fit({"model": "Llama-3.1-8B-Instruct", "gpu": "A100 40GB"}, [], TABLES)["room_gb"] == "23"
    assert "weights_gb_4bit" not in fit({"model": "Qwen2.5-32B-Instruct-AWQ", "gpu": "RTX 4090"}, [], TABLES)


def test_no_capacity_answer_when_the_title_asks_about_another_model():
    from bot.core.rules.scan import Scan
    from bot.core.triage import triage

    d = triage("Can Llama 4 Scout run on a single RTX 4090 (24 GB)?",
               "One RTX 4090 (24 GB). Would int4 work, or should I stay on Llama 3.1 8B?", RULESET)
    assert d.facts.env["model"].value == "Llama 3.1 8B"  # the body's fallback is what extraction reads
    assert Scan(d.facts, RULESET).env["title_model_family"] == "llama4"
    assert not [w for w in d.warnings if w.id.startswith("capacity-")]  # so no "by memory, yes" about it


def test_a_small_vision_language_models_4bit_build_keeps_its_16_bit_tower():
    vl = fit({"model": "Qwen2.5-VL-7B-Instruct", "gpu": "RTX 3060 12GB"}, [], TABLES)
    text = fit({"model": "Qwen2.5-7B-Instruct", "gpu": "RTX 3060 12GB"}, [], TABLES)
    assert int(vl["weights_gb_4bit"]) >= 6 and int(text["weights_gb_4bit"]) <= 5
