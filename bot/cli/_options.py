"""Command-line options several subcommands share."""

from __future__ import annotations


def actions(subparsers, name: str, help: str):
    """A subcommand whose actions (`firstmile NAME ACTION`) are added to the returned subparsers."""
    p = subparsers.add_parser(name, help=help)
    return p.add_subparsers(dest=f"{name}_command", required=True, metavar="ACTION")


def add_database_url(p) -> None:
    """`--database-url URL`: the store to open."""
    p.add_argument("--database-url", metavar="URL", help="the store (default: DATABASE_URL or its default)")
