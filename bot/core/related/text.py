"""Tokens for lexical matching: normalised titles, template-free prose, Chinese as character bigrams, concepts."""

from __future__ import annotations

import unicodedata

import snowballstemmer

from bot.core.extract.common import rx, scan

_TITLE_TAG = rx(r"^\s*(?:[\[【(（][^\]】)）]{0,30}[\]】)）]\s*:?\s*|(?i:(?:bug|feature(?: request)?|question|usage|"
                r"installation|performance|misc|doc(?:umentation)?|help|rfc|new model)\s*[:：]\s*))+")
"""Template prefixes of a title: "[Bug]: ", "【BUG】", "Feature request: "..."""
_MENTION = rx(r"(?:^|[^\w@])@[A-Za-z0-9][A-Za-z0-9-]{0,38}\b")
"""@login: the maintainers an issue form cc's, the same on every issue of a repo."""
_WORD = rx(r"[a-z][a-z0-9_]*(?:[.\-][a-z0-9_]+)*|[\x{4e00}-\x{9fff}]+|\d+(?:\.\d+)+")
"""Latin words (keeping dotted/dashed names such as qwen2.5-vl, flash_attn), runs of Chinese, version numbers."""

STOP = frozenset("""
a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that
these those there here i me my we our you your he she they them their not no yes do does did done doing have has had
can could would should will shall may might must just also only very so too than when where what which who how why
all any some each other such more most same own into out up down over under again further once about after before
while during both few nor am s t don didn doesn isn wasn aren won get got use using used run running ran
please thanks thank hi hello help issue problem following like try tried trying see seems seem still even one two
bug describe description expected behavior behaviour reproduce reproduction steps step actual current version
versions environment information info system additional context details detail checklist searched existing
title body report reported anyone know let code log logs output
""".split())
"""English stop words plus the words of issue templates, which every issue of a repo shares."""

CONCEPTS: dict[str, tuple[str, ...]] = {
    "oom": ("oom", "out of memory", "outofmemory", "显存不足", "显存溢出", "爆显存", "内存不足", "显存不够"),
    "garbage": ("garbage", "gibberish", "乱码", "nonsense", "meaningless", "胡言乱语"),
    "repeat": ("repetition", "repeats", "repeating", "repeated", "重复", "复读"),
    "hang": ("hang", "hangs", "stuck", "freezes", "frozen", "卡住", "卡死", "没反应", "无响应"),
    "slow": ("slow", "slower", "latency", "throughput", "很慢", "变慢", "速度慢", "太慢"),
    "crash": ("crash", "crashes", "crashed", "segfault", "崩溃", "闪退"),
    "load": ("load", "loading", "loads", "加载", "载入"),
    "tokenizer": ("tokenizer", "分词器"),
    "quant": ("quantization", "quantized", "quantize", "量化"),
    "finetune": ("finetune", "fine-tune", "fine-tuning", "finetuning", "sft", "lora", "微调"),
    "inference": ("inference", "推理"),
    "support": ("support", "supported", "supports", "new model", "please add", "model request", "when?", "支持",
                "适配"),
    "template": ("chat_template", "chat template", "template", "模板"),
    "empty": ("empty", "blank", "空白", "空的", "为空", "没有输出"),
    "truncate": ("truncated", "cut off", "incomplete", "截断", "不完整"),
    "convert": ("convert", "conversion", "converting", "转换"),
    "multigpu": ("multi-gpu", "multi gpu", "tensor parallel", "tensor-parallel", "多卡", "多gpu"),
    "download": ("download", "downloading", "下载"),
    "install": ("install", "installing", "installation", "安装"),
    "stream": ("stream", "streaming", "流式"),
    "toolcall": ("tool call", "tool calling", "function call", "function calling", "工具调用", "函数调用"),
    "thinking": ("thinking", "reasoning", "思考", "推理过程"),
    "image": ("image", "images", "图片", "图像"),
    "video": ("video", "视频"),
    "audio": ("audio", "语音", "音频"),
    "chinese": ("chinese", "中文"),
    "english": ("english", "英文"),
    "precision": ("accuracy", "precision", "精度", "准确率"),
    "nan": ("nan", "inf", "loss is nan"),
    "gpu": ("gpu", "gpus", "显卡", "cuda device"),
    "cpu": ("cpu", "cpu only", "处理器"),
    "update": ("update", "upgrade", "updating", "upgrading", "更新", "升级"),
    "train": ("train", "training", "训练"),
    "deploy": ("deploy", "deployment", "serve", "serving", "部署"),
    "startup": ("startup", "start up", "launch", "启动"),
    "stop": ("never stops", "doesn't stop", "does not stop", "endless", "forever", "infinite", "不停", "无限",
             "停不下来"),
    "same": ("identical", "the same for every", "完全一样", "完全一致", "相同"),
    "vector": ("embedding", "embeddings", "vector", "vectors", "向量"),
    "vision": ("vision", "visual", "vision tower", "vision encoder", "视觉"),
    "merge": ("merge", "merged", "merging", "合并"),
    "speed": ("speed", "tok/s", "tokens/s", "速度"),
    "idle": ("idle", "空闲"),
    "timeout": ("timeout", "timed out", "超时"),
    "multinode": ("multi-node", "multi node", "multinode", "two nodes", "多机", "多节点"),
    "question_mark": ("question marks", "问号"),
    "sampling": ("sampling", "temperature", "采样"),
    "system_prompt": ("system prompt", "system message", "system role", "系统提示"),
    "fp16": ("fp16", "float16", "half precision", "半精度"),
    "bf16": ("bf16", "bfloat16"),
    "fp32": ("fp32", "float32", "full precision"),
}
"""Technical notions said in English or Chinese: both map to one concept token, so a translation still matches."""

