"""Tests for missing-info requests: what each kind of issue needs, minus what it states, and the command plan."""

from pathlib import Path

import pytest

from bot.core.missing import MAX_ASKED, load_asks, missing_info
from bot.core.rulefile import RulesError
from bot.core.ruleset import RuleSet
from tests.core.make_facts import make_facts, pred

REQ = RuleSet.load().requirements
CUDA_OOM = "Crash - CUDA Error - Out of Memory"


def _plan(items, runtimes=(), text="x", failing=frozenset()):
    return REQ.plan(items, make_facts(text, runtimes=list(runtimes)), failing)


def _missing(prose="", symptom=None, stage=None, **kw):
    return missing_info(make_facts(prose, **kw), pred(symptom) if symptom else None, pred(stage) if stage else None,
                        REQ)


def test_cuda_crash_asks_for_the_cuda_stack():
    got = _missing("it crashes", "Crash - CUDA Error - Device Error")
    assert got == ["traceback", "torch", "cuda"]  # at most 3, in rule order


def test_never_asks_for_what_is_stated():
    env = {"torch": "2.1.0+cu121", "cuda_driver": "535.54.03", "gpu": "A100", "model": "Qwen/Qwen2-7B"}
    got = _missing("Traceback (most recent call last):\n  File \"x.py\", line 1", CUDA_OOM, env=env)
    assert not set(got) & {"torch", "cuda", "cuda_driver", "gpu", "model", "traceback"}  # +cu121 states cuda


def test_extracted_error_counts_as_traceback():
    assert "traceback" not in _missing("x", "Crash", errors=[("RuntimeError", "boom")])
    assert "traceback" in _missing("it crashes at start", "Crash")
    assert "traceback" not in _missing("the answers are much worse than the benchmarks", "Crash")  # no error to paste


def test_tokenizer_anomaly_needs_tokenizer_stack_and_template():
    got = _missing("weird tokens", "Incorrect Functionality - Generation Quality Anomaly - Special Token Anomaly")
    assert got == ["transformers", "tokenizers", "chat_template"]
    stated = _missing("I call tokenizer.apply_chat_template(messages)",
                      "Incorrect Functionality - Generation Quality Anomaly - Special Token Anomaly")
    assert "chat_template" not in stated


def test_a_hang_asks_only_for_a_stack_dump():
    assert _missing("stuck", "Hang - Generation Process Stuck") == ["stack_dump"]
    assert "launcher" not in _missing("torchrun --nproc_per_node 4 run.py hangs", "Hang - Generation Process Stuck")


def test_the_runtime_adds_its_version_and_its_own_asks():
    gq = "Incorrect Functionality - Generation Quality Anomaly"
    assert _missing("served", gq, runtimes=["vllm"]) == ["model", "request"]  # the version settles crashes only
    assert _missing("served, it fails", "Crash", runtimes=["vllm"])[:1] == ["traceback"]
    assert "vllm" in _missing("served, it fails", "Crash", runtimes=["vllm"])
    assert "vllm" not in _missing("served, it fails", "Crash", env={"vllm": "0.6.3"}, runtimes=["vllm"])
    assert "chat_template" not in _missing("served", gq, runtimes=["vllm"])  # the server applies the template
    assert _missing("it crashes", "Crash", runtimes=["ollama"]) == ["server_log", "ollama"]  # not a traceback
    assert _missing("it answers badly", gq, runtimes=["ollama"]) == ["model", "request"]  # no server log for quality
    assert _missing("slow", "Poor Performance", runtimes=["ollama"]) == ["ollama_ps"]
    assert _missing("from_pretrained gives junk", gq, runtimes=["transformers"]) == [
        "model", "chat_template", "generation_params"]


def test_a_hang_asks_for_a_stack_dump_not_a_traceback():
    got = _missing("it hangs, error", "Hang - Generation Process Stuck")
    assert got[0] == "stack_dump" and "traceback" not in got
    assert "stack_dump" not in _missing("py-spy dump shows Thread 0x7f (most recent call first)", "Hang")


def test_a_training_crash_asks_no_generation_parameters():
    got = _missing("from_pretrained then Trainer crashes", "Incorrect Functionality - Generation Quality Anomaly",
                   "Fine-tuning", runtimes=["transformers"])
    assert "generation_params" not in got


def test_the_fine_tuning_stage_alone_asks_nothing():
    assert _missing("loss", stage="Fine-tuning") == []


