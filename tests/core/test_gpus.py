"""Tests for gpus: the compute-capability table and free-text lookup."""

import pytest

from bot.core.gpus import compute_capability, model_token


@pytest.mark.parametrize(
    ("text", "cc"),
    [
        ("Tesla V100-SXM2-32GB", "7.0"), ("2x T4", "7.5"), ("NVIDIA A100-SXM4-80GB", "8.0"), ("A800 8卡", "8.0"),
        ("NVIDIA A10G", "8.6"), ("rtx 3090 (24gb)", "8.6"), ("RTX A6000", "8.6"), ("NVIDIA GeForce RTX 4090", "8.9"),
        ("RTX 4090D", "8.9"), ("NVIDIA L40S", "8.9"), ("NVIDIA L4", "8.9"), ("NVIDIA L20", "8.9"),
        ("NVIDIA H100 80GB HBM3", "9.0"), ("H800", "9.0"), ("NVIDIA H20", "9.0"), ("B200", "10.0"),
        ("Tesla P100-PCIE-16GB", "6.0"), ("Tesla P40", "6.1"), ("GeForce GTX 1080 Ti", "6.1"), ("Tesla M40", "5.2"),
        ("2x Tesla K80", "3.7"), ("4卡(V100)", "7.0"), ("12 Gig 4070 Nvidia GPU", "8.9"),
    ],
)
def test_compute_capability(text, cc):
    assert compute_capability(text) == cc


@pytest.mark.parametrize("text", ["Apple M2 Max", "AMD MI300X", "Intel Arc", "", "a laptop"])
def test_unknown_gpus(text):
    assert compute_capability(text) is None


def test_model_token_prefers_the_longest_name():
    assert model_token("NVIDIA L40S") == "l40s"
    assert model_token("Quadro RTX 6000") == "quadro rtx 6000"