def _cjk(c: str) -> bool:
    """True for a CJK unified ideograph."""
    return "\u4e00" <= c <= "\u9fff"


def _concept_pattern(w: str) -> str:
    """A concept word as RE2: Chinese anywhere; Latin whole, plural or inflected, its spaces as optional separators."""
    p = w.replace("?", r"\?").replace(" ", r"[ \t_-]?")
    if _cjk(w[0]):
        return p
    return r"\b" + p + (r"(?:s|es|ed|d|ing)?(?:\b|$)" if w[-1].isalnum() else "")


_CONCEPT_RX = rx("(?i)(" + "|".join(_concept_pattern(w) for w in sorted({w for ws in CONCEPTS.values() for w in ws},
                                                                         key=len, reverse=True)) + ")")
"""Latin words match whole, plural or inflected (`hang` is not in `change`, `inf` not in `info`); Chinese ones
anywhere."""
_CONCEPT_OF = {w.replace(" ", "").replace("-", "").replace("_", "").lower(): c
               for c, ws in CONCEPTS.items() for w in ws}

MAX_TEXT = 20_000
"""Characters of each part read for tokens (bounded work per issue)."""


def normalise_title(title: str) -> str:
    """The title without template tags, lower-cased, whitespace collapsed."""
    t = title[:300]
    m = _TITLE_TAG.match(t)
    if m and m.end() < len(t):
        t = t[m.end():]
    return " ".join(t.lower().split())


def strip_template(prose: str) -> str:
    """Prose without template checklists and form placeholders."""
    lines = [ln for ln in prose[:MAX_TEXT].splitlines() if not _is_template_line(ln)]
    return _MENTION.sub(" ", "\n".join(lines))


def _is_template_line(line: str) -> bool:
    """A checklist item or a leftover heading line."""
    s = line.strip()
    return not s or s.startswith("#") or (s[:1] in "-*+[" and "[" in s[:5] and "]" in s[:6])


def cjk_bigrams(run: str) -> list[str]:
    """Overlapping character bigrams of a run of Chinese characters (a single character stands alone)."""
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def tokens(text: str, segmenter=None) -> list[str]:
    """Word tokens of text: Latin words without stop words, versions, Chinese bigrams (or a segmenter's words)."""
    out: list[str] = []
    low = text[:MAX_TEXT].lower()
    stemmer, stems = snowballstemmer.stemmer("english"), {}  # this call's own: no state shared across calls
    for m in scan(_WORD, low, 5000):
        w = m.group(0)
        if _cjk(w[0]):
            out += segmenter(w) if segmenter is not None else cjk_bigrams(w)
        elif w not in STOP and len(w) > 1:
            w = w.strip(".-").replace("-", "_")  # a flag and its keyword: --max-model-len = max_model_len
            got = stems.get(w)
            if got is None:
                got = stems[w] = stem(w, stemmer)
            out.append(got)
    return out


def stem(w: str, stemmer=None) -> str:
    """The Snowball (Porter 2) stem of a plain word; names with digits, dots or dashes stay whole (a stemmer keeps
    its word in a buffer, so each caller passes its own)."""
    if not (w.isalpha() and len(w) > 3):
        return w
    return (stemmer or snowballstemmer.stemmer("english")).stemWord(w)


