"""The pure decide step of maintainer commands: from a command and the issue's state to a Plan the shell applies."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.core.commands import (
    Command,
    CommandError,
    Duplicate,
    Help,
    InfoOk,
    LabelEdit,
    NeedsInfo,
    NotDuplicate,
    SetNode,
    Triage,
    code_span,
    help_text,
    required_permission,
)

Permission = Literal["admin", "maintain", "write", "triage", "read", "none"]
RANK = {"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}
"""GitHub's repository roles, weakest first (use the API's `role_name`, not the legacy `permission`)."""

Resolved = tuple[tuple[str, ...], tuple[str, ...]]
"""A node's path and the labels of each level of it, from the top, as automatic triage applies them."""
Resolver = Callable[[str, str], "Resolved | str"]
"""(dimension, name) -> (taxonomy path, label name), or an error message (raising ValueError works too)."""

DimensionOf = Callable[[str], "str | None"] | Mapping[str, str]
"""A label name -> its dimension ("symptom", "root_cause", "stage"), or None for other labels."""


class OverrideRecord(BaseModel):
    """A human decision the bot must keep: who changed which dimension of which issue, from what to what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issue: str
    at: str
    login: str
    dimension: Literal["symptom", "root_cause", "stage", "needs_info", "duplicate_of"]
    before: tuple[str, ...]
    """The dimension's labels on the issue before the command."""
    after: tuple[str, ...]
    path: tuple[str, ...] | None = None
    """The taxonomy path the human chose (None when it was only removed, or for needs_info)."""
    bot_path: tuple[str, ...] | None = None
    bot_confidence: float | None = None
    corrects_bot: bool = False
    """True when a label the bot had applied was replaced or removed."""
    keys: tuple[str, ...] = ()
    """For `/needs-info`: the keys the human asked for (empty: the bot's own list)."""
    duplicate_of: int | None = None
    """For `/duplicate #N`: N."""
    not_duplicate_of: int | None = None
    """For `/not-duplicate [#N]`: the issue it does not duplicate (that link is hidden for good)."""


@dataclass(frozen=True)
class Context:
    """Everything the decide step knows about the issue and the commenter; the shell fills it in."""

    login: str
    permission: Permission = "none"
    is_author: bool = False
    is_bot: bool = False
    """The commenter is a bot account or the App itself: commands are ignored."""
    labels: tuple[str, ...] = ()
    bot_labels: frozenset[str] = frozenset()
    dimension_of: DimensionOf = field(default_factory=dict)
    decision: Mapping[str, tuple[tuple[str, ...], float]] = field(default_factory=dict)
    """The bot's current path and confidence per dimension."""
    repo_labels: frozenset[str] | None = None
    """Every label of the repository, to refuse unknown ones; None skips that check."""
    info_keys: frozenset[str] | None = None
    """The keys `/needs-info` accepts; None accepts any."""
    needs_info_label: str = "needs-info"
    slug: str = "firstmile"
    issue: str = ""
    """The issue, e.g. "owner/repo#12", copied into override records."""
    at: str = ""
    """The time of the comment (ISO 8601), copied into override records: the core has no clock."""
    duplicate_candidate: int | None = None
    """The issue the bot named as the duplicate's original (what a bare `/not-duplicate` refers to)."""
    duplicate_label: str = "possible-duplicate"


@dataclass(frozen=True)
class Plan:
    """What to do for a comment's commands; the shell applies it (or logs it in shadow mode)."""

    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    overrides: tuple[OverrideRecord, ...] = ()
    reply: str | None = None
    react: Literal["+1"] | None = None
    retriage: bool = False
    error: str | None = None
    """The user-facing error(s) without the help text; None on success."""

    @property
    def override(self) -> OverrideRecord | None:
        """The first override, for the common one-command case."""
        return self.overrides[0] if self.overrides else None


def decide(cmd: Command | CommandError, ctx: Context, resolve: Resolver) -> Plan:
    """One command: ignore bots, then check the command and its labels/nodes, then permission, then act."""
    if ctx.is_bot:
        return Plan()
    if isinstance(cmd, CommandError):
        return _failed(cmd.message, ctx.slug)
    if isinstance(cmd, Help):
        return Plan(reply=help_text(ctx.slug))
    effect = _effect(cmd, ctx, resolve)
    if isinstance(effect, str):
        return _failed(effect, ctx.slug)
    if not may_run(cmd, ctx):
        msg = refusal(cmd, ctx)
        return Plan(reply=msg, error=msg)
    return replace(effect, react="+1")


