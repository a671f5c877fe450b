"""Start the real app in a uvicorn subprocess on a free loopback port, for process-level tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# Environment variables the app reads as settings.
_SETTINGS = ("VERDER_", "DATABASE_URL", "RATE_LIMIT_")


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One uvicorn process; `start()` waits until /healthz answers, `kill()` is kill -9."""

    def __init__(
        self, database_url: str, log_path: Path, *, start_seconds: float = 20, **env: str
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.start_seconds = start_seconds
        # The developer's own settings must not leak into the server under test.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(_SETTINGS)}
        self.env = {
            **inherited,
            "DATABASE_URL": database_url,
            "VERDER_SECRET_KEY": "process-test-secret-key-long-enough",
            "VERDER_HSTS_MAX_AGE": "0",
            "RATE_LIMIT_ENABLED": "false",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        """Start and wait (up to `start_seconds`) for the health check."""
        self._log = log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--no-server-header",
                "--log-config",
                "app/log_config.json",
                "--timeout-graceful-shutdown",
                "10",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(
            f"server did not become healthy in {self.start_seconds:g} s: "
            f"{self.log_path.read_text()[-2000:]}"
        )

    def kill(self) -> None:
        """kill -9: no chance to flush or clean up."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def terminate(self) -> int:
        """SIGTERM and wait for a graceful exit; return the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=20)
        self._log.close()
        return code

    def stop(self) -> None:
        """Make sure the process is gone and its log closed."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process is not None:
            self._log.close()
