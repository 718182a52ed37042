"""Table tests for the pure decide step of maintainer commands in bot.core.overrides."""

import markdown_it
import pytest

from bot.core.commands import (
    CommandError,
    Help,
    InfoOk,
    LabelEdit,
    NeedsInfo,
    SetNode,
    Triage,
    help_text,
    parse_commands,
)
from bot.core.overrides import Context, OverrideRecord, Plan, decide, decide_all, may_run

NODES = {
    "symptom": {
        ("Crash",): "symptom: crash",
        ("Crash", "CUDA Error"): "symptom: cuda-error",
        ("Crash", "CUDA Error", "Out of Memory"): "symptom: oom",
        ("Hang",): "symptom: hang",
        ("Hang", "Generation Process Stuck"): "symptom: generation-stuck",
    },
    "root_cause": {("Environment Compatibility Issues",): "cause: environment"},
    "stage": {("Inference",): "stage: inference", ("Fine-tuning",): "stage: fine-tuning"},
}
DIMENSION_OF = {label: dim for dim, nodes in NODES.items() for label in nodes.values()}


def resolve(dimension, name):
    """A tiny table resolver: exact label or " - " path, else an error message."""
    for path, label in NODES[dimension].items():
        if name.lower() in (label, " - ".join(path).lower()):
            return path, tuple(NODES[dimension][path[: i + 1]] for i in range(len(path)))
    return f"no {dimension} node named {name!r}"


def raising_resolve(dimension, name):
    """The same resolver in the raising style of Taxonomy.resolve."""
    got = resolve(dimension, name)
    if isinstance(got, str):
        raise ValueError(got)
    return got


REPO_LABELS = frozenset(DIMENSION_OF) | {"bug", "duplicate", "needs-info", "good first issue"}


def ctx(**kw):
    base = dict(
        login="alice", permission="write", labels=("symptom: crash", "bug"),
        bot_labels=frozenset({"symptom: crash"}), dimension_of=DIMENSION_OF,
        decision={"symptom": (("Crash",), 0.62)}, repo_labels=REPO_LABELS,
        slug="firstmile-bot", issue="o/r#7", at="2026-11-23T00:00:00Z",
    )
    base.update(kw)
    return Context(**base)


LEVELS = ["admin", "maintain", "write", "triage", "read", "none"]
CHANGING = [LabelEdit(("duplicate",), ()), SetNode("symptom", "Hang"), NeedsInfo(()), InfoOk()]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("cmd", CHANGING, ids=lambda c: type(c).__name__)
@pytest.mark.parametrize("author", [False, True])
def test_permissions_for_changing_commands(level, cmd, author):
    allowed = level in ("admin", "maintain", "write", "triage")
    plan = decide(cmd, ctx(permission=level, is_author=author), resolve)
    assert may_run(cmd, ctx(permission=level, is_author=author)) is allowed
    if allowed:
        assert plan.react == "+1" and plan.reply is None and plan.error is None
        assert plan.add_labels or plan.overrides
    else:
        assert plan == Plan(reply=plan.reply, error=plan.reply)
        assert "`alice`" in plan.reply and "triage access or higher" in plan.reply
        assert "firstmile commands" not in plan.reply


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("author", [False, True])
def test_triage_runs_for_triage_and_up_or_the_author(level, author):
    allowed = author or level in ("admin", "maintain", "write", "triage")
    plan = decide(Triage(), ctx(permission=level, is_author=author), resolve)
    if allowed:
        assert plan == Plan(react="+1", retriage=True)
    else:
        assert not plan.retriage and plan.react is None
        assert "issue's author" in plan.reply


@pytest.mark.parametrize("level", LEVELS)
def test_help_is_for_anyone_and_is_a_reply(level):
    assert decide(Help(), ctx(permission=level), resolve) == Plan(reply=help_text("firstmile-bot"))


