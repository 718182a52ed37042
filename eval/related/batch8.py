"""Batch 8 of the related-issues eval: written by related17 before any change of round 7, scored once first."""

VF = ("### Your current environment\n\n<details>\n<summary>The output of `vllm collect-env`</summary>\n\n```text\n"
      "PyTorch version: {torch}\nCUDA used to build PyTorch: 12.8\nOS: Ubuntu 24.04.2 LTS (x86_64)\n"
      "Python version: 3.12.11\nGPU models and configuration:\n{gpus}\nNvidia driver version: 570.158.01\n"
      "vLLM Version: {vllm}\n```\n</details>\n\n### 🐛 Describe the bug\n\n{bug}\n")
OF = "### What is the issue?\n\n{bug}\n\n### Relevant log output\n\n```shell\n{log}\n```\n\n### OS\n\n{os}\n\n### GPU\n\n{gpu}\n\n### Ollama version\n\n{ver}\n"
TF = ("### System Info\n\n- `transformers` version: {tf}\n- Platform: Linux-6.8.0-60-generic-x86_64-with-glibc2.39\n"
      "- Python version: 3.11.13\n- PyTorch version (accelerator?): {torch} (CUDA)\n\n### Reproduction\n\n{bug}\n\n"
      "### Expected behavior\n\n{exp}\n")
LF = ("### Reminder\n\n- [x] I have read the above rules and searched the existing issues.\n\n### System Info\n\n"
      "- `llamafactory` version: {lf}\n- Python version: 3.10.16\n- PyTorch version: 2.6.0+cu124 (GPU)\n"
      "- Transformers version: {tf}\n- GPU type: {gpu}\n\n### Reproduction\n\n```text\n{bug}\n```\n")
CF = ("### Name and Version\n\n{ver}\n\n### Operating systems\n\n{os}\n\n### Problem description & steps to reproduce\n\n"
      "{bug}\n\n### Relevant log output\n\n```shell\n{log}\n```\n")


def vf(bug, vllm="0.9.2", torch="2.7.0+cu128", gpu="NVIDIA H100 80GB HBM3", n=1):
    """A vLLM bug form with a short collect-env."""
    return VF.format(bug=bug, vllm=vllm, torch=torch, gpus="\n".join(f"GPU {i}: {gpu}" for i in range(n)))


def of(bug, log="", os="Linux", gpu="Nvidia", ver="0.9.6"):
    """An Ollama bug form."""
    return OF.format(bug=bug, log=log, os=os, gpu=gpu, ver=ver)


def tf(bug, exp="It should work.", ver="4.53.2", torch="2.7.1+cu126"):
    """A transformers bug form."""
    return TF.format(bug=bug, exp=exp, tf=ver, torch=torch)


def lf(bug, ver="0.9.3", tfv="4.52.4", gpu="NVIDIA A100-SXM4-80GB"):
    """A LLaMA-Factory bug form."""
    return LF.format(bug=bug, lf=ver, tf=tfv, gpu=gpu)


def cf(bug, log="", ver="version: 5890 (3e303b11)", os="Linux"):
    """A llama.cpp bug form."""
    return CF.format(bug=bug, log=log, ver=ver, os=os)


def t(title, body):
    """An issue."""
    return {"title": title, "body": body}


