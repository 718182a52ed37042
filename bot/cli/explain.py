"""`firstmile triage --explain`: every rule that fired, each level's support against its thresholds (the nodes that
lost too), each fix alternative that matched with its score, the checks that hold, and why each item is asked."""

from __future__ import annotations

ORDER = ("symptom", "stage", "root_cause")


def register(subparsers) -> None:
    """Add `explain`: `firstmile triage --explain` under its own name."""
    from bot.cli.triage import add_common, run

    p = subparsers.add_parser("explain", help="why triage decides what it does (= triage --explain)")
    p.add_argument("file", nargs="?", default="-", metavar="FILE", help="a JSON object, or - for stdin (default)")
    add_common(p)
    p.set_defaults(func=run, explain=True, batch=None)


def trace(title: str, body: str, ruleset, classifier=None, decider=None) -> dict:
    """What triage decides for the issue and why, as plain data (with a decider: the decision the CLI makes)."""
    from bot.core.rules.scan import Scan
    from bot.core.triage import classify, triage

    decision = triage(title, body, ruleset, classifier=classifier, decider=decider)
    scan, evidence = Scan(decision.facts, ruleset), {}
    classify(decision.facts, ruleset, scan=scan, trace=evidence)  # the rules' own decisions, as triage made them
    out = {"decision": decision, "evidence": {}, "levels": {}}
    for dim in ORDER:
        out["evidence"][dim] = [(e, scan.resolve(scan.fired[e.rule])) for e in evidence[dim]]
        pred = getattr(decision, dim)
        out["levels"][dim] = levels(dim, evidence[dim], ruleset, pred.path if pred is not None else [])
    scan.chosen = {d: p.name for d in ORDER if (p := getattr(decision, d)) is not None}
    scan.kind = decision.kind  # fixes, checks and asks read the issue kind as triage decided it
    shown = {f.id for f in decision.fixes}
    out["fixes"] = [(ruleset.fix_index.fixes[i].rule.id, j, score, ruleset.fix_index.fixes[i].rule.id in shown)
                    for i, j, score in ruleset.fix_index.scored(scan)]
    out["checks"] = [c.rule.id for c in ruleset.checks if c.holds(scan)]
    out["missing"] = asked(decision, scan, ruleset.requirements)
    fired_asks = getattr(ruleset.requirements, "fired", None)
    if fired_asks is not None:  # the ask rules whose conditions hold on the issue as triage decided it
        out["asks"] = [r.id for r in fired_asks(scan)]
    return out


def levels(dim: str, evidence: list, ruleset, path: list[str]) -> list[dict]:
    """Level by level down the decided path: every child with support, its share, and the thresholds it faced."""
    from bot.core.classify import support
    from bot.core.taxonomy import SEP

    settings, out, prefix = ruleset.settings[dim], [], ()
    scores = support(evidence, settings.prior)
    for k, min_score in enumerate(settings.min_score):
        kids = [(name, scores.get(name, 0.0)) for name, _ in ruleset.taxonomy.named_children(dim, prefix)]
        total = sum(sc for _, sc in kids if sc > 0)
        out.append({"level": k + 1, "min_score": min_score,
                    "min_confidence": settings.min_confidence[min(k, len(settings.min_confidence) - 1)],
                    "nodes": [(name, sc, round(sc / (total + settings.smoothing), 3), k < len(path) and
                               name == SEP.join(path[:k + 1])) for name, sc in kids if sc > 0]})
        if k >= len(path) or not kids:
            break
        prefix = tuple(path[:k + 1])
    return out


def asked(decision, scan, requirements) -> list[tuple[str, str]]:
    """(item, why) for each item asked: missing.py's own reasons when it gives them (`why_asked`), else the needs
    that fit the decided symptom and stage and whose text condition holds."""
    why = getattr(requirements, "why_asked", None)
    if why is not None:
        return why(decision, scan)
    sym, stage = (getattr(decision, d).name if getattr(decision, d) else "" for d in ("symptom", "stage"))
    nodes, reasons = getattr(requirements, "_nodes", {}), {}
    for need in requirements.needs_for(sym, stage):
        if need.id not in nodes or scan.holds(nodes[need.id]):
            for item in need.need:
                reasons.setdefault(item, f"need {need.id!r} (symptom {sym or '-'}, stage {stage or '-'})")
    return [(item, reasons.get(item, "asked")) for item in decision.missing]


def fired(title: str, body: str, ruleset) -> set[str]:
    """The ids of every rule that fires on the issue (rules only): evidence, fixes, checks and asks."""
    t = trace(title, body, ruleset)
    out = {e.rule for evs in t["evidence"].values() for e, _ in evs} | {f[0] for f in t["fixes"]} | set(t["checks"])
    return out | set(t.get("asks", ()))


def render(t: dict) -> str:
    """The trace as text for a terminal."""
    lines = []
    for dim in ORDER:
        pred = getattr(t["decision"], dim)
        lines.append(f"== {dim}: {pred.name if pred else '(none)'}")
        for e, hit in t["evidence"][dim]:
            where = f"{hit.hay}, chars {hit.span[0]}-{hit.span[1]}" if hit.span else hit.hay or "no text"
            alt = f" alt {hit.alt}" if hit.alt > 0 else ""
            lines.append(f"  fired {e.rule} {e.weight:+g} -> {e.node} ({where}{alt}) {hit.text!r}")
        for lv in t["levels"][dim]:
            lines.append(f"  level {lv['level']} (needs support >= {lv['min_score']:g}, share >= "
                         f"{lv['min_confidence']:g}):" + ("" if lv["nodes"] else " no support"))
            for name, sc, share, chosen in sorted(lv["nodes"], key=lambda n: -n[1]):
                lines.append(f"    {'*' if chosen else ' '} {name}: {sc:g} (share {share:g})")
    lines.append("== fixes (alternative: score; * shown)")
    lines += [f"  {'*' if shown else ' '} {fid} alt {j}: {score}"
              for fid, j, score, shown in sorted(t["fixes"], key=lambda f: -f[2])]
    lines.append("== checks: " + (", ".join(t["checks"]) or "(none)"))
    lines.append("== missing")
    lines += [f"  {item}: {why}" for item, why in t["missing"]]
    return "\n".join(lines) + "\n"