def decide_all(cmds: Iterable[Command | CommandError], ctx: Context, resolve: Resolver) -> Plan:
    """A comment's commands in order, as one Plan: net label changes, one reply at most, 👍 only if all succeeded."""
    if ctx.is_bot:
        return Plan()
    labels = list(ctx.labels)
    overrides: list[OverrideRecord] = []
    errors: list[str] = []
    helped = with_help = retriage = False
    done = 0
    for cmd in cmds:
        plan = decide(cmd, replace(ctx, labels=tuple(labels)), resolve)
        gone = {n.casefold() for n in plan.remove_labels}
        labels = [n for n in labels if n.casefold() not in gone] + list(plan.add_labels)
        overrides += plan.overrides
        retriage |= plan.retriage
        done += plan.react is not None
        helped |= isinstance(cmd, Help)
        if plan.error:
            errors.append(plan.error)
            with_help |= plan.reply != plan.error
    before = {n.casefold() for n in ctx.labels}
    after = {n.casefold() for n in labels}
    reply = "\n\n".join(errors) if errors else None
    if with_help or helped:
        reply = _with_help(reply, ctx.slug) if reply else help_text(ctx.slug)
    return Plan(
        add_labels=tuple(n for n in labels if n.casefold() not in before),
        remove_labels=tuple(n for n in ctx.labels if n.casefold() not in after),
        overrides=tuple(overrides),
        reply=reply,
        react="+1" if done and not errors else None,
        retriage=retriage,
        error="\n\n".join(errors) or None,
    )


def may_run(cmd: Command, ctx: Context) -> bool:
    """Whether the commenter's role (or authorship, for `/triage`) allows the command."""
    if RANK.get(ctx.permission, 0) >= RANK[required_permission(cmd)]:
        return True
    return isinstance(cmd, Triage) and ctx.is_author


def refusal(cmd: Command, ctx: Context) -> str:
    """The reply to a refused command: who may run it, naming the commenter without a live mention."""
    name = _command_name(cmd)
    who = "people with triage access or higher (triage, write, maintain, admin)"
    if isinstance(cmd, Triage):
        who += " and the issue's author"
    role = ctx.permission if ctx.permission in RANK and ctx.permission != "none" else "no"
    return (
        f"Sorry {code_span(ctx.login, 60)}, `{name}` may be run only by {who}; you have {role} access to this "
        "repository, so nothing was changed."
    )


def _effect(cmd: Command, ctx: Context, resolve: Resolver) -> Plan | str:
    """The checked effect of a command, before permission: a Plan, or an error message for the reply."""
    if isinstance(cmd, Triage):
        return Plan(retriage=True)
    if isinstance(cmd, LabelEdit):
        return _label_edit(cmd, ctx, resolve)
    if isinstance(cmd, SetNode):
        return _set_node(cmd, ctx, resolve)
    if isinstance(cmd, NeedsInfo):
        unknown = [k for k in cmd.keys if ctx.info_keys is not None and k not in ctx.info_keys]
        if unknown:
            known = ", ".join(f"`{k}`" for k in sorted(ctx.info_keys or ()))
            return f"`/needs-info`: unknown key {code_span(unknown[0])}. Known keys: {known}."
        return _info(ctx, want=True, keys=cmd.keys)
    if isinstance(cmd, (Duplicate, NotDuplicate)):
        return _duplicate(cmd, ctx)
    assert isinstance(cmd, InfoOk)
    return _info(ctx, want=False, keys=())


def _duplicate(cmd: Duplicate | NotDuplicate, ctx: Context) -> Plan | str:
    """`/duplicate #N` adds the label, `/not-duplicate` removes it; both are recorded (and re-triage shows them)."""
    label = ctx.duplicate_label
    before = tuple(n for n in ctx.labels if n.casefold() == label.casefold())
    own = ctx.issue.rpartition("#")[2]
    if isinstance(cmd, Duplicate):
        if str(cmd.number) == own:
            return "`/duplicate`: an issue cannot duplicate itself."
        record = _record(ctx, "duplicate_of", before, (label,), None).model_copy(update={"duplicate_of": cmd.number})
        return Plan(add_labels=() if before else (label,), overrides=(record,), retriage=True)
    number = cmd.number if cmd.number is not None else ctx.duplicate_candidate
    if number is None:
        return "`/not-duplicate`: no duplicate was named here; say which link to hide, e.g. `/not-duplicate #123`."
    record = _record(ctx, "duplicate_of", before, (), None).model_copy(update={"not_duplicate_of": number})
    return Plan(remove_labels=before, overrides=(record,), retriage=True)


def _label_edit(cmd: LabelEdit, ctx: Context, resolve: Resolver) -> Plan | str:
    """`/label`: names matched case-insensitively to existing labels; taxonomy labels become overrides."""
    known = {n.casefold(): n for n in (*_dimension_labels(ctx), *(ctx.repo_labels or ()), *ctx.labels)}
    add, remove = [], []
    for names, out in ((cmd.add, add), (cmd.remove, remove)):
        for name in names:
            real = known.get(name.casefold())
            if real is None and ctx.repo_labels is not None:
                return f"There is no label {code_span(name)} in this repository."
            out.append(real or name)
    current = {n.casefold() for n in ctx.labels}
    add = [n for n in add if n.casefold() not in current]
    remove = [n for n in ctx.labels if n.casefold() in {r.casefold() for r in remove}]
    dim = _dimension_fn(ctx.dimension_of)
    records = []
    for d in dict.fromkeys(d for n in (*add, *remove) if (d := dim(n))):
        before = tuple(n for n in ctx.labels if dim(n) == d)
        gone = {n.casefold() for n in remove}
        after = tuple(n for n in before if n.casefold() not in gone) + tuple(n for n in add if dim(n) == d)
        got = _resolve(resolve, d, after[-1]) if after else None
        path = tuple(got[0]) if got is not None and not isinstance(got, str) else None
        records.append(_record(ctx, d, before, after, path))
    return Plan(add_labels=tuple(add), remove_labels=tuple(remove), overrides=tuple(records))


