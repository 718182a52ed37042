"""Runtime report formats and statements the reporter's stack makes: which runtimes, which versions, which model."""

import pytest

from bot.core.extract import extract

DS_REPORT = """```
DeepSpeed general environment info:
torch install path ............... ['/opt/venv/lib/python3.10/site-packages/torch']
torch version .................... 2.2.0+cu121
deepspeed install path ........... ['/opt/venv/lib/python3.10/site-packages/deepspeed']
deepspeed info ................... 0.13.5, unknown, unknown
torch cuda version ............... 12.1
nvcc version ..................... 12.2
```"""
LF_ENV = """- `llamafactory` version: 0.8.1
- Platform: Linux-5.15.0-88-generic-x86_64-with-glibc2.35
- Python version: 3.10.13
- PyTorch version: 2.2.1+cu121 (GPU)
- Transformers version: 4.41.2
- GPU type: NVIDIA A800 80GB PCIe"""


@pytest.mark.parametrize("title, body, runtimes", [
    ("slow", "I run `ollama run phi3:mini` and it is slow", ["ollama"]),
    ("bad output", "./llama-cli -m phi-3.Q4_0.gguf -ngl 20", ["llama_cpp"]),
    ("x", "python -m sglang.launch_server --model-path Qwen/Qwen2-7B", ["sglang"]),
    ("x", "```python\nfrom vllm import LLM\nimport torch\n```", ["vllm", "torch"]),
    ("x", "deepspeed --num_gpus 2 train.py --deepspeed ds.json\nfrom transformers import Trainer", ["deepspeed", "transformers"]),
    ("x", "llamafactory-cli train sft.yaml", ["llamafactory"]),
    ("Works in ollama but not here", "```python\nfrom transformers import AutoModel\n```", ["transformers", "ollama"]),
])
def test_runtimes_in_use_come_before_runtimes_only_named(title, body, runtimes):
    assert extract(title, body).runtimes == runtimes


def test_ds_report_and_llamafactory_env_are_read():
    env = extract("zero3 hang", DS_REPORT).env_values()
    assert (env["torch"], env["deepspeed"], env["torch_cuda"], env["cuda"]) == ("2.2.0+cu121", "0.13.5", "12.1", "12.2")
    env = extract("sft fails", "### System Info\n\n" + LF_ENV).env_values()
    assert (env["llamafactory"], env["transformers"], env["python"]) == ("0.8.1", "4.41.2", "3.10.13")


@pytest.mark.parametrize("body, key, value", [
    ("On my MacBook Air M3 the output is garbage", "gpu", "M3"),
    ("Mac Studio (M2 Ultra), 192GB", "gpu", "M2 Ultra"),
    ("```\n$ pip show transformers | grep Version\nVersion: 4.40.2\n```", "transformers", "4.40.2"),
    ("transformers.__version__ is 4.38.1 here", "transformers", "4.38.1"),
    ("I ran `pip install vllm==0.5.4` and then the server crashes", "vllm", "0.5.4"),
    ("vllm 0.5.0 worked; after I upgraded vllm to 0.6.1 it fails", "vllm", "0.6.1"),
    ("transformers 4.46.0 first; I ran `pip install -U transformers`, it's now 4.48.3", "transformers", "4.48.3"),
    ("It says Requirement already satisfied. `pip show transformers` -> Version: 4.46.3.", "transformers", "4.46.3"),
    ("nvidia-smi says CUDA Version: 12.4 and driver 550", "cuda_max", "12.4"),
    ("llama.cpp from master today (b4102), Q4_K_M", "llama_cpp", "4102"),
    ("```\n$ ollama -v\nWarning: client version is 0.4.1\nollama version is 0.3.9\n```", "ollama", "0.3.9"),
    ("sys.platform: linux\nPython: 3.10.12 (main) [GCC 11.4.0]\nLMDeploy: 0.4.2+\n", "os", "linux"),
    ("macOS 14.5, M2 Pro 32G, torch 2.3.1", "gpu", "M2 Pro"),
    ("gemma-2-2b-it-Q8_0.gguf with llama-cli on an M1: empty output", "gpu", "M1"),
    ("llama-bench segfaults on an RX 580 with Vulkan", "gpu", "RX 580"),
    ("torchrun on 2x MI50 fails", "gpu", "2x MI50"),
    ("Downloaded llama-b4400-bin-win-cuda-cu12.4-x64.zip and it crashes", "llama_cpp", "4400"),
    ("llama-server: identical text for every seed. build 3900.", "llama_cpp", "3900"),
    ("After upgrading torch 2.1.2 → 2.3.1 FusedAdam fails", "torch", "2.3.1"),
    ("I installed the torch nightly (2.4.0.dev20240501+cu121). With torch 2.2.2 it works.", "torch",
     "2.4.0.dev20240501+cu121"),
    ("Windows 11, `pip install deepspeed` (0.15.0), ZeRO-Offload fails", "deepspeed", "0.15.0"),
    ("以前 peft 0.3.0 可以。现在 peft 0.8.2 报错", "peft", "0.8.2"),
    ("### Environment\n\nLMDeploy: 0.6.2, A100 80G\n", "gpu", "A100 80G"),
    ("`./llama-server -m bge-m3-q8_0.gguf --embedding`", "model", "bge-m3-q8_0.gguf"),
    ("vllm serve intfloat/e5-mistral-7b-instruct --task embed", "model", "intfloat/e5-mistral-7b-instruct"),
])
def test_versions_and_hardware_stated_in_runtime_ways(body, key, value):
    assert extract("x", body).env_values().get(key) == value


def test_the_model_the_command_runs_beats_the_one_in_the_title():
    env = extract("Llama-3.1-8B-Instruct works, qwen2.5 does not", "`ollama run qwen2.5:7b` prints nothing").env_values()
    assert env["model"] == "qwen2.5:7b"
    env = extract("Mistral-7B is fine", "vllm serve Qwen/Qwen2-7B-Instruct --tp 2 crashes").env_values()
    assert env["model"] == "Qwen/Qwen2-7B-Instruct"
    assert extract("x", "from_pretrained('./out/checkpoint-100') fails").env_values().get("model") is None


def test_template_placeholders_are_not_facts_and_an_empty_template_is_noticed():
    body = "### Environment\n\n- OS: [e.g. Ubuntu 20.04]\n- GPU: e.g. A100\n- transformers: <version>\n\n### Bug\n\n_No response_\n"
    f = extract("[Bug]: ", body)
    assert f.env_values() == {} and f.template_only
    assert f.text.endswith(body)  # the text and spans are the original's
    filled = extract("[Bug]: ", body.replace("_No response_", "Loading Qwen2-7B fails with KeyError 'qwen2' on 4.36"))
    assert not filled.template_only


def test_reply_language_is_the_bodys():
    assert extract("推理报错", "When I run the model on two GPUs it crashes after a minute.").language == "en"
    assert extract("Inference error", "用两张卡推理时，运行一分钟后程序崩溃。").language == "zh"
