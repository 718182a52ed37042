"""Batch 1 of the related-issues eval (written before any tuning): duplicate pairs, own hard negatives, solo queries."""

VLLM_FORM = "### Your current environment\n\n```text\n{env}\n```\n\n### 🐛 Describe the bug\n\n{bug}\n\n### Before submitting a new issue...\n\n- [x] Make sure you already searched for relevant issues, and asked the chatbot living at the bottom right corner of the documentation page, which can answer lots of frequently asked questions.\n"
HF_FORM = "### System Info\n\n{env}\n\n### Who can help?\n\n_No response_\n\n### Information\n\n- [ ] The official example scripts\n- [x] My own modified scripts\n\n### Reproduction\n\n{bug}\n\n### Expected behavior\n\n{exp}\n"
OLLAMA_FORM = "### What is the issue?\n\n{bug}\n\n### OS\n\n{os}\n\n### GPU\n\n{gpu}\n\n### CPU\n\n_No response_\n\n### Ollama version\n\n{ver}\n"
LLAMACPP_FORM = "### Name and Version\n\n{ver}\n\n### Operating systems\n\n{os}\n\n### Which llama.cpp modules do you know to be affected?\n\n{mod}\n\n### Problem description & steps to reproduce\n\n{bug}\n\n### Relevant log output\n\n```shell\n{log}\n```\n"

def tb(*frames, err):
    lines = ["Traceback (most recent call last):"]
    for f, fn in frames:
        lines.append(f'  File "/opt/conda/lib/python3.10/site-packages/{f}", line 1, in {fn}')
    lines.append(err)
    return "```\n" + "\n".join(lines) + "\n```"

