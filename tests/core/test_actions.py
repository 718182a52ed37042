"""Tests for bot.core.actions: overrides in place, whether to act, and the label plan with its needs-info step."""

import pytest

from bot.core import actions
from bot.core.commands.plan import StoredOverride
from bot.core.repoconfig import RepoConfig
from bot.core.ruleset import RuleSet
from bot.core.triage import triage

OOM = (
    "CUDA OOM when loading the 72B model",
    "```\ntorch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. "
    "GPU 0 has a total capacity of 23.65 GiB of which 1.10 GiB is free.\n```",
)


@pytest.fixture(scope="module")
def ruleset():
    return RuleSet.load()


@pytest.fixture(scope="module")
def oom(ruleset):
    return triage(*OOM, ruleset)


def test_an_override_is_fixed_in_triage_and_shown_without_a_ping(oom, ruleset):
    overrides = {"symptom": StoredOverride(dimension="symptom", login="maint", path=("Hang",),
                                           bot_path=tuple(oom.symptom.path)),
                 "stage": StoredOverride(dimension="stage", login="maint", path=None, bot_path=("Inference",))}
    assert actions.fixed_paths(overrides) == {"symptom": ["Hang"], "stage": None}
    fixed = triage(*OOM, ruleset, fixed=actions.fixed_paths(overrides))
    decided, corrections = actions.show_corrections(fixed, overrides, ruleset, "en")
    assert decided.symptom.path == ["Hang"] and decided.symptom.decided_by == "human" and decided.stage is None
    assert corrections == [("maint", "symptom", oom.symptom.name, "Hang"), ("maint", "stage", "Inference", "")]
    assert "maint" in decided.comment and "@maint" not in decided.comment and decided.comment != fixed.comment


def test_no_overrides_leaves_the_decision_untouched(oom, ruleset):
    assert actions.show_corrections(oom, {}, ruleset, "en") == (oom, [])


def test_a_failure_report_is_recognised_and_a_feature_request_is_not(oom, ruleset):
    assert actions.recognised(oom, ruleset)
    other = triage("Please add a logo to the README", "It would look nicer.", ruleset)
    assert not actions.recognised(other, ruleset)


def test_the_plan_never_re_adds_a_label_a_human_removed(oom, ruleset):
    wanted = [c.name for c in oom.labels if c.confident]
    assert wanted
    removed = wanted[0]
    plan = actions.plan_issue_labels(oom, [], [], [], [removed], RepoConfig(), ruleset.taxonomy, set())
    assert removed not in plan.add
    assert set(wanted[1:]) <= set(plan.add) | {c.name for c in plan.suggest}


def test_needs_info_goes_once_nothing_essential_is_missing(oom, ruleset):
    config = RepoConfig()
    full = oom.model_copy(update={"missing": []})
    plan = actions.plan_issue_labels(full, ["needs-info"], ["needs-info"], [], [], config, ruleset.taxonomy, set())
    assert "needs-info" in plan.remove
    asked = oom.model_copy(update={"missing": ["torch"]})
    plan = actions.plan_issue_labels(asked, [], [], [], [], config, ruleset.taxonomy, set())
    assert "needs-info" in plan.add


def test_comment_to_post_follows_the_mode_and_updates_a_stale_comment(oom, ruleset):
    quiet = triage("Answers feel a bit short", "The answers are shorter than I expected.", ruleset)
    assert quiet.comment is None
    assert actions.comment_to_post(quiet, [], False, "when-useful", ruleset) is None
    stale = actions.comment_to_post(quiet, [], True, "when-useful", ruleset)  # we posted before: keep it true
    assert stale and stale.startswith("<!-- firstmile:triage -->") and "please add" not in stale.split("<details>")[0]
    assert actions.comment_to_post(oom, [], False, "when-useful", ruleset) == oom.comment
    assert actions.comment_to_post(oom, [], True, "never", ruleset) is None
    corrected = ("maint", "symptom", "Crash", "Hang")
    assert actions.comment_to_post(quiet.model_copy(update={"comment": "x"}), [corrected], False, "when-useful",
                                   ruleset) == "x"


def test_kind_label_names_follow_the_repo_config():
    assert actions.kind_label_names(RepoConfig()) == {"question": "question", "feature": "feature"}
    cfg = RepoConfig.model_validate({"labels": {"rename": {"feature": "enhancement"}}})
    assert actions.kind_label_names(cfg)["feature"] == "enhancement"
    assert actions.kind_label_names(RepoConfig.model_validate({"labels": {"kinds": False}})) == {}
