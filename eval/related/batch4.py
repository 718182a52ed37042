"""Batch 4 of the related-issues eval: written after the third tuning round, scored once (the final held-out set)."""

VLLM_FORM = "### Your current environment\n\n```text\n{env}\n```\n\n### 🐛 Describe the bug\n\n{bug}\n\n### Before submitting a new issue...\n\n- [x] Make sure you already searched for relevant issues.\n"
OLLAMA_FORM = "### What is the issue?\n\n{bug}\n\n### OS\n\n{os}\n\n### GPU\n\n{gpu}\n\n### CPU\n\n_No response_\n\n### Ollama version\n\n{ver}\n"

PAIRS = [
({"title": "Please support Kimi-VL-A3B", "body": "moonshotai/Kimi-VL-A3B-Instruct is a small MoE VLM, would be great to serve it with vllm."},
 {"title": "[New Model]: Kimi-VL-A3B-Thinking", "body": "### The model to consider.\n\nmoonshotai/Kimi-VL-A3B-Thinking\n\n### The closest model vllm already supports.\n\nDeepSeek-V3 (the LM part)"}),
({"title": "Granite 3.1 support?", "body": "ibm-granite/granite-3.1-8b-instruct gives unknown architecture in llama.cpp convert."},
 {"title": "Add IBM Granite-3.1 models", "body": "Could you add conversion support for granite 3.1 (dense and MoE)? convert_hf_to_gguf says GraniteForCausalLM is not supported."}),
({"title": "Output is #################### with Mistral-7B on ROCm", "body": "llama.cpp hipBLAS build, RX 7800 XT, mistral-7b-instruct-v0.2.Q4_K_M.gguf: the reply is `####################`. CPU build is fine."},
 {"title": "ROCm: model prints only '#' characters", "body": "Radeon 7900 GRE, ROCm 6.1, llama-server with any Q4 gguf prints #########################. Vulkan build works."}),
({"title": "Empty response from /api/generate with deepseek-r1 in ollama", "body": OLLAMA_FORM.format(bug="`curl /api/generate` with deepseek-r1:7b returns `\"response\": \"\"` and done true. The CLI works.", os="Linux", gpu="Nvidia", ver="0.5.7")},
 {"title": "deepseek-r1 通过 API 调用返回空字符串", "body": "ollama 0.5.6，deepseek-r1:14b 命令行对话正常，但是用 /api/generate 调用返回的 response 是空字符串。"}),
({"title": "RuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED when loading Whisper", "body": "faster-whisper large-v3 on RTX 3060:\n```\nRuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED\n```\ntorch 2.1 cu121."},
 {"title": "CUDNN_STATUS_NOT_INITIALIZED on first forward", "body": "Training Qwen2-Audio with transformers on a 4090, first step fails: `RuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED`. Other torch scripts run."}),
({"title": "lmdeploy: TurboMind does not support the model, falls back to pytorch engine and is slow", "body": "internvl2-8b with lmdeploy 0.5: warning 'Fallback to pytorch engine because turbomind engine is not installed correctly', then 4 tok/s."},
 {"title": "lmdeploy 提示 fallback to pytorch engine，速度很慢", "body": "lmdeploy 0.5.1 部署 internlm2_5-7b-chat，日志里说 turbomind engine is not installed correctly, fallback to pytorch engine，推理很慢。"}),
({"title": "trl SFTTrainer: ValueError: You should supply an encoding or a list of encodings to this method that includes input_ids", "body": "trl 0.9 SFTTrainer with a dataset that has a 'messages' column:\n```\nValueError: You should supply an encoding or a list of encodings to this method that includes input_ids, but you provided ['label']\n```"},
 {"title": "SFTTrainer data collator error: supply an encoding that includes input_ids", "body": "Using DataCollatorForCompletionOnlyLM with trl 0.8.6: `ValueError: You should supply an encoding or a list of encodings to this method that includes input_ids, but you provided ['text']`."}),
({"title": "Qwen2.5-14B-Instruct answers end with '<|im_end|>' text in vLLM", "body": "Using a custom chat template, responses contain the literal string <|im_end|> at the end and then more text."},
 {"title": "输出里出现 <|im_end|> 然后继续生成", "body": "vllm 部署 qwen2.5-7b-instruct，自己写的 chat template，回答末尾出现 <|im_end|> 字符串并且继续输出。"}),
({"title": "llama.cpp server: Metal: ggml_metal_graph_compute: command buffer 0 failed with status 5", "body": "M2 8GB, qwen2.5-14b q4_k_m:\n```\nggml_metal_graph_compute: command buffer 0 failed with status 5\nerror: Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)\n```"},
 {"title": "Metal out of memory: command buffer failed with status 5 (Insufficient Memory)", "body": "MacBook Air M1 16GB, llama-cli with a 20B gguf: `ggml_metal_graph_compute: command buffer 1 failed with status 5` and `Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)`."}),
({"title": "DeepSpeed ZeRO-3 + gradient checkpointing: RuntimeError: The size of tensor a (0) must match", "body": "Fine-tuning Llama-3-8B with zero3 and gradient_checkpointing=True:\n```\nRuntimeError: The size of tensor a (0) must match the size of tensor b (4096) at non-singleton dimension 1\n```"},
 {"title": "zero3 训练报 The size of tensor a (0) must match the size of tensor b", "body": "qwen2-7b 全参微调，deepspeed zero3，开启 gradient checkpointing 报错：RuntimeError: The size of tensor a (0) must match the size of tensor b (3584) at non-singleton dimension 1。"}),
({"title": "Phi-3-mini-128k: rope scaling 'su' not supported", "body": "transformers 4.38 loading Phi-3-mini-128k-instruct: `ValueError: rope_scaling's type field must be one of ['linear', 'dynamic'], got su`."},
 {"title": "ValueError: `rope_scaling`'s type field must be one of ['linear', 'dynamic'], got longrope", "body": "Phi-3.5-mini-instruct with transformers 4.40 raises this at config load."}),
({"title": "Llama-3.1-8B GGUF: 'llama_model_load: error loading model: done_getting_tensors: wrong number of tensors'", "body": "Old llama-cpp-python 0.2.70 loading a new Llama 3.1 gguf: `wrong number of tensors; expected 292, got 291`."},
 {"title": "done_getting_tensors: wrong number of tensors; expected 292, got 291", "body": "LM Studio 0.2.27 can't load Meta-Llama-3.1-8B-Instruct-Q8_0.gguf with this error. Need update?"}),
({"title": "vLLM: Qwen2-VL-7B: 'NoneType' object is not subscriptable in get_rope_index with image_grid_thw", "body": VLLM_FORM.format(env="vllm 0.6.1", bug="Sending an image_url message: `TypeError: 'NoneType' object is not subscriptable` in mrope position computation.")},
 {"title": "Qwen2-VL mrope TypeError NoneType not subscriptable", "body": "vllm 0.6.0, qwen2-vl-2b-instruct, image input -> `TypeError: 'NoneType' object is not subscriptable` from get_input_positions."}),
({"title": "ollama run: Error: llama runner process has terminated: signal: killed", "body": OLLAMA_FORM.format(bug="On a 16GB VPS `ollama run qwen2.5:14b` ends with `Error: llama runner process has terminated: signal: killed`.", os="Linux", gpu="Other", ver="0.3.13")},
 {"title": "llama runner process has terminated: signal: killed (OOM killer?)", "body": "Running gemma2:27b on 32GB RAM without GPU, dmesg shows the OOM killer. Error: llama runner process has terminated: signal: killed"}),
({"title": "bitsandbytes 4bit on Apple Silicon: not supported", "body": "load_in_4bit=True on an M2 Mac: `ImportError: Using bitsandbytes 4-bit quantization requires the latest version of bitsandbytes` even after upgrading."},
 {"title": "Mac M1 上 load_in_4bit 报 bitsandbytes 相关错误", "body": "macOS M1，transformers 加载 qwen2-7b 设置 load_in_4bit=True 报 ImportError: Using bitsandbytes 4-bit quantization requires the latest version of bitsandbytes，已经升级了还是报。"}),
({"title": "sglang: RadixAttention prefix cache makes outputs identical for different sampling seeds", "body": "With n=4 and temperature 0.8 all four completions are identical when prefix caching is on (Qwen2.5-7B)."},
 {"title": "sglang 多次采样结果完全一样", "body": "sglang 0.3，temperature=1.0，同一个 prompt 请求 n=5，五个结果完全一致，关闭 radix cache 就正常。"}),
({"title": "PEFT: LoRA on Qwen2.5-VL: cannot target visual modules", "body": "target_modules='all-linear' also wraps the vision tower of Qwen2.5-VL-7B and training OOMs; how to exclude the visual encoder?"},
 {"title": "Qwen2-VL LoRA 训练如何不训练视觉部分", "body": "peft lora 微调 qwen2-vl-7b，target_modules 设为 all-linear 把 visual 部分也加了 lora，显存爆了，怎么排除视觉编码器？"}),
({"title": "vllm: RuntimeError: Cannot re-initialize CUDA in forked subprocess", "body": "Creating LLM() inside a script that already touched CUDA with tp=2:\n```\nRuntimeError: Cannot re-initialize CUDA in forked subprocess. To use CUDA with multiprocessing, you must use the 'spawn' start method\n```"},
 {"title": "Cannot re-initialize CUDA in forked subprocess when using tensor_parallel_size 4", "body": "Jupyter notebook, vllm 0.6.3, Llama-3.1-70B tp 4: `RuntimeError: Cannot re-initialize CUDA in forked subprocess. To use CUDA with multiprocessing, you must use the 'spawn' start method`."}),
({"title": "GLM-4-9B-Chat outputs garbled text with vLLM and tp 2", "body": "glm-4-9b-chat served with vllm 0.5.1 -tp 2 returns garbled characters; tp 1 is fine."},
 {"title": "glm4 多卡推理乱码", "body": "vllm 0.5.0，GLM-4-9B-Chat，两卡 tensor parallel 输出乱码，单卡正常。"}),
({"title": "transformers: generation with Qwen2.5 and use_cache=False is extremely slow", "body": "Accidentally set use_cache=False; qwen2.5-7b generate takes minutes for 512 tokens."},
 {"title": "generate 很慢，原来是 use_cache=False", "body": "qwen2-7b 推理每秒只有一两个 token，后来发现配置里 use_cache 是 False。这个是默认值吗？"}),
]

