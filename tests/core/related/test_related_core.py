"""The pure related-issues core: tokens, model names, the hybrid score and the comment block."""

from __future__ import annotations

import pytest

from bot.core import sanitize

from bot.core.related import Related, doc_from_text, duplicate_of, rank, render_related, shown
from bot.core.related.models import best_similarity, models
from bot.core.related.text import concepts, error_lines, normalise_title, runs, strip_template, tokens


@pytest.mark.parametrize("a, b, low, high", [
    ("Qwen2.5-VL-7B-Instruct", "Qwen2-VL-2B", 0.5, 0.9),      # across versions, same variant: close
    ("Qwen2.5-7B", "Llama-3-8B", 0.0, 0.0),                   # another family: not close
    ("Llama-3.1-8B-Instruct", "llama 3.1 70b", 1.0, 1.0),     # the same model whatever the size or form
    ("Qwen2.5-7B", "Qwen2.5-VL-7B", 0.3, 0.7),                # the same version, another variant
])
def test_model_similarity(a, b, low, high):
    sim, _, _ = best_similarity(models(a), models(b))
    assert low <= sim <= high


def test_a_bare_family_name_is_a_tool_not_a_model_and_sizes_are_not_versions():
    assert models("run llama-cli and llama.cpp") == []
    (m,) = models("deploy gpt-oss-20b")
    assert (m.family, m.version, m.size) == ("gpt-oss", "", "20")


def test_titles_lose_template_tags_and_prose_loses_checklists():
    assert normalise_title("[Bug]: vLLM crashes") == "vllm crashes"
    assert normalise_title("【BUG】 乱码") == "乱码"
    assert "searched" not in strip_template("- [x] I have searched the existing issues\nreal text")


def test_tokens_stem_english_cut_chinese_into_bigrams_and_keep_names_whole():
    got = tokens("Repeating outputs with qwen2.5-vl and flash_attn 2.5.8: 显存不足")
    assert {"repeat", "output", "qwen2.5_vl", "flash_attn", "2.5.8", "显存", "存不", "不足"} <= set(got)
    assert "with" not in got


def test_a_flag_and_its_keyword_are_one_token():
    assert tokens("--max-model-len 4096") == tokens("max_model_len=4096")


def test_concepts_join_english_and_chinese_and_runs_find_symptom_strings():
    assert concepts("显存不足") == concepts("CUDA out of memory") == ["c_oom"]
    assert runs("output: GGGGGGGG and !!!!! but ---- and ====") == ["run_21", "run_g"]


def test_concepts_are_whole_words_and_output_strings_fold_their_forms():
    assert concepts("please change the config and read the info") == []  # no 'hang' in change, no 'inf' in info
    assert concepts("it crashes, then hangs on templates") == ["c_crash", "c_hang", "c_template"]
    assert concepts("torch_dtype=torch.float16") == concepts("fp16 on V100") == ["c_fp16"]
    assert runs("？？？？？") == runs("????") == runs(" ⁇  ⁇  ⁇  ⁇ ") == ["run_3f"]
    assert runs("still llama, will llama") == []  # letters spaced apart are words, not an output string


def test_form_mentions_are_not_prose():
    assert "@ArthurZucker" not in strip_template("### Who can help?\n@ArthurZucker @zucchini-nlp\nreal text")
    assert "a@b.com" in strip_template("mail a@b.com")


