"""Tests for tolerant version parsing and comparison."""

import pytest

from bot.core import versions


@pytest.mark.parametrize("text, expected", [
    ("2.1.0+cu121", "2.1.0"), ("12.1", "12.1"), ("cuda_12.6", "12.6"), ("V12.1.105", "12.1.105"),
    ("0.8.0.dev0+cu121", "0.8.0.dev0"), ("0.5.0.post1", "0.5.0.post1"), ("Python 3.10.12", "3.10.12"),
    ("535.104.05", "535.104.5"), ("4.37.0rc1", "4.37.0rc1"),
])
def test_parse_tolerates_pasted_forms(text, expected):
    assert str(versions.parse(text)) == expected


@pytest.mark.parametrize("text", ["", None, "abc", "N/A"])
def test_parse_none_without_digits(text):
    assert versions.parse(text) is None


@pytest.mark.parametrize("a, op, b, expected", [
    ("4.36.2", "<", "4.37.0", True), ("4.37.2", "<", "4.37.0", False),
    ("0.8.0.dev0+cu121", "<", "0.8.1", True), ("2.1.0+cu121", ">=", "2.1", True),
    ("12.1.105", ">", "12.1", False),  # different precision: only the common prefix counts
    ("12.4", ">", "12", False), ("12.1", ">", "11", True), ("3.12", ">=", "3.12", True),
])
def test_compare(a, op, b, expected):
    assert versions.compare(a, op, b) is expected


def test_compare_unknown_is_none():
    assert versions.compare("n/a", "<", "1.0") is None


@pytest.mark.parametrize("tag, cuda", [("2.1.0+cu121", "12.1"), ("1.13.1+cu117", "11.7"), ("1.12.0+cu102", "10.2"),
                                       ("2.1.0+cpu", None), ("2.1.0", None), (None, None)])
def test_torch_cuda_from_local_tag(tag, cuda):
    assert versions.torch_cuda(tag) == cuda


def test_major():
    assert versions.major("12.4.1") == 12 and versions.major("x") is None


def test_holds_compares_parsed_versions_and_says_none_when_one_is_missing():
    assert versions.holds(versions.parse("12.1.105"), ">=", versions.parse("12.1")) is True
    assert versions.holds(versions.parse("2.0"), ">", versions.parse("2.1")) is False
    assert versions.holds(None, "<", versions.parse("2.1")) is None


@pytest.mark.parametrize("have, op, need, result", [
    ("4.52.0.dev0", "<", "4.52.0", False),  # the development build of the release a model needs has its support
    ("4.52.0.dev0", ">=", "4.52.0", True),
    ("0.9.0rc1", "<", "0.9", False),
    ("4.51.0.dev0", "<", "4.52.0", True),  # an older release's build is still older
    ("4.52.0.dev0", "<", "4.52.0.dev1", True),  # two pre-releases compare as they are
])
def test_a_pre_release_of_a_release_meets_that_release(have, op, need, result):
    assert versions.compare(have, op, need) is result
