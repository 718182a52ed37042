"""Self-written issue bodies in the report formats of Ollama, llama.cpp, sglang, lmdeploy, DeepSpeed, PEFT, vLLM and
LlamaFactory, with the env facts each states (read by hand): `python bench/data/make_runtime_reports.py [OUT]`."""
import json
R = []
def add(id, repo, title, body, env, kind="bug"):
    R.append({"id": id, "repo": repo, "title": title, "body": body, "env": env, "kind": kind, "labels": []})

# ---------------- Ollama ----------------
add("k1-ollama-01", "ollama/ollama", "qwen2.5:14b falls back to CPU after update",
"""### What is the issue?

After updating, `ollama run qwen2.5:14b` is extremely slow and nvidia-smi shows no GPU memory used. Server log:

```
time=2024-11-02T10:12:03.118+08:00 level=INFO source=gpu.go:221 msg="looking for compatible GPUs"
time=2024-11-02T10:12:03.402+08:00 level=INFO source=types.go:123 msg="inference compute" id=GPU-3f1c2a9e-0000-1111-2222-333344445555 library=cuda variant=v12 compute=8.6 driver=12.4 name="NVIDIA GeForce RTX 3090" total="23.7 GiB" available="22.9 GiB"
time=2024-11-02T10:12:41.771+08:00 level=INFO source=server.go:105 msg="system memory" total="62.7 GiB" free="55.1 GiB"
time=2024-11-02T10:12:41.790+08:00 level=WARN source=server.go:136 msg="model request too large for system"
```

### OS

Linux

### GPU

Nvidia

### CPU

AMD

### Ollama version

0.4.0
""", {"model": "qwen2.5:14b", "gpu": "NVIDIA GeForce RTX 3090", "cuda_max": "12.4", "os": "Linux", "ollama": "0.4.0"})

add("k1-ollama-02", "ollama/ollama", "Error: llama runner process has terminated: exit status 0xc0000409",
"""### What is the issue?

Running deepseek-r1:32b on Windows crashes right after loading.

```
> ollama -v
ollama version is 0.5.7
> ollama run deepseek-r1:32b
Error: llama runner process has terminated: exit status 0xc0000409
```

I have a 4090 with 24 GB and 64 GB RAM.

### OS

Windows

### GPU

Nvidia

### CPU

Intel

### Ollama version

_No response_
""", {"ollama": "0.5.7", "model": "deepseek-r1:32b", "os": "Windows", "gpu": "4090"})

add("k1-ollama-03", "ollama/ollama", "llama3.2-vision not supported on my version?",
"""`ollama pull llama3.2-vision` works but running it gives:

```
Error: llama runner process has terminated: error loading model: unknown model architecture: 'mllama'
```

```
$ ollama --version
Warning: client version is 0.3.14
ollama version is 0.3.12
```

Ubuntu 22.04, RTX A6000.""", {"model": "llama3.2-vision", "ollama": "0.3.12", "os": "Ubuntu 22.04", "gpu": "RTX A6000"})

add("k1-ollama-04", "ollama/ollama", "Can I run llama3.1:70b on two 3090s with ollama?",
"""I have two RTX 3090 (24 GB each). Does Ollama split a 70b model across both GPUs automatically, or do I need to set something? I'm on ollama 0.3.6.""",
{"gpu": "RTX 3090", "gpu_count": "2", "model": "llama3.1:70b", "ollama": "0.3.6"}, kind="question")

add("k1-ollama-05", "ollama/ollama", "Please add Qwen3 to the library",
"""Qwen3 was released today with dense and MoE variants. Would be great to have `qwen3` in the Ollama library with the usual quantizations.""",
{"model": "Qwen3"}, kind="feature")

