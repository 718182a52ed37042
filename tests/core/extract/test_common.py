"""Tests for common: scan (ASCII and UTF-8 paths) agrees with re2's finditer; version helpers."""

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
