"""Tests for the rendered comment: the answer first, short visible part, everything else in one <details>."""

import pytest
import re2
from markdown_it import MarkdownIt

from bot.core.ruleset import RuleSet
from bot.core.render import MARKER, render_comment, visible_part
from bot.core import render
from bot.core.rulefile import RulesError, rules_dir
from bot.core.types import Decision, Evidence, FixRef, Likely, Prediction, Warning_
from tests.core.make_facts import make_facts, pred
from tests.core.rules_dir import broken_rules, visible_comment
from tests.reliability.live import live_parts

RULESET = RuleSet.load()
REQ = RULESET.requirements
_MENTION = re2.compile(r"@[A-Za-z0-9]")
HOSTILE = "@org/team <img src=x onerror=alert(1)> [x](javascript:alert(1)) ```\n/label +pwned"
FIXES = [FixRef(id="oom-vllm", title="Lower gpu_memory_utilization", title_zh="降低 gpu_memory_utilization",
                url="https://docs.vllm.ai/x"),
         FixRef(id="oom-2", title="Use a smaller max_model_len", url="https://docs.vllm.ai/y"),
         FixRef(id="oom-3", title="A third remedy", url="https://docs.vllm.ai/z")]


def _decision(prose="CUDA OOM", language="en", runtimes=("vllm",), **kw) -> Decision:
    env = {"torch": "2.1.0+cu121", "gpu": "NVIDIA A100", "model": "Qwen/Qwen2-7B", "python": "3.10", "os": "Ubuntu",
           "transformers": "4.40.0", "vllm": "0.4.2", "cuda_driver": "535.54.03"}
    facts = make_facts(prose, env=env, errors=[("torch.OutOfMemoryError", "CUDA out of memory. Tried 2 GiB")],
                       package="torch", language=language, runtimes=list(runtimes))
    symptom = Prediction(path=["Crash", "CUDA Error", "Out of Memory"], confidence=0.91,
                         evidence=[Evidence(rule="oom-message", node="Crash - CUDA Error - Out of Memory", weight=3)])
    defaults = dict(
        symptom=symptom, root_cause=None, stage=pred("Inference", 0.6, "model"), facts=facts,
        missing=["gpu_count", "launcher"], fixes=FIXES[:1],
        warnings=[Warning_(id="w", message="Driver too old", message_zh="驱动过旧", url="https://docs.nvidia.com/x")],
    )
    defaults.update(kw)
    return Decision(**defaults)


def test_line_one_is_the_answer_tied_to_the_reporters_log_line():
    out = render_comment(_decision(), REQ, language="en")
    assert out.startswith(MARKER + "\n")
    first = out.split("\n")[1]
    assert first == ("Your log shows `torch.OutOfMemoryError: CUDA out of memory. Tried 2 GiB`: "
                     "[Lower gpu_memory_utilization](https://docs.vllm.ai/x).")


def test_visible_part_is_short_and_holds_no_classification_env_table_or_rule_ids():
    out = render_comment(_decision(fixes=FIXES), REQ, language="en")
    shown = visible_part(out)
    assert len(shown) <= 600
    assert "A third remedy" not in shown and "Use a smaller max_model_len" in shown  # at most 2 fixes
    for absent in ("oom-message", "oom-vllm", "91%", "| torch |", "Inference", "Symptom"):
        assert absent not in shown
    assert "⚠️ Driver too old" in shown  # a finding is shown
    assert shown.count("```") == 2  # one code block
    assert out.count("<details>") == 1 and out.rstrip().endswith("</details>")
    folded = out.split("<details>", 1)[1]
    for present in ("oom-message", "91%", "| torch | `2.1.0+cu121` |", "`oom-vllm`", "`/symptom <node>`",
                    "**Kind:** `bug`", "`vllm`"):
        assert present in folded


def test_asks_are_capped_and_the_command_fits_the_launcher():
    d = _decision(fixes=[], warnings=[], missing=["traceback", "vllm", "gpu_count", "model"])
    shown = visible_part(render_comment(d, REQ, language="en"))
    assert "the exact model" not in shown and "vLLM version" in shown  # at most 3 asks
    assert "vllm collect-env" in shown and "torch.utils.collect_env" not in shown
    ollama = _decision(fixes=[], warnings=[], missing=["server_log", "ollama"], runtimes=["ollama"])
    shown = visible_part(render_comment(ollama, REQ, language="en"))
    assert "ollama -v" in shown and "journalctl -u ollama" in shown


