"""Tests for prose: English and Chinese free text, and human `Label: value` lines."""

import pytest

from bot.core.extract.prose import parse_labels, parse_prose
from bot.core.extract.segment import Chunk


def got(text: str) -> dict[str, str]:
    """Key -> first value stated in prose."""
    out: dict[str, str] = {}
    for c in parse_prose(Chunk.of(text), "prose"):
        out.setdefault(c.key, c.value)
    return out


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("I use torch 2.1 with it", "torch", "2.1"),
        ("pytorch是2.0.1+cuda117", "torch", "2.0.1+cuda117"),
        ("cuda12.1 installed", "cuda", "12.1"),
        ("CUDA Version 11.8", "cuda", "11.8"),
        ("CUDA版本为11.7", "cuda", "11.7"),
        ("驅動版本 552.22，顯示卡 4070", "cuda_driver", "552.22"),
        ("on cuda:0 with CUDA 12.4", "cuda", "12.4"),
        ("transformers==4.37.2", "transformers", "4.37.2"),
        ("transformer：4.32.0", "transformers", "4.32.0"),
        ("flash-attn>=2.5 is required but flash-attn 2.4.2 is installed", "flash_attn", "2.4.2"),
        ("vllm 0.6.1.post2 and flash-attn 2.5.8", "vllm", "0.6.1.post2"),
        ("vllm 0.6.1.post2 and flash-attn 2.5.8", "flash_attn", "2.5.8"),
        ("python版本：3.10", "python", "3.10"),
        ("Using python 3.8 from PyPi", "python", "3.8"),
        ("driver version 535.104.05", "cuda_driver", "535.104.05"),
        ("On Ubuntu 22.04 with", "os", "Ubuntu 22.04"),
        ("Windows 11 laptop", "os", "Windows 11"),
        ("我用的是4090 显卡", "gpu", "4090"),
        ("用的是 A100 80G", "gpu", "A100 80G"),
        ("8 x NVIDIA A100 nodes", "gpu", "8 x NVIDIA A100"),
        ("A800 8卡 训练", "gpu", "A800 8卡"),
        ("on 2x T4 in colab", "gpu", "2x T4"),
        ("an RTX 3060 12GB", "gpu", "RTX 3060 12GB"),
        ("two RTX 6000 Ada cards", "gpu", "RTX 6000 Ada"),
        ("runs on 8x MI300X with ROCm 6.2", "gpu", "8x MI300X"),
        ("built llama.cpp b3600 from source", "llama_cpp", "3600"),
        ("llama.cpp version: b4120", "llama_cpp", "4120"),
        ("fine-tuning on 4 A100 80GB GPUs", "gpu_count", "4"),
        ("it fits on two L40Ss", "gpu_count", "2"),
        ("my AMD Radeon RX 7800 XT card", "gpu", "AMD Radeon RX 7800 XT"),
    ],
)
def test_prose_facts(text, key, value):
    assert got(text)[key] == value


@pytest.mark.parametrize(
    "text",
    ["markdown-it-py==3.0.0", "python3 -m pip install", "import torch", "port 8000 on host", "the t4 variable",
     "needs torch>=2.2 and python>=3.9", "pip install 'torch==2.3.*'", "compare 2 7Bs and 3 epochs"],
)
def test_no_fact_from_lookalikes(text):
    env = got(text)
    assert "python" not in env and "torch" not in env and "gpu" not in env and "gpu_count" not in env


def labels(text: str) -> dict[str, str]:
    """Key -> value from labelled lines."""
    return {c.key: c.value for c in parse_labels(Chunk.of(text), "issue_form")}


def test_labelled_lines_in_issue_forms():
    text = (
        "OS: Centos\nPython: Python 3.11\n- GPUs: 8 x NVIDIA L20\n- NVIDIA driver: 535.161.07\n"
        "CUDA compiler: cuda_12.6\nPyTorch: 2.5.1+cu121\n"
    )
    assert labels(text) == {
        "os": "Centos", "python": "3.11", "gpu": "8 x NVIDIA L20", "cuda_driver": "535.161.07", "cuda": "12.6",
        "torch": "2.5.1+cu121", "torch_cuda": "12.1",
    }