PAIRS = [
# --- model requests: only the model name in common
(t("ERNIE 4.5 support?", "baidu/ERNIE-4.5-21B-A3B-PT loads with trust_remote_code in transformers but vllm 0.9.1 says `Ernie4_5_MoeForCausalLM` is not supported. Any plan?"),
 t("[New Model]: baidu ERNIE-4.5 MoE (21B-A3B, 300B-A47B)", "Baidu open-sourced the ERNIE 4.5 family under Apache 2.0. The MoE checkpoints use heterogeneous experts with modality-isolated routing.\nhttps://huggingface.co/baidu/ERNIE-4.5-300B-A47B-PT\nClosest supported: DeepseekV2ForCausalLM for the MoE part.")),
(t("SmolLM3 please", of("Hugging Face released SmolLM3-3B with dual-mode reasoning (/think, /no_think). Would be great to have it as `ollama run smollm3`.", ver="0.9.5")),
 t("Add HuggingFaceTB/SmolLM3-3B to the library", "SmolLM3 is a 3B model with 64k context, trained on 11T tokens, fully open. GGUFs exist on the hub already but the chat template needs tool calling support.")),
(t("Kimi K2 Instruct 会支持吗", "moonshotai/Kimi-K2-Instruct 是 1T 参数的 MoE，架构和 DeepSeek-V3 一样，sglang 现在能直接跑吗？还是要等适配？"),
 t("[Feature] Support Kimi-K2", "Moonshot released Kimi-K2-Instruct (1T total, 32B active). It reuses the DeepseekV3ForCausalLM architecture but ships its own tokenizer (tiktoken based) and a tool-call parser. Need the kimi_k2 tool parser.")),
(t("granite 4.0 tiny preview", "ibm-granite/granite-4.0-tiny-preview is a hybrid mamba2 / transformer MoE. `GraniteMoeHybridForCausalLM` unknown in llama.cpp conversion, please add."),
 t("Feature Request: IBM Granite 4.0 (hybrid Mamba) support", cf("IBM published Granite 4.0 previews that mix Mamba-2 layers with attention and MoE. convert_hf_to_gguf.py has no handler for it.", log="ERROR:hf-to-gguf:Model GraniteMoeHybridForCausalLM is not supported"))),
(t("Falcon-H1 in lmdeploy?", "tiiuae/Falcon-H1-7B-Instruct, the hybrid attention + SSM one. Is turbomind going to support it?"),
 t("[Feature] Falcon-H1 series support", "TII released Falcon-H1 (0.5B to 34B), parallel hybrid of Mamba-2 and attention heads. It would be nice to have it in the pytorch engine.")),
(t("Seed-OSS-36B support", vf("ByteDance-Seed/Seed-OSS-36B-Instruct fails:\n```\nValueError: Model architectures ['SeedOssForCausalLM'] are not supported for now.\n```", vllm="0.10.0")),
 t("[New Model]: ByteDance-Seed/Seed-OSS-36B-Instruct", "512k native context, thinking budget control. Architecture SeedOssForCausalLM, close to Qwen2 with a different RoPE base and attention bias.")),
# --- the same output string
(t("DeepSeek-R1-Distill-Qwen-7B answers only @@@@@@@@", of("After updating, `ollama run deepseek-r1:7b` prints `@@@@@@@@@@@@@@@@@@@@` forever on my RX 7900 XTX.", log="time=2025-07-14 level=INFO source=amd_linux.go msg=\"amdgpu is supported\" gpu=GPU-0 gpu_type=gfx1100", gpu="AMD", ver="0.9.6")),
 t("ROCm: every model outputs @@@@ after 0.9.x", of("On gfx1100 with ROCm 6.3 any model (llama3.2, qwen2.5, deepseek-r1) produces @@@@@@@@@@@@@@@@ only. Setting OLLAMA_FLASH_ATTENTION=0 does not help. 0.6.8 was fine.", gpu="AMD", ver="0.9.3"))),
(t("InternVL3 describes every image as <IMG_CONTEXT><IMG_CONTEXT><IMG_CONTEXT>", "Serving OpenGVLab/InternVL3-8B with lmdeploy 0.9.1, the answer is just `<IMG_CONTEXT><IMG_CONTEXT><IMG_CONTEXT><IMG_CONTEXT>` repeated. Text-only prompts are ok."),
 t("Output is a stream of <IMG_CONTEXT> tokens for InternVL", "lmdeploy serve api_server OpenGVLab/InternVL3-2B --backend pytorch\nresponse content: <IMG_CONTEXT><IMG_CONTEXT><IMG_CONTEXT><IMG_CONTEXT><IMG_CONTEXT> ...\nWith --backend turbomind the same request is described correctly.")),
(t("qwen3 gguf on vulkan: ######## only", cf("Qwen3-14B-Q4_K_M.gguf with the Vulkan backend on an Intel Arc A770 outputs `################`. CPU only works.", log="ggml_vulkan: 0 = Intel(R) Arc(TM) A770 Graphics (Intel open-source Mesa driver) | uma: 0 | fp16: 1")),
 t("Vulkan Intel Arc: garbage '#' output since b5800", cf("With any model on Arc (A750/A770) the server streams `#####################`. Bisected to the change enabling coopmat on Intel. GGML_VK_DISABLE_COOPMAT=1 fixes it.", log="ggml_vulkan: Found 1 Vulkan devices:", os="Windows"))),
(t("Gemma 3 fine-tuned with LoRA repeats <start_of_turn><start_of_turn>", lf("llamafactory-cli train gemma3_lora_sft.yaml\nthen chat: the reply is `<start_of_turn><start_of_turn><start_of_turn>model` again and again. template: gemma")),
 t("gemma3 sft: model generates <start_of_turn> endlessly", "Fine-tuned google/gemma-3-4b-it with template gemma (not gemma3). Inference shows <start_of_turn><start_of_turn><start_of_turn> repeated. Switching `template: gemma3` at train time fixes it.")),
(t("Mistral Small 3.2 output full of \\u0000 / empty squares", vf("mistralai/Mistral-Small-3.2-24B-Instruct-2506 with `--tokenizer-mode mistral`, the streamed text is `\\u0000\\u0000\\u0000\\u0000` (renders as empty boxes) after ~200 tokens.", vllm="0.9.2")),
 t("[Bug]: Mistral-Small-3.2 returns NUL characters", vf("Chat completions for Mistral-Small-3.2-24B-Instruct-2506 end with a long run of \\u0000 characters. Happens only with --tokenizer-mode mistral and streaming.", vllm="0.9.1", n=2))),
# --- Chinese / English
(t("Qwen3 开启 enable_thinking=False 还是输出 <think>", "vllm 0.8.5 部署 Qwen3-8B，请求里 chat_template_kwargs={\"enable_thinking\": false}，回答开头依然有 <think>\\n\\n</think>，用 openai 客户端调用。"),
 t("[Bug]: Qwen3 still emits empty <think></think> block when enable_thinking is False", vf("Calling Qwen/Qwen3-8B with `extra_body={\"chat_template_kwargs\": {\"enable_thinking\": False}}` the content still starts with `<think>\\n\\n</think>\\n\\n`. Is the reasoning parser supposed to strip it?", vllm="0.8.5"))),
(t("DeepSpeed ZeRO-3 保存模型时 checkpoint 只有几 KB", "用 ZeRO-3 微调 Qwen2.5-7B，trainer.save_model() 之后 model.safetensors 只有 1.2KB，加载报 size mismatch。是不是要设置 stage3_gather_16bit_weights_on_model_save？"),
 t("ZeRO-3: saved model.safetensors is empty (a few KB)", "Training with deepspeed stage 3 via HF Trainer, the final save_model writes a tiny model.safetensors and from_pretrained later fails with size mismatch for every weight. ds_config has no `stage3_gather_16bit_weights_on_model_save`.")),
(t("Ollama 在 Windows 上不用 GPU，只跑 CPU", of("4070 Ti，驱动 576.80，ollama ps 显示 100% CPU。日志里有 `no compatible GPUs were discovered`。", os="Windows", ver="0.9.6")),
 t("no compatible GPUs were discovered on Windows 11 with RTX 40 series", of("Since the update ollama runs on CPU only. Log says `msg=\"no compatible GPUs were discovered\"`. Reinstalling the driver did not help, nvidia-smi works.", log='level=INFO source=gpu.go:377 msg="no compatible GPUs were discovered"', os="Windows", ver="0.9.5"))),
(t("llama.cpp 转换 Qwen2.5-VL 报错 找不到 mmproj", "python convert_hf_to_gguf.py Qwen2.5-VL-7B-Instruct --mmproj 报 `NotImplementedError: Vision model not supported` ，版本是 b5100。"),
 t("convert_hf_to_gguf --mmproj: NotImplementedError for Qwen2.5-VL", cf("Trying to produce the mmproj for Qwen2.5-VL-7B-Instruct.", log="NotImplementedError: Vision model not supported: Qwen2_5_VLForConditionalGeneration", ver="version: 5100 (1466621e)"))),
(t("sglang 跑 DeepSeek-V3 两机16卡 NCCL 超时", "两台 8xH800，--tp 16 --nnodes 2，启动到 capture cuda graph 时卡住，10 分钟后 `Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE)`。IB 是通的。"),
 t("[Bug] 2-node DeepSeek-V3 hangs in cuda graph capture then NCCL watchdog timeout", "tp 16 over two H800 nodes. Launch hangs in `Capture cuda graph` and after 600s: Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE, Timeout(ms)=600000). Setting NCCL_IB_GID_INDEX=3 made it work.")),
(t("lora 合并后 vocab 大小不一致", "LLaMA-Factory 训练时加了新 token，export 合并后用 vllm 加载报 `size mismatch for lm_head.weight: copying a param with shape torch.Size([151669, 3584])`。"),
 t("After adding special tokens, merged model fails: size mismatch for lm_head.weight", lf("new_special_tokens: <tool>,<obs>\nllamafactory-cli export merge.yaml\nthen loading: RuntimeError: Error(s) in loading state_dict: size mismatch for lm_head.weight: copying a param with shape torch.Size([151669, 3584]) from checkpoint, the shape in current model is torch.Size([152064, 3584]).\nresize_vocab was false."))),
(t("Ollama keeps unloading model after 5 minutes even with keep_alive -1", "I set OLLAMA_KEEP_ALIVE=-1 in the systemd unit but `ollama ps` shows the model disappears after 5 min. 在 Ubuntu 24.04 上。"),
 t("OLLAMA_KEEP_ALIVE 设置为 -1 无效，模型五分钟后被卸载", "在 /etc/systemd/system/ollama.service 里加了 Environment=\"OLLAMA_KEEP_ALIVE=-1\"，daemon-reload 后重启，模型还是 5 分钟后卸载。客户端请求里带了 keep_alive: 5m。")),
# --- merges across model versions
(t("Llama 4 Scout tool calls come back as plain text", vf("meta-llama/Llama-4-Scout-17B-16E-Instruct with `--tool-call-parser llama4_pythonic --enable-auto-tool-choice`: the content is `[get_weather(city=\"Paris\")]` and tool_calls is empty.", vllm="0.9.0", n=4)),
 t("[Bug]: Llama-3.3-70B pythonic tool calls not parsed", vf("With `--tool-call-parser pythonic` the response content is `[get_weather(city='Paris')]` as text and `tool_calls: []`. The chat template is the one from the examples folder.", vllm="0.8.4", n=4))),
(t("DeepSeek-V3.1 think tags missing with reasoning parser", "deepseek-ai/DeepSeek-V3.1 served with `--reasoning-parser deepseek_r1`: reasoning_content is always null and the thinking text lands in content without an opening <think>."),
 t("[Bug] DeepSeek-R1-0528: reasoning_content empty, the thinking is in content", "With --reasoning-parser deepseek_r1 on R1-0528 the chat template already adds <think> to the prompt, so the model output has no opening tag and the parser puts everything in content.")),
(t("Qwen3-Coder-30B-A3B: tool call XML not parsed", "Qwen3-Coder-30B-A3B-Instruct emits `<tool_call><function=read_file><parameter=path>` and sglang returns it as text. `--tool-call-parser qwen25` is set."),
 t("[Bug] Qwen3-Coder-480B tool calls returned as content", "Qwen3-Coder uses an XML-ish format (`<function=...><parameter=...>`) different from Qwen2.5 JSON tool calls. With --tool-call-parser qwen25 nothing is parsed. Needs a qwen3_coder parser.")),
(t("gemma-3-27b-it QAT q4_0 much slower than gemma2", of("gemma3:27b-it-qat runs at 4 tok/s on a 3090, gemma2:27b at 30 tok/s. `ollama ps` shows 38%/62% CPU/GPU.", ver="0.9.0")),
 t("gemma3 27b partially offloaded to CPU on 24GB card", of("gemma3:27b does not fit entirely: ollama ps says 22%/78% CPU/GPU and generation crawls. The vision projector and a big context are counted. OLLAMA_CONTEXT_LENGTH=4096 made it fit.", ver="0.6.5"))),
(t("Phi-4-mini-flash-reasoning: KeyError 'phi4flash'", tf("AutoModelForCausalLM.from_pretrained('microsoft/Phi-4-mini-flash-reasoning')\n\n```\nKeyError: 'phi4flash'\n```", ver="4.51.3")),
 t("Phi-4-mini-instruct: KeyError: 'phi3' in old transformers", tf("```\nKeyError: 'phi3'\n```\nloading microsoft/Phi-4-mini-instruct with transformers 4.36. Upgrading fixes it, please make the error message clearer.", ver="4.36.2"))),
# --- the same error on different setups
(t("undefined symbol in flash_attn_2_cuda after upgrading torch", "```\nImportError: /usr/local/lib/python3.11/site-packages/flash_attn_2_cuda.cpython-311-x86_64-linux-gnu.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE\n```\ntorch 2.7.1, flash-attn 2.7.4.post1 from pip."),
 t("flash-attn import fails: undefined symbol _ZN3c105ErrorC2ENS_14SourceLocation", lf("ImportError: flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE\nflash-attn was built against torch 2.5, the env now has 2.6.", gpu="NVIDIA GeForce RTX 4090"))),
(t("CUDA error: no kernel image is available on RTX 5090", vf("```\nRuntimeError: CUDA error: no kernel image is available for execution on the device\n```\nBlackwell sm_120, installed vllm from pip.", vllm="0.8.5", torch="2.6.0+cu124", gpu="NVIDIA GeForce RTX 5090")),
 t("sm_120 not compatible: no kernel image is available for execution on the device", "NVIDIA GeForce RTX 5080 with CUDA capability sm_120 is not compatible with the current PyTorch installation.\nRuntimeError: CUDA error: no kernel image is available for execution on the device\ntorch 2.5.1+cu124. Need a cu128 build?")),
(t("ollama: error loading model: unknown model architecture: 'qwen3moe'", of("ollama create from a Qwen3-30B-A3B gguf I quantised myself.", log="llama_model_load: error loading model: error loading model architecture: unknown model architecture: 'qwen3moe'", ver="0.6.5")),
 t("unknown model architecture: 'qwen3moe' with LM Studio gguf", of("Imported Qwen3-235B-A22B Q3_K_S via Modelfile. Fails on load.", log="error loading model architecture: unknown model architecture: 'qwen3moe'\nllama_load_model_from_file: failed to load model", os="macOS", gpu="Apple", ver="0.6.2"))),
(t("tokenizer.apply_chat_template: Cannot use chat template functions because tokenizer.chat_template is not set", "Loading a base checkpoint (Qwen2.5-1.5B, not -Instruct) and calling apply_chat_template raises\nValueError: Cannot use chat template functions because tokenizer.chat_template is not set and no template argument was passed!"),
 t("ValueError: tokenizer.chat_template is not set (Llama-3.1-8B base)", tf("tok = AutoTokenizer.from_pretrained('meta-llama/Llama-3.1-8B')\ntok.apply_chat_template(msgs)\n\nValueError: Cannot use chat template functions because tokenizer.chat_template is not set and no template argument was passed! For information about writing templates and setting the tokenizer.chat_template attribute, please see the documentation"))),
(t("vllm: Bfloat16 is only supported on GPUs with compute capability of at least 8.0 (T4)", vf("Colab T4.\n```\nValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the `dtype` flag in CLI, for example: --dtype=half.\n```", gpu="Tesla T4", vllm="0.9.1")),
 t("[Usage]: V100 Bfloat16 is only supported on GPUs with compute capability of at least 8.0", vf("Qwen2.5-7B on 2x V100.\nValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla V100-SXM2-32GB GPU has compute capability 7.0.", gpu="Tesla V100-SXM2-32GB", n=2, vllm="0.7.3"))),
(t("trl GRPOTrainer: ValueError: The global train batch size (3 x 1) must be evenly divisible by the number of generations per prompt (8)", "GRPO on 3 GPUs with num_generations=8 and per_device_train_batch_size=1. Changing to 4 GPUs is not possible for me."),
 t("GRPO: global train batch size must be evenly divisible by the number of generations per prompt", "ValueError: The global train batch size (2 x 2) must be evenly divisible by the number of generations per prompt (6). Given the current train batch size, the valid values for the number of generations are: [2, 4].\ntrl 0.17, accelerate launch with 2 processes.")),
(t("llama-server crashes: GGML_ASSERT(n_outputs_enc > 0) with embedding model", cf("llama-server -m bge-m3-Q8_0.gguf --embedding, first /v1/embeddings call crashes.", log="ggml/src/ggml.c: GGML_ASSERT(n_outputs_enc > 0 && \"call llama_encode() first\") failed")),
 t("GGML_ASSERT call llama_encode() first with --embedding on encoder model", cf("Using nomic-embed-text gguf with llama-server --embeddings --pooling mean, the server aborts.", log="GGML_ASSERT(n_outputs_enc > 0 && \"call llama_encode() first\") failed\nAborted (core dumped)", os="macOS"))),
(t("OSError: You are trying to access a gated repo (Llama-3.2-1B)", "Running the quickstart with meta-llama/Llama-3.2-1B-Instruct:\nOSError: You are trying to access a gated repo.\nMake sure to have access to it at https://huggingface.co/meta-llama/Llama-3.2-1B-Instruct.\n401 Client Error."),
 t("gated repo error even after accepting license (Gemma 3)", "OSError: You are trying to access a gated repo. 401 Client Error. Cannot access gated repo for url https://huggingface.co/google/gemma-3-1b-it/resolve/main/config.json. Access to model google/gemma-3-1b-it is restricted. I accepted the license on the website; `huggingface-cli login` was not run in the container.")),
(t("peft: Target modules {'q_proj', 'v_proj'} not found in the base model (ChatGLM)", "LoraConfig(target_modules=['q_proj','v_proj']) on THUDM/chatglm3-6b:\nValueError: Target modules {'q_proj', 'v_proj'} not found in the base model. Please check the target modules and try again."),
 t("ValueError: Target modules {'v_proj', 'q_proj'} not found in the base model (glm-4-9b)", "Fine-tuning glm-4-9b-chat with peft 0.15 and target_modules q_proj,v_proj. GLM uses query_key_value, so the names do not exist. Error: ValueError: Target modules {'v_proj', 'q_proj'} not found in the base model.")),
]

