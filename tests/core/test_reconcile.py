"""Tests for bot.core.reconcile: the "never fight a human" label plan, needs-info and the add-labels body."""

import json
from pathlib import Path

import pytest
from openapi_schema_validator import OAS30Validator

from bot.core.reconcile import LabelPlan, confidence_level, label_request_body, needs_info_action, plan_labels
from bot.core.types import LabelChoice

OPENAPI = Path(__file__).resolve().parents[1] / "fixtures" / "github" / "openapi-subset.json"

CRASH, OOM, HANG = "symptom: crash", "symptom: oom", "symptom: hang"
ENV, INFER = "cause: env-compat", "stage: inference"
MANAGED = {CRASH, OOM, HANG, ENV, INFER}
DIMS = {CRASH: "symptom", OOM: "symptom", HANG: "symptom", ENV: "root_cause", INFER: "stage"}


def sure(name):
    """A confident choice."""
    return LabelChoice(name=name)


def unsure(name, confidence=0.4):
    """A choice to post as a suggestion."""
    return LabelChoice(name=name, confident=False, confidence=confidence, rationale="matched a traceback")


def plan(wanted, current=(), bot=(), removed=(), added=(), locked=(), dims=DIMS):
    """plan_labels with sets built from tuples and the test taxonomy (a mapping is looked up case-insensitively)."""
    if isinstance(dims, dict):
        folded = {k.casefold(): v for k, v in dims.items()}
        dims = lambda name: folded.get(name.casefold())  # noqa: E731
    return plan_labels(wanted, set(current), set(bot), set(removed), set(added), MANAGED, set(locked), dims)


# (case, wanted, current, bot_applied, human_removed, human_added, locked, expected add, suggest names, remove)
TABLE = [
    ("fresh issue gets what is wanted", [sure(CRASH), sure(INFER)], ["bug"], [], [], [], [], [CRASH, INFER], [], []),
    ("unconfident goes to suggest", [sure(CRASH), unsure(ENV)], [], [], [], [], [], [CRASH], [ENV], []),
    ("already there is not added again", [sure(CRASH)], [CRASH], [CRASH], [], [], [], [], [], []),
    ("same name in another case is already there", [sure(CRASH)], ["Symptom: Crash"], ["Symptom: Crash"], [], [], [], [], [], []),
    ("duplicates in wanted are added once", [sure(CRASH), sure(CRASH)], [], [], [], [], [], [CRASH], [], []),
    ("never add back what a human removed", [sure(CRASH), sure(INFER)], [], [CRASH], [CRASH], [], [], [INFER], [], []),
    ("never suggest what a human removed", [unsure(ENV)], [], [], [ENV], [], [], [], [], []),
    ("human removal compares case-insensitively", [sure(CRASH)], [], [], ["SYMPTOM: CRASH"], [], [], [], [], []),
    ("bot removes its own label no longer wanted", [sure(OOM)], [CRASH, OOM], [CRASH, OOM], [], [], [], [], [], [CRASH]),
    ("bot keeps its label still wanted as a suggestion", [unsure(CRASH)], [CRASH], [CRASH], [], [], [], [], [], []),
    ("never remove a label a human added", [sure(INFER)], [ENV, INFER], [INFER], [], [ENV], [], [], [], []),
    ("human re-adding a bot label makes it theirs", [sure(INFER)], [ENV, INFER], [ENV, INFER], [], [ENV], [], [], [], []),
    ("never remove labels the bot did not add", [sure(INFER)], [ENV, INFER], [INFER], [], [], [], [], [], []),
    ("never remove unmanaged labels even if recorded", [], ["bug"], ["bug"], [], [], [], [], [], []),
    ("unmanaged labels on the issue are left alone", [sure(CRASH)], ["bug", "P1"], [], [], [], [], [CRASH], [], []),
    ("human symptom label locks the dimension", [sure(OOM), sure(INFER)], [HANG], [], [], [HANG], [], [INFER], [], []),
    ("lock also blocks suggestions", [unsure(OOM)], [HANG], [], [], [HANG], [], [], [], []),
    ("managed label the bot did not apply locks too", [sure(OOM)], [HANG], [], [], [], [], [], [], []),
    ("explicit override locks a dimension", [sure(OOM), sure(ENV)], [], [], [], [], ["symptom"], [ENV], [], []),
    ("lock does not block other dimensions", [sure(CRASH), unsure(ENV)], [HANG], [], [], [HANG], [], [], [ENV], []),
    ("bot label in a locked dimension goes when unwanted",
     [sure(HANG)], [CRASH, HANG], [CRASH], [], [HANG], [], [], [], [CRASH]),
    ("removed-by-human label is not in current so never removed again", [], [], [CRASH], [CRASH], [], [], [], [], []),
    ("nothing wanted, nothing to do", [], [], [], [], [], [], [], [], []),
]


