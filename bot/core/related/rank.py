"""The hybrid ranking: lexical similarity from the index, then error fingerprints, models, failure class and env."""

from __future__ import annotations

import string
from dataclasses import dataclass

from bot.core.extract.common import rx
from bot.core.related.doc import Doc
from bot.core.related.models import Model, best_similarity, known, model_tokens


FEATURES = ("lex", "title", "exact_fp", "near_fp", "error_line", "similar_error", "same_type", "model", "title_model",
            "support_model", "other_model", "title_model_clash", "run", "run_missing", "symptom", "symptom_top",
            "symptom_clash", "cause", "launcher", "runtime_version", "value_clash", "quant_clash", "quant", "xlang")
"""The agreement features of a (query, candidate) pair, each 0..1; the score is their sum weighted by
Weights.feature. lex: the BM25 share; title: the idf share of the query's title tokens the candidate has anywhere;
exact_fp, near_fp, error_line, similar_error, same_type: their errors share a fingerprint with its frames, one
without them, an error line, a type with most message words, a type (each scaled by the error's rarity where it
has one; a closer agreement also holds the looser ones); model, title_model, support_model: the closest model pair's
similarity times its rarity, when both titles name it, when both ask for it to be supported; other_model,
title_model_clash: only different models, named in both titles; run, run_missing: the query's output string (GGGG)
is in the candidate, or not; symptom, symptom_top, symptom_clash, cause: the decided classes agree, at the top
level only, or not; launcher, runtime_version: the same launcher (vllm, ollama...), and its major.minor version;
value_clash, quant_clash, quant: both errors quote names and share none, both name quantizations of different
kinds, of one kind; xlang: for two issues in different languages, the idf share of the query's tokens that are
not Chinese (error words, code, names, numbers: what a translation keeps) that the candidate has."""


@dataclass(frozen=True, slots=True)
class Weights:
    """What each feature adds to the score, then the thresholds on it."""

    feature: dict[str, float]
    """Feature name (FEATURES) -> weight; a feature left out weighs 0."""
    similar_jaccard: float = 0.6
    """Errors of one type whose message words overlap this much (Jaccard) are the same error worded apart."""
    show: float = 0.60
    """A related issue is shown at or above this score."""
    duplicate: float = 1.0
    """duplicate_of is set only on a specific piece of evidence (the same or a similar error, the same output string,
    the same model asked for) when the top score plus its margin over the runner-up reaches this..."""
    duplicate_margin: float = 0.2
    """...and the runner-up is at least this far below."""

    def score(self, f: dict[str, float]) -> float:
        """The weighted sum of a pair's features."""
        return sum(self.feature.get(k, 0.0) * v for k, v in f.items())


DEFAULT = Weights({
    "lex": 1.0, "title": 0.23, "exact_fp": 0.08, "near_fp": 0.0, "error_line": 0.2, "similar_error": 0.14,
    "same_type": 0.0, "model": 0.1, "title_model": 0.22, "support_model": 0.35, "other_model": -0.03,
    "title_model_clash": -0.27, "run": 0.28, "run_missing": -0.24, "symptom": 0.22, "symptom_top": 0.13,
    "symptom_clash": -0.19, "cause": 0.2, "launcher": 0.06, "runtime_version": 0.0, "value_clash": -0.22,
    "quant_clash": -0.19, "quant": 0.1, "xlang": 0.4})
"""The weights in use: fitted by eval/related/fit.py (pairwise logistic regression, rounded, agreement never
negative); duplicate_of's rule is the one `eval/related/all.py --cv` chooses (the most recall at precision >= 0.90;
the same choice made without a batch is scored on it)."""


Reason = tuple[str, str]
"""A reason a link is shown: (kind, value), e.g. ("error", "KeyError: 'qwen2'"), ("closed", "")."""


@dataclass(frozen=True, slots=True)
class Related:
    """A related issue: its number, score and the reasons shown to people."""

    number: int
    score: float
    reasons: tuple[Reason, ...]
    state: str = "open"
    title: str = ""
    clash: bool = False
    """The two issues disagree on a specific point (quoted names, quantization, symptom): never a duplicate."""
    xlang: float = 0.0
    """What the cross-language share adds to the score: a help to ranking, no evidence of a duplicate."""

    def to_json(self) -> dict:
        """The CLI's shape: {number, score, reasons}."""
        from bot.core.related.render import reason_text

        return {"number": self.number, "score": round(self.score, 3), "reasons": [reason_text(r) for r in self.reasons]}


