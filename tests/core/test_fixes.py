"""Tests for known-fix matching: conditions, specificity order, the cap, and broken fix files."""

from pathlib import Path

import pytest

from bot.core.rulefile import RulesError
from bot.core.rules.fixes import MAX_SHOWN, FixIndex, already_done
from bot.core.rules.scan import Scan
from tests.core.make_facts import make_facts
from tests.core.rules_dir import RULESET, broken_rules

FIXES = RULESET.fixes


def match_fixes(facts, symptom=None, cause=None, fixes=FIXES, stage=None):
    scan = Scan(facts, RULESET)
    scan.chosen = {"symptom": symptom or "", "root_cause": cause or "", "stage": stage or ""}
    return FixIndex(fixes).match(scan)


def _ids(prose="", symptom=None, cause=None, stage=None, **kw):
    return [f.id for f in match_fixes(make_facts(prose, **kw), symptom, cause, stage=stage)]


@pytest.mark.parametrize("prose, kw, expected", [
    ("OOM", {"errors": [("torch.OutOfMemoryError", "CUDA out of memory. Tried to allocate 2.00 GiB")]}, "oom-torch"),
    ("vllm serve OOM", {"errors": [("ValueError", "No available memory for the cache blocks")]}, "oom-vllm"),
    ("lora finetune OOM", {"errors": [("RuntimeError", "CUDA out of memory.")], "stage": "Fine-tuning"},
     "oom-finetune"),
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
    kw = dict(kw)
    assert _ids(prose, stage=kw.pop("stage", None), **kw)[0] == expected


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
    ids = _ids("vllm lora finetune OOM", "Crash - CUDA Error - Out of Memory", stage="Fine-tuning",
               errors=[("torch.OutOfMemoryError", "CUDA out of memory.")], env={"vllm": "0.6.3"})
    assert len(ids) == MAX_SHOWN
    assert set(ids[:2]) == {"oom-vllm", "oom-finetune"}  # error + text beats a bare symptom match


def test_fine_tuning_advice_only_where_the_stage_is_fine_tuning():
    kw = {"errors": [("torch.OutOfMemoryError", "CUDA out of memory.")]}
    assert "oom-finetune" not in _ids("the model was trained with lora; inference runs out of memory", stage="Inference",
                                      **kw)


def test_a_diagnosis_ranks_before_generic_advice_that_matched_more_strongly():
    facts = make_facts("Qwen2.5-VL-7B-Instruct with six large images in one message runs out of memory",
                       errors=[("torch.OutOfMemoryError", "CUDA out of memory. Tried to allocate 9.87 GiB")])
    fixes = match_fixes(facts, "Crash - CUDA Error - Out of Memory")
    assert fixes[0].id == "qwen-vl-max-pixels" and not fixes[0].generic
    assert fixes[1].generic


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
    assert match_fixes(make_facts("CUDA out of memory"), fixes=[]) == []


def test_fixref_carries_chinese_title_outside_json():
    (ref, *_) = match_fixes(make_facts("KeyError: 'qwen2'"))
    assert ref.title_zh and "title_zh" not in ref.model_dump()


_FIX = "kind: fix\nrules:\n  - id: {id}\n    title: t\n    url: {url}\n    cause: {cause}\n    source: url\n    when: {when}\n    examples: {{fires: [x]}}\n"


@pytest.mark.parametrize("fields, reason", [
    ({"when": "{eror: x}"}, "rule a: unknown key 'when.eror'"),
    ({"when": "{match: '(?=x)', in: prose}"}, "rule a: bad regex"),
    ({"url": "http://docs.vllm.ai/x"}, "rule a: url must start with https"),
    ({"url": "https://example.com/x"}, "rule a: url: host example.com is not in rules/hosts.yml"),
    ({"when": "{}"}, "rule a: "),
    ({"when": "{env: {gpu_cc: '<'}}"}, "rule a: env gpu_cc"),
    ({"when": "{env: {gpu_ccc: '<8.0'}}"}, "rule a: unknown env key 'gpu_ccc'"),
    ({"when": "{symptom: [Crash - Typo]}"}, "rule a: unknown symptom node"),
    ({"cause": "Nope"}, "rule a: cause: unknown root_cause node"),
    ({"when": "{match: x}"}, "rule a: "),
    ({"when": "{match: '{{nope}}', in: prose}"}, "rule a: unknown pattern fragment"),
])
def test_broken_fix_file_names_file_and_rule(tmp_path: Path, fields, reason):
    values = {"id": "a", "url": "https://docs.vllm.ai/x", "cause": "Hardware and Resource Limitations",
              "when": "{match: x, in: prose}", **fields}
    with pytest.raises(RulesError) as exc:
        broken_rules(tmp_path, "fixes/zz.yml", _FIX.format(**values))
    assert str(exc.value).startswith("rules/zz.yml") and reason in str(exc.value), str(exc.value)


def test_a_fix_without_examples_and_invalid_yaml_are_rejected(tmp_path: Path):
    text = _FIX.format(id="a", url="https://docs.vllm.ai/x", cause="Hardware and Resource Limitations",
                       when="{match: x, in: prose}")
    with pytest.raises(RulesError, match="rule a: examples"):
        broken_rules(tmp_path, "fixes/zz.yml", text.replace("    examples: {fires: [x]}\n", ""))
    with pytest.raises(RulesError, match="rule oom-vllm: duplicate rule id"):
        broken_rules(tmp_path, "fixes/zz.yml", text.replace("id: a", "id: oom-vllm"))
    with pytest.raises(RulesError, match="invalid YAML"):
        broken_rules(tmp_path, "fixes/zz.yml", "rules: [\n")


def test_leaf_symptom_outranks_parent_plus_keyword():
    ids = _ids("the answer stops early and never stops repeating eos",
               "Incorrect Functionality - Generation Quality Anomaly - Incomplete Response")
    assert ids[0] == "max-new-tokens" and "chat-template-stop" in ids


def test_filtered_list_matches_like_the_full_one():
    facts = make_facts("OOM", errors=[("torch.OutOfMemoryError", "CUDA out of memory.")])
    full = [f.id for f in match_fixes(facts)]
    assert full and [f.id for f in match_fixes(facts, fixes=[x for x in FIXES if x.rule.id != full[0]])] == full[1:]


def test_every_alternative_that_holds_is_scored_with_its_specificity():
    scan = Scan(make_facts("vllm serve OOM", errors=[("ValueError", "No available memory for the cache blocks")]),
                RULESET)
    scored = {(FIXES[i].rule.id, j): score for i, j, score in RULESET.fix_index.scored(scan)}
    assert scored[("oom-vllm", 0)] == 7 and scored[("oom-vllm", 1)] == 6  # error + text; error alone


@pytest.mark.parametrize(("command", "text", "done"), [
    ("vllm serve MODEL --max-model-len 8192", "vllm serve Qwen/Qwen2.5-7B --max-model-len 32768", True),
    ("vllm serve MODEL --dtype float32", "vllm serve Qwen/Qwen2.5-7B --dtype half", False),
    ("vllm serve MODEL --dtype half", "vllm serve Qwen/Qwen2.5-7B --dtype half --tensor-parallel-size 2", True),
    ("NCCL_P2P_DISABLE=1 vllm serve MODEL --enforce-eager", "export NCCL_P2P_DISABLE=1", False),
    ("NCCL_P2P_DISABLE=1 vllm serve MODEL", "NCCL_P2P_DISABLE=1 vllm serve x", True),
    ("pip install -U \"transformers>=4.37.0\"", "pip install transformers", False),  # maybe an older one
    ("pip install -U \"transformers>=4.37.0\"", "I ran `pip install -U transformers`", True),  # the latest is above
    ("pip install \"transformers==4.36.2\"", "pip install -U transformers", False),
    ("pip install transformers-stream-generator tiktoken", "I ran `pip install transformers_stream_generator tiktoken`",
     True),
    ("pip install -U bitsandbytes", "pip install bitsandbytes", False),  # installed, not upgraded
    ("pip install -U bitsandbytes", "pip install --upgrade bitsandbytes", True),
    ("pip install flash-attn --no-build-isolation", "pip install flash-attn", False),
    ("curl -fsSL https://ollama.com/install.sh | sh", "I re-ran `curl -fsSL  https://ollama.com/install.sh | sh`", True),
    ("cd llama.cpp && git pull\npython convert_hf_to_gguf.py DIR --outtype f16",
     "python convert_hf_to_gguf.py ~/m --outtype f16", False),  # a flag of one step says nothing of the pull
    ("cd llama.cpp && git pull\npython convert_hf_to_gguf.py DIR --outtype f16",
     "I ran cd llama.cpp && git pull, then python convert_hf_to_gguf.py ~/m --outtype f16", True),
    ("for example: --dtype=half.", "So I added `--dtype half` as the error says.", True),  # a full stop is no value
    ("for example: --dtype=half.", "Is `--dtype half` safe for Qwen3, or will quality drop?\nThanks", False),  # asked
    ("vllm serve MODEL --enable-lora --max-lora-rank RANK --lora-modules NAME=PATH",
     "vllm serve m --enable-lora --lora-modules med=/a\nThe first error went away with `--max-lora-rank 128`.", True),
    ("CUDA_VISIBLE_DEVICES=0 NCCL_DEBUG=INFO torchrun a.py", "CUDA_VISIBLE_DEVICES=0 torchrun a.py", False),
    ("pip install flash-attn --no-build-isolation --force-reinstall --no-deps",  # --no-deps keeps, it builds nothing
     "pip install flash-attn --no-build-isolation --force-reinstall did not help", True),
    ('$env:CMAKE_ARGS="-DGGML_CUDA=on"; pip install llama-cpp-python --force-reinstall --no-deps --no-cache-dir',
     '$env:CMAKE_ARGS="-DGGML_CUDA=on"; pip install llama-cpp-python --force-reinstall --no-cache-dir', True),
    ('$env:CMAKE_ARGS="-DGGML_CUDA=on"; pip install llama-cpp-python --force-reinstall --no-deps --no-cache-dir',
     "In PowerShell: set CMAKE_ARGS=-DGGML_CUDA=on, then pip install llama-cpp-python --force-reinstall --no-cache-dir",
     False),  # PowerShell's `set` sets no environment variable: the fix is not done
    (None, "anything", False),
])
def test_a_fix_whose_settings_the_issue_already_uses_is_already_done(command, text, done):
    assert already_done(command, text) is done


def test_an_upgrade_that_stopped_below_the_minimum_is_not_done():
    command, text = "pip install -U \"transformers>=4.49.0\"", "I ran `pip install -U transformers`"
    assert already_done(command, text, {"transformers": "4.48.3"}) is False  # pinned below it by the index or Python
    assert already_done(command, text, {"transformers": "4.50.0"}) is True


def test_no_generic_advice_once_the_issue_already_applied_a_matching_fix():
    msg = ("This modeling file requires the following packages that were not found in your environment: "
           "transformers_stream_generator. Run `pip install transformers_stream_generator`")
    facts = make_facts(f"ImportError: {msg}\nI already ran `pip install transformers_stream_generator tiktoken`.",
                       errors=[("ImportError", msg)])
    symptom = "Loading Failure"
    assert "qwen1-stream-generator-missing" in [f.id for f in match_fixes(make_facts(f"ImportError: {msg}"), symptom)]
    ids = [f.id for f in match_fixes(facts, symptom)]
    assert "qwen1-stream-generator-missing" not in ids and "missing-module" not in ids


_FP8 = "DeepSeek-V3 on {} with vLLM:\n```\nValueError: fp8e4nv data type is not supported on CUDA arch < 89\n```"
_GATE = "```\n$ {}ollama run qwen2.5vl:7b\nError: pull model manifest: 412: requires a newer version of Ollama.\n```\nollama 0.6.5"
_CTX = "Ollama {} on Ubuntu. My script sends long documents to /api/generate and the answers forget the start."


@pytest.mark.parametrize("body, fix_id, named, struck", [
    (_FP8.format("8x A100 80GB"), "deepseek-v3-fp8-weights", "fp8_cast_bf16.py", True),  # the program it runs
    (_FP8.format("24x H100 80GB"), "deepseek-v3-fp8-weights", "fp8_cast_bf16.py", False),
    (_CTX.format("0.4.7"), "ollama-context-truncated", "OLLAMA_CONTEXT_LENGTH", True),  # the variable it sets
    (_CTX.format("0.9.2"), "ollama-context-truncated", "OLLAMA_CONTEXT_LENGTH", False),
    (_GATE.format("docker exec -it ollama "), "gate-qwen2_5_vl-ollama", "install.sh", True),  # the script it fetches
    (_GATE.format(""), "gate-qwen2_5_vl-ollama", "install.sh", False),
])
def test_a_struck_option_takes_the_command_that_runs_it(body, fix_id, named, struck):
    from bot.core.triage import triage
    fix = next(f for f in triage("it fails", body, RULESET).fixes if f.id == fix_id)
    assert (named in fix.title) is not struck
    assert bool(fix.command) is not struck


@pytest.mark.parametrize("command, shown", [("vllm serve Qwen/Qwen2.5-7B-Instruct", True),
                                             ("vllm serve Qwen/Qwen2.5-7B-Instruct --dtype half", False)])
def test_a_remedy_the_error_prints_is_not_taken_as_done(command, shown):
    from bot.core.triage import triage
    body = (f"```\n{command}\n```\n```\nValueError: Bfloat16 is only supported on GPUs with compute capability of at "
            "least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly "
            "setting the `dtype` flag in CLI, for example: --dtype=half.\n```")
    ids = [f.id for f in triage("vLLM on a T4", body, RULESET).fixes]
    assert ("vllm-bf16-needs-ampere" in ids) is shown


def test_a_gate_is_shown_although_the_reporter_ran_the_upgrade():
    from bot.core.triage import triage
    body = ("```\nImportError: cannot import name 'Qwen2_5_VLForConditionalGeneration' from 'transformers'\n```\n"
            "I already ran `pip install -U transformers`, same error with Qwen2.5-VL-7B-Instruct.")
    assert "gate-qwen2_5_vl-transformers" in [f.id for f in triage("import fails", body, RULESET).fixes]


def test_a_gate_the_reporter_upgraded_for_yields_to_a_fix_that_says_why_the_upgrade_did_not_take():
    from bot.core.triage import triage
    body = ("In a Jupyter notebook:\n```\nImportError: cannot import name 'Qwen2_5_VLForConditionalGeneration' from "
            "'transformers'\n```\nIn my terminal I already ran `pip install -U transformers` and it says 4.49.0.")
    ids = [f.id for f in triage("import fails in notebook", body, RULESET).fixes]
    assert ids and ids[0] == "notebook-kernel-env" and "gate-qwen2_5_vl-transformers" not in ids


def test_a_prose_upgrade_is_a_pip_upgrade_and_a_tools_printed_solutions_are_not_the_reporters():
    from bot.core.rules.fixes import already_done
    assert already_done("pip install -U transformers", "I upgraded transformers to 4.48.1 as the message says, same error.")
    assert not already_done("pip install -U transformers", "I upgraded torch to 2.5.1.")


def test_a_flag_the_tools_error_requires_is_not_done():
    """llama-server's "tools param requires --jinja flag" names the flag the reporter did not pass: the fix shows."""
    body = ("`./llama-server -m m.gguf -ngl 99`\n\n```\n{\"error\":{\"code\":500,"
            "\"message\":\"tools param requires --jinja flag\"}}\n```")
    assert "llamacpp-server-jinja" in _ids(body)
    assert "llamacpp-server-jinja" not in _ids(body.replace("-ngl 99`", "-ngl 99 --jinja`"))


def test_a_remedy_printed_by_an_error_quoted_twice_is_not_taken_as_done():
    # the title quotes the message's first sentence, the log the whole message with its `NCCL_P2P_DISABLE="1"`
    from bot.core.triage import triage
    title = "NotImplementedError: Using RTX 4000 series doesn't support faster communication broadband via P2P or IB"
    body = ("Two RTX 4080, `torchrun --nproc_per_node 2 fit.py`:\n```\nNotImplementedError: Using RTX 4000 series doesn't "
            "support faster communication broadband via P2P or IB. Please set `NCCL_P2P_DISABLE=\"1\"` and "
            "`NCCL_IB_DISABLE=\"1\" or use `accelerate launch` which will do this automatically.\n```")
    assert "accelerate-rtx40-p2p-env" in [f.id for f in triage(title, body, RULESET).fixes]


def test_a_new_model_request_gets_no_version_gate_for_the_model_it_names_as_closest():
    from bot.core.triage import triage

    body = ("### The model to consider.\n\nhttps://huggingface.co/deepseek-ai/Janus-Pro-1B\n\n### The closest model vllm "
            "already supports.\n\nDeepSeek-VL2 maybe. On vllm 0.6.4 loading it gives `ValueError: Model architectures "
            "['MultiModalityCausalLM'] are not supported for now.`")
    d = triage("[New Model]: Janus-Pro-1B", body, RULESET)
    assert d.kind == "feature" and not [f for f in d.fixes if f.id.startswith("gate-deepseek_vl2")]
    asked = triage("[New Model]: DeepSeek-VL2", body.replace("Janus-Pro-1B", "deepseek-vl2-tiny"), RULESET)
    assert [f for f in asked.fixes if f.id.startswith("gate-deepseek_vl2")]  # the one asked for: the upgrade answers
