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
        covered = {r.node.split(" - ")[0] for r, _, _ in shipped.evidence[dim].rules}
        assert covered == {name for name, _ in shipped.taxonomy.named_children(dim)}


def _append_rule(copy, text):
    path = copy / "evidence" / "symptom.yml"
    path.write_text(path.read_text() + text)


@pytest.mark.parametrize("rule, message", [
    ("  - {id: typo, node: Hang, weight: 1, when: {prosee: x}, examples: {fires: [x]}}\n",
     "rules/symptom.yml: rule typo: unknown key 'when.prosee'"),
    ("  - {id: nonode, node: Hangs, weight: 1, when: {match: x, in: prose}, examples: {fires: [x]}}\n",
     "rules/symptom.yml: rule nonode: unknown symptom node 'Hangs' (did you mean 'Hang'?)"),
    ("  - {id: badre, node: Hang, weight: 1, when: {match: '(?<=x)y', in: prose}, examples: {fires: [x]}}\n",
     "rules/symptom.yml: rule badre: bad regex"),
    ("  - {id: badtype, node: Hang, weight: [1], when: {match: x, in: prose}, examples: {fires: [x]}}\n",
     "rules/symptom.yml: rule badtype: weight:"),
    ("  - {id: crash-prose, node: Hang, weight: 1, when: {match: x, in: prose}, examples: {fires: [x]}}\n",
     "rules/symptom.yml: rule crash-prose: duplicate"),
    ("  - {id: noex, node: Hang, weight: 1, when: {match: x, in: prose}}\n",
     "rules/symptom.yml: rule noex: examples: at least one `fires` example is required"),
])
def test_a_broken_rule_fails_at_load_naming_file_rule_and_reason(copy, rule, message):
    _append_rule(copy, rule)
    with pytest.raises(RulesError) as exc:
        RuleSet.load(copy)
    assert str(exc.value).startswith(message)


def test_unknown_symptom_condition_in_a_cause_rule(copy):
    path = copy / "evidence" / "cause.yml"
    path.write_text(path.read_text() + "  - {id: x1, node: Model Corruption Issues, weight: 1, when: {symptom: Crashes}, examples: {fires: [x]}}\n")
    with pytest.raises(RulesError, match="rules/cause.yml: rule x1: unknown symptom node 'Crashes'"):
        RuleSet.load(copy)


def test_missing_settings_and_missing_files(copy, tmp_path):
    (copy / "evidence" / "stage.yml").unlink()
    with pytest.raises(RulesError, match="no settings for dimension 'stage'"):
        RuleSet.load(copy)
    with pytest.raises(RulesError, match="is not a directory"):
        RuleSet.load(tmp_path / "nowhere")


def test_extra_repo_rules_are_added_and_validated(shipped):
    head = "kind: evidence\ndimension: symptom\nrules:\n"
    rule = "  - {{id: {}, node: Hang, weight: 9, when: {{match: frozen, in: prose}}, examples: {{fires: [frozen]}}}}\n"
    extra = shipped.with_extra({"repo.yml": head + rule.format("repo-x")})
    assert extra.evidence["symptom"].rules[-1][0].id == "repo-x"
    assert len(shipped.evidence["symptom"]) + 1 == len(extra.evidence["symptom"])
    from bot.core.triage import triage

    assert "repo-x" in {e.rule for e in triage("it is frozen", "the screen is frozen", extra).symptom.evidence}
    assert triage("OOM", "CUDA out of memory", extra).fixes == triage("OOM", "CUDA out of memory", shipped).fixes
    with pytest.raises(RulesError, match="rules/repo.yml: rule crash-prose: duplicate rule id"):
        shipped.with_extra({"repo.yml": head + rule.format("crash-prose")})
    with pytest.raises(RulesError, match="rules/repo.yml: extra rule files cannot change the settings"):
        shipped.with_extra({"repo.yml": "kind: evidence\ndimension: stage\nsettings: {min_score: [1], min_confidence: [0.5]}\n"})
