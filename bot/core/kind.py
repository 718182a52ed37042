"""What an issue is: a failure report (bug), a question, a feature or model-support request, or other (write-ups,
PSAs, announcements). Only bugs get failure labels and a checklist."""

from __future__ import annotations

from bot.core.extract.common import first, rx
from bot.core.types import Facts, Kind

_TAG = rx(r"(?i)^\W*\[?[ \t]*(feature(?:[ \t_-]*request)?|new[ \t_-]*model|model[ \t_-]*request|rfc|enhancement|"
          r"request|question|usage|help wanted|how[ \t-]?to|discussion|psa|solved|resolved|write[ \t-]?up|sharing|guide|tutorial|doc(?:s|umentation)?|"
          r"announcement|roadmap|fyi|功能请求|新功能|需求|建议|提问|问题咨询|咨询|求助|使用问题|已解决|教程|分享|经验分享)"
          r"(?:[ \t]*[/|,&][ \t]*[\w \t-]{1,20}?)?[ \t]*[\]:：]")
"""A tag at the start of the title: "[Feature]:", "[Usage]", "Question:", "[PSA]", "[Solved/PSA]" (the first counts)..."""
_TAG_KIND = (("feature", "feature"), ("request", "feature"), ("new", "feature"), ("model", "feature"), ("rfc", "feature"),
             ("enhancement", "feature"), ("功能", "feature"), ("新功能", "feature"), ("需求", "feature"),
             ("建议", "feature"), ("question", "question"), ("usage", "question"), ("help", "question"),
             ("how", "question"), ("discussion", "question"), ("提问", "question"), ("问题咨询", "question"),
             ("咨询", "question"), ("求助", "question"), ("使用问题", "question"),
             ("psa", "other"), ("write", "other"), ("sharing", "other"), ("solved", "other"), ("resolved", "other"), ("guide", "other"),
             ("tutorial", "other"), ("doc", "other"), ("announcement", "other"), ("roadmap", "other"),
             ("fyi", "other"), ("已解决", "other"), ("教程", "other"), ("分享", "other"), ("经验分享", "other"))
_FEATURE = rx(r"(?i)^(?:please |pls |kindly )?(?:add |adding )?support (?:for )?|^add (?:the )?(?:new )?[\w.\-/]+ model|"
              r"^(?:please |pls |kindly |could you |can you |will you )?(?:release|open[- ]?source|publish) (?:the )?|"
              r"^(?:please |pls |kindly )?add [^\n]{1,40}? (?:to|in) (?:the )?(?:library|registry|model list|models?)\b|"
              r"\b(?:feature request|would be (?:nice|great|useful)|any plans? (?:to|for)|"
              r"when will .{1,60} (?:be )?supported|will you support|plan(?:s|ning)? to support|add support|"
              r"please support|request(?:ing)? support|support request)\b|"
              r"支持一下|增加对|添加对|新增对|适配一下|加入对|何时支持|什么时候支持|计划支持|求支持|希望支持|请支持")
_QUESTION = rx(r"(?i)^(?:how (?:to|do|can|should|much|many)|can (?:i|we|you|it)|could (?:i|we|you)|is (?:it|there)|"
               r"are there|does|do (?:i|we|you)|what|which|where|should i|is it possible|"
               r"请问|如何|怎么|怎样|能否|能不能|可以|是否|有没有)|\?[ \t]*$|？[ \t]*$|吗[？?]|能不能|是否能|可不可以|"
               r"能跑[^\n]{0,20}吗|跑得动|放得下|够不够|哪个版本|需要多少|多大显存|[够行]吗[ \t]*$|需要什么配置")
_WRITEUP = rx(r"(?i)^(?:\[solved\]|solution|results?|benchmarks?|notes?|guide|howto|comparison)\b[ \t]*[:：]|\((?:sharing|for reference|fyi)\)|"
              r"(?:已解决|解决方法|解决方案|分享)[:：]?")
