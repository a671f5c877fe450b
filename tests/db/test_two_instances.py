"""Two app processes on one PostgreSQL: a result saved through one is read and deleted through
the other, and then both answer 404. This is what running several instances relies on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import delete

from app.db import init_db, make_engine
from app.models import SavedResult
from tests.conftest import postgres_url
from tests.server import Server

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


def log_of(server: Server) -> str:
    """The end of a server's log, for failure messages."""
    return server.log_path.read_text(errors="replace")[-3000:]


@pytest.fixture
def two_instances(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Two processes, one PostgreSQL database; the table is prepared once, as in production."""
    url = postgres_url()
    engine = make_engine(url)
    init_db(engine)
    with engine.begin() as conn:
        conn.execute(delete(SavedResult))
    engine.dispose()
    # tests.server.Server gives every process the same secret key, as production must.
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            started.append(Server(url, tmp_path / f"{name}.log").start())
        yield started[0], started[1]
    finally:
        for instance in started:
            instance.stop()


@pytest.mark.postgres
def test_saved_through_one_read_and_deleted_through_the_other(
    two_instances: tuple[Server, Server],
) -> None:
    a, b = two_instances
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        saved = client.post(f"{a.url}/en/r", content=urlencode(ANSWERS), headers=FORM)
        assert saved.status_code == 303, log_of(a)
        location = saved.headers["location"]
        assert location.startswith("/en/r/")
        token = location.rsplit("/", 1)[1]

        opened = client.get(f"{b.url}{location}")
        assert opened.status_code == 200, log_of(b)
        assert token in opened.text, "the other instance shows the saved result with its link"
        assert client.get(f"{a.url}/nl{location[3:]}").status_code == 200

        deleted = client.post(f"{b.url}{location}/delete", content="", headers=FORM)
        assert deleted.status_code == 303, log_of(b)

        for instance in (a, b):
            gone = client.get(f"{instance.url}{location}")
            assert gone.status_code == 404, f"{instance.url} still shows a deleted result"