def test_error_lines_read_inline_quotes_and_integers_vary():
    (a,) = error_lines("Loading fails with `ValueError: Target modules {'c_attn'} not found in the base model.` here")
    assert a == "valueerror: target modules {'c_attn'} not found in the base model."
    (b,) = error_lines("ValueError: `rope_scaling` must be a dictionary with two fields, got {'factor': 8.0}")
    assert b.startswith("valueerror: rope_scaling must be a dictionary")  # a code span inside does not cut it
    (c,) = error_lines("ValueError: The model's max seq len (32768) is larger than the KV cache (21344)")
    (d,) = error_lines("ValueError: The model's max seq len (131072) is larger than the KV cache (39008)")
    assert c == d
    two, one = error_lines("Error: exit status 2 from the runner"), error_lines("Error: exit status 1 from the runner")
    assert two != one
    (e,) = error_lines("开启 gradient checkpointing 报错：RuntimeError: The size of tensor a (0) must match b。然后")
    assert e == "runtimeerror: the size of tensor a (0) must match b"  # a typed error inside a sentence
    assert error_lines("we saw an error: this is prose, not a typed error") == []
    (f,) = error_lines("RuntimeError: CUBLAS_STATUS_NOT_SUPPORTED when calling `gemm(a, CUDA_R_16BF)`")
    assert f.endswith("cuda_r_16bf)")  # one line, whole: not also cut at the code span


def test_models_of_other_families_in_both_titles_rank_lower_and_a_missing_output_string_costs():
    q = doc_from_text(-1, "Qwen2.5-7B prints GGGGGGGG on ROCm", "llama.cpp hipBLAS, any quant.")
    same = doc_from_text(1, "Qwen2.5-7B prints GGGGGGGG on ROCm", "llama.cpp hipBLAS, any quant.")
    llama = doc_from_text(2, "Llama-3-8B prints GGGGGGGG on ROCm", "llama.cpp hipBLAS, any quant.")
    no_run = doc_from_text(3, "Qwen2.5-7B prints garbage on ROCm", "llama.cpp hipBLAS, any quant.")
    ranked = {r.number: r.score for r in rank(q, [(same, 0.5), (llama, 0.5), (no_run, 0.5)])}
    assert ranked[1] > ranked[3] and ranked[1] > ranked[2]
    from bot.core.related.rank import features
    assert features(q, llama, 0.5)[0].get("title_model_clash") == 1.0
    assert features(q, no_run, 0.5)[0].get("run_missing") == 1.0


def test_errors_quoting_other_names_and_other_quantization_kinds_clash():
    q = doc_from_text(-1, "SFTTrainer fails", "TypeError: SFTTrainer.__init__() got an unexpected keyword argument "
                      "'tokenizer'\nwith Qwen2.5-7B-Instruct-AWQ")
    same = doc_from_text(1, "DPOTrainer fails", "TypeError: DPOTrainer.__init__() got an unexpected keyword argument "
                         "'tokenizer'\nwith Qwen2.5-7B-Instruct-AWQ")
    other = doc_from_text(2, "SFTTrainer fails", "TypeError: SFTTrainer.__init__() got an unexpected keyword argument "
                          "'dataset_text_field'\nwith Qwen2.5-7B-Instruct-GPTQ-Int4")
    from bot.core.related.rank import features, quant_kind
    assert "value_clash" not in features(q, same, 0.5)[0]
    assert features(q, other, 0.5)[0].get("value_clash") == 1.0
    by = {r.number: r for r in rank(q, [(same, 0.5), (other, 0.5)])}
    assert by[1].score > by[2].score and by[2].clash and not by[1].clash
    assert [quant_kind(v) for v in ("GPTQ-Int4", "Q4_K_M", "q8_0", "load_in_4bit", "Int4")] == \
        ["gptq", "gguf", "gguf", "bnb", ""]


@pytest.mark.parametrize("a, b, same", [
    ("glm-4v-9b", "THUDM/glm-4-9b-chat", False),            # the vision model is a variant
    ("gemma3n", "gemma-3n-E4B-it", True),
    ("Qwen3-Embedding-0.6B", "Qwen3-Embedding-8B", True),
    ("Qwen3-8B", "Qwen3-Embedding-8B", False),                # an embedding model is not the chat model
])
def test_variants_glued_to_the_version_and_task_variants_are_other_models(a, b, same):
    sim, _, _ = best_similarity(models(a), models(b))
    assert (sim == 1.0) == same and sim > 0


