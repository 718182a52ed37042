"""Labelled records in the format of the paper's data (`records.jsonl`) as report rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any


class RecordsError(ValueError):
    """A bad line: str() names it."""


def issue_number(url: str) -> int | None:
    """The issue number at the end of a GitHub issue URL."""
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def read_records(stream: IO[str], name: str = "-") -> Iterator[dict[str, Any]]:
    """One row per record: its issue (number, url, repo), state, and the three labelled paths."""
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as exc:
            raise RecordsError(f"{name}:{lineno}: not JSON ({exc.msg})") from None
        if not isinstance(rec, dict) or not isinstance(rec.get("source"), str):
            raise RecordsError(f"{name}:{lineno}: a record needs a `source` issue URL")
        source = rec["source"]
        yield {"number": f"{rec.get('repo') or ''}#{issue_number(source)}", "url": source,
               "repo": rec.get("repo"), "state": rec.get("status"), "created_at": rec.get("created_at"),
               "symptom": rec.get("symptom") or None, "root_cause": rec.get("root_cause") or None,
               "stage": rec.get("stage") or None, "model": rec.get("model")}
