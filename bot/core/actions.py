"""The pure step after triage: human overrides shown, whether the issue is worth acting on, the label plan."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.commands.plan import StoredOverride
from bot.core.reconcile import LabelPlan, folded, needs_info_action, plan_labels
from bot.core.render import render_comment
from bot.core.repoconfig import RepoConfig
from bot.core.ruleset import RuleSet
from bot.core.taxonomy import Taxonomy
from bot.core.triage import KIND_LABELS
from bot.core.types import Decision

DIMENSION_NAMES = {"symptom": "symptom", "root_cause": "root cause", "stage": "stage"}

Correction = tuple[str, str, str, str]
"""(login, dimension, from, to) of a human override, as the sticky comment shows it."""


def fixed_paths(overrides: dict[str, StoredOverride]) -> dict[str, list[str] | None]:
    """The human decision per dimension (None: no label), as `triage(fixed=...)` takes it."""
    return {dim: list(rec.path) if rec.path else None for dim, rec in overrides.items()}


def show_corrections(decision: Decision, overrides: dict[str, StoredOverride], ruleset: RuleSet,
                     language: str) -> tuple[Decision, list[Correction]]:
    """The decision (triaged with the overrides fixed) with a comment that says who corrected what."""
    if not overrides:
        return decision, []
    corrections = [(rec.login, DIMENSION_NAMES[dim], " - ".join(rec.bot_path or ()), " - ".join(rec.path or ()))
                   for dim, rec in overrides.items()]
    lang = decision.facts.language if language == "auto" else language
    comment = render_comment(decision, ruleset.requirements, language=lang, corrections=corrections)
    return decision.model_copy(update={"comment": comment}), corrections


def recognised(decision: Decision, ruleset: RuleSet) -> bool:
    """Whether this reads as a failure report: rule evidence or a confident model for the symptom or cause, or a
    known fix or incompatibility. A lone low-confidence guess does not justify touching the issue."""
    preds = [(d, p) for d in ("symptom", "root_cause") if (p := getattr(decision, d))]
    return bool(decision.fixes or decision.warnings or any(
        p.decided_by == "rules" or p.confidence >= ruleset.settings[d].label_confidence for d, p in preds))


def comment_to_post(decision: Decision, corrections: list[Correction], posted_before: bool, mode: str,
                    ruleset: RuleSet, language: str = "auto") -> str | None:
    """The comment body to post or update, or None to stay silent.

    "never": silent. Otherwise the decision's comment (None unless it is useful, or always in "always" mode); a
    human correction is always worth showing; a comment posted before is updated rather than left stale.
    """
    if mode == "never":
        return None
    if decision.comment is not None or corrections:
        return decision.comment
    if posted_before:
        lang = decision.facts.language if language == "auto" else language
        return render_comment(decision, ruleset.requirements, language=lang)
    return None


def kind_label_names(config: RepoConfig) -> dict[str, str]:
    """This repo's names for the issue-kind labels (kind -> name), empty when they are off."""
    if not config.labels.kinds:
        return {}
    rename = {k.casefold(): v for k, v in config.labels.rename.items()}
    return {k: rename.get(k, k) for k in KIND_LABELS}


def plan_issue_labels(decision: Decision, issue_labels: Iterable[str], bot_applied: list[str],
                      human_added: list[str], human_removed: list[str], config: RepoConfig, taxonomy: Taxonomy,
                      locked: set[str]) -> LabelPlan:
    """The label changes: taxonomy labels reconciled with the humans', plus the needs-info lifecycle."""
    dimension_of = {n.label.casefold(): n.dimension for n in taxonomy.nodes}
    wanted = list(decision.labels)
    if config.suggest_below is not None:
        wanted = [c.model_copy(update={"confident": c.confidence >= config.suggest_below}) for c in wanted]
    current = {n.casefold(): n for n in [*issue_labels, *bot_applied, *human_added]}
    for name in human_removed:
        current.pop(name.casefold(), None)
    plan = plan_labels(wanted, set(current.values()), set(bot_applied), set(human_removed),
                       set(human_added), set(dimension_of), locked, lambda n: dimension_of.get(n.casefold()))
    remove = [n for n in plan.remove if dimension_of.get(n.casefold()) not in locked]
    ni = config.needs_info_label.casefold()
    has = ni in current
    ni_by_human = ni in folded(human_added) or (has and ni not in folded(bot_applied))
    action = needs_info_action(list(decision.missing), has, ni in folded(human_removed), ni_by_human)
    add = plan.add + ([config.needs_info_label] if action == "add" else [])
    remove += [current[ni]] if action == "remove" else []
    return LabelPlan(add=add, suggest=plan.suggest, remove=remove)
