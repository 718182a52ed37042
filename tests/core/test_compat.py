"""Tests for compatibility checks (rules/checks.yml), the derived env keys and the shipped checks."""

from pathlib import Path

import pytest

from bot.core.rulefile import RulesError
from bot.core.rules.env import derive_env
from bot.core.rules.fixes import check_compat
from bot.core.rules.scan import Scan
from tests.core.make_facts import make_facts
from tests.core.rules_dir import RULESET, broken_rules

CHECKS, TABLES = RULESET.checks, RULESET.tables


def _warnings(facts, checks=CHECKS):
    return check_compat(Scan(facts, RULESET), checks)


def _ids(prose="", **kw):
    return [w.id for w in _warnings(make_facts(prose, **kw))]


@pytest.mark.parametrize("prose, env, expected", [
    ("bf16 training fails", {"gpu": "Tesla V100-SXM2-32GB"}, "bf16-old-gpu"),
    ("use flash_attention_2", {"gpu": "Tesla T4"}, "flash-attn-ampere"),
    ("crash", {"torch": "2.1.0+cu121", "cuda_driver": "470.82.01"}, "driver-too-old"),
    ("crash", {"torch": "2.1.0", "torch_cuda": "12.1", "cuda_max": "11.4"}, "driver-too-old"),
    ("nvcc builds", {"cuda": "12.4", "cuda_max": "11.8"}, "toolkit-newer-than-driver"),
    ("the provided PTX was compiled with an unsupported toolchain", {"torch": "2.4.0+cu124", "cuda_max": "12.2"},
     "torch-cuda-minor-newer-than-driver"),
    ("CUDA error on my GPU", {"torch": "2.1.0+cpu"}, "cpu-only-torch"),
    ("load fails", {"model": "Qwen/Qwen2.5-7B-Instruct", "transformers": "4.36.2"}, "transformers-unknown-architecture"),
    ("load fails", {"model": "Qwen3-8B", "transformers": "4.50.0"}, "transformers-unknown-architecture"),
    ("pip fails", {"python": "3.12.1", "torch": "2.1.2"}, "python-too-new-for-torch-2.1"),
    ("pip fails", {"python": "3.13.0", "torch": "2.4.1"}, "python-too-new-for-torch-2.4"),
    ("pip fails", {"python": "3.8.10", "torch": "2.5.1"}, "python-too-old-for-torch"),
    ("pip fails", {"python": "3.7.9", "torch": "2.0.1"}, "python-too-old-for-torch-2"),
    ("pip fails", {"python": "3.14.0", "torch": "2.8.0"}, "python-too-new-for-torch-2.8"),
    ("pip fails", {"python": "3.15.0", "torch": "2.14.1"}, "python-too-new-for-torch-2.14"),
    ("pip fails", {"python": "3.9.18", "torch": "2.9.1"}, "python-too-old-for-torch-2.9"),
    ("pip fails", {"python": "3.10.12", "torch": "2.15.0"}, "python-too-old-for-torch-2.15"),
    ("vllm serve fails", {"gpu": "Tesla P40"}, "vllm-below-volta"),
    ("vllm with an AWQ model", {"gpu": "Tesla V100"}, "vllm-awq-below-turing"),
    ("serving the FP8 checkpoint", {"gpu": "NVIDIA A100-SXM4-80GB"}, "fp8-below-ada"),
    ("pip install vllm fails", {"os": "Windows 11"}, "vllm-on-windows"),
    ("init_process_group nccl", {"os": "macOS 14.2"}, "nccl-not-built"),
    ("load_in_4bit fails", {"os": "Windows 10", "bitsandbytes": "0.41.1"}, "bitsandbytes-old-on-windows"),
    ("no kernel image", {"gpu": "NVIDIA GeForce RTX 5090", "torch": "2.5.1+cu124"}, "blackwell-torch-cu128"),
    ("crash", {"gpu": "NVIDIA H100 80GB HBM3", "torch": "1.13.1+cu117"}, "hopper-needs-cuda-11.8"),
    ("crash", {"gpu": "NVIDIA GeForce RTX 3090", "torch": "1.12.0+cu102"}, "ampere-needs-cuda-11"),
    ("crash", {"gpu": "Tesla K80", "torch": "2.1.0+cu121"}, "kepler-dropped-in-cuda-12"),
    ("pip install flash-attn fails", {"cuda": "11.8", "torch": "2.3.0+cu121"}, "cuda-extension-mismatch"),
    ("model.cuda() fails", {"os": "macOS 14.4 (arm64)"}, "no-cuda-on-macos"),
])
def test_each_check_fires(prose, env, expected):
    assert expected in _ids(prose, env=env)


@pytest.mark.parametrize("prose, env", [
    ("bf16 training", {"gpu": "NVIDIA A100-SXM4-80GB"}),              # Ampere supports bf16
    ("fp16 inference", {"gpu": "Tesla V100"}),                        # no bf16 mentioned
    ("crash", {"torch": "2.1.0+cu121", "cuda_driver": "535.104.05"}),  # driver new enough
    ("crash", {"torch": "2.1.0+cu121", "cuda_max": "12.0"}),           # minor compat, no PTX error
    ("load", {"model": "Qwen2.5-7B", "transformers": "4.37"}),         # exactly the first release
    ("load", {"model": "Qwen-7B-Chat", "transformers": "4.30.0"}),     # remote code: no table entry
    ("CUDA crash", {"torch": "2.1.0+cu121"}),                          # a CUDA build
    ("vllm", {"os": "Ubuntu 22.04 (WSL2 microsoft-standard)"}),        # WSL is Linux
    ("crash", {"python": "3.11", "torch": "2.1.0"}),
    ("crash", {"python": "3.14.0", "torch": "2.9.0"}),
    ("crash", {"python": "3.10.12", "torch": "2.14.1"}),
    ("building flash-attn", {"cuda": "12.4", "torch": "2.3.0+cu121"}),  # same major: a warning at most
    ("uses mps", {"os": "macOS 14.4"}),
])
def test_no_false_warnings(prose, env):
    assert _ids(prose, env=env) == []


