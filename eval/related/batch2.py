"""Batch 2 of the related-issues eval: written after the ranking was tuned on batch 1, scored once (held out)."""

VLLM_FORM = "### Your current environment\n\n<details>\n<summary>The output of `python collect_env.py`</summary>\n\n```text\n{env}\n```\n\n</details>\n\n### 🐛 Describe the bug\n\n{bug}\n\n### Before submitting a new issue...\n\n- [x] Make sure you already searched for relevant issues, and asked the chatbot living at the bottom right corner of the documentation page, which can answer lots of frequently asked questions.\n"
OLLAMA_FORM = "### What is the issue?\n\n{bug}\n\n### OS\n\n{os}\n\n### GPU\n\n{gpu}\n\n### CPU\n\nIntel\n\n### Ollama version\n\n{ver}\n"
QWEN_FORM = "### Model Series\n\n{series}\n\n### What are the models used?\n\n{model}\n\n### What is the scenario where the problem happened?\n\n{scenario}\n\n### Is this a known issue?\n\n- [X] I have followed the GitHub README.\n- [X] I have checked the Qwen documentation and cannot find an answer there.\n\n### Information about environment\n\n{env}\n\n### Log output\n\n```\n{log}\n```\n\n### Description\n\n{desc}\n"

PAIRS = [
# support requests sharing only the model name
({"title": "什么时候支持 MiniCPM-V 2.6？", "body": "希望 lmdeploy 能支持 minicpm-v-2_6，现在用 turbomind 加载提示不支持该架构。"},
 {"title": "[Feature] Support MiniCPM-V-2_6", "body": "openbmb/MiniCPM-V-2_6 is a strong small VLM. Would be great to have it in the pytorch engine or turbomind."}),
({"title": "InternVL2.5 support?", "body": "Can we serve internvl2_5-8b with vllm? I get `ValueError: Model architectures ['InternVLChatModel'] are not supported for now` on 0.6.1."},
 {"title": "[New Model]: InternVL2_5-26B", "body": "### The model to consider.\n\nOpenGVLab/InternVL2_5-26B\n\n### The closest model vllm already supports.\n\nInternVL2\n\n### What's your difficulty of supporting the model you want?\n\nNew vision encoder version."}),
({"title": "Please add Mistral-Small-3.1-24B", "body": "The new mistral small 3.1 has vision. `ollama pull` finds nothing. Any ETA?"},
 {"title": "mistral-small3.1 model request", "body": OLLAMA_FORM.format(bug="Requesting Mistral-Small-3.1-24B-Instruct-2503 in the library. The gguf from the hub does not load the vision part.", os="macOS", gpu="Apple", ver="0.6.2")}),
({"title": "Support for Phi-3.5-MoE", "body": "microsoft/Phi-3.5-MoE-instruct fails: `KeyError: 'phimoe'` in the model registry."},
 {"title": "phi-3.5 moe when?", "body": "Would like to try phi-3.5-moe-instruct (16x3.8B) in vllm, currently not in the supported list."}),
# same symptom strings on different environments
({"title": "Output is only question marks ??????? with Qwen2-VL on vLLM 0.6.3", "body": VLLM_FORM.format(env="vLLM 0.6.3\nGPU: A100 80G", bug="Image + text prompt to Qwen2-VL-7B-Instruct returns `????????????????????`. Text-only prompts are fine.")},
 {"title": "qwen2-vl 推理输出全是问号", "body": "vllm 0.6.2，4090，图文输入时 Qwen2-VL-2B-Instruct 的输出全部是 ??????????，纯文本正常。"}),
({"title": "<unk><unk><unk> output after converting to GGUF", "body": "I converted my fine-tuned Qwen2.5-1.5B with convert_hf_to_gguf.py, quantized to Q4_K_M, and llama-cli prints `<unk><unk><unk><unk>` endlessly."},
 {"title": "GGUF of my finetune generates only <unk> tokens", "body": "Merged LoRA into qwen2.5-3b, converted to f16 gguf then q8_0. Ollama output is `<unk><unk><unk><unk><unk>`. The HF model works fine."}),
({"title": "llama_model_load: error loading model: unexpected EOF", "body": "```\nllama_model_load: error loading model: unexpected EOF\nllama_load_model_from_file: failed to load model\n```\nThe gguf was downloaded with wget from the hub. b3912."},
 {"title": "failed to load model: unexpected EOF (truncated download?)", "body": "llama-server -m qwen2.5-32b-instruct-q4_k_m.gguf fails with `error loading model: unexpected EOF`. The file is 18GB, expected 19.8GB."}),
({"title": "Gemma 2 outputs <pad><pad><pad> with float16", "body": "gemma-2-9b-it with torch_dtype=torch.float16 in transformers generates only `<pad><pad><pad>`. bf16 works."},
 {"title": "gemma-2-27b float16 generates pad tokens", "body": "On V100 (no bf16) gemma-2-27b-it returns `<pad><pad><pad><pad>` for every prompt. transformers 4.44."}),
# Chinese reports of English originals
({"title": "RuntimeError: probability tensor contains either `inf`, `nan` or element < 0", "body": "Sampling with Qwen1.5-7B-Chat in fp16 on a T4 fails:\n```\nRuntimeError: probability tensor contains either `inf`, `nan` or element < 0\n```\ngreedy works."},
 {"title": "采样时报错 probability tensor contains either inf, nan or element < 0", "body": "用 qwen1.5-14b-chat，fp16，V100，do_sample=True 时报：\n```\nRuntimeError: probability tensor contains either `inf`, `nan` or element < 0\n```"}),
({"title": "vLLM server hangs after a few hours under load, no error", "body": "vllm 0.5.4 serving Qwen2-7B-Instruct. After 3-4 hours of steady traffic requests stop returning; GPU util 0%, process alive, no log output."},
 {"title": "vllm 服务运行几个小时后卡住，不返回结果", "body": "部署 qwen2-72b-instruct-awq，vllm 0.5.3，跑几个小时后所有请求都卡住没有返回，日志也没有报错，GPU 利用率为 0。"}),
({"title": "AttributeError: 'Qwen2Tokenizer' object has no attribute 'eod_id'", "body": "Using the old Qwen finetune script with Qwen1.5:\n```\nAttributeError: 'Qwen2Tokenizer' object has no attribute 'eod_id'\n```"},
 {"title": "用 qwen2 微调报错 'Qwen2TokenizerFast' object has no attribute 'eod_id'", "body": "按照 Qwen 的 finetune.py 微调 qwen2-7b 报错：\n```\nAttributeError: 'Qwen2TokenizerFast' object has no attribute 'eod_id'\n```"}),
({"title": "Ollama ignores OLLAMA_MODELS on Windows and downloads to C:", "body": OLLAMA_FORM.format(bug="Set the OLLAMA_MODELS environment variable to D:\\models and restarted, but pulls still go to C:\\Users\\me\\.ollama\\models.", os="Windows", gpu="Nvidia", ver="0.3.12")},
 {"title": "设置 OLLAMA_MODELS 后模型还是下载到 C 盘", "body": "Windows 11，设置了系统环境变量 OLLAMA_MODELS=E:\\ollama，重启 ollama 后 pull 的模型仍然在 C 盘用户目录下。版本 0.3.14。"}),
({"title": "Function calling with Qwen2.5 in ollama returns tool call as plain text", "body": "Using the /api/chat endpoint with tools, qwen2.5:7b sometimes answers with the JSON of the call in `content` instead of `tool_calls`."},
 {"title": "ollama 调用 qwen2.5 工具调用返回在 content 里", "body": "用 ollama 的 tools 参数，qwen2.5:14b 有时把函数调用的 json 放在 content 中，tool_calls 为空。"}),
# merges across model versions
({"title": "Qwen2.5 tokenizer: apply_chat_template adds a default system prompt I did not ask for", "body": "With Qwen2.5-7B-Instruct, apply_chat_template without a system message inserts 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.'"},
 {"title": "Qwen2-7B-Instruct chat template inserts system prompt automatically", "body": "When messages have no system role, the template adds `You are a helpful assistant.` Is there a way to disable it?"}),
({"title": "Gemma 3 attention softcapping not applied with sdpa", "body": "gemma-3-12b-it outputs degrade with attn_implementation='sdpa' vs eager. Looks like the softcapping is skipped like it used to be for Gemma 2."},
 {"title": "Gemma-2 results differ between eager and sdpa attention", "body": "gemma-2-9b-it: sdpa gives worse answers than eager because logit softcapping is not supported in sdpa. transformers 4.42."}),
({"title": "DeepSeek-R1 FP8 weights: ValueError: Unknown quantization type, got fp8", "body": "Loading deepseek-ai/DeepSeek-R1 with transformers 4.47:\n```\nValueError: Unknown quantization type, got fp8 - supported types are: ['awq', 'bitsandbytes_4bit', 'bitsandbytes_8bit', 'gptq', 'aqlm', 'quanto', 'eetq', 'hqq', 'compressed-tensors', 'fbgemm_fp8', 'torchao', 'bitnet']\n```"},
 {"title": "Can't load DeepSeek-V3 with transformers: Unknown quantization type fp8", "body": "`AutoModelForCausalLM.from_pretrained('deepseek-ai/DeepSeek-V3', trust_remote_code=True)` raises `ValueError: Unknown quantization type, got fp8`."}),
({"title": "Llama-3.2-11B-Vision: cross attention mask shape error with batched images", "body": "Batching two prompts with one image each for Llama-3.2-11B-Vision-Instruct:\n```\nRuntimeError: The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 1\n```"},
 {"title": "Llama 3.2 Vision 90B batch inference size mismatch", "body": "Same code as single-image works, batch of 2 fails: `RuntimeError: The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 1` inside cross attention."}),
({"title": "Qwen3 thinking mode can't be turned off in vLLM chat completions", "body": "Passing enable_thinking=False in chat_template_kwargs has no effect for Qwen3-32B on vllm 0.8.4; responses still start with <think>."},
 {"title": "Qwen3-8B: enable_thinking false ignored", "body": "With sglang the /no_think switch and enable_thinking=False both still produce a <think> block for qwen3-8b."}),
# same error on different setups
({"title": "torch.cuda.OutOfMemoryError during DPO with TRL on 2x A100", "body": "DPOTrainer, Qwen2.5-7B, ref model loaded separately, per_device_train_batch_size 1.\n```\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.71 GiB.\n```"},
 {"title": "DPO 训练 OOM，ref model 占显存", "body": "trl 的 DPOTrainer 训练 qwen2.5-7b，两张 A800，batch 1 还是 CUDA out of memory，Tried to allocate 2.9 GiB，是不是 ref model 也占了显存？"}),
({"title": "Segmentation fault (core dumped) when importing vllm after installing flash-attn", "body": "```\n$ python -c 'import vllm'\nSegmentation fault (core dumped)\n```\nflash-attn 2.6.3 built from source, torch 2.4."},
 {"title": "import vllm segfaults", "body": "Fresh conda env, pip install vllm then flash-attn, `import vllm` -> Segmentation fault (core dumped). Removing flash-attn fixes it."}),
({"title": "NCCL error: unhandled cuda error when using tensor parallel on RTX 4090s", "body": "vllm tp=2 on two 4090:\n```\nRuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)\n```\nNCCL_P2P_DISABLE=1 fixes it."},
 {"title": "RTX 4090 x4 tensor parallel NCCL unhandled cuda error", "body": "sglang --tp 4 on four 4090 cards: `NCCL error: unhandled cuda error`. P2P is not supported on 4090."}),
({"title": "LLaMA-Factory: ValueError: Please launch distributed training with `llamafactory-cli` or `torchrun`", "body": "Running `python src/train.py config.yaml` with deepspeed in the yaml fails with this ValueError."},
 {"title": "deepspeed 训练提示 Please launch distributed training with llamafactory-cli or torchrun", "body": "配置了 deepspeed: ds_z3_config.json，直接 python 启动训练报 ValueError: Please launch distributed training with `llamafactory-cli` or `torchrun`."}),
({"title": "AWQ quantization with AutoAWQ: KeyError 'model.layers.0.self_attn.q_proj' for Qwen2.5", "body": "AutoAWQ 0.2.6 quantizing Qwen2.5-14B-Instruct:\n```\nKeyError: 'model.layers.0.self_attn.q_proj'\n```"},
 {"title": "autoawq quantize qwen2.5-7b KeyError on self_attn.q_proj", "body": "```\nKeyError: 'model.layers.0.self_attn.q_proj'\n```\nautoawq 0.2.5, transformers 4.45."}),
({"title": "ollama: model requires more system memory than is available", "body": OLLAMA_FORM.format(bug="`Error: model requires more system memory (22.4 GiB) than is available (15.1 GiB)` for qwen2.5:32b even though the GPU has 24GB.", os="Linux", gpu="Nvidia", ver="0.3.9")},
 {"title": "Error: model requires more system memory than is available (WSL2)", "body": "In WSL2 with an RTX 4090, `ollama run gemma2:27b` says model requires more system memory (18.1 GiB) than is available (11.7 GiB)."}),
({"title": "sglang: Triton error: out of resource: shared memory on V100", "body": "Running Qwen2-7B on V100 with sglang 0.2.x:\n```\ntriton.runtime.errors.OutOfResources: out of resource: shared memory, Required: 98304, Hardware limit: 98304\n```"},
 {"title": "OutOfResources: out of resource: shared memory (T4)", "body": "lmdeploy pytorch engine on a T4 with internlm2-chat-7b: `triton.runtime.errors.OutOfResources: out of resource: shared memory, Required: 81920, Hardware limit: 65536`."}),
({"title": "Streaming responses from vLLM OpenAI server stop mid-sentence with finish_reason length", "body": "max_tokens not set, still finish_reason=length after ~16 tokens with Qwen2.5-7B on vllm 0.6.0."},
 {"title": "vllm 0.6 默认 max_tokens 只有 16，输出被截断", "body": "调用 completions 接口不传 max_tokens，输出只有十几个 token 就停了，finish_reason 是 length。"}),
({"title": "Baichuan2-13B-Chat: AttributeError 'BaichuanTokenizer' object has no attribute 'sp_model'", "body": "transformers 4.40 with trust_remote_code:\n```\nAttributeError: 'BaichuanTokenizer' object has no attribute 'sp_model'\n```"},
 {"title": "baichuan2-7b 加载 tokenizer 报 no attribute 'sp_model'", "body": "升级 transformers 到 4.38 后加载 Baichuan2-7B-Chat 报错：AttributeError: 'BaichuanTokenizer' object has no attribute 'sp_model'。降级到 4.33 正常。"}),
({"title": "Qwen-VL-Chat: 'NoneType' object has no attribute 'to' when no image is given", "body": "Text-only question to Qwen-VL-Chat via model.chat raises AttributeError: 'NoneType' object has no attribute 'to'."},
 {"title": "qwen-vl-chat 纯文本提问报错 NoneType has no attribute to", "body": "不传图片只传文本时，Qwen-VL-Chat 报 AttributeError: 'NoneType' object has no attribute 'to'。"}),
]

