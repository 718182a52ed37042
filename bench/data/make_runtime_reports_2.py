"""A second, blind set of self-written runtime reports (scored before any fix they show):
`python bench/data/make_runtime_reports_2.py [OUT]`."""
import json
import sys
from pathlib import Path

R = []


def add(id, repo, title, body, env, kind="bug"):
    R.append({"id": id, "repo": repo, "title": title, "body": body, "env": env, "kind": kind, "labels": []})


add("k1b-ollama-01", "ollama/ollama", "gemma2:27b very slow, only 30% on GPU",
"""ollama ps shows:

```
NAME          ID              SIZE     PROCESSOR          UNTIL
gemma2:27b    53261bc9c192    21 GB    70%/30% CPU/GPU    4 minutes from now
```

The card is an RTX 3060 12GB on Windows 10. ollama 0.2.8. Is there a way to force more layers on the GPU?""",
{"model": "gemma2:27b", "gpu": "RTX 3060 12GB", "os": "Windows 10", "ollama": "0.2.8"})

add("k1b-ollama-02", "ollama/ollama", "AMD 7900 XTX not detected on Fedora 40",
"""Server log with OLLAMA_DEBUG=1:

```
time=2024-09-15T21:03:11.512+02:00 level=INFO source=images.go:753 msg="total blobs: 12"
time=2024-09-15T21:03:11.600+02:00 level=INFO source=amd_linux.go:274 msg="unsupported Radeon iGPU detected skipping" id=1 total="512.0 MiB"
time=2024-09-15T21:03:11.601+02:00 level=INFO source=amd_linux.go:361 msg="amdgpu is not supported" gpu=0 gpu_type=gfx1100 library=/opt/rocm/lib supported_types="[gfx1030 gfx1100 gfx1101 gfx1102 gfx900 gfx906 gfx908 gfx90a gfx940 gfx941 gfx942]"
time=2024-09-15T21:03:11.602+02:00 level=INFO source=types.go:107 msg="inference compute" id=0 library=cpu variant=avx2 compute="" driver=0.0 name="" total="62.5 GiB" available="58.0 GiB"
```

`ollama -v` says ollama version is 0.3.10. The GPU is a Radeon RX 7900 XTX.""",
{"ollama": "0.3.10", "gpu": "Radeon RX 7900 XTX", "os": "Fedora 40"})

add("k1b-ollama-03", "ollama/ollama", "How do I change the context length for the API?",
"""I call /api/chat with llama3.1:8b and long prompts get truncated at 2048 tokens. Which option sets num_ctx from the API? ollama 0.3.4 on macOS.""",
{"model": "llama3.1:8b", "ollama": "0.3.4", "os": "macOS"}, kind="question")

add("k1b-llamacpp-01", "ggml-org/llama.cpp", "Misc. bug: llama-server crashes on /completion with n_probs",
"""### Name and Version

$ ./build/bin/llama-server --version
version: 4120 (3ee6382d)
built with MSVC 19.41.34120.0 for x64

### Operating systems

Windows

### Which llama.cpp modules do you know to be affected?

llama-server

### Problem description & steps to reproduce

POST /completion with `"n_probs": 5` and Phi-3.5-mini-instruct-Q8_0.gguf crashes the server with an access violation. Without n_probs it works.
""", {"llama_cpp": "4120", "os": "Windows", "model": "Phi-3.5-mini-instruct-Q8_0.gguf", "quantization": "Q8_0"})

add("k1b-llamacpp-02", "ggml-org/llama.cpp", "convert_hf_to_gguf.py fails for Qwen2-VL",
"""```
python convert_hf_to_gguf.py ~/models/Qwen2-VL-7B-Instruct --outtype f16
...
NotImplementedError: Architecture 'Qwen2VLForConditionalGeneration' not supported!
```
I'm on master from today (b4400), Python 3.12, transformers 4.47.0.""",
{"llama_cpp": "4400", "python": "3.12", "transformers": "4.47.0", "model": "Qwen2-VL-7B-Instruct"})

add("k1b-llamacpp-03", "ggml-org/llama.cpp", "CUDA build: all layers offloaded but VRAM usage is only 1GB",
"""```
0.00.391.512 I ggml_cuda_init: found 2 CUDA devices:
0.00.391.520 I   Device 0: NVIDIA GeForce RTX 3090, compute capability 8.6, VMM: yes
0.00.391.522 I   Device 1: NVIDIA GeForce RTX 3090, compute capability 8.6, VMM: yes
0.00.391.600 I build: 4589 (eb7cf15a) with cc (Ubuntu 13.2.0-23ubuntu4) 13.2.0 for x86_64-linux-gnu
```

Running Mixtral-8x7B-Instruct-v0.1.Q4_K_M.gguf with -ngl 99 -sm row. Speed is like CPU.""",
{"gpu": "2 x NVIDIA GeForce RTX 3090", "gpu_count": "2", "llama_cpp": "4589", "model": "Mixtral-8x7B-Instruct-v0.1.Q4_K_M.gguf", "quantization": "Q4_K_M"})