# ---------------- llama.cpp ----------------
add("k1-llamacpp-01", "ggml-org/llama.cpp", "Eval bug: Qwen2.5-7B-Instruct Q4_K_M outputs only @@@@",
"""### Name and Version

version: 4458 (9a483999)
built with cc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0 for x86_64-linux-gnu

### Operating systems

Linux

### GGML backends

CUDA

### Hardware

RTX 4070 Ti

### Models

Qwen2.5-7B-Instruct-Q4_K_M.gguf

### Problem description & steps to reproduce

`./llama-cli -m Qwen2.5-7B-Instruct-Q4_K_M.gguf -ngl 99 -p "hello"` prints only `@@@@@@@@`. With `-ngl 0` the output is fine.

### Relevant log output

```
ggml_cuda_init: GGML_CUDA_FORCE_MMQ:    no
ggml_cuda_init: GGML_CUDA_FORCE_CUBLAS: no
ggml_cuda_init: found 1 CUDA devices:
  Device 0: NVIDIA GeForce RTX 4070 Ti, compute capability 8.9, VMM: yes
llm_load_tensors: offloading 28 repeating layers to GPU
system_info: n_threads = 8 (n_threads_batch = 8) / 16 | CUDA : ARCHS = 890 | USE_GRAPHS = 1 | PEER_MAX_BATCH_SIZE = 128 | CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 |
```
""", {"llama_cpp": "4458", "os": "Linux", "gpu": "NVIDIA GeForce RTX 4070 Ti", "model": "Qwen2.5-7B-Instruct-Q4_K_M.gguf", "quantization": "Q4_K_M"})

add("k1-llamacpp-02", "ggml-org/llama.cpp", "llama-server segfault with DeepSeek-V2-Lite on Metal",
"""```
$ ./llama-server --version
version: 3821 (70392f1f)
built with Apple clang version 15.0.0 (clang-1500.3.9.4) for arm64-apple-darwin23.4.0
```

Loading DeepSeek-V2-Lite-Chat.Q8_0.gguf with `./llama-server -m DeepSeek-V2-Lite-Chat.Q8_0.gguf -c 8192` segfaults after the first request on my MacBook Pro M3 Max (macOS 14.5). Smaller models are fine.

```
zsh: segmentation fault  ./llama-server -m DeepSeek-V2-Lite-Chat.Q8_0.gguf -c 8192
```""", {"llama_cpp": "3821", "model": "DeepSeek-V2-Lite-Chat.Q8_0.gguf", "quantization": "Q8_0", "gpu": "M3 Max", "os": "macOS 14.5"})

add("k1-llamacpp-03", "abetlen/llama-cpp-python", "llama-cpp-python 0.2.90 build fails with CUDA 12.6",
"""`CMAKE_ARGS="-DGGML_CUDA=on" pip install llama-cpp-python==0.2.90` fails:

```
      nvcc fatal   : Unsupported gpu architecture 'compute_120'
      ninja: build stopped: subcommand failed.
      *** CMake build failed
```

nvcc --version:
```
nvcc: NVIDIA (R) Cuda compiler driver
Cuda compilation tools, release 12.6, V12.6.20
```
Python 3.11, Ubuntu 24.04.""", {"llama_cpp": "0.2.90", "cuda": "12.6", "python": "3.11", "os": "Ubuntu 24.04"})

add("k1-llamacpp-04", "ggml-org/llama.cpp", "Vulkan backend: garbage with Llama-3.1-8B on RX 6800",
"""### Name and Version

version: 5590 (0d398442)
built with cc (GCC) 14.2.1 20240910 for x86_64-pc-linux-gnu

### Operating systems

Linux

### GGML backends

Vulkan

### Hardware

AMD Radeon RX 6800 XT

### Models

Meta-Llama-3.1-8B-Instruct-Q5_K_M.gguf

### Problem description & steps to reproduce

Output is random tokens with `-ngl 33`, fine on CPU.

### First Bad Commit

_No response_

### Relevant log output

```shell
ggml_vulkan: Found 1 Vulkan devices:
ggml_vulkan: 0 = AMD Radeon RX 6800 XT (RADV NAVI21) (radv) | uma: 0 | fp16: 1 | warp size: 64 | shared memory: 65536 | int dot: 1 | matrix cores: none
```
""", {"llama_cpp": "5590", "os": "Linux", "gpu": "AMD Radeon RX 6800 XT", "model": "Meta-Llama-3.1-8B-Instruct-Q5_K_M.gguf", "quantization": "Q5_K_M"})