def _set_node(cmd: SetNode, ctx: Context, resolve: Resolver) -> Plan | str:
    """`/symptom x`: the labels of x's path replace every label of the dimension; the record says what it corrected."""
    got = _resolve(resolve, cmd.dimension, cmd.name)
    if isinstance(got, str):
        return f"`{_command_name(cmd)}`: {_defang(got)}"
    path, labels = got
    keep = {n.casefold() for n in labels}
    dim = _dimension_fn(ctx.dimension_of)
    before = tuple(n for n in ctx.labels if dim(n) == cmd.dimension or n.casefold() in keep)
    remove = tuple(n for n in before if n.casefold() not in keep)
    have = {n.casefold() for n in before}
    add = tuple(n for n in labels if n.casefold() not in have)
    record = _record(ctx, cmd.dimension, before, tuple(labels), tuple(path))
    return Plan(add_labels=add, remove_labels=remove, overrides=(record,))


def _info(ctx: Context, *, want: bool, keys: tuple[str, ...]) -> Plan:
    """`/needs-info` adds the needs-info label, `/info-ok` removes it; both are recorded so re-triage keeps them."""
    label = ctx.needs_info_label
    before = tuple(n for n in ctx.labels if n.casefold() == label.casefold())
    after = (label,) if want else ()
    record = _record(ctx, "needs_info", before, after, None, keys=keys)
    return Plan(add_labels=() if before or not want else (label,), remove_labels=() if want else before,
                overrides=(record,))


def _record(ctx: Context, dimension: str, before, after, path, keys: tuple[str, ...] = ()) -> OverrideRecord:
    """An override record with the bot's own decision for the dimension."""
    bot_path, bot_conf = ctx.decision.get(dimension, (None, None))
    mine = {n.casefold() for n in ctx.bot_labels}
    kept = {n.casefold() for n in after}
    return OverrideRecord(
        issue=ctx.issue, at=ctx.at, login=ctx.login, dimension=dimension, before=tuple(before),
        after=tuple(after), path=path, bot_path=tuple(bot_path) if bot_path is not None else None,
        bot_confidence=bot_conf, corrects_bot=any(n.casefold() in mine and n.casefold() not in kept for n in before),
        keys=keys,
    )


def _resolve(resolve: Resolver, dimension: str, name: str) -> Resolved | str:
    """Call the resolver, turning a ValueError into its message."""
    try:
        return resolve(dimension, name)
    except ValueError as exc:
        return str(exc)


def _dimension_labels(ctx: Context) -> Iterable[str]:
    """The taxonomy labels the lookup knows by name (a callable lookup knows none up front)."""
    return ctx.dimension_of.keys() if isinstance(ctx.dimension_of, Mapping) else ()


def _dimension_fn(dimension_of: DimensionOf) -> Callable[[str], str | None]:
    """A case-insensitive label -> dimension function from a mapping or a callable."""
    if callable(dimension_of):
        return dimension_of
    folded = {k.casefold(): v for k, v in dimension_of.items()}
    return lambda name: folded.get(name.casefold())


def _command_name(cmd: Command) -> str:
    """The slash name of a command, for messages."""
    if isinstance(cmd, SetNode):
        return {"symptom": "/symptom", "root_cause": "/cause", "stage": "/stage"}[cmd.dimension]
    return {Triage: "/triage", LabelEdit: "/label", NeedsInfo: "/needs-info", InfoOk: "/info-ok",
            Duplicate: "/duplicate", NotDuplicate: "/not-duplicate"}[type(cmd)]


def _defang(text: str) -> str:
    """A message that may quote issue text, made unable to ping or render HTML."""
    text = " ".join(text.split()).replace("<", "&lt;").replace(">", "&gt;").replace("@", "@\u200b")
    return text if len(text) <= 300 else text[:299] + "\u2026"


def _failed(message: str, slug: str) -> Plan:
    """A user error: one reply with the message and the help text, nothing else."""
    return Plan(reply=_with_help(message, slug), error=message)


def _with_help(message: str, slug: str) -> str:
    """The message followed by the folded help text."""
    return f"{message}\n\n<details><summary>firstmile commands</summary>\n\n{help_text(slug)}\n\n</details>"
