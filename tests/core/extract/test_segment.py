"""Tests for segment: fences (unbalanced too), <details>, HTML comments, issue-form sections, chunks."""

from bot.core.extract.segment import Chunk, segment, split_lines


def kinds(body: str) -> list[tuple[str, str]]:
    """(kind, text) of each block."""
    return [(b.kind, b.text) for b in segment(split_lines(body))]


def test_fences_and_prose():
    assert kinds("hello\n```python\nx = 1\n```\nbye") == [("prose", "hello"), ("code", "x = 1"), ("prose", "bye")]


def test_unbalanced_fence_runs_to_the_end():
    assert kinds("a\n```\ncode\nmore") == [("prose", "a"), ("code", "code\nmore")]


def test_longer_fence_needs_a_closing_fence_as_long():
    assert kinds("````\n```\ninner\n```\n````\nafter") == [("code", "```\ninner\n```"), ("prose", "after")]


def test_details_content_is_code_and_summary_dropped():
    got = kinds("intro\n<details><summary>env</summary>\n\nPyTorch version: 2.1\n</details>\noutro")
    assert [(k, t.strip()) for k, t in got] == [("prose", "intro"), ("code", "PyTorch version: 2.1"), ("prose", "outro")]


def test_html_comments_are_dropped_even_multiline():
    assert kinds("<!-- Please fill\nthe template -->\nreal text") == [("prose", "real text")]
    assert kinds("keep <!-- x --> this") == [("prose", "keep <!-- x --> this")]


def test_issue_form_sections_and_no_response():
    blocks = segment(split_lines("### Environment\n\n_No response_\n\n### Model\n\nQwen2-7B"))
    assert [b.section for b in blocks] == ["environment", "model"]
    assert all("_No response_" not in b.text for b in blocks)


def test_crlf_offsets_stay_exact():
    text = "a\r\nbb\r\n"
    lines = split_lines(text, 10)
    assert lines[:2] == [(10, "a"), (13, "bb")]


def test_chunk_maps_joined_positions_back():
    lines = [(5, "abc"), (40, "defg")]
    chunk = Chunk(lines)
    assert chunk.text == "abc\ndefg"
    assert chunk.at(1) == 6 and chunk.at(4) == 40 and chunk.span(5, 7) == (41, 43)
    assert Chunk.of("xyz", 7).at(2) == 9