def test_a_likely_cause_stays_in_the_details_and_the_visible_part_asks_what_would_settle_it():
    likely = {"root_cause": Likely(path=["Environment Compatibility Issues", "Dependency Library Compatibility"],
                                   p=[0.81, 0.62])}
    d = _decision(fixes=[], warnings=[], missing=["transformers"], likely=likely, runtimes=["transformers"])
    full = render_comment(d, REQ, language="en")
    shown = visible_part(full)
    assert "Environment Compatibility" not in shown and "Environment Compatibility Issues" in full
    assert "transformers version" in shown and "transformers env" in shown


def test_chinese_rendering():
    out = render_comment(_decision(language="zh"), REQ, language="zh")
    shown = visible_part(out)
    assert shown.startswith("日志显示 `torch.OutOfMemoryError") and "[降低 gpu_memory_utilization]" in shown
    assert "驱动过旧" in shown and "请补充" in shown and "使用的 GPU 数量" in shown
    assert "分类详情" in out and "Your log" not in out


def test_nothing_from_issue_pings_or_renders_html():
    facts = make_facts(HOSTILE, env={"model": HOSTILE, "gpu": "@user"}, errors=[("ValueError", HOSTILE)])
    d = Decision(facts=facts, missing=["traceback"], fixes=FIXES[:1])
    out = render_comment(d, REQ, language="en", corrections=[("mallory", "symptom", HOSTILE, "Hang")])
    assert not _MENTION.search(out)
    html = MarkdownIt("commonmark").render(out)
    assert "<img" not in html and 'href="javascript' not in html
    assert live_parts(out, frozenset({FIXES[0].url})) == []
    assert not any(line.lstrip().startswith("/label") for line in out.splitlines())
    assert "Corrected by `mallory`" in out and "@mallory" not in out


def test_a_rules_angle_brackets_outside_code_are_escaped():
    assert render._angles("split on </think>, or pass `<think>` through") == "split on `</think>`, or pass `<think>` through"
    assert render._angles("needs x >= 4.51 when a < b") == "needs x >= 4.51 when a &lt; b"


def test_empty_decision_says_little():
    out = render_comment(Decision(facts=make_facts("hello")), REQ, language="en")
    assert visible_part(out) == "Thanks for the report: I have nothing to add yet; a maintainer will take a look."


def test_unfilled_template_gets_one_line():
    d = Decision(facts=make_facts("[Bug]: x", template_only=True), missing=["traceback"])
    assert visible_part(render_comment(d, REQ, language="en")).startswith("The template's fields are still empty")


def test_deterministic_and_unknown_language_falls_back_to_english():
    assert render_comment(_decision(), REQ, language="en") == render_comment(_decision(), REQ, language="en")
    assert "Your log shows" in render_comment(_decision(), REQ, language="fr")


def test_fix_restated_by_a_warning_is_shown_once():
    d = _decision(fixes=[FixRef(id="w", title="Generic remedy", url="https://pytorch.org/a"),
                         FixRef(id="other", title="Other remedy", url="https://pytorch.org/b")])
    shown = visible_part(render_comment(d, REQ, language="en"))
    assert "Generic remedy" not in shown and "Other remedy" in shown and "Driver too old" in shown


def test_lone_surrogates_become_question_marks():
    lone = "\ud800"
    facts = make_facts(f"CUDA OOM {lone}", env={"model": "Qwen" + lone, "torch": "2.1" + lone},
                       errors=[("OutOfMemoryError" + lone, "CUDA out of memory " + lone)], code=["x" + lone])
    out = render_comment(_decision(facts=facts, missing=["cuda", "gpu"]), REQ, language="en")
    out.encode("utf-8")  # valid UTF-8 throughout
    assert "Qwen?" in out


def test_an_error_only_the_title_names_is_not_quoted_as_a_log_line():
    title = "RuntimeError: CUDA error: illegal memory access with fp8 kv cache"
    facts = make_facts(title + "\nIt happens under load.", errors=[("RuntimeError", "CUDA error: illegal memory access")])
    facts = facts.model_copy(update={"errors": [e.model_copy(update={"span": (0, 12)}) for e in facts.errors]})
    shown = visible_part(render_comment(_decision(facts=facts), REQ, language="en"))
    assert shown.startswith("For “RuntimeError: CUDA error") and "Your log" not in shown


