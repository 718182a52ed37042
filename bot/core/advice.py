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
