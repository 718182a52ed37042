"""An error message that says what to change: the sentence of it a reply can quote as the answer."""

from __future__ import annotations

import re2

from bot.core.types import Facts

_SENTENCE = re2.compile(r"[^.!?\n]+(?:[.!?](?:\s|$)|$)")
MAX_CHARS = 220


def error_advice(facts: Facts, advice, veto) -> str | None:
    """The first sentence of an error message that one of the `advice` patterns matches and no `veto` pattern
    does (both compiled RE2 sets from rules/tables.yml), or None."""
    if advice is None:
        return None
    for e in facts.errors:
        for m in _SENTENCE.finditer(e.message[:4000]):
            sentence = m.group(0).strip()
            if len(sentence) > 12 and advice.match(sentence) and not (veto is not None and veto.match(sentence)):
                return sentence[:MAX_CHARS]
    return None


_NAMED = re2.compile(r"`([A-Za-z][A-Za-z0-9_.-]{2,60})`")
_SET = re2.compile(r"(?:--)?([A-Za-z][A-Za-z0-9_-]{2,60})(?:[ \t]*[=:][ \t]*|[ \t]+)\d")


def settings_applied(advice: str, text: str) -> bool:
    """Whether the issue already sets, to a number, every setting the advice names in backticks ("Try increasing
    `gpu_memory_utilization` or decreasing `max_model_len`" after `--gpu-memory-utilization 0.98 --max-model-len
    131072`): the reporter tuned them, and the sentence is no answer. `-` and `_` are one character."""
    named = {m.lower().replace("-", "_") for m in _NAMED.findall(advice)}
    return bool(named) and named <= {m.lower().replace("-", "_") for m in _SET.findall(text)}


_QUOTED_COMMAND = re2.compile(r"`((?:pip3?|python3? -m pip) install [^`]{1,200})`")


def quoted_commands(advice: str) -> list[str]:
    """The commands an error's advice quotes in backticks ("Run `pip install tiktoken einops`")."""
    return [m.replace("python -m pip", "pip").replace("python3 -m pip", "pip") for m in _QUOTED_COMMAND.findall(advice)]