def _runs(d: Doc) -> set[str]:
    """The symptom-string tokens of a doc."""
    return {t for t in d.cols.get("err", "").split() if t.startswith("run_")}


def _run_text(tok: str) -> str:
    """The repeated string a run token stands for ("run_g" -> "GGGG", "run_tok_pad" -> "<pad><pad><pad>")."""
    c = tok[4:]
    if c.startswith("tok_"):
        return f"<{c[4:]}>" * 3
    ch = c.upper() if len(c) == 1 else chr(int(c, 16))
    return ch * 4


def _rarity(idf: dict[str, float], toks: list[str], top: float | None = None) -> float:
    """How rare the shared error is in the index (1 for the rarest token, less for an error many issues share);
    `top` is the highest idf, when the caller has it."""
    if top is None:
        top = max(idf.values(), default=0.0)
    got = [idf[t] for t in toks if t in idf]
    return min(1.0, max(got) / top) if got and top > 0 else 1.0


def _model_rarity(qt: set[str], b: Model, idf: dict[str, float], top: float) -> float:
    """How rare the candidate's model is among the indexed issues (a model half the repo names says little); qt are
    the query's error-column tokens."""
    bt = model_tokens([b])
    shared = [t for t in bt if t in qt and not t.startswith("mf_")] or [t for t in bt if t in qt]
    return _rarity(idf, shared, top) ** 0.5 if shared else 1.0


_PUNCT = str.maketrans({c: " " for c in string.punctuation + "，。：；（）【】“”‘’、！？《》"})
"""Punctuation, ASCII and Chinese, read as a space between words."""


def _error_words(e: str) -> tuple[str, frozenset[str]]:
    """An error string's type (before the first colon, lower-cased) and the words of the rest."""
    head, _, rest = e.partition(":")
    words = frozenset(x for x in rest.lower().translate(_PUNCT).split() if len(x) > 1)
    return head.strip().lower().rsplit(".", 1)[-1], words


def _named_in_title(words: set[str], c: Doc) -> Model | None:
    """A model of a family no list knows that c's title names and the query's title (its words) names as a bare word
    ("devstral?")."""
    return next((m for m in c.models if not known(m.family) and m.family in words and m.family in c.title), None)


def _stated_errors(d: Doc) -> list[tuple[str, frozenset[str]]]:
    """The type and message words of a doc's errors and error lines (the first 12)."""
    return [_error_words(e) for e in [*d.errors, *(x for _, x in d.lines)][:12]]


def similar_error(q: Doc, c: Doc, threshold: float, qs: list[tuple[str, frozenset[str]]] | None = None) -> str:
    """An error of c that q states too in other words (same type, overlapping message), or ""; qs: q's
    _stated_errors when the caller has them."""
    qs = _stated_errors(q) if qs is None else qs
    if not qs:
        return ""
    for e in [*c.errors, *(x for _, x in c.lines)][:12]:
        t, words = _error_words(e)
        for qt, qw in qs:
            if t == qt and words and qw and len(words & qw) / len(words | qw) >= threshold:
                return e
    return ""


_QUOTED = rx(r"'([^'\n]{2,60})'|\"([^\"\n]{2,60})\"|`([^`\n]{2,60})`")
"""A name quoted in an error message: 'tokenizer', "qwen2", `rope_scaling`."""
_QUANT_KIND = rx(r"(?i)^(?:(awq)|(gptq)|(fp8)|(exl2)|(gguf|i?q\d(?:_\w+)?)|"
                 r"(bnb|bitsandbytes|nf4|load_in_\dbit|\d-?bit))$")
"""Quantization kinds: AWQ, GPTQ, FP8, EXL2, GGUF (any of its levels), bitsandbytes; Int4 alone says none."""
_KINDS = ("awq", "gptq", "fp8", "exl2", "gguf", "bnb")


def error_values(d: Doc) -> frozenset[str]:
    """The names an issue's errors quote ('tokenizer', 'qwen2'), lower-cased."""
    out = set()
    for e in d.errors[:10]:
        if "'" not in e and '"' not in e and "`" not in e:
            continue
        for m in _QUOTED.finditer(e):
            out.add(next(g for g in m.groups() if g is not None).strip().lower())
    return frozenset(out)


def quant_kind(v: str) -> str:
    """The kind of a quantization named in an issue (GPTQ-Int4 -> gptq, Q4_K_M -> gguf), or ""."""
    m = _QUANT_KIND.match(v.strip().split("-")[0])
    return next((k for k, g in zip(_KINDS, m.groups()) if g), "") if m else ""


