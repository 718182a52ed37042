"""bot/core/releases.py: real versions, impossible ones and the closest real release."""

import pytest

from bot.core import releases
from bot.core.rulefile import RulesError, rules_dir

TABLE = releases.from_data({"packages": {
    "torch": {"env": "torch", "versions": ["1.13.0", "1.13.1", "2.0.0", "2.1.0", "2.1.1", "2.1.2", "2.2.0", "2.2.1",
                                           "2.2.2", "2.3.0", "2.4.0"]},
    "vllm": {"env": "vllm", "versions": ["0.5.0", "0.6.1", "0.6.1.post1", "0.6.1.post2", "0.6.3.post1", "0.7.0"]},
    "flash-attn": {"env": "flash_attn", "versions": ["2.5.8", "2.6.3"]},
    "sentencepiece": {"versions": ["0.2.0"]},
}})


@pytest.mark.parametrize("package, stated", [
    ("torch", "2.2.1"), ("torch", "2.1"), ("torch", "2.2.1+cu121"), ("torch", "2.3.0a0+ebedce2.nv24.04"),
    ("torch", "2.5.0"), ("torch", "2.7.1"), ("torch", "3.0.0"), ("torch", "2.1.3.dev20240101"),
    ("vllm", "0.6.3.post1"), ("vllm", "0.6.3"), ("flash_attn", "2.6.3"),
])
def test_real_or_plausibly_newer_versions_exist(package, stated):
    assert TABLE.check(package, stated).exists


@pytest.mark.parametrize("package, stated, suggest", [
    ("torch", "2.21", "2.2.1"),          # a dot lost
    ("torch", "2.1.5", "2.1.2"),         # a patch that was never released: the nearest of that minor
    ("torch", "1.14.0", "1.13.0"),       # never released (1.13 was followed by 2.0)
    ("torch", "2.12", "2.1.2"),          # far above the newest: not a newer release, a typo
    ("vllm", "0.61", "0.6.1"),           # the plain release before its .post builds
    ("flash_attn", "2.5.9", "2.5.8"),
])
def test_impossible_versions_get_the_closest_real_one(package, stated, suggest):
    verdict = TABLE.check(package, stated)
    assert (verdict.exists, verdict.suggest) == (False, suggest)


def test_unknown_packages_and_unparsable_text_are_not_judged():
    assert TABLE.check("lmdeploy", "9.9.9") is None
    assert TABLE.check("torch", "latest") is None
    assert TABLE.check("torch", None) is None


def test_env_keys_and_pip_names_resolve_to_the_pip_name():
    assert TABLE.pip_name("flash_attn") == "flash-attn"
    assert TABLE.pip_name("flash-attn") == "flash-attn"
    assert TABLE.is_pip_package("sentencepiece") and TABLE.is_pip_package("flash_attn")
    assert not TABLE.is_pip_package("flash_attn_2_cuda")


def test_impossible_lists_only_env_facts_that_are_no_release():
    out = releases.impossible(TABLE, {"torch": "2.21", "vllm": "0.6.1", "gpu": "A100", "sentencepiece": "9"})
    assert [(v.key, v.package, v.stated, v.suggest) for v in out] == [("torch", "torch", "2.21", "2.2.1")]


@pytest.mark.parametrize("data, reason", [
    ({}, "packages"),
    ({"packages": {"torch": {"versions": []}}}, "at least one"),
    ({"packages": {"torch": {"versions": [2.1]}}}, "quoted string"),
    ({"packages": {"torch": {"versions": ["two"]}}}, "not a version"),
])
def test_a_broken_table_fails_at_load(data, reason):
    with pytest.raises(RulesError, match=reason):
        releases.from_data(data)


def test_the_shipped_table_knows_the_main_packages():
    table = releases.load_releases(rules_dir() / "releases.yml")
    for key in ("torch", "transformers", "vllm", "sglang", "lmdeploy", "llamafactory", "deepspeed", "peft", "trl",
                "bitsandbytes", "flash_attn", "llama_cpp_python"):
        assert table.pip_name(key) is not None, key
    assert table.check("torch", "2.2.1").exists
    assert table.check("torch", "2.21").suggest == "2.2.1"
    assert not table.is_pip_package("ollama-server")


@pytest.mark.parametrize("text, names", [
    ('pip install -U "vllm>=0.8.4"', ["vllm"]),
    ('CMAKE_ARGS="-DGGML_CUDA=on" pip install -U --no-cache-dir "llama-cpp-python>=0.3.9"', ["llama-cpp-python"]),
    ("pip install ninja && MAX_JOBS=4 pip install flash-attn --no-build-isolation", ["ninja", "flash-attn"]),
    ("install it with pip install sentencepiece (and protobuf), then restart", ["sentencepiece"]),
    ('pip install -e ".[torch,metrics]"', []),
    ("安装 accelerate（pip install accelerate）", ["accelerate"]),
])
def test_pip_names_reads_the_packages_a_text_installs(text, names):
    assert releases.pip_names(text) == names


def test_a_module_name_is_not_a_pip_package():
    assert releases.unknown_pip_names(TABLE, "pip install flash_attn_2_cuda") == ["flash_attn_2_cuda"]
    assert releases.unknown_pip_names(TABLE, "pip install -U torch sentencepiece") == []


def test_a_fix_that_installs_a_module_name_fails_at_load(tmp_path):
    from tests.core.rules_dir import broken_rules

    text = (
        "kind: fix\nrules:\n- id: zz-bad\n  when: {match: 'flash_attn_2_cuda', in: whole}\n"
        "  examples: {fires: ['ImportError: flash_attn_2_cuda']}\n  title: 'pip install flash_attn_2_cuda'\n"
        "  title_zh: '安装'\n  url: https://pytorch.org/\n"
        "  cause: Environment Compatibility Issues - Dependency Library Compatibility\n  source: x\n")
    with pytest.raises(RulesError, match="flash_attn_2_cuda"):
        broken_rules(tmp_path, "fixes/zz_bad.yml", text)


def test_the_rule_set_carries_the_release_table():
    from tests.core.rules_dir import RULESET

    assert RULESET.releases is not None and RULESET.releases.check("torch", "2.21").suggest == "2.2.1"


def _checks(title: str, body: str) -> list[str]:
    """The compatibility checks the shipped rules raise on an issue."""
    from bot.core.rules.scan import Scan
    from bot.core.triage import triage
    from tests.core.rules_dir import RULESET

    scan = Scan(triage(title, body, RULESET).facts, RULESET)
    return [c.rule.id for c in RULESET.checks if c.holds(scan)]


def test_no_compatibility_warning_is_drawn_from_an_impossible_version():
    dump = "```\nPyTorch version: {}\nPython version: 3.12.1 (main, Jan 1 2024) [GCC 11.4.0] (64-bit runtime)\n```"
    assert "python-too-new-for-torch-2.1" in _checks("install fails", dump.format("2.1.0"))
    assert "python-too-new-for-torch-2.1" not in _checks("install fails", dump.format("1.14.0"))  # never released
