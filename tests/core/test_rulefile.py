"""Tests for bot.core.rulefile: YAML loading errors, RE2 compilation, the rules directory."""

from pathlib import Path

import pytest

from bot.core.rulefile import RulesError, compile_re2, load_yaml, rules_dir


def test_rules_error_names_file_rule_and_reason():
    err = RulesError(Path("/x/rules/fixes.yml"), "oom-1", "unknown key 'mach'")
    assert str(err) == "rules/fixes.yml: rule oom-1: unknown key 'mach'"
    assert str(RulesError("taxonomy.yml", None, "invalid YAML")) == "rules/taxonomy.yml: invalid YAML"


def test_load_yaml_reports_the_line_of_a_syntax_error(tmp_path):
    bad = tmp_path / "evidence.yml"
    bad.write_text("rules:\n  - id: a\n    when: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"rules/evidence.yml: invalid YAML at line \d+"):
        load_yaml(bad)


def test_load_yaml_reports_an_unreadable_file(tmp_path):
    with pytest.raises(RulesError, match="cannot read"):
        load_yaml(tmp_path / "missing.yml")


def test_compile_re2_is_case_insensitive_by_default_and_handles_chinese():
    assert compile_re2("out of memory").search("CUDA Out Of Memory")
    assert compile_re2("显存不足").search("报错：显存不足了")
    assert not compile_re2("Abc", ignore_case=False).search("abc")


@pytest.mark.parametrize("pattern", [r"(a", r"(a)\1", r"(?=x)y", r"(?<!a)b"])
def test_compile_re2_rejects_patterns_re2_cannot_run_in_linear_time(pattern):
    with pytest.raises(ValueError, match="bad regex"):
        compile_re2(pattern)


def test_rules_dir_finds_the_shipped_rules():
    assert rules_dir().is_dir()
