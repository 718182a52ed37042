"""The versioned schema shared by both backends: `migrations/NNNN_name[.dialect].sql`, applied in name order."""

from __future__ import annotations

from pathlib import Path

DIR = Path(__file__).with_name("migrations")
DIALECTS = ("sqlite", "postgres")

LEGACY = ("0001_deliveries", "0002_overrides", "0003_issue_state")
"""The migrations an SQLite file at PRAGMA user_version 1, 2, 3 already holds (before schema_migrations existed)."""


def migrations(dialect: str, directory: Path = DIR) -> list[tuple[str, str]]:
    """(name, SQL) of every migration for this dialect, in name order: its portable file `NNNN_name.sql`, then its
    dialect's own `NNNN_name.<dialect>.sql` (either may be absent; a dialect file needs the other dialect's too)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}")
    parts: dict[str, list[Path]] = {}
    variants: dict[str, set[str]] = {}
    for path in sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        name, _, variant = path.name.removesuffix(".sql").partition(".")
        if variant and variant not in DIALECTS:
            raise ValueError(f"{path.name}: unknown dialect suffix {variant!r} (use .sqlite.sql or .postgres.sql)")
        variants.setdefault(name, set()).add(variant)
        if variant in ("", dialect):
            parts.setdefault(name, []).append(path)
    missing = sorted(n for n, v in variants.items() if v - {""} and dialect not in v)
    if missing:
        raise ValueError(f"migrations {missing} have no {dialect} variant")
    portable_first = {name: sorted(paths, key=lambda p: p.name.count(".")) for name, paths in parts.items()}
    return [(name, "".join(p.read_text(encoding="utf-8") for p in portable_first[name])) for name in sorted(parts)]