@pytest.mark.parametrize("cmd", [Triage(), Help(), *CHANGING, CommandError("Unknown command `/lable`")],
                         ids=lambda c: type(c).__name__)
def test_bots_and_the_app_are_ignored(cmd):
    assert decide(cmd, ctx(permission="admin", is_bot=True), resolve) == Plan()
    assert decide_all([cmd], ctx(permission="admin", is_bot=True), resolve) == Plan()


@pytest.mark.parametrize("level", ["admin", "read", "none"])
@pytest.mark.parametrize(
    "cmd, fragment",
    [
        (CommandError("Unknown command `/lable`; did you mean `/label`?"), "did you mean `/label`"),
        (LabelEdit(("nope",), ()), "no label `nope`"),
        (LabelEdit((), ("nope",)), "no label `nope`"),
        (SetNode("symptom", "exploded"), "no symptom node named 'exploded'"),
        (SetNode("stage", "pretraining"), "no stage node named"),
    ],
    ids=lambda v: getattr(v, "__class__", type(v)).__name__ if not isinstance(v, str) else v[:12],
)
def test_unknown_command_label_or_node_is_checked_before_permission(level, cmd, fragment):
    plan = decide(cmd, ctx(permission=level), resolve)
    assert fragment in plan.error
    assert plan.reply.startswith(plan.error) and "firstmile commands" in plan.reply
    assert (plan.add_labels, plan.remove_labels, plan.overrides, plan.react) == ((), (), (), None)


def test_raising_resolver_is_accepted():
    plan = decide(SetNode("symptom", "exploded"), ctx(), raising_resolve)
    assert "no symptom node named" in plan.error
    assert decide(SetNode("symptom", "Hang"), ctx(), raising_resolve).add_labels == ("symptom: hang",)


def test_write_users_symptom_replaces_the_bots_label_and_is_recorded():
    plan = decide(SetNode("symptom", "Hang"), ctx(), resolve)
    assert plan.add_labels == ("symptom: hang",)
    assert plan.remove_labels == ("symptom: crash",)
    assert plan.react == "+1" and plan.reply is None
    assert plan.overrides[0] == OverrideRecord(
        issue="o/r#7", at="2026-11-23T00:00:00Z", login="alice", dimension="symptom",
        before=("symptom: crash",), after=("symptom: hang",), path=("Hang",),
        bot_path=("Crash",), bot_confidence=0.62, corrects_bot=True,
    )


def test_symptom_replaces_every_label_of_the_dimension_only():
    labels = ("symptom: crash", "symptom: oom", "stage: inference", "bug")
    plan = decide(SetNode("symptom", "hang"), ctx(labels=labels), resolve)
    assert plan.remove_labels == ("symptom: crash", "symptom: oom")
    assert plan.add_labels == ("symptom: hang",)


def test_symptom_already_present_removes_the_others_and_adds_nothing():
    labels = ("symptom: crash", "symptom: hang")
    plan = decide(SetNode("symptom", "hang"), ctx(labels=labels, bot_labels=frozenset()), resolve)
    assert (plan.add_labels, plan.remove_labels) == ((), ("symptom: crash",))
    assert plan.overrides[0].before == labels and plan.overrides[0].corrects_bot is False


def test_a_leaf_brings_the_labels_of_its_whole_path_as_automatic_triage_does():
    labels = ("symptom: crash", "symptom: hang", "stage: inference")
    plan = decide(SetNode("symptom", "symptom: oom"), ctx(labels=labels), resolve)
    assert plan.add_labels == ("symptom: cuda-error", "symptom: oom")
    assert plan.remove_labels == ("symptom: hang",)
    assert plan.overrides[0].after == ("symptom: crash", "symptom: cuda-error", "symptom: oom")
    assert plan.overrides[0].path == ("Crash", "CUDA Error", "Out of Memory")


def test_confirming_the_bots_choice_is_still_recorded():
    plan = decide(SetNode("symptom", "crash"), ctx(), resolve)
    assert (plan.add_labels, plan.remove_labels, plan.react) == ((), (), "+1")
    assert plan.overrides[0].after == ("symptom: crash",) and plan.overrides[0].corrects_bot is False


