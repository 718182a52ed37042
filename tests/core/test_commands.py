"""Table tests for the slash-command grammar in bot.core.commands."""

import re

import markdown_it
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.core.commands import (
    CommandError,
    Help,
    InfoOk,
    LabelEdit,
    NeedsInfo,
    SetNode,
    Triage,
    help_text,
    new_commands,
    parse_commands,
    required_permission,
)

SLUG = "firstmile-bot"


def parse(body, slug=SLUG):
    return parse_commands(body, slug=slug)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("/triage", [Triage()]),
        ("  /triage  ", [Triage()]),
        ("/TRIAGE", [Triage()]),
        ("/label add bug", [LabelEdit(("bug",), ())]),
        ("/label add bug enhancement", [LabelEdit(("bug", "enhancement"), ())]),
        ("/label remove bug", [LabelEdit((), ("bug",))]),
        ("/label +a -b", [LabelEdit(("a",), ("b",))]),
        ("/label a", [LabelEdit(("a",), ())]),
        ("/label +a +a", [LabelEdit(("a",), ())]),
        ("/label ADD bug", [LabelEdit(("bug",), ())]),
        ("/symptom hang", [SetNode("symptom", "hang")]),
        ("/symptom Crash - CUDA Error - Out of Memory", [SetNode("symptom", "Crash - CUDA Error - Out of Memory")]),
        ("/symptom crash/cuda error/out of memory", [SetNode("symptom", "crash/cuda error/out of memory")]),
        ('/symptom "symptom: hang"', [SetNode("symptom", "symptom: hang")]),
        ("/cause dependency", [SetNode("root_cause", "dependency")]),
        ("/stage inference", [SetNode("stage", "inference")]),
        ("/stage fine-tuning", [SetNode("stage", "fine-tuning")]),
        ("/needs-info", [NeedsInfo(())]),
        ("/needs-info torch cuda", [NeedsInfo(("torch", "cuda"))]),
        ("/needs-info torch, CUDA, torch", [NeedsInfo(("torch", "cuda"))]),
        ("/info-ok", [InfoOk()]),
        ("/firstmile help", [Help()]),
        ("/firstmile", [Help()]),
        ("/triage\n/label +bug\n\n/stage inference",
         [Triage(), LabelEdit(("bug",), ()), SetNode("stage", "inference")]),
    ],
)
def test_slash_commands(body, expected):
    assert parse(body) == expected


@pytest.mark.parametrize(
    "body, add, remove",
    [
        ('/label add "symptom: crash"', ("symptom: crash",), ()),
        ('/label add "symptom: crash" bug', ("symptom: crash", "bug"), ()),
        ('/label remove "stage: fine-tuning"', (), ("stage: fine-tuning",)),
        ('/label +"symptom: hang" -"symptom: crash"', ("symptom: hang",), ("symptom: crash",)),
        ('/label "symptom: hang"', ("symptom: hang",), ()),
        ('/label add "-odd"', ("-odd",), ()),
        ("/label add -odd", ("-odd",), ()),
        ("/label remove +odd", (), ("+odd",)),
        ('/label +"-odd"', ("-odd",), ()),
        ("/label +\u201csymptom: hang\u201d", ("symptom: hang",), ()),
        ("/label +`symptom: hang`", ("symptom: hang",), ()),
        ("/label +won't-fix", ("won't-fix",), ()),
        ('/label +"  spaced  "', ("spaced",), ()),
    ],
)
def test_label_quoting(body, add, remove):
    assert parse(body) == [LabelEdit(add, remove)]


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("/label", "at least one label"),
        ("/label add", "at least one label"),
        ('/label add "symptom: crash', "quote is not closed"),
        ('/label +""', "empty label name"),
        ("/label + a", "empty label name"),
        ("/label +a -a", "both added and removed"),
        ("/label +A -a", "both added and removed"),
        ("/label +" + "x" * 51, "longer than 50"),
        ("/symptom", "needs a node"),
        ("/cause   ", "needs a node"),
        ("/triage now please", "takes no arguments"),
        ("/info-ok thanks", "takes no arguments"),
        ("/firstmile foo", "Unknown command"),
    ],
)
def test_argument_errors(body, fragment):
    (err,) = parse(body)
    assert isinstance(err, CommandError)
    assert fragment in err.message
    assert err.line == body.strip()


