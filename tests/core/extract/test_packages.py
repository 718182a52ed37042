"""Tests for packages: pip list, pip freeze, conda list and collect_env's [pip3]/[conda] lines."""

from bot.core.extract.packages import parse_packages
from bot.core.extract.segment import Chunk
from tests.core.extract import samples


def pkgs(text: str, in_code: bool = True) -> dict[str, tuple[str, str]]:
    """Key -> (value, source)."""
    return {c.key: (c.value, c.source) for c in parse_packages(Chunk.of(text), in_code)}


def test_pip_list_columns():
    got = pkgs(samples.PIP_LIST)
    assert got["vllm"] == ("0.6.1.post2", "pip")
    assert got["flash_attn"] == ("2.6.3", "pip")
    assert got["auto_gptq"] == ("0.7.1+cu121", "pip")
    assert got["xformers"] == ("0.0.27.post2", "pip")
    assert "numpy" not in got


def test_pip_freeze_with_direct_url():
    got = pkgs(samples.PIP_FREEZE)
    assert got["trl"] == ("0.8.6", "pip")
    assert got["torch"] == ("2.3.0+cu121", "pip")
    assert got["torch_cuda"] == ("12.1", "derived")


def test_conda_list_build_string_gives_torch_cuda():
    got = pkgs(samples.CONDA_LIST)
    assert got["torch"] == ("2.0.1", "conda")
    assert got["torch_cuda"][0] == "11.7"
    assert got["transformers"][0] == "4.31.0"


def test_bracket_lines_count_outside_code_but_bare_rows_do_not():
    text = "[pip3] torch==2.2.1\n[conda] transformers 4.38.0 pypi_0 pypi\ntorch 9.9 is what I think"
    got = pkgs(text, in_code=False)
    assert got["torch"] == ("2.2.1", "pip")
    assert got["transformers"] == ("4.38.0", "conda")


def test_ten_thousand_line_list_is_parsed_and_bounded():
    rows = "".join(f"package-{i}    1.{i}.0\n" for i in range(10_000))
    got = pkgs(rows + "torch    2.5.1\n")
    assert got == {"torch": ("2.5.1", "pip")}


def test_first_row_wins_for_each_key():
    got = pkgs("torch==2.1.0\ntorch==2.0.0\n")
    assert got["torch"][0] == "2.1.0"


def test_poetry_show_rows_with_descriptions():
    text = "peft         0.10.0   Parameter-Efficient Fine-Tuning\ntorch        2.1.2    Tensors and neural networks\n"
    got = pkgs(text)
    assert got["peft"] == ("0.10.0", "pip") and got["torch"] == ("2.1.2", "pip")
    assert pkgs("torch 2.1.0 is what the docs recommend for this model") == {}


def test_python_from_conda_row_and_version_output_but_not_a_bare_major():
    assert pkgs("python                    3.11.9          h955ad1f_0\n")["python"] == ("3.11.9", "conda")
    assert pkgs("$ python --version\nPython 3.9.7\n")["python"] == ("3.9.7", "pip")
    assert "python" not in pkgs("python 3\n")


def test_pip_show_name_and_version_lines():
    got = pkgs("Name: vllm\nVersion: 0.7.2\nSummary: A high-throughput LLM engine\n")
    assert got["vllm"] == ("0.7.2", "pip")


def test_versions_printed_after_the_expression_or_command():
    repl = ">>> import torch\n>>> torch.__version__\n'2.0.1+cu117'\n>>> torch.version.cuda\n'11.7'\n"
    repl += ">>> torch.cuda.get_device_name(0)\n'NVIDIA GeForce RTX 2080 Ti'\n"
    got = pkgs(repl)
    assert (got["torch"][0], got["torch_cuda"][0], got["gpu"][0]) == ("2.0.1+cu117", "11.7", "NVIDIA GeForce RTX 2080 Ti")
    got = pkgs("$ vllm --version\n0.7.3\n$ python -c 'import transformers; print(transformers.__version__)'\n4.48.3\n")
    assert (got["vllm"][0], got["transformers"][0]) == ("0.7.3", "4.48.3")
    assert pkgs("if torch.__version__ < '2.1':\n    raise RuntimeError('too old')\n") == {}


def test_installed_versions_from_pip_messages():
    log = (
        "Requirement already satisfied: torch>=2.0 in /opt/venv/lib/python3.11/site-packages (from peft) (2.4.1)\n"
        "sglang 0.3.2 requires transformers==4.45.0, but you have transformers 4.46.1 which is incompatible.\n"
        "Successfully installed accelerate-1.0.1 safetensors-0.4.5 xformers-0.0.28.post1\n"
    )
    got = {k: v for k, (v, _) in pkgs(log).items()}
    assert got == {"torch": "2.4.1", "transformers": "4.46.1", "sglang": "0.3.2", "accelerate": "1.0.1",
                   "xformers": "0.0.28.post1"}


def test_wheel_file_names_give_versions():
    text = "pip install ./dist/auto_gptq-0.7.1+cu121-cp311-cp311-linux_x86_64.whl\n"
    text += "Processing /wheels/torch-2.2.2+cu118-cp311-cp311-linux_x86_64.whl\n"
    got = pkgs(text)
    assert (got["auto_gptq"][0], got["torch"][0], got["torch_cuda"][0]) == ("0.7.1+cu121", "2.2.2+cu118", "11.8")


def test_conda_environment_file_specs():
    got = pkgs("dependencies:\n  - python=3.11\n  - pytorch=2.3.1\n  - pytorch-cuda=12.1\n")
    assert (got["python"][0], got["torch"][0], got["torch_cuda"][0]) == ("3.11", "2.3.1", "12.1")


def test_pip_already_satisfied_quoted_in_a_sentence_gives_the_version():
    from bot.core.extract import extract
    f = extract("bnb on windows", 'I ran pip install -U bitsandbytes, pip says "Requirement already satisfied: '
                'bitsandbytes in c:\\users\\me\\miniconda3\\lib\\site-packages (0.41.1)". Same error.')
    assert f.env["bitsandbytes"].value == "0.41.1"


def test_the_version_first_in_a_repl_tuple_is_read():
    from bot.core.extract import extract
    f = extract("bnb", "```\n>>> import torch; torch.__version__, torch.cuda.is_available()\n('2.1.2+cpu', False)\n```")
    assert f.env["torch"].value == "2.1.2+cpu"
