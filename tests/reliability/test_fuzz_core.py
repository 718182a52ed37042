"""Fuzzing the triage core: any title and body give a Decision (never an exception) with a JSON-serialisable output."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.extract import extract
from bot.core.ruleset import RuleSet
from bot.core.triage import triage

RULES = RuleSet.load()
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = ["Traceback (most recent call last):\n", '  File "x.py", line 3, in f\n', "RuntimeError: CUDA error",
             "torch==2.", "+cu12", "CUDA Version: ", "| NVIDIA-SMI 535", "```", "<details>", "### Environment\n",
             "PyTorch version: ", "Is CUDA available: True\n", "GPU 0: NVIDIA ", "vllm ", "0.4.", "\n", "\r\n",
             "\x00", "\ud800", "\u202e", "ﬁ", "🙂", "\t" * 50, "=" * 500, "(" * 300, "Error: " * 40]
structured = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=60).map("".join)
anything = st.one_of(st.text(max_size=3000), structured)


@FUZZ
@given(anything, anything)
def test_triage_never_raises_and_outputs_json(title, body):
    out = triage(title, body, RULES, comment="always").to_json()
    json.dumps(out, ensure_ascii=False).encode("utf-8")  # strict UTF-8: no lone surrogates survive
    assert isinstance(out["labels"], list) and isinstance(out["comment"], str)
    assert triage(title, body, RULES).to_json()["comment"] in (None, out["comment"])


@FUZZ
@given(anything, anything)
def test_extract_never_raises(title, body):
    extract(title, body)


@settings(FUZZ, max_examples=10)
@given(st.sampled_from(FRAGMENTS + ["a", "@", "`"]), st.integers(50_000, 400_000))
def test_huge_repetitive_bodies_still_triage(unit, size):
    assert triage(unit * 10, unit * (size // len(unit)), RULES, comment="always").comment