add("k1b-sglang-01", "sgl-project/sglang", "[Bug] Llama-3.2-11B-Vision: image input gives 'IndexError: list index out of range'",
"""### Describe the bug

```
  File "/usr/local/lib/python3.10/dist-packages/sglang/srt/managers/tokenizer_manager.py", line 301, in _handle_batch_request
    image_data = obj.image_data[i]
IndexError: list index out of range
```

### Reproduction

python -m sglang.launch_server --model-path meta-llama/Llama-3.2-11B-Vision-Instruct --chat-template llama_3_vision

### Environment

Python: 3.10.12 (main, Nov 20 2023, 15:14:05) [GCC 11.4.0]
CUDA available: True
GPU 0: NVIDIA A10G
GPU 0 Compute Capability: 8.6
CUDA_HOME: /usr/local/cuda
NVCC: Cuda compilation tools, release 12.1, V12.1.105
CUDA Driver Version: 535.104.12
PyTorch: 2.4.0+cu121
sglang: 0.3.5
flashinfer: 0.1.6+cu121torch2.4
triton: 3.0.0
transformers: 4.46.2
requests: 2.32.3
""", {"python": "3.10.12", "gpu": "NVIDIA A10G", "cuda": "12.1", "cuda_driver": "535.104.12", "torch": "2.4.0+cu121", "torch_cuda": "12.1", "sglang": "0.3.5", "transformers": "4.46.2", "model": "meta-llama/Llama-3.2-11B-Vision-Instruct"})

add("k1b-sglang-02", "sgl-project/sglang", "[Feature] Support Qwen2.5-Omni",
"""### Checklist

- [x] 1. If the issue you raised is not a feature but a question, please raise a discussion.

### Motivation

Qwen/Qwen2.5-Omni-7B is out; would love sglang support for the thinker part at least.
""", {"model": "Qwen/Qwen2.5-Omni-7B"}, kind="feature")

add("k1b-lmdeploy-01", "InternLM/lmdeploy", "[Bug] pytorch engine: RuntimeError: triton kernel failed on V100",
"""### Describe the bug

Serving Qwen/Qwen2.5-14B-Instruct with `--backend pytorch` on V100 fails at the first request:

```
RuntimeError: Triton Error [CUDA]: device kernel image is invalid
```

### Environment

```
sys.platform: linux
Python: 3.11.9 (main, Apr 19 2024, 16:48:06) [GCC 11.2.0]
CUDA available: True
GPU 0,1,2,3: Tesla V100-SXM2-32GB
CUDA_HOME: /usr/local/cuda
NVCC: Cuda compilation tools, release 11.8, V11.8.89
GCC: gcc (GCC) 8.5.0 20210514 (Red Hat 8.5.0-20)
PyTorch: 2.2.2+cu118
LMDeploy: 0.6.0+
transformers: 4.44.0
triton: 2.2.0
```
""", {"os": "linux", "python": "3.11.9", "gpu": "4 x Tesla V100-SXM2-32GB", "gpu_count": "4", "cuda": "11.8", "torch": "2.2.2+cu118", "torch_cuda": "11.8", "lmdeploy": "0.6.0", "transformers": "4.44.0", "model": "Qwen/Qwen2.5-14B-Instruct"})

add("k1b-lmdeploy-02", "InternLM/lmdeploy", "lmdeploy chat internvl2-8b hangs after loading",
"""After `lmdeploy chat OpenGVLab/InternVL2-8B` prints the config, it hangs and never shows the prompt. Ctrl-C shows nothing useful. lmdeploy==0.5.1 installed from pip, CUDA 12.2 driver 535, RTX A5000.""",
{"model": "OpenGVLab/InternVL2-8B", "lmdeploy": "0.5.1", "gpu": "RTX A5000"})

add("k1b-deepspeed-01", "microsoft/DeepSpeed", "[BUG] ZeRO++ hpz with 2 nodes: assertion error in partition",
"""**Describe the bug**
```
AssertionError: hpz partition size must divide world size
```
**To Reproduce**
ZeRO-3 with `zero_hpz_partition_size: 8` on 2 nodes x 4 GPUs (A6000).

**ds_report output**
```
DeepSpeed general environment info:
torch install path ............... ['/opt/conda/lib/python3.11/site-packages/torch']
torch version .................... 2.3.1
deepspeed install path ........... ['/opt/conda/lib/python3.11/site-packages/deepspeed']
deepspeed info ................... 0.14.2+a1b2c3d, a1b2c3d, master
torch cuda version ............... 12.1
torch hip version ................ None
nvcc version ..................... 12.2
deepspeed wheel compiled w. ...... torch 2.3, cuda 12.1
```
""", {"torch": "2.3.1", "torch_cuda": "12.1", "deepspeed": "0.14.2+a1b2c3d", "cuda": "12.2", "gpu": "A6000"})

