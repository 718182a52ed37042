"""The command registry: one CommandSpec per command; parsing, permission, help and effect all derive from it."""

from dataclasses import dataclass, field

import pytest

from bot.core.commands import CommandError, CommandSpec, help_text, parse_commands, required_permission
from bot.core.commands.plan import Plan
from bot.core.commands.spec import no_arguments
from bot.core.commands.registry import COMMANDS, by_word
from bot.core.overrides import Context, decide, decide_all, may_run

SLUG = "firstmile-bot"


@dataclass(frozen=True)
class Ping:
    """`/ping`: a command a contributor adds (what its own module would hold)."""

    line: str = field(default="", compare=False, kw_only=True)


PING = CommandSpec(words=("ping",), types=(Ping,), permission="write", parse=no_arguments(Ping),
                   help=(("/ping", "answer with a thumbs-up"),),
                   effect=lambda cmd, ctx, resolve: Plan(retriage=True))
WITH_PING = (*COMMANDS, PING)  # the one list entry


def _no_nodes(dimension, name):
    raise ValueError("no taxonomy here")


def test_a_new_command_is_one_spec_plus_one_list_entry():
    [cmd] = parse_commands("/ping", slug=SLUG, commands=WITH_PING)
    assert cmd == Ping()
    assert parse_commands(f"@{SLUG} ping", slug=SLUG, commands=WITH_PING) == [Ping()]
    assert required_permission(cmd, WITH_PING) == "write"
    assert "| `/ping` | answer with a thumbs-up | write access or higher |" in help_text(SLUG, WITH_PING)
    writer, reader = Context(login="m", permission="write"), Context(login="v", permission="triage")
    assert may_run(cmd, writer, WITH_PING) and not may_run(cmd, reader, WITH_PING)
    assert decide(cmd, writer, _no_nodes, WITH_PING) == Plan(retriage=True, react="+1")
    refused = decide(cmd, reader, _no_nodes, WITH_PING)
    assert refused.error and "`/ping` may be run only by people with write access" in refused.error
    assert decide_all([cmd], writer, _no_nodes, WITH_PING).retriage


def test_without_its_entry_the_new_word_is_not_a_command():
    assert parse_commands("/ping", slug=SLUG) == []
    assert "/ping" not in help_text(SLUG)


def test_an_unknown_word_addressed_to_us_is_an_error_with_help():
    [err] = parse_commands(f"@{SLUG} frobnicate now", slug=SLUG)
    assert isinstance(err, CommandError) and "Unknown command `frobnicate`" in err.message
    plan = decide_all([err], Context(login="m", permission="admin"), _no_nodes)
    assert plan.error and plan.react is None and not plan.add_labels and not plan.retriage
    assert "firstmile commands" in plan.reply and "| `/info-ok` |" in plan.reply


def test_a_misspelt_no_argument_word_is_an_error_not_info_ok():
    [err] = parse_commands("/info-okk", slug=SLUG)
    assert isinstance(err, CommandError) and "did you mean `/info-ok`" in err.message


def test_every_word_belongs_to_one_spec_and_every_spec_has_help_and_an_effect_or_is_help():
    words = by_word(COMMANDS)
    assert set(words) >= {"triage", "label", "symptom", "cause", "stage", "needs-info", "info-ok", "duplicate",
                          "not-duplicate", "firstmile"}
    for spec in COMMANDS:
        assert spec.help and spec.types
        assert spec.effect is not None or spec.permission == "none"
    with pytest.raises(ValueError):
        by_word((*COMMANDS, CommandSpec(words=("label",), types=(Ping,), parse=PING.parse, help=())))


def test_what_the_shell_gathers_follows_the_specs():
    from bot.core.commands import reads

    assert reads(parse_commands("/triage\n/firstmile help", slug=SLUG)) == frozenset()
    assert reads(parse_commands("/symptom hang", slug=SLUG)) == {"decision"}
    assert reads(parse_commands("/label +a\n/bogus-typo-word", slug=SLUG)) == {"decision", "repo_labels"}
    assert reads(parse_commands(f"@{SLUG} frobnicate", slug=SLUG)) == frozenset()
