"""Batch 9 of the related-issues eval: written by round 8's helper before any change of the round, scored once first."""


def sgl(bug: str, repro: str = "", ver: str = "0.4.6.post1", gpu: str = "NVIDIA H100 80GB HBM3", n: str = "0,1,2,3,4,5,6,7") -> str:
    """An sglang issue form with its checklist and `python3 -m sglang.check_env` output."""
    return ("### Checklist\n\n- [x] 1. I have searched related issues but cannot get the expected help.\n"
            "- [x] 2. The bug has not been fixed in the latest version.\n- [x] 3. Please note that if the bug-related "
            "issue you submitted lacks corresponding environment info and a minimal reproducible demo, it will be "
            "challenging for us to reproduce and resolve the issue, reducing the likelihood of receiving feedback.\n"
            "- [x] 5. Please use English, otherwise it will be closed.\n\n"
            f"### Describe the bug\n\n{bug}\n\n### Reproduction\n\n{repro or '_No response_'}\n\n### Environment\n\n"
            f"Python: 3.10.12 (main, Feb  4 2025, 14:57:36) [GCC 11.4.0]\nCUDA available: True\nGPU {n}: {gpu}\n"
            f"GPU {n} Compute Capability: 9.0\nCUDA_HOME: /usr/local/cuda\nNVCC: Cuda compilation tools, release 12.4, "
            f"V12.4.131\nCUDA Driver Version: 550.127.05\nPyTorch: 2.5.1+cu124\nsglang: {ver}\nsgl_kernel: 0.1.0\n"
            "flashinfer: 0.2.3+cu124torch2.5\ntriton: 3.1.0\ntransformers: 4.51.1\ntorchao: 0.9.0\nnumpy: 1.26.4\n"
            "aiohttp: 3.11.16\nfastapi: 0.115.12\nhf_transfer: 0.1.9\nhuggingface_hub: 0.30.2\ninteregular: 0.3.3\n"
            "modelscope: 1.25.0\norjson: 3.10.16\npackaging: 24.2\npsutil: 7.0.0\npydantic: 2.11.3\nmultipart: Module Not Found\n"
            "zmq: Module Not Found\nuvicorn: 0.34.1\nuvloop: 0.21.0\nvllm: Module Not Found\nopenai: 1.75.0\n"
            "NVIDIA Topology:\n\tGPU0\tGPU1\tCPU Affinity\tNUMA Affinity\nGPU0\t X \tNV18\t0-47\t0\nGPU1\tNV18\t X \t0-47\t0\n"
            "Hypervisor vendor: KVM\nulimit soft: 1048576\n")


def vllm_env(ver: str = "0.8.5", gpu: str = "NVIDIA A100-SXM4-80GB", torch: str = "2.6.0+cu124", os_: str = "Ubuntu 22.04.5 LTS") -> str:
    """A `vllm collect-env` dump inside the bug form."""
    return ("### Your current environment\n\n<details>\n<summary>The output of <code>python collect_env.py</code></summary>\n\n"
            f"```text\nINFO 05-02 10:11:12 [__init__.py:239] Automatically detected platform cuda.\n==============================\n"
            f"        System Info\n==============================\nOS                           : {os_} (x86_64)\n"
            "GCC version                  : (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0\nClang version                : Could not collect\n"
            "==============================\n       PyTorch Info\n==============================\n"
            f"PyTorch version              : {torch}\nIs debug build               : False\n"
            "==============================\n      Python Environment\n==============================\n"
            "Python version               : 3.12.9 (main, Feb 12 2025, 14:50:50) [Clang 19.1.6 ] (64-bit runtime)\n"
            "==============================\n       CUDA / GPU Info\n==============================\n"
            f"Is CUDA available            : True\nGPU models and configuration : GPU 0: {gpu}\n"
            "Nvidia driver version        : 560.35.03\ncuDNN version                : Could not collect\n"
            f"==============================\n         vLLM Info\n==============================\nvLLM Version                 : {ver}\n"
            "vLLM Build Flags:\n  CUDA Archs: Not Set; ROCm: Disabled; Neuron: Disabled\n```\n\n</details>\n")


def vllm_bug(bug: str, **kw) -> str:
    """The vLLM bug form: the env dump, the bug, the checklist."""
    return (vllm_env(**kw) + f"\n### 🐛 Describe the bug\n\n{bug}\n\n### Before submitting a new issue...\n\n- [x] Make sure "
            "you already searched for relevant issues, and asked the chatbot living at the bottom right corner of the "
            "[documentation page](https://docs.vllm.ai/en/latest/), which can answer lots of frequently asked questions.\n")


def vllm_model(model: str, closest: str, diff: str) -> str:
    """The vLLM new-model form."""
    return (f"### The model to consider.\n\n{model}\n\n### The closest model vllm already supports.\n\n{closest}\n\n"
            f"### What's your difficulty of supporting the model you want?\n\n{diff}\n\n### Before submitting a new "
            "issue...\n\n- [x] Make sure you already searched for relevant issues, and asked the chatbot living at the "
            "bottom right corner of the [documentation page](https://docs.vllm.ai/en/latest/), which can answer lots of "
            "frequently asked questions.\n")


def ollama(bug: str, log: str = "", os_: str = "Windows", gpu: str = "Nvidia", cpu: str = "Intel", ver: str = "0.6.5") -> str:
    """The Ollama bug form."""
    return (f"### What is the issue?\n\n{bug}\n\n### Relevant log output\n\n```shell\n{log}\n```\n\n### OS\n\n{os_}\n\n"
            f"### GPU\n\n{gpu}\n\n### CPU\n\n{cpu}\n\n### Ollama version\n\n{ver}\n")


