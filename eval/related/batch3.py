"""Batch 3 of the related-issues eval: written after the second tuning round, scored once (the final held-out set)."""

HF_FORM = "### System Info\n\n{env}\n\n### Who can help?\n\n@ArthurZucker\n\n### Information\n\n- [ ] The official example scripts\n- [x] My own modified scripts\n\n### Reproduction\n\n{bug}\n\n### Expected behavior\n\n{exp}\n"
LF_FORM = "### Reminder\n\n- [X] I have read the README and searched the existing issues.\n\n### System Info\n\n{env}\n\n### Reproduction\n\n{bug}\n\n### Expected behavior\n\n_No response_\n\n### Others\n\n_No response_\n"
OLLAMA_FORM = "### What is the issue?\n\n{bug}\n\n### OS\n\n{os}\n\n### GPU\n\n{gpu}\n\n### CPU\n\nAMD\n\n### Ollama version\n\n{ver}\n"

PAIRS = [
# support requests
({"title": "Support Qwen2.5-Omni", "body": "Qwen2.5-Omni-7B came out with audio+video input and speech output. Any plan for vllm?"},
 {"title": "[New Model]: Qwen/Qwen2.5-Omni-7B", "body": "### The model to consider.\n\nQwen/Qwen2.5-Omni-7B\n\n### The closest model vllm already supports.\n\nQwen2-Audio, Qwen2.5-VL"}),
({"title": "希望支持 DeepSeek-VL2", "body": "deepseek-vl2-small 在 lmdeploy 里无法加载，请问有计划支持吗？"},
 {"title": "[Feature] DeepSeek-VL2 support", "body": "Would love to deploy deepseek-ai/deepseek-vl2 (MoE vision) with lmdeploy's pytorch engine."}),
({"title": "Llama 4 Scout support in llama.cpp?", "body": "Llama-4-Scout-17B-16E-Instruct conversion: `Model Llama4ForConditionalGeneration is not supported`."},
 {"title": "Feature Request: Llama 4", "body": "Meta released llama 4 (scout and maverick). Please add support for converting and running them."}),
# same symptom strings
({"title": "Qwen2.5-Coder outputs @@@@@@@ in LM Studio / llama.cpp with Vulkan", "body": "qwen2.5-coder-7b-instruct-q5_k_m.gguf prints `@@@@@@@@@@@@@@` on my RX 580 with the Vulkan backend."},
 {"title": "Output full of @@@@ on AMD GPU (vulkan)", "body": "llama-cli b4500, Vulkan on Radeon RX 570 8GB: any model prints @@@@@@@@@@@@@@@@@@ once layers are offloaded. CPU works."}),
({"title": "Model answers with 'ChatGPT' identity / responds 'I am ChatGPT'", "body": "After SFT of Qwen2.5-7B on my dataset, the model says it is ChatGPT developed by OpenAI."},
 {"title": "微调后模型自称是 ChatGPT", "body": "用自己的数据 lora 微调 qwen2.5-14b 后，问你是谁，模型回答我是 ChatGPT，由 OpenAI 开发。"}),
({"title": "Error: pull model manifest: file does not exist", "body": OLLAMA_FORM.format(bug="`ollama pull qwen2.5:72b-instruct-q3_K_M` -> `Error: pull model manifest: file does not exist`", os="Linux", gpu="Nvidia", ver="0.3.12")},
 {"title": "pull model manifest: file does not exist for a tag I see on the website", "body": "Trying `ollama run deepseek-r1:671b-q4` gives `Error: pull model manifest: file does not exist`. The library page lists it."}),
# Chinese of English
({"title": "CUDA error: device-side assert triggered when fine-tuning with added special tokens", "body": "Added tokens to the tokenizer for Llama-3-8B but forgot resize_token_embeddings; training crashes with\n```\nRuntimeError: CUDA error: device-side assert triggered\n```\n`../aten/src/ATen/native/cuda/Indexing.cu:1236: indexSelectSmallIndex: block: [0,0,0], thread: [0,0,0] Assertion `srcIndex < srcSelectDimSize` failed.`"},
 {"title": "添加特殊 token 后训练报 device-side assert triggered", "body": "给 qwen2 的 tokenizer 加了几个新 token，训练时报：\n```\nIndexing.cu:1236: indexSelectSmallIndex: block: [0,0,0], thread: [1,0,0] Assertion `srcIndex < srcSelectDimSize` failed.\nRuntimeError: CUDA error: device-side assert triggered\n```"}),
({"title": "Ollama API very slow first token after idle (model reloads)", "body": "After 5 minutes without requests, the first request to llama3.1:8b takes 20+ seconds. Seems the model is unloaded."},
 {"title": "ollama 空闲一段时间后第一次请求很慢", "body": "qwen2.5:7b，隔几分钟不用，再请求时首 token 要等十几秒，看日志是重新加载了模型。怎么让模型一直驻留？"}),
({"title": "LoRA adapter has no effect after merge_and_unload", "body": "Merged my peft LoRA into Qwen2-7B-Instruct with merge_and_unload and saved; the merged model behaves exactly like the base model."},
 {"title": "merge_and_unload 合并 lora 后效果和原模型一样", "body": "peft 0.11，qwen2-1.5b lora 训练完效果正常，merge_and_unload 保存后再加载，输出跟没训练过一样。"}),
({"title": "vLLM: Qwen2.5-72B-Instruct GPTQ-Int4 tp=2 gives 'The input size is not aligned with the quantized weight shape'", "body": "```\nValueError: The input size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size.\n```\nvllm 0.6.3, 2x A100."},
 {"title": "Qwen2-72B-Instruct-GPTQ-Int4 tp 8 报 input size is not aligned with the quantized weight shape", "body": "vllm 0.5.0，8 卡 tp=8：\n```\nValueError: The input size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size.\n```\ntp=4 正常。"}),
({"title": "Embedding model returns identical vectors for every input (bge-m3 on TEI)", "body": "All embeddings from bge-m3 are the same vector regardless of the text. Using text-embeddings-inference 1.5 with --pooling cls."},
 {"title": "bge-m3 所有输入得到相同的向量", "body": "用 TEI 部署 bge-m3，不同文本返回的 embedding 完全一样，换成 sentence-transformers 本地跑正常。"}),
# merges across versions
({"title": "Qwen2.5-VL-72B AWQ: ValueError: size of tensor not divisible for tp", "body": "Serving Qwen2.5-VL-72B-Instruct-AWQ with tp 4 on vllm 0.7.3:\n```\nValueError: The input size is not aligned with the quantized weight shape.\n```"},
 {"title": "Qwen2-VL-72B-Instruct-AWQ tensor parallel 4 error: input size not aligned with quantized weight", "body": "vllm 0.6.4 tp=4: `ValueError: The input size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size.`"}),
({"title": "Llama-3.3-70B-Instruct tool calling returns python_tag text", "body": "With vllm and the llama3_json parser, llama 3.3 70b sometimes answers `<|python_tag|>{\"name\": ...}` in content."},
 {"title": "Llama 3.1 70B emits <|python_tag|> instead of tool_calls", "body": "Meta-Llama-3.1-70B-Instruct via vllm 0.5.5, tool choice auto: the response content starts with <|python_tag|> and tool_calls is empty."}),
({"title": "Qwen3-30B-A3B MoE slow on llama.cpp compared to dense 8B", "body": "qwen3-30b-a3b q4_k_m gets 12 tok/s on my 3090, while the dense qwen3-8b gets 90. Expected the MoE with 3B active to be faster."},
 {"title": "Qwen2-57B-A14B MoE inference much slower than expected", "body": "llama.cpp with Qwen2-57B-A14B-Instruct q4: 6 tok/s, much slower than a 14B dense model although only 14B params are active."}),
({"title": "ChatGLM3-6B: AttributeError: 'ChatGLMTokenizer' object has no attribute 'tokenizer'", "body": "transformers 4.42 with trust_remote_code for chatglm3-6b raises `AttributeError: 'ChatGLMTokenizer' object has no attribute 'tokenizer'`."},
 {"title": "glm-4-9b-chat tokenizer AttributeError no attribute 'tokenizer' with new transformers", "body": "升级 transformers 到 4.44 之后，GLM-4-9B-Chat 加载 tokenizer 报 AttributeError: 'ChatGLM4Tokenizer' object has no attribute 'tokenizer'."}),
# same error different env
({"title": "OSError: We couldn't connect to 'https://huggingface.co' to load this file", "body": "Offline cluster, from_pretrained('Qwen/Qwen2.5-7B-Instruct') fails:\n```\nOSError: We couldn't connect to 'https://huggingface.co' to load this file, couldn't find it in the cached files and it looks like Qwen/Qwen2.5-7B-Instruct is not the path to a directory containing a file named config.json.\n```"},
 {"title": "无法连接 huggingface 加载模型 OSError couldn't connect", "body": "国内服务器加载 THUDM/glm-4-9b-chat 报：\n```\nOSError: We couldn't connect to 'https://huggingface.co' to load this file, couldn't find it in the cached files and it looks like THUDM/glm-4-9b-chat is not the path to a directory containing a file named config.json.\n```"}),
({"title": "RuntimeError: Expected all tensors to be on the same device, cuda:0 and cuda:1 with device_map auto", "body": "Qwen2-72B on 4 GPUs with device_map='auto', generate fails:\n```\nRuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cuda:1!\n```"},
 {"title": "multi-GPU device_map=auto: tensors on different devices (cuda:1 and cuda:0)", "body": "Llama-3-70B, accelerate 0.30, two A100s. `RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:1 and cuda:0!` during generate."}),
({"title": "flash_attn: ImportError: libcudart.so.12: cannot open shared object file", "body": "pip installed flash-attn 2.5.9 in a CUDA 11.8 env:\n```\nImportError: libcudart.so.12: cannot open shared object file: No such file or directory\n```"},
 {"title": "vllm import error libcudart.so.12 cannot open shared object file", "body": "CUDA 11.8 machine, pip install vllm, then `import vllm` -> `ImportError: libcudart.so.12: cannot open shared object file: No such file or directory`."}),
({"title": "LLaMA-Factory: KeyError: 'qwen2_vl' when selecting template", "body": LF_FORM.format(env="llamafactory 0.8.3, transformers 4.43", bug="Training with template: qwen2_vl fails with `KeyError: 'qwen2_vl'` in get_template_and_fix_tokenizer.")},
 {"title": "template qwen2_vl not found", "body": LF_FORM.format(env="llamafactory 0.8.2", bug="`ValueError: Template qwen2_vl does not exist.` when fine-tuning Qwen2-VL-7B. Is the template added in a newer version?")}),
({"title": "deepspeed: Exception: Installed CUDA version 12.4 does not match the version torch was compiled with 12.1", "body": "Building fused adam: `Exception: >- DeepSpeed Op Builder: Installed CUDA version 12.4 does not match the version torch was compiled with 12.1, unable to compile cuda/cpp extensions without a matching cuda version.`"},
 {"title": "DeepSpeed Op Builder: Installed CUDA version 11.7 does not match the version torch was compiled with 12.1", "body": "deepspeed 0.14.4 zero2 with cpu offload: `Installed CUDA version 11.7 does not match the version torch was compiled with 12.1, unable to compile cuda/cpp extensions without a matching cuda version.`"}),
({"title": "KeyError: 'gemma3' in AutoConfig", "body": "transformers 4.48 loading google/gemma-3-4b-it:\n```\nKeyError: 'gemma3'\n```"},
 {"title": "The checkpoint you are trying to load has model type `gemma3` but Transformers does not recognize this architecture", "body": "gemma-3-27b-it with transformers 4.49.0. Need an upgrade?"}),
({"title": "sglang: AssertionError: Prefill out of memory. Try to lower your batch size.", "body": "sglang 0.4.1 Qwen2.5-72B-Instruct tp 4 on A100 40G; long prompts -> `AssertionError: Prefill out of memory. Try to lower your batch size.`"},
 {"title": "Prefill out of memory with long context in sglang", "body": "DeepSeek-V2-Lite-Chat, 32k prompt: `AssertionError: Prefill out of memory. Try to lower your batch size.` --chunked-prefill-size did not help."}),
({"title": "ollama: Error: max retries exceeded: EOF while pulling", "body": OLLAMA_FORM.format(bug="`ollama pull gemma2:27b` -> `Error: max retries exceeded: EOF`. Network otherwise fine.", os="Windows", gpu="Nvidia", ver="0.3.6")},
 {"title": "max retries exceeded: EOF", "body": "Pulling llama3.1:70b in China through a mirror proxy, it ends with `Error: max retries exceeded: EOF` at ~60%."}),
({"title": "Qwen-7B-Chat: 'QWenTokenizer' object has no attribute 'IMAGE_ST'", "body": "New transformers breaks the remote tokenizer:\n```\nAttributeError: 'QWenTokenizer' object has no attribute 'IMAGE_ST'\n```"},
 {"title": "Qwen-VL 加载报 QWenTokenizer object has no attribute IMAGE_ST", "body": "transformers 4.40 加载 Qwen-VL-Chat 报 AttributeError: 'QWenTokenizer' object has no attribute 'IMAGE_ST'，降级到 4.32 正常。"}),
({"title": "GGUF Q4_0 of Gemma 2 gives worse answers than Q8_0 by a lot", "body": "gemma-2-9b-it Q4_0 gguf answers are incoherent compared with Q8_0. Is Q4_0 broken for gemma2?"},
 {"title": "gemma2 low-bit quants much dumber", "body": "Running gemma2:27b-instruct-q4_0 in ollama vs q8_0: q4_0 makes basic mistakes. Other models don't degrade this much."}),
({"title": "vllm: ValueError: max_model_len (32768) is greater than the derived max_model_len", "body": "Qwen2.5-7B-Instruct with --max-model-len 32768 on a 24GB card: `ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (19856).`"},
 {"title": "The model's max seq len is larger than the maximum number of tokens that can be stored in KV cache", "body": "Llama-3.1-8B on a 4090 with default settings: `ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (26784). Try increasing gpu_memory_utilization or decreasing max_model_len when initializing the engine.`"}),
]

