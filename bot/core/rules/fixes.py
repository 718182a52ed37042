"""Known fixes and compat checks: which hold for a scanned issue (fixes ranked by how specific their match is)."""

from __future__ import annotations

from dataclasses import dataclass, field

import re2

from bot.core import versions
from bot.core.releases import pip_installs
from bot.core.rules.compile import Node, decided, gates
from bot.core.rules.schema import CheckRule, FixRule
from bot.core.sanitize import code
from bot.core.types import FixRef, Warning_

MAX_SHOWN = 3
SERVING = {"vllm.yml": "vllm", "sglang.yml": "sglang", "lmdeploy.yml": "lmdeploy", "ollama.yml": "ollama",
           "llamacpp.yml": "llama_cpp"}
"""Fix files written for one serving runtime, and that runtime's name in Facts.runtimes."""
NO_TORCH = frozenset({"ollama", "llama_cpp"})
"""Runtimes that do not run PyTorch: PyTorch-level advice does not apply to their users."""
TORCH_FILES = frozenset({"torch_cuda.yml", "transformers.yml", "peft.yml", "trl.yml", "deepspeed.yml",
                         "flash_attn.yml", "bitsandbytes.yml", "llamafactory.yml"})


def off_stack(file: str, runtimes: list[str]) -> bool:
    """True when a fix was written for another stack than the one the issue runs (its first runtime): a vLLM flag
    for an sglang user, a llama-cpp-python gate for an Ollama user, a PyTorch allocator setting for llama.cpp."""
    if not runtimes:
        return False
    main, own = runtimes[0], SERVING.get(file)
    if own is not None:
        return main in SERVING.values() and main != own
    return main in NO_TORCH and file in TORCH_FILES


@dataclass(frozen=True)
class Compiled:
    """A rule with its compiled `when` alternatives (one unless a fix lists several) and `unless`."""

    rule: FixRule | CheckRule
    alts: tuple[Node, ...]
    unless: Node | None
    file: str
    strikes: tuple = ()
    """(node, text, text_zh) of each part of the title that stated facts can rule out (FixRule.strike)."""
    gate: tuple | None = field(init=False, repr=False, compare=False)
    """(pool, pattern ids) pairs one of which some alternative needs found (None: no such cheap test)."""
    decided: bool = field(init=False, repr=False, compare=False)
    """True when a condition reads a decided path or the issue kind (its verdict may change during a triage)."""

    def __post_init__(self):
        g = [gates(a) for a in self.alts]
        gate = tuple((pool, frozenset(ids)) for a in g for pool, ids in a) if g and all(a is not None for a in g) else None
        object.__setattr__(self, "gate", gate)
        nodes = self.alts + ((self.unless,) if self.unless is not None else ())
        object.__setattr__(self, "decided", any(map(decided, nodes)))

    def holds(self, scan) -> bool:
        """True when some alternative holds and `unless` does not (false at once when the pools the scan has
        already searched show that none of the patterns an alternative needs occurs)."""
        if self.gate is not None and scan.ruled_out(self.gate):
            return False
        alts = self.alts
        if len(alts) == 1:
            return alts[0].hit(scan) is not None and not self.vetoed(scan)
        return any(a.hit(scan) is not None for a in alts) and not self.vetoed(scan)

    def vetoed(self, scan) -> bool:
        """True when `unless` holds."""
        return self.unless is not None and self.unless.hit(scan) is not None

    def titles(self, scan) -> tuple[str, str]:
        """(title, title_zh) of a fix, (message, message_zh) of a check, without the parts the issue's stated facts
        rule out."""
        rule = self.rule
        title, title_zh = (rule.title, rule.title_zh) if isinstance(rule, FixRule) else (rule.message, rule.message_zh)
        for node, text, text_zh in self.strikes:
            if node.hit(scan) is not None:
                title, title_zh = title.replace(text, "", 1), title_zh.replace(text_zh, "", 1) if text_zh else title_zh
        return title, title_zh

    def command(self, scan) -> str:
        """The fix's command, or none when a part of the title the stated facts cut names its program or the
        variable it sets (`OLLAMA_CONTEXT_LENGTH=16384 ollama serve`: the command belongs to the option struck)."""
        command = getattr(self.rule, "command", None) or ""
        programs = [w for w in command.split() if "." in w and not w.startswith(("-", "/"))]
        programs += [w.rsplit("/", 1)[1] for w in programs if "://" in w and "." in w.rsplit("/", 1)[1]]  # install.sh
        programs += [key[:-1] for key, _ in _settings(command) if key.endswith("=")]  # the variables it sets
        for node, text, _ in self.strikes:
            if any(p in text for p in programs) and node.hit(scan) is not None:
                return ""
        return command


