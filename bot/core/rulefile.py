"""Loading rule files: YAML parsing, RE2 compilation, and the one error format for a broken rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import re2
import yaml

import bot


class RulesError(ValueError):
    """A rules file is broken; str() is `rules/<file>: rule <id>: <reason>`."""

    def __init__(self, file: str | Path, rule: str | None, reason: str):
        self.file, self.rule, self.reason = Path(file).name, rule, reason
        where = f"rules/{self.file}" + (f": rule {rule}" if rule else "")
        super().__init__(f"{where}: {reason}")


def rules_dir() -> Path:
    """The shipped rules: the checkout's rules/ in development, bot/_rules in an installed wheel."""
    here = Path(bot.__file__).resolve().parent
    for candidate in (here.parent / "rules", here / "_rules"):
        if candidate.is_dir():
            return candidate
    raise RulesError("(rules directory)", None, f"not found next to {here}")


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (about 10x faster), else the pure-Python one."""


def load_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into a RulesError."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise RulesError(path, None, f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise RulesError(path, None, f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None


_MAX_MEM = 8 << 20


def compile_re2(pattern: str, *, ignore_case: bool = True, captures: bool = True) -> "re2._Regexp":
    """Compile a pattern with RE2 (linear time, no backtracking); raises ValueError with RE2's reason.

    Without `captures` every group is non-capturing, so a search needs only RE2's DFA, not its submatch engines.
    """
    opts = re2.Options()
    opts.max_mem = _MAX_MEM
    opts.log_errors = False
    opts.case_sensitive = not ignore_case
    opts.never_capture = not captures
    try:
        return re2.compile(pattern, opts)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(f"bad regex {pattern!r}: {reason}") from None