def test_system_label_needs_an_os_name():
    assert labels("System : Window 11")["os"] == "Window 11"
    assert labels("System: 64GB RAM") == {}


def test_label_with_parenthetical_command():
    env = labels("- CUDA (`python -c 'import torch; print(torch.version.cuda)'`): py3.10_cuda11.7_cudnn8.5.0_0")
    assert env["cuda"] == "11.7"


@pytest.mark.parametrize(
    "text", ["GPU Make: Nvidia", "GPU: [eg: Nvidia]", "system: str = \"You are a helpful assistant.\"", "OS: N/A",
             "- CUDA: e.g. 12.1", "- Python version: eg. 3.10", "CUDA版本：例如 11.8"]
)
def test_placeholder_and_code_labels_are_ignored(text):
    assert labels(text) == {}


def test_model_label_uses_model_names():
    assert labels("- Model: llama-2-7b\n")["model"] == "llama-2-7b"


def test_full_width_colon_alone_makes_a_label_line():
    assert labels("显卡：4090\n驱动版本：535.104") == {"gpu": "4090", "cuda_driver": "535.104"}
    assert labels("OS Ubuntu 22.04 without a colon") == {}


def test_markdown_table_rows_are_labels():
    table = "| Item | Version |\n|------|---------|\n| OS | Debian 11 |\n| **Python** | 3.9.19 |\n| vllm | 0.6.1 |\n"
    assert labels(table) == {"os": "Debian 11", "python": "3.9.19", "vllm": "0.6.1"}


def test_gpu_and_os_label_values_stop_at_the_next_fact():
    got = labels("GPU: NVIDIA L40S x 4, driver 550.90.07\n操作系统：CentOS 7.9，内核 3.10\n")
    assert (got["gpu"], got["os"]) == ("NVIDIA L40S x 4", "CentOS 7.9")
    assert labels("- OS: Debian GNU/Linux 11 \\n \\l\n")["os"] == "Debian GNU/Linux 11"


def test_traditional_chinese_labels():
    assert labels("作業系統：Debian 12\n顯卡：RTX 4070\n驅動版本：552.22") == {
        "os": "Debian 12", "gpu": "RTX 4070", "cuda_driver": "552.22"}


def test_a_wider_table_is_a_benchmark_not_versions():
    table = "| Engine | tok/s | TTFT ms |\n|---|---|---|\n| vllm | 812.5 | 38.0 |\n| sglang | 901.2 | 35.5 |\n"
    assert labels(table) == {}


def test_an_upgrade_of_a_package_we_do_not_read_is_not_given_to_the_one_named_before():
    from bot.core.extract import extract
    f = extract("t", "triton 3.0.0, torch 2.4.1. I already upgraded triton to 3.1.0, same error.")
    assert f.env["torch"].value == "2.4.1"
    assert extract("t", "I updated my transformers to 4.46.1").env["transformers"].value == "4.46.1"


def test_a_gpu_named_in_a_sentence_about_a_working_setup_is_not_the_failing_one():
    from bot.core.extract import extract
    f = extract("bf16 error", "Fine-tuning on 4x V100 32GB with --bf16 True fails. The same command works on our A100 box.")
    assert "V100" in f.env["gpu"].value
    assert extract("t", "It works fine on my RTX 4090.").env["gpu"].value == "RTX 4090"  # the only GPU named


def test_what_pip_show_says_after_an_upgrade_is_the_version_run_now():
    from bot.core.extract import extract
    f = extract("t", "I had transformers 4.50.3, ran `pip install -U transformers`, and `pip show transformers` now says "
                     "4.51.3. Same error.")
    assert f.env["transformers"].value == "4.51.3"
