"""The pure triage pipeline: text -> facts -> evidence -> predictions -> fixes, warnings, missing info -> Decision."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType
from typing import Literal

from bot.core.advice import error_advice, quoted_commands, settings_applied
from bot.core.classify import decide, decided_path
from bot.core.decide import Decider
from bot.core.decide.decider import SUGGEST_MIN
from bot.core.evidence import collect, resolved
from bot.core.extract import extract
from bot.core.kind import issue_kind
from bot.core.missing import missing_info
from bot.core.render import answers, render_comment, shown_fixes, visible_fixes
from bot.core.rulefile import compile_re2
from bot.core.rules.fixes import already_done, check_compat
from bot.core.rules.scan import Scan
from bot.core.ruleset import RuleSet
from bot.core.taxonomy import DIMENSIONS, SEP, Taxonomy
from bot.core.types import Candidate, Decision, Evidence, Facts, LabelChoice, Likely, Prediction, Warning_

NONE_FIXED: Mapping[str, Sequence[str] | None] = MappingProxyType({})
NO_COUNTS: Mapping[str, Mapping[str, float]] = MappingProxyType({})
"""No human decisions (a read-only default)."""
ORDER = ("symptom", "stage", "root_cause")
"""Root-cause rules may depend on the symptom and stage chosen, so those are decided first."""


def classify(facts: Facts, ruleset: RuleSet, fixed: Mapping[str, Sequence[str] | None] = NONE_FIXED,
             scan: Scan | None = None, trace: dict | None = None) -> dict[str, tuple[Prediction | None, list[float]]]:
    """Each dimension's prediction from the rules alone, with the confidence of each level decided.

    A dimension in `fixed` takes the human's path (None: no label) and the others are decided given it. `trace`
    receives every dimension's evidence, kept or not (for --explain).
    """
    scan = scan or Scan(facts, ruleset)
    out: dict[str, tuple[Prediction | None, list[float]]] = {}
    for dim in ORDER:
        if dim in fixed:
            path = list(fixed[dim] or ())
            out[dim] = (Prediction(path=path, confidence=1.0, decided_by="human") if path else None, [1.0] * len(path))
            if path:
                scan.chosen[dim] = SEP.join(path)
            continue
        evidence = collect(scan, ruleset.evidence[dim])
        if trace is not None:
            trace[dim] = evidence
        pred, confs = decide(dim, evidence, ruleset.taxonomy, ruleset.settings[dim])
        if pred is not None:  # spans are found only for the evidence the decision keeps
            pred = Prediction(path=pred.path, confidence=pred.confidence, decided_by=pred.decided_by,
                              evidence=[resolved(scan, e) for e in pred.evidence])
            scan.chosen[dim] = pred.name
        out[dim] = (pred, confs)
    return out


Levels = Literal["deepest", "all", "top"]
"""Which levels of a predicted path become labels: the deepest sure one, the whole chain, or the first level."""


def labels_for(preds: dict[str, Prediction | None], confs: dict[str, list[float]], ruleset: RuleSet,
               taxonomy: Taxonomy, hidden: Collection[str] = ()) -> list[LabelChoice]:
    """A LabelChoice for each level of the predicted paths; below the label threshold a level is only a suggestion."""
    out = []
    for dim in DIMENSIONS:
        pred = preds.get(dim)
        if pred is None or dim in hidden:
            continue
        threshold = ruleset.settings[dim].label_confidence
        levels = confs.get(dim) or [pred.confidence] * len(pred.path)
        rules = sorted({e.rule for e in pred.evidence})
        for k in range(1, len(pred.path) + 1):
            node = taxonomy.get(dim, tuple(pred.path[:k]))
            if node is None or node.label in hidden:
                continue
            conf = levels[min(k - 1, len(levels) - 1)]
            out.append(LabelChoice(
                name=node.label, confident=conf >= threshold, confidence=round(conf, 3),
                rationale=f"{SEP.join(pred.path[:k])} ({pred.decided_by}: {', '.join(rules[:4]) or 'model'})",
            ))
    return out


def _pick_levels(chain: list[LabelChoice], taxonomy: Taxonomy, levels: Levels) -> list[LabelChoice]:
    """From the whole chain, at most one label per dimension: "top" its first level; "deepest" its deepest sure
    level, or the first level as a suggestion when no level is sure."""
    by_dim: dict[str, list[LabelChoice]] = {}
    for c in chain:
        by_dim.setdefault(taxonomy.dimension_of(c.name), []).append(c)
    out = []
    for dim in DIMENSIONS:
        got = by_dim.get(dim)
        if not got:
            continue
        if levels == "top":
            out.append(got[0])
            continue
        sure = [c for c in got if c.confident]
        out.append(sure[-1] if sure else got[0])
    return out


_DOWNLOAD = compile_re2(r"download|下载|\bwget\b|\bcurl\b|hf_hub|huggingface-cli|\bhf download", ignore_case=True)
# the issue forms' own install and build categories, and a conversion to GGUF named in the title
_SETUP_TITLE = compile_re2(r"^\s*\[?(installation|install|build|compile bug)\b|convert[_-]?(hf[_-])?to[_-]gguf|"
                           r"llama-quantize|\bquantizing\b|\bauto_awq\b|\bquantization of\b|\bdownload\.sh\b|量化\S{0,12}(时|过程)|"
                           r"\bconvert(ing)? (\S+ ){0,4}(to|into) gguf|转换\s*(成|为)?\s*gguf|gguf\s*转换", ignore_case=True)


def _setting_up(facts: Facts) -> str | None:
    """"build", "install" or "download" when the failure comes before the model runs: a compiler error, a compiled
    extension built for another torch (an undefined symbol on import), an issue filed as an install, build or GGUF
    conversion, or an HTTP error while downloading. The taxonomy's two stages, inference and fine-tuning, have not
    begun, and maintainers read either label as wrong there (an HTTP error from a serving API is inference)."""
    kinds = {e.kind for e in facts.errors}
    if "build" in kinds:
        return "build"
    if "http" in kinds and _DOWNLOAD.search(facts.text):
        return "download"
    if _SETUP_TITLE.search(facts.title) or any("undefined symbol" in e.message for e in facts.errors):
        return "install"
    return None


_STARTUP = compile_re2(r"init_process_group|rendezvous|\bnccl|\bgloo|\binit\b|initiali[sz]|start-?up|while loading|"
                       r"loading (the )?(model|weights|checkpoint|shards)|cuda ?graph|启动|初始化|加载", ignore_case=True)
_GENERATING = compile_re2(r"after (\d+|a few|some|several|many) (tokens|requests|minutes|hours|rounds|turns)|"
                          r"mid-?(generation|stream)|during (generation|decoding|streaming)|generat\w* (hangs?|is stuck|freez)|"
                          r"\b(model|it) (loads|loaded|is loaded)\b|after (the model )?load(s|ed|ing)|加载完|运行一段时间|生成(到|中)",
                          ignore_case=True)


def _label_depths(facts: Facts, symptom: Prediction | None, stage: Prediction | None,
                  levels: Levels) -> dict[str, int]:
    """The deepest level worth a label, per dimension it limits: no stage before the model runs (a build, an
    install, a download), and only the first symptom level ("loading-failure", "hang") for a refused download, a
    hang at start-up or a generation hang in a fine-tuning run, unless the whole chain is asked for."""
    setting_up = _setting_up(facts)
    depths = {"stage": 0} if setting_up else {}
    training = stage is not None and stage.path[:1] == ["Fine-tuning"]
    if levels != "all" and symptom is not None and (setting_up == "download" or _starting_hang(facts, symptom)
                                                    or (training and symptom.path[1:2] == ["Generation Process Stuck"])):
        depths["symptom"] = 1
    return depths


def _within(chain: list[LabelChoice], taxonomy: Taxonomy, depths: Mapping[str, int]) -> list[LabelChoice]:
    """The chain without the levels deeper than `depths` allows for their dimension."""
    if not depths:
        return chain
    return [c for c in chain if len(taxonomy.by_label(c.name).path) <= depths.get(taxonomy.dimension_of(c.name), 9)]


def _starting_hang(facts: Facts, symptom: Prediction) -> bool:
    """True for a hang the issue places at start-up (distributed init, loading, graph capture), not during
    generation: the taxonomy's "Generation Process Stuck" reads as wrong there, so only "Hang" is labelled."""
    return (symptom.path[:2] == ["Hang", "Generation Process Stuck"] and _STARTUP.search(facts.text) is not None
            and _GENERATING.search(facts.prose) is None)