def test_unknown_symptom_asks_nothing_and_asks_are_capped():
    assert _missing("help") == []
    many = _missing("vllm deepspeed flash_attn lora bitsandbytes gptq", "Crash - CUDA Error - Communication Error",
                    "Fine-tuning")
    assert len(many) == MAX_ASKED


def test_plan_groups_items_under_few_commands():
    plan = _plan(["torch", "cuda", "cuda_driver", "gpu", "transformers"])
    assert plan[0] == ("python -m torch.utils.collect_env", ["torch", "cuda", "cuda_driver", "gpu"])
    assert [cmd for cmd, _ in plan][1] in ("transformers env", REQ.plan(["transformers"], make_facts("x"))[0][0])
    assert len(plan) == 2


def test_plan_uses_the_reporters_runtime():
    assert _plan(["torch", "vllm", "gpu"], ["vllm"]) == [("vllm collect-env", ["torch", "vllm", "gpu"])]
    assert all(cmd != "vllm collect-env" for cmd, _ in _plan(["torch", "gpu"], ["transformers"]))
    assert _plan(["deepspeed", "torch"], ["deepspeed", "transformers"]) == [("ds_report", ["deepspeed", "torch"])]
    assert _plan(["sglang"], ["sglang"]) == [("python -m sglang.check_env", ["sglang"])]
    assert _plan(["lmdeploy"], ["lmdeploy"]) == [("lmdeploy check_env", ["lmdeploy"])]
    assert _plan(["llamafactory"], ["llamafactory"]) == [("llamafactory-cli env", ["llamafactory"])]
    assert _plan(["llama_cpp"], ["llama_cpp"]) == [("llama-cli --version", ["llama_cpp"])]
    assert _plan(["server_log"], ["ollama"], "on my macbook")[0][0].startswith("tail -n 200 ~/.ollama")
    assert all("collect_env" not in cmd for cmd, _ in _plan(["gpu", "torch"], ["ollama"]))


def test_plan_never_offers_a_command_importing_what_fails_to_import():
    from bot.core.missing import failing_imports

    facts = make_facts("x", errors=[("ModuleNotFoundError", "No module named 'torch'")])
    failing = failing_imports(facts)
    assert failing == {"torch"}
    plan = _plan(["torch", "gpu"], ["transformers"], failing=failing)
    assert all("torch.utils" not in cmd and "transformers env" not in cmd for cmd, _ in plan)
    assert {cmd.split()[0] for cmd, _ in plan} == {"pip", "nvidia-smi"}


def test_items_without_command_are_left_out_of_plan():
    assert _plan(["model", "launcher"]) == []
    assert REQ.how("launcher") and REQ.how("launcher", "zh") != REQ.how("launcher")
    assert REQ.label("gpu", "zh") == "GPU 型号" and REQ.label("unknown") == "unknown"


RULE = "{id: r, when: {runtime: [vllm]}, items: [a], examples: {fires: [x]}}"


@pytest.mark.parametrize("body, reason", [
    ("kind: ask\nitems: {a: {en: x, zh: y}}\ncommands: []\nrules: [{id: n, when: {runtime: [x]}, items: [nope], "
     "examples: {fires: [x]}}]\n", "unknown item 'nope'"),
    ("kind: ask\nitems: {a: {en: x, zh: y, typo: 1}}\ncommands: []\nrules: []\n", "unknown key"),
    ("kind: ask\nitems: {a: {en: x, zh: y}}\ncommands: [{id: c, run: r, covers: [a], when: {match: '(?<=a)', in: [whole]}}]"
     "\nrules: []\n", "rule c: "),
    ("kind: ask\nitems: {a: {en: x, zh: y}}\ncommands: []\n", "rules"),
    ("kind: ask\nitems: {a: {en: x, zh: y}}\ncommands: []\nrules: [" + RULE + ", " + RULE + "]\n", "duplicate rule id"),
    ("kind: ask\nitems: {a: {en: x, zh: y}}\ncommands: []\nrules: [{id: s, when: {symptom: [Nope]}, items: [a], "
     "examples: {fires: [x]}}]\n", "unknown symptom node"),
    ("kind: ask\nitems: {a: {en: x, zh: y}}\ncommands: []\nrules: [{id: s, when: {runtime: [vllm]}, items: [a]}]\n",
     "examples"),
])
def test_broken_asks_file(tmp_path: Path, body, reason):
    from bot.core.taxonomy import load_taxonomy
    from bot.core.rulefile import rules_dir

    path = tmp_path / "asks.yml"
    path.write_text(body)
    with pytest.raises(RulesError) as exc:
        load_asks(path, load_taxonomy(rules_dir() / "taxonomy.yml"))
    assert str(exc.value).startswith("rules/asks.yml") and reason in str(exc.value)