POOL = [
# model requests of other models / siblings
t("[New Model]: baidu/ERNIE-4.5-VL-28B-A3B", "The vision-language ERNIE. Needs the adaptive-resolution ViT and 3D RoPE. Different from the text MoE."),
t("Support SmolVLM2 video input", "HuggingFaceTB/SmolVLM2-2.2B-Instruct can do video; can ollama accept mp4 frames?"),
t("[Feature] DeepSeek-V3 MTP speculative decoding on H20", "MTP with --speculative-algorithm EAGLE for DeepSeek-V3 gives acceptance 0.6 on H200 but errors on H20 with `cuda graph capture failed`."),
t("Feature Request: IBM Granite 3.3 vision", cf("granite-vision-3.3-2b needs the siglip projector with a different layout.", log="")),
t("[Feature] Jamba 1.7 support", "AI21 Jamba-Large-1.7 hybrid SSM. Is it planned in the pytorch engine?"),
t("[New Model]: Qwen2.5-Omni-7B", "Thinker-talker architecture with audio output. Closest: Qwen2_5_VLForConditionalGeneration."),
t("Add Magistral Small", "mistralai/Magistral-Small-2506 reasoning model in the library please, with the [THINK] template."),
t("[Feature] MiniMax-M1 lightning attention", "MiniMax-M1-80k uses lightning attention; sglang support would help long-context users."),
# same output strings, other causes
t("deepseek-r1:32b prints @@@@ on two GPUs with mixed CUDA/ROCm", of("Mixing an RTX 3090 and an RX 6800 in one box, output is @@@@@@@@@. Each GPU alone works.", gpu="Nvidia, AMD", ver="0.9.2")),
t("Output '@@@@@' when context exceeds 8192 with q4_0 KV cache", cf("With -ctk q4_0 -ctv q4_0 and a prompt over 8k tokens, generation is @@@@@@@@. f16 KV cache is fine.", log="")),
t("#### output with Metal on M1 for IQ1_S models", cf("IQ1_S quant of a 70B model prints `################` on M1 Max. Q2_K works.", log="ggml_metal_init: found device: Apple M1 Max", os="macOS")),
t("Qwen3 answers with #### on CUDA when -fa and -ctk q8_0", cf("flash attention plus q8_0 K cache gives ##### for Qwen3-8B on a 2080 Ti.", log="")),
t("Gemma 3 outputs <pad><pad><pad> in fp16", "google/gemma-3-12b-it with torch_dtype=torch.float16 returns `<pad><pad><pad><pad>`. bfloat16 fine. Activations overflow in fp16."),
t("<IMG_CONTEXT> count mismatch error with many images", "InternVL3 with 12 images: `ValueError: number of <IMG_CONTEXT> tokens (3072) does not match image features (3328)` in lmdeploy."),
t("Mistral 3.2 tool call arguments truncated in streaming", vf("Streaming tool calls of Mistral-Small-3.2 lose the last `}` of the arguments JSON.", vllm="0.9.2")),
t("gemma3 LoRA: loss is nan from step 1 in fp16", lf("template: gemma3, fp16: true, loss nan at step 1. bf16 fixes it.")),
# zh/en near misses: same area, other cause
t("Qwen3 思考模式下 max_tokens 不够导致回答被截断", "enable_thinking=True 时 <think> 内容太长，max_tokens=1024 时最终答案为空，这是预期吗？"),
t("[Bug]: Qwen3 reasoning_content empty with --reasoning-parser qwen3 on streaming", vf("Streaming requests put the thinking in content; non-streaming works.", vllm="0.9.0")),
t("ZeRO-3 训练 loss 不下降", "DeepSpeed stage 3 微调 Qwen2.5-7B，loss 一直 2.3 左右不变，学习率 1e-5，是不是 zero3 下 lora 有问题？"),
t("ZeRO-3 from_pretrained hangs on multi-node", "Loading a 70B model with zero.Init across 2 nodes hangs in `_post_init_method`. Single node fine."),
t("Windows 上 ollama 显存占用只有一半", of("4090 24G，qwen2.5:32b 只用了 12G 显存，其余跑在 CPU 上。num_gpu 设置了 99 还是这样。", os="Windows")),
t("ollama uses the integrated GPU instead of RTX on laptop", of("Laptop with Intel iGPU and RTX 4060, ollama picks the iGPU through Vulkan and is slow. CUDA_VISIBLE_DEVICES=0 did not help.", os="Windows", ver="0.9.6")),
t("Qwen2.5-VL mmproj gguf gives wrong answers for images", cf("The converted mmproj loads, but descriptions are nonsense for any image above 1024px.", log="clip_model_load: model name: Qwen2.5-VL-7B-Instruct")),
t("llama.cpp 转换 Qwen2.5-VL 成功但是 llama-mtmd-cli 崩溃", "转换出来的 mmproj 用 llama-mtmd-cli 加载，运行时 Segmentation fault，b5200。"),
t("[Bug] DeepSeek-V3 two nodes: RuntimeError: NCCL error: unhandled system error", "2x8 H20, tp 16. Fails immediately with unhandled system error; NCCL_SOCKET_IFNAME was unset and it picked docker0."),
t("sglang 多机部署 DeepSeek-R1 显存不足", "两台 8xA800，--tp 16 加载 R1 时 CUDA out of memory，mem-fraction-static 0.9。"),
t("merged LoRA model outputs gibberish in vllm", lf("After export merge of a Qwen2.5-7B LoRA, vllm generates random multilingual text. The adapter alone with peft is fine. export_dtype was float16.")),
t("size mismatch for model.embed_tokens.weight when loading adapter", "PeftModel.from_pretrained fails: size mismatch for base_model.model.model.embed_tokens.weight: copying a param with shape torch.Size([32002, 4096]), the shape in current model is torch.Size([32000, 4096]). Forgot to resize the base model first."),
t("OLLAMA_MODELS 设置后模型还是下载到 C 盘", of("Windows 系统变量里设置了 OLLAMA_MODELS=D:\\ollama，重启后 pull 依然写到 C:\\Users。", os="Windows")),
t("keep_alive in /api/chat ignored by Open WebUI", of("Open WebUI sends keep_alive 5m and overrides my OLLAMA_KEEP_ALIVE. Is there a server-side way to force it?")),
# merges: other failures of the same models
t("Llama 4 Scout OOM on 4xH100 with 1M context", vf("--max-model-len 1000000 gives torch.OutOfMemoryError during profiling. 430k works.", n=4)),
t("[Bug]: Llama-3.3-70B json tool calls with llama3_json parser include <|python_tag|>", vf("The parser leaves `<|python_tag|>` in the content for llama3_json.", vllm="0.8.3", n=4)),
t("DeepSeek-V3.1 slower than V3 on same hardware", "Decode is 20% slower with DeepSeek-V3.1 on 8xH200 using sglang 0.4.10, same settings as V3."),
t("[Bug] DeepSeek-R1-0528 endless repetition at temperature 0", "With temperature 0 the model repeats the same paragraph; recommended 0.6."),
t("Qwen3-Coder-30B-A3B FP8 fails to load: weight block size not divisible", "ValueError: The output_size of gate's and up's weight = 384 is not divisible by weight quantization block_n = 128 with tp 4."),
t("Qwen2.5 tool calls broken when content contains <tool_call> literally", "If the user text mentions <tool_call>, the qwen25 parser tries to parse it and returns a 500."),
t("gemma3:27b crashes with CUDA error on 2 GPUs", of("Error: llama runner process has terminated: CUDA error: an illegal memory access was encountered, only with two 3090s.")),
t("gemma2 27b gives wrong answers after 0.5 update", of("gemma2:27b answers degrade after update, maybe the template changed.", ver="0.5.1")),
t("Phi-4-mini-flash-reasoning slow generation in transformers", tf("Generation is 3 tok/s on A100, the SambaY layers fall back to a python loop without mamba-ssm installed.")),
t("KeyError: 'phi3' when loading with vllm 0.3", "vllm 0.3.0 does not know Phi-3; ValueError Model architectures ['Phi3ForCausalLM'] are not supported for now."),
# same error string, other cause
t("undefined symbol: _ZN3c106detail14torchCheckFail in vllm _C.so", "ImportError: vllm/_C.abi3.so: undefined symbol: _ZN3c106detail14torchCheckFailEPKcS2_jRKSs\nI installed torch nightly over vllm."),
t("flash_attn import fails with GLIBC_2.32 not found", "ImportError: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.32' not found (required by flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so) on CentOS 7."),
t("no kernel image is available for execution on the device (P40, bitsandbytes)", "RuntimeError: CUDA error: no kernel image is available for execution on the device\nTesla P40 sm_61, bitsandbytes 0.45 dropped kernels for Pascal in 8-bit matmul."),
t("no kernel image is available: custom build with TORCH_CUDA_ARCH_LIST=8.0 on A10", "I compiled vllm with TORCH_CUDA_ARCH_LIST=8.0 but run on A10 (8.6) and H20. RuntimeError: CUDA error: no kernel image is available for execution on the device on H20 only."),
t("unknown model architecture: 'gemma3n'", of("gemma3n gguf from unsloth fails to load.", log="error loading model architecture: unknown model architecture: 'gemma3n'", ver="0.9.0")),
t("unknown model architecture: 'ernie4_5-moe' in llama-cpp-python", "llama-cpp-python 0.3.9 vendors an old llama.cpp: ValueError: Failed to load model from file; llama_model_load: error loading model: unknown model architecture: 'ernie4_5-moe'"),
t("chat_template is not set after saving tokenizer with an old transformers", "Saved with transformers 4.33 and loaded in 4.44: ValueError: Cannot use chat template functions because tokenizer.chat_template is not set. The template was in tokenizer_config of the original."),
t("ValueError: Bfloat16 is only supported ... when dtype auto picks bf16 from config on RTX 2080", "I passed --dtype float16 in a yaml config that vllm serve did not read (the key was `d_type`). Still bfloat16 error."),
t("Bfloat16 is not supported on MPS for this op", "On M2, torch 2.1 raises TypeError: BFloat16 is not supported on MPS when loading Qwen2."),
t("GRPO: num_generations must be greater than 1", "ValueError: GRPO requires at least 2 generations per prompt to calculate the advantages. You provided 1, which is less than the minimum required."),
t("GGML_ASSERT(ggml_nelements(a) == ne0*ne1) failed in reranker", cf("bge-reranker-v2-m3 with --reranking crashes.", log="GGML_ASSERT(ggml_nelements(a) == ne0*ne1) failed")),
t("llama-server --embedding returns all zeros for Qwen3-Embedding", cf("Qwen3-Embedding-0.6B gguf, pooling last, embeddings are all 0.", log="")),
t("OSError: meta-llama/Llama-3.2-1B does not appear to have a file named config.json", "Typo in my local path; from_pretrained tried the hub and failed with OSError. 404 Client Error."),
t("401 Unauthorized on hf_hub_download with token in env var HF_TOKEN ignored", "HUGGING_FACE_HUB_TOKEN set but the library reads HF_TOKEN in 0.20; gated Llama-3 download gives 401 Client Error. Unauthorized."),
t("Target modules {'c_attn'} not found in the base model (Qwen2)", "I copied a Qwen-1 LoRA config to Qwen2-7B: ValueError: Target modules {'c_attn'} not found in the base model."),
t("peft: Target module Qwen2MoeSparseMoeBlock is not supported", "ValueError: Target module Qwen2MoeSparseMoeBlock() is not supported. Currently, only the following modules are supported: torch.nn.Linear, torch.nn.Embedding..."),
t("[Bug]: empty <think></think> in DeepSeek-R1 distill output", vf("DeepSeek-R1-Distill-Qwen-32B sometimes returns `<think>\\n\\n</think>` with no reasoning for short questions.", vllm="0.8.5")),
t("Qwen3 enable_thinking in ollama", of("How do I turn thinking off for qwen3 in ollama? /no_think in the system prompt sometimes ignored.")),
]