# ---------------- sglang ----------------
SGL_ENV = """Python: 3.10.14 (main, Mar 21 2024, 16:24:04) [GCC 11.2.0]
CUDA available: True
GPU 0,1,2,3,4,5,6,7: NVIDIA H100 80GB HBM3
GPU 0,1,2,3,4,5,6,7 Compute Capability: 9.0
CUDA_HOME: /usr/local/cuda
NVCC: Cuda compilation tools, release 12.4, V12.4.131
CUDA Driver Version: 550.90.07
PyTorch: 2.5.1+cu124
sglang: 0.4.1.post3
flashinfer: 0.1.6+cu124torch2.4
triton: 3.1.0
transformers: 4.47.1
torchao: 0.7.0
numpy: 1.26.4
aiohttp: 3.11.11
fastapi: 0.115.6
hf_transfer: 0.1.8
huggingface_hub: 0.27.0
interegular: 0.3.3
modelscope: 1.21.1
orjson: 3.10.13
packaging: 24.2
psutil: 6.1.1
pydantic: 2.10.4
multipart: 0.0.20
zmq: 26.2.0
uvicorn: 0.34.0
uvloop: 0.21.0
vllm: 0.6.4.post1
openai: 1.58.1
anthropic: 0.42.0
decord: 0.6.0
NVIDIA Topology:
        GPU0    GPU1    GPU2    GPU3    GPU4    GPU5    GPU6    GPU7    CPU Affinity    NUMA Affinity   GPU NUMA ID
GPU0     X      NV18    NV18    NV18    NV18    NV18    NV18    NV18    0-55,112-167    0               N/A

Legend:

  X    = Self
  NV#  = Connection traversing a bonded set of # NVLinks

ulimit soft: 1048576"""
add("k1-sglang-01", "sgl-project/sglang", "[Bug] DeepSeek-V3 tp8 OOM on H100 at startup",
"""### Describe the bug

`python3 -m sglang.launch_server --model deepseek-ai/DeepSeek-V3 --tp 8 --trust-remote-code` fails during weight loading:

```
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.75 GiB. GPU 3 has a total capacity of 79.10 GiB of which 1.02 GiB is free.
```

### Reproduction

see above

### Environment

""" + SGL_ENV + "\n", {"python": "3.10.14", "gpu": "8 x NVIDIA H100 80GB HBM3", "gpu_count": "8", "cuda": "12.4", "cuda_driver": "550.90.07", "torch": "2.5.1+cu124", "torch_cuda": "12.4", "sglang": "0.4.1.post3", "transformers": "4.47.1", "vllm": "0.6.4.post1", "model": "deepseek-ai/DeepSeek-V3"})

add("k1-sglang-02", "sgl-project/sglang", "[Bug] Qwen2.5-72B-Instruct-AWQ returns empty content with response_format",
"""### Describe the bug

With `response_format={"type": "json_object"}` the server returns `content: ""` for Qwen/Qwen2.5-72B-Instruct-AWQ. Without it, normal output.

### Reproduction

python -m sglang.launch_server --model-path Qwen/Qwen2.5-72B-Instruct-AWQ --tp 2 --grammar-backend xgrammar

### Environment

sglang 0.4.0.post2, 2x A100 80GB, driver 535.183.01, torch 2.5.1
""", {"sglang": "0.4.0.post2", "gpu": "2x A100 80GB", "gpu_count": "2", "cuda_driver": "535.183.01", "torch": "2.5.1", "model": "Qwen/Qwen2.5-72B-Instruct-AWQ", "quantization": "AWQ"})

add("k1-sglang-03", "sgl-project/sglang", "[Bug] sglang hangs at 'Capture cuda graph begin' with Llama-3.1-8B",
"""Launching with `python -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct --port 30000` on one L40S, the log stops at

```
[2025-01-10 08:01:22 TP0] Capture cuda graph begin. This can take up to several minutes.
```

and nothing happens for 30+ minutes. `--disable-cuda-graph` works. sglang==0.4.1, flashinfer 0.1.6, CUDA 12.1, Python 3.11.""",
{"model": "meta-llama/Llama-3.1-8B-Instruct", "gpu": "L40S", "sglang": "0.4.1", "flash_attn": None, "cuda": "12.1", "python": "3.11"})