def concepts(text: str) -> list[str]:
    """Concept tokens (c_oom, c_garbage...) for the notions the text names, in either language."""
    found: set[str] = set()
    for m in scan(_CONCEPT_RX, text[:MAX_TEXT], 2000):
        key = m.group(1).replace(" ", "").replace("\t", "").replace("-", "").replace("_", "").lower()
        c = _CONCEPT_OF.get(key) or next((_CONCEPT_OF[key[:-len(x)]] for x in ("ing", "es", "ed", "s", "d")
                                          if key.endswith(x) and key[:-len(x)] in _CONCEPT_OF), None)
        if c:
            found.add("c_" + c)
    return sorted(found)


_RUN_SKIP = frozenset(" \t\n\r-=#*`~_.|/\\+0<>")
_ARTIFACTS = frozenset("\ufffd\u2581\u0120\u010a")
"""Characters that are a symptom even once: the replacement character and the byte-level BPE and SentencePiece
markers (�, ▁, Ġ, Ċ) that leak into output when a tokenizer decodes wrongly."""


def runs(text: str, min_len: int = 4) -> list[str]:
    """Symptom strings: one character repeated (GGGG, !!!!!, ？？？？ = ????, ⁇ ⁇ ⁇ ⁇), as tokens like run_g, run_3f;
    a symbol's repeats may be spaced apart."""
    found: set[str] = set()
    prev, n = "", 0
    for c in text[:MAX_TEXT]:
        if c in " \t" and prev and not prev.isalnum():
            continue
        if c >= "\x80":
            c = _fold(c)
            if c in _ARTIFACTS:
                found.add("run_" + format(ord(c), "x"))
        if c == prev:
            n += 1
            if n == min_len and c not in _RUN_SKIP:
                found.add("run_" + (c.lower() if c.isascii() and c.isalnum() else format(ord(c), "x")))
        else:
            prev, n = c, 1
    return sorted(found)


_TOKEN = rx(r"<\|?[A-Za-z][\w]{0,24}\|?>|<0x[0-9A-Fa-f]{2}>|\[(?:PAD|UNK)\]")
"""A special token as it leaks into output: <pad>, <unk>, <|im_end|>, <end_of_turn>, [PAD], a byte token <0x0A>."""


def token_runs(text: str, min_len: int = 3) -> list[str]:
    """Symptom strings made of one special token repeated (<pad><pad><pad>, <|im_end|> <|im_end|> ...), as tokens
    like run_tok_pad, run_tok_im_end."""
    found: set[str] = set()
    last, end, n = "", -1, 0
    for m in scan(_TOKEN, text[:MAX_TEXT], 200):
        tok = m.group(0)
        if tok == last and not text[end:m.start()].strip():
            n += 1
            if n == min_len:
                found.add("run_tok_" + tok.strip("<>|[]").lower())
        else:
            n = 1
        last, end = tok, m.end()
    return sorted(found)


def _fold(c: str) -> str:
    """A character in its compatibility form when that is one character or one doubled (？ -> ?, ⁇ -> ?)."""
    f = unicodedata.normalize("NFKC", c)
    return f[0] if f and f == f[0] * len(f) else c


_ERROR_LINE = rx(r"(?im)^[ \t>`'\"*]*(?:\[[^\]\n]{0,40}\][ \t]*)?((?:[A-Za-z_.]*(?:error|exception|fatal|failed)|"
                 r"assertion[^\n:]{0,40})[ \t]*:[ \t]*[^\n]{8,300})$")