PAIRS = [
# 1 please support model X (only model name shared)
({"title": "[New Model]: Support for Gemma 3", "body": "### The model to consider.\n\nhttps://huggingface.co/google/gemma-3-27b-it\n\n### The closest model vllm already supports.\n\nGemma 2\n\n### What's your difficulty of supporting the model you want?\n\nIt has a vision tower now, not sure how hard that is."},
 {"title": "Gemma3 when?", "body": "Google just released gemma-3 (1b, 4b, 12b, 27b). Any plans to add it? Would love to serve gemma-3-12b-it with tensor parallel 2."}),
# 2
({"title": "请问支持 GLM-4-9B-Chat 吗", "body": "想用 vllm 部署 glm-4-9b-chat，现在加载直接报架构不支持，请问有计划适配吗？谢谢"},
 {"title": "[New Model]: THUDM/glm-4-9b-chat", "body": "### The model to consider.\n\nTHUDM/glm-4-9b-chat\n\n### The closest model vllm already supports.\n\nChatGLM3\n\n### What's your difficulty of supporting the model you want?\n\nNew rotary embedding layout."}),
# 3
({"title": "Feature request: Phi-4 support", "body": "Microsoft released phi-4 (14B). llama.cpp convert_hf_to_gguf.py says the architecture is not supported. Please add."},
 {"title": "convert phi-4 to gguf fails: Model Phi3ForCausalLM is not supported?", "body": "Running `python convert_hf_to_gguf.py ./phi-4 --outtype f16`\n\n```\nNotImplementedError: Architecture 'Phi3ForCausalLM' not supported!\n```\nIs phi 4 planned?"}),
# 4 same symptom string GGGG
({"title": "qwen2.5 only outputs GGGGGGGG on ROCm", "body": OLLAMA_FORM.format(bug="After upgrading, every answer from qwen2.5:14b is just `GGGGGGGGGGGGGGGGGG`. Other models are fine. Radeon RX 7900 XTX.", os="Linux", gpu="AMD", ver="0.3.10")},
 {"title": "Model responds with endless G characters", "body": OLLAMA_FORM.format(bug="Using qwen2.5:7b-instruct-q4_K_M. The reply is GGGGGGGGGGGGGGGGGGGGGGGGG forever until I stop it. Started with the last update. Running on an RX 6800.", os="Windows", gpu="AMD", ver="0.3.11")}),
# 5 GGGG on llama.cpp with different env
({"title": "Eval bug: output is GGGGGGG with -ngl 99 on Vulkan", "body": LLAMACPP_FORM.format(ver="version: 4120 (a1b2c3d)", os="Windows", mod="llama-cli", bug="With Vulkan backend and all layers offloaded the model prints GGGGGGGG. With -ngl 0 it is fine. Model: Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", log="llm_load_tensors: offloaded 33/33 layers to GPU\nGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG")},
 {"title": "Vulkan: garbage 'GGGG' when offloading layers (Intel Arc A770)", "body": "Same gguf works on CPU. As soon as I use -ngl 20 or more with the vulkan build the output turns into GGGGGGGGGGGG. Tried llama 3.1 8B and mistral 7B q4_0, both broken. build 4098."}),
# 6 !!!!! output
({"title": "[Bug]: Qwen2.5-72B-Instruct-AWQ returns only exclamation marks", "body": VLLM_FORM.format(env="vLLM 0.6.3\nPyTorch 2.4.0+cu121\nGPU: 4x A10G", bug="Serving Qwen/Qwen2.5-72B-Instruct-AWQ with `--quantization awq --tensor-parallel-size 4`. Long prompts (>4k tokens) produce `!!!!!!!!!!!!!!!!!!!!`. Short prompts fine.")},
 {"title": "[Bug]: output full of '!!!!!' with AWQ model and long context", "body": VLLM_FORM.format(env="vllm==0.6.2, torch 2.4.0, 2x RTX 3090", bug="qwen2.5-32b-instruct-awq. When the prompt is about 6000 tokens the completion is `!!!!!!!!!!!!!!!!!!!!!!!!!!`. dtype float16. With `--quantization awq_marlin` the same. Shorter inputs are OK.")}),
# 7 unexpected EOF ollama pull
({"title": "ollama pull fails with unexpected EOF", "body": "```\n$ ollama pull llama3.1:70b\npulling manifest\npulling a677b4a4b70c...  43% ▕██████      ▏  17 GB/ 39 GB\nError: unexpected EOF\n```\nHappens every time around 40%. Corporate proxy in between."},
 {"title": "Error: unexpected EOF while downloading model", "body": OLLAMA_FORM.format(bug="`ollama run qwen2:72b` downloads for a while and then dies with `Error: unexpected EOF`. Retrying resumes but fails again later. Network is a bit unstable (wifi).", os="macOS", gpu="Apple", ver="0.2.8")}),
# 8 chinese report of english original: KeyError qwen2
({"title": "KeyError: 'qwen2' when loading Qwen1.5-7B-Chat", "body": HF_FORM.format(env="- `transformers` version: 4.32.0\n- Platform: Linux\n- Python version: 3.10.12", bug=tb(("transformers/models/auto/configuration_auto.py", "from_pretrained"), err="KeyError: 'qwen2'"), exp="The model loads.")},
 {"title": "加载 Qwen1.5-14B 报错 KeyError: 'qwen2'", "body": "按照 README 用 transformers 加载模型，报错如下：\n\n```\nTraceback (most recent call last):\n  File \"/root/miniconda3/lib/python3.9/site-packages/transformers/models/auto/configuration_auto.py\", line 1039, in from_pretrained\n    config_class = CONFIG_MAPPING[config_dict[\"model_type\"]]\nKeyError: 'qwen2'\n```\n\ntransformers 版本 4.31.0，请问怎么解决？"}),
# 9 chinese of english: vllm OOM on startup with gpu_memory_utilization
({"title": "[Bug]: CUDA out of memory when starting vLLM with Qwen2-72B on 4xA100 40G", "body": VLLM_FORM.format(env="vllm 0.5.0\ntorch 2.3.0\n4 x A100-SXM4-40GB", bug="`python -m vllm.entrypoints.openai.api_server --model Qwen/Qwen2-72B-Instruct --tensor-parallel-size 4`\n\n```\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.02 GiB. GPU 0 has a total capacity of 39.39 GiB of which 512.00 MiB is free.\n```\nIt fails during profiling/warmup.")},
 {"title": "vllm 启动 Qwen2-72B 显存不足", "body": "4 张 A100 40G，tensor-parallel-size 4，启动时在 profile 阶段报 CUDA out of memory：\n```\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 896.00 MiB. GPU 2 has a total capacity of 39.39 GiB of which 301.00 MiB is free.\n```\n已经把 gpu_memory_utilization 调到 0.95 了还是不行。"}),
# 10 chinese of english: repetition
({"title": "Qwen2.5-7B-Instruct keeps repeating the same sentence", "body": "With transformers generate (do_sample=False, max_new_tokens=2048) the model starts to repeat one sentence again and again until max tokens. repetition_penalty=1.05 helps a bit. Long Chinese documents as input."},
 {"title": "qwen2.5-7b 输出一直重复", "body": "用 greedy 解码，输入长文档总结，输出到后面一直重复同一句话直到 max_new_tokens，请问是什么原因？已经试过 repetition_penalty=1.1。"}),
# 11 merges across versions: qwen2-vl vs qwen2.5-vl same issue
({"title": "Qwen2.5-VL: video input raises 'index out of range' in get_rope_index", "body": "transformers 4.49.0. Passing a video with fps=2:\n\n" + tb(("transformers/models/qwen2_5_vl/modeling_qwen2_5_vl.py", "get_rope_index"), err="IndexError: index 1 is out of bounds for dimension 0 with size 1") + "\nImages work."},
 {"title": "Qwen2-VL video inference IndexError in get_rope_index", "body": "Using qwen2-vl-7b-instruct with a short mp4. Error:\n\n" + tb(("transformers/models/qwen2_vl/modeling_qwen2_vl.py", "get_rope_index"), err="IndexError: index 1 is out of bounds for dimension 0 with size 1") + "\ntransformers 4.45.2"}),
# 12 merges: llama 3 vs llama 3.1 eos not stopping
({"title": "Llama-3.1-8B-Instruct never stops generating (eot_id ignored)", "body": "Using vllm 0.5.3 openai server. The model writes the answer, then `assistant` and keeps going with another turn. Looks like <|eot_id|> is not treated as a stop token."},
 {"title": "Llama 3 Instruct does not stop, generates <|eot_id|>assistant forever", "body": "meta-llama/Meta-Llama-3-8B-Instruct on vllm 0.4.1. The output contains `<|eot_id|><|start_header_id|>assistant` and then continues. Need to pass stop_token_ids=[128009] manually."}),
# 13 merges: deepseek v2 vs v2.5 MLA on vllm
({"title": "DeepSeek-V2.5 fails to load: AssertionError in MLA with tp=8", "body": VLLM_FORM.format(env="vllm 0.6.1, 8x H100", bug="```\nAssertionError: num_heads must be divisible by tp_size\n```\nwhen loading deepseek-ai/DeepSeek-V2.5 with -tp 8 and --trust-remote-code.")},
 {"title": "DeepSeek-V2-Chat tensor parallel 8: num_heads must be divisible by tp_size", "body": "Trying deepseek-v2-chat on 8 A800. vllm 0.5.4 raises `AssertionError: num_heads must be divisible by tp_size`. tp=4 runs out of memory."}),
# 14 same error different env: flash_attn undefined symbol
({"title": "ImportError: flash_attn_2_cuda undefined symbol after installing flash-attn 2.6.3", "body": "```\nImportError: /usr/local/lib/python3.11/site-packages/flash_attn_2_cuda.cpython-311-x86_64-linux-gnu.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE\n```\ntorch 2.4.0+cu121, pip install flash-attn --no-build-isolation"},
 {"title": "flash-attn import fails: undefined symbol _ZN3c105Error", "body": "Environment: torch 2.3.1, CUDA 11.8, python 3.10. `import flash_attn` gives\n```\nImportError: /home/u/.venv/lib/python3.10/site-packages/flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE\n```"}),
# 15 same error: bitsandbytes CUDA setup on windows
({"title": "bitsandbytes: CUDA Setup failed despite GPU being available (Windows)", "body": "Loading with load_in_4bit=True on Windows 11, RTX 4070.\n```\nRuntimeError: CUDA Setup failed despite GPU being available. Please run the following command to get more information: python -m bitsandbytes\n```\nbitsandbytes 0.41.1"},
 {"title": "load_in_8bit fails: CUDA Setup failed despite GPU being available", "body": "Colab-like server with T4, bnb 0.40.2, peft fine-tuning script.\n```\nRuntimeError:\n        CUDA Setup failed despite GPU being available. Please run the following command to get more information:\n\n        python -m bitsandbytes\n```"}),
# 16 tokenizer chat template missing
({"title": "ValueError: Cannot use chat template functions because tokenizer.chat_template is not set", "body": "Calling tokenizer.apply_chat_template on a base model checkpoint fine-tuned by me.\n" + tb(("transformers/tokenization_utils_base.py", "apply_chat_template"), err="ValueError: Cannot use chat template functions because tokenizer.chat_template is not set and no template argument was passed! For information about writing templates and setting the tokenizer.chat_template attribute, please see the documentation at https://huggingface.co/docs/transformers/main/en/chat_templating")},
 {"title": "[Bug]: chat completions fail for my LoRA merged model: chat_template is not set", "body": VLLM_FORM.format(env="vllm 0.6.0", bug="Serving a merged llama-3-8b SFT model. /v1/chat/completions returns 400:\n```\nValueError: Cannot use chat template functions because tokenizer.chat_template is not set and no template argument was passed!\n```\n/v1/completions works.")}),
# 17 NCCL timeout in deepspeed training
({"title": "Training hangs then NCCL watchdog timeout at step 0 (ZeRO-3, 2 nodes)", "body": "```\n[E ProcessGroupNCCL.cpp:475] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=1800000) ran for 1800108 milliseconds before timing out.\n```\nSingle node works. deepspeed 0.14.0, torch 2.2."},
 {"title": "多机训练卡住，30分钟后 NCCL 超时", "body": "两台机器各 8 卡，deepspeed zero3 微调，单机正常，多机在第一步卡住，最后报错：\n```\nWatchdog caught collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=1800000) ran for 1800432 milliseconds before timing out.\n```"}),
# 18 loss nan with fp16 on qwen
({"title": "LoRA fine-tuning Qwen2-7B: loss becomes nan after a few steps with fp16", "body": "Using peft LoRA, fp16=True, lr 2e-4. loss: 1.92, 1.85, nan, nan... With bf16 on A100 it's fine but my V100 has no bf16."},
 {"title": "qwen2 微调 loss 变成 nan (V100, fp16)", "body": "V100 不支持 bf16，只能 fp16 训练 qwen2-1.5b lora，跑几十步 loss 就变成 nan 了，学习率 1e-4。"}),
# 19 ollama model load on windows: error loading model
({"title": "llama runner process has terminated: exit status 0xc0000409", "body": OLLAMA_FORM.format(bug="`ollama run llama3.2-vision` fails with\n```\nError: llama runner process has terminated: exit status 0xc0000409\n```", os="Windows", gpu="Nvidia", ver="0.4.0")},
 {"title": "Error: llama runner process has terminated: exit status 0xc0000409 on Windows 10", "body": "Can't run any model since updating to 0.4.1, e.g. gemma2:9b. GTX 1660. It worked in 0.3.14.\n```\nError: llama runner process has terminated: exit status 0xc0000409\n```"}),
# 20 sglang illegal memory access
({"title": "[Bug] CUDA error: an illegal memory access was encountered with --enable-torch-compile", "body": "sglang 0.3.2, Llama-3.1-8B-Instruct, H100.\n```\nRuntimeError: CUDA error: an illegal memory access was encountered\nCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.\n```\nOnly with --enable-torch-compile and batch size > 16."},
 {"title": "illegal memory access under load when torch compile is on", "body": "Running sglang server for meta-llama/Llama-3.1-70B-Instruct tp 4 with `--enable-torch-compile`. After a few hundred concurrent requests: `RuntimeError: CUDA error: an illegal memory access was encountered`. Without torch compile stable."}),
# 21 gguf conversion: tokenizer pre-tokenizer hash
({"title": "convert_hf_to_gguf: BPE pre-tokenizer was not recognized", "body": "Converting a fine-tuned Qwen2.5 model:\n```\nWARNING:hf-to-gguf:**          There are 2 possible reasons for this:\nWARNING:hf-to-gguf:**          - the model has not been added to convert_hf_to_gguf_update.py yet\nNotImplementedError: BPE pre-tokenizer was not recognized - update get_vocab_base_pre()\n```"},
 {"title": "NotImplementedError: BPE pre-tokenizer was not recognized - update get_vocab_base_pre()", "body": LLAMACPP_FORM.format(ver="b3600", os="Linux", mod="Python/Bash scripts", bug="Trying to convert my merged deepseek-coder model to GGUF.", log="NotImplementedError: BPE pre-tokenizer was not recognized - update get_vocab_base_pre()")}),
# 22 lmdeploy turbomind awq
({"title": "lmdeploy serve with AWQ model: output is empty string", "body": "`lmdeploy serve api_server ./internlm2_5-7b-chat-4bit --model-format awq`. Every response content is \"\". lmdeploy 0.5.3, RTX 4090."},
 {"title": "使用 awq 量化后的 internlm2.5 模型，api_server 返回空内容", "body": "lmdeploy 0.5.2，internlm2_5-7b-chat 用 lmdeploy lite auto_awq 量化后用 turbomind 部署，返回的 content 为空字符串。未量化的模型正常。"}),
# 23 vllm xformers/flash attention on turing
({"title": "[Bug]: RuntimeError: FlashAttention only supports Ampere GPUs or newer", "body": VLLM_FORM.format(env="vllm 0.4.2, T4", bug="```\nRuntimeError: FlashAttention only supports Ampere GPUs or newer.\n```\nStarting a Qwen1.5-7B-Chat server on a T4.")},
 {"title": "FlashAttention only supports Ampere GPUs or newer on V100", "body": "Fine-tuning with LLaMA-Factory, flash_attn: fa2. Error at first forward:\n```\nRuntimeError: FlashAttention only supports Ampere GPUs or newer.\n```"}),
# 24 tool calling json parse error in vllm hermes
({"title": "[Bug]: hermes tool parser fails on Qwen2.5 parallel tool calls", "body": VLLM_FORM.format(env="vllm 0.6.4", bug="With `--enable-auto-tool-choice --tool-call-parser hermes` and Qwen2.5-7B-Instruct, when the model emits two <tool_call> blocks the response has tool_calls empty and the raw tags end up in content.")},
 {"title": "Qwen2.5 tool calls returned as text content with <tool_call> tags", "body": "vllm 0.6.3.post1, qwen2.5-14b-instruct, tool-call-parser hermes. Sometimes the message content is `<tool_call>\\n{\"name\": ...}\\n</tool_call>` and `tool_calls` is []. Seems to happen when it calls more than one function."}),
# 25 transformers version too old for model: qwen3
({"title": "KeyError: 'qwen3' with transformers 4.50", "body": HF_FORM.format(env="transformers 4.50.3, torch 2.6", bug="AutoModelForCausalLM.from_pretrained('Qwen/Qwen3-8B')\n" + tb(("transformers/models/auto/configuration_auto.py", "from_pretrained"), err="KeyError: 'qwen3'"), exp="Loads")},
 {"title": "ValueError: The checkpoint you are trying to load has model type `qwen3` but Transformers does not recognize this architecture", "body": "Loading Qwen3-30B-A3B with transformers 4.46. Full error: `ValueError: The checkpoint you are trying to load has model type `qwen3_moe` but Transformers does not recognize this architecture. This could be because of an issue with the checkpoint, or because your version of Transformers is out of date.`"}),
# 26 ollama slow on CPU only: gpu not used
({"title": "Ollama not using GPU after update, runs on CPU", "body": OLLAMA_FORM.format(bug="After updating, `ollama ps` shows 100% CPU for llama3.1:8b and generation is very slow. nvidia-smi shows the GPU idle. Driver 555.", os="Linux", gpu="Nvidia", ver="0.3.6")},
 {"title": "ollama 更新后不用显卡了，全在 CPU 上跑", "body": "更新到 0.3.5 之后，ollama ps 显示 100% CPU，速度很慢，显卡是 3090，驱动 550，之前一直正常用 GPU。"}),
# 27 peft: target modules not found
({"title": "ValueError: Target modules {'q_proj', 'v_proj'} not found in the base model (ChatGLM3)", "body": "peft 0.7.1 LoRA on chatglm3-6b with target_modules=['q_proj','v_proj'].\n```\nValueError: Target modules {'q_proj', 'v_proj'} not found in the base model. Please check the target modules and try again.\n```"},
 {"title": "LoRA on GLM-4: Target modules not found in the base model", "body": "用 peft 给 glm-4-9b 做 lora，target_modules 写的 q_proj,k_proj,v_proj：\n```\nValueError: Target modules {'q_proj', 'k_proj', 'v_proj'} not found in the base model. Please check the target modules and try again.\n```"}),
# 28 mistral tokenizer / sentencepiece missing
({"title": "Mistral-7B-Instruct-v0.3 tokenizer: ImportError requires the SentencePiece library", "body": "```\nImportError: \nLlamaTokenizer requires the SentencePiece library but it was not found in your environment.\n```"},
 {"title": "requires the SentencePiece library but it was not found", "body": "Trying Llama-2-7b-chat-hf in a fresh venv, AutoTokenizer with use_fast=False fails with `LlamaTokenizer requires the SentencePiece library but it was not found in your environment`."}),
# 29 vllm speculative decoding slower
({"title": "[Performance]: speculative decoding with a draft model is slower than without", "body": "Llama-3.1-70B with Llama-3.2-1B draft, num_speculative_tokens=5, vllm 0.6.2. Throughput drops from 41 tok/s to 28 tok/s at batch 1."},
 {"title": "[Performance]: Spec decode makes generation slower (Qwen2.5-72B + 0.5B draft)", "body": "Enabling speculative decoding with Qwen2.5-0.5B-Instruct as the draft model for Qwen2.5-72B-Instruct reduces tokens/s from 35 to 22. Acceptance rate ~0.6."}),
# 30 qwen2.5 vl image too large OOM
({"title": "Qwen2.5-VL OOM with high resolution images", "body": "Feeding a 4000x3000 image to qwen2.5-vl-7b-instruct on a 24GB card gives torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 14.50 GiB. Should I set max_pixels?"},
 {"title": "Qwen2-VL-7B 推理大图片爆显存", "body": "输入 4k 分辨率的图片，qwen2-vl-7b 在 4090 上直接 CUDA out of memory，Tried to allocate 9.8 GiB，怎么限制图片大小？"}),
# 31 deepspeed zero3 save checkpoint hang
({"title": "Saving checkpoint with ZeRO-3 hangs forever", "body": "Trainer with deepspeed zero3, 8 GPUs. Training fine, at save_steps the process hangs at `Saving model checkpoint to ...`. No error. GPU util 100% on all ranks."},
 {"title": "zero3 保存模型时卡住不动", "body": "8 卡 deepspeed zero3 全参微调，训练正常，到了保存 checkpoint 的时候一直卡在 Saving model checkpoint，没有报错，GPU 利用率 100%。"}),
# 32 llama.cpp server: context shift / n_ctx exceeded
({"title": "server: 'context shift is disabled' error with long chats", "body": "llama-server b4300. After a long conversation requests fail with `the request exceeds the available context size, try increasing it`. Before, context shift handled this."},
 {"title": "llama-server returns 'the request exceeds the available context size' since update", "body": LLAMACPP_FORM.format(ver="version 4310", os="Mac", mod="llama-server", bug="Long multi-turn chat with Qwen2.5-Coder-7B now fails once the history exceeds n_ctx=4096.", log="srv  send_error: task id = 812, error: the request exceeds the available context size, try increasing it")}),
# 33 thinking never ends: deepseek-r1 distill
({"title": "DeepSeek-R1-Distill-Qwen-32B thinking never ends", "body": "Served with vllm 0.7.0, temperature 0.6. For some math prompts the <think> section goes on until max_tokens (32k), repeating 'Wait, let me check again'."},
 {"title": "R1 distill model keeps thinking forever, never outputs final answer", "body": "deepseek-r1-distill-qwen-14b in ollama. It loops inside <think> with 'wait...' for thousands of tokens and never closes the tag."}),
# 34 bf16 not supported on T4
({"title": "Bfloat16 is only supported on GPUs with compute capability of at least 8.0 (T4)", "body": "vllm on colab T4:\n```\nValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half.\n```"},
 {"title": "[Usage]: Qwen2-7B on V100 bfloat16 error", "body": VLLM_FORM.format(env="V100-SXM2-32GB, vllm 0.5.1", bug="```\nValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla V100-SXM2-32GB GPU has compute capability 7.0.\n```")}),
# 35 mixed language output
({"title": "Qwen2.5 answers English questions with random Chinese words mixed in", "body": "qwen2.5-7b-instruct via ollama. Answers in English but every few sentences a Chinese word appears. temperature 0.7."},
 {"title": "English prompts get Chinese characters in the middle of the answer (Qwen2.5 14B)", "body": "Running Qwen2.5-14B-Instruct-GPTQ-Int4 in vllm. Mostly English output but with 中文 tokens sprinkled in. Is this quantization related?"}),
]

