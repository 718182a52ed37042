"""CLI subcommands: each module here defines `register(subparsers)`; see bot.__main__."""
