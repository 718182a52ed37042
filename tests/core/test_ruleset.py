"""Tests for bot.core.ruleset: the shipped rules load, and a broken file names its rule and reason."""

import shutil

import pytest

from bot.core.rulefile import RulesError, rules_dir
from bot.core.ruleset import RuleSet


@pytest.fixture(scope="module")
def shipped():
    return RuleSet.load()


@pytest.fixture
def copy(tmp_path):
    """A writable copy of the shipped rules directory."""
    dst = tmp_path / "rules"
    shutil.copytree(rules_dir(), dst)
    return dst


def test_shipped_rules_load_and_cover_every_dimension(shipped):
    summary = shipped.summary()
    assert summary["taxonomy nodes"] == 85
    assert all(summary[f"{d} rules"] > 0 for d in ("symptom", "root_cause", "stage"))
    assert set(shipped.settings) == {"symptom", "root_cause", "stage"}


def test_every_top_level_symptom_and_cause_has_evidence(shipped):
    for dim in ("symptom", "root_cause"):
        covered = {r.node.split(" - ")[0] for r in shipped.rules[dim]}
        assert covered == {n.name for n in shipped.taxonomy.children(dim)}


def _append_rule(copy, text):
    path = copy / "evidence" / "symptom.yml"
    path.write_text(path.read_text() + text)


@pytest.mark.parametrize("rule, message", [
    ("  - {id: typo, node: Hang, weight: 1, prosee: x}\n", "rules/symptom.yml: rule typo: unknown key 'prosee'"),
    ("  - {id: nonode, node: Hangs, weight: 1, prose: x}\n",
     "rules/symptom.yml: rule nonode: unknown symptom node 'Hangs' (did you mean 'Hang'?)"),
    ("  - {id: badre, node: Hang, weight: 1, prose: '(?<=x)y'}\n", "rules/symptom.yml: rule badre: bad regex"),
    ("  - {id: badtype, node: Hang, weight: [1], prose: x}\n", "rules/symptom.yml: rule badtype: weight:"),
    ("  - {id: crash-prose, node: Hang, weight: 1, prose: x}\n", "rules/symptom.yml: rule crash-prose: duplicate"),
])
def test_a_broken_rule_fails_at_load_naming_file_rule_and_reason(copy, rule, message):
    _append_rule(copy, rule)
    with pytest.raises(RulesError) as exc:
        RuleSet.load(copy)
    assert str(exc.value).startswith(message)


def test_unknown_symptom_condition_in_a_cause_rule(copy):
    path = copy / "evidence" / "cause.yml"
    path.write_text(path.read_text() + "  - {id: x1, node: Model Corruption Issues, weight: 1, symptom: Crashes}\n")
    with pytest.raises(RulesError, match="rules/cause.yml: rule x1: unknown symptom node 'Crashes'"):
        RuleSet.load(copy)


def test_missing_settings_and_missing_files(copy, tmp_path):
    (copy / "evidence" / "stage.yml").unlink()
    with pytest.raises(RulesError, match="no settings for dimension 'stage'"):
        RuleSet.load(copy)
    with pytest.raises(RulesError, match="is not a directory"):
        RuleSet.load(tmp_path / "nowhere")


def test_extra_repo_rules_are_added_and_validated(shipped):
    extra = shipped.with_extra({"repo.yml": "dimension: symptom\nrules:\n  - {id: repo-x, node: Hang, weight: 9, prose: frozen}\n"})
    assert extra.rules["symptom"][-1].id == "repo-x"
    assert len(shipped.rules["symptom"]) + 1 == len(extra.rules["symptom"])
    with pytest.raises(RulesError, match="rules/repo.yml: rule crash-prose: duplicate rule id"):
        shipped.with_extra({"repo.yml": "dimension: symptom\nrules:\n  - {id: crash-prose, node: Hang, weight: 1, prose: x}\n"})
    with pytest.raises(RulesError, match="rules/repo.yml: extra rule files cannot change the settings"):
        shipped.with_extra({"repo.yml": "dimension: stage\nsettings: {min_score: [1], min_confidence: [0.5]}\n"})