POOL = [
{"title": "[Feature] Support MiniCPM-o 2.6 audio input", "body": "MiniCPM-o-2_6 adds speech; please support audio in the pytorch engine."},
{"title": "InternVL2.5-8B outputs are truncated at 512 tokens", "body": "vllm 0.6.4, internvl2_5-8b, answers stop at 512 tokens regardless of max_tokens."},
{"title": "Qwen2-VL outputs garbage for video input on vLLM", "body": VLLM_FORM.format(env="vLLM 0.6.3\nGPU: A100 80G", bug="Video prompts to Qwen2-VL-7B-Instruct give unrelated text. Images fine.")},
{"title": "llama_model_load: error loading model: invalid magic characters", "body": "Trying to load an old ggml .bin with a recent llama.cpp build."},
{"title": "Gemma 2 generation is slow with eager attention", "body": "gemma-2-9b-it eager attention is 2x slower than sdpa for long prompts."},
{"title": "RuntimeError: expected scalar type Half but found Float with Qwen1.5 on T4", "body": "fp16 inference with a LoRA adapter loaded."},
{"title": "vLLM server crashes with CUDA illegal memory access after hours", "body": "vllm 0.5.4 Qwen2-7B-Instruct, after hours of traffic the engine dies with an illegal memory access."},
{"title": "Qwen2.5-7B-Instruct: system prompt ignored in multi-turn chat", "body": "The assistant forgets the system instructions after a few turns."},
{"title": "DeepSeek-R1 FP8 on H20: slow prefill", "body": "vllm 0.7.2, DeepSeek-R1 fp8 on 8xH20 prefill throughput low."},
{"title": "Llama-3.2-11B-Vision: image token count mismatch in processor", "body": "ValueError: The number of image tokens (1) does not match the number of images (2) in the processor."},
{"title": "Qwen3-32B: reasoning_content missing in streaming", "body": "Streaming responses from vllm lose the reasoning part for qwen3-32b."},
{"title": "DPO training loss stays at 0.693", "body": "trl DPOTrainer with Qwen2.5-7B, loss never moves from 0.6931."},
{"title": "import vllm: ModuleNotFoundError: No module named 'vllm._C'", "body": "Installed from source without building the kernels."},
{"title": "RTX 4090 x2 tensor parallel slower than a single card", "body": "vllm tp=2 on 4090 gives lower throughput than tp=1 for a 7B model."},
{"title": "LLaMA-Factory: loss is 0 during SFT with template qwen", "body": "SFT of qwen2.5-7b with LLaMA-Factory reports loss 0.0 from the first step."},
{"title": "AutoAWQ: quantized Qwen2.5 outputs are much worse than GPTQ", "body": "Perplexity jumps after AWQ quantization of Qwen2.5-14B."},
{"title": "ollama: GPU memory not released after model unload", "body": OLLAMA_FORM.format(bug="After keep_alive expires nvidia-smi still shows 10GB used.", os="Linux", gpu="Nvidia", ver="0.3.9")},
{"title": "sglang: out of memory at startup on A10 with Qwen2-7B", "body": "torch.OutOfMemoryError during CUDA graph capture on a 24GB A10."},
{"title": "vllm: finish_reason stop but output cut when stop string appears in code", "body": "Custom stop=['```'] truncates code blocks as expected? Asking about behavior."},
{"title": "Baichuan2-13B-Chat repeats answers in multi-turn chat", "body": "Second turn repeats the first answer verbatim."},
]