add("k1b-deepspeed-02", "microsoft/DeepSpeed", "[BUG] deepspeed.initialize fails: 'NoneType' object has no attribute 'param_groups' with Adafactor",
"""Using transformers Trainer with `--deepspeed ds_config.json` and optim adafactor on Llama-3.2-1B:

```
AttributeError: 'NoneType' object has no attribute 'param_groups'
```

versions: deepspeed 0.16.3, transformers 4.48.1, accelerate 1.3.0, torch 2.5.1+cu124; Ubuntu 22.04, 1x H100.""",
{"model": "Llama-3.2-1B", "deepspeed": "0.16.3", "transformers": "4.48.1", "accelerate": "1.3.0", "torch": "2.5.1+cu124", "torch_cuda": "12.4", "os": "Ubuntu 22.04", "gpu": "1x H100"})

add("k1b-peft-01", "huggingface/peft", "AdaLoRA: RuntimeError: shape mismatch when resuming from checkpoint",
"""### System Info

- `transformers` version: 4.45.1
- Platform: Windows-10-10.0.22631-SP0
- Python version: 3.11.5
- Huggingface_hub version: 0.25.1
- Safetensors version: 0.4.5
- Accelerate version: 0.34.2
- Accelerate config: 	not found
- PyTorch version (GPU?): 2.4.1+cu118 (True)
- Using distributed or parallel set-up in script?: no
- Using GPU in script?: yes
- GPU type: NVIDIA GeForce RTX 4080

peft version 0.13.0

### Reproduction

Resume AdaLoRA training of google/gemma-2-2b from checkpoint-500:

```
RuntimeError: Error(s) in loading state_dict for PeftModelForCausalLM:
	size mismatch for base_model.model.model.layers.0.self_attn.q_proj.lora_E.default: copying a param with shape torch.Size([6, 1]) from checkpoint, the shape in current model is torch.Size([8, 1]).
```
""", {"transformers": "4.45.1", "os": "Windows-10-10.0.22631-SP0", "python": "3.11.5", "accelerate": "0.34.2", "torch": "2.4.1+cu118", "torch_cuda": "11.8", "gpu": "NVIDIA GeForce RTX 4080", "peft": "0.13.0", "model": "google/gemma-2-2b"})

add("k1b-peft-02", "huggingface/peft", "Is DoRA supported with 4-bit bitsandbytes?",
"""Can I set use_dora=True together with load_in_4bit? I'm on peft 0.11.1 and bitsandbytes 0.43.0 and I'm not sure whether it's expected to work.""",
{"peft": "0.11.1", "bitsandbytes": "0.43.0"}, kind="question")

add("k1b-vllm-01", "vllm-project/vllm", "[Bug]: DeepSeek-R1-Distill-Qwen-14B outputs no <think> tag with --enable-reasoning",
"""### Your current environment

```text
PyTorch version: 2.5.1+cu124
Is debug build: False
CUDA used to build PyTorch: 12.4
ROCM used to build PyTorch: N/A

OS: Ubuntu 20.04.6 LTS (x86_64)
GCC version: (Ubuntu 9.4.0-1ubuntu1~20.04.2) 9.4.0
Clang version: Could not collect
CMake version: version 3.31.4
Libc version: glibc-2.31

Python version: 3.11.11 (main, Dec 11 2024, 16:28:39) [GCC 11.2.0] (64-bit runtime)
Python platform: Linux-5.4.0-204-generic-x86_64-with-glibc2.31
Is CUDA available: True
CUDA runtime version: 12.4.131
CUDA_MODULE_LOADING set to: LAZY
GPU models and configuration: GPU 0: NVIDIA A100-SXM4-80GB
Nvidia driver version: 550.144.03
cuDNN version: Could not collect

Versions of relevant libraries:
[pip3] numpy==1.26.4
[pip3] torch==2.5.1
[pip3] transformers==4.48.2
[conda] Could not collect
ROCM Version: Could not collect
Neuron SDK Version: N/A
vLLM Version: 0.7.1
vLLM Build Flags:
CUDA Archs: Not Set; ROCm: Disabled; Neuron: Disabled
```

### 🐛 Describe the bug

vllm serve deepseek-ai/DeepSeek-R1-Distill-Qwen-14B --enable-reasoning --reasoning-parser deepseek_r1: reasoning_content is always null.
""", {"torch": "2.5.1+cu124", "torch_cuda": "12.4", "os": "Ubuntu 20.04.6 LTS (x86_64)", "python": "3.11.11", "cuda": "12.4.131", "gpu": "NVIDIA A100-SXM4-80GB", "gpu_count": "1", "cuda_driver": "550.144.03", "transformers": "4.48.2", "vllm": "0.7.1", "model": "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B"})

