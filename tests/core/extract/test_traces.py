"""Tests for traces: Python tracebacks (chained), CUDA, OOM, NCCL, kills, segfaults, terminate, builds, HTTP."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.extract.segment import Chunk
from bot.core.extract.traces import frame_package, parse_errors

CHAINED = """Traceback (most recent call last):
  File "/home/me/serve.py", line 10, in <module>
    cfg = AutoConfig.from_pretrained(path)
  File "/opt/conda/lib/python3.10/site-packages/transformers/models/auto/configuration_auto.py", line 1039, in from_pretrained
    config_class = CONFIG_MAPPING[config_dict["model_type"]]
KeyError: 'qwen2'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/home/me/serve.py", line 12, in <module>
    raise ValueError("unsupported model")
ValueError: The checkpoint you are trying to load has model type `qwen2` but Transformers does not recognize this architecture.
"""


def errors(text: str):
    """Errors found in a text."""
    return parse_errors(Chunk.of(text))


def test_chained_traceback_gives_each_final_exception_with_frames():
    errs = errors(CHAINED)
    assert [(e.kind, e.type) for e in errs] == [("python", "KeyError"), ("python", "ValueError")]
    first, second = errs
    assert first.message == "'qwen2'"
    assert first.package == "transformers"
    assert [f.package for f in first.frames] == [None, "transformers"]
    assert first.frames[1].function == "from_pretrained" and first.frames[1].line == 1039
    assert second.package is None
    assert CHAINED[first.span[0]:first.span[1]].startswith("Traceback")


@pytest.mark.parametrize(
    ("path", "pkg"),
    [
        ("/usr/local/lib/python3.10/dist-packages/flash_attn/flash_attn_interface.py", "flash_attn"),
        ("C:\\Users\\me\\venv\\Lib\\site-packages\\vllm\\engine\\llm_engine.py", "vllm"),
        ("/opt/conda/lib/python3.11/site-packages/torch/nn/modules/module.py", "torch"),
        ("/root/.cache/huggingface/modules/transformers_modules/Qwen-7B-Chat/modeling_qwen.py", "transformers_modules"),
        ("/usr/lib/python3.10/threading.py", "stdlib"),
        ("train.py", None),
        ("/home/me/project/run.py", None),
    ],
)
def test_frame_package(path, pkg):
    assert frame_package(path) == pkg


def test_oom_details():
    (e,) = errors(
        "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 23.65 GiB total "
        "capacity; 22.90 GiB already allocated; 3.12 MiB free; 23.10 GiB reserved in total by PyTorch)"
    )
    assert e.kind == "oom"
    assert e.details == {"requested": "20.00 MiB", "free": "3.12 MiB"}


def test_oom_new_message_format():
    (e,) = errors("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which "
                  "1.02 GiB is free.")
    assert e.kind == "oom" and e.details == {"requested": "2.00 GiB", "free": "1.02 GiB"}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("RuntimeError: CUDA error: an illegal memory access was encountered", "cuda"),
        ("RuntimeError: CUDA error: CUBLAS_STATUS_NOT_INITIALIZED when calling `cublasCreate(handle)`", "cuda"),
        ("../aten/src/ATen/native/cuda/Indexing.cu:1146: block: [0,0,0] device-side assert triggered", "cuda"),
        ("torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:219, "
         "unhandled cuda error", "nccl"),
        ("node1:1234:1234 [0] NCCL WARN Cuda failure 'out of memory'", "oom"),
        ("torch.distributed.elastic.multiprocessing.api:failed (exitcode: -9) local_rank: 0 (pid: 1) of binary", "killed"),
        ("Killed", "killed"),
        ("[12345.678] Out of memory: Killed process 4242 (python)", "killed"),
        ("Segmentation fault (core dumped)", "segfault"),
        ("terminate called after throwing an instance of 'c10::Error'", "terminate"),
        ("error: command '/usr/local/cuda/bin/nvcc' failed with exit code 1", "build"),
        ("  ERROR: Failed building wheel for flash-attn", "build"),
        ("ninja: build stopped: subcommand failed.", "build"),
        ('INFO:     127.0.0.1:51234 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error', "http"),
        ("openai.BadRequestError: Error code: 400 - {'object': 'error', 'message': 'max_tokens too large'}", "http"),
        ("requests.exceptions.HTTPError: 500 Server Error: Internal Server Error for url: http://x/v1", "http"),
        ("Error: HTTP 403 Forbidden", "http"),
        ("ValueError: Tokenizer class Qwen2Tokenizer does not exist or is not currently imported.", "python"),
    ],
)
def test_error_kinds(line, kind):
    errs = errors("some text\n" + line + "\nmore text")
    assert errs and errs[0].kind == kind


def test_bare_exception_line_without_traceback_counts():
    (e,) = errors("I get\nKeyError: 'qwen2'\nwhen loading")
    assert (e.kind, e.type, e.message) == ("python", "KeyError", "'qwen2'")


def test_plain_prose_has_no_errors():
    assert errors("The model answers in Chinese even when I ask in English.\nIs there a setting?") == []


def test_duplicates_are_reported_once_and_list_is_capped():
    text = "RuntimeError: CUDA error: device-side assert triggered\n" * 50
    assert len(errors(text)) == 1
    many = "".join(f"ValueError{i}Error: bad {i}\n" for i in range(100))
    assert len(errors(many)) <= 20


def test_traceback_without_header_still_gets_frames():
    text = ('  File "/x/site-packages/vllm/worker.py", line 3, in load\n    f()\n'
            "AssertionError: Quantization method awq is not supported")
    (e,) = errors(text)
    assert e.type == "AssertionError" and e.package == "vllm"


def test_http_status_in_details():
    (e,) = errors("openai.BadRequestError: Error code: 400 - {'message': 'This model's maximum context length is 4096'}")
    assert (e.kind, e.type, e.details) == ("http", "openai.BadRequestError", {"status": "400"})


@pytest.mark.parametrize("line, status", [
    ("2024-06-02 10:14:23 ERROR 403: Forbidden.", "403"),
    ("HTTP request sent, awaiting response... 404 Not Found", "404"),
    ("curl: (22) The requested URL returned error: 401", "401"),
])
def test_wget_and_curl_refusals_are_http_errors(line, status):
    (e,) = errors(line)
    assert (e.kind, e.details) == ("http", {"status": status})


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet='File "x', max_size=8),
    st.text(alphabet='/ab."é中\t', max_size=8) | st.sampled_from(["x" * 500, "x" * 501]),
    st.text(alphabet="0123x", max_size=3),
    st.sampled_from([", in ", ",in ", ", in", ""]),
    st.text(alphabet="f< >\t\v\r中", max_size=4),
    st.sampled_from(["", ' File "/ok.py", line 9', ' File "b", line 1, in g']),
)
def test_frame_reads_what_the_frame_regex_would(head, path, number, sep, name, tail):
    from bot.core.extract.common import first, rx
    from bot.core.extract.traces import _frame

    line = f'{head}File "{path}", line {number}{sep}{name}{tail}'
    m = first(rx(r'File "([^"]{1,500})", line (\d+)(?:, in (\S+))?'), line)
    assert _frame(line) == (m and (m.group(1), int(m.group(2)), m.group(3)))


def test_frame_paths_of_500_characters_at_most():
    from bot.core.extract.traces import _frame

    for n, want in ((500, "x" * 500), (501, "/ok.py")):
        line = f'  File "{"x" * n}", line 3, in f File "/ok.py", line 9'
        assert _frame(line)[0] == want
    assert _frame('File "a.py", line 3, in  f') == ("a.py", 3, None)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "Error code: ", "HTTP/1.1 ", "STATUS: ", "ſtatus=", "404", "503 ", "Not Found", "out of memory", "OUT OF MEMORY",
    ". Tried to allocate ", "2.00 GiB", " 1.5 MiB free", "rror", "code", " ", "x",
]), max_size=8))
def test_details_prechecks_change_nothing(parts):
    from bot.core.extract.common import first
    from bot.core.extract.traces import _HTTP, _OOM, _STATUS_FIRST, _details

    message = "".join(parts)

    def reference(m):
        if "code" in m or "HTTP" in m or "rror" in m:
            h = first(_HTTP, m)
            if h:
                return {"status": h.group(1) or h.group(3) or h.group(5)}
            h = first(_STATUS_FIRST, m)
            if h:
                return {"status": h.group(0)}
        o = first(_OOM, m)
        return {} if not o else {"requested": o.group(1), **({"free": o.group(2)} if o.group(2) else {})}

    assert _details(message) == reference(message)


@pytest.mark.parametrize("line", [
    "ERROR 03-14 09:12:45 [engine.py:210] ValueError: max_model_len (8192) is too large for the KV cache",
    "(VllmWorker rank=1 pid=77) ERROR 03-14 09:12:45 [multiproc_executor.py:480] ValueError: max_model_len (8192) "
    "is too large for the KV cache",
    "ERROR 11-02 17:01:02 llm_engine.py:88] ValueError: max_model_len (8192) is too large for the KV cache",
])
def test_an_error_on_a_vllm_log_line_is_read(line):
    got = errors(f"```\nINFO 03-14 09:12:40 [api_server.py:1] starting\n{line}\n```")
    assert [(e.type, e.message[:14]) for e in got] == [("ValueError", "max_model_len ")]
