"""Tests for bot.core.repoconfig: parsing .github/firstmile.yml, its one-line errors and skipping."""

from pathlib import Path

import pytest

from bot.core.repoconfig import MAX_CONFIG_BYTES, ConfigError, RepoConfig, has_skip_label, parse_config

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "firstmile.example.yml"


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "---\n"])
def test_empty_file_means_defaults(text):
    assert parse_config(text) == RepoConfig()


def test_defaults():
    c = RepoConfig()
    assert (c.enabled, c.mode, c.create_labels, c.needs_info_label, c.language) == (True, "full", True, "needs-info", "auto")
    assert (c.labels.prefix, c.labels.rename, c.rules, c.suggest_below) == ("", {}, [], None)
    assert "no-triage" in c.skip_labels


def test_full_file_parses():
    c = parse_config(
        "enabled: true\nmode: shadow\nlabels:\n  prefix: 'llm/'\n  rename:\n    'symptom: oom': oom\n"
        "create_labels: false\nneeds_info_label: waiting-for-reporter\nlanguage: zh\n"
        "rules: [.github/firstmile/rules.yml]\nskip_labels: [no-bot]\nsuggest_below: 0.6\n"
    )
    assert c.mode == "shadow" and c.labels.prefix == "llm/" and c.labels.rename == {"symptom: oom": "oom"}
    assert (c.create_labels, c.needs_info_label, c.language) == (False, "waiting-for-reporter", "zh")
    assert (c.rules, c.skip_labels, c.suggest_below) == ([".github/firstmile/rules.yml"], ["no-bot"], 0.6)


def test_example_in_docs_is_valid_and_not_just_defaults():
    assert parse_config(EXAMPLE.read_text(encoding="utf-8")) != RepoConfig()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("labls: {}\n", "unknown key 'labls' (did you mean 'labels'?)"),
        ("labels:\n  prefx: x\n", "unknown key 'labels.prefx' (did you mean 'labels.prefix'?)"),
        ("close_stale: true\n", "unknown key 'close_stale'"),
        ("mode: dark\n", "mode: Input should be 'shadow', 'labels' or 'full' (got 'dark')"),
        ("mode: off\n", "mode: Input should be 'shadow', 'labels' or 'full' (got False)"),
        ("enabled: 1\n", "enabled: Input should be a valid boolean (got 1)"),
        ("enabled: 'yes'\n", "enabled: Input should be a valid boolean (got 'yes')"),
        ("suggest_below: 2\n", "suggest_below: Input should be less than or equal to 1 (got 2)"),
        ("skip_labels: wontfix\n", "skip_labels: Input should be a valid list (got 'wontfix')"),
        ("rules: [a.yml, 3]\n", "rules[1]: Input should be a valid string (got 3)"),
        ("labels: 3\n", "labels: Input should be a valid dictionary or instance of LabelsConfig (got 3)"),
        ("needs_info_label: ''\n", "needs_info_label: must not be empty"),
        ("rules: [/etc/passwd.yml]\n", "rules: '/etc/passwd.yml' is not a relative .yml/.yaml path inside the repo"),
        ("rules: [../x.yml]\n", "rules: '../x.yml' is not a relative .yml/.yaml path inside the repo"),
        ("rules: [rules.txt]\n", "rules: 'rules.txt' is not a relative .yml/.yaml path inside the repo"),
        ("labels:\n  rename: {a: x, b: X}\n", "labels.rename: 'a' and 'b' are both renamed to 'X'"),
        ("skip_labels: [Needs-Info]\n", "needs_info_label 'needs-info' is also in skip_labels"),
        ("yes: 1\n", "key True is not a name (YAML reads unquoted yes/no/on/off as booleans; quote it)"),
        ("- mode\n", "the file must be a mapping of keys, got a list"),
        ("full\n", "the file must be a mapping of keys, got 'full'"),
        ("mode: full\nlabels: [a\nrules: []\n", "invalid YAML at line 3: expected ',' or ']', but got ':'"),
    ],
)
def test_errors_are_one_clear_line(text, message):
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_several_errors_share_one_line():
    with pytest.raises(ConfigError) as info:
        parse_config("mode: dark\nlangauge: en\n")
    assert str(info.value) == (
        "mode: Input should be 'shadow', 'labels' or 'full' (got 'dark'); "
        "unknown key 'langauge' (did you mean 'language'?)"
    )


def test_many_errors_are_capped():
    with pytest.raises(ConfigError) as info:
        parse_config("rules: [" + ", ".join(["1"] * 8) + "]\n")
    assert str(info.value).endswith("rules[4]: Input should be a valid string (got 1); and 3 more")


def test_oversized_file_is_refused_before_parsing():
    with pytest.raises(ConfigError, match="larger than"):
        parse_config("# " + "x" * MAX_CONFIG_BYTES)


def test_config_is_frozen():
    with pytest.raises(ValueError):
        RepoConfig().mode = "shadow"


@pytest.mark.parametrize(
    ("skip", "issue_labels", "expected"),
    [
        (["no-triage"], [], False),
        (["no-triage"], ["bug", "No-Triage"], True),
        (["no-triage"], ["bug", "triage"], False),
        ([], ["no-triage"], False),
    ],
)
def test_has_skip_label_ignores_case(skip, issue_labels, expected):
    assert has_skip_label(RepoConfig(skip_labels=skip), issue_labels) is expected
