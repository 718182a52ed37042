"""The "Possibly related" block of the sticky comment: at most 3 links, each with its reasons, all sanitized."""

from __future__ import annotations

from bot.core import sanitize as s
from bot.core.related.rank import Reason, Related

_T = {
    "en": {"head": "**Possibly related**", "error": "same error {}", "similar_error": "similar error {}", "model": "same model {}",
           "close_model": "close model {}", "output": "same output {}", "symptom": "same symptom: {}",
           "cause": "same cause: {}", "setup": "same setup: {}", "support": "same model requested: {}",
           "closed": "closed",
           "human": "marked duplicate by a maintainer", "similar": "similar wording",
           "hint": "_Not the same? A maintainer's `/not-duplicate #N` hides a link for good._"},
    "zh": {"head": "**可能相关的 issue**", "error": "相同错误 {}", "similar_error": "相似错误 {}", "model": "相同模型 {}", "close_model": "相近模型 {}",
           "output": "相同输出 {}", "symptom": "相同症状：{}", "cause": "相同原因：{}", "setup": "相同环境：{}",
           "support": "请求支持同一模型 {}",
           "closed": "已关闭", "human": "维护者标记为重复", "similar": "描述相似",
           "hint": "_不是同一个问题？维护者可以用 `/not-duplicate #N` 永久隐藏该链接。_"},
}
MAX_SHOWN = 3
_CODE_KINDS = ("error", "similar_error", "output", "model", "close_model", "setup", "support")


def reason_text(r: Reason) -> str:
    """A reason as plain English text (the CLI's and the decision JSON's form), values quoted as in the comment."""
    value = f"`{r[1]}`" if r[0] in ("error", "similar_error", "output") else r[1]
    return _T["en"].get(r[0], r[0] + " {}").format(value).strip()


def _reason(kind: str, value: str, t: dict) -> str:
    """One reason, with the issue-derived value sanitized (inline code for errors, models and outputs)."""
    fmt = t.get(kind)
    if fmt is None:
        return ""
    if "{}" not in fmt:
        return fmt
    shown = s.code(value, limit=80) if kind in _CODE_KINDS else s.text(value, limit=60)
    return fmt.format(shown)


def render_related(items: list[Related], language: str = "en") -> list[str]:
    """Markdown lines of the block (none when there is nothing to show): "#N: reason; reason"."""
    if not items:
        return []
    t = _T["zh" if language == "zh" else "en"]
    out = [t["head"], ""]
    for r in items[:MAX_SHOWN]:
        reasons = [x for x in (_reason(k, v, t) for k, v in r.reasons) if x]
        if all(k == "closed" for k, _ in r.reasons):  # nothing specific: the wording is what they share
            reasons.insert(0, t["similar"])
        out.append(f"- #{int(r.number)}: {'; '.join(reasons)}")
    out += ["", t["hint"], ""]
    return out
