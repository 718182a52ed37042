"""Tests for known-fix matching: conditions, specificity order, the cap, and broken fix files."""

from pathlib import Path

import pytest

from bot.core.fixes import MAX_SHOWN, load_fixes, match_fixes
from bot.core.rulefile import RulesError, rules_dir
from tests.core.make_facts import make_facts, pred

FIXES = load_fixes(rules_dir() / "fixes.yml")


def _ids(prose="", symptom=None, cause=None, **kw):
    facts = make_facts(prose, **kw)
    return [f.id for f in match_fixes(facts, pred(symptom) if symptom else None, pred(cause) if cause else None, FIXES)]


@pytest.mark.parametrize("prose, kw, expected", [
    ("OOM", {"errors": [("torch.OutOfMemoryError", "CUDA out of memory. Tried to allocate 2.00 GiB")]}, "oom-torch"),
    ("vllm serve OOM", {"errors": [("ValueError", "No available memory for the cache blocks")]}, "oom-vllm"),
    ("lora finetune OOM", {"errors": [("RuntimeError", "CUDA out of memory.")]}, "oom-finetune"),
    ("load", {"errors": [("KeyError", "'qwen2'")]}, "transformers-unknown-architecture"),
    ("KeyError: 'qwen2' when loading", {}, "transformers-unknown-architecture"),
    ("import", {"errors": [("ImportError", "flash_attn_2_cuda.cpython-310.so: undefined symbol: _ZN3c10")]},
     "flash-attn-undefined-symbol"),
    ("cpu", {"errors": [("RuntimeError", "\"addmm_impl_cpu_\" not implemented for 'Half'")]}, "half-on-cpu"),
    ("mac", {"errors": [("TypeError", "BFloat16 is not supported on MPS")]}, "bf16-mps"),
    ("ddp", {"errors": [("RuntimeError", "Distributed package doesn't have NCCL built in")]}, "nccl-not-built"),
    ("run", {"errors": [("AssertionError", "Loading a checkpoint for MP=2 but world size is 1")]},
     "llama-mp-world-size"),
    ("load", {"errors": [("SafetensorError", "Error while deserializing header: HeaderTooLarge")]},
     "safetensors-header"),
    ("gen", {"errors": [("RuntimeError", "probability tensor contains either `inf`, `nan` or element < 0")]},
     "nan-probabilities"),
    ("run", {"errors": [("RuntimeError", "CUDA error: device-side assert triggered")]}, "device-side-assert"),
    ("train hangs", {"errors": [("RuntimeError", "[Rank 0] Watchdog caught collective operation timeout")]},
     "nccl-timeout"),
    ("load", {"errors": [("ValueError", "Loading this model requires you to execute the configuration file in that"
                                        " repo on your local machine. Make sure you have read the code there")]},
     "trust-remote-code"),
    ("cuda", {"errors": [("AssertionError", "Torch not compiled with CUDA enabled")]}, "cpu-only-torch"),
    ("t4", {"errors": [("RuntimeError", "FlashAttention only supports Ampere GPUs or newer.")]}, "flash-attn-ampere"),
    ("vllm on T4", {"errors": [("ValueError", "Bfloat16 is only supported on GPUs with compute capability of at least"
                                              " 8.0. Your Tesla T4 GPU has compute capability 7.5.")]}, "bf16-old-gpu"),
    ("gptq", {"errors": [("ValueError", "Found modules on cpu/disk. Using Exllama backend requires all the modules to"
                                        " be on GPU.")]}, "gptq-exllama-cpu"),
    ("peft", {"errors": [("ValueError", "Target modules {'q_proj'} not found in the base model.")]},
     "peft-target-modules"),
    ("mp", {"errors": [("RuntimeError", "Cannot re-initialize CUDA in forked subprocess. To use CUDA with "
                                        "multiprocessing, you must use the 'spawn' start method")]}, "cuda-fork"),
    ("pad", {"errors": [("ValueError", "Asking to pad but the tokenizer does not have a padding token.")]},
     "pad-token"),
    ("load", {"errors": [("ValueError", "Tokenizer class QWenTokenizer does not exist or is not currently imported.")]},
     "trust-remote-code"),
    ("local path", {"errors": [("HFValidationError", "Repo id must be in the form 'repo_name' or "
                                                     "'namespace/repo_name': '/data/models/x/'.")]},
     "missing-model-files"),
    ("python example_chat_completion.py", {"errors": [("AssertionError", "(6, 4)")]}, "llama-max-batch-size"),
])
def test_error_driven_fixes(prose, kw, expected):
    assert _ids(prose, **kw)[0] == expected