@pytest.mark.parametrize(
    "word, suggestion",
    [
        ("lable", "label"),
        ("labels", "label"),
        ("lbel", "label"),
        ("triag", "triage"),
        ("retriage", "triage"),
        ("symptoms", "symptom"),
        ("sympton", "symptom"),
        ("needsinfo", "needs-info"),
        ("needs_info", "needs-info"),
        ("need-info", "needs-info"),
        ("info_ok", "info-ok"),
        ("stag", "stage"),
        ("firstmille", "firstmile"),
    ],
)
def test_misspellings_get_a_suggestion(word, suggestion):
    (err,) = parse(f"/{word} x")
    assert isinstance(err, CommandError)
    assert f"`/{suggestion}`" in err.message


@pytest.mark.parametrize(
    "body",
    [
        "/usr/local/cuda/bin",
        "/usr/local/cuda/bin/nvcc --version",
        "/home/me/models/qwen",
        "/lgtm",
        "/assign @someone",
        "/close",
        "/retest",
        "/help",
        "/",
        "/ label +bug",
        "/hold",
        "/kind bug",
        "/approve",
        "the /label command is nice",
        "please run /triage",
        "# /triage",
        "## /label +bug",
    ],
)
def test_lines_not_addressed_to_us_are_ignored(body):
    assert parse(body) == []


@pytest.mark.parametrize(
    "body",
    [
        "```\n/label +bug\n```",
        "~~~\n/triage\n~~~",
        "```python\nx = 1\n/symptom hang\n```",
        "    /triage",
        "text\n\n    /label +bug\n",
        "`/triage`",
        "see `the\n/triage` here",
        "> /triage",
        "> quoting you:\n> /label +bug",
        ">> /symptom hang",
        "<!-- /triage -->",
        "<!--\n/label +bug\n-->",
        "text <!--\n/label +bug\n--> more",
        "<div>\n/triage\n</div>",
        "- /triage",
        "1. /label +bug",
        "* item\n  /triage",
        "> - /triage",
    ],
)
def test_code_quotes_html_and_lists_are_ignored(body):
    assert parse(body) == []


def test_commands_around_ignored_regions_still_count():
    body = "```\n/triage\n```\n/label +bug\n> /symptom hang\n\n<!-- /info-ok -->\n/stage inference <!-- why -->"
    assert parse(body) == [LabelEdit(("bug",), ()), SetNode("stage", "inference")]


def test_command_after_prose_line_in_same_paragraph():
    assert parse("Thanks, this is a duplicate.\n/label +duplicate\nCheers") == [LabelEdit(("duplicate",), ())]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("/symptom **hang**", [SetNode("symptom", "hang")]),
        ("/label +*bug*", [LabelEdit(("bug",), ())]),
        ("/label +needs_info -wont_fix", [LabelEdit(("needs_info",), ("wont_fix",))]),
        ("/label +bug\\\n/triage", [LabelEdit(("bug",), ()), Triage()]),
        ("/label +bug  \n/triage", [LabelEdit(("bug",), ()), Triage()]),
        ("Thanks\r\n/label +bug\r\n\r\n```\r\n/triage\r\n```\r\n", [LabelEdit(("bug",), ())]),
        ("<details>\n<summary>env</summary>\n\n/triage\n\n</details>", [Triage()]),
        ("\t/triage", []),
    ],
)
def test_inline_markup_line_breaks_and_crlf(body, expected):
    assert parse(body) == expected


@settings(max_examples=300, deadline=None)
@example("@firstmile-bot @org/team <b>x</b>")
@example('/label +"@bob <i>x</i>`" -x')
@example("/firstmile @org/team `<b>` ``")
@example('/label +"' + "@a" * 40 + '"')
@given(st.text(alphabet=st.sampled_from(list("/@`>\"*_-+ \nabeltrigsymp<!-")) | st.characters(), max_size=200))
def test_parser_never_raises_and_errors_are_safe(body):
    for cmd in parse(body):
        if isinstance(cmd, CommandError):
            html = markdown_it.MarkdownIt("commonmark").render(cmd.message)
            outside = re.sub(r"<code>.*?</code>", "", html, flags=re.S).replace("<p>", "").replace("</p>", "")
            assert "<" not in outside and "@" not in outside