# ---------------- lmdeploy ----------------
LMD_ENV = """sys.platform: linux
Python: 3.10.14 (main, May  6 2024, 19:42:50) [GCC 11.2.0]
CUDA available: True
MUSA available: False
numpy_random_seed: 2147483648
GPU 0,1: NVIDIA A800-SXM4-80GB
CUDA_HOME: /usr/local/cuda
NVCC: Cuda compilation tools, release 12.1, V12.1.105
GCC: gcc (Ubuntu 9.4.0-1ubuntu1~20.04.2) 9.4.0
PyTorch: 2.3.1+cu121
PyTorch compiling details: PyTorch built with:
  - GCC 9.3
  - C++ Version: 201703
  - CUDA Runtime 12.1
  - CuDNN 8.9.2
TorchVision: 0.18.1+cu121
LMDeploy: 0.6.2+
transformers: 4.45.2
gradio: Not Found
fastapi: 0.115.0
pydantic: 2.9.2
triton: 2.3.1
NVIDIA Topology:
        GPU0    GPU1    CPU Affinity    NUMA Affinity   GPU NUMA ID
GPU0     X      NV8     0-63    0               N/A"""
add("k1-lmdeploy-01", "InternLM/lmdeploy", "[Bug] Qwen2-VL-7B-Instruct: 'NoneType' object has no attribute 'shape' in turbomind",
"""### Describe the bug

`lmdeploy serve api_server Qwen/Qwen2-VL-7B-Instruct --tp 2` starts, but the first image request fails:

```
Traceback (most recent call last):
  File "/opt/conda/lib/python3.10/site-packages/lmdeploy/vl/engine.py", line 172, in forward
    outputs = self.model.forward(inputs)
AttributeError: 'NoneType' object has no attribute 'shape'
```

### Environment

```
""" + LMD_ENV + """
```
""", {"python": "3.10.14", "gpu": "2 x NVIDIA A800-SXM4-80GB", "gpu_count": "2", "cuda": "12.1", "torch": "2.3.1+cu121", "torch_cuda": "12.1", "lmdeploy": "0.6.2", "transformers": "4.45.2", "model": "Qwen/Qwen2-VL-7B-Instruct", "os": "linux"})

add("k1-lmdeploy-02", "InternLM/lmdeploy", "[Bug] internlm2_5-7b-chat w4a16 slower than fp16",
"""I quantized internlm/internlm2_5-7b-chat with `lmdeploy lite auto_awq` and served it with `--model-format awq`. Throughput is 30% lower than the fp16 model on a single RTX 4090. lmdeploy 0.5.3, torch 2.2.2+cu121, Windows 11 (WSL2 Ubuntu 22.04).""",
{"model": "internlm/internlm2_5-7b-chat", "quantization": "awq", "gpu": "RTX 4090", "lmdeploy": "0.5.3", "torch": "2.2.2+cu121", "torch_cuda": "12.1", "os": "WSL2 Ubuntu 22.04"})

add("k1-lmdeploy-03", "InternLM/lmdeploy", "Does lmdeploy support DeepSeek-R1-Distill-Qwen-32B on V100?",
"""I have 4 x V100 32GB. Is the turbomind backend able to run DeepSeek-R1-Distill-Qwen-32B in fp16 on them, or only pytorch engine?""",
{"gpu": "4 x V100 32GB", "gpu_count": "4", "model": "DeepSeek-R1-Distill-Qwen-32B"}, kind="question")

