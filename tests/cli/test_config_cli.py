"""Tests for `firstmile config check FILE`."""

import io

import pytest
import yaml

from bot.__main__ import main


def check(capsys, path):
    """Run `firstmile config check PATH`; return (exit code, stdout, stderr)."""
    code = main(["config", "check", str(path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_valid_file_prints_ok_and_the_effective_config(tmp_path, capsys):
    f = tmp_path / "firstmile.yml"
    f.write_text("mode: labels\nlabels:\n  prefix: 'llm/'\n", encoding="utf-8")
    code, out, err = check(capsys, f)
    assert (code, err) == (0, "")
    first, rest = out.split("\n", 1)
    effective = yaml.safe_load(rest)
    assert first == "ok"
    assert effective["mode"] == "labels" and effective["labels"]["prefix"] == "llm/"
    assert effective["needs_info_label"] == "needs-info" and effective["enabled"] is True


def test_empty_file_is_ok_with_defaults(tmp_path, capsys):
    f = tmp_path / "firstmile.yml"
    f.write_text("", encoding="utf-8")
    code, out, _ = check(capsys, f)
    assert code == 0 and yaml.safe_load(out.split("\n", 1)[1])["mode"] == "full"


def test_unknown_key_is_one_line_on_stderr_and_exit_1(tmp_path, capsys):
    f = tmp_path / "firstmile.yml"
    f.write_text("labls:\n  prefix: x\n", encoding="utf-8")
    code, out, err = check(capsys, f)
    assert (code, out) == (1, "")
    assert err == f"{f}: unknown key 'labls' (did you mean 'labels'?)\n"


def test_yaml_error_names_the_line(tmp_path, capsys):
    f = tmp_path / "firstmile.yml"
    f.write_text("mode: full\nrules: [a.yml\n", encoding="utf-8")
    code, _, err = check(capsys, f)
    assert code == 1 and err.startswith(f"{f}: invalid YAML at line ") and err.count("\n") == 1


def test_missing_file_is_exit_1(tmp_path, capsys):
    code, out, err = check(capsys, tmp_path / "nope.yml")
    assert (code, out) == (1, "") and err == f"{tmp_path / 'nope.yml'}: cannot read: No such file or directory\n"


def test_non_utf8_file_is_exit_1(tmp_path, capsys):
    f = tmp_path / "firstmile.yml"
    f.write_bytes(b"mode: \xff\n")
    code, _, err = check(capsys, f)
    assert code == 1 and err == f"{f}: not UTF-8 text\n"


def test_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("mode: shadow\n"))
    code, out, _ = check(capsys, "-")
    assert code == 0 and yaml.safe_load(out.split("\n", 1)[1])["mode"] == "shadow"


def test_check_action_is_required(capsys):
    with pytest.raises(SystemExit) as info:
        main(["config"])
    assert info.value.code == 2
