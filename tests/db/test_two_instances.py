"""Two app processes on one PostgreSQL: a result saved through one is read and deleted through
the other, and then both answer 404. This is what running several instances relies on."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import delete

from app.db import init_db, make_engine
from app.models import SavedResult
from tests.conftest import ROOT, postgres_url

SECRET = "two-instances-share-this-secret-key-0123456789"
ANSWERS = [
    ("municipality", "GM0363"),
    ("age_group", "18_plus"),
    ("languages", "nl"),
    ("languages", "en"),
    ("stage", "want_to_stop"),
    ("needs", "housing"),
    ("needs", "debts"),
    ("danger_now", "no"),
]
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Instance:
    """One uvicorn process serving the app, stopped by its own pid."""

    def __init__(self, name: str, database_url: str, log_dir: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "VERDER_SECRET_KEY": SECRET,
            "VERDER_HSTS_MAX_AGE": "0",
            "VERDER_DATA_DIR": str(ROOT / "data"),
        }
        self.proc = subprocess.Popen(
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
                "--log-config",
                "app/log_config.json",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"instance on port {self.port} exited:\n{self.log()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.05)
        pytest.fail(f"instance on port {self.port} did not become healthy:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture
def two_instances(tmp_path: Path) -> Iterator[tuple[Instance, Instance]]:
    """Two processes, one PostgreSQL database; the table is prepared once, as in production."""
    url = postgres_url()
    engine = make_engine(url)
    init_db(engine)
    with engine.begin() as conn:
        conn.execute(delete(SavedResult))
    engine.dispose()
    started: list[Instance] = []
    try:
        started.append(Instance("a", url, tmp_path))
        started.append(Instance("b", url, tmp_path))
        deadline = time.monotonic() + 60
        for instance in started:
            instance.wait_ready(deadline)
        yield started[0], started[1]
    finally:
        for instance in started:
            instance.stop()


@pytest.mark.postgres
def test_saved_through_one_read_and_deleted_through_the_other(
    two_instances: tuple[Instance, Instance],
) -> None:
    a, b = two_instances
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        saved = client.post(f"{a.base}/en/r", content=urlencode(ANSWERS), headers=FORM)
        assert saved.status_code == 303, a.log()
        location = saved.headers["location"]
        assert location.startswith("/en/r/")
        token = location.rsplit("/", 1)[1]

        opened = client.get(f"{b.base}{location}")
        assert opened.status_code == 200, b.log()
        assert token in opened.text, "the other instance shows the saved result with its link"
        assert client.get(f"{a.base}/nl{location[3:]}").status_code == 200

        deleted = client.post(f"{b.base}{location}/delete", content="", headers=FORM)
        assert deleted.status_code == 303, b.log()

        for instance in (a, b):
            gone = client.get(f"{instance.base}{location}")
            assert gone.status_code == 404, f"{instance.base} still shows a deleted result"