def _all_tokens(d: Doc) -> set[str]:
    """The distinct tokens of every column of a doc."""
    return {t for k in ("title", "body", "err", "code") for t in d.cols.get(k, "").split()}


def cover(qt: set[str], ct: set[str], idf: dict[str, float], total: float | None = None) -> float:
    """The idf-weighted share of the tokens qt that ct has (total: qt's idf sum, when the caller has it)."""
    if total is None:
        total = sum(idf.get(t, 1.0) for t in qt)
    return sum(idf.get(t, 1.0) for t in qt & ct) / total if total else 0.0


def title_cover(q: Doc, c: Doc, idf: dict[str, float]) -> float:
    """The idf-weighted share of the query title's tokens that the candidate has in any column."""
    qt = set(q.cols.get("title", "").split())
    return cover(qt, _all_tokens(c), idf) if qt else 0.0


def _translatable(tokens: set[str]) -> set[str]:
    """The tokens a translation keeps: those that are not Chinese."""
    return {t for t in tokens if not ("\u4e00" <= t[0] <= "\u9fff")}


def cross_language(q: Doc, c: Doc, idf: dict[str, float]) -> float:
    """For issues in two languages, the share of the query's tokens a translation keeps (no Chinese) that the
    candidate has; 0 for issues in one language."""
    if q.language == c.language:
        return 0.0
    return cover(_translatable(_all_tokens(q)), _all_tokens(c), idf)


@dataclass(frozen=True, slots=True)
class Query:
    """What features() reads of the query issue, computed once per ranking rather than once per candidate."""

    title: set[str]
    title_total: float
    translatable: set[str]
    translatable_total: float
    title_words: set[str]
    err: set[str]
    runs: set[str]
    stated: list[tuple[str, frozenset[str]]]
    types: set[str]
    values: frozenset[str]
    quant: str
    families: set[str]
    top_idf: float

    @classmethod
    def of(cls, q: Doc, idf: dict[str, float]) -> "Query":
        """The query side of q given the idf of its tokens."""
        title = set(q.cols.get("title", "").split())
        tr = _translatable(_all_tokens(q))
        return cls(title, sum(idf.get(t, 1.0) for t in title), tr, sum(idf.get(t, 1.0) for t in tr),
                   set(q.title.translate(_PUNCT).split()), set(q.cols.get("err", "").split()), _runs(q),
                   _stated_errors(q), {e.split(":")[0] for e in q.errors}, error_values(q) if q.errors else frozenset(),
                   quant_kind(q.env["quantization"]) if "quantization" in q.env else "",
                   {m.family for m in q.models if m.family in q.title}, max(idf.values(), default=0.0))


