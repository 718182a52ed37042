"""Tests for envdumps: PyTorch and vLLM collect_env (old and new), transformers env, lmdeploy check_env."""

import pytest

from bot.core.extract import extract
from bot.core.extract.common import first
from bot.core.extract.envdumps import DUMP_LINE, dump_kind, parse_dump
from bot.core.extract.segment import Chunk
from tests.core.extract import samples


def facts(dump: str, source: str) -> dict[str, str]:
    """Key -> value from parse_dump over a dump."""
    return {c.key: c.value for c in parse_dump(Chunk.of(dump), source)}


@pytest.mark.parametrize(
    ("dump", "kind"),
    [
        (samples.TORCH_COLLECT_ENV, "collect_env"),
        (samples.VLLM_NEW, "vllm_env"),
        (samples.VLLM_OLD, "vllm_env"),
        (samples.TRANSFORMERS_V4, "transformers_env"),
        (samples.TRANSFORMERS_V5, "transformers_env"),
        (samples.LMDEPLOY, "lmdeploy_env"),
        ("just some code\nprint(1)", None),
    ],
)
def test_dump_kind(dump, kind):
    assert dump_kind(dump) == kind


def test_torch_collect_env():
    got = facts(samples.TORCH_COLLECT_ENV, "collect_env")
    assert got["torch"] == "2.1.0+cu121"
    assert got["torch_cuda"] == "12.1"
    assert got["python"] == "3.10.12"
    assert got["cuda"] == "12.1.105"
    assert got["cuda_driver"] == "535.104.05"
    assert got["os"] == "Ubuntu 22.04.3 LTS"


def test_vllm_new_layout_padded_labels():
    got = facts(samples.VLLM_NEW, "vllm_env")
    assert got["torch"] == "2.6.0+cu124"
    assert got["torch_cuda"] == "12.4"
    assert got["python"] == "3.12.9"
    assert got["vllm"] == "0.8.5.post1"
    assert got["cuda_driver"] == "550.127.05"
    assert "cuda" not in got  # "Could not collect"


def test_vllm_old_layout_inline_gpu():
    got = facts(samples.VLLM_OLD, "vllm_env")
    assert got["vllm"] == "0.5.0.post1"
    assert got["gpu"] == "NVIDIA GeForce RTX 4090"
    assert got["os"].startswith("CentOS Linux 7")


def test_transformers_env_v4_and_v5():
    v4 = facts(samples.TRANSFORMERS_V4, "transformers_env")
    assert v4["transformers"] == "4.36.2"
    assert v4["torch"] == "2.1.2+cu118"
    assert v4["accelerate"] == "0.25.0"
    assert v4["python"] == "3.11.5"
    v5 = facts(samples.TRANSFORMERS_V5, "transformers_env")
    assert v5["torch"] == "2.8.0+cu128"
    assert v5["deepspeed"] == "0.17.5"
    assert v5["gpu"] == "NVIDIA L40S"
    assert "accelerate" not in v5  # "not installed"


def test_lmdeploy_check_env():
    got = facts(samples.LMDEPLOY, "lmdeploy_env")
    assert got["torch"] == "2.3.0+cu121"
    assert got["cuda"] == "12.1"
    assert got["lmdeploy"] == "0.5.0+8f9c3a1"
    assert got["python"] == "3.10.14"
    env = extract("t", "```\n" + samples.LMDEPLOY + "```").env_values()
    assert env["gpu"] == "4 x NVIDIA A800-SXM4-80GB"
    assert env["gpu_count"] == "4"


def test_spans_point_at_values():
    chunk = Chunk.of(samples.VLLM_NEW, 100)
    for c in parse_dump(chunk, "vllm_env"):
        if c.source != "derived":
            a, b = c.span
            assert samples.VLLM_NEW[a - 100:b - 100] == c.value


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("PyTorch version: 2.1.0", True),
        ("Is CUDA available            : True", True),
        ("- `transformers` version: 4.36.2", True),
        ("GPU 0,1: NVIDIA A800", True),
        ("The model version: something else", False),
        ("I think python is fine", False),
    ],
)
def test_dump_line(line, expected):
    assert (first(DUMP_LINE, line) is not None) is expected


SGLANG_CHECK_ENV = """Python: 3.11.10 (main, Oct  3 2024, 07:29:13) [GCC 11.2.0]
CUDA available: True
GPU 0,1: NVIDIA L40S
GPU 0,1 Compute Capability: 8.9
CUDA_HOME: /usr/local/cuda
NVCC: Cuda compilation tools, release 12.1, V12.1.105
CUDA Driver Version: 535.183.01
PyTorch: 2.4.0+cu121
sglang: 0.3.5
flashinfer: 0.1.6+cu121torch2.4
transformers: 4.46.2
Hypervisor vendor: KVM
ulimit soft: 65535
"""


def test_sglang_check_env():
    assert dump_kind(SGLANG_CHECK_ENV) == "lmdeploy_env"
    env = extract("t", "```\n" + SGLANG_CHECK_ENV + "```").env_values()
    assert (env["sglang"], env["cuda_driver"], env["torch_cuda"]) == ("0.3.5", "535.183.01", "12.1")
    assert (env["gpu"], env["python"], env["cuda"]) == ("2 x NVIDIA L40S", "3.11.10", "12.1")


def test_accelerate_env_bullets_and_wsl_platform():
    dump = (
        "- `Accelerate` version: 0.29.3\n- Platform: Linux-5.15.146.1-microsoft-standard-WSL2-x86_64-with-glibc2.35\n"
        "- Python version: 3.10.14\n- PyTorch version (GPU?): 2.2.2+cu118 (True)\n- GPU type: NVIDIA GeForce RTX 4070\n"
    )
    env = extract("t", dump).env_values()
    assert (env["accelerate"], env["os"], env["torch_cuda"]) == ("0.29.3", "WSL2", "11.8")


def test_gpu_value_drops_a_trailing_parenthetical_and_one_gpu_is_counted():
    got = facts("PyTorch version: 2.4.0+rocm6.1\nGPU models and configuration: AMD Instinct MI250X/MI250 (gfx90a:sramecc+:xnack-)\n",
                "collect_env")
    assert got["gpu"] == "AMD Instinct MI250X/MI250"
    got = facts("PyTorch version: 2.0.0\nGPU models and configuration: GPU 0: NVIDIA A10 (UUID: GPU-1)\n", "collect_env")
    assert (got["gpu"], got["gpu_count"]) == ("NVIDIA A10", "1")


def test_os_release_and_lsb_release():
    from bot.core.extract.envdumps import parse_os_release

    def os_of(text):
        return [c.value for c in parse_os_release(Chunk.of(text))]

    assert os_of('NAME="AlmaLinux"\nVERSION="9.4 (Seafoam Ocelot)"\nPRETTY_NAME="AlmaLinux 9.4 (Seafoam Ocelot)"\n') == ["AlmaLinux 9.4"]
    assert os_of("Distributor ID:\tDebian\nDescription:\tDebian GNU/Linux 12 (bookworm)\n") == ["Debian GNU/Linux 12"]
    assert os_of("Description: A high-throughput engine\n") == []  # pip show's field, not lsb_release


def test_transformers_env_npu_type_is_the_accelerator():
    dump = "- `transformers` version: 4.47.0\n- PyTorch version (accelerator?): 2.4.0 (NPU)\n- NPU type: Ascend910B2\n"
    assert facts(dump, "transformers_env")["gpu"] == "Ascend910B2"