SOLO = [
t("ERNIE-4.5-0.3B gives repeated text in transformers", tf("baidu/ERNIE-4.5-0.3B-PT generates the same sentence over and over with greedy decoding.", ver="4.54.0")),
t("Kimi-K2 tool parser drops arguments with unicode", "The kimi_k2 tool parser in sglang loses Chinese characters inside tool call arguments."),
t("@@@@@ output from Llama-3.1-8B on Intel Arc with SYCL", cf("SYCL backend, llama-3.1 8B Q4_K_M prints @@@@@@@@@@@@@@@@@@@.", log="ggml_sycl_init: found 1 SYCL devices")),
t("ollama 升级后 GPU 识别正常但推理很慢", of("0.9.6 升级后 ollama ps 显示 100% GPU，但速度从 40 tok/s 降到 8 tok/s。", os="Windows")),
t("RTX 5090: torch.cuda.is_available() False in WSL", "WSL2 Ubuntu, driver 576, torch 2.7.1+cu128 returns False; nvidia-smi works in WSL."),
t("flash-attn build hangs at ninja for hours", "pip install flash-attn --no-build-isolation compiles forever on a 16GB machine; MAX_JOBS=4 helped."),
t("GRPO reward always 0 with Qwen2.5-Math", "trl GRPO, accuracy reward returns 0 for every sample because the answer format uses \\boxed{} and my regex expects <answer>."),
t("LoRA merge changes generation with bf16 vs fp32", lf("Merged in bf16 gives slightly different answers from adapter inference; is fp32 merge recommended?")),
t("gated repo: 403 Forbidden for Llama-4 in EU", "403 Client Error: Forbidden. Your request to access model meta-llama/Llama-4-Scout-17B-16E has been rejected by the repo's authors."),
t("sglang 单机 DeepSeek-V3 启动卡在 load weight", "8xH200 单机，加载权重到 60% 卡住不动，没有报错。"),
]

ALSO = {23: ["fresh-06-04"], 31: ["fresh-06-14"]}
"""Distractors of pool-fresh that, read side by side after the first scoring, report the same failure as a pair's
original (flash-attn built against another torch; LLaMA's target modules on a model without them)."""