@pytest.mark.parametrize("prose, symptom, expected", [
    ("the model keeps repeating the same sentence", "Incorrect Functionality - Generation Quality Anomaly - "
     "Repetitive Generation", "repetition-sampling"),
    ("output never stops, <|im_end|> shows up", "Incorrect Functionality - Generation Quality Anomaly - "
     "Special Token Anomaly", "chat-template-stop"),
    ("answers are cut off", "Incorrect Functionality - Generation Quality Anomaly - Incomplete Response",
     "max-new-tokens"),
    ("微调后 loss 一直为 0", "Incorrect Functionality - Fine-tuning Anomaly - Fine-tuning Convergence Anomaly",
     "loss-nan-fp16"),
    ("GPTQ 模型回复全是感叹号!!!!!!", "Incorrect Functionality - Generation Quality Anomaly - Meaningless Generation",
     "nan-probabilities"),
    ("the gguf model from ollama answers gibberish", "Incorrect Functionality - Generation Quality Anomaly - "
     "Meaningless Generation", "llama-cpp-unknown-arch"),
    ("two gpus with device_map auto are slower than one", "Poor Performance - Slow Inference Speed",
     "device-map-is-sequential"),
])
def test_symptom_driven_fixes(prose, symptom, expected):
    assert expected in _ids(prose, symptom)


def test_env_condition_on_derived_gpu_cc():
    ids = _ids("flash_attention_2 fails", "Crash - Value-related Error", env={"gpu": "Tesla V100-PCIE-16GB"})
    assert "flash-attn-ampere" in ids
    assert "flash-attn-ampere" not in _ids("flash_attention_2 fails", "Crash - Value-related Error",
                                           env={"gpu": "NVIDIA A100-SXM4-80GB"})


def test_more_specific_first_and_capped():
    ids = _ids("vllm lora finetune OOM", "Crash - CUDA Error - Out of Memory",
               errors=[("torch.OutOfMemoryError", "CUDA out of memory.")], env={"vllm": "0.6.3"})
    assert len(ids) == MAX_SHOWN
    assert ids[0] == "oom-vllm"  # error + text beats a bare symptom match


def test_package_condition():
    kw = {"errors": [("torch.OutOfMemoryError", "CUDA out of memory.")]}
    assert "oom-transformers-inference" in _ids("oom", package="transformers", **kw)
    assert "oom-transformers-inference" not in _ids("oom", package="numpy", **kw)


def test_not_text_excludes():
    err = [("ImportError", "vllm/_C.abi3.so: undefined symbol: _ZN3c10")]
    assert "vllm-binary-mismatch" in _ids("vllm import", errors=err)
    assert "vllm-binary-mismatch" not in _ids("vllm import with flash_attn", errors=err)


def test_nothing_matches_plain_question():
    assert _ids("How do I cite the paper?") == []
    assert _ids("model = AutoModel.from_pretrained(path, trust_remote_code=True, gpu_memory_utilization=0.9)") == []
    assert match_fixes(make_facts("CUDA out of memory"), None, None, []) == []


def test_fixref_carries_chinese_title_outside_json():
    (ref, *_) = match_fixes(make_facts("KeyError: 'qwen2'"), None, None, FIXES)
    assert ref.title_zh and "title_zh" not in ref.model_dump()


@pytest.mark.parametrize("body, reason", [
    ("fixes:\n  - id: a\n    title: t\n    url: https://x\n    match: {eror: x}\n", "rule a: match.0.eror"),
    ("fixes:\n  - id: b\n    title: t\n    url: https://x\n    match: {error: '(?=x)'}\n", "rule b: "),
    ("fixes:\n  - id: c\n    title: t\n    url: http://x\n    match: {error: x}\n", "rule c: url"),
    ("fixes:\n  - id: d\n    title: t\n    url: https://x\n    match: {}\n", "rule d: "),
    ("fixes:\n  - id: e\n    title: t\n    url: https://x\n    match: {env: [{key: gpu_cc, op: '<'}]}\n", "rule e: "),
    ("fixes: [\n", "invalid YAML"),
])
def test_broken_fix_file_names_file_and_rule(tmp_path: Path, body, reason):
    path = tmp_path / "fixes.yml"
    path.write_text(body)
    with pytest.raises(RulesError) as exc:
        load_fixes(path)
    assert str(exc.value).startswith("rules/fixes.yml") and reason in str(exc.value)


def test_leaf_symptom_outranks_parent_plus_keyword():
    ids = _ids("the answer stops early and never stops repeating eos",
               "Incorrect Functionality - Generation Quality Anomaly - Incomplete Response")
    assert ids[0] == "max-new-tokens" and "chat-template-stop" in ids


def test_filtered_list_matches_like_the_full_one():
    facts = make_facts("OOM", errors=[("torch.OutOfMemoryError", "CUDA out of memory.")])
    full = [f.id for f in match_fixes(facts, None, None, FIXES)]
    assert full and [f.id for f in match_fixes(facts, None, None, FIXES[::-1])] == full
    assert [f.id for f in match_fixes(facts, None, None, [x for x in FIXES if x.id != full[0]])] == full[1:]


def test_candidates_for_a_path_keep_every_alternative_that_can_score():
    from bot.core.conditions import view_of

    index = FIXES[0]._index
    facts = make_facts("CUDA out of memory while serving")
    view = view_of(facts)
    for sym, cause in [("Crash - CUDA Error - Out of Memory", ""), ("Incorrect Functionality", "Tokenizer"), ("", "")]:
        every, narrowed = index.candidates(view), index.candidates(view, sym, cause)
        assert {id(m) for _, m in narrowed} <= {id(m) for _, m in every}
        assert all(m.score({}, view, facts, sym, cause) == 0 for f, m in every if (f, m) not in narrowed)