def test_cause_and_stage_use_their_dimension_and_the_bots_decision():
    plan = decide(SetNode("stage", "inference"), ctx(decision={"stage": (("Fine-tuning",), 0.4)}), resolve)
    assert plan.add_labels == ("stage: inference",)
    assert plan.overrides[0].dimension == "stage" and plan.overrides[0].bot_confidence == 0.4
    cause = decide(SetNode("root_cause", "environment compatibility issues"), ctx(decision={}), resolve)
    assert cause.overrides[0].dimension == "root_cause" and cause.overrides[0].bot_path is None


@pytest.mark.parametrize(
    "cmd, labels, add, remove",
    [
        (LabelEdit(("duplicate",), ()), ("bug",), ("duplicate",), ()),
        (LabelEdit(("DUPLICATE",), ()), ("bug",), ("duplicate",), ()),
        (LabelEdit(("bug",), ()), ("bug",), (), ()),
        (LabelEdit((), ("BUG",)), ("Bug",), (), ("Bug",)),
        (LabelEdit((), ("duplicate",)), ("bug",), (), ()),
        (LabelEdit(("good first issue",), ("bug",)), ("bug",), ("good first issue",), ("bug",)),
    ],
)
def test_label_edits(cmd, labels, add, remove):
    plan = decide(cmd, ctx(labels=labels), resolve)
    assert (plan.add_labels, plan.remove_labels, plan.react, plan.overrides) == (add, remove, "+1", ())


def test_label_check_skipped_without_repo_labels():
    plan = decide(LabelEdit(("brand-new",), ()), ctx(repo_labels=None), resolve)
    assert plan.add_labels == ("brand-new",) and plan.error is None


def test_label_on_the_issue_counts_as_existing():
    plan = decide(LabelEdit((), ("legacy",)), ctx(labels=("legacy",)), resolve)
    assert plan.remove_labels == ("legacy",)


def test_adding_a_taxonomy_label_is_an_override_without_replacing():
    plan = decide(LabelEdit(("symptom: hang",), ()), ctx(), resolve)
    assert plan.add_labels == ("symptom: hang",) and plan.remove_labels == ()
    rec = plan.overrides[0]
    assert (rec.dimension, rec.before, rec.after, rec.path) == (
        "symptom", ("symptom: crash",), ("symptom: crash", "symptom: hang"), ("Hang",))


def test_removing_the_bots_taxonomy_label_is_an_override_to_nothing():
    plan = decide(LabelEdit((), ("symptom: crash",)), ctx(), resolve)
    rec = plan.overrides[0]
    assert (rec.before, rec.after, rec.path, rec.corrects_bot) == (("symptom: crash",), (), None, True)


def test_label_edit_across_two_dimensions_records_both():
    plan = decide(LabelEdit(("stage: inference",), ("symptom: crash",)), ctx(), resolve)
    assert [r.dimension for r in plan.overrides] == ["stage", "symptom"]


@pytest.mark.parametrize(
    "labels, cmd, add, remove, after, keys",
    [
        (("bug",), NeedsInfo(()), ("needs-info",), (), ("needs-info",), ()),
        (("needs-info",), NeedsInfo(("torch",)), (), (), ("needs-info",), ("torch",)),
        (("Needs-Info",), InfoOk(), (), ("Needs-Info",), (), ()),
        (("bug",), InfoOk(), (), (), (), ()),
    ],
)
def test_needs_info_and_info_ok(labels, cmd, add, remove, after, keys):
    plan = decide(cmd, ctx(labels=labels), resolve)
    assert (plan.add_labels, plan.remove_labels, plan.react) == (add, remove, "+1")
    assert (plan.overrides[0].dimension, plan.overrides[0].after, plan.overrides[0].keys) == ("needs_info", after, keys)