def test_a_fix_matched_only_by_a_mentioned_word_is_not_shown_nor_worth_a_comment():
    weak = FixRef(id="engine-parity", title="Weak generic remedy", url="https://docs.vllm.ai/w", score=4)
    strong = FixRef(id="oom-vllm", title="Specific remedy", url="https://docs.vllm.ai/s", score=6)
    d = _decision(fixes=[weak, strong], warnings=[], missing=[])
    out = render_comment(d, REQ, language="en")
    shown = visible_part(out)
    assert "Specific remedy" in shown and "Weak generic remedy" not in shown
    assert "`engine-parity`" in out.split("<details>", 1)[1]  # still listed for maintainers
    from bot.core.triage import should_comment

    assert not should_comment(d.model_copy(update={"fixes": [weak]}))
    assert should_comment(d.model_copy(update={"fixes": [strong]}))


def test_the_answers_command_is_the_code_block_when_nothing_is_asked():
    fix = FixRef(id="oom-vllm", title="Lower gpu_memory_utilization", url="https://docs.vllm.ai/x", score=6,
                 command="vllm serve MODEL --gpu-memory-utilization 0.8")
    shown = visible_part(render_comment(_decision(fixes=[fix], warnings=[], missing=[]), REQ, language="en"))
    assert shown.endswith("```bash\nvllm serve MODEL --gpu-memory-utilization 0.8\n```")
    asked = visible_part(render_comment(_decision(fixes=[fix], warnings=[], missing=["gpu"]), REQ, language="en"))
    assert "--gpu-memory-utilization 0.8" not in asked  # one code block: the asks' command


def test_a_finding_hides_the_fixes_it_makes_moot():
    fix = FixRef(id="oom-vllm", title="Lower gpu_memory_utilization", url="https://docs.vllm.ai/x", score=6)
    moot = Warning_(id="weights-exceed-gpus", message="The weights alone do not fit", url="https://docs.vllm.ai/w",
                    replaces=("oom-vllm",))
    shown = visible_part(render_comment(_decision(fixes=[fix], warnings=[moot], missing=[]), REQ, language="en"))
    assert "do not fit" in shown and "gpu_memory_utilization" not in shown


def test_a_windows_reporter_gets_the_answers_command_in_powershell():
    assert render._powershell('CMAKE_ARGS="-DGGML_CUDA=on" pip install llama-cpp-python --no-cache-dir') == \
        '$env:CMAKE_ARGS="-DGGML_CUDA=on"; pip install llama-cpp-python --no-cache-dir'
    assert render._powershell("export NCCL_P2P_DISABLE=1") == '$env:NCCL_P2P_DISABLE="1"'
    assert render._powershell("pip install -U bitsandbytes") == "pip install -U bitsandbytes"
    body = "Windows 11, RTX 3060.\n```\nCMAKE_ARGS=-DLLAMA_CUBLAS=on pip install llama-cpp-python\n```\nStill CPU only."
    from bot.core.triage import triage

    shown = visible_part(triage("llama-cpp-python: GPU not used", body, RULESET).comment or "")
    assert "```powershell" in shown and "$env:CMAKE_ARGS" in shown


def test_a_reporter_who_types_set_in_cmd_gets_the_command_for_cmd():
    assert render._cmd('CMAKE_ARGS="-DGGML_CUDA=on" pip install llama-cpp-python') == \
        ["set CMAKE_ARGS=-DGGML_CUDA=on", "pip install llama-cpp-python"]
    body = ("Windows 11, RTX 3060.\n```\nset CMAKE_ARGS=-DLLAMA_CUBLAS=on\npip install llama-cpp-python\n```\n"
            "Still CPU only.")
    from bot.core.triage import triage

    shown = visible_part(triage("llama-cpp-python: GPU not used", body, RULESET).comment or "")
    assert "```bat" in shown and "set CMAKE_ARGS=" in shown and "$env:" not in shown


def test_no_linux_only_command_for_windows_and_no_llama_cpp_python_install_for_a_llama_cpp_build():
    from bot.core.triage import triage

    win = triage("Can't pull qwen3", "Windows 11.\n```\nError: pull model manifest: 412: The model you are attempting to "
                 "pull requires a newer version of Ollama.\n```", RULESET)
    assert "install.sh" not in visible_part(win.comment or "")
    build = triage("unknown model architecture: 'qwen3moe'", "version: 4589 (a1b2c3d4)\nbuilt with cc 13.2 for x86_64\n"
                   "```\n./llama-cli -m Qwen3-30B-A3B-Q4_K_M.gguf\nllama_model_load: error loading model: unknown model "
                   "architecture: 'qwen3moe'\n```", RULESET)
    assert "pip install" not in visible_part(build.comment or "")


