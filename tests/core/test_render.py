"""Tests for the rendered comment: sections, language, sanitizing, collapsing, determinism."""

import re2
from markdown_it import MarkdownIt

from bot.core.missing import load_requirements
from bot.core.render import MARKER, render_comment
from bot.core.rulefile import rules_dir
from bot.core.types import Decision, Evidence, FixRef, Prediction, Warning_
from tests.core.make_facts import make_facts, pred

REQ = load_requirements(rules_dir() / "requirements.yml")
_MENTION = re2.compile(r"@[A-Za-z0-9]")
HOSTILE = "@org/team <img src=x onerror=alert(1)> [x](javascript:alert(1)) ```\n/label +pwned"


def _decision(prose="CUDA OOM", language="en", **kw) -> Decision:
    env = {"torch": "2.1.0+cu121", "gpu": "NVIDIA A100", "model": "Qwen/Qwen2-7B", "python": "3.10", "os": "Ubuntu",
           "transformers": "4.40.0", "vllm": "0.4.2", "cuda_driver": "535.54.03"}
    facts = make_facts(prose, env=env, errors=[("torch.OutOfMemoryError", "CUDA out of memory. Tried 2 GiB")],
                       package="torch", language=language)
    symptom = Prediction(path=["Crash", "CUDA Error", "Out of Memory"], confidence=0.91,
                         evidence=[Evidence(rule="oom-message", node="Crash - CUDA Error - Out of Memory", weight=3)])
    defaults = dict(
        symptom=symptom, root_cause=None, stage=pred("Inference", 0.8, "model"), facts=facts,
        missing=["gpu_count", "launcher"],
        fixes=[FixRef(id="oom-vllm", title="Lower memory", title_zh="降低显存", url="https://docs.vllm.ai/x")],
        warnings=[Warning_(id="w", message="Driver too old", message_zh="驱动过旧", url="https://docs.nvidia.com/x")],
    )
    defaults.update(kw)
    return Decision(**defaults)


def test_sections_in_order_english():
    out = render_comment(_decision(), REQ, language="en")
    assert out.startswith(MARKER + "\n")
    order = ["Looks like **Crash › CUDA Error › Out of Memory** during Inference", "| torch | `2.1.0+cu121` |",
             "**Error found:** `torch.OutOfMemoryError: CUDA out of memory. Tried 2 GiB` (`torch`)",
             "- Symptom: **Crash › CUDA Error › Out of Memory** (91%, rules; evidence: `oom-message`)",
             "- Root cause: _not sure yet_", "- Stage: **Inference** (80%, model)",
             "1. [Lower memory](https://docs.vllm.ai/x)", "- ⚠️ Driver too old ([source](https://docs.nvidia.com/x))",
             "- [ ] the number of GPUs used", "- [ ] the exact launch command: paste the full command line",
             "```bash\npython -m torch.utils.collect_env  # prints: the number of GPUs used\n```",
             "`/symptom <node>`", "`/label +a -b`", "`/firstmile help`"]
    positions = [out.index(s) for s in order]
    assert positions == sorted(positions)


def test_long_env_folds_into_details():
    out = render_comment(_decision(), REQ, language="en")
    assert "<details><summary>2 more environment fact(s)</summary>" in out


def test_chinese_rendering():
    out = render_comment(_decision(language="zh"), REQ, language="zh")
    for s in ("初步判断", "（推理阶段）", "检测到的环境", "分类", "已知解决方法", "[降低显存](https://docs.vllm.ai/x)",
              "驱动过旧", "请补充以下信息", "使用的 GPU 数量", "维护者：如何修正本次分类"):
        assert s in out
    assert "Looks like" not in out and "Known fixes" not in out


def test_nothing_from_issue_pings_or_renders_html():
    facts = make_facts(HOSTILE, env={"model": HOSTILE, "gpu": "@user"}, errors=[("ValueError", HOSTILE)])
    d = Decision(facts=facts, missing=["traceback"])
    out = render_comment(d, REQ, language="en", corrections=[("mallory", "symptom", HOSTILE, "Hang")])
    assert not _MENTION.search(out)
    html = MarkdownIt("commonmark").render(out)
    assert "<img" not in html and "<a href" not in html
    assert not any(line.lstrip().startswith("/label") for line in out.splitlines())
    assert "Corrected by `mallory`" in out and "@mallory" not in out


def test_unclassified_summary_and_no_sections_for_empty_parts():
    d = Decision(facts=make_facts("hello"))
    out = render_comment(d, REQ, language="en")
    assert "could not classify" in out
    for absent in ("Detected environment", "Error found", "Known fixes", "Compatibility warnings", "please add"):
        assert absent not in out


def test_long_error_is_folded():
    facts = make_facts("x", errors=[("RuntimeError", "boom " * 100)])
    out = render_comment(Decision(facts=facts), REQ, language="en")
    assert "<details><summary>Full error message</summary>" in out and "…" in out


def test_deterministic():
    assert render_comment(_decision(), REQ, language="en") == render_comment(_decision(), REQ, language="en")


def test_unknown_language_falls_back_to_english():
    assert "Looks like" in render_comment(_decision(), REQ, language="fr")


def test_fix_restated_by_a_warning_is_shown_once():
    d = _decision(fixes=[FixRef(id="w", title="Generic remedy", url="https://pytorch.org/a"),
                         FixRef(id="other", title="Other remedy", url="https://pytorch.org/b")])
    out = render_comment(d, REQ, language="en")
    assert "Generic remedy" not in out and "Other remedy" in out and "Driver too old" in out
    assert "Found 1 known fix and 1 compatibility warning." in out


def test_chinese_punctuation_in_classification():
    out = render_comment(_decision(language="zh"), REQ, language="zh")
    assert "- 现象：**Crash › CUDA Error › Out of Memory**（91%，规则；依据：`oom-message`）" in out
    assert "- 根因：_暂不确定_" in out


def test_lone_surrogates_become_question_marks():
    lone = "\ud800"
    facts = make_facts(f"CUDA OOM {lone}", env={"model": "Qwen" + lone, "torch": "2.1" + lone},
                       errors=[("OutOfMemoryError" + lone, "CUDA out of memory " + lone)], code=["x" + lone])
    d = _decision(facts=facts, missing=["cuda", "gpu"])
    out = render_comment(d, REQ, language="en")
    out.encode("utf-8")  # valid UTF-8 throughout
    assert "Qwen?" in out


def test_missing_block_follows_the_tools_the_issue_names():
    with_vllm = _decision(facts=make_facts("served with vllm"), missing=["torch", "cuda", "vllm"])
    plain = _decision(facts=make_facts("plain transformers"), missing=["torch", "cuda", "vllm"])
    for _ in range(2):  # the second round is answered from the memo
        assert "vllm collect-env" in render_comment(with_vllm, REQ, language="en")
        assert "vllm collect-env" not in render_comment(plain, REQ, language="en")