def test_setext_heading_underline_does_not_hide_a_command():
    assert parse("/triage\n---") == [Triage()]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("@firstmile-bot label +a -b", [LabelEdit(("a",), ("b",))]),
        ("@FirstMile-Bot triage", [Triage()]),
        ("@firstmile-bot[bot] triage", [Triage()]),
        ("@firstmile-bot: triage", [Triage()]),
        ("@firstmile-bot, symptom hang", [SetNode("symptom", "hang")]),
        ("@firstmile-bot /label add bug", [LabelEdit(("bug",), ())]),
        ("@firstmile-bot help", [Help()]),
        ("@firstmile-bot firstmile help", [Help()]),
        ("@firstmile-bot needs-info torch", [NeedsInfo(("torch",))]),
        ("@firstmile-bot info-ok", [InfoOk()]),
        ("@firstmile-bot cause cuda", [SetNode("root_cause", "cuda")]),
        ("@firstmile-botty triage", []),
        ("@someone-else label +a", []),
        ("> @firstmile-bot triage", []),
        ("`@firstmile-bot triage`", []),
    ],
)
def test_mention_form(body, expected):
    assert parse(body) == expected


def test_mention_form_needs_a_slug():
    assert parse("@firstmile-bot triage", slug=None) == []


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("@firstmile-bot", "No command"),
        ("@firstmile-bot lable +a", "did you mean `label`"),
        ("@firstmile-bot please look at this", "Unknown command `please`."),
    ],
)
def test_mention_form_errors(body, fragment):
    (err,) = parse(body)
    assert isinstance(err, CommandError)
    assert fragment in err.message


def test_equal_commands_compare_equal_whatever_their_line():
    assert parse("/label   +a   -b")[0] == parse("@firstmile-bot label +a -b")[0]
    assert parse("/label   +a   -b")[0].line == "/label   +a   -b"


def test_at_most_max_commands_per_comment():
    assert len(parse("\n".join(["/triage"] * 50))) == 20


def test_empty_and_none_bodies():
    assert parse("") == [] and parse(None) == []


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (None, "/triage", [Triage()]),
        ("/triage", "/triage", []),
        ("/triage", "/triage\n/label +bug", [LabelEdit(("bug",), ())]),
        ("/label +bug", "/label   +bug\n", []),
        ("/label +bug", "@firstmile-bot label +bug", []),
        ("/triage", "/triage\n/triage", [Triage()]),
        ("/lable +a", "/label +a", [LabelEdit(("a",), ())]),
        ("/symptom hang", "/symptom crash", [SetNode("symptom", "crash")]),
        ("```\n/triage\n```", "/triage", [Triage()]),
        ("/triage", "```\n/triage\n```", []),
        ("/triage", "", []),
    ],
)
def test_new_commands_on_edit(old, new, expected):
    assert new_commands(new, old, slug=SLUG) == expected


@pytest.mark.parametrize(
    "cmd, level",
    [
        (Triage(), "triage"),
        (LabelEdit(("a",), ()), "triage"),
        (SetNode("symptom", "hang"), "triage"),
        (NeedsInfo(()), "triage"),
        (InfoOk(), "triage"),
        (Help(), "none"),
        (CommandError("x"), "none"),
    ],
)
def test_required_permission(cmd, level):
    assert required_permission(cmd) == level


def test_help_text_lists_every_command_and_who_may_run_it():
    text = help_text("firstmile-bot")
    for command in ("/triage", "/label add", "/label remove", "/label +a -b", "/symptom", "/cause",
                    "/stage", "/needs-info", "/info-ok", "/firstmile help"):
        assert command in text
    assert "issue's author" in text and "anyone" in text and "triage access" in text
    assert '"symptom: crash"' in text
    assert "`@firstmile-bot label +bug`" in text


def test_error_messages_echo_user_text_only_inside_code():
    (err,) = parse('/label +"@org/team <b>x</b> `y`' + "x" * 60 + '"')
    assert "org/team" in err.message and "@org" not in err.message  # echoed, and it cannot ping
    html = markdown_it.MarkdownIt("commonmark").render(err.message)
    assert "<b>" not in html and "<code>" in html
