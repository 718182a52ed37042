"""Errors in issue text: Python tracebacks (chained too), CUDA, OOM, NCCL, kills, segfaults, terminate, builds, HTTP."""

from __future__ import annotations

from collections import deque

from bot.core.extract.common import first, rx, scan
from bot.core.extract.fingerprint import fingerprint
from bot.core.extract.segment import Chunk
from bot.core.types import ErrorFact, Frame

MAX_ERRORS = 20
MAX_MADE = 100
"""At most this many errors are built (duplicates included) before the rest of the text is left alone."""
MAX_FRAMES = 50
"""The innermost frames kept per traceback."""

_DIGITS = frozenset("0123456789")
_BLANKS = frozenset("\t\n\f\r ")
"""RE2's \\s: what ends a frame's function name."""


def _frame(line: str) -> tuple[str, int, str | None] | None:
    """(file, line, function) of the line's first `File "<1 to 500 chars>", line N[, in name]`, or None."""
    # RE2's answer for File "([^"]{1,500})", line (\d+)(?:, in (\S+))? read with string methods: a path holds no quote,
    # so each `File "` has a single candidate, and one regex call per frame line cost more than the rest of the walk
    i = line.find('File "')
    while i >= 0:
        q = line.find('"', i + 6)
        if q < 0:
            return None
        if q - i - 6 <= 500 and q > i + 6 and line.startswith('", line ', q):
            j = k = q + 8
            while k < len(line) and line[k] in _DIGITS:
                k += 1
            if k > j:
                e = k + 5
                if line.startswith(", in ", k):
                    while e < len(line) and line[e] not in _BLANKS:
                        e += 1
                return line[i + 6:q], int(line[j:k]), line[k + 5:e] if e > k + 5 else None
        i = line.find('File "', i + 1)
    return None


_EXC = rx(
    r"^(?:E\s+|\[rank\d+\]:\s*|\S+\s+(?:ERROR|CRITICAL)\s+(?:\S+\s+)?|"
    # vLLM's logger: "(Worker pid=1) ERROR 05-06 14:20:31 [core.py:396] " (older: "... core.py:396] ")
    r"(?:\([^)\n]{1,60}\)\s+)?(?:ERROR|CRITICAL)\s+\d\d-\d\d\s+\d\d:\d\d:\d\d(?:\.\d+)?\s+\[?[\w./-]+:\d+\]\s+)?"
    r"((?:[A-Za-z_][A-Za-z0-9_]*\.){0,6}[A-Z][A-Za-z0-9_]*(?:Error|Exception|Exit|Interrupt|Warning|Fault|Failure|Timeout)\w*)"
    r"(?::\s?(.*))?$"
)
_BARE_EXC = rx(r"^((?:[A-Za-z_][A-Za-z0-9_]*\.){0,6}[A-Z][A-Za-z0-9_]*)(?::\s?(.*))?$")
_OOM = rx(
    r"(?i)out of memory.*?tried to allocate (\d+(?:\.\d+)? ?[KMGT]i?B)"
    r"(?:.*?(\d+(?:\.\d+)? ?[KMGT]i?B) (?:free|is free))?"
)
_CUDA = rx(r"(?i)(CUDA error|CUBLAS_STATUS_[A-Z_]+|CUDNN_STATUS_[A-Z_]+|device-side assert triggered|illegal memory access)(?::\s*(.*))?")
_NCCL = rx(r"(NCCL error|nccl(?:Internal|UnhandledCuda|System|InvalidUsage|Remote)Error|NCCL WARN)[: ]*(.*)")
_KILLED = rx(
    r"(?i)(exit ?code:? -9|return code -9|SIGKILL|signal 9|^Killed\s*$|oom-kill|Out of memory: Killed process|"
    r"exited with code 137|exit code 137)"
)
_SEGV = rx(r"(?i)(Segmentation fault|SIGSEGV|signal 11\b)")
_TERMINATE = rx(r"terminate called (?:after throwing an instance of '([^']+)'|without an active exception)")
_BUILD = rx(
    r"(?i)(error: command '?[^']*'? failed(?: with exit (?:code|status) \d+)?|Failed building wheel for \S+|"
    r"ninja: build stopped: [^\n]*|nvcc fatal\s*:[^\n]*|Error compiling objects for extension|"
    r"Failed to build installable wheels[^\n]*|CMake Error[^\n]*)"
)
_STATUS_FIRST = rx(r"^[45]\d\d\b")
_HTTP_LEAD = rx(r"^HTTP(/\d(\.\d)?)? [45]\d\d\b")  # "Error: HTTP 403 Forbidden"
_HTTP = rx(
    r'(?:HTTP(?:/\d(?:\.\d)?"?)?\s+([45]\d\d)(?:\s+([A-Za-z ]{2,40}))?|Error code: ([45]\d\d)(?: - (.*))?|'
    r'(?i:status(?: code)?[:= ]+)([45]\d\d)\b|ERROR ([45]\d\d): ([A-Za-z ]{2,40})|'  # wget's last line
    r'awaiting response\.\.\. ([45]\d\d)(?: ([A-Za-z ]{2,40}))?|returned error: ([45]\d\d))'  # wget, curl -f
)
_HTTP_CODE, _HTTP_MSG = (1, 3, 5, 6, 8, 10), (2, 4, 7, 9)


