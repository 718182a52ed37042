"""`firstmile serve`: run the GitHub App webhook server."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.settings import SettingsError, load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `serve` subcommand."""
    p = subparsers.add_parser("serve", help="run the GitHub App webhook server (configured by environment / .env)")
    p.add_argument("--insecure-no-secret", action="store_true",
                   help="accept unsigned deliveries (local experiments only; never expose this)")
    p.add_argument("--role", choices=("all", "web", "worker"), default="all",
                   help="all (default): acknowledge and handle; web: only acknowledge into the database; worker: "
                        "only handle what the database holds (serves /healthz and /metrics); run web and worker "
                        "processes on one database, e.g. on PostgreSQL")
    p.add_argument("--worker-of", type=int, metavar="PID", help=argparse.SUPPRESS)  # internal: the worker process
    p.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    """Validate settings (bad value: one line naming it, exit 2), then serve until SIGTERM."""
    try:
        settings = load_settings()
        if args.worker_of:  # started by the web process (WORKER=process), which verifies the deliveries
            from bot.github.server import work

            work(settings, args.worker_of)
            return 0
        if settings.webhook_secret is None and not args.insecure_no_secret and args.role != "worker":
            raise SettingsError("WEBHOOK_SECRET: required (or pass --insecure-no-secret for local experiments)")
    except SettingsError as exc:
        print(f"firstmile: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot.github.server import run

    try:
        run(settings, insecure_no_secret=args.insecure_no_secret, role=args.role)
    except Exception as exc:  # noqa: BLE001 - start-up failures (port in use, GitHub unreachable) end in one line
        logging.getLogger("firstmile").debug("start-up failed", exc_info=True)
        print(f"firstmile: cannot start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