@pytest.mark.parametrize(
    ("wanted", "current", "bot", "removed", "added", "locked", "add", "suggest", "remove"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_plan_labels(wanted, current, bot, removed, added, locked, add, suggest, remove):
    got = plan(wanted, current, bot, removed, added, locked)
    assert (got.add, [c.name for c in got.suggest], got.remove) == (add, suggest, remove)


def test_dimension_of_accepts_a_callable_and_none():
    by_prefix = lambda name: name.split(":")[0] if ":" in name else None  # noqa: E731
    assert plan([sure(OOM)], [HANG], added=[HANG], dims=by_prefix).add == []
    assert plan([sure(OOM)], [HANG], added=[HANG], dims=None).add == [OOM]


def test_dimension_mapping_is_case_insensitive():
    assert plan([sure(OOM)], ["SYMPTOM: HANG"], added=["SYMPTOM: HANG"]).add == []


def test_suggestions_keep_their_choice():
    choice = unsure(ENV, 0.55)
    assert plan([choice]).suggest == [choice]


@pytest.mark.parametrize(
    ("missing", "has_label", "human_removed", "human_added", "expected"),
    [
        (["torch", "gpu"], False, False, False, "add"),
        (["torch"], True, False, False, None),
        (["torch"], False, True, False, None),
        ([], True, False, False, "remove"),
        ([], True, True, False, "remove"),
        ([], False, False, False, None),
        ([], False, True, False, None),
        ([], True, False, True, None),
        (["torch"], True, False, True, None),
    ],
    ids=[
        "missing adds", "already labelled", "never re-add after human removed", "supplied removes",
        "supplied removes even after an earlier human removal", "nothing to do", "nothing to do, removed",
        "keep a label a human added", "still missing, human label kept",
    ],
)
def test_needs_info_action(missing, has_label, human_removed, human_added, expected):
    assert needs_info_action(missing, has_label, human_removed, human_added) == expected


def test_needs_info_defaults_to_bot_provenance():
    assert needs_info_action([], True, False) == "remove"


@pytest.mark.parametrize(("confidence", "level"), [(0.0, "low"), (0.49, "low"), (0.5, "medium"), (0.74, "medium"),
                                                    (0.75, "high"), (1.0, "high")])
def test_confidence_level(confidence, level):
    assert confidence_level(confidence) == level


def test_label_request_body_shape():
    body = label_request_body(LabelPlan(add=[CRASH], suggest=[unsure(ENV, 0.6)], remove=[OOM]))
    assert body == {"labels": [CRASH, {"name": ENV, "suggest": True, "confidence": "medium",
                                       "rationale": "matched a traceback"}]}


def test_label_request_body_is_none_when_nothing_to_post():
    assert label_request_body(LabelPlan(remove=[CRASH])) is None


def test_rationale_cannot_ping_or_render_html():
    hostile = LabelChoice(name=ENV, confident=False, rationale="ask @octocat and @org/team <img src=x>\n" + "y" * 500)
    rationale = label_request_body(LabelPlan(suggest=[hostile]))["labels"][0]["rationale"]
    assert "@octocat" not in rationale and "@org/team" not in rationale
    assert "<" not in rationale and ">" not in rationale and "\n" not in rationale
    assert len(rationale) <= 200 and rationale.startswith("ask @\u200bocto")


def test_empty_rationale_is_left_out():
    item = label_request_body(LabelPlan(suggest=[LabelChoice(name=ENV, confident=False)]))["labels"][0]
    assert "rationale" not in item


def _add_labels_schema():
    """The request-body schema of POST /repos/{owner}/{repo}/issues/{issue_number}/labels from the fixture copy."""
    assert OPENAPI.is_file(), f"missing fixture {OPENAPI} (engineer A copies /work/shared/github/openapi-subset.json)"
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    op = spec["paths"]["/repos/{owner}/{repo}/issues/{issue_number}/labels"]["post"]
    return op["requestBody"]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    "plan_",
    [
        LabelPlan(add=[CRASH]),
        LabelPlan(suggest=[unsure(ENV)]),
        LabelPlan(add=[CRASH, INFER], suggest=[unsure(ENV, 0.9), LabelChoice(name=OOM, confident=False)]),
    ],
)
def test_label_request_body_is_valid_under_githubs_schema(plan_):
    OAS30Validator(_add_labels_schema()).validate(label_request_body(plan_))


def test_schema_check_is_real():
    validator = OAS30Validator(_add_labels_schema())
    assert not validator.is_valid({"labels": []})
    assert not validator.is_valid({"labels": [{"name": ENV, "suggest": True, "confidence": 0.4}]})