def _http(m) -> tuple[str, str | None]:
    """The status code and reason of an _HTTP match, whichever form matched."""
    return (next(c for g in _HTTP_CODE if (c := m.group(g))), next((t for g in _HTTP_MSG if (t := m.group(g))), None))



def frame_package(path: str) -> str | None:
    """The owner of a frame's file: the site-/dist-packages package, "stdlib", or None for the reporter's code."""
    p = path.replace("\\", "/")
    for marker in ("site-packages/", "dist-packages/"):
        i = p.rfind(marker)
        if i >= 0:
            head = p[i + len(marker):].split("/", 1)[0]
            head = head.removesuffix(".py").split("-")[0].lower()
            return head or None
    if "transformers_modules/" in p:
        return "transformers_modules"
    if p.startswith("<frozen") or "/lib/python3" in p or "/lib/python2" in p or "\\lib\\" in path.lower():
        return "stdlib"
    return None


def _kind_of(type_: str, message: str) -> str:
    """The error kind of a Python exception, by its type and message."""
    low = (type_ + " " + message).lower()
    if "outofmemory" in low or "out of memory" in low:
        return "oom"
    if "nccl" in low:
        return "nccl"
    if "cuda error" in low or "cublas_status" in low or "device-side assert" in low or "illegal memory" in low:
        return "cuda"
    if type_.startswith("openai.") or "HTTPError" in type_ or "error code: " in low or first(_HTTP_LEAD, message):
        return "http"
    return "python"


def _details(message: str) -> dict[str, str]:
    """Requested and free amounts from an OOM message; the status of an HTTP error."""
    if "code" in message or "HTTP" in message or "rror" in message:
        # _HTTP needs "HTTP/", "Error code: " or a case-insensitive "status" (ſ folds to s in RE2)
        low = message.lower()
        http = "HTTP" in message or "Error code: " in message or "status" in low or "ſ" in low
        h = first(_HTTP, message) if http else None
        if h:
            return {"status": _http(h)[0]}
        h = first(_STATUS_FIRST, message) if message[:1] in ("4", "5") else None
        if h:
            return {"status": h.group(0)}
    m = first(_OOM, message) if "out of memory" in message.lower() else None
    if not m:
        return {}
    out = {"requested": m.group(1)}
    if m.group(2):
        out["free"] = m.group(2)
    return out


def _make(kind, type_, message, span, frames=(), details=None) -> ErrorFact:
    """Build an ErrorFact with its package and fingerprint."""
    frames = list(frames)
    pkg = None
    for f in reversed(frames):
        if f.package != "stdlib":
            pkg = f.package
            break
    user = bool(frames) and pkg is None
    message = message.strip()[:1000]
    return ErrorFact(
        kind=kind, type=type_[:200], message=message, package=pkg, frames=frames[-MAX_FRAMES:],
        details=details or {}, fingerprint=fingerprint(kind, type_, message, frames, user), span=span,
    )


_INTEREST = rx(
    r"Traceback \(most recent call last\)|File \"|Error|Exception|out of memory|OutOfMemory|CUDA|"
    r"CUBLAS|CUDNN|device-side|illegal memory|NCCL|nccl|terminate called|egmentation|SIGSEGV|signal \d|-9\b|Kill|kill|"
    r"KILL|137|ailed|fatal|HTTP/|Error code|status|ERROR [45]\d\d|awaiting response|returned error"
)
MAX_LINES = 5000
"""At most this many candidate error lines are examined."""