def features(q: Doc, c: Doc, lex: float, w: Weights = DEFAULT, idf: dict[str, float] | None = None,
             qx: Query | None = None) -> tuple[dict[str, float], list[Reason]]:
    """The features of candidate c for query q given their lexical similarity, and the reasons shown for them (qx:
    Query.of(q, idf), when the caller ranks many candidates)."""
    idf = idf or {}
    qx = qx or Query.of(q, idf)
    ct = _all_tokens(c)
    f: dict[str, float] = {"lex": max(0.0, min(1.0, lex)),
                           "title": cover(qx.title, ct, idf, qx.title_total) if qx.title else 0.0}
    reasons: list[Reason] = []
    qnear = set(q.near)
    exact = set(q.fps) & set(c.fps)
    near = [e for f_, e in zip(c.near, c.errors) if f_ in qnear]
    shared_fn = qnear & set(c.near)
    rarity = _rarity(idf, [*("fp_" + x for x in exact), *("fn_" + x for x in shared_fn)], qx.top_idf) \
        if exact or shared_fn else 1.0
    shared_line = [x for h, x in c.lines if h in {h2 for h2, _ in q.lines}] if q.lines else []
    similar = similar_error(q, c, w.similar_jaccard, qx.stated)
    if exact:
        f["exact_fp"] = rarity
    if near:
        f["near_fp"] = rarity
    if shared_line:
        f["error_line"] = 1.0
    if similar:
        f["similar_error"] = 1.0
    if qx.types and c.errors and qx.types & {e.split(":")[0] for e in c.errors}:
        f["same_type"] = 1.0
    if exact or near or shared_line:
        reasons.append(("error", near[0] if near else shared_line[0] if shared_line else ""))
    elif similar:
        reasons.append(("similar_error", similar))
    sim, a, b = best_similarity(q.models, c.models)
    if b is None and (named := _named_in_title(qx.title_words, c)) is not None:
        sim, a, b = 1.0, named, named
    if b is not None:
        central = a is not None and a.family in q.title and a.family in c.title
        support = central and "c_support" in qx.err and "c_support" in c.cols.get("err", "").split()
        f["support_model" if support else "title_model" if central else "model"] = \
            sim * _model_rarity(qx.err, b, idf, qx.top_idf)
        if support and sim >= 0.99:
            reasons.append(("support", b.name))
        elif sim >= 0.99:
            reasons.append(("model", b.name))
        elif sim >= 0.5:
            reasons.append(("close_model", b.name))
    elif q.models and c.models:
        f["other_model"] = 1.0
    if qx.families and (cf := {m.family for m in c.models if m.family in c.title}) and not qx.families & cf:
        f["title_model_clash"] = 1.0
    if qx.runs:
        runs = qx.runs & (cr := _runs(c))
        if runs:
            f["run"] = 1.0
            reasons.append(("output", _run_text(sorted(runs)[0])))
        elif not cr:
            f["run_missing"] = 1.0
    if qx.values and c.errors and (cv := error_values(c)) and not qx.values & cv:
        f["value_clash"] = 1.0
    if qx.quant and "quantization" in c.env and (ck := quant_kind(c.env["quantization"])):
        f["quant_clash" if qx.quant != ck else "quant"] = 1.0
    if q.language != c.language:
        f["xlang"] = cover(qx.translatable, ct, idf, qx.translatable_total)
    if q.symptom and c.symptom:
        if q.symptom == c.symptom:
            f["symptom"] = 1.0
            reasons.append(("symptom", q.symptom.split(" - ")[-1]))
        elif q.symptom.split(" - ")[0] == c.symptom.split(" - ")[0]:
            f["symptom_top"] = 1.0
        else:
            f["symptom_clash"] = 1.0
    if q.cause and c.cause and q.cause == c.cause:
        f["cause"] = 1.0
        reasons.append(("cause", q.cause.split(" - ")[-1]))
    launcher = q.env.get("launcher")
    if launcher and launcher == c.env.get("launcher"):
        f["launcher"] = 1.0
        key = launcher.replace(".", "_")
        if q.env.get(key) and q.env.get(key) == c.env.get(key):
            f["runtime_version"] = 1.0
            reasons.append(("setup", f"{launcher} {q.env[key]}.x"))
    if c.state == "closed":
        reasons.append(("closed", ""))
    return f, reasons


def rank(q: Doc, cands: list[tuple[Doc, float]], *, idf: dict[str, float] | None = None,
         hidden: frozenset[int] = frozenset(), w: Weights = DEFAULT, limit: int = 10) -> list[Related]:
    """Candidates ordered by hybrid score, the issue itself, hidden links and pull requests never among them."""
    out = []
    qx = Query.of(q, idf or {})
    for c, lex in cands:
        if c.number == q.number or c.number in hidden:
            continue
        f, reasons = features(q, c, lex, w, idf, qx)
        s = w.score(f)
        clash = any(k.endswith("_clash") for k in f)
        out.append(Related(c.number, round(s, 4), tuple(reasons), c.state, c.title, clash,
                           round(w.feature.get("xlang", 0.0) * f.get("xlang", 0.0), 4)))
    out.sort(key=lambda r: (-r.score, r.number))
    return out[:limit]


SPECIFIC = ("error", "similar_error", "output", "support")
"""Reasons that are a specific piece of evidence for a duplicate (not agreement of class or setup)."""


def dup_features(ranked: list[Related]) -> dict | None:
    """What duplicate_of decides on: the top score and its margin over the next, less the cross-language share."""
    if not ranked:
        return None
    top = ranked[0]
    ev = top.score - top.xlang
    runner = ranked[1].score - ranked[1].xlang if len(ranked) > 1 else 0.0
    return {"score": ev, "margin": ev - runner,
            "specific": any(k in SPECIFIC for k, _ in top.reasons) and not top.clash}


def duplicate_of(ranked: list[Related], w: Weights = DEFAULT) -> int | None:
    """The issue this one duplicates, only on specific evidence with the top clear of the next."""
    f = dup_features(ranked)
    if f is None or not f["specific"] or f["margin"] < w.duplicate_margin or f["score"] + f["margin"] < w.duplicate:
        return None
    return ranked[0].number


def shown(ranked: list[Related], w: Weights = DEFAULT, n: int = 3) -> list[Related]:
    """The at most n related issues worth showing."""
    return [r for r in ranked if r.score >= w.show][:n]
