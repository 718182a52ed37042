"""A fix's command fitted to the reporter: their own launch line and model, minus steps they did, or none at all
when it cannot run where they are."""

from __future__ import annotations

import re2

from bot.core.extract.common import first
from bot.core.types import Decision


def fitted(command: str, d: Decision) -> str | None:
    """The command for this reporter, or None when it cannot run where they are."""
    if not _runs_there(command, d):
        return None
    return _own_command(_undone(command, d), d)


def _runs_there(command: str, d: Decision) -> bool:
    """Whether the command can run where the reporter is: no llama-cpp-python install for someone who builds
    llama.cpp itself (a build number, no llama-cpp-python version), no `pip install` from PyPI for someone who says
    their machine is offline or stuck on a mirror, no sudo or apt for someone without root."""
    env = d.facts.env
    if "llama-cpp-python" in command and "llama_cpp" in env and "llama_cpp_python" not in env:
        return False
    if command.lstrip().startswith(("pip install", "pip3 install")) and first(_OFFLINE, d.facts.prose):
        return False
    return not (command.lstrip().startswith(("sudo ", "apt ", "apt-get ")) and first(_NO_ROOT, d.facts.prose))


_OFFLINE = re2.compile(r"(?i)\b(?:(?:machine|server|cluster|box|environment|node)s? (?:is |are )?(?:offline|air-?gapped)|"
                       r"air-?gapped|no (?:internet|network) access|without (?:internet|network)|"
                       r"(?:internal|company|corporate|private) (?:pypi )?mirror|cannot reach pypi|can't reach pypi)\b|"
                       r"离线(?:环境|服务器|机器)|内网(?:环境|服务器|机器)|无法联网|不能联网|镜像源?(?:只有|最高|最新只)")
"""A reporter whose machine cannot install from PyPI ("vLLM offline inference" is no such statement)."""
_NO_ROOT = re2.compile(r"(?i)\b(?:no|without|don't have|do not have|not) (?:root|sudo|admin)\b|没有\s*(?:root|sudo|管理员)")


_MODEL_ARG = re2.compile(r"(?:^|[ \t])(?:serve(?:[ \t]+api_server)?|api_server|--model(?:-path)?)(?:[ \t]+|=)"
                         r"[\"']?([A-Za-z0-9_~./][A-Za-z0-9_.:/-]{1,120})")
"""The model a serving command line launches (a hub id or a path: no character that could ping or render)."""
_ENGINES = ("vllm", "sglang", "lmdeploy")
_KV_TOKENS = re2.compile(r"tokens that can be stored in KV cache \((\d{3,7})\)")
"""vLLM's own count of the tokens its KV cache holds: the longest --max-model-len that fits as it is."""


def _undone(command: str, d: Decision) -> str:
    """The command without a leading `pip install NAME && ` step for a tool the issue shows installed (`ninja
    --version` printed, "ninja is installed", or its version among the env facts)."""
    steps = command.split(" && ")
    kept = [st for st in steps if not _installed(st, d)]
    return " && ".join(kept) if kept and len(kept) < len(steps) else command


def _installed(step: str, d: Decision) -> bool:
    """Whether a bare `pip install NAME` step installs what the issue already has."""
    words = step.split()
    if len(words) != 3 or words[:2] != ["pip", "install"] or not re2.fullmatch(r"[a-z][a-z0-9_-]{1,40}", words[2]):
        return False
    name = words[2]
    if name.replace("-", "_") in d.facts.env:
        return True
    said = re2.compile(r"(?i)\b" + name + r"(?: is| was)? (?:already )?installed\b|\b" + name + r" --version|"
                       r"\b" + name + r" (?:==|is at |version )?\d+\.\d+")
    return first(said, d.facts.text) is not None


def _own_command(command: str, d: Decision) -> str:
    """The fix's command for this reporter: their own launch line (one, for the same engine) with the fix's flags set,
    or else the command with its MODEL placeholder replaced by the one model they launch; TOKENS becomes the tokens
    their log says the KV cache holds."""
    kv = first(_KV_TOKENS, d.facts.text) if " TOKENS" in command else None
    if kv:
        command = command.replace(" TOKENS", " " + kv.group(1), 1)
    engine = next((e for e in _ENGINES if e in command), None)
    if engine is None or " MODEL" not in command:
        return command
    runs = {" ".join(line.split()): m.group(1) for block in d.facts.code
            for line in block.replace("\\\n", " ").splitlines() if engine in line
            for m in [first(_MODEL_ARG, line)] if m and m.group(1) != "MODEL"}
    if len(runs) == 1:
        ((line, model),) = runs.items()
        merged = _with_flags(line.lstrip("$#!> "), command.split(" MODEL", 1)[1].split())
        if merged:
            return merged
    models = set(runs.values())
    return command.replace(" MODEL", " " + models.pop(), 1) if len(models) == 1 else command


def _with_flags(line: str, flags: list[str]) -> str | None:
    """The reporter's command line with each `--flag [value]` set: a value they gave replaced, a new flag appended;
    None when the line is long, quoted or names a secret (then only their model is taken from it)."""
    if len(line) > 240 or first(_UNSAFE, line) or any(q in w for w in flags for q in "'\""):
        return None
    own = line.split()
    for k, flag in enumerate(flags):
        if not flag.startswith("-"):
            continue
        value = flags[k + 1] if k + 1 < len(flags) and not flags[k + 1].startswith("-") else None
        at = next((n for n, w in enumerate(own) if w == flag or w.startswith(flag + "=")), None)
        if at is None:
            own += [flag] + ([value] if value else [])
        elif "=" in own[at]:
            own[at] = f"{flag}={value}" if value else flag
        elif value and at + 1 < len(own) and not own[at + 1].startswith("-"):
            own[at + 1] = value
        elif value:
            own.insert(at + 1, value)
    return " ".join(own)


_UNSAFE = re2.compile(r"(?i)['\"`\\]|token|key|secret|passw|hf_[a-z0-9]{6}|sk-[a-z0-9]{6}")
"""What keeps a reporter's command line out of the comment: quoting we would have to re-split, or a credential."""
