"""The versioned schema shared by both backends: `migrations/NNNN_name[.dialect].sql`, applied in name order."""

from __future__ import annotations

from pathlib import Path

DIR = Path(__file__).with_name("migrations")
DIALECTS = ("sqlite", "postgres")

LEGACY = ("0001_deliveries", "0002_overrides", "0003_issue_state")
"""The migrations an SQLite file at PRAGMA user_version 1, 2, 3 already holds (before schema_migrations existed)."""


def migrations(dialect: str, directory: Path = DIR) -> list[tuple[str, str]]:
    """(name, SQL) of every migration for this dialect, in name order; a dialect's own file beats the portable one."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}")
    found: dict[str, Path] = {}
    for path in sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        stem = path.name.removesuffix(".sql")
        name, _, variant = stem.partition(".")
        if variant and variant not in DIALECTS:
            raise ValueError(f"{path.name}: unknown dialect suffix {variant!r} (use .sqlite.sql or .postgres.sql)")
        if variant == dialect or (not variant and name not in found):
            found[name] = path
    pairs = {p.name.split(".")[0] for p in directory.glob("*.*.sql")}
    missing = sorted(n for n in pairs if n not in found)
    if missing:
        raise ValueError(f"migrations {missing} have no {dialect} variant")
    return [(name, found[name].read_text(encoding="utf-8")) for name in sorted(found)]
