"""Synthetic labelled issues for the classifier tests (our own text; no dev-set issues)."""

import pytest


OOM = {"symptom": "Crash - CUDA Error - Out of Memory",
       "root_cause": "Hardware and Resource Limitations - GPU Memory Insufficiency", "stage": "Inference"}
REPEAT = {"symptom": "Incorrect Functionality - Generation Quality Anomaly - Repetitive Generation",
          "root_cause": "Configuration and Parameter Setting Errors - Inference Configuration Error", "stage": "Inference"}
ARCH = {"symptom": "Loading Failure - Model Loading Error - Validation Failed",
        "root_cause": "Environment Compatibility Issues - Dependency Library Compatibility", "stage": "Inference"}
LORA = {"symptom": "Hang - Fine-tuning Process Stuck",
        "root_cause": "Distributed and Parallel Computing Issues - Multi-process Synchronization", "stage": "Fine-tuning"}

_TEMPLATES = [
    (OOM, "CUDA out of memory when running the {m} model on my {g}",
     "Loading {m} on a {g} fails.\n```\ntorch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n```"),
    (REPEAT, "{m} keeps repeating the same sentence",
     "The output of {m} repeats itself forever, the same words again and again. 模型一直重复输出同样的内容。"),
    (ARCH, "KeyError when loading {m} with transformers",
     "```\nKeyError: 'qwen2'\n```\nThe checkpoint architecture is not recognised by transformers when I load {m}."),
    (LORA, "LoRA fine-tuning of {m} hangs with deepspeed on {g}",
     "微调训练卡住不动。The LoRA finetune with deepspeed on 8 x {g} gets stuck at step 0 and never proceeds."),
]
_MODELS = ["Qwen2-7B", "Llama-3-8B", "DeepSeek-V2-Lite", "Yi-34B", "Mistral-7B"]
_GPUS = ["A100", "RTX 4090", "V100", "H100"]


def synthetic_rows(n_per_class: int = 6) -> list[dict]:
    """A small, well-separated training set: four failure kinds, varied models and GPUs."""
    rows = []
    for i in range(n_per_class):
        for labels, title, body in _TEMPLATES:
            m, g = _MODELS[i % len(_MODELS)], _GPUS[i % len(_GPUS)]
            body_i = body.format(m=m, g=g) + f"\nSeen on run {i}."
            rows.append({"title": title.format(m=m, g=g), "body": body_i, "labels": [labels]})
    return rows


@pytest.fixture(scope="session")
def rows() -> list[dict]:
    return synthetic_rows()


@pytest.fixture(scope="session")
def model(rows):
    from bot.ml.train import train

    return train(rows, created_by="pytest")