def test_error_lines_blank_paths_and_keep_the_message():
    (line,) = error_lines("```\nError: llama runner process has terminated: exit status 0xc0000409\n```")
    assert line == "error: llama runner process has terminated: exit status 0xc0000409"
    (a,) = error_lines("ImportError: /a/b/site-packages/x.so: undefined symbol: foo")
    (b,) = error_lines("ImportError: /home/u/venv/lib/x.so: undefined symbol: foo")
    assert a == b


ORIG = doc_from_text(1, "KeyError: 'qwen2' when loading Qwen1.5-7B-Chat",
                     "```\nTraceback (most recent call last):\n  File \"/usr/lib/python3.10/site-packages/transformers/"
                     "models/auto/configuration_auto.py\", line 1, in from_pretrained\nKeyError: 'qwen2'\n```",
                     state="closed")
OTHER = doc_from_text(2, "Llama-3 never stops generating", "The answer goes on with another assistant turn.")


def test_rank_gives_reasons_never_returns_the_issue_itself_and_hides_refused_links():
    q = doc_from_text(3, "加载 Qwen1.5-14B 报错 KeyError: 'qwen2'",
                      "```\nTraceback (most recent call last):\n  File \"/root/site-packages/transformers/models/auto/"
                      "configuration_auto.py\", line 9, in from_pretrained\nKeyError: 'qwen2'\n```")
    ranked = rank(q, [(ORIG, 0.5), (OTHER, 0.1), (q, 1.0)])
    assert [r.number for r in ranked] == [1, 2]
    assert ("error", "KeyError: 'qwen2'") in ranked[0].reasons and ("closed", "") in ranked[0].reasons
    assert ("model", "qwen1.5") in ranked[0].reasons or ("close_model", "qwen1.5") in ranked[0].reasons
    assert [r.number for r in rank(q, [(ORIG, 0.5), (OTHER, 0.1)], hidden=frozenset({1}))] == [2]


def test_duplicate_of_needs_specific_evidence_a_high_score_and_a_margin():
    err = (("error", "KeyError: 'qwen2'"),)
    a, b = Related(1, 0.8, err), Related(2, 0.5, ())
    assert duplicate_of([a, b]) == 1  # 0.8 + a margin of 0.3 reaches 1.0
    assert duplicate_of([Related(1, 0.8, (("model", "qwen2"),)), b]) is None  # agreement alone never labels
    assert duplicate_of([Related(1, 1.6, ()), b]) is None
    assert duplicate_of([a, Related(2, 0.78, ())]) is None  # the runner-up is too close
    assert duplicate_of([Related(1, 0.6, err), Related(2, 0.5, ())]) is None  # 0.6 + 0.1 is too low
    assert duplicate_of([Related(1, 0.8, err, clash=True), b]) is None  # the two disagree on a specific point
    assert duplicate_of([Related(1, 0.6, (("output", "GGGG"),))]) == 1  # alone: its whole score is the margin
    assert duplicate_of([Related(1, 0.8, err, xlang=0.3), b]) is None  # its lead is the cross-language share
    assert duplicate_of([Related(1, 1.1, err, xlang=0.3), Related(2, 0.8, (), xlang=0.3)]) == 1  # both have it
    a = Related(1, 1.2, ())
    assert shown([a, b, Related(3, 0.9, ()), Related(4, 0.8, ()), Related(5, 0.1, ())]) == [a, Related(3, 0.9, ()),
                                                                                          Related(4, 0.8, ())]


def test_render_related_is_sanitized_and_translated():
    item = Related(7, 1.0, (("error", "x @org/team <b>`y`</b>"), ("closed", "")))
    en = "\n".join(render_related([item], "en"))
    assert "- #7: same error " in en and "; closed" in en
    assert "@org" not in en.replace("@\u200borg", "")  # no live mention
    assert sanitize.code("x @org/team <b>`y`</b>", limit=80) in en  # an inline code span: no HTML renders
    assert "相同错误" in "\n".join(render_related([item], "zh"))
    assert render_related([], "en") == []
    four = [Related(n, 1.0, ()) for n in range(1, 5)]
    assert sum(line.startswith("- #") for line in render_related(four, "en")) == 3


