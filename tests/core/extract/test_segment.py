"""Tests for segment: fences (unbalanced too), <details>, HTML comments, issue-form sections, chunks."""

from bot.core.extract.segment import Chunk, segment


def kinds(body: str) -> list[tuple[str, str]]:
    """(kind, text) of each block."""
    return [(b.kind, b.text) for b in segment(body)]


def test_fences_and_prose():
    assert kinds("hello\n```python\nx = 1\n```\nbye") == [("prose", "hello"), ("code", "x = 1"), ("prose", "bye")]


def test_unbalanced_fence_runs_to_the_end():
    assert kinds("a\n```\ncode\nmore") == [("prose", "a"), ("code", "code\nmore")]


def test_longer_fence_needs_a_closing_fence_as_long():
    assert kinds("````\n```\ninner\n```\n````\nafter") == [("code", "```\ninner\n```"), ("prose", "after")]


def test_inline_backticks_do_not_open_a_fence():
    assert kinds("use ```x``` here\nnext") == [("prose", "use ```x``` here\nnext")]


def test_details_content_is_code_and_summary_dropped():
    got = kinds("intro\n<details><summary>env</summary>\n\nPyTorch version: 2.1\n</details>\noutro")
    assert [(k, t.strip()) for k, t in got] == [("prose", "intro"), ("code", "PyTorch version: 2.1"), ("prose", "outro")]


def test_html_comments_are_dropped_even_multiline():
    assert [(k, t.strip()) for k, t in kinds("<!-- Please fill\nthe template -->\nreal text")] == [("prose", "real text")]
    assert [t for _, t in kinds("keep <!-- x --> this")] == ["keep \n this"]


def test_issue_form_sections_and_no_response():
    blocks = segment("### Environment\n\n_No response_\n\n### Model\n\nQwen2-7B")
    assert [b.section for b in blocks] == ["environment", "model"]
    assert blocks[1].text.endswith("Qwen2-7B")
    assert all("_No response_" not in b.text for b in blocks)
    assert "#123 is related" in segment("see\n#123 is related")[0].text


def test_pieces_keep_exact_offsets():
    body = "intro\n```\ncode line\n```\r\n<!-- c -->tail"
    for block in segment(body, 10):
        for off, piece in block.pieces:
            assert body[off - 10:off - 10 + len(piece)] == piece


def test_chunk_maps_joined_positions_back():
    chunk = Chunk([(5, "abc"), (40, "defg")])
    assert chunk.text == "abc\ndefg"
    assert chunk.at(1) == 6 and chunk.at(4) == 40 and chunk.span(5, 7) == (41, 43)
    assert Chunk.of("xyz", 7).at(2) == 9


def test_chunk_of_one_piece_and_of_none():
    one = Chunk([(12, "hello")])
    assert one.text == "hello" and one.at(0) == 12 and one.span(1, 3) == (13, 15)
    assert Chunk([]).text == "" and Chunk([]).at(3) == 3