def test_oom_asks_for_memory_facts_not_the_driver():
    got = _missing("OOM", "Crash - CUDA Error - Out of Memory", errors=[("torch.OutOfMemoryError", "CUDA out of memory")])
    assert got == ["gpu", "gpu_count", "model"] and "cuda_driver" not in got


def test_stated_anywhere_counts_but_env_dumps_do_not_trigger_needs():
    facts = make_facts("it crashes")
    dump = "\n[pip3] vllm==0.6.3\nTraceback (most recent call last):\n  File \"run.py\", line 3, in <module>\n"
    facts = facts.model_copy(update={"text": facts.text + dump})
    got = missing_info(facts, pred("Crash - Value-related Error"), None, REQ)
    assert "traceback" not in got  # the log states it
    assert "vllm" not in got  # a package list in a dump does not make this a vLLM issue


def test_a_named_gpu_implies_the_count():
    assert "gpu_count" not in _missing("OOM", CUDA_OOM, env={"gpu": "NVIDIA GeForce RTX 4090"})


def test_unclassified_error_report_asks_for_traceback():
    assert _missing("I get an error when loading") == ["traceback"]
    assert _missing("the answers are poor, no error", "Incorrect Functionality") == []


def test_lone_surrogates_do_not_crash():
    lone = "\ud800"
    got = missing_info(make_facts(f"it crashes {lone}", env={"model": "Qwen" + lone}, errors=[("E" + lone, lone)]),
                       pred("Crash - CUDA Error - Device Error"), None, REQ)
    assert "torch" in got and "model" not in got
    pasted = missing_info(make_facts(f"it crashes {lone}", errors=[("E" + lone, lone)], code=["x" + lone]),
                          pred("Crash - CUDA Error - Device Error"), None, REQ)
    assert "gpu" in pasted and not {"torch", "cuda", "cuda_driver"} & set(pasted)  # pasted: no version asks


def test_an_issue_that_pastes_its_log_is_asked_only_what_a_paste_does_not_hold():
    pasted = make_facts("it crashes on my GPU", code=["RuntimeError: CUDA error: device-side assert triggered"])
    assert missing_info(pasted, pred("Crash - CUDA Error - Device Error"), None, REQ) == ["gpu"]
    thin = make_facts("it crashes on my GPU")
    assert missing_info(thin, pred("Crash - CUDA Error - Device Error"), None, REQ)[:2] == ["traceback", "torch"]


def test_plan_depends_on_the_tools_the_text_names_and_returns_fresh_lists():
    items = ["torch", "cuda", "gpu", "vllm"]
    with_vllm, without = _plan(items, ["vllm"]), _plan(items, ["transformers"])
    assert any("vllm collect-env" in cmd for cmd, _ in with_vllm)
    assert not any("vllm collect-env" in cmd for cmd, _ in without)
    with_vllm[0][1].append("x")  # callers may edit the lists; the memo stays intact
    assert _plan(items, ["vllm"])[0][1] != with_vllm[0][1]


def test_the_reporters_runtime_command_comes_first_and_a_generic_one_fills_the_rest():
    assert _plan(["torch", "cuda", "cuda_driver"], ["lmdeploy"]) == [
        ("lmdeploy check_env", ["torch", "cuda"]), ("nvidia-smi", ["cuda_driver"])]


def test_no_error_said_is_no_traceback_asked():
    assert _missing("It stops after step 3 with no error at all.") == []
    assert _missing("It stops after step 3 with an error.") == ["traceback"]


def test_plans_sharing_one_scan_equal_plans_each_with_its_own():
    facts = make_facts("vllm serve crashes", runtimes=["vllm"])
    scan = REQ.scan(facts)
    for items, failing in ((["gpu"], frozenset()), (["gpu", "cuda", "torch", "vllm"], frozenset()),
                           (["gpu", "torch"], frozenset({"torch"}))):  # a failing import changes the usable commands
        assert REQ.plan(items, facts, failing, scan) == REQ.plan(items, facts, failing)
    assert REQ.plan(["torch"], facts, frozenset({"torch"}), scan) != REQ.plan(["torch"], facts, frozenset(), scan)
