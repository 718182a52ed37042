"""Pasted machine output inside prose: log lines, tracebacks, error lines and unfenced environment dumps."""

from __future__ import annotations

from bot.core.extract.common import rx, scan
from bot.core.extract.envdumps import DUMP_LINE
from bot.core.extract.segment import Block, Chunk, Line

MAX_RUNS = 20_000
"""At most this many runs of machine lines are told apart from prose in one block; the rest counts as machine."""

_MACHINE_START = (
    r"[ \t]*(?:\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\[?\d\d:\d\d:\d\d|(?:INFO|WARNING|ERROR|DEBUG|CRITICAL)\b|"
    r"[IWEF]\d{4} \d\d:|\(\w+ pid=\d+\)|\[rank\d+\]|File \"|Traceback \(most recent|\^+[ \t]*\r?$|\[pip3?\]|\[conda\]|"
    r"\||\+-{3}|(?:[A-Za-z_][A-Za-z0-9_]*\.){0,6}[A-Z][A-Za-z0-9_]*(?:Error|Exception|Interrupt|Warning)\w*:[ \t]|"
    r"Segmentation fault|Killed\r?$|terminate called|CUDA error:|CUDA out of memory|NCCL (?:error|WARN)|error: |"
    r"ERROR:|ninja: |Failed building wheel|nvcc fatal|Aborted \(core dumped\)|[a-z0-9._-]+:\d+:\d+ \[\d+\] NCCL|"
    r"version: \d+ \(|built with |build: \d+ \(|system_info: |ggml_|llama_model_load|llm_load_|ollama version is|"
    r"Warning: client version|time=\S+ level=|Collecting environment information|Copy-and-paste the text below|"
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}|(?:/[^ \t\n/]+){2,}\r?$|={20,})"
)
"""The start of a pasted machine line: a log prefix, a traceback line, an exception line, a table border."""
_MACHINE_RUNS = rx(r"(?m)(?:^" + _MACHINE_START + r"[^\n]*(?:\n|\z))+")
_DUMP_RUNS = rx("(?im)(?:" + DUMP_LINE.pattern.removeprefix("(?im)") + r"[^\n]*(?:\n|\z))+")
"""Runs of consecutive machine lines (one match per run, not per line)."""


def _runs(pattern, s: str) -> list[tuple[int, int]]:
    """The [start, end) spans of the pattern's runs of lines in s."""
    return [m.span() for m in scan(pattern, s, MAX_RUNS)]


class _Cursor:
    """Answers "is this position inside one of the (sorted) runs?" for increasing positions, in amortised O(1)."""

    __slots__ = ("runs", "i")

    def __init__(self, runs: list[tuple[int, int]]):
        self.runs, self.i = runs, 0

    def inside(self, pos: int) -> bool:
        """True if pos lies in a run (positions must not decrease between calls)."""
        runs = self.runs
        while self.i < len(runs) and runs[self.i][1] <= pos:
            self.i += 1
        return self.i < len(runs) and runs[self.i][0] <= pos


def split_machine(block: Block) -> tuple[list[Line], list[Line], list[str]]:
    """A prose block's human lines, its pasted machine lines (tracebacks, logs, dump labels), and the log lines."""
    chunk = Chunk(block.pieces)
    s = chunk.text
    dump_runs = _runs(_DUMP_RUNS, s) if ":" in s else []  # a dump line's label ends with a colon
    runs = sorted(_runs(_MACHINE_RUNS, s) + dump_runs)
    if not runs:
        return block.pieces, [], []
    marked, dumps = _Cursor(runs), _Cursor(dump_runs)
    cutoff = runs[-1][1] if len(runs) >= MAX_RUNS else len(s)
    human: list[Line] = []
    machine: list[Line] = []
    logs: list[str] = []
    in_tb = in_dump = False
    pos = 0
    for line in s.split("\n"):
        item = (chunk.at(pos), line)
        here, pos = pos, pos + len(line) + 1
        is_marked = marked.inside(here) or here >= cutoff
        if in_dump:
            if is_marked or _dump_continues(line) or machine and machine[-1][1].startswith("====="):
                machine.append(item)
                continue
            in_dump = False
        if in_tb:
            st = line.strip()
            if not st or line[:1] in " \t" or st.startswith(("File ", "^", "During handling", "The above exception")):
                machine.append(item)
                logs.append(line)
                continue
            in_tb = False
            if st[:1].isupper() and ":" in st and " " not in st.split(":", 1)[0]:
                machine.append(item)
                logs.append(line)
                continue
        if is_marked:
            machine.append(item)
            in_tb = in_tb or "Traceback (most recent" in line
            is_dump = dumps.inside(here)
            in_dump = in_dump or line.startswith(("Collecting environment", "=====")) or is_dump
            if not is_dump:
                logs.append(line)
        else:
            human.append(item)
    return human, machine, logs


def _dump_continues(line: str) -> bool:
    """Inside a pasted env dump: blank lines, banner titles, indented tables, KEY=VALUE and topology rows go on."""
    st = line.strip()
    if not st or line[:1] in " \t" or st.startswith(("GPU", "NIC", "Legend", "X ", "CPU", "mlx")):
        return True
    head, _, value = st.partition(":")
    if value and " " not in head and value.strip()[:1].isdigit():
        return True  # "gradio: 4.36.1"
    return "=" in st and st.split("=", 1)[0].isupper() or (" " not in st and st.endswith(":"))
