"""Tests for extract(): the whole pipeline on small realistic issues."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.extract import extract

COLLECT_ENV = """Collecting environment information...
PyTorch version: 2.1.0+cu121
Is debug build: False
CUDA used to build PyTorch: 12.1
ROCM used to build PyTorch: N/A

OS: Ubuntu 22.04.3 LTS (x86_64)
GCC version: (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0
Python version: 3.10.12 (main, Nov 20 2023, 15:14:05) [GCC 11.4.0] (64-bit runtime)
Is CUDA available: True
CUDA runtime version: 12.1.105
GPU models and configuration:
GPU 0: NVIDIA A100-SXM4-80GB
GPU 1: NVIDIA A100-SXM4-80GB
Nvidia driver version: 535.104.05
cuDNN version: Could not collect

Versions of relevant libraries:
[pip3] numpy==1.26.4
[pip3] torch==2.1.0
[pip3] transformers==4.37.2
[conda] Could not collect
"""


def body_with_dump(before: str = "", after: str = "") -> str:
    """A bug report with the collect_env dump in a <details> block."""
    return f"{before}\n<details><summary>env</summary>\n\n```\n{COLLECT_ENV}```\n</details>\n{after}"


def test_collect_env_facts_and_spans():
    f = extract("Bad output", body_with_dump("The model prints garbage."))
    env = f.env_values()
    assert env["torch"] == "2.1.0+cu121"
    assert env["torch_cuda"] == "12.1"
    assert env["cuda"] == "12.1.105"
    assert env["python"] == "3.10.12"
    assert env["cuda_driver"] == "535.104.05"
    assert env["gpu"] == "2 x NVIDIA A100-SXM4-80GB"
    assert env["gpu_count"] == "2"
    assert env["gpu_cc"] == "8.0"
    assert env["transformers"] == "4.37.2"
    assert env["os"].startswith("Ubuntu 22.04")
    for fact in f.env.values():
        if fact.source != "derived":
            assert fact.value in f.text[fact.span[0]:fact.span[1]] or fact.key in ("gpu", "gpu_count")
    assert f.env["torch"].source == "collect_env"


def test_dump_does_not_leak_into_prose_or_code():
    f = extract("Bad output", body_with_dump("The model prints garbage."))
    assert "PyTorch version" not in f.prose
    assert "CUDA" not in f.prose
    assert "The model prints garbage." in f.prose
    assert all("PyTorch version" not in c for c in f.code)


def test_code_blocks_are_kept_and_prose_excludes_them():
    body = "I load it like this:\n```python\nmodel = AutoModel.from_pretrained(p, trust_remote_code=True)\n```\nthen it fails"
    f = extract("t", body)
    assert f.code == ["model = AutoModel.from_pretrained(p, trust_remote_code=True)"]
    assert "trust_remote_code" not in f.prose
    assert "then it fails" in f.prose


def test_machine_output_outranks_prose():
    f = extract("t", body_with_dump("I use torch 2.0 and python 3.9"))
    assert f.env["torch"].value == "2.1.0+cu121"
    assert f.env["python"].value == "3.10.12"


def test_prose_english_and_chinese():
    f = extract("Qwen2.5-14B-Instruct-AWQ 输出乱码", "部署之后输出全是乱码，请问怎么解决？我用的是 A100 80G，torch 2.1，cuda12.1，transformers==4.37.2，python 3.10")
    env = f.env_values()
    assert env["model"] == "Qwen2.5-14B-Instruct-AWQ"
    assert env["quantization"] == "AWQ"
    assert env["gpu"] == "A100 80G"
    assert env["torch"] == "2.1"
    assert env["cuda"] == "12.1"
    assert env["transformers"] == "4.37.2"
    assert env["python"] == "3.10"
    assert f.language == "zh"


def test_issue_form_sections_and_no_response():
    body = "### Model\n\nQwen2-7B-Instruct\n\n### Environment\n\n_No response_\n\n### Description\n\nIt hangs."
    f = extract("Hang", body)
    assert f.env["model"].value == "Qwen2-7B-Instruct"
    assert f.env["model"].source == "issue_form"
    assert "_No response_" not in f.prose
    assert f.language == "en"


def test_traceback_moves_out_of_prose_and_gives_python():
    body = (
        "It fails:\nTraceback (most recent call last):\n"
        '  File "/home/me/run.py", line 3, in <module>\n    main()\n'
        '  File "/opt/conda/lib/python3.11/site-packages/transformers/models/auto/configuration_auto.py", line 1, in f\n'
        "    raise KeyError(key)\nKeyError: 'qwen2'\nAny idea?"
    )
    f = extract("t", body)
    assert "Traceback" not in f.prose and "KeyError" not in f.prose
    assert "Any idea?" in f.prose
    assert f.errors[0].type == "KeyError" and f.errors[0].package == "transformers"
    assert f.env["python"].value == "3.11"


def test_never_raises_on_non_strings():
    f = extract(None, b"\xff\x00")  # type: ignore[arg-type]
    assert f.text == "\n\n"


def test_errors_come_from_logs_and_title_not_from_sentences():
    body = "I read that people run out of memory with this.\n```\nRuntimeError: CUDA error: device-side assert triggered\n```"
    f = extract("CUDA out of memory with Qwen2-7B", body)
    assert [(e.kind, e.span[0] < len(f.title)) for e in f.errors] == [("oom", True), ("cuda", False)]


def test_unfenced_error_lines_are_machine_lines():
    f = extract("t", "It crashed with\nSegmentation fault (core dumped)\nafter loading.")
    assert [e.kind for e in f.errors] == ["segfault"]
    assert "Segmentation" not in f.prose and "after loading." in f.prose


def test_issue_form_answers_under_headings():
    body = (
        "### What is the issue?\n\nSlow on GPU.\n\n### OS\n\nWindows\n\n### GPU\n\nNvidia\n\n"
        "### Ollama version\n\n0.5.7\n\n### Models\n\nQwen2.5-Coder-32B-Instruct-Q4_K_M.gguf\n"
    )
    env = extract("slow", body).env_values()
    assert env["os"] == "Windows" and env["ollama"] == "0.5.7"
    assert env["model"] == "Qwen2.5-Coder-32B-Instruct-Q4_K_M"
    assert "gpu" not in env  # "Nvidia" names no model


def test_llama_cpp_version_pasted_in_a_form_is_machine_output():
    body = "### Name and Version\n\nversion: 4589 (eb7cf15a)\nbuilt with cc (Ubuntu 11.4.0) 11.4.0 for x86_64-linux-gnu\n"
    f = extract("bug", body)
    assert f.env["llama_cpp"].value == "4589"
    assert "os" not in f.env  # the compiler's distro is not the reporter's OS statement
    assert "built with" not in f.prose


def test_unfenced_dumps_do_not_leak_into_prose():
    from tests.core.extract import samples

    for dump in (samples.TORCH_COLLECT_ENV, samples.VLLM_NEW, samples.VLLM_OLD, samples.LMDEPLOY,
                 samples.TRANSFORMERS_V4, samples.NVIDIA_SMI):
        f = extract("t", "My env:\n" + dump + "\nThe bug is here.\nIt happens on every request.")
        assert f.prose.split() == "t My env: The bug is here. It happens on every request.".split()
        assert "model" not in f.env  # "Model name: AMD EPYC..." is a CPU, not a checkpoint


def test_language_weighs_chinese_characters_against_words():
    assert extract("qwen2-72b-int4 推理报错", "环境：ubuntu22.04，python3.10，torch2.1.2，cuda12.1").language == "zh"
    english = "When I ask in English it answers 你好你好你好 and then stops. I use the chat template from the README."
    assert extract("Model answers in Chinese", english).language == "en"


def test_language_counts_each_ideograph_once_and_non_ascii_letters_as_separators():
    from bot.core.extract import _language

    assert _language("é" + "一二" + " ab" * 4) == "en"  # 2 ideographs against 4 words: 8 < 2 + 8
    assert _language("一二三 ab cd") == "zh"  # 3 against 2 words: 3 * 4 >= 3 + 4
    assert _language("“quoted” text, café") == "en"
    assert _language("\u4e00\u9fff" + "éa" * 50) == "zh"  # "a" alone is not a word


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(min_codepoint=0x3F00, max_codepoint=0xA100) | st.sampled_from("a é😀\n"), max_size=40))
def test_cjk_count_counts_exactly_the_ideographs_u4e00_to_u9fff(text):
    from bot.core.extract import _cjk_count

    assert _cjk_count(text.encode("utf-8")) == sum("\u4e00" <= c <= "\u9fff" for c in text)


def test_markdown_table_in_prose_states_the_environment():
    body = "### 环境 | Environment\n\n| 名称 | 版本 |\n| --- | --- |\n| 操作系统 | Ubuntu 18.04 |\n| torch | 1.13.1 |\n| CUDA | 11.6 |\n"
    env = extract("报错", body).env_values()
    assert (env["os"], env["torch"], env["cuda"]) == ("Ubuntu 18.04", "1.13.1", "11.6")


def test_docker_image_tag_in_prose_and_in_a_command():
    assert extract("t", "I use the vllm/vllm-openai:v0.6.6.post1 image.").env_values()["vllm"] == "0.6.6.post1"
    assert extract("t", "```\ndocker run ollama/ollama:0.4.2\n```").env_values()["ollama"] == "0.4.2"


def test_windows_and_macos_traceback_paths_name_python_and_os():
    win = (
        "```\nTraceback (most recent call last):\n"
        '  File "D:\\llm\\Python310\\lib\\site-packages\\vllm\\__init__.py", line 3, in <module>\n'
        "ModuleNotFoundError: No module named 'vllm._C'\n```"
    )
    env = extract("t", win).env_values()
    assert (env["python"], env["os"]) == ("3.10", "Windows")
    mac = '```\nTraceback (most recent call last):\n  File "/Users/ann/run.py", line 1, in <module>\nKeyError: 1\n```'
    assert extract("t", mac).env_values()["os"] == "macOS"
    assert extract("On Windows 11", win).env_values()["os"] == "Windows 11"  # a stated OS outranks the path


def test_python_from_a_site_packages_path_without_a_trailing_slash():
    body = "```\nRequirement already satisfied: vllm in ./env/lib/python3.12/site-packages (0.6.3)\n```"
    env = extract("t", body).env_values()
    assert (env["python"], env["vllm"]) == ("3.12", "0.6.3")


def test_chinese_single_and_double_card_counts():
    env = extract("t", "双卡3090 部署 Qwen2-72B-Instruct-AWQ").env_values()
    assert (env["gpu"], env["gpu_count"]) == ("双卡3090", "2")
    assert extract("t", "单卡 L20 推理").env_values()["gpu_count"] == "1"


def test_a_named_macos_outranks_the_mac_hardware_named_first():
    env = extract("t", "Apple M1 Pro laptop, macOS Ventura 13.6, torch 2.2.0").env_values()
    assert env["os"] == "macOS Ventura 13.6"
    assert extract("t", "MacBook Air M2, torch 2.2.0").env_values()["os"] == "MacBook Air M2"


def test_a_typed_label_line_states_more_than_its_label():
    env = extract("t", "Setup:\n- GPU: 4x L20, CUDA 12.2, driver 535.161.08\n- OS: Debian 12 with python 3.11\n").env_values()
    assert (env["gpu"], env["cuda"], env["cuda_driver"]) == ("4x L20", "12.2", "535.161.08")
    assert (env["os"], env["python"]) == ("Debian 12", "3.11")
    template = extract("t", "- OS: [e.g. Ubuntu 20.04]\n- GPU: [e.g. A100]\n").env_values()
    assert "os" not in template and "gpu" not in template


def test_form_headings_are_template_text_not_prose():
    body = ("### 是否已有关于该错误的issue？ | Is there an existing issue for this?\n\n- [X] I have searched the existing issues\n\n"
            "### Error logs\n\n_No response_\n\n### Expected behavior\n\nThe answer should stop after one paragraph.")
    f = extract("Answers never end", body)
    assert "错误" not in f.prose and "Error logs" not in f.prose and "Expected behavior" not in f.prose
    assert "should stop after one paragraph" in f.prose and f.language == "en"


def test_the_reply_language_ignores_the_templates_headings_and_checklists():
    form = ("### Reminder\n\n- [X] I have read the above rules and searched the existing issues.\n\n"
            "### System Info\n\n单卡 3090\n\n### Reproduction\n\n训练脚本照着示例改的，数据集格式换成了自己的：\n"
            "```\nValueError: bad dataset\n```\n\n### Others\n\n_No response_\n")
    assert extract("ValueError: bad dataset", form).language == "zh"
    bilingual = ("### 当前行为 | Current Behavior\n\n- [X] 我已经搜索过已有的issues和讨论 | I have searched the issues\n\n"
                 "Loading the 72B chat model with device_map auto still runs out of memory on eight 3090 cards.\n")
    assert extract("72B 显存 OOM", bilingual).language == "en"


def test_an_error_quoted_inline_in_prose_is_read_once():
    body = ("Calling the server with the OpenAI client fails with `TypeError: create() got an unexpected keyword "
            "argument 'enable_thinking'`. What is the right way?")
    errors = extract("How to pass enable_thinking", body).errors
    assert [(e.type, e.message[:8]) for e in errors] == [("TypeError", "create()")]
    block = "It fails:\n```\nValueError: bad shape\n```\nThe same `ValueError: bad shape` as before."
    assert len(extract("fails", block).errors) == 1  # already read from the log


def test_versions_said_through_pip_show_or_as_the_latest_one():
    assert extract("x", "`pip show transformers` now says 4.44.2, still failing").env_values()["transformers"] == "4.44.2"
    assert extract("x", "the vLLM version is the latest one (0.6.6):").env_values()["vllm"] == "0.6.6"
    said = "I'm on the latest transformers as far as I know, pip says 4.46.3. Qwen2.5 loads fine."
    assert extract("x", said).env_values()["transformers"] == "4.46.3"
    assert extract("x", "flash-attn is installed though (pip show says 2.4.2).").env_values()["flash_attn"] == "2.4.2"
    assert "vllm" not in extract("x", "torch 2.1 and vllm. pip says 0.6.3").env_values()  # another sentence's version


def test_a_short_model_name_gives_way_to_the_same_checkpoint_named_in_full():
    body = "We serve Llama-3.1-70B-Instruct behind our own server."
    assert extract("Llama 3.1 70B stops early", body).env["model"].value == "Llama-3.1-70B-Instruct"
    other = "It worked with Llama-3.1-70B-Demo and with Llama-3.2-1B-Instruct."  # no variant of it; another model
    assert extract("Llama 3.1 70B stops early", other).env["model"].value == "Llama 3.1 70B"