"""A line that states an error ("Error: llama runner process has terminated: exit status 0xc0000409")."""
_INLINE_ERROR = rx(r"(?:^|[^`\n])`((?:[A-Za-z_.]*(?:Error|Exception))[ \t]*:[ \t]*[^`\n]{8,300})`")
"""An error quoted in inline code inside a sentence ("... fails with `ValueError: Target modules ...`.")."""
_TYPED_ERROR = rx(r"(?:^|[^\w.`])((?:[a-z_]+\.)*[A-Z][A-Za-z]*(?:Error|Exception)[ \t]*:[ \t]*[^\n`]{8,300})")
"""A typed error anywhere in a line ("报错：RuntimeError: The size of tensor a ..."), unquoted."""
_LOG_ERROR = rx(r"(?im)^[ \t]*(?:[\w./-]{1,60}:[ \t]*)?((?:error|failed)[ \t][a-z][a-z \t]{0,40}:[ \t]*[^\n]{8,300})$")
"""An error a native log line states after its source (`llama_model_load: error loading model: ...`)."""
_ASSERT = rx(r"((?:\b[A-Z][A-Z_]*ASSERT[A-Z_]*\([^\n]{3,200}\)|\bAssertion [`'][^\n]{3,200}[`']) failed)")
"""A failed C/C++ or CUDA assertion (`GGML_ASSERT(...) failed`, ``Assertion `idx < n` failed``)."""
_TIMEOUT = rx(r"\b([A-Z][a-z]+(?:[ \t][a-z]+){1,5}[ \t]timeout[ \t]*:[ \t]*[^\n`]{8,300})")
"""A timeout a library reports in a sentence (`Watchdog caught collective operation timeout: WorkNCCL(...)`)."""
_CLAUSE = rx(r": ((?:error|failed)[a-z ]{0,40}: [^\n]{8,})")
"""An error clause wrapped in another (`error loading model: error loading model architecture: ...`)."""
_NUMBER = rx(r"\b\d+\.\d+(?:[ \t]*[KMGT]i?B\b)?|\b\d+[ \t]*[KMGT]i?B\b|\b\d\d+\b")
"""Sizes, decimal numbers and integers of two digits or more, which differ between reports of one error (single
digits such as `exit status 2` and hex codes such as `0xc0000409` are kept)."""
_PATHLIKE = rx(r"(?:[A-Za-z]:)?(?:[\\/][^\\/\s'\",:()]+){2,}")
_LIBRARY = rx(r"(?i)\.(?:so(?:\.\d+)*|dll|dylib|pyd)$")
"""A shared library's file name: it names the failing package wherever that is installed."""
_SET = rx(r"\{((?:'[^'{}\n]+'|\"[^\"{}\n]+\")(?:,[ \t]*(?:'[^'{}\n]+'|\"[^\"{}\n]+\"))+)\}")
"""A Python set of quoted names (`{'q_proj', 'v_proj'}`), which prints in no fixed order."""


def _path(m) -> str:
    """A path blanked, or its last part when that is a shared library (`flash_attn_2_cuda...so`)."""
    last = m.group(0).replace("\\", "/").rsplit("/", 1)[-1]
    return last if _LIBRARY.search(last) else "<path>"


def sort_sets(text: str) -> str:
    """Python sets of quoted names with their names sorted, so that two printings of one set read alike."""
    return _SET.sub(lambda m: "{" + ", ".join(sorted(x.strip() for x in m.group(1).split(","))) + "}", text)


def error_lines(text: str, limit: int = 10) -> list[str]:
    """Lines stating an error, lower-cased, paths blanked, whitespace collapsed: the same string on two issues
    is the same error even when the extractor does not type it."""
    out: list[str] = []
    text = text[:200_000]
    found = [(m.start(), m.group(1), "`" in m.group(0)[:m.start(1) - m.start()]) for m in scan(_ERROR_LINE, text, 200)]
    found += [(m.start(), m.group(1), True) for m in scan(_INLINE_ERROR, text, 200)]
    found += [(m.start(), m.group(1).split("。")[0], False) for m in scan(_TYPED_ERROR, text, 200)
              if text[text.rfind("\n", 0, m.start(1)) + 1:m.start(1)].strip(" \t>`'\"*")]  # not the line's start
    found += [(m.start(), m.group(1), False) for m in scan(_LOG_ERROR, text, 200)]
    found += [(m.start(), m.group(1), False) for m in scan(_ASSERT, text, 200)]
    found += [(m.start(), m.group(1).split(". ")[0], False) for m in scan(_TIMEOUT, text, 200)]
    for _, raw, in_code in sorted(found):
        # an error quoted in inline code ends where the code span does; code spans inside an error are plain text
        raw = raw.split("`", 1)[0] if in_code else raw.replace("`", "")
        line = _NUMBER.sub("<n>", _PATHLIKE.sub(_path, sort_sets(raw.rstrip("'\"*"))))
        line = " ".join(line.lower().split())[:200]
        inner = [m.group(1) for m in scan(_CLAUSE, line, 20)][-1:]
        for x in [line, *inner]:  # the innermost of wrapped errors too, as other reports may quote it alone
            if x not in out:
                out.append(x)
        if len(out) >= limit:
            break
    return out