# ---------------- DeepSpeed ----------------
DS = """--------------------------------------------------
DeepSpeed C++/CUDA extension op report
--------------------------------------------------
NOTE: Ops not installed will be just-in-time (JIT) compiled at
      runtime if needed. Op compatibility means that your system
      meet the required dependencies to JIT install the op.
--------------------------------------------------
JIT compiled ops requires ninja
ninja .................. [OKAY]
--------------------------------------------------
op name ................ installed .. compatible
--------------------------------------------------
async_io ............... [NO] ....... [OKAY]
fused_adam ............. [NO] ....... [OKAY]
cpu_adam ............... [NO] ....... [OKAY]
--------------------------------------------------
DeepSpeed general environment info:
torch install path ............... ['/home/user/miniconda3/envs/ft/lib/python3.10/site-packages/torch']
torch version .................... 2.1.2+cu118
deepspeed install path ........... ['/home/user/miniconda3/envs/ft/lib/python3.10/site-packages/deepspeed']
deepspeed info ................... 0.14.4, unknown, unknown
torch cuda version ............... 11.8
torch hip version ................ None
nvcc version ..................... 11.8
deepspeed wheel compiled w. ...... torch 2.1, cuda 11.8
shared memory (/dev/shm) size .... 251.77 GB"""
add("k1-deepspeed-01", "microsoft/DeepSpeed", "[BUG] ZeRO-3 hangs at first step with Qwen2-7B",
"""**Describe the bug**
Fine-tuning Qwen/Qwen2-7B with ZeRO stage 3 on 4 GPUs hangs forever at the first optimizer step; GPU util stays 100%.

**To Reproduce**
`deepspeed --num_gpus 4 train.py --deepspeed ds_z3.json`

**ds_report output**
```
""" + DS + """
```

**System info (please complete the following information):**
 - OS: Ubuntu 20.04
 - GPU count and types: 4x A100 40GB
 - Python version: 3.10
""", {"model": "Qwen/Qwen2-7B", "torch": "2.1.2+cu118", "torch_cuda": "11.8", "deepspeed": "0.14.4", "cuda": "11.8", "os": "Ubuntu 20.04", "gpu": "4x A100 40GB", "gpu_count": "4", "python": "3.10"})

add("k1-deepspeed-02", "microsoft/DeepSpeed", "[BUG] cpu_adam build fails: cannot find -lcurand",
"""```
[1/3] c++ -MMD -MF cpu_adam.o.d -DTORCH_EXTENSION_NAME=cpu_adam ...
/usr/bin/ld: cannot find -lcurand: No such file or directory
collect2: error: ld returned 1 exit status
ninja: build stopped: subcommand failed.
RuntimeError: Error building extension 'cpu_adam'
```

deepspeed==0.15.1, torch==2.4.1+cu121, CUDA toolkit 12.1 from conda, python 3.11, CentOS 7.""",
{"deepspeed": "0.15.1", "torch": "2.4.1+cu121", "torch_cuda": "12.1", "cuda": "12.1", "python": "3.11", "os": "CentOS 7"})

add("k1-deepspeed-03", "microsoft/DeepSpeed", "[BUG] NCCL timeout with ZeRO-2 on 2 nodes",
"""Training Llama-2-13b-hf on 2 nodes x 8 H800 with ZeRO-2, after ~300 steps:

```
[rank12]:[E ProcessGroupNCCL.cpp:616] [Rank 12] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=48211, OpType=ALLREDUCE, NumelIn=262144000, NumelOut=262144000, Timeout(ms)=1800000) ran for 1800321 milliseconds before timing out.
```

DeepSpeed 0.13.1, PyTorch 2.2.0, NCCL 2.19.3, driver 535.129.03.""",
{"model": "Llama-2-13b-hf", "gpu": "8 H800", "deepspeed": "0.13.1", "torch": "2.2.0", "cuda_driver": "535.129.03"})

# ---------------- PEFT ----------------
TF_ENV = """- `transformers` version: 4.44.2
- Platform: Linux-5.15.0-113-generic-x86_64-with-glibc2.35
- Python version: 3.10.12
- Huggingface_hub version: 0.24.6
- Safetensors version: 0.4.4
- Accelerate version: 0.33.0
- Accelerate config: 	not found
- PyTorch version (GPU?): 2.4.0+cu121 (True)
- Tensorflow version (GPU?): not installed (NA)
- Flax version (CPU?/GPU?/TPU?): not installed (NA)
- Jax version: not installed
- JaxLib version: not installed
- Using distributed or parallel set-up in script?: no
- Using GPU in script?: yes
- GPU type: NVIDIA L4"""
add("k1-peft-01", "huggingface/peft", "merge_and_unload gives different outputs for Qwen2.5-3B with LoRA on embed_tokens",
"""### System Info

peft 0.12.0

""" + TF_ENV + """

### Reproduction

```python
from peft import PeftModel
from transformers import AutoModelForCausalLM
base = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-3B", torch_dtype="bfloat16")
model = PeftModel.from_pretrained(base, "./lora-out")
merged = model.merge_and_unload()
```

Logits differ by up to 0.5 between `model` and `merged`.
""", {"peft": "0.12.0", "transformers": "4.44.2", "os": "Linux-5.15.0-113-generic-x86_64-with-glibc2.35", "python": "3.10.12", "accelerate": "0.33.0", "torch": "2.4.0+cu121", "torch_cuda": "12.1", "gpu": "NVIDIA L4", "model": "Qwen/Qwen2.5-3B"})