add("k1b-vllm-02", "vllm-project/vllm", "[Bug]: AsyncLLMEngine hangs with pipeline parallel on 2 nodes",
"""Launching with Ray on 2 nodes (each 4x L20), `vllm serve Qwen/Qwen2.5-72B-Instruct --pipeline-parallel-size 2 --tensor-parallel-size 4`, the server never becomes ready after "Loading model weights took 17.6 GB". vllm 0.6.6.post1, ray 2.40.0, NCCL 2.21.5.""",
{"gpu": "4x L20", "model": "Qwen/Qwen2.5-72B-Instruct", "vllm": "0.6.6.post1"})

add("k1b-vllm-03", "vllm-project/vllm", "[Installation]: pip install vllm pulls torch 2.5.1 and breaks my CUDA 11.8 setup",
"""### Your current environment

nvidia-smi: Driver Version: 520.61.05   CUDA Version: 11.8, 2x RTX 3090, Python 3.10

### How you are installing vllm

```
pip install vllm==0.6.4
```
then `import vllm` gives

```
ImportError: libcudart.so.12: cannot open shared object file: No such file or directory
```
""", {"cuda_driver": "520.61.05", "cuda_max": "11.8", "gpu": "2x RTX 3090", "gpu_count": "2", "python": "3.10", "vllm": "0.6.4"})

add("k1b-llamafactory-01", "hiyouga/LLaMA-Factory", "LoRA SFT of Llama-3-8B-Instruct: loss is 0 from step 1",
"""### System Info

- `llamafactory` version: 0.8.3
- Platform: Linux-5.15.0-105-generic-x86_64-with-glibc2.35
- Python version: 3.10.14
- PyTorch version: 2.3.0+cu121 (GPU)
- Transformers version: 4.42.3
- Datasets version: 2.20.0
- Accelerate version: 0.31.0
- PEFT version: 0.11.1
- TRL version: 0.9.4
- GPU type: NVIDIA GeForce RTX 4090
- Bitsandbytes version: 0.43.1

### Reproduction

llamafactory-cli train examples/train_lora/llama3_lora_sft.yaml with my own alpaca-format dataset. loss 0.0 and grad_norm nan from the first step.
""", {"llamafactory": "0.8.3", "os": "Linux-5.15.0-105-generic-x86_64-with-glibc2.35", "python": "3.10.14", "torch": "2.3.0+cu121", "torch_cuda": "12.1", "transformers": "4.42.3", "accelerate": "0.31.0", "peft": "0.11.1", "trl": "0.9.4", "gpu": "NVIDIA GeForce RTX 4090", "bitsandbytes": "0.43.1", "model": "Llama-3-8B-Instruct"})

add("k1b-tf-01", "huggingface/transformers", "Qwen2.5-7B generate() much slower with sdpa than eager on 4.46",
"""### System Info

```
- `transformers` version: 4.46.3
- Platform: Linux-6.8.0-45-generic-x86_64-with-glibc2.39
- Python version: 3.12.3
- Huggingface_hub version: 0.26.2
- Safetensors version: 0.4.5
- Accelerate version: 1.1.1
- Accelerate config: 	not found
- PyTorch version (GPU?): 2.5.1+cu121 (True)
- Tensorflow version (GPU?): not installed (NA)
- Flax version (CPU?/GPU?/TPU?): not installed (NA)
- Jax version: not installed
- JaxLib version: not installed
- Using distributed or parallel set-up in script?: <fill in>
- Using GPU in script?: <fill in>
- GPU type: NVIDIA RTX A4000
```

### Reproduction

AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-7B-Instruct", attn_implementation="sdpa") is 2x slower in generate() than "eager".
""", {"transformers": "4.46.3", "os": "Linux-6.8.0-45-generic-x86_64-with-glibc2.39", "python": "3.12.3", "accelerate": "1.1.1", "torch": "2.5.1+cu121", "torch_cuda": "12.1", "gpu": "NVIDIA RTX A4000", "model": "Qwen/Qwen2.5-7B-Instruct"})

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("runtime_reports_2.jsonl")
with open(out, "w") as f:
    for r in R:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(R))
