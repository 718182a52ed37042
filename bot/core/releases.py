"""Which versions of a package exist (rules/releases.yml), and the closest real release to one that does not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import re2
from packaging.version import InvalidVersion, Version

from bot.core import versions
from bot.core.rulefile import RulesError, load_yaml

# How far above the newest listed release a version may be and still be taken as a release newer than the table:
# the next few minors of the newest major, or the first minors of the next major.
_AHEAD_MINORS = 3
# A stated patch this close to a real one of the same minor is taken as a wrong patch number ("2.1.5" -> "2.1.2"),
# a farther one as a typo in the numbers ("4.4.45"): then the textually nearest release wins.
_NEAR_MICRO = 5


@dataclass(frozen=True)
class Verdict:
    """A stated version checked against the table: `exists` False means no such release; `suggest` is the closest."""

    package: str
    stated: str
    exists: bool
    suggest: str | None = None
    key: str = ""
    """The name it was asked about (an env key such as flash_attn, or the pip name)."""


@dataclass(frozen=True)
class ReleaseTable:
    """Every release per pip name, oldest first, and the env key each pip name fills."""

    releases: Mapping[str, tuple[str, ...]]
    env_keys: Mapping[str, str]
    prefixes: Mapping[str, frozenset[tuple[int, ...]]]
    """Per pip name, every leading part of every release number ((2,), (2, 1), (2, 1, 0)...), for O(1) lookups."""
    newest: Mapping[str, tuple[int, ...]]
    """Per pip name, the highest release number, padded to three parts."""
    by_key: Mapping[str, str]
    """Env key -> pip name."""

    def pip_name(self, name: str) -> str | None:
        """The pip name for a pip name or an env key ("flash_attn" -> "flash-attn"); None if not in the table."""
        if name in self.by_key:
            return self.by_key[name]
        norm = name.strip().lower().replace("_", "-")
        return norm if norm in self.releases else None

    def is_pip_package(self, name: str) -> bool:
        """Whether `pip install NAME` names a package the table knows (module names like flash_attn_2_cuda are not)."""
        return name.strip().lower().replace("_", "-") in self.releases

    def check(self, package: str, stated: str | None) -> Verdict | None:
        """The verdict on `stated` for a pip name or env key; None when the package or the text cannot be judged."""
        pip = self.pip_name(package)
        if pip is None or not stated:
            return None
        v = versions.parse(stated)
        if v is None:
            return None
        if _exists(v, self.prefixes[pip], self.newest[pip]):
            return Verdict(pip, stated, True, key=package)
        return Verdict(pip, stated, False, closest(self.releases[pip], stated), key=package)


def _exists(v: Version, prefixes: frozenset[tuple[int, ...]], newest: tuple[int, ...]) -> bool:
    """Whether `v` is a listed release, a prefix of one ("2.1"), a build of one, or plausibly newer than the table."""
    base = v.release
    if base in prefixes:
        return True
    cand = base + (0,) * (3 - len(base)) if len(base) < 3 else base
    if cand[:3] <= newest:
        # not listed and not above the newest: a local/pre build of the next patch of a listed minor still counts
        return (v.is_prerelease or v.is_devrelease or v.local is not None) and base[:2] in prefixes
    major, minor = cand[0], cand[1]
    if major == newest[0]:
        return minor <= newest[1] + _AHEAD_MINORS
    return major == newest[0] + 1 and minor < _AHEAD_MINORS


def closest(known: tuple[str, ...], stated: str) -> str | None:
    """The release a mistyped version most likely meant: same digits ("2.21" -> "2.2.1"), same minor, else nearest."""
    v = versions.parse(stated)
    if v is None or not known:
        return None
    digits = "".join(str(p) for p in v.release)
    same = [k for k in known if _digits(k) == digits]
    if same:  # the plain release before its .post/.dev builds, then the newest
        return max(same, key=lambda k: (not (Version(k).is_postrelease or Version(k).is_prerelease), Version(k)))
    finals = [k for k in known if not Version(k).is_prerelease] or list(known)
    minor = [k for k in finals if Version(k).release[:2] == v.release[:2]]
    if minor and len(v.release) >= 3:
        best = min(minor, key=lambda k: (_micro_gap(k, v), -_key(k)))
        if _micro_gap(best, v) <= _NEAR_MICRO:
            return best
    text = ".".join(str(p) for p in v.release)
    return min(finals, key=lambda k: (_edit(text, ".".join(str(p) for p in Version(k).release)),
                                      abs(_key(k) - _key(text)), -_key(k)))


def _micro_gap(known: str, v: Version) -> int:
    """How far a release's patch number is from the stated one."""
    r = Version(known).release + (0, 0, 0)
    return abs(r[2] - v.release[2])


