"""Never fight a human: which labels to add, suggest and remove, and what to do with needs-info."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.core.types import LabelChoice

DimensionOf = Callable[[str], "str | None"]
"""A label name -> its taxonomy dimension ("symptom", "root_cause", "stage"), or None for other labels."""

RATIONALE_MAX = 200
"""GitHub shows the rationale next to a suggestion; keep it a short line."""


class LabelPlan(BaseModel):
    """The label changes to make on one issue; the shell applies them, or only logs them in shadow mode."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    add: list[str] = Field(default_factory=list)
    suggest: list[LabelChoice] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


def plan_labels(
    wanted: list[LabelChoice],
    current: set[str],
    bot_applied: set[str],
    human_removed: set[str],
    human_added: set[str],
    managed: set[str],
    locked_dimensions: Iterable[str] = (),
    dimension_of: DimensionOf | None = None,
) -> LabelPlan:
    """Reconcile the labels the core wants with the issue's labels and who put them there.

    All names are this repo's label names (after `Taxonomy.relabel`) and compare case-insensitively,
    as on GitHub. `human_removed`/`human_added` hold each label's latest human action. A dimension is locked when it is in
    `locked_dimensions` (e.g. a human override) or when a managed label in it is on the issue
    without the bot having applied it, or was added by a human: the bot then adds nothing there.
    """
    dim = dimension_of or (lambda _name: None)
    cur, mine, gone, theirs, owned = map(folded, (current, bot_applied, human_removed, human_added, managed))
    human_set = {n for n in current if n.casefold() in owned and n.casefold() not in mine} | set(human_added)
    locked = set(locked_dimensions) | {d for n in human_set if (d := dim(n))}

    add: list[str] = []
    suggest: list[LabelChoice] = []
    seen: set[str] = set()
    for choice in wanted:
        key = choice.name.casefold()
        if key in seen or key in gone or key in cur or dim(choice.name) in locked:
            continue
        seen.add(key)
        if choice.confident:
            add.append(choice.name)
        else:
            suggest.append(choice)

    still_wanted = folded(c.name for c in wanted)
    remove = sorted(
        n for n in current
        if (k := n.casefold()) in mine and k in owned and k not in theirs and k not in still_wanted
    )
    return LabelPlan(add=add, suggest=suggest, remove=remove)


def needs_info_action(
    missing_essential: list[str],
    has_label: bool,
    human_removed_needs_info: bool,
    human_added_needs_info: bool = False,
) -> Literal["add", "remove"] | None:
    """Add needs-info while essentials are missing; remove it once they are there, whoever supplied them.

    Never re-add it after a human removed it, and never remove it when a human put it there
    (they may be waiting for something the bot does not know about).
    """
    if missing_essential:
        return None if has_label or human_removed_needs_info else "add"
    return "remove" if has_label and not human_added_needs_info else None


def label_request_body(plan: LabelPlan) -> dict | None:
    """The JSON body of POST /repos/{o}/{r}/issues/{n}/labels for the plan's adds and suggestions; None if empty."""
    items: list[str | dict] = list(plan.add)
    for choice in plan.suggest:
        item = {"name": choice.name, "suggest": True, "confidence": confidence_level(choice.confidence)}
        if rationale := _plain_line(choice.rationale):
            item["rationale"] = rationale
        items.append(item)
    return {"labels": items} if items else None


def confidence_level(confidence: float) -> Literal["low", "medium", "high"]:
    """GitHub's suggestion confidence is an enum; map the core's probability onto it."""
    return "high" if confidence >= 0.75 else "medium" if confidence >= 0.5 else "low"


def _plain_line(text: str) -> str:
    """One short line that can neither ping (@user, @org/team) nor carry HTML: the rationale may quote issue text."""
    line = " ".join(text.replace("<", " ").replace(">", " ").split()).replace("@", "@\u200b")
    return line if len(line) <= RATIONALE_MAX else line[: RATIONALE_MAX - 1] + "\u2026"


def folded(names: Iterable[str]) -> set[str]:
    """Label names as GitHub compares them."""
    return {n.casefold() for n in names}