def _supporting(evidence: list[Evidence], path: list[str]) -> list[Evidence]:
    """The evidence for the path, an ancestor of it or a descendant of it (what explains the decision)."""
    name = SEP.join(path)
    return [e for e in evidence if e.weight > 0 and (name.startswith(e.node) or e.node.startswith(name))]


def decide_all(facts: Facts, ruleset: RuleSet, decider: Decider, *, classifier=None, repo: str | None = None,
               repo_counts: Mapping[str, Mapping[str, float]] = NO_COUNTS,
               fixed: Mapping[str, Sequence[str] | None] = NONE_FIXED, trace: dict | None = None,
               warnings: Sequence[Warning_] | None = None, scan: Scan | None = None) -> tuple[dict, dict, dict, dict]:
    """Every dimension's distribution, likely path, candidates and applied (thresholded) prediction.

    The symptom is decided first, the stage given the symptom distribution, the root cause given both (their
    distributions are marginalised in its prior; its rules see the likely symptom and stage). A dimension in
    `fixed` is the human's. An issue without an error, a fix, a finding or a dimension the evidence rules decide on
    their own thresholds (symptom or cause) gets `likely` but nothing applied (nothing to label on: feature
    requests, typos...); one without any rule evidence or text classifier gets neither. Returns (predictions, per-level confidences, likely, candidates); `trace`, when given,
    receives each dimension's feature matrix and distribution (what training fits on). `scan` (triage's, when
    given) receives the paths the rules see in `scan.chosen`.
    """
    scan = scan or Scan(facts, ruleset)
    chosen = scan.chosen
    text = classifier.text_probas(facts) if classifier is not None else None
    mode = "text" if text else "rules"
    preds: dict[str, Prediction | None] = {}
    confs: dict[str, list[float]] = {}
    likely: dict[str, Likely] = {}
    cands: dict[str, list[Candidate]] = {}
    p_sym = p_stage = None
    strong = bool(facts.errors) or bool(fixed)
    signal = strong or text is not None  # the text classifier read the issue: its probabilities are a signal
    for dim in ORDER:
        if dim == "symptom":
            prior = decider.symptom_prior(repo)
        elif dim == "stage":
            prior = decider.stage_prior(repo, p_sym)
        else:
            prior = decider.cause_prior(repo, p_sym, p_stage)
        shift = decider.repo_shift(dim, prior, repo_counts.get(dim))
        if dim in fixed:
            path = list(fixed[dim] or ())
            p = decider.fixed(dim, path, prior)
            preds[dim] = Prediction(path=path, confidence=1.0, decided_by="human") if path else None
            confs[dim] = [1.0] * len(path)
            if path:
                chosen[dim] = SEP.join(path)
            evidence: list[Evidence] = []
        else:
            evidence = collect(scan, ruleset.evidence[dim])
            implied = None
            if dim == "root_cause":
                fix_index = ruleset.fix_index  # the fixes that hold given the symptom and stage in scan.chosen
                ids = [fix_index.fixes[k].rule.id for k in fix_index.ranked(scan)]
                ids += [w.id for w in (check_compat(scan, ruleset.checks) if warnings is None else warnings)]
                implied = decider.implied(ids)
                signal, strong = signal or bool(implied), strong or bool(implied)
            signal = signal or bool(evidence)
            ruled = SEP.join(decided_path(dim, evidence, ruleset.taxonomy, ruleset.settings[dim])[0])
            strong = strong or (bool(ruled) and dim != "stage")
            x = decider.features(dim, prior, evidence, text, implied, ruled or None)
            p = decider.score(dim, x, mode)
            if shift is not None:  # the repo's own label distribution: a prior-shift correction of the posterior
                p = p * shift
                p = p / p.sum()
            if trace is not None:
                trace[dim] = x
        res = decider.summarise(dim, p)
        likely[dim], cands[dim] = res.likely, res.candidates
        if dim not in fixed:
            n = decider.depth(dim, res.likely, mode)
            if n:
                path = res.likely.path[:n]
                used = [resolved(scan, e) for e in _supporting(evidence, path)]
                preds[dim] = Prediction(path=path, confidence=res.likely.p[n - 1], evidence=used,
                                        decided_by="rules" if used else "model")
            else:
                preds[dim] = None
            confs[dim] = list(res.likely.p[:n])
            if signal:  # symptom- and stage-conditioned rules see a guess only when something supports it
                chosen[dim] = SEP.join(res.likely.path)
        if dim == "symptom":
            p_sym = p
        elif dim == "stage":
            p_stage = p
    if not signal:  # no rule fired, no error, fix or finding: priors alone say nothing about this issue
        return {d: preds[d] for d in fixed}, {d: confs[d] for d in fixed}, {}, {}
    if not strong:  # a guess, but nothing to label on: no error, fix or finding, no rule decision of its own
        return {d: preds[d] for d in fixed}, {d: confs[d] for d in fixed}, likely, cands
    return preds, confs, likely, cands