SOLO = [
{"title": "Support for GLM-4.5-Air in ollama", "body": "Would like to run glm-4.5-air locally."},
{"title": "Qwen2-VL outputs !!!! for image prompts in fp16", "body": "transformers fp16 on T4, image prompts give !!!!!!!!!."},
{"title": "gguf conversion fails: tokenizer.model not found for Gemma 3", "body": "convert_hf_to_gguf.py gemma-3-4b-it: FileNotFoundError tokenizer.model"},
{"title": "vllm 0.8 启动时报 No available memory for the cache blocks", "body": "qwen2.5-72b tp 4 启动报错 No available memory for the cache blocks。"},
{"title": "Qwen2.5-Coder-32B FIM completion adds extra newline", "body": "In continue.dev the infill always starts with a blank line."},
{"title": "deepspeed zero3 + LoRA: RuntimeError size mismatch when loading the adapter", "body": "Loading a LoRA adapter trained with zero3: size mismatch for base_model.model.lm_head.weight: copying a param with shape torch.Size([0])."},
]

ALSO = {15: ["fresh-01-03"], 21: ["fresh-08-12"]}
"""Pool issues (written independently by helper W) that, read side by side, report the same failure as a pair's
original: the same error string on the same setup. They count as correct answers for that pair (adjudicated by
reading them after the first scoring; the raw figure without them is printed by `--strict`)."""