def test_runs_of_one_special_token_are_symptom_strings():
    from bot.core.related.rank import _run_text
    from bot.core.related.text import token_runs

    found = token_runs("output: <pad><pad><pad><pad> then <|im_end|> <|im_end|>\n<|im_end|>, once <unk>")
    assert found == ["run_tok_im_end", "run_tok_pad"]
    assert token_runs("<pad> text <pad> text <pad>") == []  # repeated, but not in a run
    assert _run_text("run_tok_pad") == "<pad><pad><pad>" and _run_text("run_g") == "GGGG"


def test_models_of_families_no_list_knows_come_from_hub_ids_classes_and_sizes():
    got = models("rednote-hilab/dots.llm1.inst fails: Model architectures ['Dots1ForCausalLM'] are not supported")
    assert {(m.family, m.version) for m in got} == {("dots", ""), ("dots", "1")}
    assert [(m.family, m.size) for m in models("pixtral-12b please")] == [("pixtral", "12")]
    assert models("AutoModelForCausalLM at /usr/lib/python3.10/site-packages, image vllm/vllm-openai") == []
    assert {m.family for m in models("Qwen/Qwen3-8B and Qwen3ForCausalLM")} == {"qwen"}  # known: parsed as before
    sim, _, _ = best_similarity(models("LiquidAI/LFM2-1.2B"), models("Lfm2ForCausalLM is not supported"))
    assert sim == 1.0


@pytest.mark.parametrize("a, b, same", [
    ("tencent/Hunyuan-A13B-Instruct", "Model request: Hunyuan A13B", True),
    ("Qwen3-30B-A3B", "Qwen3-32B", False),                    # a MoE's active size names another model
])
def test_the_active_size_of_a_moe_is_a_variant(a, b, same):
    sim, _, _ = best_similarity(models(a), models(b))
    assert (sim == 1.0) == same and sim > 0


def test_tokenizer_markers_are_output_strings_even_once_and_byte_tokens_repeated():
    from bot.core.related.text import token_runs

    assert runs("the answer is ĠHelloĊ and �") == ["run_10a", "run_120", "run_fffd"]
    assert runs("café naïve") == []
    assert token_runs("Hello<0x0A><0x0A><0x0A>How") == ["run_tok_0x0a"]


def test_a_closer_error_agreement_holds_the_looser_ones_and_never_weighs_less():
    from bot.core.related.rank import features

    q = doc_from_text(-1, "tp 4 fails", "NCCL error in: ProcessGroupNCCL.cpp:3356, unhandled system error (run with "
                      "NCCL_DEBUG=INFO for details)\n```\nRuntimeError: NCCL failed: unhandled system error, NCCL "
                      "version 2.21.5\n```")
    same = doc_from_text(1, "tp 2 fails", "```\nRuntimeError: NCCL failed: unhandled system error, NCCL version "
                         "2.21.5\n```")
    similar = doc_from_text(2, "tp 2 fails", "```\nRuntimeError: NCCL failed: unhandled cuda error, NCCL version "
                            "2.21.5\n```")
    fs, fo = features(q, same, 0.5)[0], features(q, similar, 0.5)[0]
    assert {"near_fp", "error_line", "similar_error"} <= set(fs) and "near_fp" not in fo and "similar_error" in fo
    by = {r.number: r.score for r in rank(q, [(same, 0.5), (similar, 0.5)])}
    assert by[1] > by[2]