POOL = [
{"title": "[New Model]: Kimi-K2-Instruct", "body": "Please support moonshotai/Kimi-K2-Instruct."},
{"title": "Granite 3.1 MoE slow on CPU", "body": "granite-3.1-3b-a800m-instruct runs at 2 tok/s."},
{"title": "ROCm build fails: hipcc not found", "body": "Building llama.cpp with -DGGML_HIPBLAS=ON fails, hipcc missing."},
{"title": "deepseek-r1 in ollama: <think> tags shown in output", "body": OLLAMA_FORM.format(bug="The reply includes <think> ... </think>; how to hide it?", os="Linux", gpu="Nvidia", ver="0.5.7")},
{"title": "RuntimeError: cuDNN version incompatibility", "body": "PyTorch was compiled against cuDNN 8.9 but found runtime version 8.5."},
{"title": "lmdeploy: turbomind out of memory with cache_max_entry_count 0.8", "body": "internlm2_5-7b-chat on a 24GB card OOM at start."},
{"title": "trl DPOTrainer: KeyError 'prompt'", "body": "My dataset has 'question'/'chosen'/'rejected' columns; DPOTrainer raises KeyError: 'prompt'."},
{"title": "Qwen2.5-14B-Instruct answers in English to Chinese questions on vLLM", "body": "Custom chat template; language switches."},
{"title": "llama.cpp Metal slower than CPU on M1 for small models", "body": "qwen2.5-0.5b q8_0 runs faster with -ngl 0."},
{"title": "DeepSpeed ZeRO-3: model.generate is extremely slow", "body": "Evaluation with generate under zero3 takes minutes per sample."},
{"title": "Phi-3-mini: flash attention warning 'window_size' not supported", "body": "flash-attn 2.3 does not support sliding window; falls back."},
{"title": "llama-cpp-python: no GPU offload after pip install", "body": "BLAS = 0 in the system info, all layers on CPU."},
{"title": "Qwen2-VL: video input with vllm gives 'Expected at most 1 video'", "body": "limit_mm_per_prompt needed?"},
{"title": "ollama: Error: llama runner process has terminated: exit status 2", "body": OLLAMA_FORM.format(bug="After upgrade every model fails with exit status 2 on an old CPU without AVX2.", os="Linux", gpu="Other", ver="0.3.13")},
{"title": "bitsandbytes 8bit training on Windows fails with CUDA Setup", "body": "Windows 10, RTX 3070, bnb 0.41: CUDA Setup failed."},
{"title": "sglang: temperature 0 still gives different outputs across runs", "body": "Greedy decoding not deterministic with batch size > 1."},
{"title": "PEFT: merging LoRA into Qwen2-VL breaks the vision tower", "body": "After merge_and_unload the model ignores images."},
{"title": "vllm: multiprocessing spawn error on Windows WSL", "body": "RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase."},
{"title": "GLM-4-9B-Chat: tokenizer error with transformers 4.45", "body": "AttributeError: 'ChatGLM4Tokenizer' object has no attribute 'tokenizer'."},
{"title": "transformers generate slow with static cache and torch.compile on first call", "body": "First generate takes 2 minutes because of compilation."},
]

SOLO = [
{"title": "Support for Kimi-Audio", "body": "Would love to run moonshotai/Kimi-Audio-7B."},
{"title": "Output is ##### only with flash attention on CUDA 12.4", "body": "llama-server -fa on a 4060, Llama-3.2-3B prints #####, without -fa fine."},
{"title": "ollama: signal: segmentation fault on Intel Mac", "body": "llama runner process has terminated: signal: segmentation fault on macOS 13 Intel."},
{"title": "vllm: RuntimeError: CUDA error: invalid device ordinal with CUDA_VISIBLE_DEVICES", "body": "tp 2 with CUDA_VISIBLE_DEVICES=1,2 fails with invalid device ordinal."},
{"title": "trl GRPOTrainer reward is always 0", "body": "Qwen2.5-0.5B GRPO on gsm8k, reward stays 0 for 500 steps."},
]

ALSO = {17: ["fresh-01-19"]}
"""A pool issue (written independently by helper W) that reports the same failure as a pair's original (the same
error and cause: CUDA initialised before a fork), adjudicated by reading it after the one scoring of this batch;
`--strict` ignores it."""