def cpp(bug: str, log: str = "", ver: str = "version: 5266 (a75cb30d)\nbuilt with cc (Ubuntu 13.3.0-6ubuntu2~24.04) 13.3.0 for x86_64-linux-gnu",
        os_: str = "Linux", mod: str = "llama-server", hw: str = "RTX 4090 x1") -> str:
    """The llama.cpp bug form."""
    return (f"### Name and Version\n\n{ver}\n\n### Operating systems\n\n{os_}\n\n### GGML backends\n\nCUDA\n\n"
            f"### Hardware\n\n{hw}\n\n### Models\n\n_No response_\n\n### Which llama.cpp modules do you know to be "
            f"affected?\n\n{mod}\n\n### Problem description & steps to reproduce\n\n{bug}\n\n### First Bad Commit\n\n"
            f"_No response_\n\n### Relevant log output\n\n```shell\n{log}\n```\n")


def hf(bug: str, exp: str = "No error.", tf: str = "4.51.3", torch: str = "2.6.0+cu124") -> str:
    """The transformers bug form."""
    return (f"### System Info\n\n- `transformers` version: {tf}\n- Platform: Linux-6.8.0-57-generic-x86_64-with-glibc2.39\n"
            f"- Python version: 3.11.11\n- Huggingface_hub version: 0.30.2\n- Safetensors version: 0.5.3\n"
            f"- Accelerate version: 1.6.0\n- Accelerate config: \tnot found\n- DeepSpeed version: not installed\n"
            f"- PyTorch version (GPU?): {torch} (True)\n- Using distributed or parallel set-up in script?: no\n"
            f"- Using GPU in script?: yes\n- GPU type: NVIDIA GeForce RTX 4090\n\n### Who can help?\n\n@ArthurZucker\n\n"
            "### Information\n\n- [ ] The official example scripts\n- [x] My own modified scripts\n\n### Tasks\n\n"
            "- [ ] An officially supported task in the `examples` folder (such as GLUE/SQuAD, ...)\n- [x] My own task or "
            f"dataset (give details below)\n\n### Reproduction\n\n{bug}\n\n### Expected behavior\n\n{exp}\n")


LMD_ENV = "sys.platform: linux\nPython: 3.10.16\nCUDA available: True\nGPU 0,1: NVIDIA A800-SXM4-80GB\nLMDeploy: 0.7.2.post1+\ntransformers: 4.49.0"


def lmd(bug: str, env: str = "", tb: str = "") -> str:
    """The lmdeploy bug form."""
    return ("### Checklist\n\n- [x] 1. I have searched related issues but cannot get the expected help.\n- [x] 2. The bug "
            "has not been fixed in the latest version.\n- [ ] 3. Please note that if the bug-related issue you submitted "
            "lacks corresponding environment info and a minimal reproducible demo, it will be challenging for us to "
            f"reproduce and resolve the issue, reducing the likelihood of receiving feedback.\n\n### Describe the bug\n\n{bug}\n\n"
            f"### Reproduction\n\nsee above\n\n### Environment\n\n```Shell\n{env or LMD_ENV}\n```\n\n"
            f"### Error traceback\n\n```Shell\n{tb}\n```\n")


def lf(bug: str, tf: str = "4.50.0") -> str:
    """The LLaMA-Factory bug form."""
    return ("### Reminder\n\n- [x] I have read the above rules and searched the existing issues.\n\n### System Info\n\n"
            f"- `llamafactory` version: 0.9.3.dev0\n- Platform: Linux-5.15.0-94-generic-x86_64-with-glibc2.35\n"
            f"- Python version: 3.10.16\n- PyTorch version: 2.5.1+cu124 (GPU)\n- Transformers version: {tf}\n"
            "- Datasets version: 3.2.0\n- Accelerate version: 1.2.1\n- PEFT version: 0.12.0\n- TRL version: 0.9.6\n"
            "- GPU type: NVIDIA H800\n- GPU number: 8\n- GPU memory: 79.11GB\n- DeepSpeed version: 0.16.4\n\n"
            f"### Reproduction\n\n```text\n{bug}\n```\n\n### Others\n\n_No response_\n")


