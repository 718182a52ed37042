"""Tests for envmatch: the per-key matching rule and precision/recall counting."""

import pytest

from bot.envmatch import match, score_env


@pytest.mark.parametrize(
    ("key", "pred", "truth", "ok"),
    [
        ("cuda", "12.1.105", "12.1", True),
        ("cuda", "12.1", "12.1.0", True),
        ("cuda", "11.8", "11.7", False),
        ("cuda", "11.7", "py3.10_cuda11.7_cudnn8.5.0_0", True),
        ("cuda", "12.6", "cuda_12.6", True),
        ("torch", "2.0.1+cu118", "2.0.1", True),
        ("torch", "2.0.1+cu117", "2.0.1+cuda117", True),
        ("vllm", "0.6.1.post2", "0.5.5 or 0.6.1.post2", True),
        ("python", "3.10.12", "3.10", True),
        ("python", "3.1", "3.10", False),
        ("gpu", "8 x NVIDIA A100-SXM4-80GB", "8 x NVIDIA A100", True),
        ("gpu", "4090", "多张4090", True),
        ("gpu", "V100", "4卡(V100)", True),
        ("gpu", "A100", "A100 / v100", True),
        ("gpu", "A10", "A100", False),
        ("gpu", "AMD Instinct MI300X", "MI300X", True),  # outside the NVIDIA table: matched by name
        ("gpu", "MI250X", "MI300X", False),
        ("gpu", "A100", "MI300X", False),
        ("os", "Ubuntu 22.04.3 LTS", "Ubuntu 22.04", True),
        ("os", "Ubuntu 20.04", "Ubuntu 22.04", False),
        ("os", "Windows 11", "windows", True),
        ("os", "WSL2", "WSL Ubuntu", True),
        ("model", "qwen2:7b", "Qwen2-7B", True),
        ("model", "Qwen/Qwen-7B-Chat", "Qwen-7B-Chat", True),
        ("model", "Qwen2.5-7B", "Qwen2.5-32B, Qwen2.5-14B, Qwen2.5-7B", True),
        ("model", "qwen-72B", "Qwen1.5-72b", False),
        ("quantization", "GPTQ-Int4", "gptq", True),
        ("quantization", "AWQ", "GPTQ-Int4", False),
        ("gpu_count", "8", "8", True),
    ],
)
def test_match(key, pred, truth, ok):
    assert match(key, pred, truth) is ok


def test_score_counts_only_keys_the_truth_states():
    pairs = [
        ({"torch": "2.1.0", "cuda": "12.1", "gpu": "A100"}, {"torch": "2.1", "cuda": "11.8"}),
        ({}, {"python": "3.10"}),
        ({"model": "Qwen2-7B"}, {"model": "qwen2-7b-instruct"}),
    ]
    s = score_env(pairs)
    assert s["torch"] == {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}
    assert (s["cuda"]["fp"], s["cuda"]["fn"]) == (1, 1)
    assert s["python"]["recall"] == 0.0 and s["python"]["precision"] == 1.0
    assert "gpu" not in s
    assert s["all"]["tp"] == 2 and s["all"]["fp"] == 1 and s["all"]["fn"] == 2
    assert s["all"]["precision"] == pytest.approx(2 / 3) and s["all"]["recall"] == pytest.approx(0.5)
