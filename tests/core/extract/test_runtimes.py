"""Tests for runtimes: llama.cpp version/devices and ollama version/log lines."""

from bot.core.extract.runtimes import parse_runtimes
from bot.core.extract.segment import Chunk
from tests.core.extract import samples


def got(text: str) -> dict[str, str]:
    """Key -> value (first wins)."""
    out: dict[str, str] = {}
    for c in parse_runtimes(Chunk.of(text)):
        out.setdefault(c.key, c.value)
    return out


def test_llama_cpp_version_and_devices():
    env = got(samples.LLAMA_CPP)
    assert env["llama_cpp"] == "5590"
    assert env["gpu"] == "2 x NVIDIA GeForce RTX 3090"
    assert env["gpu_cc"] == "8.6"
    assert env["launcher"] == "llama.cpp"


def test_llama_cpp_build_line_with_log_prefix():
    assert got("0.00.030.998 I build: 4589 (eb7cf15a) with cc 13 for x86_64")["llama_cpp"] == "4589"


def test_llama_cpp_semver_form():
    assert got("version: 1.2.3 (build 5000, commit abcdef1)\n")["llama_cpp"] == "1.2.3"


def test_ollama_version_and_log_line():
    assert got(samples.OLLAMA)["ollama"] == "0.5.7"
    env = got(samples.OLLAMA_LOG)
    assert env["gpu"] == "NVIDIA GeForce RTX 4060 Ti"
    assert env["gpu_cc"] == "8.9"
    assert env["cuda_max"] == "12.4"


def test_unrelated_version_lines_are_ignored():
    assert got("Python version: 3.10\nversion: abc\n") == {}


def test_vllm_version_from_its_start_up_log():
    line = "INFO 06-12 10:00:01 llm_engine.py:161] Initializing an LLM engine (v0.5.0.post1) with config: model='x'"
    assert got(line)["vllm"] == "0.5.0.post1"
    assert got("INFO 10-01 api_server.py:528] vLLM API server version 0.6.3.dev12+g1234")["vllm"] == "0.6.3.dev12+g1234"


def test_llama_cpp_device_info_block():
    text = "device_info:\n  - CUDA0   : NVIDIA GeForce RTX 4090 (24080 MiB, 23500 MiB free)\n" \
           "  - CUDA1   : NVIDIA GeForce RTX 4090 (24080 MiB, 23510 MiB free)\n"
    env = got(text)
    assert env["gpu"] == "2 x NVIDIA GeForce RTX 4090" and env["gpu_count"] == "2"


def test_llama_cpp_hip_device_lines():
    log = (
        "ggml_cuda_init: found 2 ROCm devices:\n"
        "  Device 0: AMD Radeon PRO W7900, gfx1100 (0x1100), VMM: no, Wave Size: 32\n"
        "  Device 1: AMD Radeon PRO W7900, gfx1100 (0x1100), VMM: no, Wave Size: 32\n"
    )
    env = got(log)
    assert (env["gpu"], env["gpu_count"], env["launcher"]) == ("2 x AMD Radeon PRO W7900", "2", "llama.cpp")
    assert "gpu_cc" not in env  # gfx1100 is not a CUDA compute capability


def test_versions_from_docker_image_tags():
    from bot.core.extract.runtimes import parse_images

    text = (
        "docker run --gpus all vllm/vllm-openai:v0.7.2 --model x\ndocker pull lmsysorg/sglang:v0.4.3.post2-cu125\n"
        "image ghcr.io/ggml-org/llama.cpp:server-cuda-b4798 and ollama/ollama:0.5.12, not vllm/vllm-openai:latest"
    )
    env = {c.key: c.value for c in parse_images(Chunk.of(text), "prose")}
    assert env == {"vllm": "0.7.2", "sglang": "0.4.3.post2", "llama_cpp": "4798", "ollama": "0.5.12"}


def test_deepspeed_version_from_its_start_up_log():
    line = "[2024-09-12 08:01:02,345] [INFO] [logging.py:96:log_dist] [Rank 0] DeepSpeed info: version=0.15.1, git-hash=unknown"
    assert got(line)["deepspeed"] == "0.15.1"


def test_llama_cpp_vulkan_device_lines():
    log = (
        "ggml_vulkan: Found 2 Vulkan devices:\n"
        "ggml_vulkan: 0 = Intel(R) Arc(TM) A770 Graphics (Intel open-source Mesa driver) | uma: 0 | fp16: 1 | warp size: 32\n"
        "ggml_vulkan: 1 = Intel(R) Arc(TM) A770 Graphics (Intel open-source Mesa driver) | uma: 0 | fp16: 1 | warp size: 32\n"
    )
    env = got(log)
    assert (env["gpu"], env["gpu_count"]) == ("2 x Intel(R) Arc(TM) A770 Graphics", "2")


def test_llama_cpp_old_main_build_line():
    assert got("main: build = 1999 (2ab1c2d4)\nmain: built with cc 11.4.0 for x86_64-linux-gnu\n")["llama_cpp"] == "1999"
