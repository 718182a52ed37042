"""Synthetic issues written for the backfill tests and benchmarks: templates x versions, deterministic by index."""

from __future__ import annotations

TORCH = ["2.0.1", "2.1.2", "2.2.0", "2.3.1", "2.4.0"]
CUDA = ["11.8", "12.1", "12.4"]
TRANSFORMERS = ["4.36.2", "4.40.1", "4.44.0", "4.46.3"]
VLLM = ["0.4.2", "0.5.4", "0.6.3"]
GPUS = ["NVIDIA A100-SXM4-80GB", "NVIDIA GeForce RTX 4090", "NVIDIA H100 80GB HBM3", "Tesla V100-SXM2-32GB"]
MODELS = ["Qwen2.5-7B-Instruct", "Llama-3.1-8B-Instruct", "DeepSeek-V2-Lite", "Qwen2-72B"]

TEMPLATES = [
    ("CUDA out of memory when serving {model} with vllm",
     "Serving {model} on one {gpu} fails at start-up.\n\n```\nTraceback (most recent call last):\n"
     "  File \"/usr/lib/python3/site-packages/vllm/worker/worker.py\", line 211, in determine_num_available_blocks\n"
     "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate {mib}.00 MiB. GPU 0 has a total capacity of "
     "79.15 GiB of which 20.31 MiB is free.\n```\n\nvllm {vllm}, torch {torch}, CUDA {cuda}"),
    ("ImportError with transformers {transformers} loading {model}",
     "```python\nfrom transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained('{model}')\n"
     "```\n\n```\nTraceback (most recent call last):\n  File \"run.py\", line 2, in <module>\n"
     "ImportError: cannot import name 'Qwen2Tokenizer' from 'transformers'\n```\n\n"
     "transformers version: {transformers}\ntorch {torch}\n"),
    ("Fine-tuning with LoRA hangs at the first step",
     "I am fine-tuning {model} with LoRA on 8 x {gpu} using torchrun. The job hangs forever after the first step, "
     "nothing is printed and GPU utilisation stays at 100%.\n\nNCCL_DEBUG shows `NCCL WARN Timeout` after 30 "
     "minutes.\ntorch {torch}, CUDA {cuda}"),
    ("Model outputs garbled text after quantization",
     "After quantizing {model} to 4-bit, the generations are meaningless repeated tokens like `!!!!!!!!`. "
     "fp16 works fine. transformers {transformers}, torch {torch}."),
    ("RuntimeError: CUDA error: device-side assert triggered",
     "```\nRuntimeError: CUDA error: device-side assert triggered\nCUDA kernel errors might be asynchronously "
     "reported at some other API call.\n```\nHappens during inference with batch size {batch} on {gpu}."),
    ("Support for longer context in the tokenizer",
     "It would be great if the tokenizer supported a 128k context window out of the box. Any plans?"),
    ("Inference is very slow on {gpu}",
     "Generating 512 tokens with {model} takes {secs} seconds, far slower than the numbers in the README. "
     "vllm {vllm}, torch {torch}, CUDA {cuda}."),
    ("Segmentation fault when loading the GGUF file",
     "Loading the model crashes with `Segmentation fault (core dumped)` right after the weights are mapped. "
     "No traceback at all."),
]


def issue(i: int) -> dict:
    """The i-th synthetic issue: {"title", "body"}, a template with versions chosen by i."""
    title, body = TEMPLATES[i % len(TEMPLATES)]
    values = {"model": MODELS[i // 3 % len(MODELS)], "gpu": GPUS[i // 5 % len(GPUS)], "torch": TORCH[i // 7 % 5],
              "cuda": CUDA[i // 11 % 3], "transformers": TRANSFORMERS[i // 13 % 4], "vllm": VLLM[i // 17 % 3],
              "mib": 256 + i % 512, "batch": 1 + i % 64, "secs": 10 + i % 90}
    return {"title": title.format(**values), "body": body.format(**values) + f"\n\n(report {i})"}
