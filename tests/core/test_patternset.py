"""Tests for patternset: the prefiltered answer equals running every pattern, for the shipped rules' patterns too."""

import random

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.extract.common import first, rx
from bot.core.patternset import PatternSet, branches
from bot.core.ruleset import RuleSet

SMALL = [r"\bwindows\b|macos", r"乱码|garbled", r"x.{0,3}y", r"[a-c]", r"(?m)^\d+$", r"Ödland", r"\d"]


def _naive(patterns, text, ignore_case):
    opts = re2.Options()
    opts.case_sensitive = not ignore_case
    return {i for i, p in enumerate(patterns) if re2.compile(p, opts).search(text) is not None}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="windowsMACOS乱码garbledxXyY12 \nabcÖöDLAND", max_size=40), st.booleans())
def test_small_set_equals_each_pattern_run(text, ignore_case):
    assert set(PatternSet(SMALL, ignore_case=ignore_case).match(text)) == _naive(SMALL, text, ignore_case)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="torch 0123456789.=\nabcx中", max_size=60))
def test_compiled_patterns_keep_their_inline_flags_case_sensitive_by_default(text):
    pats = [rx(r"(?i)torch[ =]*\d"), rx(r"(?m)^x+$"), rx(r"中\d"), rx(r"ABC")]  # extraction's regexes
    found = set(PatternSet(p.pattern for p in pats).match(text))
    assert found == {i for i, p in enumerate(pats) if first(p, text) is not None}


def test_exact_on_texts_past_a_mebibyte():
    assert set(PatternSet(["a", "b"]).match("c" * (2 << 20) + "b")) == {1}


def test_bytes_and_str_agree_and_empty_set_matches_nothing():
    ps = PatternSet(SMALL, ignore_case=True)
    assert set(ps.match("WINDOWS 乱码".encode())) == set(ps.match("WINDOWS 乱码")) == {0, 1}
    assert list(PatternSet([]).match("anything")) == []


@pytest.mark.parametrize("pattern, parts", [
    ("a|b(c|d)|e", ["a", "b(c|d)", "e"]),
    (r"x\|y|z", [r"x\|y", "z"]),  # an escaped bar
    ("[|]|[]|]|[^]|]|q", ["[|]", "[]|]", "[^]|]", "q"]),  # bars inside classes, ] first in a class
    ("[[:alpha:]|]x|y", ["[[:alpha:]|]x", "y"]),  # a POSIX class inside a class
    ("(?i:a|b)|c", ["(?i:a|b)", "c"]),  # a scoped flag group is an ordinary group
    ("(?P<n>a|b)|c|", ["(?P<n>a|b)", "c", ""]),
    ("(?i)a|b", ["(?i)a|b"]),  # a top-level flag group applies to the alternatives after it
    ("a|(?s)b|c", ["a|(?s)b|c"]),
    (r"\Qa|b\E|c", [r"\Qa|b\E|c"]),  # quoted text
    ("plain", ["plain"]),
])
def test_branches_split_only_at_top_level_bars(pattern, parts):
    assert branches(pattern) == parts


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "(a|b)", "[|a]", r"\|", "a{0,3}", "(?i:B)", "^", "$", ".", "|", "|"]),
                max_size=8), st.text(alphabet="abAB|\n", max_size=12))
def test_a_pattern_occurs_exactly_where_one_of_its_branches_does(parts, text):
    pattern = "".join(parts)
    whole = re2.search(pattern, text) is not None
    assert whole == any(re2.search(b, text) is not None for b in branches(pattern))
    assert set(PatternSet([pattern, "zz"]).match(text)) == ({0} if whole else set())


def _whole_span(pattern: str, data: bytes, ignore_case: bool) -> tuple[int, int]:
    opts = re2.Options()
    opts.case_sensitive = not ignore_case
    m = re2.compile(pattern, opts).search(data)
    return m.span() if m else (-1, -1)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "(a|b)", "[|a]", "a{0,3}", "(?i:B)", "^", "$", ".", "|", "|", "中"]),
                max_size=8), st.text(alphabet="abAB|\n中", max_size=12), st.booleans())
def test_span_from_the_branches_found_is_the_whole_patterns_leftmost_first_match(parts, text, ignore_case):
    pattern, data = "".join(parts), text.encode()
    ps = PatternSet(["zz", pattern], ignore_case=ignore_case)
    assert ps.span(1, ps.branches_in(data), data) == _whole_span(pattern, data, ignore_case)


def _shipped_patterns():
    """Every pooled pattern of the shipped rules, with the words and fragments they are built from."""
    pools = RuleSet.load().compiler.pools  # the single-haystack pools: evidence's fields, as before
    pats = sorted({p for key, pool in pools.items() if key in (("title",), ("prose",), ("whole",), ("code",))
                   for p in pool.set.patterns})
    words = sorted({w for p in pats for w in re2.split(r"[^\w\x{4e00}-\x{9fff}]+", p) if w})
    return pats, words


def test_shipped_patterns_on_texts_built_from_their_own_words():
    pats, words = _shipped_patterns()
    ps, rng = PatternSet(pats, ignore_case=True), random.Random(7)
    seps = [" ", "\n", "  ", ". ", "/", "_", "!!!!", "：", "\t"]
    for size in (5, 40, 400):
        for _ in range(25):
            text = "".join(rng.choice(words).upper() if rng.random() < 0.2 else rng.choice(words) + rng.choice(seps)
                           for _ in range(size))
            assert set(ps.match(text)) == _naive(pats, text, True)
            data, found = text.encode(), ps.branches_in(text)
            for i in ps.match(text):
                assert ps.span(i, found, data) == _whole_span(pats[i], data, True)


def test_shipped_patterns_stay_exact_on_a_huge_varied_text():
    pats, words = _shipped_patterns()
    rng = random.Random(11)
    text = " ".join(rng.choice(words) + chr(rng.randrange(0x20, 0x3000)) for _ in range(120_000))
    assert len(text.encode()) > 1 << 20
    assert set(PatternSet(pats, ignore_case=True).match(text)) == _naive(pats, text, True)
