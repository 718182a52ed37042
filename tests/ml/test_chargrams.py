"""Tests for bot.ml.chargrams: vector ids of character 2- and 3-grams from lookup tables."""

import numpy as np
import pytest

from bot.ml.chargrams import CharGrams

COLUMNS = {"ab": 0, "bc": 1, "abc": 2, "显存": 3, "存不": 4, "显存不": 5, "c ": 6}


def ids(text: str) -> tuple[list[int], list[int]]:
    pairs, triples = CharGrams(COLUMNS).ids(text)
    return pairs.tolist(), triples.tolist()


def test_each_gram_gets_its_column_plus_one_in_text_order_and_unknown_grams_zero():
    assert ids("abcab") == ([1, 2, 0, 1], [3, 0, 0])


def test_chinese_grams_and_characters_outside_the_alphabet():
    assert ids("显存不足") == ([4, 5, 0], [6, 0])
    assert ids("a显存🚀显存") == ([0, 4, 0, 0, 4], [0, 0, 0, 0])


def test_grams_with_spaces_and_texts_too_short_for_a_gram():
    assert ids("abc ") == ([1, 2, 7], [3, 0])
    assert ids("a") == ([], []) and ids("") == ([], [])
    assert ids("ab") == ([1], [])


def test_the_same_counts_as_slicing_the_text_into_strings():
    text = "abc bcab 显存不显存 c abc"
    pairs, triples = CharGrams(COLUMNS).ids(text)
    want = [COLUMNS.get(text[i:i + n], -1) + 1 for n in (2, 3) for i in range(len(text) - n + 1)]
    assert np.concatenate((pairs, triples)).tolist() == want


def test_other_gram_sizes_are_refused():
    with pytest.raises(ValueError):
        CharGrams({"abcd": 0})


def test_an_alias_counts_as_the_character_it_names():
    pairs, triples = CharGrams({"a0": 0, "a00": 1}, {"7": "0", "8": "0"}).ids("a78 a0")
    assert pairs.tolist() == [1, 0, 0, 0, 1] and triples.tolist() == [2, 0, 0, 0]
