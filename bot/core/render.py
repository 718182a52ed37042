"""The markdown triage comment: summary, environment, error, classification, fixes, warnings, missing info, footer."""

from __future__ import annotations

from bot.core.related.render import render_related
from bot.core import sanitize as s
from bot.core.missing import Requirements
from bot.core.types import Decision, Prediction

MARKER = "<!-- firstmile:triage -->"
ENV_INLINE_ROWS = 6

_ENV_ORDER = (
    "model", "quantization", "gpu", "gpu_count", "cuda_driver", "cuda_max", "cuda", "torch_cuda", "torch", "python", "os",
    "transformers", "tokenizers", "vllm", "sglang", "lmdeploy", "flash_attn", "xformers", "accelerate", "deepspeed",
    "peft", "trl", "bitsandbytes", "auto_gptq", "autoawq", "llama_cpp", "ollama",
)

_T = {
    "en": {
        "summary": "Looks like {what}.",
        "summary_none": "I could not classify this issue with confidence; a maintainer will take a look.",
        "during": " during {stage}",
        "cause_hint": ", probably caused by {cause}",
        "counts": " Found {parts}.",
        "n_fix": ("{n} known fix", "{n} known fixes"),
        "n_warn": ("{n} compatibility warning", "{n} compatibility warnings"),
        "and": " and ",
        "colon": ": ",
        "pred": "- {label}: {node} ({conf}%, {who}{ev})",
        "ev": "; evidence: ",
        "env": "Detected environment",
        "key": "Key",
        "value": "Value",
        "more_env": "{n} more environment fact(s)",
        "error": "Error found",
        "full_error": "Full error message",
        "more_errors": "and {n} more error(s)",
        "classification": "Classification",
        "symptom": "Symptom",
        "root_cause": "Root cause",
        "stage": "Stage",
        "unsure": "not sure yet",
        "by_rules": "rules",
        "by_model": "model",
        "by_human": "maintainer",
        "evidence": "evidence",
        "fixes": "Known fixes",
        "warnings": "Compatibility warnings",
        "source": "source",
        "missing": "**To help maintainers, please add** (edit the issue or reply below):",
        "run": "Run this and paste the output:",
        "run_many": "Run these and paste the output:",
        "prints": "prints",
        "corrected": "Corrected by {login}: {dim} {old} → {new}",
        "none": "none",
        "footer": "For maintainers: how to correct this triage",
        "footer_body": "Reply with one command per line; I update the labels and this comment.",
        "cmd_symptom": "set the symptom, e.g. `/symptom Crash - CUDA Error - Out of Memory`",
        "cmd_cause": "set the root cause",
        "cmd_stage": "set the stage (`Inference` or `Fine-tuning`)",
        "cmd_label": "add or remove labels",
        "cmd_triage": "run the triage again",
        "cmd_help": "list all commands",
        "bot": "I am firstmile, an automatic triage bot; I may be wrong.",
    },
    "zh": {
        "summary": "初步判断：{what}。",
        "summary_none": "暂时无法可靠地判断此问题的类别，维护者会尽快查看。",
        "during": "（{stage}阶段）",
        "cause_hint": "，可能的原因：{cause}",
        "counts": "找到 {parts}。",
        "n_fix": ("{n} 条已知解决方法", "{n} 条已知解决方法"),
        "n_warn": ("{n} 条兼容性提示", "{n} 条兼容性提示"),
        "and": "和",
        "colon": "：",
        "pred": "- {label}：{node}（{conf}%，{who}{ev}）",
        "ev": "；依据：",
        "env": "检测到的环境",
        "key": "项目",
        "value": "值",
        "more_env": "另外 {n} 项环境信息",
        "error": "检测到的报错",
        "full_error": "完整报错信息",
        "more_errors": "另有 {n} 条报错",
        "classification": "分类",
        "symptom": "现象",
        "root_cause": "根因",
        "stage": "阶段",
        "unsure": "暂不确定",
        "by_rules": "规则",
        "by_model": "模型",
        "by_human": "维护者",
        "evidence": "依据",
        "fixes": "已知解决方法",
        "warnings": "兼容性提示",
        "source": "来源",
        "missing": "**为便于维护者排查，请补充以下信息**（可编辑原帖或在下方回复）：",
        "run": "请运行以下命令并贴出输出：",
        "run_many": "请运行以下命令并贴出输出：",
        "prints": "可获得",
        "corrected": "已由 {login} 修正：{dim} {old} → {new}",
        "none": "无",
        "footer": "维护者：如何修正本次分类",
        "footer_body": "每行回复一条命令，我会更新标签和这条评论。",
        "cmd_symptom": "设置现象，例如 `/symptom Crash - CUDA Error - Out of Memory`",
        "cmd_cause": "设置根因",
        "cmd_stage": "设置阶段（`Inference` 或 `Fine-tuning`）",
        "cmd_label": "添加或移除标签",
        "cmd_triage": "重新分类",
        "cmd_help": "查看全部命令",
        "bot": "我是 firstmile 自动分类机器人，结果可能有误。",
    },
}