POOL = [
{"title": "[New Model]: Qwen2-Audio-7B-Instruct", "body": "Please support Qwen/Qwen2-Audio-7B-Instruct in vllm."},
{"title": "DeepSeek-VL2 outputs are truncated in lmdeploy", "body": "deepseek-vl2-small answers stop after 256 tokens."},
{"title": "Llama 4 Maverick OOM on 8xH100 with vllm", "body": "torch.OutOfMemoryError loading Llama-4-Maverick-17B-128E fp8."},
{"title": "Vulkan backend slower than CPU on RX 580", "body": "llama-cli b4500 Vulkan on Radeon RX 580 gives 3 tok/s, CPU 6 tok/s."},
{"title": "After SFT the model forgets how to answer in Chinese", "body": "Qwen2.5-7B fine-tuned on English data only answers in English now."},
{"title": "ollama pull is very slow (100 KB/s)", "body": OLLAMA_FORM.format(bug="Downloads crawl at 100 KB/s for qwen2.5:72b.", os="Linux", gpu="Nvidia", ver="0.3.12")},
{"title": "CUDA error: device-side assert triggered with batch inference and padding", "body": "Llama-3-8B batch generate with pad_token_id=-1 -> device-side assert."},
{"title": "Ollama keep_alive -1 not respected via OpenAI API", "body": "Model unloads after 5 minutes even with keep_alive -1 set in the request."},
{"title": "peft: saving LoRA adapter produces an empty adapter_model.safetensors", "body": "With deepspeed zero3 the saved adapter is 0 bytes."},
{"title": "vLLM: GPTQ-Int4 model slower than AWQ", "body": "Qwen2.5-72B-Instruct-GPTQ-Int4 on 2x A100 is 30% slower than the AWQ version."},
{"title": "bge-m3 sparse embeddings not returned by TEI", "body": "Only dense vectors come back; need lexical weights."},
{"title": "Qwen2.5-VL-72B-Instruct-AWQ: outputs repeat the same caption", "body": "vllm 0.7.3 tp 4, image captions repeat the same sentence."},
{"title": "Llama-3.3-70B-Instruct: chat template missing tool role", "body": "Tool results with role 'tool' raise a jinja error in the template."},
{"title": "Qwen3-30B-A3B: thinking budget not respected", "body": "max thinking tokens setting ignored in llama.cpp."},
{"title": "ChatGLM3-6B answers are cut off at 8192 tokens", "body": "Long documents get truncated at 8k."},
{"title": "OSError: Can't load tokenizer for 'Qwen/Qwen2.5-7B-Instruct'", "body": "OSError: Can't load tokenizer. If you were trying to load it from 'https://huggingface.co/models', make sure you don't have a local directory with the same name."},
{"title": "device_map auto puts everything on GPU 0", "body": "Qwen2-72B loads all layers on cuda:0 and OOMs despite 4 GPUs."},
{"title": "flash_attn wheel for CUDA 11.8 and torch 2.3 not found", "body": "pip tries to build from source for hours."},
{"title": "LLaMA-Factory: Qwen2-VL fine-tuning loss is nan", "body": LF_FORM.format(env="llamafactory 0.8.3", bug="Loss becomes nan after 20 steps with template qwen2_vl and bf16.")},
{"title": "deepspeed: ninja not found when building fused adam", "body": "RuntimeError: Ninja is required to load C++ extensions."},
{"title": "KeyError: 'gemma2' with transformers 4.38", "body": "Loading gemma-2-9b-it with an old transformers: KeyError: 'gemma2'."},
{"title": "sglang: decode out of memory after many requests", "body": "Qwen2.5-72B tp4: RuntimeError: Decode out of memory happened after hours."},
{"title": "ollama: Error: pull model manifest: 412: requires a newer version of Ollama", "body": OLLAMA_FORM.format(bug="`ollama pull qwen3:8b` says 412 requires a newer version.", os="Linux", gpu="Nvidia", ver="0.5.7")},
{"title": "vllm: Qwen2.5-7B-Instruct context length 128k with YaRN gives garbage", "body": "Enabling rope_scaling yarn factor 4 makes long outputs meaningless."},
]

