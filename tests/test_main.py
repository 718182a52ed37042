"""Tests for the CLI dispatcher in bot.__main__."""

import subprocess
import sys

import bot
from bot.__main__ import build_parser


def test_every_cli_module_registers_a_subcommand():
    import pkgutil

    import bot.cli

    modules = [m.name for m in pkgutil.iter_modules(bot.cli.__path__) if not m.name.startswith("_")]  # _x: shared helpers
    choices = build_parser()._subparsers._group_actions[0].choices
    assert len(choices) >= len(modules) > 0


def test_version_flag_prints_the_package_version():
    out = subprocess.run([sys.executable, "-m", "bot", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.strip() == bot.__version__


def test_missing_subcommand_is_a_usage_error():
    out = subprocess.run([sys.executable, "-m", "bot"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "usage" in out.stderr.lower()


def test_a_reader_that_closes_the_pipe_early_ends_the_command_quietly():
    cmd = f"{sys.executable} -m bot rules check | head -c 1"
    out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True)
    assert out.stdout == "o" and "Traceback" not in out.stderr and "BrokenPipe" not in out.stderr