_SHARING = rx(r"(?i)^\s*(?:sharing (?:numbers|what|our|my|the|some|a|this|it)|in case it's useful|"
              r"not (?:a bug|an issue)[,.;:!]? (?:just )?(?:writing|posting|sharing|leaving)|"
              r"for reference|fyi|分享一下|供参考|记录一下)")
"""A body that opens by sharing results or a recipe: a write-up, not a failure report, unless it quotes an error
(the solutions _SOLVED_TITLE and _SHARED read are write-ups whatever they quote)."""
_SOLVED_TITLE = rx(r"(?i)^\W*(?:psa|fyi|tips?|solved|workaround|how i (?:fixed|solved))\b[ \t]*[:：-]|^\W*(?:已解决|解决方法)[:：]")
"""A title that says it shares a solution ("Tip: ...", "PSA: ...", "Solved: ..."), even when it quotes the error."""
_SHARED = rx(r"(?i)^\s*(?:sharing (?:this |it )?in case|in case (?:it|this) (?:helps|saves)|psa\b|"
             r"posting (?:this|it) (?:for|in case))")
"""A body that opens by sharing a solution, whatever error it then quotes."""
_ASK_FOR = rx(r"(?i)^\W*(?:please|pls|kindly)[ \t]+(?:add[ \t]+)?(?:support|update|bump|upgrade|release)\b")
"""A title that opens by asking the maintainers for a support, an update or a release: a request, whatever it quotes."""
_SOLVED = rx(r"(?i)^\W*(?:\[?(?:solved|resolved|fixed)\b|已解决)")
"""A title that goes on from its tag to say the problem is solved."""
_WISH = rx(r"(?i)\b(?:would be (?:great|nice|useful) (?:to|if)|it would be (?:great|nice) (?:to|if)|feature request|"
           r"please add support|could you add|any plans? to support|希望(?:能|可以)?支持|建议增加|能否支持)")
"""A wish in the body of an issue whose title names no failure: a feature request."""
_FAILURE = rx(r"(?i)\b(?:error|errors|exception|traceback|crash(?:es|ed)?|fails?|failed|failing|broken|segfault|"
              r"oom|out of memory|hangs?|stuck|freez\w*|garbled|gibberish|nan|wrong|incorrect|doesn'?t work|"
              r"not supported|unsupported|unknown model|special tokens? (?:such as |like )?[^\n]{0,40}?in (?:the )?(?:generated|output)|"
              r"does not work|not working|cannot load|can'?t load|unable to)\b|报错|错误|异常|失败|崩溃|卡住|乱码|无法")


_DOUBT = rx(r"(?i)\b(?:is (?:this|that|it|this behaviou?r) (?:normal|expected|intended|by design)|"
            r"is (?:the|this|my|training|it) [\w ]{0,30}?(?:broken|normal|meaningful)[ \t]*\?|expected behaviou?r[ \t]*\?|"
            r"should i (?:be )?(?:worried|concerned))|(?:这|这样|这个)(?:是)?正常(?:的)?吗|是不是正常")
"""A reporter asking whether what they see is expected ("is this normal?", "is the loss meaningful?"): a question,
unless they paste an error."""


_ASKING = rx(r"(?i)\bnot (?:really )?a bug\b[^\n]{0,30}\bquestion|\bmore (?:of )?a question\b|\bjust a question\b|"
             r"\bquick question\b|不是\s*bug[^\n]{0,10}(?:问题|请教|咨询)|只是想(?:问|请教|咨询)")
"""A body that says it is a question ("not really a bug, more a question before I..."): a question, unless it
pastes an error."""


_CODE_ERROR = rx(r"(?m)^[^\n]{0,40}\b(?:Error|error|ERROR|Exception|Traceback)\b[:( ]")
"""An error line in pasted output: a "question" that pastes one is a failure report."""