def _digits(text: str) -> str:
    """The digits of a release's numeric part ("2.2.1" -> "221")."""
    return "".join(str(p) for p in Version(text).release)


def _key(text: str) -> float:
    """A number that orders releases, newest largest (for tie-breaks)."""
    r = Version(text).release + (0, 0, 0)
    return r[0] * 1e8 + r[1] * 1e4 + r[2]


def _edit(a: str, b: str) -> int:
    """Levenshtein distance between two short strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def impossible(table: ReleaseTable, env: Mapping[str, str]) -> list[Verdict]:
    """The env facts whose version is no release of their package, each with the closest real one (`key`: env key)."""
    out = []
    for key, value in env.items():
        if key not in table.by_key:
            continue
        verdict = table.check(key, value)
        if verdict is not None and not verdict.exists:
            out.append(verdict)
    return out


def from_data(data: Any, file: str = "releases.yml") -> ReleaseTable:
    """Validate the parsed YAML and build the table."""
    if not isinstance(data, dict) or not isinstance(data.get("packages"), dict):
        raise RulesError(file, None, "expected a mapping with `packages:`")
    releases, env_keys, prefixes, newest = {}, {}, {}, {}
    for name, entry in data["packages"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("versions"), list) or not entry["versions"]:
            raise RulesError(file, name, "expected `versions:` with at least one version")
        for text in entry["versions"]:
            if not isinstance(text, str):
                raise RulesError(file, name, f"version {text!r} must be a quoted string")
            try:
                Version(text)
            except InvalidVersion:
                raise RulesError(file, name, f"{text!r} is not a version") from None
        releases[name] = tuple(entry["versions"])
        numbers = [Version(t).release for t in entry["versions"]]
        prefixes[name] = frozenset(r[:k] for r in numbers for k in range(1, len(r) + 1))
        newest[name] = max((r + (0, 0))[:3] for r in numbers)
        if entry.get("env"):
            env_keys[name] = str(entry["env"])
    return ReleaseTable(releases=releases, env_keys=env_keys, prefixes=prefixes, newest=newest,
                        by_key={k: p for p, k in env_keys.items()})


def load_releases(path: Path | str) -> ReleaseTable:
    """Read and validate rules/releases.yml."""
    path = Path(path)
    return from_data(load_yaml(path), path.name)


_PIP_INSTALL = re2.compile(r"pip3? install ([^\n;&|#`()（）,，。]+)")
_PROSE = frozenset(("/", "and", "or", "then", "to", "for", "with", "if", "in", "on", "from", "the", "after", "before"))
_NAME = re2.compile(r"^[\"']?([A-Za-z0-9][A-Za-z0-9._-]*)")


def pip_installs(text: str) -> list[tuple[list[str], set[str]]]:
    """Each `pip install` a text runs: the requirements it names, unquoted ("vllm>=0.8.4", "ninja"), and its options
    (`--upgrade` as `-U`)."""
    out = []
    for m in _PIP_INSTALL.finditer(text):
        specs, options = [], set()
        for arg in m.group(1).split():
            if arg.lower() in _PROSE:
                break
            if arg.startswith("-"):
                options.add("-U" if arg == "--upgrade" else arg)
            elif arg not in (".", "..") and "/" not in arg and not arg.startswith((".[", "'.[", '".[')):
                specs.append(arg.strip("\"'"))
        out.append((specs, options))
    return out


def pip_names(text: str) -> list[str]:
    """The package names a text tells pip to install ("pip install -U 'vllm>=0.8.4' ninja" -> [vllm, ninja])."""
    return [name.group(1).split("[")[0] for specs, _ in pip_installs(text) for spec in specs
            if (name := _NAME.match(spec))]


def unknown_pip_names(table: ReleaseTable, text: str) -> list[str]:
    """The names a text tells pip to install that are no package the table knows."""
    return [n for n in pip_names(text) if not table.is_pip_package(n)]
