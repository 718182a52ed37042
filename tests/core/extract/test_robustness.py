"""Robustness of extract(): any input works, nothing raises, facts in a dump survive text around it, bounded work."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.extract import MAX_SCAN, _encodable, _extract, extract
from tests.core.extract import samples

FRAGMENTS = st.sampled_from([
    "```", "```python", "~~~", "<details>", "</details>", "<summary>x</summary>", "<!--", "-->", "### Environment",
    "_No response_", "Traceback (most recent call last):", '  File "/a/site-packages/torch/x.py", line 1, in f',
    "ValueError: boom", "PyTorch version: 9.9", "[pip3] torch==9.9", "GPU 0: NVIDIA A100", "| NVIDIA-SMI 1 ", "\r\n",
    "显卡 4090", "torch 2.1", "\x00", "\ud7ff", "Qwen2-7B", "| 0 |", "    ", "\t", "\udc80",
])
DUMP_TEXTS = st.sampled_from([samples.TORCH_COLLECT_ENV, samples.VLLM_NEW, samples.PIP_LIST, samples.NVIDIA_SMI,
                              samples.LLAMA_CPP, samples.LMDEPLOY, samples.CONDA_LIST])
NOISE = st.lists(st.one_of(st.text(max_size=40), FRAGMENTS, DUMP_TEXTS), max_size=30).map("".join)
PROSE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="`~<>|[]#:_-=*"), max_size=200
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(NOISE, NOISE)
def test_extraction_never_raises(title, body):
    title, body = _encodable(title), _encodable(body)
    facts = _extract(title, body, {})  # the inner function: a bug here must fail, not be swallowed
    assert facts.text.endswith(body)
    for key, fact in facts.env.items():
        assert 0 <= fact.span[0] <= fact.span[1] <= len(facts.text)
        if fact.source != "derived" and key in ("torch", "python", "cuda", "cuda_driver", "cuda_max", "transformers"):
            assert fact.value in facts.text[fact.span[0]:fact.span[1]]  # the span shows the value as stated
    for err in facts.errors:
        assert 0 <= err.span[0] <= err.span[1] <= len(facts.text)


@SETTINGS
@given(st.binary(max_size=400))
def test_binary_junk(data):
    body = data.decode("utf-8", "replace") + data.decode("latin-1")
    assert _extract("junk", body, {}).title == "junk"


DUMPS = [samples.TORCH_COLLECT_ENV, samples.VLLM_NEW, samples.TRANSFORMERS_V4, samples.LMDEPLOY]


@pytest.mark.parametrize("dump", DUMPS, ids=["torch", "vllm", "transformers", "lmdeploy"])
@SETTINGS
@given(before=PROSE, after=PROSE)
def test_text_around_a_dump_never_removes_its_facts(dump, before, after):
    alone = extract("env", f"```\n{dump}```").env_values()
    wrapped = extract("env", f"{before}\n\n<details>\n\n```\n{dump}```\n</details>\n\n{after}").env_values()
    for key, value in alone.items():
        if key not in ("launcher", "model", "quantization"):
            assert wrapped.get(key) == value, key


def test_five_megabytes_is_capped_and_spans_stay_in_the_scanned_part():
    body = ("INFO 01-01 00:00:00 worker.py:1] loading Qwen2-7B-Instruct on A100\n" * 80_000)[: 5 << 20]
    facts = _extract("big", body, {})
    assert len(facts.text) == len("big") + 2 + len(body)
    limit = len("big") + 2 + MAX_SCAN
    assert all(f.span[1] <= limit for f in facts.env.values())
    assert len(facts.code) <= 50 and sum(map(len, facts.code)) <= 200_000


def test_ten_thousand_line_pip_list():
    rows = "".join(f"pkg{i}    0.{i}.1\n" for i in range(10_000))
    facts = _extract("pip", f"```\n{rows}transformers    4.44.0\n```", {})
    assert facts.env["transformers"].value == "4.44.0"


@pytest.mark.parametrize("body", ["```" * 5000, "<details>" * 5000, "<!--" * 5000, "\n" * 50_000, "a" * 300_000,
                                  "Traceback (most recent call last):\n" * 5000, '  File "x", line 1\n' * 20000])
def test_pathological_shapes(body):
    facts = _extract("t", body, {})
    assert facts.title == "t"


def test_lone_surrogates_are_replaced_in_place():
    facts = extract("t", "hello \udc80 torch 2.1 on Qwen2-7B")
    assert facts.env["torch"].value == "2.1"
    assert facts.text == "t\n\nhello ? torch 2.1 on Qwen2-7B"


def test_non_string_input_does_not_raise():
    assert extract(None, None).text == "\n\n"  # type: ignore[arg-type]