add("k1-peft-02", "huggingface/peft", "ValueError: Target modules {'c_attn'} not found in the base model",
"""```
ValueError: Target modules {'c_attn'} not found in the base model. Please check the target modules and try again.
```

I'm using LoraConfig(target_modules=["c_attn"]) with meta-llama/Meta-Llama-3-8B. pip list:

```
peft                      0.10.0
transformers              4.40.1
torch                     2.2.1
bitsandbytes              0.43.1
accelerate                0.29.3
```""", {"peft": "0.10.0", "transformers": "4.40.1", "torch": "2.2.1", "bitsandbytes": "0.43.1", "accelerate": "0.29.3", "model": "meta-llama/Meta-Llama-3-8B"})

add("k1-peft-03", "huggingface/peft", "QLoRA on Mistral-7B loss goes to nan after a few steps",
"""4-bit QLoRA (nf4, bnb_4bit_compute_dtype=torch.float16) on mistralai/Mistral-7B-v0.1, loss becomes nan after ~50 steps. On a T4 in Colab, peft==0.13.2, transformers==4.46.0, bitsandbytes==0.44.1, trl 0.11.4.""",
{"quantization": "nf4", "model": "mistralai/Mistral-7B-v0.1", "gpu": "T4", "peft": "0.13.2", "transformers": "4.46.0", "bitsandbytes": "0.44.1", "trl": "0.11.4"})

# ---------------- vLLM ----------------
VLLM_ENV = """Collecting environment information...
==============================
        System Info
==============================
OS                           : Ubuntu 22.04.4 LTS (x86_64)
GCC version                  : (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0
Clang version                : Could not collect
CMake version                : version 3.30.2
Libc version                 : glibc-2.35

==============================
       PyTorch Info
==============================
PyTorch version              : 2.6.0+cu124
Is debug build               : False
CUDA used to build PyTorch   : 12.4
ROCM used to build PyTorch   : N/A

==============================
      Python Environment
==============================
Python version               : 3.12.9 (main, Feb 12 2025, 14:50:50) [Clang 19.1.6 ] (64-bit runtime)
Python platform              : Linux-5.15.0-119-generic-x86_64-with-glibc2.35

==============================
       CUDA / GPU Info
==============================
Is CUDA available            : True
CUDA runtime version         : 12.4.131
CUDA_MODULE_LOADING set to   : LAZY
GPU models and configuration :
GPU 0: NVIDIA L40S
GPU 1: NVIDIA L40S
Nvidia driver version        : 550.127.05
cuDNN version                : Could not collect
HIP runtime version          : N/A
MIOpen runtime version       : N/A
Is XNNPACK available         : True

==============================
Versions of relevant libraries
==============================
[pip3] numpy==2.2.4
[pip3] torch==2.6.0
[pip3] transformers==4.51.3
[pip3] triton==3.2.0
[conda] Could not collect

==============================
         vLLM Info
==============================
ROCM Version                 : Could not collect
vLLM Version                 : 0.8.5.post1
vLLM Build Flags:
  CUDA Archs: Not Set; ROCm: Disabled; XPU: Disabled
GPU Topology:
        GPU0    GPU1    CPU Affinity    NUMA Affinity   GPU NUMA ID
GPU0     X      SYS     0-31    0               N/A
GPU1    SYS      X      0-31    0               N/A"""
add("k1-vllm-01", "vllm-project/vllm", "[Bug]: Qwen3-30B-A3B tp=2 crashes with illegal memory access",
"""### Your current environment

<details>
<summary>The output of <code>python collect_env.py</code></summary>

```text
""" + VLLM_ENV + """
```

</details>

### 🐛 Describe the bug

`vllm serve Qwen/Qwen3-30B-A3B --tensor-parallel-size 2` crashes under load:

```
RuntimeError: CUDA error: an illegal memory access was encountered
```
""", {"os": "Ubuntu 22.04.4 LTS (x86_64)", "torch": "2.6.0+cu124", "torch_cuda": "12.4", "python": "3.12.9", "cuda": "12.4.131", "gpu": "2 x NVIDIA L40S", "gpu_count": "2", "cuda_driver": "550.127.05", "transformers": "4.51.3", "vllm": "0.8.5.post1", "model": "Qwen/Qwen3-30B-A3B"})