PAIRS = [
# --- "please support model X": they share the model name and little else
({"title": "Magistral in the library?", "body": ollama("mistralai released Magistral-Small-2506, a 24B reasoning model. Is an official `ollama run magistral` coming? The community GGUF ignores the [THINK] tags.", os_="Linux", ver="0.9.0")},
 {"title": "Add Magistral Small (mistral reasoning model)", "body": "Magistral-Small-2506 is Apache 2.0, fine-tuned from Mistral Small 3.1 with RL for reasoning. The system prompt asks the model to put its draft between [THINK] and [/THINK]. Would be good to have it with the right template."}),
({"title": "qwen3-next?", "body": "Qwen3-Next-80B-A3B-Instruct just landed. On vllm 0.10.1 I get `Model architectures ['Qwen3NextForCausalLM'] are not supported for now`. Any ETA?"},
 {"title": "[New Model]: Qwen/Qwen3-Next-80B-A3B-Instruct", "body": vllm_model("https://huggingface.co/Qwen/Qwen3-Next-80B-A3B-Instruct", "Qwen3MoeForCausalLM", "Hybrid layout: Gated DeltaNet linear attention in 3 of 4 layers plus gated full attention, and an MTP head. Needs new kernels for the linear attention state.")}),
({"title": "请问会支持 MiniMax-M1 吗", "body": "MiniMax-M1-80k 是 lightning attention 和 softmax attention 混合的 MoE，456B 参数。想用 lmdeploy 部署，现在报架构不支持。"},
 {"title": "[Feature] MiniMax-M1 support", "body": "### Motivation\n\nMiniMax-M1 (40k and 80k thinking budgets) is an open-weight hybrid-attention MoE. It would be great to serve it with the pytorch engine.\n\n### Related resources\n\nhttps://huggingface.co/MiniMaxAI/MiniMax-M1-80k\n\n### Additional context\n\nThe lightning attention layers need a custom kernel."}),
({"title": "OLMo 2 13B gguf conversion", "body": "`python convert_hf_to_gguf.py allenai/OLMo-2-1124-13B-Instruct` -> `ERROR:hf-to-gguf:Model Olmo2ForCausalLM is not supported`. Is OLMo 2 on the list?"},
 {"title": "Feature Request: support allenai OLMo 2", "body": cpp("AllenAI released OLMo 2 (7B and 13B). It differs from OLMo 1 by a post-norm layout and QK-norm. Please add it to the converter and to llama.cpp.", mod="Python/Bash scripts")}),
({"title": "Command A (Cohere2) in sglang", "body": sgl("Trying CohereLabs/c4ai-command-a-03-2025 on 4xH100 fails: `ValueError: Unsupported architectures: Cohere2ForCausalLM`. Will Command A be supported?", n="0,1,2,3")},
 {"title": "[Feature] Support Cohere Command A", "body": "Cohere released Command A (111B), same Cohere2ForCausalLM architecture with sliding-window layers interleaved with global ones. Please add it, it is popular for RAG."}),
({"title": "Apertus 8B support", "body": hf("```python\nfrom transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained('swiss-ai/Apertus-8B-Instruct-2509')\n```\n\nraises `ValueError: The checkpoint you are trying to load has model type `apertus` but Transformers does not recognize this architecture.`", tf="4.55.4")},
 {"title": "Add the Swiss AI Apertus models", "body": "Apertus-8B and Apertus-70B are fully open multilingual models from EPFL/ETH with the xIELU activation and QK-norm. Is anyone working on an `ApertusForCausalLM` port?"}),
# --- the same output string from the same cause, on different setups
({"title": "Llama-3.1-8B after LoRA merge prints <|reserved_special_token_14|> forever", "body": lf("I added two tokens and called resize_token_embeddings, trained a LoRA with additional_target: embed_tokens,lm_head, merged with llamafactory-cli export. The merged model answers:\n<|reserved_special_token_14|><|reserved_special_token_14|><|reserved_special_token_14|><|reserved_special_token_14|>")},
 {"title": "Merged model only generates reserved special tokens (resized embeddings not saved)", "body": "After `model.resize_token_embeddings(len(tokenizer))` and training with PEFT, `merge_and_unload()` gives a model that outputs `<|reserved_special_token_3|>` repeated. The new rows of embed_tokens/lm_head were not in modules_to_save, so the merged weights have random rows for them."}),
({"title": "gemma-3-12b-it in float16 answers <pad><pad><pad>", "body": vllm_bug("`vllm serve google/gemma-3-12b-it --dtype float16` on V100 (no bf16). Every completion is `<pad><pad><pad><pad><pad>`. With bfloat16 on an A100 it is fine.", gpu="Tesla V100-SXM2-32GB")},
 {"title": "Gemma 3 produces only <pad> tokens in fp16", "body": hf("```python\nmodel = Gemma3ForConditionalGeneration.from_pretrained('google/gemma-3-4b-it', torch_dtype=torch.float16).cuda()\n```\ngenerate() returns `<pad><pad><pad><pad>`. Activations overflow in fp16 (inf in the MLP), the model was trained in bf16.", exp="Normal text, or a warning that fp16 is unsupported.")}),
({"title": "Qwen2.5-VL-7B gguf outputs [PAD151935][PAD151935]...", "body": cpp("llama-mtmd-cli with Qwen2.5-VL-7B-Instruct-Q4_K_M.gguf and the mmproj from the same repo. Text-only prompts answer `[PAD151935][PAD151935][PAD151935][PAD151935]`.", log="load_hparams: projector:          qwen2.5vl_merger", mod="libllama (core library), llama-mtmd-cli")},
 {"title": "Garbage [PAD151xxx] output from Qwen2 VL models converted with an old convert script", "body": "Converted Qwen2-VL-2B myself, the model prints `[PAD151908][PAD151908][PAD151908]` for everything. The vocab padding rows in the tokenizer ended up as real tokens; reconverting with the current convert_hf_to_gguf.py fixed it."}),
({"title": "DeepSeek-V2-Lite: AAAAAAAAAAAA with fp8 kv cache on MI300X", "body": "vllm 0.7.3 rocm build, `--kv-cache-dtype fp8`, DeepSeek-V2-Lite-Chat. The output is AAAAAAAAAAAAAAAAAAAAAAA. Without the fp8 KV cache it answers normally."},
 {"title": "[Bug][ROCm]: output is 'AAAAAAA' when fp8 KV cache is enabled", "body": vllm_bug("MI250X, rocm 6.2, Llama-3.1-8B-Instruct with `--kv-cache-dtype fp8_e4m3` generates `AAAAAAAAAAAAAAAAAAAAAA`. The scales are not loaded for the ROCm attention backend, auto dtype works.", gpu="AMD Instinct MI250X/MI250", torch="2.5.1+rocm6.2")}),
({"title": "Llama-3.3-70B outputs !!!!!!!! with tp=4 on A6000s", "body": vllm_bug("4x RTX A6000 over PCIe, no NVLink. `--tensor-parallel-size 4`, answer is `!!!!!!!!!!!!!!!!!!!!`. Adding `--disable-custom-all-reduce` fixes it.", gpu="NVIDIA RTX A6000")},
 {"title": "Exclamation marks output with TP on GPUs without P2P", "body": "On PCIe cards where peer access is broken (some consumer boards), tensor parallel gives `!!!!!!!!!` for every request. The custom all-reduce kernel assumes P2P works. Workaround: `--disable-custom-all-reduce`."}),
# --- Chinese and English reports of one failure
({"title": "vLLM 部署 Qwen2.5-VL-72B-AWQ 报 input size is not aligned", "body": "vllm 0.8.4，8 张 4090，`--tensor-parallel-size 8` 启动 Qwen2.5-VL-72B-Instruct-AWQ 报错：\n```\nValueError: The input size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size.\n```\n改成 tp 4 就好了，但显存不够。"},
 {"title": "[Bug]: AWQ 72B with tp=8: The input size is not aligned with the quantized weight shape", "body": vllm_bug("```\nValueError: The input size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size.\n```\nQwen2-72B-Instruct-AWQ, intermediate_size 29568 / 8 is not a multiple of the group size 128.", ver="0.6.4")}),
({"title": "ollama pull 一直失败 dial tcp: lookup registry.ollama.ai: no such host", "body": "公司内网，设置了 HTTPS_PROXY 但是 ollama 服务好像没用上：\n```\nError: pull model manifest: Get \"https://registry.ollama.ai/v2/library/qwen3/manifests/8b\": dial tcp: lookup registry.ollama.ai: no such host\n```\n命令行里 curl 是通的。"},
 {"title": "pull fails behind a proxy: no such host", "body": ollama("`ollama pull llama3.2` says\n```\nError: pull model manifest: Get \"https://registry.ollama.ai/v2/library/llama3.2/manifests/latest\": dial tcp: lookup registry.ollama.ai: no such host\n```\nThe proxy is set in my shell, but the server runs as a systemd service and does not see HTTPS_PROXY. Setting it in the unit's Environment= fixed it.", os_="Linux", ver="0.3.14")}),
({"title": "ZeRO-3 训练保存 checkpoint 时卡死", "body": "DeepSpeed 0.15 + ZeRO-3 全参微调 Qwen2-7B，8 卡。跑到第一个 save_steps 就不动了，所有卡利用率 100%，没有报错也没有日志。我的保存代码只在 local_rank == 0 时调用 trainer.save_model()。"},
 {"title": "Training hangs forever at checkpoint save with ZeRO stage 3", "body": "With stage 3 the weights are partitioned, so saving gathers them from every rank. If only rank 0 calls `save_model()` / `save_checkpoint()`, the other ranks never join the gather and everything waits forever (GPUs at 100%, no error). Call save on all ranks."}),
({"title": "InternVL2.5-38B: [TM][ERROR] CUDA runtime error: an illegal memory access was encountered", "body": lmd("`lmdeploy serve api_server OpenGVLab/InternVL2_5-38B --tp 2` crashes on the first image request.", tb="[TM][ERROR] CUDA runtime error: an illegal memory access was encountered /lmdeploy/src/turbomind/utils/allocator.h:246")},
 {"title": "InternVL2_5-26B 部署后请求图片报 illegal memory access", "body": "lmdeploy 0.6.4，api_server 启动正常，发送带图片的请求后崩溃：\n```\n[TM][ERROR] CUDA runtime error: an illegal memory access was encountered /lmdeploy/src/turbomind/utils/allocator.h:246\n```\n纯文本请求没问题。升级到 0.7.0 后解决。"}),
({"title": "合并 LoRA 后加载报 size mismatch for lm_head", "body": "训练前加了特殊 token 并 resize_token_embeddings，训练完用 PeftModel.from_pretrained 加载 adapter 报：\n```\nRuntimeError: Error(s) in loading state_dict for PeftModelForCausalLM:\n\tsize mismatch for base_model.model.lm_head.modules_to_save.default.weight: copying a param with shape torch.Size([151667, 3584]) from checkpoint, the shape in current model is torch.Size([152064, 3584]).\n```"},
 {"title": "size mismatch for lm_head when loading an adapter trained with resized embeddings", "body": "```\nRuntimeError: Error(s) in loading state_dict for PeftModelForCausalLM:\n\tsize mismatch for base_model.model.lm_head.modules_to_save.default.weight: copying a param with shape torch.Size([32002, 4096]) from checkpoint, the shape in current model is torch.Size([32000, 4096]).\n```\nThe base model must be resized to the tokenizer's length before PeftModel.from_pretrained."}),
({"title": "llama-cpp-python 加载 DeepSeek-R1-Distill 报 unknown pre-tokenizer type", "body": "llama-cpp-python 0.2.90 加载 DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf：\n```\nllama_model_load: error loading model: error loading model vocabulary: unknown pre-tokenizer type: 'deepseek-r1-qwen'\n```"},
 {"title": "unknown pre-tokenizer type: 'deepseek-r1-qwen'", "body": cpp("LM Studio / older builds cannot load the R1 distill GGUFs:\n\n`error loading model vocabulary: unknown pre-tokenizer type: 'deepseek-r1-qwen'`\n\nThe pre-tokenizer was added in b4514; binaries older than that need updating.", log="llama_model_load: error loading model: error loading model vocabulary: unknown pre-tokenizer type: 'deepseek-r1-qwen'", ver="version: 4400 (0827b2c1)")}),
({"title": "sglang 两机部署 DeepSeek-V3 卡在 Init torch distributed begin", "body": "两台 8*H20，node-rank 0 和 1 都启动了，日志停在 `Init torch distributed begin.`，半小时没动。--dist-init-addr 用的是 node0 的 IP:5000。"},
 {"title": "Multi-node DeepSeek-V3 stuck at 'Init torch distributed begin.'", "body": sgl("Two nodes, `--nnodes 2 --node-rank N --dist-init-addr 10.0.0.1:5000`. Both ranks print `Init torch distributed begin.` and nothing else. Port 5000 was blocked by the firewall between the nodes; opening it fixed the hang.", gpu="NVIDIA H800")}),
# --- merges across model versions
({"title": "Qwen3-235B-A22B-Instruct-2507: <tool_call> left in content with hermes parser", "body": vllm_bug("`--enable-auto-tool-choice --tool-call-parser hermes`, streaming. The reply has `tool_calls: []` and the content is `<tool_call>\\n{\"name\": \"get_weather\", ...}\\n</tool_call>`. Non-streaming works.", ver="0.10.0")},
 {"title": "[Bug]: Qwen3-32B hermes tool parser returns raw <tool_call> text in content when streaming", "body": "Streaming chat completions with tools: the parser never emits tool_calls deltas, the whole `<tool_call>...</tool_call>` block comes back as content. stream=false parses fine."}),
({"title": "Llama-4-Maverick: max seq len (10485760) is larger than the maximum number of tokens that can be stored in KV cache", "body": vllm_bug("8xH100, Llama-4-Maverick-17B-128E-Instruct-FP8, no --max-model-len:\n```\nValueError: The model's max seq len (10485760) is larger than the maximum number of tokens that can be stored in KV cache (1433600). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.\n```", ver="0.8.3", gpu="NVIDIA H100 80GB HBM3")},
 {"title": "Llama 4 Scout fails to start: max seq len larger than KV cache", "body": "```\nValueError: The model's max seq len (10485760) is larger than the maximum number of tokens that can be stored in KV cache (587232). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.\n```\nScout's config says 10M context. Pass `--max-model-len 65536` or so."}),
({"title": "DeepSeek-V3-0324 MTP: 'DeepseekV3ForCausalLMNextN' object has no attribute 'get_embed_and_head'", "body": sgl("`--speculative-algorithm EAGLE --speculative-num-steps 1 --speculative-eagle-topk 1 --speculative-num-draft-tokens 2` with deepseek-ai/DeepSeek-V3-0324 crashes at load:\n```\nAttributeError: 'DeepseekV3ForCausalLMNextN' object has no attribute 'get_embed_and_head'\n```", ver="0.4.4.post1")},
 {"title": "DeepSeek-R1 EAGLE (NextN) fails: no attribute get_embed_and_head", "body": "```\nAttributeError: 'DeepseekV3ForCausalLMNextN' object has no attribute 'get_embed_and_head'\n```\nR1 with the NextN draft model on 0.4.3.post4. The draft model class missed the method added for shared embeddings; fixed in the next release."}),
({"title": "Mistral-Small-24B-Instruct-2501 --tokenizer-mode mistral: tekken.json not found", "body": vllm_bug("`vllm serve mistralai/Mistral-Small-24B-Instruct-2501 --tokenizer-mode mistral --config-format mistral --load-format mistral`\n```\nFileNotFoundError: [Errno 2] No such file or directory: '/root/.cache/huggingface/hub/models--mistralai--Mistral-Small-24B-Instruct-2501/snapshots/1a2b3c/tekken.json'\n```", ver="0.7.0")},
 {"title": "Mistral-Nemo: tokenizer mode mistral can't find tekken.json", "body": "With `--tokenizer-mode mistral` on Mistral-Nemo-Instruct-2407 downloaded with `--include '*.safetensors' config.json`:\n```\nFileNotFoundError: [Errno 2] No such file or directory: '/models/Mistral-Nemo-Instruct-2407/tekken.json'\n```\nThe download filter skipped tekken.json; the mistral tokenizer mode needs it."}),
({"title": "Llama-3.2-90B-Vision CUDA out of memory at startup unless max-num-seqs is small", "body": vllm_bug("4xA100 80G, tp 4. Startup dies in profile_run:\n```\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 19.53 GiB. GPU 0 has a total capacity of 79.15 GiB of which 11.2 GiB is free.\n```\n`--max-num-seqs 16` makes it start.", ver="0.6.3")},
 {"title": "[Bug]: Llama-3.2-11B-Vision-Instruct OOM during memory profiling", "body": "The encoder cache is profiled for max_num_seqs images at the largest resolution, so the default 256 sequences allocate tens of GiB:\n```\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 39.06 GiB. GPU 0 has a total capacity of 79.15 GiB of which 38.1 GiB is free.\n```\nUse `--max-num-seqs 16` for Mllama."}),
# --- one error on different setups
({"title": "ImportError: libcudart.so.12 in a conda env", "body": "pip installed vllm 0.6.1 into a conda env on a machine with only CUDA 11.8 and driver 520:\n```\nImportError: libcudart.so.12: cannot open shared object file: No such file or directory\n```"},
 {"title": "libcudart.so.12: cannot open shared object file inside docker", "body": vllm_bug("Image based on nvidia/cuda:11.8.0-runtime, `pip install vllm`:\n```\nImportError: libcudart.so.12: cannot open shared object file: No such file or directory\n```\nThe wheel is built for CUDA 12; use a cuda 12 base image or the cu118 wheel.", ver="0.5.4", torch="2.3.1+cu121")}),
({"title": "NCCL error: Duplicate GPU detected with accelerate launch", "body": "accelerate config says 4 processes, but I exported CUDA_VISIBLE_DEVICES=0 in the script:\n```\ntorch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.21.5\nncclInvalidUsage: This usually reflects invalid usage of NCCL library.\nLast error:\nDuplicate GPU detected : rank 1 and rank 0 both on CUDA device 1000\n```"},
 {"title": "Duplicate GPU detected : rank 1 and rank 0 both on CUDA device", "body": lf("torchrun --nproc_per_node 2 src/train.py ...\n\nncclInvalidUsage: This usually reflects invalid usage of NCCL library.\nLast error:\nDuplicate GPU detected : rank 1 and rank 0 both on CUDA device 4000\n\nEach process saw only one GPU because CUDA_VISIBLE_DEVICES was set to a single id in my launcher script.")}),
({"title": "Bfloat16 is only supported on GPUs with compute capability of at least 8.0 (Colab T4)", "body": "Qwen2.5-3B-Instruct on Colab:\n```\nValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the `dtype` flag in CLI, for example: --dtype=half.\n```"},
 {"title": "[Usage]: V100 cannot load Llama-3-8B-Instruct, bfloat16 not supported", "body": vllm_bug("```\nValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla V100-SXM2-32GB GPU has compute capability 7.0. You can use float16 instead by explicitly setting the `dtype` flag in CLI, for example: --dtype=half.\n```", ver="0.4.2", gpu="Tesla V100-SXM2-32GB")}),
({"title": "llama runner process has terminated: exit status 0xc0000409 on gemma3", "body": ollama("`ollama run gemma3:12b` on Windows 11 with a GTX 1660 Super stops right away:\n\nError: llama runner process has terminated: exit status 0xc0000409", ver="0.6.2", log="ggml_cuda_init: found 1 CUDA devices:\n  Device 0: NVIDIA GeForce GTX 1660 SUPER, compute capability 7.5, VMM: yes")},
 {"title": "Windows: exit status 0xc0000409 when loading any model", "body": "Error: llama runner process has terminated: exit status 0xc0000409\n\nWindows 10, RTX 3060. It is a stack buffer overrun in the runner, it happened after updating to 0.5.x; reinstalling the NVIDIA driver did not help, 0.5.7 fixed it."}),
({"title": "Expected all tensors to be on the same device in DPO with device_map auto", "body": hf("DPOTrainer, Qwen2-7B loaded with device_map='auto' across 2 GPUs, LoRA:\n```\nRuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cuda:1!\n```\nraised inside the loss computation.", tf="4.44.2")},
 {"title": "SFT with device_map='auto' on 2 GPUs: Expected all tensors to be on the same device", "body": "Naive model parallel with device_map='auto' and the Trainer: the logits end on cuda:1 and the labels stay on cuda:0.\n```\nRuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:1 and cuda:0!\n```\nThe loss has to move labels to the logits' device."}),
({"title": "AttributeError: 'MessageFactory' object has no attribute 'GetPrototype' when loading the tokenizer", "body": "Fresh env, `AutoTokenizer.from_pretrained('THUDM/chatglm3-6b', trust_remote_code=True)`:\n```\nAttributeError: 'MessageFactory' object has no attribute 'GetPrototype'\n```\nprotobuf 5.28 is installed."},
 {"title": "'MessageFactory' object has no attribute 'GetPrototype' with protobuf 5", "body": lf("python src/train.py ... --model_name_or_path baichuan-inc/Baichuan2-7B-Chat\n\nAttributeError: 'MessageFactory' object has no attribute 'GetPrototype'\n\npip install protobuf==3.20.3 fixes it.")}),
({"title": "ValueError: Tokenizer class Qwen2Tokenizer does not exist or is not currently imported.", "body": "FastChat model worker with Qwen1.5-14B-Chat, transformers 4.33:\n```\nValueError: Tokenizer class Qwen2Tokenizer does not exist or is not currently imported.\n```"},
 {"title": "Tokenizer class Qwen2Tokenizer does not exist", "body": lf("llamafactory-cli train with Qwen1.5-7B:\n\nValueError: Tokenizer class Qwen2Tokenizer does not exist or is not currently imported.\n\nQwen2Tokenizer arrived in transformers 4.37; upgrading fixed it.", tf="4.34.0")}),
]

