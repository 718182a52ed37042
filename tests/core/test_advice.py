"""Tests for advice: the sentence of an error message that says what to change."""

from bot.core.advice import error_advice
from tests.core.make_facts import make_facts
from tests.core.rules_dir import RULESET

T = RULESET.tables


def _advice(message: str) -> str | None:
    return error_advice(make_facts("it fails", errors=[("ValueError", message)]), T.advice, T.advice_not)


def test_the_sentence_that_says_what_to_change_is_quoted():
    msg = ("The model's max seq len (32768) is larger than the KV cache can hold (9520). Try increasing "
           "`gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.")
    assert _advice(msg) == ("Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when "
                            "initializing the engine.")


def test_no_advice_in_a_plain_error_or_a_request_to_report_it():
    assert _advice("CUDA error: an illegal memory access was encountered") is None
    assert _advice("Something went wrong. Please report this issue on GitHub.") is None
    assert _advice("Please read the docs for details.") is None


def test_the_advice_is_the_comments_answer_and_nothing_is_asked():
    from bot.core.render import visible_part
    from bot.core.triage import triage

    body = ("```\nfrom transformers import AutoModelForCausalLM\nTraceback (most recent call last):\n"
            "  File \"run.py\", line 3, in <module>\nValueError: Cannot find satisfying samples, consider decreasing "
            "calib_seqlen.\n```")
    d = triage("Quantization fails", body, RULESET)
    assert d.advice == "Cannot find satisfying samples, consider decreasing calib_seqlen."
    assert visible_part(d.comment).startswith("Your error message says what to change: `Cannot find satisfying")
    assert d.missing == []


def test_advice_naming_settings_the_issue_already_set_is_no_answer():
    from bot.core.advice import settings_applied

    advice = "Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine."
    assert settings_applied(advice, "vllm serve m --max-model-len 131072 --gpu-memory-utilization 0.98")
    assert not settings_applied(advice, "vllm serve m --gpu-memory-utilization 0.98")  # max_model_len left as is
    assert not settings_applied("Try a smaller batch.", "--max-model-len 4096")  # names no setting


def test_the_commands_an_advice_quotes_are_read_so_one_already_run_is_no_answer():
    from bot.core.advice import quoted_commands
    from bot.core.rules.fixes import already_done

    advice = "Run `pip install tiktoken transformers_stream_generator`"
    assert quoted_commands(advice) == ["pip install tiktoken transformers_stream_generator"]
    assert already_done(quoted_commands(advice)[0], "I already ran `pip install tiktoken transformers_stream_generator`")
    assert quoted_commands("Try increasing `gpu_memory_utilization`.") == []