SOLO = [
{"title": "Support Qwen2.5-Math-PRM", "body": "The process reward model needs a reward head; please support it in vllm."},
{"title": "Output is @@@@ with Metal backend on M3", "body": "llama.cpp Metal, gemma-2-2b q4_0, prints @@@@@@@@ only with flash attention on."},
{"title": "CUDA error: device-side assert triggered in vllm sampling with top_k=0", "body": "vllm 0.4.0, top_k 0 causes device-side assert triggered in the sampler."},
{"title": "Ollama model unloads immediately after each request", "body": "keep_alive default, but `ollama ps` shows nothing right after every response on Windows."},
{"title": "KeyError: 'llama4' in transformers 4.50", "body": "Loading Llama-4-Scout with transformers 4.50.3 fails with KeyError: 'llama4'."},
{"title": "vllm: ValueError: max_num_batched_tokens is smaller than max_model_len", "body": "Qwen2.5-7B with --max-model-len 32768 and --max-num-batched-tokens 8192 fails at startup without chunked prefill."},
]

ALSO = {6: ["fresh-13-10"], 25: ["fresh-04-24"]}
"""Pool issues (written independently by helper W) that report the same failure as a pair's original (the same error
string and cause), adjudicated by reading them after the one scoring of this batch; `--strict` ignores them."""