POOL = [
# sibling model requests (another model of the same maker or architecture)
{"title": "Add Mistral Small 3.2", "body": "Mistral-Small-3.2-24B-Instruct-2506 improves function calling and reduces repetition. Please update the library model."},
{"title": "[New Model]: Qwen/Qwen3-VL-235B-A22B-Instruct", "body": vllm_model("https://huggingface.co/Qwen/Qwen3-VL-235B-A22B-Instruct", "Qwen2_5_VLForConditionalGeneration", "DeepStack vision features and interleaved MRoPE.")},
{"title": "[Feature] MiniMax-Text-01 support", "body": "MiniMax-Text-01 (456B, 4M context) uses lightning attention. Would lmdeploy consider it? Only the text model is needed."},
{"title": "Feature Request: OLMoE-1B-7B", "body": cpp("allenai/OLMoE-1B-7B-0924 is a small open MoE. Converting fails with `Model OlmoeForCausalLM is not supported`.", mod="Python/Bash scripts")},
{"title": "[Feature] Command R7B support", "body": "CohereForAI/c4ai-command-r7b-12-2024: `Unsupported architectures: Cohere2ForCausalLM` on sglang 0.4.0. Please support the 7B."},
{"title": "Support for EuroLLM-9B", "body": hf("`AutoModelForCausalLM.from_pretrained('utter-project/EuroLLM-9B-Instruct')` works but generation is gibberish with bf16 on my 4090.", exp="Fluent text.", tf="4.46.0")},
{"title": "[New Model]: Qwen3-Next-80B-A3B-Thinking reasoning parser", "body": "Thinking variant serves fine on 0.10.2 but `--reasoning-parser qwen3` leaves `</think>` in content. The instruct model is OK."},
{"title": "Gemma 3n E2B audio input", "body": ollama("gemma3n runs, but audio is ignored: the API has no field for audio. Is audio input planned?", os_="macOS", gpu="Apple", cpu="Apple", ver="0.9.3")},
# the same output string from another cause
{"title": "Qwen2.5-72B-Instruct-AWQ returns !!!!!!!!! in float16", "body": vllm_bug("Single H100, `--quantization awq --dtype float16`. Long prompts (> 4k tokens) answer `!!!!!!!!!!!!!!!`. With `--dtype bfloat16` it works; AWQ kernels overflow in fp16 on long inputs.", gpu="NVIDIA H100 80GB HBM3")},
{"title": "<pad><pad><pad> output from a finetuned Mistral-7B", "body": "I set `tokenizer.pad_token = tokenizer.eos_token` during SFT and masked nothing, now the model generates `<pad><pad><pad><pad>` after the answer and never stops. bf16 on A100."},
{"title": "AAAAAAAA from Phi-3-mini gguf with -ctk q4_0", "body": cpp("Quantizing the K cache to q4_0 with flash attention off gives `AAAAAAAAAAAA`. -ctk f16 works. Phi-3-mini-4k-instruct Q8_0.", log="llama_kv_cache_init: CUDA0 KV buffer size = 216.00 MiB")},
{"title": "Outputs <|reserved_special_token_0|> when using the base model with a chat template", "body": "Using Meta-Llama-3-8B (base) with the instruct chat template, it outputs `<|reserved_special_token_0|>` sometimes. The base model never saw the header tokens trained."},
{"title": "[PAD] tokens in output after vocab resize in SFT", "body": "BERT-style [PAD] appears in generations of my GPT-2 finetune: `[PAD][PAD][PAD]`. I added a [PAD] token and the model learned to produce it because labels were not masked."},
# the same error string with another cause
{"title": "ValueError: The input size is not aligned with the quantized weight shape (GPTQ, tp 2)", "body": vllm_bug("Qwen2-57B-A14B-Instruct-GPTQ-Int4, tp 2:\n```\nValueError: The input size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size.\n```\nMoE expert intermediate size 2560 with group size 128 and desc_act: the gptq_marlin MoE path does not handle act-order shards.", ver="0.5.3")},
{"title": "ollama pull: no such host on WSL2", "body": "```\nError: pull model manifest: Get \"https://registry.ollama.ai/v2/library/phi4/manifests/latest\": dial tcp: lookup registry.ollama.ai: no such host\n```\nWSL2's generated /etc/resolv.conf points to a nameserver the VPN blocks. Setting generateResolvConf=false and a public DNS fixed it."},
{"title": "ZeRO-3 training hangs at the first step with gradient checkpointing", "body": "DeepSpeed ZeRO-3, Llama-2-13B, gradient_checkpointing with use_reentrant=True: the first backward never finishes, GPUs at 100%. No save involved; use_reentrant=False fixes it."},
{"title": "[TM][ERROR] CUDA runtime error: an illegal memory access was encountered with long context", "body": lmd("Qwen2.5-14B-Instruct with session_len 128000 and rope scaling: crash at around 40k tokens.", tb="[TM][ERROR] CUDA runtime error: an illegal memory access was encountered /lmdeploy/src/turbomind/kernels/attention/attention.cu:112")},
{"title": "size mismatch for embed_tokens loading Qwen2.5 checkpoint into a different size", "body": "```\nRuntimeError: Error(s) in loading state_dict for Qwen2ForCausalLM:\n\tsize mismatch for model.embed_tokens.weight: copying a param with shape torch.Size([151936, 2048]) from checkpoint, the shape in current model is torch.Size([151936, 1536]).\n```\nI pointed the 1.5B config at the 3B weights by mistake."},
{"title": "unknown pre-tokenizer type: 'smaug-bpe'", "body": cpp("Loading Smaug-Llama-3-70B gguf:\n\nllama_model_load: error loading model: error loading model vocabulary: unknown pre-tokenizer type: 'smaug-bpe'", log="llama_model_load: error loading model: error loading model vocabulary: unknown pre-tokenizer type: 'smaug-bpe'", ver="version: 2980 (4a1ad2a8)")},
{"title": "Stuck at 'Capture cuda graph begin' on a single node", "body": sgl("DeepSeek-V3 on 8xH200, one node, log stops after `Capture cuda graph begin. This can take up to several minutes.` for an hour. `--disable-cuda-graph` starts. The capture deadlocks with --enable-dp-attention.", gpu="NVIDIA H200")},
{"title": "[Bug]: Qwen3-32B hermes parser: arguments not valid JSON", "body": "Non-streaming tool calls on Qwen3-32B sometimes produce `arguments` with single quotes, json.loads fails on the client. The model writes Python dicts; not a streaming issue."},
{"title": "Llama 4 Scout: KeyError: 'llama4' on transformers 4.50", "body": "vllm 0.8.2 with transformers 4.50.0:\n```\nKeyError: 'llama4'\n```\nNeed transformers >= 4.51 for the Llama 4 config."},
{"title": "DeepSeek-V3 MTP: CUDA out of memory when speculative decoding is on", "body": sgl("With `--speculative-algorithm EAGLE` the server OOMs at startup, 8xH200. Without it, fine.\n```\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.75 GiB.\n```", ver="0.4.4.post1", gpu="NVIDIA H200")},
{"title": "FileNotFoundError: tokenizer.model for Llama-2 after --include safetensors", "body": "Downloaded only `*.safetensors` and config; LlamaTokenizer fails:\n```\nOSError: Can't load tokenizer for '/models/Llama-2-7b-hf'.\n```"},
{"title": "Llama-3.2-11B-Vision: cross attention with chunked prefill not supported", "body": vllm_bug("```\nValueError: Chunked prefill is not supported for encoder-decoder models\n```\nSet `--enable-chunked-prefill false` for Mllama.", ver="0.6.3")},
{"title": "ImportError: libcudnn.so.9: cannot open shared object file", "body": "torch 2.4 from pip in a venv that also has nvidia-cudnn-cu11 installed:\n```\nImportError: libcudnn.so.9: cannot open shared object file: No such file or directory\n```\nTwo cudnn wheels conflicting."},
{"title": "ncclInvalidUsage with torch.distributed barrier before set_device", "body": "```\ntorch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.20.5\nncclInvalidUsage: This usually reflects invalid usage of NCCL library.\n```\nI call dist.barrier() before torch.cuda.set_device(local_rank), so all ranks use cuda:0 for the barrier. The message has no duplicate GPU line."},
{"title": "Bfloat16 not supported error on an RTX 2080 Ti with Mistral", "body": "I already pass --dtype half but the error still says compute capability 7.5. The model config has torch_dtype bfloat16 and my launcher script overrode --dtype back to auto. Not a vLLM bug, closing."},
{"title": "exit status 2 on Linux with an AMD iGPU", "body": ollama("Error: llama runner process has terminated: exit status 2\n\nRyzen 7840U, ROCm iGPU gfx1103 is not supported; HSA_OVERRIDE_GFX_VERSION=11.0.0 makes it run.", os_="Linux", gpu="AMD", cpu="AMD", ver="0.5.4")},
{"title": "Expected all tensors to be on the same device in generate()", "body": "```\nRuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!\n```\nI forgot `inputs = inputs.to(model.device)` before generate. Not a training issue."},
{"title": "Tokenizer class ChatGLMTokenizer does not exist or is not currently imported.", "body": "```\nValueError: Tokenizer class ChatGLMTokenizer does not exist or is not currently imported.\n```\nI forgot trust_remote_code=True for THUDM/chatglm2-6b."},
{"title": "protobuf: Descriptors cannot be created directly", "body": "```\nTypeError: Descriptors cannot not be created directly.\nIf this call came from a _pb2.py file, your generated code is out of date and must be regenerated with protoc >= 3.19.0.\n```\nsentencepiece + protobuf 4 with an old generated file; PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python works."},
# the same models, another failure
{"title": "Magistral: [THINK] appears literally in the answer", "body": "With the official template in llama.cpp, Magistral writes `[THINK]` and `[/THINK]` as text in the content instead of reasoning_content. Needs a reasoning format for mistral."},
{"title": "Qwen2.5-VL-72B-AWQ slow first token with images", "body": vllm_bug("TTFT is 12 s for a 1280x720 image on 4xA100 AWQ. Text-only TTFT is 200 ms. Is the vision encoder running in fp32?", ver="0.8.4")},
{"title": "gemma-3-12b-it: image input gives 'ValueError: At most 1 image(s) may be provided in one request'", "body": vllm_bug("Sending two images fails. `--limit-mm-per-prompt image=4` solved it.", ver="0.8.0")},
{"title": "Llama-3.3-70B tool calling with llama3_json parser returns plain text", "body": "Using `--tool-call-parser llama3_json`, the model answers with prose describing the call instead of JSON unless I add the tool-use system prompt."},
{"title": "DeepSeek-V2-Lite MoE slower on MI300X than on H100", "body": "Throughput is half of H100 with vllm rocm 0.7.3. Is the fused MoE kernel tuned for MI300X? No correctness issue."},
{"title": "InternVL2.5-8B: response language switches to Chinese", "body": "When asking in English about a Chinese chart, InternVL2_5-8B always answers in Chinese. Template or model behaviour?"},
{"title": "DeepSeek-R1-Distill-Qwen-7B gguf never stops thinking", "body": "ollama deepseek-r1:7b keeps generating `<think>` content for thousands of tokens on simple questions. Temperature 0.6 recommended; with 0 it loops."},
{"title": "Llama-4-Maverick FP8 throughput lower than Scout bf16", "body": "Serving on 8xH100, Maverick FP8 gives 30% fewer tokens/s than Scout bf16 at batch 64. Expected?"},
{"title": "Mistral-Small-24B: tool calls ignored with hermes parser", "body": "Mistral models need `--tool-call-parser mistral`, I used hermes and got no tool_calls. Question answered, closing."},
{"title": "Qwen3-235B-A22B-Instruct-2507 garbled output with FP8 on tp 8", "body": vllm_bug("The FP8 checkpoint with tp 8 answers with mixed-language garbage; tp 4 with ep works. Block size 128 does not divide the shard.", ver="0.10.0")},
{"title": "ollama gemma3:12b slow on CPU with 16 GB RAM", "body": ollama("No GPU, 16 GB RAM. 1 token/s with gemma3:12b. Swap is used. Is 4b recommended?", os_="Linux", gpu="Other", ver="0.6.2")},
{"title": "DPO loss is nan with Qwen2-7B in fp16", "body": hf("DPOTrainer with fp16=True on V100, loss becomes nan after 20 steps. bf16 not available on V100.", tf="4.44.2")},
{"title": "LLaMA-Factory: Qwen1.5 chat template missing system prompt", "body": lf("template: qwen, the default system prompt 'You are a helpful assistant.' is not added in predictions. Is that expected?")},
{"title": "chatglm3-6b: generation returns empty string with transformers 4.40", "body": "model.chat() returns '' after upgrading transformers. The remote code uses `_extract_past_from_model_output` which changed."},
]