def test_a_windows_reporter_is_asked_with_powershell_commands():
    from bot.core.triage import triage

    d = triage("flash_attn import fails", "Windows 11. torch 2.5.1+cu124, Python 3.11. Importing flash_attn fails with "
               "ImportError: DLL load failed while importing flash_attn_2_cuda: The specified module could not be found.",
               RULESET)
    shown = visible_part(d.comment or "")
    assert "```powershell" in shown and "Select-String" in shown and "grep" not in shown


def test_the_comment_sentences_are_data_with_the_same_keys_in_both_languages(tmp_path):
    texts = RULESET.requirements.texts
    assert set(texts) == {"en", "zh"} and set(texts["en"]) == set(texts["zh"]) and "nothing" in texts["en"]
    with pytest.raises(RulesError, match=r"comment\.yml: en and zh differ in \['only_en'\]"):
        broken_rules(tmp_path, "comment.yml", "en: {nothing: x, only_en: y}\nzh: {nothing: x}\n")
    with pytest.raises(RulesError, match=r"comment\.yml: expected `en:` and `zh:`"):
        broken_rules(tmp_path, "comment.yml", "en: {nothing: x}\n")


def test_a_macos_reporter_gets_no_linux_only_command():
    from bot.core.triage import triage

    body = ("`ollama run mymodel`:\n```\nError: llama runner process has terminated: error loading model: unknown model "
            "architecture: 'qwen3'\n```\n### OS\nmacOS\n### Ollama version\n0.5.1")
    shown = visible_part(triage("unknown model architecture", body, RULESET, repo="ollama/ollama").comment or "")
    assert "update Ollama" in shown and "install.sh" not in shown
    linux = triage("unknown model architecture", body.replace("macOS", "Linux"), RULESET, repo="ollama/ollama")
    assert "install.sh" in visible_part(linux.comment or "")


def test_an_unfilled_template_with_a_specific_ask_gets_that_ask():
    from bot.core.triage import triage

    body = ("### What is the issue?\n\nollama is very slow now.\n\n### Relevant log output\n\n_No response_\n\n### OS\n\n"
            "_No response_\n\n### GPU\n\n_No response_\n\n### Ollama version\n\n[version]")
    shown = visible_part(triage("very slow", body, RULESET, repo="ollama/ollama").comment or "")
    assert "ollama ps" in shown


def test_the_error_quoted_is_the_one_the_fix_is_about():
    body = ("```\nValueError: Loading Qwen/Qwen-7B-Chat requires you to execute the configuration file in that repo on "
            "your local machine. Make sure you have read the code there to avoid malicious use, then set the option "
            "`trust_remote_code=True` to remove this error.\n```\nAfter I added trust_remote_code=True it now fails "
            "with `ModuleNotFoundError: No module named 'tiktoken'`.")
    shown = visible_comment("Qwen-7B-Chat does not load", body)
    assert "No module named 'tiktoken'" in shown and "ValueError" not in shown


def test_the_error_quoted_is_the_one_reached_after_the_reporters_change():
    body = ("Serving on a Tesla T4. It stopped with\n```\nValueError: Bfloat16 is only supported on GPUs with compute "
            "capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by "
            "explicitly setting the `dtype` flag in CLI, for example: --dtype=half.\n```\nSo I added --dtype half. "
            "Now:\n```\nValueError: The model's max seq len (40960) is larger than the maximum number of tokens that "
            "can be stored in KV cache (21344). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` "
            "when initializing the engine.\n```\n")
    shown = visible_comment("vllm serve fails at startup", body)
    assert "max seq len" in shown and "Bfloat16" not in shown
    assert "--max-model-len 21344" in shown  # the command's length is the one the log says fits


def test_an_error_the_reporter_got_past_is_not_quoted_as_theirs():
    body = ("Two T4s, vllm 0.8.5. `vllm serve google/gemma-3-4b-it` failed with\n```\nValueError: Bfloat16 is only "
            "supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. "
            "You can use float16 instead by explicitly setting the `dtype` flag in CLI, for example: --dtype=half.\n```"
            "\nso I added --dtype half. Now it starts, but every answer is an empty string.")
    shown = visible_comment("gemma-3 answers are empty on T4", body)
    assert "Bfloat16 is only supported" not in shown and "gemma-3 answers are empty on T4" in shown
