"""Tests for machine: telling pasted logs, tracebacks and unfenced dumps apart from the reporter's prose."""

from bot.core.extract.machine import split_machine
from bot.core.extract.segment import segment


def split(body: str) -> tuple[list[str], list[str], list[str]]:
    """(human lines, machine lines, log lines) of a one-block prose body."""
    (block,) = segment(body)
    human, machine, logs = split_machine(block)
    return [s for _, s in human], [s for _, s in machine], logs


def test_plain_prose_is_untouched():
    human, machine, logs = split("The model repeats itself.\nAny idea?")
    assert human == ["The model repeats itself.\nAny idea?"] and machine == [] and logs == []


def test_traceback_and_log_lines_are_machine_and_logs():
    body = ("It fails:\nINFO 01-01 10:00:00 engine.py:1] start\nTraceback (most recent call last):\n"
            '  File "a.py", line 1, in <module>\n    f()\nKeyError: \'qwen2\'\nAny idea?')
    human, machine, logs = split(body)
    assert human == ["It fails:", "Any idea?"]
    assert logs == machine == body.split("\n")[1:-1]


def test_dump_lines_are_machine_but_not_logs():
    human, machine, logs = split("Env:\nPyTorch version: 2.1.0\nOS: Ubuntu 22.04\n\nThanks")
    assert human == ["Env:", "Thanks"]
    assert machine[:2] == ["PyTorch version: 2.1.0", "OS: Ubuntu 22.04"] and logs == []


def test_offsets_point_into_the_text():
    body = "intro\n[pip3] torch==2.1.0\noutro"
    (block,) = segment(body, 7)
    human, machine, _ = split_machine(block)
    assert machine == [(7 + 6, "[pip3] torch==2.1.0")]
    assert [off for off, _ in human] == [7, 7 + 26]