_STAGE_ZH = {"Inference": "推理", "Fine-tuning": "微调"}


def _node(p: Prediction) -> str:
    """A predicted path as bold, escaped text."""
    return "**" + " › ".join(s.text(x) for x in p.path) + "**"


def _summary(d: Decision, t: dict, lang: str) -> str:
    """The one-line summary."""
    if d.symptom is None and d.root_cause is None:
        line = t["summary_none"]
    else:
        what = _node(d.symptom) if d.symptom else _node(d.root_cause)  # type: ignore[arg-type]
        if d.stage:
            name = d.stage.name
            what += t["during"].format(stage=s.text(_STAGE_ZH.get(name, name) if lang == "zh" else name))
        if d.symptom and d.root_cause:
            what += t["cause_hint"].format(cause=_node(d.root_cause))
        line = t["summary"].format(what=what)
    parts = [t[key][n != 1].format(n=n) for key, n in (("n_fix", len(_fixes(d))), ("n_warn", len(d.warnings))) if n]
    if parts:
        line += t["counts"].format(parts=t["and"].join(parts))
    return line


def _fixes(d: Decision) -> list:
    """The fixes to show: a fix whose id a warning shares is stated by that warning, with this issue's values."""
    warned = {w.id for w in d.warnings}
    return [f for f in d.fixes if f.id not in warned]


def _env(d: Decision, t: dict) -> list[str]:
    """The environment as a two-column table; beyond a few rows the rest folds into <details>."""
    env = d.facts.env_values()
    if not env:
        return []
    keys = [k for k in _ENV_ORDER if k in env] + sorted(k for k in env if k not in _ENV_ORDER)
    rows = [f"| {s.text(k)} | {s.code(env[k], limit=120, table=True)} |" for k in keys]
    head = [f"| {t['key']} | {t['value']} |", "|---|---|"]
    out = [f"**{t['env']}**", "", *head, *rows[:ENV_INLINE_ROWS], ""]
    if len(rows) > ENV_INLINE_ROWS:
        more = t["more_env"].format(n=len(rows) - ENV_INLINE_ROWS)
        out += [f"<details><summary>{more}</summary>", "", *head, *rows[ENV_INLINE_ROWS:], "", "</details>", ""]
    return out


def _error(d: Decision, t: dict) -> list[str]:
    """The first error, trimmed, with the full message folded when long."""
    if not d.facts.errors:
        return []
    e = d.facts.errors[0]
    line = f"{e.type}: {e.message}" if e.message else e.type
    where = f" ({s.code(e.package)})" if e.package else ""
    out = [f"**{t['error']}:** {s.code(line, limit=200)}{where}"]
    if len(e.message) > 200 or "\n" in e.message:
        out += ["", f"<details><summary>{t['full_error']}</summary>", "", s.block(line, limit=3000), "", "</details>"]
    if len(d.facts.errors) > 1:
        out[0] += " " + t["more_errors"].format(n=len(d.facts.errors) - 1)
    return out + [""]


def _prediction(label: str, p: Prediction | None, t: dict) -> str:
    """One classification bullet: path, confidence, who decided, evidence rule ids."""
    if p is None:
        return f"- {label}{t['colon']}_{t['unsure']}_"
    who = t.get(f"by_{p.decided_by}", p.decided_by)
    rules = list(dict.fromkeys(e.rule for e in p.evidence))[:5]
    ev = t["ev"] + ", ".join(s.code(r) for r in rules) if rules else ""
    return t["pred"].format(label=label, node=_node(p), conf=round(p.confidence * 100), who=who, ev=ev)


