"""Tests for common: scan (ASCII and UTF-8 paths) agrees with re2's finditer; the prefilter; version helpers."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.extract.common import cuda_from_tag, first, first_version, is_empty, rx, scan

PATTERNS = [rx(r"(?i)(torch)[ =]*(\d+(?:\.\d+)*)?"), rx(r"(?m)^(\w*)$"), rx(r"x*"), rx(r"(a)|(b)|(c)"),
            rx(r"([中é😀]+)(\d?)"), rx(r"(?:)")]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="torch 0123456789.=\nabcx中é😀", max_size=60))
def test_scan_matches_finditer(text):
    for p in PATTERNS:
        fast = [(m.span(), [m.group(i) for i in range(p.groups + 1)]) for m in scan(p, text, 1000)]
        slow = [(m.span(), [m.group(i) for i in range(p.groups + 1)]) for m in p.finditer(text)]
        assert fast == slow[:1000]


def test_scan_limit_and_first():
    assert len(list(scan(rx("a"), "a" * 50, 7))) == 7
    assert first(rx("b"), "aaa") is None
    assert first(rx("(b+)"), "abbc").span(1) == (1, 3)


def test_version_helpers():
    assert first_version("3.10.12 (main, Nov 20 2023)") == "3.10.12"
    assert first_version("no digits") is None
    assert cuda_from_tag("cu121") == "12.1" and cuda_from_tag("cuda117") == "11.7" and cuda_from_tag("cpu") is None
    assert is_empty("Could not collect") and is_empty(" N/A ") and not is_empty("12.1")


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="torch 0123456789.=\nabcx中", max_size=60))
def test_prefilter_reports_exactly_the_patterns_that_match(text):
    from bot.core.extract.common import Prefilter

    pats = [rx(r"(?i)torch[ =]*\d"), rx(r"(?m)^x+$"), rx(r"中\d"), rx(r"(?i)ABC")]
    assert Prefilter(pats).which(text) == {i for i, p in enumerate(pats) if first(p, text) is not None}


def test_prefilter_is_exact_on_texts_past_a_mebibyte():
    from bot.core.extract.common import Prefilter

    pre = Prefilter([rx("a"), rx("b")])
    assert pre.which("c" * (2 << 20) + "b") == {1} and pre.which("c") == frozenset()