SOLO = [
{"title": "Please support Seed-X-PPO-7B", "body": "ByteDance-Seed/Seed-X-PPO-7B is a translation model (Mistral architecture). Can it be added to the library with the right prompt format?"},
{"title": "[New Model]: Kimi-VL-A3B-Thinking", "body": vllm_model("moonshotai/Kimi-VL-A3B-Thinking-2506", "DeepseekV2ForCausalLM + a MoonViT encoder", "Native resolution vision encoder.")},
{"title": "!!!!!!!!! output from GLM-4-9B-Chat after upgrading to 0.9", "body": vllm_bug("Single RTX 4090, bf16, no tp. After upgrading vllm from 0.8.5 to 0.9.0 GLM-4-9B-Chat answers `!!!!!!!!!!!`. The rope of glm4 changed; 0.8.5 is fine.", ver="0.9.0", gpu="NVIDIA GeForce RTX 4090")},
{"title": "Bfloat16 is only supported on GPUs with compute capability of at least 8.0 on an A100?!", "body": "The error claims compute capability 7.0 but this is an A100. Turned out CUDA_VISIBLE_DEVICES pointed at the old V100 in the same box."},
{"title": "lmdeploy 部署 Qwen2.5-VL-7B 报 illegal memory access", "body": "pytorch 后端，不是 turbomind，batch 大于 8 时崩溃：RuntimeError: CUDA error: an illegal memory access was encountered。"},
{"title": "ValueError: Tokenizer class LlamaTokenizer does not exist (sentencepiece missing)", "body": "```\nValueError: Tokenizer class LlamaTokenizer does not exist or is not currently imported.\n```\npip install sentencepiece fixed it."},
{"title": "Llama-4-Scout: max seq len larger than KV cache on 2 GPUs even with max-model-len 32768", "body": "```\nValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (21504). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.\n```\n2xL40S, bf16. The weights alone take 87% of the memory, so 32k does not fit."},
{"title": "DeepSeek-V3 多机启动报 NCCL timeout", "body": "两机 16 卡，Init torch distributed 之后出现 Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE) ran for 600000 milliseconds，IB 网卡没配置 NCCL_IB_HCA。"},
{"title": "qwen3 tool call in content with the qwen25 template in llama.cpp", "body": cpp("llama-server --jinja with Qwen3-8B: tool calls come back as `<tool_call>` text in content. The gguf's template was overridden with --chat-template chatml.", mod="llama-server")},
{"title": "libcudart.so.11.0: cannot open shared object file with bitsandbytes", "body": "bitsandbytes 0.41 on a CUDA 12 machine:\n```\nOSError: libcudart.so.11.0: cannot open shared object file: No such file or directory\n```"},
]

ALSO = {29: ["fresh-02-23"]}
"""Read after the first look: a pool-fresh issue reporting the same failure as pair 29 (Qwen2Tokenizer on a
transformers older than 4.37)."""
