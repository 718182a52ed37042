"""What the CLI reads: a file or stdin, JSON objects and issues; bad input is one line on stderr and exit 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path


class InputError(ValueError):
    """Bad input; the message names the line."""


def source_name(path: str) -> str:
    """How messages name FILE ("stdin" for "-")."""
    return "stdin" if path == "-" else path


def read_text(path: str) -> str:
    """The text of FILE, or stdin for "-"."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def json_object(text: str, where: str, expected: str = "a JSON object") -> dict:
    """One JSON object; InputError names `where` on anything else."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON: {exc.msg}") from None
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected {expected}")
    return obj


def parse_issue(text: str, where: str) -> dict:
    """One issue object with string title and body; InputError names `where` on anything else."""
    obj = json_object(text, where, "a JSON object with 'title' and 'body'")
    for key in ("title", "body"):
        if not isinstance(obj.get(key, ""), (str, type(None))):
            raise InputError(f"{where}: '{key}' must be a string")
    if "title" not in obj and "body" not in obj:
        raise InputError(f"{where}: expected 'title' and 'body'")
    return obj


def fail(command: str, exc: Exception) -> int:
    """Print `firstmile COMMAND: reason` on stderr; the exit status for bad input (2)."""
    print(f"firstmile {command}: {exc}", file=sys.stderr)
    return 2
