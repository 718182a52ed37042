"""Tests for bot.ml.features: tokens per block and the capped TF-IDF vocabulary."""

import pytest

pytest.importorskip("sklearn")

import numpy as np  # noqa: E402

from bot.core.types import EnvFact, ErrorFact, Facts, Frame
from bot.ml.features import _TF, BLOCKS, char_tokens, concept_tokens, fit_vocabulary, meta_tokens, tokens, word_tokens


def facts(prose="", **kw):
    return Facts(text=prose, title=kw.pop("title", ""), prose=prose, **kw)


def test_word_tokens_are_lowercase_unigrams_and_bigrams_with_digits_folded():
    assert word_tokens("CUDA out of Memory") == ["cuda", "out", "of", "memory", "cuda out", "out of", "of memory"]
    assert word_tokens("sm80 fails", "t:") == ["t:sm00", "t:fails", "t:sm00 fails"]


def test_words_end_at_non_ascii_characters_even_digit_like_ones():
    assert word_tokens("x² cuda¹² 显存 FP16 0a 007b_") == ["cuda", "fp00", "b_", "cuda fp00", "fp00 b_"]


def test_char_tokens_cover_chinese_without_a_segmenter():
    grams = char_tokens("显存不足")
    assert "显存" in grams and "存不足" in grams
    assert "显存不足" in char_tokens("显存不足", sizes=(4,))


def test_meta_tokens_name_error_kinds_types_packages_env_keys_and_language():
    err = ErrorFact(kind="python", type="torch.cuda.OutOfMemoryError", message="x", package="vllm",
                    frames=[Frame(file="a.py", package="torch")], fingerprint="f", span=(0, 1))
    env = {"gpu": EnvFact(key="gpu", value="A100", source="prose", span=(0, 1)),
           "launcher": EnvFact(key="launcher", value="vLLM", source="derived", span=(0, 1))}
    toks = meta_tokens(facts(errors=[err], env=env, language="zh"))
    for t in ("lang=zh", "err_kind=python", "err_type=outofmemoryerror", "err_pkg=vllm", "frame_pkg=torch",
              "env=gpu", "env=launcher", "env_launcher=vllm"):
        assert t in toks
    assert "env_gpu=a100" not in toks  # only presence for most keys


def test_vocabulary_drops_terms_seen_in_one_document_and_caps_each_block():
    docs = [{"word": ["shared", "only_here"]}, {"word": ["shared", "common"]}, {"word": ["common", "shared"]}]
    vocab = fit_vocabulary(docs, min_df=2)
    assert vocab.terms["word"] == ["common", "shared"]
    assert fit_vocabulary(docs, min_df=1, max_terms={"word": 1}).terms["word"] == ["shared"]


def test_transform_normalises_each_block_to_its_weight():
    docs = [tokens(facts("gpu memory error 显存")), tokens(facts("gpu memory error 显存 again"))]
    vocab = fit_vocabulary(docs, min_df=1, weights={"word": 2.0, "char": 1.0})
    idx, vals = vocab.transform(docs[0])
    for block, weight in (("word", 2.0), ("char", 1.0)):
        lo = vocab.offsets[block]
        hi = lo + len(vocab.terms[block])
        part = vals[(idx >= lo) & (idx < hi)]
        assert np.isclose(np.linalg.norm(part), weight)


def test_transform_of_unknown_text_is_empty():
    vocab = fit_vocabulary([tokens(facts("alpha beta"))] * 2, min_df=1)
    idx, vals = vocab.transform({b: ["zzz"] for b in BLOCKS})
    assert idx.size == 0 and vals.size == 0


def test_concept_tokens_map_term_families_in_english_and_chinese():
    assert concept_tokens("Please upgrade transformers") == ["concept=version"]
    assert set(concept_tokens("用 int4 量化后多卡推理")) == {"concept=quant", "concept=multi_gpu"}
    assert concept_tokens("nothing relevant here") == []


def test_concepts_from_code_blocks_reach_the_meta_block():
    f = Facts(text="x", title="t", prose="it fails", code=["llm = LLM(model=m, tensor_parallel_size=4)"])
    assert "concept=multi_gpu" in tokens(f)["meta"]


def test_short_concept_terms_match_whole_words_not_parts_of_words():
    assert concept_tokens("a bloom in the room, see microsoft videos") == []
    assert concept_tokens("runs on a T4") == ["concept=hardware"]
    assert concept_tokens("eos_token_id is wrong") == ["concept=template"]  # `eos*` is a word prefix


@pytest.mark.parametrize("prose", ["", "a", "ab", "GPU OOM at step 12 显存不足 \u3000 again", "emoji 🚀🚀 x",
                                   "lone \ud800 surrogate \ud83d\ude80 pair", "显存" * 3000])
def test_transform_facts_matches_transform_of_tokens(prose):
    docs = [tokens(facts(p)) for p in ("GPU OOM at step 12 显存不足", "emoji 🚀🚀 x ab", "显存 lone \ud800")] * 2
    vocab = fit_vocabulary(docs, min_df=1)
    f = facts(prose, title="Title 7")
    want, got = vocab.transform(tokens(f)), vocab.transform_facts(f)
    assert np.array_equal(want[0], got[0]) and np.array_equal(want[1], got[1])


def test_concept_words_end_at_ascii_punctuation_and_unicode_spaces_but_not_at_other_characters():
    assert concept_tokens("用\u3000oom") == ["concept=memory"]  # an ideographic space separates words
    assert concept_tokens("(oom)") == ["concept=memory"]
    assert concept_tokens("用oom") == []  # a CJK character is part of the word, as str.split would keep it
    assert concept_tokens("Fine-Tuning and NCCL_DEBUG") == ["concept=multi_gpu", "concept=finetune"]


def test_the_tf_table_is_one_plus_the_log_of_each_count_to_the_bit():
    counts = np.arange(1, _TF.size)
    assert (_TF[counts] == 1.0 + np.log(counts)).all()
    assert (_TF.take(counts[::-7]) == 1.0 + np.log(counts[::-7])).all()


def test_warm_up_text_reaches_every_concept_and_term_of_the_vocabulary():
    docs = [tokens(facts("GPU OOM 显存不足, please upgrade")), tokens(facts("int4 量化 with nccl"))]
    vocab = fit_vocabulary(docs, min_df=1)
    idx, _ = vocab.warm_up()
    assert set(idx.tolist()) == set(range(vocab.size))
