"""Tests for bot.settings and `firstmile serve` start-up errors: one stderr line naming the variable, exit 2."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from bot.settings import Settings, SettingsError, load_settings, settings_env

CLEAN = {k: v for k, v in os.environ.items() if k.upper() not in {
    "APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET", "GITHUB_API_URL", "HOST", "PORT", "DATABASE_URL",
    "DRY_RUN", "LOG_LEVEL", "WORKERS", "QUEUE_SIZE", "MAX_BODY_BYTES", "DRAIN_SECONDS", "WORKER"}}


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert (s.github_api_url, s.host, s.port, s.database_url) == (
        "https://api.github.com", "127.0.0.1", 3000, "sqlite:///firstmile.sqlite3")
    assert s.dry and s.max_body_bytes == 25 * 1024 * 1024
    assert s.worker == "thread"


def test_environment_and_dotenv(monkeypatch, tmp_path, app_keys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("PORT=4000\nWEBHOOK_SECRET=s3cret\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("APP_ID", "42")
    monkeypatch.setenv("PRIVATE_KEY", app_keys[0].replace("\n", "\\n"))  # one-line form with \n escapes
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3/")
    s = load_settings()
    assert (s.port, s.secret(), s.log_level, s.app_id) == (4000, "s3cret", "DEBUG", "42")
    assert s.private_key_pem() == app_keys[0]
    assert s.github_api_url == "https://ghe.example.com/api/v3"
    assert not s.dry
    assert "s3cret" not in repr(s) and app_keys[0].splitlines()[1] not in repr(s)


def test_settings_env_makes_a_child_load_the_same_settings(monkeypatch, tmp_path, app_keys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRIVATE_KEY_PATH", "/nowhere")  # unset in ours (overridden below), so dropped for the child
    ours = load_settings(app_id="7", private_key=app_keys[0], private_key_path=None, workers=3, dry_run=True,
                         webhook_secret="s3cret", github_backoff_seconds=0.01)
    env = settings_env(ours)
    assert (env["WORKERS"], env["DRY_RUN"], env["WEBHOOK_SECRET"]) == ("3", "true", "s3cret")
    assert "PRIVATE_KEY_PATH" not in env
    monkeypatch.setattr(os, "environ", env)
    assert Settings() == ours


def test_private_key_path(tmp_path, app_keys):
    (tmp_path / "key.pem").write_text(app_keys[0])
    s = load_settings(app_id="1", private_key_path=tmp_path / "key.pem")
    assert s.private_key_pem() == app_keys[0]


def test_dry_run_flag_with_credentials(app_keys):
    assert load_settings(app_id="1", private_key=app_keys[0], dry_run="true").dry


@pytest.mark.parametrize(("values", "message"), [
    ({"port": "abc"}, "PORT: Input should be a valid integer"),
    ({"port": "70000"}, "PORT: Input should be less than or equal to 65535"),
    ({"workers": "0"}, "WORKERS: Input should be greater than or equal to 1"),
    ({"dry_run": "maybe"}, "DRY_RUN: Input should be a valid boolean"),
    ({"log_level": "LOUD"}, "LOG_LEVEL: Input should be"),
    ({"database_url": "mysql://x/y"}, "DATABASE_URL: must look like sqlite:///"),
    ({"database_url": "postgresql://"}, "DATABASE_URL: must look like sqlite:///"),
    ({"github_api_url": "api.github.com"}, "GITHUB_API_URL: must start with https://"),
    ({"app_id": "1"}, "PRIVATE_KEY: required when APP_ID is set"),
    ({"app_id": "1", "private_key": "not a key"}, "PRIVATE_KEY: not an unencrypted RSA private key"),
    ({"app_id": "1", "private_key_path": "/nonexistent/key.pem"}, "PRIVATE_KEY_PATH: cannot read"),
])
def test_bad_values_name_the_variable(values, message, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError) as exc:
        load_settings(**values)
    assert str(exc.value).startswith(message)


def _serve(env: dict[str, str], cwd, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "serve", *args], env=CLEAN | env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_exits_2_with_one_line(tmp_path):
    proc = _serve({"PORT": "abc", "WEBHOOK_SECRET": "x"}, tmp_path)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert err.splitlines() == [
        "firstmile: PORT: Input should be a valid integer, unable to parse string as an integer"]


@pytest.mark.parametrize(("env", "line"), [
    ({}, "firstmile: WEBHOOK_SECRET: required (or pass --insecure-no-secret for local experiments)"),
    ({"WEBHOOK_SECRET": "x", "APP_ID": "7"}, "firstmile: PRIVATE_KEY: required when APP_ID is set"),
    ({"WEBHOOK_SECRET": "x", "DRAIN_SECONDS": "-1"}, "firstmile: DRAIN_SECONDS: Input should be greater than"),
])
def test_serve_main_exits_2_with_one_line(env, line, monkeypatch, tmp_path, capsys):
    from bot.__main__ import main

    monkeypatch.chdir(tmp_path)
    for name in set(os.environ) - set(CLEAN):
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(line)


def test_serve_runs_dry_answers_healthz_and_stops_on_sigterm(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _serve({"WEBHOOK_SECRET": "x", "PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
                  tmp_path)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not come up")
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "dry run" in err and (tmp_path / "db.sqlite3").exists()
