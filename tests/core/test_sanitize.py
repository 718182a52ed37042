"""Tests for sanitizing untrusted issue text: hostile strings must not ping, render HTML, link, or issue commands."""

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.core import sanitize

HOSTILE = [
    "@org/team please look", "cc @user", "mail me: a.b@example.com", "<img src=x onerror=alert(1)>",
    "<!-- hidden -->", "<details><summary>x</summary>", "<a href='https://evil'>x</a>", "[x](javascript:alert(1))",
    "![img](https://evil/x.png)", "```\ninjected\n```", "/label +x", "`code` and ``more``", "https://evil.example",
    "www.evil.example", "&lt;script&gt;",
]
_MD = MarkdownIt("commonmark")
_MENTION = re2.compile(r"@[A-Za-z0-9]")  # GitHub links @ followed directly by a login character


def _rendered(md: str) -> str:
    return _MD.render(md)


@pytest.mark.parametrize("s", HOSTILE)
def test_code_span_is_one_inert_code_element(s):
    out = sanitize.code(s)
    html = _rendered(out)
    assert html.count("<code>") == 1
    assert "<img" not in html and "<a " not in html and "<details" not in html and "<!--" not in html
    assert not _MENTION.search(out)
    assert "\n" not in out


@pytest.mark.parametrize("s", HOSTILE)
def test_text_renders_no_html_links_or_mentions(s):
    out = sanitize.text(s)
    html = _rendered(out)
    for tag in ("<img", "<a ", "<details", "<!--", "<code", "<script"):
        assert tag not in html
    assert not _MENTION.search(out)
    assert not out.startswith("/")


@pytest.mark.parametrize("s", HOSTILE + ["a\n/label +bug\n  /triage\nend", "x\n" + "`" * 7 + "\ny"])
def test_block_cannot_be_closed_from_inside(s):
    out = sanitize.block(s)
    html = _rendered(out + "\n\nafter")
    assert html.count("<pre>") == 1
    assert html.rstrip().endswith("<p>after</p>")
    assert not _MENTION.search(out)
    assert not any(line.lstrip().startswith("/label") or line.lstrip().startswith("/triage")
                   for line in out.splitlines())


def test_block_keeps_paths_at_line_start():
    assert "\n/usr/lib/python3/x.py\n" in sanitize.block("/usr/lib/python3/x.py")


def test_code_fence_longer_than_any_backtick_run():
    out = sanitize.code("a ``` b")
    assert out.startswith("````") and _rendered(out).count("<code>") == 1


def test_code_table_escapes_pipes():
    assert sanitize.code("a|b", table=True) == "`a\\|b`"


def test_trim_marks_cut():
    assert sanitize.trim("abcdef", 4) == "abc…" and sanitize.trim("abc", 4) == "abc"


def test_code_limit_and_empty():
    assert sanitize.code("x" * 50, limit=10) == "`" + "x" * 9 + "…`"
    assert sanitize.code("   ") == "` `"


_HOSTILE_ALPHABET = "ab@/<>&[]()!`*_|#-:.\\\n hjs=\"'"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_HOSTILE_ALPHABET, max_size=80))
def test_any_text_stays_inert(s):
    span = _rendered("x " + sanitize.code(s) + " y")
    assert span.count("<code>") == 1 and "<a " not in span and "<img" not in span
    assert not _MENTION.search(sanitize.code(s)) and not _MENTION.search(sanitize.text(s))
    plain = _rendered("x " + sanitize.text(s) + " y")
    for tag in ("<a ", "<img", "<code", "<em", "<strong", "<script", "<h1"):
        assert tag not in plain
    fenced = _rendered(sanitize.block(s) + "\n\nafter")
    assert fenced.count("<pre>") == 1 and fenced.rstrip().endswith("<p>after</p>")


def test_valid_replaces_lone_surrogates_only():
    from bot.core.sanitize import valid

    assert valid("a\ud800b") == "a?b"
    assert valid("显卡 ok") == "显卡 ok"