POOL = [  # hard negatives: same templates, same libraries, different failures
{"title": "[Bug]: Qwen2.5-72B-Instruct-AWQ slow first token with prefix caching", "body": VLLM_FORM.format(env="vLLM 0.6.3\nPyTorch 2.4.0+cu121\nGPU: 4x A10G", bug="With --enable-prefix-caching the TTFT grows to 8s for long prompts. Output is correct.")},
{"title": "qwen2.5 model is not found after pull", "body": OLLAMA_FORM.format(bug="`ollama run qwen2.5:14b` says model not found right after a successful pull.", os="Linux", gpu="AMD", ver="0.3.10")},
{"title": "Eval bug: llama-cli crashes with Vulkan on Intel Arc when -ngl 99", "body": LLAMACPP_FORM.format(ver="version: 4120", os="Windows", mod="llama-cli", bug="Segfault right after loading tensors with the Vulkan build.", log="llm_load_tensors: offloaded 33/33 layers to GPU\nSegmentation fault")},
{"title": "KeyError: 'qwen2_moe' when loading Qwen1.5-MoE-A2.7B", "body": HF_FORM.format(env="- `transformers` version: 4.38.0", bug=tb(("transformers/models/auto/configuration_auto.py", "from_pretrained"), err="KeyError: 'qwen2_moe'"), exp="The model loads.")},
{"title": "[Bug]: CUDA out of memory when fine-tuning Qwen2-72B with LoRA on 4xA100", "body": "peft LoRA with deepspeed zero2, batch 1, seq 4096. torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB."},
{"title": "Qwen2.5-7B-Instruct answers are too short", "body": "The model gives one-line answers even when asked for detailed explanations. transformers generate, max_new_tokens=2048."},
{"title": "Qwen2.5-VL: how to pass multiple images in one message?", "body": "Is there an example for multi-image input with the processor? The docs show one image only."},
{"title": "Llama-3.1-8B-Instruct tool calling returns invalid JSON", "body": "vllm 0.5.3 with llama3_json parser: arguments string is truncated JSON."},
{"title": "ImportError: cannot import name 'flash_attn_varlen_func' from flash_attn", "body": "flash-attn 1.0.9 installed, transformers 4.40 wants flash attention 2. `ImportError: cannot import name 'flash_attn_varlen_func'`"},
{"title": "bitsandbytes 4bit model slower than fp16", "body": "Inference with load_in_4bit is 3x slower than fp16 on an RTX 4070 under Windows."},
{"title": "NCCL error: unhandled system error when starting 2-node training", "body": "```\ntorch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1691, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.18.1\n```\nRight at init."},
{"title": "ollama: exit status 0xc0000005 when loading model on Windows", "body": OLLAMA_FORM.format(bug="`Error: llama runner process has terminated: exit status 0xc0000005` with an old CPU without AVX.", os="Windows", gpu="Nvidia", ver="0.4.0")},
{"title": "sglang: RuntimeError: CUDA error: out of memory with --mem-fraction-static 0.9", "body": "sglang 0.3.2 Llama-3.1-8B-Instruct, H100, OOM at startup."},
{"title": "convert_hf_to_gguf: Qwen2.5 tokenizer.json missing merges", "body": "KeyError: 'merges' when converting my Qwen2.5 finetune to GGUF."},
{"title": "lmdeploy api_server: internlm2.5 responses are slow", "body": "lmdeploy 0.5.3 turbomind, internlm2_5-7b-chat, 5 tok/s on RTX 4090. Expected more."},
{"title": "[Bug]: Qwen2.5 tool calling: hermes parser streaming drops the last argument chunk", "body": VLLM_FORM.format(env="vllm 0.6.4", bug="With stream=True the final chunk of tool call arguments is missing.")},
{"title": "Ollama uses only one of two GPUs", "body": OLLAMA_FORM.format(bug="llama3.1:70b loads entirely on GPU 0 and spills to CPU even though GPU 1 is free.", os="Linux", gpu="Nvidia", ver="0.3.6")},
{"title": "ValueError: Target modules not found when using LoRA with a custom model", "body": "Forgot to set target_modules for my own architecture; peft raises target modules not found. Which names should I use for Baichuan2?"},
{"title": "DeepSeek-R1 API returns reasoning_content empty", "body": "With vllm --enable-reasoning --reasoning-parser deepseek_r1 the reasoning_content field is null for DeepSeek-R1-Distill-Qwen-7B."},
{"title": "Mistral-7B-Instruct-v0.3 function calling not working in vllm", "body": "tool_choice auto with mistral parser returns plain text."},
{"title": "[Performance]: Llama-3.1-70B throughput lower on vllm 0.6.2 than 0.5.4", "body": "Same setup, 20% fewer tokens per second after upgrade. No speculative decoding."},
{"title": "Qwen2-VL-7B fine-tuning: loss does not decrease", "body": "LLaMA-Factory LoRA on qwen2-vl-7b, loss stays at 2.3 for 3 epochs."},
{"title": "DeepSpeed ZeRO-3 loading checkpoint is very slow", "body": "Resuming from a zero3 checkpoint takes 40 minutes on 8 GPUs."},
{"title": "llama-server: slots are not released after client disconnect", "body": "With parallel 4, after clients disconnect the slots stay busy and new requests wait forever."},
{"title": "RuntimeError: FlashAttention backward for head dim > 192 requires A100/A800 or H100/H800", "body": "Fine-tuning with head_dim 256 on RTX 4090."},
]