def model_labels(preds: dict[str, Prediction | None], likely: dict[str, Likely], taxonomy: Taxonomy,
                 hidden: Collection[str] = ()) -> list[LabelChoice]:
    """Labels for the applied levels; the likely levels below threshold (from SUGGEST_MIN) as suggestions."""
    out = []
    for dim in DIMENSIONS:
        lk = likely.get(dim)
        if lk is None or dim in hidden:
            continue
        pred = preds.get(dim)
        n = len(pred.path) if pred is not None and pred.path == lk.path[: len(pred.path)] else 0
        rules = sorted({e.rule for e in pred.evidence}) if pred else []
        for k in range(1, len(lk.path) + 1):
            conf = lk.p[k - 1]
            node = taxonomy.get(dim, tuple(lk.path[:k]))
            if node is None or node.label in hidden or (k > n and conf < SUGGEST_MIN):
                continue
            by = pred.decided_by if pred and k <= n else "model"
            out.append(LabelChoice(
                name=node.label, confident=k <= n, confidence=round(conf, 3),
                rationale=f"{SEP.join(lk.path[:k])} ({by}: {', '.join(rules[:4]) or 'model'})",
            ))
    return out


def triage(title: str, body: str, ruleset: RuleSet, *, language: str = "auto", classifier=None,
           label_names: dict[str, str] | None = None, label_prefix: str = "",
           hidden: Collection[str] = (), fixed: Mapping[str, Sequence[str] | None] = NONE_FIXED,
           levels: Levels = "deepest", comment: CommentMode = "when-useful", kind_labels: bool = True,
           decider: Decider | None = None, repo: str | None = None,
           repo_counts: Mapping[str, Mapping[str, float]] = NO_COUNTS) -> Decision:
    """Triage one issue. Pure: the same inputs give the same Decision.

    With a `decider` (the shipped decision model; the CLI and the server pass it) each dimension is a calibrated
    distribution combining the evidence rules, priors for `repo`'s family shifted by the repo's own corrections
    (`repo_counts`: dimension -> node path -> count), the fixes' implied causes and the optional text
    `classifier`; without one, the evidence rules decide alone with their own thresholds.
    `label_names` renames default labels (or taxonomy paths) for a repo, `label_prefix` is prepended to
    every taxonomy label, and `hidden` lists dimensions or label names the repo does not want applied.
    `fixed` holds human decisions (dimension -> path, or None for none): they are kept, get no label from the
    bot, and the other dimensions, fixes and missing info are decided given them. `levels` picks the label levels;
    `comment` says when a comment is rendered ("when-useful": only with a fix, 1-3 asks or related issues).
    A question, feature request or write-up gets no failure labels and no checklist (`kind_labels`: its kind label).
    """
    facts = extract(title or "", body or "")  # extract makes lone surrogates "?"
    if repo and ruleset.tables is not None:
        runtimes = ruleset.tables.runtimes_in(repo, facts.runtimes)
        if runtimes != facts.runtimes:
            facts = facts.model_copy(update={"runtimes": runtimes})
    scan = Scan(facts, ruleset)
    taxonomy = ruleset.taxonomy
    if label_names or label_prefix:
        taxonomy = taxonomy.relabel(label_names, label_prefix)
    if decider is None and classifier is not None:
        decider = Decider(ruleset.taxonomy)
    likely: dict[str, Likely] = {}
    cands: dict[str, list[Candidate]] = {}
    kind = issue_kind(facts)
    bug = kind == "bug"
    if decider is not None:
        preds, confs, likely, cands = decide_all(facts, ruleset, decider, classifier=classifier, repo=repo,
                                                 repo_counts=repo_counts, fixed=fixed, scan=scan)
        chain = model_labels(preds, likely, taxonomy, {*hidden, *fixed}) if bug and any(preds.values()) else []
    else:
        ruled = classify(facts, ruleset, fixed, scan)
        preds = {dim: p for dim, (p, _) in ruled.items()}
        confs = {dim: c for dim, (_, c) in ruled.items()}
        chain = labels_for(preds, confs, ruleset, taxonomy, {*hidden, *fixed})
    scan.chosen = {d: p.name for d, p in preds.items() if p is not None}  # what fixes, checks and asks see
    symptom, cause, stage = preds.get("symptom"), preds.get("root_cause"), preds.get("stage")
    scan.kind = kind  # fixes, checks and asks see the kind; the decision above did not
    if bug and chain:
        chain = _within(chain, taxonomy, _label_depths(facts, symptom, stage, levels))
    labels = (chain if levels == "all" else _pick_levels(chain, taxonomy, levels)) if bug else []
    if not bug and kind_labels and kind in KIND_LABELS and KIND_LABELS[kind] not in hidden:
        rename = {k.casefold(): v for k, v in (label_names or {}).items()}
        labels = [LabelChoice(name=rename.get(KIND_LABELS[kind], KIND_LABELS[kind]), rationale=f"kind: {kind}")]
    fixes = _fixes_for(kind, _scored(ruleset.fix_index.match(scan), scan, ruleset), ruleset) if kind != "other" else []
    warnings = check_compat(scan, ruleset.checks)
    answered = bool(warnings) or bool(visible_fixes(fixes, warnings))
    advice = None
    if bug and not answered and ruleset.tables is not None:
        advice = error_advice(facts, ruleset.tables.advice, ruleset.tables.advice_not)
        if advice is not None and (already_done(advice, facts.prose) or settings_applied(advice, facts.text)
                                   or any(already_done(c, facts.text) for c in quoted_commands(advice))):
            advice = None
        answered = advice is not None
    decision = Decision(
        symptom=symptom, root_cause=cause, stage=stage, kind=kind,
        labels=labels,
        facts=facts,
        missing=missing_info(facts, symptom, stage, ruleset.requirements, scan) if bug and not answered else [],
        fixes=fixes, warnings=warnings, advice=advice,
        likely=likely, candidates=cands,
    )
    if not should_comment(decision, comment):
        return decision
    lang = facts.language if language == "auto" else language
    return decision.model_copy(update={"comment": render_comment(decision, ruleset.requirements, language=lang)})