def _traceback(s: str, pos: int) -> tuple[tuple[str, str, list[Frame]] | None, int]:
    """Walk one traceback from `pos`: ((type, message, frames) or None, the position where it ended)."""
    frames: deque[tuple[str, int, str | None]] = deque(maxlen=MAX_FRAMES)
    at_start = True
    n = 0
    while pos < len(s) and n < 3000:
        n += 1
        nl = s.find("\n", pos)
        end = len(s) if nl < 0 else nl
        line = s[pos:min(end, pos + 5000)]
        st = line.strip()
        nxt = end + 1
        if at_start and "Traceback (most recent call last)" in line:
            at_start = False
            pos = nxt
            continue
        at_start = False
        if 'File "' in line:
            frame = _frame(line)
            if frame:
                frames.append(frame)
                pos = nxt
                continue
        if not st or line[:1] in " \t^~" or st.startswith(("^", "~", "...", "[rank")) and 'File "' in line:
            pos = nxt
            continue
        m = first(_EXC, st) or (first(_BARE_EXC, st) if frames else None)
        if m:
            built = [Frame(file=f, line=n, function=fn, package=frame_package(f)) for f, n, fn in frames]
            return (m.group(1), m.group(2) or "", built), nxt
        return None, pos
    return None, pos


def parse_errors(chunk: Chunk) -> list[ErrorFact]:
    """Every error found in the chunk, in order: one per traceback (chained ones each) or error line, deduplicated."""
    out: list[ErrorFact] = []
    seen: set[str] = set()
    s = chunk.text
    skip_until = -1
    made = 0
    for m in scan(_INTEREST, s, MAX_LINES):
        if len(out) >= MAX_ERRORS or made >= MAX_MADE:
            break
        if m.start() < skip_until:
            continue
        a = s.rfind("\n", 0, m.start()) + 1
        b = s.find("\n", m.end())
        b = len(s) if b < 0 else b
        skip_until = b
        line = s[a:min(b, a + 5000)]
        e = None
        if "Traceback (most recent call last)" in line or line.lstrip().startswith('File "'):
            got, ended = _traceback(s, a)
            skip_until = max(ended, b)
            if got:
                type_, msg, frames = got
                e = _make(_kind_of(type_, msg), type_, msg, (chunk.at(a), chunk.at(ended - 1)), frames,
                          _details(msg))
        else:
            e = _line_error(chunk.at(a), line, line.strip())
        made += e is not None
        if e is not None and e.fingerprint not in seen:
            seen.add(e.fingerprint)
            out.append(e)
    return out


def _line_error(off: int, s: str, st: str) -> ErrorFact | None:
    """An error stated on one line outside a traceback (or None)."""
    span = (off, off + len(s))
    if ("Error" in s or "Exception" in s) and (m := first(_EXC, st)):
        type_, msg = m.group(1), m.group(2) or ""
        if msg or "." in type_:
            return _make(_kind_of(type_, msg), type_, msg, span, (), _details(msg))
    low = s.lower()
    if "killed process" in low or "oom-kill" in low or "oom_kill" in low:
        return _make("killed", "Killed", st, span, (), {"by": "oom-killer"})
    if "out of memory" in low or "outofmemory" in low:
        gpu = "Metal" if "iogpu" in low or "metal" in low else "CUDA"  # Apple's GPU says kIOGPU...OutOfMemory
        return _make("oom", f"{gpu} out of memory", st, span, (), _details(st))
    if "CUDA" in s or "CUBLAS" in s or "CUDNN" in s or "device-side" in s or "illegal memory" in s:
        m = first(_CUDA, s)
        if m:
            return _make("cuda", m.group(1), m.group(2) or st, span)
    if "NCCL" in s or "nccl" in s:
        m = first(_NCCL, s)
        if m:
            return _make("nccl", m.group(1), m.group(2) or st, span)
    if "terminate called" in s:
        m = first(_TERMINATE, s)
        if m:
            return _make("terminate", m.group(1) or "terminate", st, span)
    if "egmentation" in s or "SIGSEGV" in s or "signal 11" in s:
        m = first(_SEGV, s)
        if m:
            return _make("segfault", "Segmentation fault", st, span)
    if "-9" in s or "Kill" in s or "kill" in s or "KILL" in s or "137" in s or "signal 9" in s:
        m = first(_KILLED, st)
        if m:
            return _make("killed", "Killed", st, span)
    if "rror" in s or "ailed" in s or "fatal" in s:
        m = first(_BUILD, s)
        if m:
            return _make("build", "build failure", m.group(1), span)
    if "HTTP" in s or "code" in s or "status" in s or "ERROR " in s or "returned error" in s:
        m = first(_HTTP, s)
        if m:
            code, msg = _http(m)
            return _make("http", f"HTTP {code}", msg or st, span, (), {"status": code})
    return None
