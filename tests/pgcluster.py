"""A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries, a temp cluster on a free loopback port.

PostgreSQL refuses to run as root, so under root (CI) the cluster belongs to the unprivileged `postgres` account
that Debian's package creates, and its commands run through `runuser`. Nothing here is a mock.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass


def bindir() -> str | None:
    """The directory of initdb/pg_ctl (the newest Debian version, else PATH), or None if PostgreSQL is missing."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """A running temp cluster; `url(db)` is a DATABASE_URL for one of its databases."""

    directory: str
    port: int
    bindir: str
    user: str = "firstmile"

    def url(self, database: str = "postgres", **params: str) -> str:
        """postgresql://firstmile@127.0.0.1:PORT/DATABASE[?params]."""
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}" + (f"?{query}" if query else "")

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL through psql (tab-separated, unaligned output)."""
        return subprocess.run([os.path.join(self.bindir, "psql"), "-X", "-qAt", "-v", "ON_ERROR_STOP=1",
                               self.url(database), "-c", sql], check=True, capture_output=True, text=True).stdout

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete the cluster."""
        _run(_as_owner([os.path.join(self.bindir, "pg_ctl"), "-D", self.directory, "-m", "fast", "-w", "stop"]),
             check=False)
        shutil.rmtree(self.directory, ignore_errors=True)


def _as_owner(argv: list[str]) -> list[str]:
    """argv run as the cluster's owner: ourselves, or `postgres` when we are root."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _run(argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
    """Run a command quietly; its output is in the error when it fails."""
    done = subprocess.run(argv, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    return done


def start(max_connections: int = 200, durable: bool = False) -> Cluster:
    """initdb a cluster in a temp directory and start it on a free loopback port; trust auth, user `firstmile`.

    Not durable by default (fsync off): a test cluster that a crash of the machine may lose."""
    where = bindir()
    if where is None:
        raise FileNotFoundError("PostgreSQL server binaries not found (apt-get install postgresql; .ci/run does)")
    directory = tempfile.mkdtemp(prefix="firstmile-pg-")
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    _run(_as_owner([os.path.join(where, "initdb"), "-D", directory, "-U", "firstmile", "--auth=trust",
                    "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]))
    settings = [f"listen_addresses='127.0.0.1'", f"unix_socket_directories='{directory}'",
                f"max_connections={max_connections}", "shared_buffers=64MB", "log_min_messages=warning"]
    if not durable:
        settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
    with open(os.path.join(directory, "postgresql.auto.conf"), "a", encoding="utf-8") as conf:
        conf.write("\n".join(settings) + "\n")
    for attempt in range(5):  # another process may take the free port between the look and the start
        port = free_port()
        done = _run(_as_owner([os.path.join(where, "pg_ctl"), "-D", directory, "-o", f"-p {port}", "-l",
                               os.path.join(directory, "server.log"), "-w", "-t", "60", "start"]), check=False)
        if done.returncode == 0:
            cluster = Cluster(directory, port, where)
            _wait_ready(cluster)
            return cluster
        time.sleep(0.2)
    log = open(os.path.join(directory, "server.log"), encoding="utf-8", errors="replace").read()[-2000:]
    shutil.rmtree(directory, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL did not start: {log}")


def _wait_ready(cluster: Cluster, timeout: float = 30.0) -> None:
    """Until the server accepts connections on its TCP port."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if _run([os.path.join(cluster.bindir, "pg_isready"), "-h", "127.0.0.1", "-p", str(cluster.port)],
                check=False).returncode == 0:
            return
        time.sleep(0.1)
    raise TimeoutError("PostgreSQL is not accepting connections")