def _scored(fixes: list, scan: Scan, ruleset: RuleSet) -> list:
    """The fixes with how specifically they matched (the comment shows only the specific ones)."""
    if not fixes:
        return fixes
    best: dict[str, int] = {}
    for i, _, score in ruleset.fix_index.scored(scan):
        rid = ruleset.fix_index.fixes[i].rule.id
        best[rid] = max(best.get(rid, 0), score)
    return [f.model_copy(update={"score": best.get(f.id, 0)}) for f in fixes]


def _fixes_for(kind: str, fixes: list, ruleset: RuleSet) -> list:
    """A failure report gets every matching fix; a request only "model family F needs runtime >= V" gates (the
    answer to "is X supported?"); a question those and the specific fixes that answer it ("how do I turn off
    Qwen3's thinking on vLLM?"); a write-up none (its author solved it)."""
    if kind == "bug":
        return fixes
    if kind == "other":
        return []
    gated = {c.rule.id for c in ruleset.fixes if getattr(c.rule, "gate", None) is not None}
    return [f for f in fixes if f.id in gated or (kind == "question" and not f.generic and answers(f))]


CommentMode = Literal["when-useful", "always", "never"]
KIND_LABELS = {"question": "question", "feature": "feature"}
"""The optional label of a non-failure issue kind."""