_FEATURE_FORM = rx(r"(?im)^#{2,4}[ \t]*(?:🚀[ \t]*)?(?:feature request|the feature, motivation and pitch|"
                   r"is your feature request related to a problem|describe the feature|功能请求|新功能)\b")
"""A heading of a feature-request issue form (transformers, vLLM, peft...): the reporter chose that form."""

_BUG_TAG = rx(r"(?i)^\W*\[?[ \t]*(?:bug|bug report|regression|crash|error|报错|错误)[ \t]*[\]:：]")
"""A "[Bug]:" tag: the reporter filed a failure report, whatever the title goes on to ask."""


_SERVICE = rx(r"(?i)\b(?:server (?:is )?(?:too )?busy|(?:an? )?outage|status page|is (?:the )?(?:api|service|website|site) down|"
              r"(?:api|chat|platform)\.deepseek\.com|chat\.qwen(?:lm)?\.ai|dashscope|deepseek-(?:reasoner|chat)\b.{0,40}\bapi|"
              r"(?:deepseek|qwen)(?:'s)? (?:app|website|web ?chat|official api)|official (?:api|app|website|web ?chat))\b|"
              r"服务器繁忙|服务器忙|服务(?:挂了|不可用)|官网|网页版|官方(?:api|app|网站|接口)|百炼|通义千问(?:app|网页)")
"""A hosted service (an official API, app or web chat) rather than weights run by the reporter: not a deployment
failure this repository's maintainers can triage."""
_LOCAL = rx(r"(?i)\b(?:local(?:ly)?|self-?host\w*|on[- ]prem\w*|my (?:own )?(?:gpus?|server|machine|pc|mac))\b|本地|私有化|自己部署")
"""Weights the reporter runs: the hosted service is then only the comparison."""


def issue_kind(facts: Facts) -> Kind:
    """The kind of the issue: an explicit title tag first, then how the title and prose read."""
    title = facts.title.strip()
    if first(_BUG_TAG, title):
        return "bug"
    m = first(_TAG, title)
    if m:
        tag = m.group(1).lower()
        kind = next((k for prefix, k in _TAG_KIND if tag.startswith(prefix)), "bug")
        if kind == "question" and first(_SOLVED, title[m.end():]):  # "[Usage]: solved - ..." is a write-up
            return "other"
        if kind == "other" or kind == "feature":
            return kind  # a write-up quotes the error it solved; a request may quote one it wants gone
        if kind == "question" and not facts.errors:  # [Usage]: a question, unless it pastes a real error
            return "question"
        return "bug"
    if first(_ASK_FOR, title) or first(_FEATURE_FORM, facts.text[:3000]):  # a request, whatever it quotes
        return "feature"
    if first(_SOLVED_TITLE, title) or first(_SHARED, facts.prose[len(facts.title):][:300]):
        return "other"  # a write-up quotes the error it solved
    if not facts.errors and not facts.code and not facts.runtimes and first(_SERVICE, facts.prose) \
            and not first(_LOCAL, facts.prose):
        return "other"  # the hosted service (its status, its API or app), with nothing run locally
    if (first(_DOUBT, title) or first(_ASKING, facts.prose[len(facts.title):][:500])) and not facts.errors \
            and not any(first(_CODE_ERROR, c) for c in facts.code):
        return "question"  # "GRPO loss is 0, is training broken?": the title asks whether what they see is expected
    if facts.errors or first(_FAILURE, title) or any(first(_CODE_ERROR, c) for c in facts.code):
        return "bug"
    if first(_WRITEUP, title) or first(_SHARING, facts.prose[len(facts.title):][:300]):
        return "other"
    if first(_FEATURE, title):
        return "feature"
    if first(_QUESTION, title) and not first(_FAILURE, facts.prose):  # "can I run it on 24GB? ... out of memory"
        return "question"
    if first(_WISH, facts.prose[len(facts.title):][:600]) and not first(_FAILURE, facts.prose):
        return "feature"
    return "bug"
