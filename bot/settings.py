"""Server settings from the environment and `.env`, with Probot-style names (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET...)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(ValueError):
    """A bad setting; str() is `NAME: reason`, ready for a one-line error."""


class Settings(BaseSettings):
    """Everything `firstmile serve` reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    app_id: str | None = None
    private_key: SecretStr | None = None
    private_key_path: Path | None = None
    webhook_secret: SecretStr | None = None
    github_api_url: str = "https://api.github.com"
    # Loopback by default: a fresh checkout should not expose a webhook endpoint to the network by accident.
    # Deployments (the Docker image, a reverse proxy) set HOST=0.0.0.0 explicitly.
    host: str = "127.0.0.1"
    port: int = Field(3000, ge=1, le=65535)
    database_url: str = "sqlite:///firstmile.sqlite3"
    dry_run: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    workers: int = Field(8, ge=1, le=1024)
    queue_size: int = Field(1000, ge=1)
    worker: Literal["thread", "process", "inline"] = "thread"
    """Where deliveries are handled: "thread" (default), a worker thread with its own event loop, one process;
    "process", a supervised worker process (lowest ack latency, but ~60 MB more RSS); "inline", the web event loop
    itself (acks then wait behind triage). See bench/README.md for the measurements."""
    max_body_bytes: int = Field(25 * 1024 * 1024, ge=1)
    drain_seconds: float = Field(10.0, ge=0)
    github_timeout: float = Field(10.0, gt=0)
    """Seconds for one GitHub API request before it counts as failed and is retried."""
    github_retry_seconds: float = Field(60.0, ge=0)
    """Total seconds one GitHub API call may spend retrying 5xx, timeouts and rate limits before giving up."""
    github_backoff_seconds: float = Field(0.5, ge=0)
    """The first retry's maximum jittered wait; it doubles with each attempt (capped at 30 s)."""
    max_attempts: int = Field(3, ge=1)
    """How many times a delivery may run before it stays failed."""
    retry_seconds: float = Field(300.0, gt=0)
    """How long after failing a delivery runs again (while it has attempts left); also at each start-up."""
    lease_seconds: float = Field(30.0, gt=0)
    """How long a claim on a delivery lasts unless renewed (every third of it while the work runs): the delay before
    another replica takes over the work of one that died."""
    installation_concurrency: int = Field(16, ge=0)
    """At most this many deliveries of one installation run at once, over all replicas (0: no cap): a flooded or
    rate-limited installation's backlog waits while the workers serve the others."""

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        """Accept `info` as well as `INFO`."""
        return v.upper() if isinstance(v, str) else v

    @field_validator("app_id", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        """Treat `APP_ID=` (empty) as unset, as shells and .env files often do."""
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("github_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        """An http(s) base URL without a trailing slash."""
        if not v.startswith(("https://", "http://")):
            raise ValueError("must start with https:// or http://")
        return v.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        """SQLite (embedded, one server) or PostgreSQL (several replicas on one database)."""
        if v.startswith(("postgresql://", "postgres://")) and len(v.split("://", 1)[1]) > 0:
            return v
        if not v.startswith("sqlite:///") or len(v) == len("sqlite:///"):
            raise ValueError("must look like sqlite:///path/to/file.db (or sqlite:///:memory:) or "
                             "postgresql://user:password@host:5432/database")
        return v

    @model_validator(mode="after")
    def _key_pair(self) -> Settings:
        """APP_ID and a private key come together, and the key must be a readable RSA PEM."""
        pem = self.private_key_pem()
        if self.app_id and pem is None:
            raise SettingsError("PRIVATE_KEY: required when APP_ID is set (or set PRIVATE_KEY_PATH)")
        if pem is not None and not self.app_id:
            raise SettingsError("APP_ID: required when a private key is set")
        if pem is not None:
            try:
                key = load_pem_private_key(pem.encode(), password=None)
            except (ValueError, TypeError):
                key = None
            if not isinstance(key, RSAPrivateKey):
                name = "PRIVATE_KEY" if self.private_key else "PRIVATE_KEY_PATH"
                raise SettingsError(f"{name}: not an unencrypted RSA private key in PEM format")
        return self

    def private_key_pem(self) -> str | None:
        """The App's private key as PEM text, from PRIVATE_KEY (`\\n` escapes allowed) or PRIVATE_KEY_PATH."""
        if self.private_key is not None and self.private_key.get_secret_value().strip():
            return self.private_key.get_secret_value().replace("\\n", "\n")
        if self.private_key_path is not None:
            try:
                return self.private_key_path.read_text()
            except OSError as exc:
                raise SettingsError(f"PRIVATE_KEY_PATH: cannot read {self.private_key_path}: {exc.strerror}") from None
        return None

    @property
    def dry(self) -> bool:
        """True when the bot must not write to GitHub: no App credentials, or DRY_RUN=true."""
        return self.dry_run or not self.app_id

    def secret(self) -> str | None:
        """The webhook secret as plain text, or None."""
        return self.webhook_secret.get_secret_value() if self.webhook_secret else None


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process (the worker) load these same settings."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if value is None:
            env.pop(name.upper(), None)
        else:
            value = value.get_secret_value() if isinstance(value, SecretStr) else value
            env[name.upper()] = str(value).lower() if isinstance(value, bool) else str(value)
    return env


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise SettingsError naming the first bad variable."""
    try:
        return Settings(**overrides)
    except SettingsError:
        raise
    except ValidationError as exc:
        err = exc.errors()[0]
        ctx_err = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_err, SettingsError):
            raise ctx_err from None
        name = ".".join(str(p) for p in err["loc"]).upper() or "settings"
        msg = err["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{name}: {msg}") from None