def test_needs_info_keys_are_checked_when_known():
    keys = frozenset({"torch", "cuda"})
    assert decide(NeedsInfo(("torch",)), ctx(info_keys=keys), resolve).react == "+1"
    plan = decide(NeedsInfo(("torch", "vibes")), ctx(info_keys=keys, permission="read"), resolve)
    assert "unknown key `vibes`" in plan.error and "`cuda`, `torch`" in plan.error
    assert "firstmile commands" in plan.reply


def test_custom_needs_info_label():
    plan = decide(NeedsInfo(()), ctx(needs_info_label="status: needs info", labels=()), resolve)
    assert plan.add_labels == ("status: needs info",)


def render(markdown):
    return markdown_it.MarkdownIt("commonmark").render(markdown)


def test_replies_never_ping_or_render_html():
    def evil(dimension, name):
        return f"no node <img src=x onerror=alert(1)> for @org/team or @bob {name}"

    plan = decide(SetNode("symptom", "@carol"), ctx(), evil)
    html = render(plan.error)
    assert "<img" not in html and "@org" not in plan.error and "@bob" not in plan.error
    assert "@carol" not in plan.error
    refused = decide(SetNode("symptom", "hang"), ctx(permission="read", login="dave"), resolve)
    assert "`dave`" in refused.reply and "@dave" not in refused.reply


def test_refusal_for_someone_without_access():
    plan = decide(LabelEdit(("bug",), ()), ctx(permission="none"), resolve)
    assert "you have no access" in plan.reply and "nothing was changed" in plan.reply


def test_decide_all_nets_label_changes_and_reacts_once():
    cmds = parse_commands("/symptom hang\n/label +duplicate -bug\n/stage inference", slug="firstmile-bot")
    plan = decide_all(cmds, ctx(), resolve)
    assert plan.add_labels == ("symptom: hang", "duplicate", "stage: inference")
    assert plan.remove_labels == ("symptom: crash", "bug")
    assert [r.dimension for r in plan.overrides] == ["symptom", "stage"]
    assert plan.react == "+1" and plan.reply is None


def test_decide_all_add_then_remove_cancels_out():
    cmds = [LabelEdit(("duplicate",), ()), LabelEdit((), ("duplicate",))]
    plan = decide_all(cmds, ctx(), resolve)
    assert (plan.add_labels, plan.remove_labels, plan.react) == ((), (), "+1")


def test_decide_all_errors_make_one_reply_with_help_once():
    cmds = [CommandError("Unknown command `/lable`."), LabelEdit(("nope",), ()), LabelEdit(("duplicate",), ())]
    plan = decide_all(cmds, ctx(), resolve)
    assert plan.reply.count("<details>") == 1
    assert "/lable" in plan.reply and "`nope`" in plan.reply
    assert plan.add_labels == ("duplicate",)
    assert plan.react is None


def test_decide_all_refusal_only_has_no_help():
    plan = decide_all([SetNode("symptom", "hang"), Triage()], ctx(permission="read"), resolve)
    assert plan.reply.count("Sorry `alice`") == 2 and "firstmile commands" not in plan.reply
    assert (plan.add_labels, plan.retriage, plan.react) == ((), False, None)


def test_decide_all_help_alone_replies_without_reaction():
    assert decide_all([Help()], ctx(permission="read"), resolve) == Plan(reply=help_text("firstmile-bot"))


def test_decide_all_help_with_a_success():
    plan = decide_all([Help(), Triage()], ctx(), resolve)
    assert plan.reply == help_text("firstmile-bot") and plan.retriage and plan.react == "+1"


def test_decide_all_of_nothing_is_an_empty_plan():
    assert decide_all([], ctx(), resolve) == Plan()


def test_override_record_round_trips_as_json():
    rec = decide(SetNode("symptom", "hang"), ctx(), resolve).overrides[0]
    assert OverrideRecord.model_validate_json(rec.model_dump_json()) == rec
