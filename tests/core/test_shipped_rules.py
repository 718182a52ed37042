"""The shipped fixes, checks, tables and requirements load, cite authoritative sources and name real nodes."""

import pytest

from tests.core.make_facts import make_facts
from bot.core.rulefile import rules_dir
from bot.core.ruleset import RuleSet
from bot.core.triage import triage
from bot.core.taxonomy import load_taxonomy
RULESET = RuleSet.load()
FIXES, CHECKS = RULESET.fixes, RULESET.checks
REQ = RULESET.requirements
TAXONOMY = load_taxonomy(rules_dir() / "taxonomy.yml")


def test_counts():
    assert len(FIXES) >= 40 and len(CHECKS) >= 10


@pytest.mark.parametrize("fix", FIXES, ids=lambda f: f.rule.id)
def test_fix_is_translated_and_short(fix):
    # node paths, env keys, causes and URL hosts are checked at load (RuleSet.load); these are style rules
    assert fix.rule.title_zh and len(fix.rule.title) <= 220 and len(fix.rule.title_zh) <= 220


@pytest.mark.parametrize("fix", [f for f in FIXES if "--force-reinstall" in (f.rule.command or "")], ids=lambda f: f.rule.id)
def test_force_reinstall_keeps_the_dependencies(fix):
    # a bare --force-reinstall also reinstalls every dependency (torch, numpy) at its latest release
    assert "--no-deps" in fix.rule.command


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.rule.id)
def test_check_reads_the_env(check):
    assert "env" in check.rule.when.model_dump(exclude_none=True)


def test_every_ask_item_can_be_supplied_and_is_asked_by_some_rule():
    # node paths in `when`/`unless` are checked at load (RuleSet.load)
    runtimes = ("vllm", "ollama", "llama_cpp", "deepspeed", "sglang", "lmdeploy", "llamafactory", "transformers", "")
    for item in REQ.items:
        has_command = any(REQ.plan([item], make_facts("x", runtimes=[r] if r else [])) for r in runtimes)
        assert has_command or (REQ.how(item, "en") and REQ.how(item, "zh")), item
    asked = {i for r in REQ.rules for i in r.items}
    assert asked <= set(REQ.items)


def test_tables_load_and_are_ordered_newest_driver_first():
    tables = RULESET.tables
    majors = [int(r.cuda) for r in tables.driver_cuda]
    assert majors == sorted(majors, reverse=True)



def _cause(title: str, body: str) -> str | None:
    """The root cause the shipped rules alone give an issue."""
    cause = triage(title, body, RULESET).root_cause
    return cause.name if cause else None


def test_a_hand_written_eos_id_behind_runaway_output_is_an_inference_setting():
    body = (
        "The answer is fine but then the output keeps going and prints <|im_end|> tokens until the limit.\n\n"
        "```python\nout = model.generate(ids, max_new_tokens=1024, eos_token_id=2)\n```\n"
    )
    cause = _cause("Output never stops, special tokens in the answer", body)
    assert cause == "Configuration and Parameter Setting Errors - Inference Configuration Error"
    assert _cause("Output never stops, special tokens in the answer", body.replace("eos_token_id=2", "")) != cause


def test_an_unquantised_7b_model_on_a_small_consumer_gpu_lacks_gpu_memory():
    body = (
        "I try to run the model locally and the script dies after loading.\n\n"
        "- GPU: NVIDIA GeForce RTX 3060\n- Model: Mistral-7B-Instruct-v0.2\n\n"
        "```\nTraceback (most recent call last):\n  File \"run.py\", line 9, in <module>\n"
        "    model.to('cuda')\nRuntimeError: CUDA error: unspecified launch failure\n```\n"
    )
    cause = _cause("Crash when loading the model", body)
    assert cause == "Hardware and Resource Limitations - GPU Memory Insufficiency"
    assert _cause("Crash when loading the model", body.replace("7B", "1.5B")) != cause


def _path(dimension: str, title: str, body: str) -> str | None:
    """The path the shipped rules alone give an issue in one dimension."""
    pred = getattr(triage(title, body, RULESET), dimension)
    return pred.name if pred else None


