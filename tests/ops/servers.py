"""Processes the operations tests start: cyplan commands and gunicorn, on 127.0.0.1 only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
HOST = "cyplan.example.gov.uk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(folder: Path, **extra: str) -> dict[str, str]:
    """A production environment with its data (a SQLite file) in ``folder``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CYPLAN_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        CYPLAN_ENV="production",
        DJANGO_SECRET_KEY="a-test-secret-key-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{folder / 'cyplan.sqlite3'}",
        CYPLAN_DATA_DIR=str(folder),
        CYPLAN_PSEUDONYMISATION_KEY="0" * 64,
        CYPLAN_SAFEGUARDING_EMAIL="safeguarding@example.invalid",
        CYPLAN_CLIENT_IP_HEADER="X-Forwarded-For",
        CYPLAN_BACKUP_KEY="1" * 64,
    )
    env.update(extra)
    return env


def cyplan(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "cyplan"), *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port} within {timeout} s")


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2, threads: int = 1, timeout: float = 30):
    """gunicorn serving cyplan on 127.0.0.1 (a free port), stopped afterwards; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "cyplan.site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, process, timeout)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