SOLO = [  # new issues with no original in the index: duplicate_of must stay null
{"title": "vllm: AttributeError: 'NoneType' object has no attribute 'prefill_metadata'", "body": "Happens with chunked prefill on Gemma 2 9B."},
{"title": "ollama pull hangs at 0% behind proxy", "body": "pulling manifest never completes; HTTPS_PROXY set. No EOF error, just hangs."},
{"title": "Qwen2.5-7B-Instruct: KeyError: 'rope_scaling' type", "body": "transformers 4.36 reading config with yarn rope scaling: KeyError: 'type'."},
{"title": "llama.cpp Metal: output is GGGG on M1 with flash attention", "body": "Using -fa on an M1 the Qwen2 1.5B model prints GGGG. Without -fa fine."},
{"title": "请问 GLM-4V-9B 是否支持 vllm 部署", "body": "想部署 glm-4v-9b 多模态版本。"},
{"title": "Training with ZeRO-3 is slower than ZeRO-2", "body": "Same batch, 30% slower per step with zero3 on 8xA100."},
{"title": "transformers 4.45: Llama-3.2-11B-Vision generate raises shape mismatch", "body": "RuntimeError: shape mismatch in cross attention mask."},
]

ALSO = {5: ['fresh-01-21'], 22: ['fresh-13-06'], 26: ['fresh-06-14']}
"""Pool issues (written independently by helper W) that, read side by side, report the same failure as a pair's
original: the same error string on the same setup. They count as correct answers for that pair (adjudicated by
reading them after the first scoring; the raw figure without them is printed by `--strict`)."""