WORDING = [  # (title, body, dimension, expected path): common phrasings of a fact, each once missed or misread
    ("Crash in generate after adding tokens",
     "```\nRuntimeError: CUDA error: device-side assert triggered\nCUDA kernel errors might be asynchronously reported "
     "at some other API call, so the stacktrace below might be incorrect.\n```",
     "symptom", "Crash - CUDA Error - Device Error"),
    ("tokenizer 加载失败",
     "```\nOSError: Can't load tokenizer for './my-local-model'. Make sure that the path is correct.\n```",
     "symptom", "Loading Failure - Tokenizer Loading Error"),
    ("Crash when building the tokenizer",
     "```\n  File \"/opt/venv/lib/python3.11/site-packages/transformers/tokenization_utils_base.py\", line 2101, "
     "in from_pretrained\n    return cls._from_pretrained(\nTypeError: expected str, bytes or os.PathLike object, "
     "not NoneType\n```",
     "symptom", "Loading Failure - Tokenizer Loading Error"),
    ("vllm fails on start with my GPTQ checkpoint",
     "```\nTraceback (most recent call last):\n  File \"/srv/env/lib/python3.10/site-packages/vllm/model_executor/"
     "models/llama.py\", line 512, in load_weights\n    param = params_dict[name]\n"
     "KeyError: 'model.layers.3.mlp.down_proj.g_idx'\n```",
     "symptom", "Loading Failure - Model Loading Error - Validation Failed"),
    ("ImportError after upgrading",
     "Reinstalled it twice and tried repeatedly, always the same:\n```\nImportError: cannot import name "
     "'is_torch_sdpa_available' from 'transformers.utils'\n```",
     "symptom", "Loading Failure - Model Loading Error - Import Error"),
    ("SFT 之后模型坏了",
     "sft 之后模型回复都是空字符串，训练 loss 正常下降到 0.4。",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Meaningless Generation"),
    ("Code model gets stuck in a loop",
     "It writes the function, then gets into a loop writing blank lines until it hits the token limit.",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Repetitive Generation"),
    ("Long answers from the 32B model",
     "Longer answers from the 32B model are truncated, they end mid-sentence although max_tokens is 8192.",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Incomplete Response"),
    ("system prompt 不生效",
     "在 system 里要求只输出 JSON，模型还是输出一大段解释。",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions"),
    ("思考过程没有输出",
     "With enable_thinking=True the reasoning_content field is empty, everything lands in content.",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Reasoning Mode Anomaly"),
    ("LoRA run does not learn",
     "The loss stays at about 1.9 for all 5 epochs and does not go down at all, lr 2e-4.",
     "symptom", "Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly"),
    ("Serving is underwhelming",
     "GPU utilization is only 25% with 32 parallel requests on the H100.",
     "symptom", "Poor Performance"),
    ("Loading the 70B model is painful",
     "Loading takes 25 minutes from a local SSD every time I start the script.",
     "symptom", "Poor Performance - Slow Loading Speed"),
    ("CUDA error: misaligned address with a LoRA adapter",
     "Serving with `vllm serve base-model --enable-lora --lora-modules sql=./adapter` crashes on the first request "
     "that uses the adapter:\n```\nRuntimeError: CUDA error: misaligned address\n```",
     "stage", "Inference"),
    ("Vision tower crashes",
     "```\nRuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED\n```",
     "symptom", "Crash - CUDA Error - Other CUDA Errors"),
    ("本地对话很卡", "和 7b 模型聊天，打一个字要等好几秒才出来。", "symptom", "Poor Performance - Slow Inference Speed"),
    ("Text full of <unk>", "The fp16 base model writes `<unk>` every few words.",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Special Token Anomaly"),
    ("MMLU score", "Our MMLU accuracy for the 8B instruct model is much lower than reported on the model card.",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Model Capability Degradation"),
    ("多卡训练一会儿就没了", "deepspeed 启动后加载完模型，进程突然消失，终端什么都没打印。",
     "symptom", "Crash - Process Killed"),
    ("4-bit is slower", "Generation with load_in_4bit=True is 3x slower than fp16 on the same GPU.",
     "symptom", "Poor Performance - Slow Inference Speed"),
    ("Cannot get the weights",
     "```\nOSError: You are trying to access a gated repo.\n401 Client Error. Cannot access gated repo for url "
     "https://huggingface.co/org/model/resolve/main/config.json.\n```",
     "symptom", "Loading Failure - Model Loading Error - Validation Failed"),
    ("4bit 加载报错",
     "```\nRuntimeError:\n        CUDA Setup failed despite GPU being available. Please run the following command "
     "to get more information:\n```",
     "symptom", "Loading Failure - Model Loading Error - Import Error"),
    ("Full fine-tune diverges", "The loss spikes to 11 after 300 steps and never recovers.",
     "symptom", "Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly"),
    ("多轮对话有问题", "第二轮开始模型一直输出和第一轮一样的回答。",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Repetitive Generation"),
    ("Blank replies", "The chat endpoint returns replies made only of whitespace for every prompt.",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Meaningless Generation"),
    ("DPO collapses", "Rewards drift to large negative values and the loss goes to 0 within 50 steps.",
     "symptom", "Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly"),
    ("Qwen2.5 微调后的模型", "模型的输出结果不对，程序也没有报错。",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly"),
    ("vllm 比 transformers 还慢", "同样的 prompt，vllm 要 12 秒，transformers 只要 8 秒。",
     "symptom", "Poor Performance - Slow Inference Speed"),
    ("Tokenizer for the 7B model", "Loading LlamaTokenizer gives\n```\nTypeError: not a string\n```",
     "symptom", "Loading Failure - Tokenizer Loading Error"),
    ("Tool use", "I pass functions in `tools` but the model never calls the tools, it answers in plain text.",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions"),
    ("Short replies", "Replies end abruptly after a few words with finish_reason length although max_tokens is 2048.",
     "symptom", "Incorrect Functionality - Generation Quality Anomaly - Incomplete Response"),
    ("SFT 数据集报错",
     "```\nTraceback (most recent call last):\n  File \"sft.py\", line 40, in collate\n    ids = sample[\"input_ids\"]\n"
     "KeyError: 'input_ids'\n```",
     "symptom", "Crash - Value-related Error"),
    ("4 卡推理报错", "PCIe 的 4 张卡：\n```\nRuntimeError: CUDA error: peer access is not supported between these two devices\n```",
     "symptom", "Crash - CUDA Error - Device Error"),
    ("训练时 GPU 利用率很低", "利用率一直 30% 左右，CPU 占满了。",
     "symptom", "Poor Performance - Slow Fine-tuning Speed"),
    ("保存模型时报错", "deepspeed zero3 保存 checkpoint 的时候报错：\n```\nRuntimeError: The size of tensor a (0) must match the "
     "size of tensor b (4096) at non-singleton dimension 1\n```",
     "stage", "Fine-tuning"),
    ("llama-server aborts", "```\nGGML_ASSERT: ggml/src/ggml-cuda.cu:812: ne00 % 32 == 0\nAborted (core dumped)\n```",
     "symptom", "Crash - Assertion Failure"),
    ("Pod restarts while loading", "The container exits with code 137 and the pod status is OOMKilled.",
     "symptom", "Crash - Process Killed"),
    ("推理一次要好几分钟", "单卡跑 14b，一个问题要两三分钟才能回答完。", "symptom", "Poor Performance - Slow Inference Speed"),
    ("Batching does not help", "Batch inference of 16 prompts is not faster than running them one by one.",
     "symptom", "Poor Performance - Slow Inference Speed"),
    ("每个 step 耗时越来越长", "训练开始时每步 1 秒左右，跑到后面要 6 秒。", "symptom", "Poor Performance - Slow Fine-tuning Speed"),
    ("cli_demo 直接闪退", "Windows 上输入问题后窗口直接闪退，什么信息都没有。", "symptom", "Crash - Other Crashes"),
    ("Crash when loading the VL model",
     "The full output is truncated below, the relevant part:\n```\nValueError: The checkpoint you are trying to load has "
     "model type `qwen2_vl` but Transformers does not recognize this architecture.\n```",
     "symptom", "Loading Failure - Model Loading Error - Validation Failed"),
    ("服务很卡，然后就卡住不动了", "跑了一会儿后请求全部卡住不动，没有返回。", "symptom", "Hang - Generation Process Stuck"),
    ("Repeated the install steps, still failing",
     "```\nModuleNotFoundError: No module named 'flash_attn_2_cuda'\n```",
     "symptom", "Loading Failure - Model Loading Error - Import Error"),
    ("Model fails to load",
     "```\nValueError: `rope_scaling` must be a dictionary with two fields, `type` and `factor`, got {'factor': 8.0, "
     "'rope_type': 'llama3'}\n```",
     "root_cause", "Environment Compatibility Issues - Dependency Library Compatibility"),
    ('ValueError: Tokenizer class LlamaTokenizer does not exist or is not currently imported.',
     'AutoTokenizer.from_pretrained fails with this on an old transformers.',
     'symptom', 'Loading Failure - Tokenizer Loading Error'),
    ('ollama run crashes on Windows',
     'Error: llama runner process has terminated: exit status 0xc0000005',
     'symptom', 'Crash - Other Crashes'),
    ('GPTQ model is much worse than the bf16 one',
     'The MMLU score drops from 70 to 58 after quantization.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Model Capability Degradation'),
    ('sglang 启动卡在加载权重',
     '一直卡在加载权重那里0%，半个小时没动静',
     'symptom', 'Hang - Generation Process Stuck'),
    ('python exits without a message',
     "The demo loads for a minute and then I'm back at the shell; `echo $?` prints 137.",
     'symptom', 'Crash - Process Killed'),
    ('ollama 跑 32b 报错',
     'Error: llama runner process has terminated: error loading model: unable to allocate CUDA0 buffer',
     'symptom', 'Crash - CUDA Error - Out of Memory'),
    ('分词器用不了',
     '加载分词器的时候出现 Exception: expected value at line 1 column 1',
     'symptom', 'Loading Failure - Tokenizer Loading Error'),
    ('from_pretrained is very slow',
     'AutoModelForCausalLM.from_pretrained takes 15 minutes from NFS.',
     'symptom', 'Poor Performance - Slow Loading Speed'),
    ('Long prompts',
     'Time to first token is 6 seconds with 16k-token prompts on an H100.',
     'symptom', 'Poor Performance - Slow Inference Speed'),
    ('Model prints the same line forever',
     'Llama 3 8B in ollama, after a few sentences.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Repetitive Generation'),
    ('OOM when loading the model on CPU',
     "No GPU here, 64GB RAM; the kernel's OOM killer takes the python process down.",
     'symptom', 'Crash - Process Killed'),
    ('Slow first, then it hangs',
     'The first requests are slow and then one never comes back; the server prints nothing after that.',
     'symptom', 'Hang - Generation Process Stuck'),
    ('自我认知微调',
     '用自己的身份数据集训练了 3 个 epoch，问它是谁还是原来的回答，感觉微调没生效。',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly'),
    ('RuntimeError in generate',
     '```\nRuntimeError: The expanded size of the tensor (0) must match the existing size (2048) at non-singleton dimension 1\n```',
     'symptom', 'Crash - Value-related Error - ShapeError'),
    ('Chinese output looks odd with the gguf',
     'Answers come out with spaces between every character, English is fine.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Meaningless Generation'),
    ('lora 微调显存',
     'rank 16 的 lora，显存占用比预期高很多，几乎和全参一样。',
     'symptom', 'Poor Performance'),
    ('Request rejected',
     "The server answers: This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.",
     'symptom', 'Crash - Value-related Error - InvalidValue'),
    ('Training throughput drops over time',
     'Tokens/s per GPU go from 3000 to 1000 after a few hours with ZeRO-3.',
     'symptom', 'Poor Performance - Slow Fine-tuning Speed'),
    ('DeepSpeed ZeRO-3 crash in generate',
     'Calling model.generate() from a callback:\n```\nRuntimeError: shapes mismatch\n```',
     'stage', 'Fine-tuning'),
    ('sglang 服务挂了',
     '压测时日志最后一行是 Scheduler hit an exception，然后服务直接退出了。',
     'symptom', 'Crash - Cluster Component Crash'),
    ('Scheduler problem',
     'The learning rate stays constant at 1e-5 for the whole run even though I set a cosine schedule.',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Learning Rate Anomaly'),
    ('Vision tower under autocast',
     '```\nRuntimeError: Input type (c10::BFloat16) and bias type (c10::Half) should be the same\n```',
     'symptom', 'Crash - Value-related Error - Runtime DType Mismatch'),
    ('回答牛头不对马嘴',
     '问它数学题它给我写诗。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions'),
    ('长文本总结',
     '输出总是被截掉，到 2000 字左右就没了。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Incomplete Response'),
    ('gguf 模板问题',
     '回答完以后接着输出 assistant，然后又回答一遍。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Special Token Anomaly'),
    ('[Performance]: speculative decoding',
     'With a draft model the output throughput gets worse: 1900 tok/s instead of 2500.',
     'symptom', 'Poor Performance - Slow Inference Speed'),
    ('Structured output',
     "With guided decoding the model often doesn't follow the JSON schema I pass and drops required keys.",
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions'),
    ('flash_attention_2 vs eager',
     'The two attention implementations give different logits in bf16, and greedy outputs diverge after a few tokens.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Output Consistency Anomaly'),
    ('ollama on an iGPU',
     'Error: llama runner process has terminated: error:Unsupported GPU',
     'symptom', 'Crash - Other Crashes'),
    ('ollama run fails',
     'Error: pull model manifest: file does not exist',
     'symptom', 'Loading Failure - Model Loading Error - Validation Failed'),
    ('Not the OOM killer',
     'I suspected the OOM killer, but dmesg says `python[812]: segfault at 0 ip 00007f3a in libcuda.so`.',
     'symptom', 'Crash - Other Crashes'),
    ('Trainer with peft: RuntimeError: element 0 of tensors does not require grad',
     'Happens at the first backward.',
     'symptom', 'Crash'),
    ('download.sh fails',
     '```\nHTTP request sent, awaiting response... 403 Forbidden\nERROR 403: Forbidden.\n```',
     'symptom', 'Loading Failure - Model Loading Error - Validation Failed'),
    ("merge script fails: KeyError: 'lm_head.weight'",
     'when merging the adapter',
     'symptom', 'Crash - Value-related Error'),
    ('文生图全是噪点',
     '按示例跑，生成的图片全是噪点。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Meaningless Generation'),
    ('函数调用',
     '传了 tools，模型从来不返回 tool_calls，直接用文字回答。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions'),
    ('Replies too brief',
     'Responses via the API are much shorter than in the web demo, usually two sentences.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly'),
    ("gguf conversion: NotImplementedError: Architecture 'FooForCausalLM' not supported!",
     '',
     'symptom', 'Loading Failure - Model Loading Error - Validation Failed'),
    ('chat template error',
     '```\njinja2.exceptions.TemplateError: Conversation roles must alternate user/assistant/user/assistant/...\n```',
     'symptom', 'Crash - Value-related Error - InvalidValue'),
    ('Model only completes text after I continue pretraining',
     'It never answers questions now.',
     'stage', 'Fine-tuning'),
    ('训练不稳定',
     '前 500 步正常，之后 loss 突然变成 nan 了。',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly'),
    ('GPTQ 模型推理',
     '加载时提示 CUDA extension not installed，然后推理速度特别慢。',
     'symptom', 'Poor Performance - Slow Inference Speed'),
    ('lora 训练了个寂寞',
     '训练完加载 adapter，回答和原模型一模一样。',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly'),
    ('Is this normal?',
     'Loading the 70B checkpoint takes 25 min on local NVMe.',
     'symptom', 'Poor Performance - Slow Loading Speed'),
    ('写长文的问题',
     '写到后面就开始说车轱辘话。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Repetitive Generation'),
    ('torchrun failure',
     '```\nsrc/train.py FAILED\nRoot Cause (first observed failure):\n  exitcode  : -11 (pid: 42)\n```',
     'stage', 'Fine-tuning'),
    ('微调后效果',
     'eval loss 很低，但是泛化很差，回答都是训练集里的原话。',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly'),
    ('8 卡推理',
     'tp=8，每秒 5 个 token 左右，感觉太慢了。',
     'symptom', 'Poor Performance - Slow Inference Speed'),
    ('Kaggle T4',
     '```\nRuntimeError: Your GPU does not support bfloat16\n```',
     'symptom', 'Crash - Value-related Error - OperationRestriction'),
    ('Slow tokenizer warning, then an error',
     "```\nOSError: Can't load tokenizer for '/models/x'.\n```",
     'symptom', 'Loading Failure - Tokenizer Loading Error'),
    ('Requests never finish',
     'The server shows the request as running, but no tokens are produced and the client times out.',
     'symptom', 'Hang - Generation Process Stuck'),
    ('没报错，就是很慢',
     '32b awq，每秒 3 个 token。',
     'symptom', 'Poor Performance - Slow Inference Speed'),
    ('Quickstart on a 3090',
     'The model generates one token every 2 seconds.',
     'symptom', 'Poor Performance - Slow Inference Speed'),
    ('Multi-node training',
     "Both nodes print 'Using deepspeed' and nothing afterwards for an hour.",
     'symptom', 'Hang - Fine-tuning Process Stuck'),
    ('fp16 training',
     'DeepSpeed prints `Attempted loss scale: 1, reducing to 1` at every step.',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Gradient Explosion'),
    ('RL loop error',
     '```\nRuntimeError: Inference tensors cannot be saved for backward. To work around you can make a clone.\n```',
     'symptom', 'Crash - Value-related Error - OperationRestriction'),
    ('Qwen-7B tokenizer',
     'Loading the tokenizer fails: tiktoken is not installed, although pip says it is.',
     'symptom', 'Loading Failure - Tokenizer Loading Error'),
    ('Answers are cut at 256 tokens',
     'With the default generation config.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Incomplete Response'),
    ('QwQ never answers',
     'It thinks forever and never closes the thinking section.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Reasoning Mode Anomaly'),
    ('SGLang vs HF',
     'With greedy decoding the answers differ between the two backends.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Output Consistency Anomaly'),
    ('Fine-tuning 14B with my setup is slower than with DeepSpeed alone',
     'same data, 2x per step',
     'symptom', 'Poor Performance - Slow Fine-tuning Speed'),
    ('语音合成',
     '生成的音频里全是杂音。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Meaningless Generation'),
    ('sft 之后',
     '模型说话颠三倒四，句子不通顺。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Meaningless Generation'),
    ('两张卡的时候报 Expected all tensors to be on the same device',
     '一张卡正常。',
     'symptom', 'Crash - Value-related Error - OperationRestriction'),
    ('CPU 推理',
     '加载 72B 模型到内存要 40 分钟。',
     'symptom', 'Poor Performance - Slow Loading Speed'),
    ('Qwen2.5-14B and my prompts',
     'It often ignores the constraints I give, e.g. asked for 3 items and got 7.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions'),
    ('Streaming',
     'With stream=True the text sometimes ends mid-word.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Incomplete Response'),
    ('Colab',
     'The 8B model takes forever to load in 4-bit.',
     'symptom', 'Poor Performance - Slow Loading Speed'),
    ('llama.cpp with a new gguf',
     "```\nllama_model_load: error loading model: error loading model vocabulary: unknown pre-tokenizer type: 'foo'\n```",
     'symptom', 'Loading Failure - Tokenizer Loading Error'),
    ('Image prompts',
     "The server stays at 'Processing' forever when I attach an image.",
     'symptom', 'Hang - Generation Process Stuck'),
    ('After upgrading',
     'Our P99 latency doubled with the same config.',
     'symptom', 'Poor Performance - Slow Inference Speed'),
    ('Tool use',
     "The model makes up function names that aren't in the tools list.",
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions'),
    ('English prompts',
     'Answers have Chinese words in the middle of English sentences.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly'),
    ('Short answers',
     'Whatever I ask, it stops after the first sentence.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Incomplete Response'),
    ('Reply problem',
     'The same answer is given twice in one response.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Repetitive Generation'),
    ('Eval runs',
     'Results are not reproducible with do_sample=False and a fixed seed.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Output Consistency Anomaly'),
    ('int4 版本变笨了',
     '简单的算术题都做错。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Model Capability Degradation'),
    ('Scheduler',
     'Warmup is not applied; the learning rate jumps straight to the peak.',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Learning Rate Anomaly'),
    ('Multi-GPU SFT',
     "The first step finishes and then training doesn't progress, no errors.",
     'symptom', 'Hang - Fine-tuning Process Stuck'),
    ('API server',
     'After a few hours it accepts connections but never replies.',
     'symptom', 'Hang - Generation Process Stuck'),
    ('Training',
     'Each epoch takes longer than the one before, nothing else is running.',
     'symptom', 'Poor Performance - Slow Fine-tuning Speed'),
    ('Local model',
     "The model won't load, it says the rope_scaling in the config is invalid.",
     'symptom', 'Loading Failure'),
    ('Local folder',
     "The tokenizer won't load although tokenizer.json is there.",
     'symptom', 'Loading Failure - Tokenizer Loading Error'),
    ('LoRA forward',
     "The lora weights are fp32, the base bf16, and the forward pass fails because the dtypes don't match.",
     'symptom', 'Crash - Value-related Error - Runtime DType Mismatch'),
    ('Multi-node serving',
     'One worker node goes away and the whole server stops.',
     'symptom', 'Crash - Cluster Component Crash'),
    ('并发就挂',
     '两个请求同时来的时候进程直接退出，报的是 CUDA 非法内存访问。',
     'symptom', 'Crash - CUDA Error - Device Error'),
    ('工具调用',
     '模型会编造工具，调用的函数名根本不在列表里。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions'),
    ('回复太短',
     '不管问什么，一句话就结束了。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Incomplete Response'),
    ('回答问题',
     '一次回复里把答案说了两遍。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Repetitive Generation'),
    ('输出开头',
     '回答开头把 im_start 和 system 提示原样输出出来了。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Special Token Anomaly'),
    ('开了 packing',
     '几十步以后 loss 就是 0。',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly'),
    ('学习率',
     'warmup 没生效，第一步就是最大学习率。',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Learning Rate Anomaly'),
    ('接口',
     '跑了几个小时以后就不响应了，重启才好。',
     'symptom', 'Hang - Generation Process Stuck'),
    ('训练速度',
     '每个 epoch 越来越慢，第三个要 4 个多小时。',
     'symptom', 'Poor Performance - Slow Fine-tuning Speed'),
    ('本地模型',
     '加载的时候说 config.json 里的 rope_scaling 不合法。',
     'symptom', 'Loading Failure'),
    ('模型类',
     '无法从 transformers 导入 Qwen3ForCausalLM。',
     'symptom', 'Loading Failure - Model Loading Error'),
    ('top_p=0',
     'generate 在采样代码里断言失败。',
     'symptom', 'Crash - Assertion Failure'),
    ('多机部署',
     '一台 worker 节点掉线后整个服务就停了。',
     'symptom', 'Crash - Cluster Component Crash'),
    ('tp=4 启动',
     '各进程等了十分钟，然后报 NCCL 超时。',
     'symptom', 'Crash - CUDA Error - Communication Error'),
    ('输出不对',
     '模型只会输出 "\\n\\n\\n\\n\\n"。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Meaningless Generation'),
    ('32b 训练',
     'loss 一开始 1.8，后面直接飙到 12。',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly'),
    ('gpu 利用率低',
     '推理时利用率 30% 左右，速度也不快。',
     'symptom', 'Poor Performance - Slow Inference Speed'),
    ('Ollama',
     'Every request reloads the model and that takes 30 s.',
     'symptom', 'Poor Performance - Slow Loading Speed'),
    ("vLLM: KeyError: 'model.layers.3.mlp.gate.weight' when loading",
     '',
     'symptom', 'Loading Failure - Model Loading Error - Validation Failed'),
    ('Script',
     'Asked in simplified Chinese, it answers in traditional characters.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions'),
    ('Notebook',
     "Loading the 14B model: 'The kernel appears to have died. It will restart automatically.'",
     'symptom', 'Crash - Process Killed'),
    ('TGI shard error',
     '```\nRuntimeError: weight model.layers.0.mlp.up_proj.qweight does not exist\n```',
     'symptom', 'Loading Failure - Model Loading Error - Validation Failed'),
    ('startup',
     '```\nValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization`.\n```',
     'symptom', 'Crash - CUDA Error - Out of Memory'),
    ('windows',
     '```\nOSError: [WinError 126] The specified module could not be found. Error loading "C:\\\\torch\\\\lib\\\\fbgemm.dll"\n```',
     'symptom', 'Loading Failure - Model Loading Error - Import Error'),
    ('bitsandbytes error',
     '```\nRuntimeError: CUDA Setup failed despite GPU being available.\n```',
     'symptom', 'Loading Failure - Model Loading Error - Import Error'),
    ('download',
     "```\nrequests.exceptions.ReadTimeout: HTTPSConnectionPool(host='huggingface.co', port=443): Read timed out.\n```",
     'symptom', 'Loading Failure - Model Loading Error - Validation Failed'),
    ('launcher',
     "```\nsubprocess.CalledProcessError: Command '['python', 'train_lora.py']' died with <Signals.SIGSEGV: 11>.\n```",
     'stage', 'Fine-tuning'),
    ('peft',
     "```\nValueError: Target modules {'c_attn'} not found in the base model.\n```",
     'stage', 'Fine-tuning'),
    ('torchrun in docker',
     '```\ntorch.distributed.elastic.multiprocessing.api:failed (exitcode: -7) local_rank: 0 (pid: 31)\n```',
     'symptom', 'Crash - Other Crashes'),
    ('q4 gguf',
     'The perplexity of the q4 file is much higher than f16 on wikitext.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Model Capability Degradation'),
    ("stop=['\\n']",
     'I only get the first line, and that line itself is cut.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Incomplete Response'),
    ('tokenizer_config.json 里 chat_template 读取失败',
     '加载 tokenizer 时报 json.decoder.JSONDecodeError，文件被截断了。',
     'symptom', 'Loading Failure - Tokenizer Loading Error'),
    ('assertion failed in the attention kernel',
     '```\nRuntimeError: cu_seqlens_q must have shape (batch_size + 1)\n```',
     'symptom', 'Crash - Value-related Error - ShapeError'),
    ('普通对话',
     '回答里也会冒出 <tool_call> 标签。',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Special Token Anomaly'),
    ('Harmless questions',
     'Simple coding questions are refused: it says I cannot help with that.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Not Following Instructions'),
    ('Batching',
     'Greedy decoding gives different answers in batch mode than one by one.',
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Output Consistency Anomaly'),
    ('训练启动',
     '打印完 Running training 以后就没动静了，一直不开始。',
     'symptom', 'Hang - Fine-tuning Process Stuck'),
    ('llama.cpp on a laptop',
     'ggml_cuda_init: failed to initialize CUDA: unknown error',
     'symptom', 'Crash - CUDA Error - Other CUDA Errors'),
    ('full sft: RuntimeError: expected scalar type BFloat16 but found Float',
     '',
     'symptom', 'Crash - Value-related Error - Runtime DType Mismatch'),
    ("vLLM: ValueError: Model architectures ['FooForCausalLM'] failed to be inspected",
     '',
     'symptom', 'Loading Failure - Model Loading Error - Validation Failed'),
    ('Decoding',
     "The decoded text is 'ĠĠĠĠĠĠĠĠ' for every prompt.",
     'symptom', 'Incorrect Functionality - Generation Quality Anomaly - Meaningless Generation'),
    ('grpo 训练',
     'reward 一直不涨，kl 越来越大。',
     'symptom', 'Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly'),
    ('Multiple adapters',
     'After switching adapters a few times, requests never complete.',
     'symptom', 'Hang - Generation Process Stuck'),
    ('8 卡部署',
     'tp=8 的吞吐上不去，和 4 卡差不多。',
     'symptom', 'Poor Performance - Slow Inference Speed'),
    ('zero2 多卡',
     '训练速度只有单卡的 1.2 倍。',
     'symptom', 'Poor Performance - Slow Fine-tuning Speed'),
]


@pytest.mark.parametrize("title, body, dimension, expected", WORDING, ids=[w[0] for w in WORDING])
def test_common_wordings_of_a_symptom_stage_or_cause_are_read(title, body, dimension, expected):
    path = _path(dimension, title, body)
    assert path is not None and (path == expected or path.startswith(expected + " - ")), path


NOT_THE_SYMPTOM = [  # (title, body, a symptom the rules once gave these reports wrongly): a negated symptom word
    ("不是卡住了，是很慢", "看起来像卡住了，其实过十几分钟会出结果。", "Hang"),
    ("It isn't stuck, just slow", "It looks frozen but the answer arrives after ten minutes on CPU.", "Hang"),
    ("分词器读不出来", "tokenizer_config.json 下载的时候被截断了，加载 tokenizer 时报 JSONDecodeError。", "Incorrect Functionality"),
]


@pytest.mark.parametrize("title, body, wrong", NOT_THE_SYMPTOM, ids=[n[0] for n in NOT_THE_SYMPTOM])
def test_a_negated_symptom_word_does_not_decide_the_symptom(title, body, wrong):
    path = _path("symptom", title, body)
    assert path is None or not path.startswith(wrong), path


NOT_THE_CAUSE = [  # (title, body, a root cause the rules once gave these reports wrongly)
    ("json.decoder.JSONDecodeError on tool calls",
     "```\njson.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n```",
     "Tokenizer and Text Processing Issues - Tokenization Error"),
    ("OverflowError in batch_decode",
     "```\nOverflowError: out of range integral type conversion attempted\n```\nwhen decoding ids padded with -100.",
     "Data and Computation Issues - Numerical Computation and Precision Issues"),
    ("ollama 加载模型失败", "ollama run qwen2.5:7b 加载失败，显卡 RTX 3060 12G。",
     "Hardware and Resource Limitations - GPU Memory Insufficiency"),
]


@pytest.mark.parametrize("title, body, wrong", NOT_THE_CAUSE, ids=[n[0] for n in NOT_THE_CAUSE])
def test_cause_rules_do_not_fire_on_look_alikes(title, body, wrong):
    assert _cause(title, body) != wrong