def should_comment(decision: Decision, mode: CommentMode = "when-useful") -> bool:
    """Whether the bot posts: always, never, or only with a fix whose preconditions hold, a compatibility finding,
    an error message's own advice, 1-3 specific missing facts, strongly related issues, or an unfilled template."""
    if mode != "when-useful":
        return mode == "always"
    d = decision
    if d.kind == "other":  # a solved write-up or a PSA: its author already has the answer
        return False
    return bool(shown_fixes(d) or d.warnings or d.advice or d.missing or getattr(d, "related", None)
                or d.facts.template_only)


def warm_up(ruleset: RuleSet, **kw) -> int:
    """Triage every rule's own examples once, so that RE2 builds the DFA states common issue text needs at start-up
    instead of on the first real issues (a long-running server's choice; `kw` as for triage). Returns the count."""
    rules = [r for rs in ruleset.evidence.values() for r, _, _ in rs.rules] + [c.rule for c in ruleset.fixes]
    rules += [c.rule for c in ruleset.checks] + list(getattr(ruleset.requirements, "rules", ()))
    cases = [c for r in rules if r.examples is not None for c in (*r.examples.fires, *r.examples.not_)]
    for case in cases:
        title, body = ("", case) if isinstance(case, str) else (case.get("title", ""), case.get("body", ""))
        triage(title, body, ruleset, **kw)
    return len(cases)