class FixIndex:
    """Fix alternatives keyed by a pattern each needs, so an issue scores only those that can hold."""

    def __init__(self, fixes: list[Compiled]):
        self.fixes = fixes
        self.gated: dict = {}
        self.ungated: list[tuple[int, int]] = []
        for i, f in enumerate(fixes):
            for j, alt in enumerate(f.alts):
                g = gates(alt)
                for pool, ids in g or ():
                    for pid in ids:
                        self.gated.setdefault(pool, {}).setdefault(pid, []).append((i, j))
                if g is None:
                    self.ungated.append((i, j))
        self.family = {i: type_key(g.family) for i, f in enumerate(fixes)
                       if (g := getattr(f.rule, "gate", None)) is not None and g.family}
        """Fix index -> the type key of the model family its gate names."""
        self.families = frozenset(self.family.values())

    def other_models(self, best: dict[int, int], model: str, request: str = "") -> list[int]:
        """Family gates for another model than the one the issue runs, when a gate for that one matched too: for a
        `Qwen2.5-VL-7B` the Qwen2.5-VL gate, not the Qwen2-VL one a working model's mention also fired (the longest
        family that begins the model's name wins). In a request for a new model (`request`: its title), every family
        gate for a model its title does not name: "DeepSeek-VL2?" named as the closest supported one is no answer."""
        fams = {k: self.family[k] for k in best if k in self.family}
        if not fams:
            return []
        name = _ALNUM.sub("", model.rsplit("/", 1)[-1].lower().removeprefix("meta-"))
        mine = [f for f in fams.values() if name and name.startswith(f)]
        if not mine:
            asked = _ALNUM.sub("", request.lower())
            return [k for k, f in fams.items() if f not in asked] if request and name else []
        top = max(mine, key=len)
        return [k for k, f in fams.items() if f != top]

    def other_family(self, i: int, scan) -> bool:
        """True for a family gate when the error names the model type of another family it knows: `KeyError:
        'qwen3'` is a Qwen3 gate's case, not a Qwen2 gate's, whatever other models the issue mentions."""
        if i not in self.family:
            return False
        named = scan.memo.get("named types")
        if named is None:
            named = scan.memo["named types"] = named_types(scan.facts.errors) & self.families
        return bool(named) and self.family[i] not in named

    def scored(self, scan) -> list[tuple[int, int, int]]:
        """(fix index, alternative index, score) of every alternative that holds, fix vetoes applied (memoised on
        the scan: the fixes that read no decided path nor the kind once, the others for the current ones)."""
        key = (self, frozenset(scan.chosen.items()), scan.kind)
        got = scan.memo.get(key)
        if got is None:
            once = scan.memo.get(self)
            if once is None:
                todo = self._todo(scan)
                once = scan.memo[self] = (self._scored(scan, [t for t in todo if not self.fixes[t[0]].decided]),
                                          [t for t in todo if self.fixes[t[0]].decided])
            got = scan.memo[key] = tuple(sorted(once[0] + self._scored(scan, once[1])))
        return list(got)

    def _todo(self, scan) -> list[tuple[int, int]]:
        """The (fix, alternative) pairs that can hold: the ungated ones and those gated on a pattern found."""
        todo = set(self.ungated)
        for pool, table in self.gated.items():
            for pid in scan.found(pool).intersection(table):
                todo.update(table[pid])
        return sorted(todo)

    def _scored(self, scan, todo: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """The work of `scored` on candidates: their hits, vetoes (including another stack's fixes), scores."""
        out, vetoed = [], {}
        for i, j in todo:
            f = self.fixes[i]
            alt = f.alts[j]
            if alt.hit(scan) is None:
                continue
            if i not in vetoed:
                vetoed[i] = off_stack(f.file, scan.runtimes) or self.other_family(i, scan) or f.vetoed(scan)
            if not vetoed[i]:
                out.append((i, j, alt.score(scan)))
        return out

    def match(self, scan) -> list[FixRef]:
        """The matching fixes, diagnoses before generic advice, most specific first (ties keep file order), at most
        MAX_SHOWN; none the issue already applied, and no generic advice once a fix was found already applied."""
        return [FixRef(id=r.id, title=title, url=r.url, title_zh=title_zh, command=f.command(scan), generic=r.generic)
                for f, r, (title, title_zh) in ((self.fixes[k], self.fixes[k].rule, self.fixes[k].titles(scan))
                                                for k in self.ranked(scan))]

    def ranked(self, scan) -> list[int]:
        """The indices of the fixes `match` gives, in its order."""
        best: dict[int, int] = {}
        for i, _, score in self.scored(scan):
            if score > best.get(i, 0):
                best[i] = score
        asked = scan.facts.title if scan.kind == "feature" else ""
        for k in self.other_models(best, scan.env.get("model", ""), asked):
            del best[k]
        text, words = _words(scan) if best else ("", "")
        done = {k for k in best if already_done(self.fixes[k].rule.command, text, scan.env, words)}
        left = [k for k in best if k not in done and not (done and self.fixes[k].rule.generic)]  # tried: no generic
        if not any(not self.fixes[k].rule.generic for k in left):  # a gate still holds after the upgrade the reporter
            left += [k for k in done if getattr(self.fixes[k].rule, "gate", None)]  # ran, when nothing else says why
        return sorted(left, key=lambda k: (self.fixes[k].rule.generic, -best[k], k))[:MAX_SHOWN]


def _words(scan) -> tuple[str, str]:
    """The issue text fixes test as already done (without the remedies a tool or its error prints), and its words
    joined by single spaces; once per scan."""
    got = scan.memo.get("fix text")
    if got is None:
        text = _SUGGESTED.sub(" ", scan.facts.text) if "ossible solution" in scan.facts.text else scan.facts.text
        for e in sorted(scan.facts.errors, key=lambda e: -len(e.message)):  # an error that prints its own remedy
            if len(e.message) > 20:  # (`--dtype=half`) is not the reporter using it; the longest first: a title's
                # shorter copy of a message must not cut the full one
                text = text.replace(e.message, " ")
        text = _unsaid(text)
        got = scan.memo["fix text"] = (text, " ".join(text.split()))
    return got


_TYPE_NAMED = re2.compile(r"(?:model type [`'\"]?|KeyError: ['\"]?|model architecture:? ['\"]?|architectures? \[['\"]|"
                          r"cannot import name ['\"]?)"
                          r"([A-Za-z][A-Za-z0-9_]*)")
_ALNUM = re2.compile(r"[^a-z0-9]")
_TYPE_SUFFIX = re2.compile(r"(?:for(?:causallm|conditionalgeneration)|model|config)$")


def type_key(name: str) -> str:
    """A model type or architecture class as one key: `Qwen2_5_VLForConditionalGeneration` and `qwen2_5_vl` agree."""
    return _TYPE_SUFFIX.sub("", _ALNUM.sub("", name.lower()))


def named_types(errors) -> frozenset[str]:
    """The model types the errors say are unknown (`model type `qwen3``, `KeyError: 'qwen3'`, `unknown model
    architecture: 'qwen3'`, `architectures ['Qwen3ForCausalLM']`), as type keys."""
    return frozenset(type_key(m[1]) for e in errors for m in _TYPE_NAMED.finditer(f"{e.type}: {e.message}"))


_UPGRADED = re2.compile(r"(?i)\b(?:upgraded|updated)[ \t]+(?:my[ \t]+|the[ \t]+)?([a-z][a-z0-9_.-]*[a-z0-9])\b")
"""A package the reporter says they upgraded ("I upgraded transformers to 4.48.1"): a `pip install -U` of it."""
_SUGGESTED = re2.compile(r"(?i)possible solutions?:[ \t]*\n(?:[ \t]*\d+[.)][^\n]*\n?){1,10}")
"""The numbered remedies a tool prints after its error (sglang's "Possible solutions:"): not what the reporter did."""
_SETTINGS = re2.compile(r"(--[a-z0-9][a-z0-9-]*[a-z0-9])(?:[ =]([a-z](?:[a-z0-9_.-]*[a-z0-9_])?))?|"
                        r"\b([A-Z][A-Z0-9_]{2,}=)")
"""A flag with its word value (a sentence's full stop is not part of it), or an environment variable set."""
_FLAG_BEFORE = re2.compile(r"--[a-z0-9][a-z0-9-]*[ =]$")


_REQUIRED = re2.compile(r"(?i)\brequires? (?:the )?--[a-z0-9][a-z0-9-]*")
"""A tool's message naming the flag it needs ("tools param requires --jinja flag"): not the reporter using it."""
_ASKED = re2.compile(r"[^.!?\n]*\?(?:\s|$)")
"""A sentence that asks a question."""


def _unsaid(text: str) -> str:
    """The text without what names a setting but does not set it: a question ("Is `--dtype half` safe?") and a
    tool's message naming the flag it needs ("requires --jinja")."""
    text = _ASKED.sub(" ", text)
    return _REQUIRED.sub(" ", text) if "equire" in text else text


def _settings(command: str) -> list[tuple[str, str]]:
    """The (flag, word value) and (variable, "") pairs a command sets; `NAME=PATH` right after a flag is that
    flag's value, not a variable."""
    return [(flag, word) if flag else (var, "") for m in _SETTINGS.finditer(command)
            for flag, word, var in [m.groups("")] if flag or not _FLAG_BEFORE.search(command[:m.start()])]


def already_done(command: str | None, text: str, env: dict[str, str] | None = None, words: str | None = None) -> bool:
    """True when the issue already uses every flag and environment setting the fix's command sets: a flag with a
    word value counts only with that value (`--dtype float32` is not done by `--dtype half`), a numeric one by the
    flag alone (`--max-model-len`: the reporter tuned it), a variable by `NAME=`; or the issue quotes the command
    itself. Telling the reporter to do what they did is worse than saying nothing. An upgrade that left a version
    `env` states below the fix's minimum is not done: it did not get there. `words`: the text's words joined by
    single spaces, when the caller has them."""
    if not command:
        return False
    if words is None:  # a caller that tests many fixes passes both, already cut by _unsaid
        text = _unsaid(text)
        words = " ".join(text.split())
    if " ".join(command.split()) in words:  # the very command, run already
        return True
    steps = [s.strip() for line in command.splitlines() for s in line.split(" && ") if s.strip()]
    if len(steps) > 1:  # each step done: a flag the reporter set says nothing of a `git pull` before it
        return all(already_done(s, text, env, words) for s in steps)
    if command.startswith(("pip install", "pip3 install")) and "&&" not in command:
        return _pip_done(command, text, env or {})
    if "$env:" in command and "$env:" not in text:  # PowerShell's setting: a `set NAME=` there sets nothing for pip
        return False
    wanted = [(key, word) for key, word in _settings(command) if key != "--no-deps"]  # keeps what was installed
    return bool(wanted) and all(_uses(text, key, word) for key, word in wanted)


def _uses(text: str, key: str, word: str) -> bool:
    """Whether the text sets the flag (with that word value, when one is given) or the variable."""
    if not word:
        return key in text
    return f"{key} {word}" in text or f"{key}={word}" in text


def _pip_done(command: str, text: str, env: dict[str, str]) -> bool:
    """A `pip install` fix is done when the issue ran pip install on all its packages with its options; a minimum
    (`"transformers>=4.37.0"`) counts as done by an upgrade to the latest (`pip install -U transformers`), any other
    pin not at all (the reporter may have installed another version)."""
    installs = pip_installs(command)
    if not installs:
        return False
    specs, options = installs[0]
    options = options - {"--no-deps"}  # it keeps the dependencies; the reinstall itself is the same
    if any(">=" in spec for spec in specs):
        options = options | {"-U"}
    for name, _, least in (spec.partition(">=") for spec in specs if ">=" in spec):
        have = env.get(_pip_key(name).replace("-", "_"))
        if have and versions.compare(have, "<", least.strip("\"' ")):
            return False  # upgraded, and still below the minimum: pinned by the index or the Python
    wanted = {_pip_key(spec.split(">=", 1)[0]) for spec in specs}
    if not wanted or any(c in name for name in wanted for c in "<>=~!["):
        return False
    said = [([m.group(1)], {"-U"}) for m in _UPGRADED.finditer(text)] if "pgrad" in text or "pdated" in text else []
    return any(wanted <= {_pip_key(s) for s in ran} and options <= used for ran, used in pip_installs(text) + said)


def _pip_key(name: str) -> str:
    """A package name as pip compares it: lower case, `_` as `-`."""
    return name.lower().replace("_", "-")


class _Values(dict):
    """Template values: an env value as safe inline code, rendered only when a placeholder names it; else '?'."""

    def __init__(self, env: dict[str, str]):
        super().__init__()
        self.env = env

    def __missing__(self, key: str) -> str:
        return code(self.env[key], limit=80) if key in self.env else "?"


def fill(template: str, env: dict[str, str]) -> str:
    """Fill {key} placeholders with env values rendered as inline code (issue text is untrusted)."""
    return template.format_map(_Values(env)) if "{" in template or "}" in template else template


def check_compat(scan, checks: list[Compiled]) -> list[Warning_]:
    """The warnings whose checks hold for the scanned issue, in file order (a check linked to a fix speaks as it);
    a check that reads no decided path nor the kind is checked once per scan (triage asks before and after deciding)."""
    got = scan.memo.get("compat")
    if got is None or got[0] is not checks:
        got = scan.memo["compat"] = (checks, [None if c.decided else c.holds(scan) for c in checks])
    return [_warning(c, scan) for c, held in zip(checks, got[1]) if (c.holds(scan) if held is None else held)]


def _warning(check: Compiled, scan) -> Warning_:
    """The warning a check gives for an issue's env (without the parts its stated facts rule out)."""
    rule, env = check.rule, scan.env
    message, message_zh = check.titles(scan) if check.strikes else (rule.message, rule.message_zh)
    return Warning_(id=rule.fix or rule.id, message=fill(message, env), message_zh=fill(message_zh, env),
                    url=rule.url, replaces=tuple(rule.replaces), answer=rule.answer)