_MISSING_MEMO: dict[tuple, tuple[Requirements, list[str]]] = {}


def _missing(d: Decision, req: Requirements, t: dict, lang: str) -> list[str]:
    """A checklist of missing items, then the commands that print them in one fenced block."""
    if not d.missing:
        return []
    plan = req.plan(list(d.missing), s.valid(d.facts.text))
    key = (id(req), lang, tuple(d.missing), tuple((cmd, tuple(items)) for cmd, items in plan))
    hit = _MISSING_MEMO.get(key)  # the block depends only on these: the same few combinations recur
    if hit is not None and hit[0] is req:
        return list(hit[1])
    out = _missing_block(d.missing, plan, req, t, lang)
    if len(_MISSING_MEMO) < 4096:
        _MISSING_MEMO[key] = (req, out)
    return list(out)


def _missing_block(missing: list[str], plan: list, req: Requirements, t: dict, lang: str) -> list[str]:
    """The lines of the missing-info block."""
    out = [t["missing"], ""]
    printed = {i for _, items in plan for i in items}
    out += [f"- [ ] {req.label(i, lang)}" + (t["colon"] + req.how(i, lang) if i not in printed and req.how(i, lang) else "")
            for i in missing]
    if plan:
        out += ["", t["run_many"] if len(plan) > 1 else t["run"], "", "```bash"]
        for cmd, items in plan:
            names = ", ".join(req.label(i, lang) for i in items)
            out.append(f"{cmd}  # {t['prints']}: {names}")
        out.append("```")
    return out + [""]


def _footer(t: dict) -> str:
    """How maintainers correct the bot (the same text on every comment in a language)."""
    cmds = [("/symptom <node>", "cmd_symptom"), ("/cause <node>", "cmd_cause"), ("/stage <stage>", "cmd_stage"),
            ("/label +a -b", "cmd_label"), ("/triage", "cmd_triage"), ("/firstmile help", "cmd_help")]
    out = [f"<details><summary>{t['footer']}</summary>", "", t["footer_body"], ""]
    out += [f"- `{c}`: {t[k]}" for c, k in cmds]
    out += ["", f"<sub>{t['bot']}</sub>", "", "</details>"]
    return "\n".join(out)


_FOOTER = {lang: _footer(t) for lang, t in _T.items()}


def render_comment(
    decision: Decision,
    requirements: Requirements,
    *,
    language: str,
    corrections: list[tuple[str, str, str, str]] | tuple = (),
) -> str:
    """The whole comment in "en" or "zh", starting with MARKER; everything from the issue is sanitized."""
    lang = "zh" if language == "zh" else "en"
    t = _T[lang]
    d = decision
    out = [MARKER, _summary(d, t, lang), ""]
    for login, dim, old, new in corrections:
        out.append("> " + t["corrected"].format(login=s.code(login), dim=s.text(dim), old=s.code(old or t["none"]),
                                               new=s.code(new or t["none"])))
    if corrections:
        out.append("")
    out += _env(d, t)
    out += _error(d, t)
    out += [f"**{t['classification']}**", "", _prediction(t["symptom"], d.symptom, t),
            _prediction(t["root_cause"], d.root_cause, t), _prediction(t["stage"], d.stage, t), ""]
    if fixes := _fixes(d):
        out += [f"**{t['fixes']}**", ""]
        out += [f"{i}. [{(f.title_zh if lang == 'zh' and f.title_zh else f.title)}]({f.url})" for i, f in
                enumerate(fixes, 1)]
        out.append("")
    if d.warnings:
        out += [f"**{t['warnings']}**", ""]
        out += [f"- ⚠️ {(w.message_zh if lang == 'zh' and w.message_zh else w.message)} ([{t['source']}]({w.url}))"
                for w in d.warnings]
        out.append("")
    out += _missing(d, requirements, t, lang)
    out += render_related(list(d.related or ()), lang)  # helper Rel's block (bot/core/related/render.py)
    out.append(_FOOTER[lang])
    return "\n".join(out) + "\n"