add("k1-vllm-02", "vllm-project/vllm", "[Usage]: How to set max_model_len for Llama-3.1-8B on a 24GB card?",
"""### Your current environment

vllm 0.6.1.post2, RTX 4090

### How would you like to use vllm

I want to serve meta-llama/Llama-3.1-8B-Instruct with the full 128k context on one 4090. What max_model_len and gpu_memory_utilization should I use?
""", {"vllm": "0.6.1.post2", "gpu": "RTX 4090", "model": "meta-llama/Llama-3.1-8B-Instruct"}, kind="question")

add("k1-vllm-03", "vllm-project/vllm", "[Bug]: ValueError: Model architectures ['Gemma3ForConditionalGeneration'] are not supported",
"""### 🐛 Describe the bug

```
$ python -c "import vllm; print(vllm.__version__)"
0.7.3
$ vllm serve google/gemma-3-27b-it
...
ValueError: Model architectures ['Gemma3ForConditionalGeneration'] are not supported for now.
```

transformers.__version__ is 4.49.0. H100 80GB, driver 550.54.15.
""", {"vllm": "0.7.3", "model": "google/gemma-3-27b-it", "transformers": "4.49.0", "gpu": "H100 80GB", "cuda_driver": "550.54.15"})

add("k1-vllm-04", "vllm-project/vllm", "[Feature]: support for Llama-4 Scout",
"""### 🚀 The feature, motivation and pitch

Llama 4 Scout (meta-llama/Llama-4-Scout-17B-16E-Instruct) was released. Please add support in vLLM.

### Alternatives

_No response_

### Additional context

_No response_
""", {"model": "meta-llama/Llama-4-Scout-17B-16E-Instruct"}, kind="feature")

# LlamaFactory
add("k1-llamafactory-01", "hiyouga/LLaMA-Factory", "DPO training of Qwen2.5-7B-Instruct OOM with ZeRO-3 offload",
"""### Reminder

- [X] I have read the above rules and searched the existing issues.

### System Info

- `llamafactory` version: 0.9.1
- Platform: Linux-5.4.0-186-generic-x86_64-with-glibc2.31
- Python version: 3.11.10
- PyTorch version: 2.4.0+cu121 (GPU)
- Transformers version: 4.46.1
- Datasets version: 3.1.0
- Accelerate version: 1.0.1
- PEFT version: 0.12.0
- TRL version: 0.9.6
- GPU type: NVIDIA A100-SXM4-40GB
- DeepSpeed version: 0.15.4

### Reproduction

```
llamafactory-cli train examples/train_full/qwen2_dpo.yaml
```
torch.OutOfMemoryError: CUDA out of memory.

### Others

_No response_
""", {"llamafactory": "0.9.1", "os": "Linux-5.4.0-186-generic-x86_64-with-glibc2.31", "python": "3.11.10", "torch": "2.4.0+cu121", "torch_cuda": "12.1", "transformers": "4.46.1", "accelerate": "1.0.1", "peft": "0.12.0", "trl": "0.9.6", "gpu": "NVIDIA A100-SXM4-40GB", "deepspeed": "0.15.4"})

for r in R:
    r["env"] = {k: v for k, v in r["env"].items() if v is not None}
import sys
from pathlib import Path

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("runtime_reports.jsonl")
with open(out, "w") as f:
    for r in R:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(R))