@pytest.mark.parametrize("python, torch, expected", [
    ("3.8.10", "2.9.1", "python-too-old-for-torch-2.9"),
    ("3.9.18", "2.15.0", "python-too-old-for-torch-2.15"),
    ("3.14.0", "2.4.1", "python-too-new-for-torch-2.8"),
    ("3.15.0", "2.1.2", "python-too-new-for-torch-2.14"),
])
def test_one_python_warning_at_a_time_the_one_for_that_torch(python, torch, expected):
    assert [i for i in _ids("pip fails", env={"python": python, "torch": torch}) if i.startswith("python-")] == [
        expected]


def test_message_fills_values_as_inert_code():
    facts = make_facts("bf16", env={"gpu": "Tesla V100 @org/team <img src=x>"})
    (w,) = [w for w in _warnings(facts) if w.id == "bf16-old-gpu"]
    assert "`Tesla V100 @\u200borg/team <img src=x>`" in w.message and "`7.0`" in w.message
    assert w.message_zh and w.url.startswith("https://")


def test_derive_env_keys():
    facts = make_facts("", env={"torch": "2.3.1+cu121", "gpu": "2 x NVIDIA GeForce RTX 4090", "os": "Windows 11",
                                 "cuda_driver": "546.01", "model": "meta-llama/Llama-3.1-8B-Instruct"})
    env = derive_env(facts, TABLES)
    assert env["torch_cuda"] == "12.1" and env["torch_build"] == "cuda" and env["gpu_cc"] == "8.9"
    assert env["os_family"] == "windows" and env["driver_cuda_major"] == "12"
    assert env["model_family"] == "llama3_1" and env["family_min_transformers"] == "4.43.0"


def test_derive_cpu_build_from_collect_env_text():
    facts = make_facts("", env={"torch": "2.1.0"}).model_copy(update={"text": "CUDA used to build PyTorch: None"})
    assert derive_env(facts, None)["torch_build"] == "cpu"


_CHECK = ("kind: check\nrules:\n  - id: a\n    message: m\n    message_zh: m {{gpu}}\n    url: https://pytorch.org/x\n"
          "    cause: {cause}\n{extra}")
_CAUSE = "Environment Compatibility Issues - CUDA Version Compatibility"


@pytest.mark.parametrize("extra, reason", [
    ("    when: {env: {gpu: present}}\n    typo: 1\n    examples: {fires: [x]}\n", "rule a: unknown key 'typo'"),
    ("    when: {match: '(?<=x)', in: prose}\n    examples: {fires: [x]}\n", "rule a: bad regex"),
    ("    when: {env: {x: '<'}}\n    examples: {fires: [x]}\n", "rule a: env x"),
    ("    when: {env: {gpu: present}}\n    fix: no-such-fix\n    examples: {fires: [x]}\n",
     "rule a: fix: no fix has the id 'no-such-fix'"),
    ("    when: [{env: {gpu: present}}, {env: {os: present}}]\n    examples: {fires: [x]}\n",
     "rule a: when: only fixes take a list"),
])
def test_broken_check_file_names_file_and_rule(tmp_path: Path, extra, reason):
    with pytest.raises(RulesError) as exc:
        broken_rules(tmp_path, "checks.yml", _CHECK.format(extra=extra, cause=_CAUSE))
    assert str(exc.value).startswith("rules/checks.yml") and reason in str(exc.value), str(exc.value)


@pytest.mark.parametrize("cause, reason", [
    ("Nope", "rule a: cause: unknown root_cause node 'Nope'"),
    ("null", "rule a: cause: a check that names no `fix:` states the root cause it implies"),
])
def test_a_check_states_a_cause_of_the_taxonomy(tmp_path: Path, cause, reason):
    with pytest.raises(RulesError) as exc:
        broken_rules(tmp_path, "checks.yml", _CHECK.format(cause=cause, extra="    when: {env: {gpu: present}}\n"
                                                                             "    examples: {fires: [x]}\n"))
    assert str(exc.value).startswith("rules/checks.yml") and reason in str(exc.value), str(exc.value)


def test_a_placeholder_must_name_an_env_key(tmp_path: Path):
    text = _CHECK.format(cause=_CAUSE, extra="    when: {env: {gpu: present}}\n    examples: {fires: [x]}\n")
    broken_rules(tmp_path, "checks.yml", text)  # {gpu} is known
    with pytest.raises(RulesError, match="rule a: message: unknown env key {gpuu}"):
        broken_rules(tmp_path, "checks.yml", text.replace("{gpu}", "{gpuu}"))


def test_no_checks_no_warnings():
    assert _warnings(make_facts("bf16", env={"gpu": "T4"}), []) == []
