"""Tests for nvidia: nvidia-smi header and table, `nvidia-smi -L` lines, nvcc."""

from bot.core.extract.nvidia import parse_nvidia
from bot.core.extract.segment import Chunk
from tests.core.extract import samples


def got(text: str) -> dict[str, str]:
    """Key -> value."""
    return {c.key: c.value for c in parse_nvidia(Chunk.of(text))}


def test_header_driver_and_cuda_max_never_cuda():
    env = got(samples.NVIDIA_SMI)
    assert env["cuda_driver"] == "535.183.01"
    assert env["cuda_max"] == "12.2"
    assert "cuda" not in env
    assert env["gpu"] == "2 x NVIDIA H100 80GB HBM3"
    assert env["gpu_count"] == "2"


def test_old_79_column_windows_header():
    env = got(samples.NVIDIA_SMI_OLD)
    assert env["cuda_driver"] == "517.40"
    assert env["cuda_max"] == "11.7"


def test_smi_dash_l_lines():
    env = got("GPU 0: Tesla V100-SXM2-32GB (UUID: GPU-1234)\nGPU 1: Tesla V100-SXM2-32GB (UUID: GPU-5678)\n")
    assert env["gpu"] == "2 x Tesla V100-SXM2-32GB"


def test_nvcc_release_is_the_toolkit():
    env = got("nvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 11.8, V11.8.89\n")
    assert env["cuda"] == "11.8"


def test_header_line_pasted_without_the_table():
    env = got("Driver Version: 550.54.15      CUDA Version: 12.4")
    assert (env["cuda_driver"], env["cuda_max"]) == ("550.54.15", "12.4")


def test_name_cut_to_its_column_gives_a_count_but_no_gpu():
    table = (
        "| NVIDIA-SMI 516.94       Driver Version: 516.94       CUDA Version: 11.7     |\n"
        "|   0  NVIDIA GeForce ... WDDM  | 00000000:01:00.0  On |                  N/A |\n"
    )
    env = got(table)
    assert "gpu" not in env and env["gpu_count"] == "1"


def test_mixed_gpus_are_each_named_not_multiplied():
    env = got("GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-a)\nGPU 1: NVIDIA GeForce RTX 3090 (UUID: GPU-b)\n")
    assert (env["gpu"], env["gpu_count"]) == ("NVIDIA GeForce RTX 4090, NVIDIA GeForce RTX 3090", "2")


def test_toolkit_from_a_versioned_path_or_the_cuda_base_image():
    assert got("/usr/local/cuda-11.8/bin/nvcc -c kernel.cu -o kernel.o")["cuda"] == "11.8"
    assert got("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04")["cuda"] == "12.4"


def test_header_pair_copied_into_a_list_with_a_comma():
    env = got("- Driver Version: 555.42.06, CUDA Version: 12.5")
    assert (env["cuda_driver"], env["cuda_max"]) == ("555.42.06", "12.5")