def test_one_quantization_kind_agrees_and_a_translation_is_scored_on_what_it_keeps():
    from bot.core.related.rank import DEFAULT, features

    en = doc_from_text(1, "Qwen2.5-VL-7B-Instruct-AWQ drops images",
                       "Pass `--limit-mm-per-prompt image=3` to vllm serve.")
    zh = doc_from_text(-1, "Qwen2.5-VL-7B-Instruct-AWQ 多张图片只识别第一张",
                       "vllm serve 没有加 limit_mm_per_prompt 参数，后面两张图片被忽略了，请问怎么解决？")
    other = doc_from_text(2, "Qwen2.5-VL-7B-Instruct-AWQ 视频太长", "vllm serve 处理长视频只看了开头几帧，怎么办？")
    video = doc_from_text(3, "Qwen2.5-VL-7B-Instruct-AWQ video", "Long videos: only the start is seen.")
    f = features(zh, en, 0.1)[0]
    assert f.get("quant") == 1.0 and 0 < f["xlang"] <= 1
    assert "xlang" not in features(zh, other, 0.1)[0]  # one language: the lexical share already says it
    assert features(zh, en, 0.1)[0]["xlang"] > features(zh, video, 0.1)[0]["xlang"]
    by = {r.number: r for r in rank(zh, [(en, 0.1), (other, 0.1)])}
    assert by[1].xlang == round(DEFAULT.feature["xlang"] * features(zh, en, 0.1)[0]["xlang"], 4) > 0 and by[2].xlang == 0


def test_a_title_naming_a_model_no_list_knows_as_a_bare_word_meets_its_request():
    from bot.core.related.rank import DEFAULT, features

    q = doc_from_text(-1, "devstral in the library?", "Would be great to pull it like the other models.")
    orig = doc_from_text(1, "Model request: Devstral", "https://huggingface.co/mistralai/Devstral-Small-2505 is out.")
    other = doc_from_text(2, "Model request: Magistral", "https://huggingface.co/mistralai/Magistral-Small-2506 is out.")
    assert features(q, orig, 0.2)[0].get("title_model") == 1.0
    assert "title_model" not in features(q, other, 0.2)[0]


def test_error_lines_fold_set_order_and_keep_library_names():
    a = error_lines("ValueError: Target modules {'v_proj', 'q_proj'} not found in the base model")
    b = error_lines("ValueError: Target modules {'q_proj', 'v_proj'} not found in the base model")
    assert a == b
    (lib,) = error_lines("ImportError: /opt/py/site-packages/fa_cuda.cpython-311-x86_64-linux-gnu.so: undefined symbol: _Zx")
    (bare,) = error_lines("ImportError: fa_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: _Zx")
    assert lib == bare
    (user,) = error_lines("OSError: /home/me/ckpt/run3 does not appear to have a file named config.json")
    assert "<path>" in user and "run3" not in user


def test_error_lines_read_native_logs_asserts_and_wrapped_errors():
    wrapped = error_lines("model_load: error loading model: error reading tensor table: unexpected size of 'blk.0'")
    alone = error_lines("error reading tensor table: unexpected size of 'blk.0'\nsomething else")
    assert alone[0] in wrapped
    one = error_lines("src/ops.c: FOO_ASSERT(n_seq > 0 && \"call init() first\") failed")
    two = error_lines("FOO_ASSERT(n_seq > 0 && \"call init() first\") failed\nAborted (core dumped)")
    assert one == two == ['foo_assert(n_seq > 0 && "call init() first") failed']
    assert error_lines("I think the error: it happens sometimes") == []


def test_near_fingerprint_ignores_set_order():
    from bot.core.related.doc import near_fingerprint

    assert near_fingerprint("ValueError", "Target modules {'a_proj', 'b_proj'} not found") == \
        near_fingerprint("ValueError", "Target modules {'b_proj', 'a_proj'} not found") != \
        near_fingerprint("ValueError", "Target modules {'a_proj', 'c_proj'} not found")


def test_error_lines_read_a_timeout_stated_in_a_sentence():
    (a,) = error_lines("after 600s: Watchdog caught collective operation timeout: WorkX(Seq=2, Op=SUM). Setting Y fixed it.")
    assert a == "watchdog caught collective operation timeout: workx(seq=2, op=sum)"
    assert error_lines("the timeout: it was too short for me") == []
