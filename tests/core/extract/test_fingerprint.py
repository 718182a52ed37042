"""Tests for fingerprint: stable across paths, numbers and addresses; different across types and packages."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.extract.fingerprint import fingerprint, frames_of_interest, normalise_message
from bot.core.types import Frame


def test_normalise_removes_paths_numbers_hex():
    msg = "CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0) at /home/alice/run.py 0x7f3a22bc"
    assert normalise_message(msg) == "cuda out of memory. tried to allocate <size> (gpu <n>) at <path> <hex>"


def test_library_quoted_names_are_kept_user_ones_dropped():
    assert normalise_message("'qwen2'") == "'qwen2'"
    assert normalise_message("name 'my_var' is not defined", user_code=True) == "name <q> is not defined"


def test_same_error_on_two_machines_has_one_fingerprint():
    a = [Frame(file="/home/a/x.py", line=3), Frame(file="/a/site-packages/vllm/w.py", line=10, function="load",
                                                   package="vllm")]
    b = [Frame(file="/srv/b/y.py", line=99), Frame(file="/b/site-packages/vllm/w.py", line=12, function="load",
                                                   package="vllm")]
    fa = fingerprint("oom", "torch.cuda.OutOfMemoryError", "Tried to allocate 2.00 GiB on GPU 0", a)
    fb = fingerprint("oom", "torch.cuda.OutOfMemoryError", "Tried to allocate 512.00 MiB on GPU 3", b)
    assert fa == fb and len(fa) == 16


def test_type_message_and_package_change_the_fingerprint():
    base = fingerprint("python", "KeyError", "'qwen2'")
    assert base != fingerprint("python", "ValueError", "'qwen2'")
    assert base != fingerprint("python", "KeyError", "'llama'")
    pkg = [Frame(file="f", function="g", package="transformers")]
    assert base != fingerprint("python", "KeyError", "'qwen2'", pkg)


def test_frames_of_interest_skip_user_and_stdlib():
    frames = [Frame(file="u.py"), Frame(file="t", package="torch", function="f"), Frame(file="s", package="stdlib")]
    assert [f.package for f in frames_of_interest(frames)] == ["torch"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab '\"\n0x1f/.:\\-MiB", max_size=80), st.integers(0, 3))
def test_fast_tokens_agree_with_the_bounded_pattern(text, grow):
    from bot.core.extract.common import scan
    from bot.core.extract.fingerprint import _TOKENS, _tokens

    text = text.replace("a", "a" * (100 * grow))  # quoted parts over the 200-character bound
    def read(ms):
        return [(t.span(), [t.group(i) for i in range(6)]) for t in ms]

    assert read(_tokens(text)) == read(scan(_TOKENS, text))
