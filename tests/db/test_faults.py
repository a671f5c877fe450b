"""A database that is read-only, full or gone: saving says so honestly, the rest keeps working."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError

from app import db, main
from app.db import init_db, make_engine
from tests.pages import parse_page

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}


def read_only(tmp_path: Path) -> Engine:
    """A SQLite database opened read-only."""
    path = tmp_path / "ro.db"
    init_db(make_engine(f"sqlite:///{path}"))
    return make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")


def full(tmp_path: Path) -> Engine:
    """A SQLite database that has no room for one more row."""
    engine = make_engine(f"sqlite:///{tmp_path / 'full.db'}")
    init_db(engine)
    engine.dispose()  # new connections from here on get the cap below

    @event.listens_for(engine, "connect")
    def _cap(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    row = text("INSERT INTO saved_result VALUES (:h, :n, :c, '2026-01-01', '2026-02-01')")
    # Big rows in big steps first, then tiny rows one by one into the last free bytes.
    for batch, size in ((100, 300), (1, 1)):
        while True:
            try:
                with engine.begin() as conn:
                    for _ in range(batch):
                        values = {"h": secrets.token_hex(32), "n": b"n" * 12, "c": b"c" * size}
                        conn.execute(row, values)
            except OperationalError as exc:
                assert "full" in str(exc)
                break
    return engine


def gone(tmp_path: Path) -> Engine:
    """A PostgreSQL server that does not answer."""
    return make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")


@pytest.fixture(params=[read_only, full, gone], ids=["read-only", "full", "unreachable"])
def broken_client(
    request: pytest.FixtureRequest, app: FastAPI, tmp_path: Path
) -> Iterator[TestClient]:
    """A client whose app has lost its database in one of three ways."""
    with TestClient(app, follow_redirects=False) as client:
        app.state.services.engine = request.param(tmp_path)
        yield client


def test_saving_says_honestly_that_nothing_was_saved(broken_client: TestClient) -> None:
    response = broken_client.post(
        "/nl/r", content="municipality=GM0344&stage=stopped&needs=work", headers=FORM
    )
    soup = parse_page(response, lang="nl", status=503)
    assert soup.select_one(".notice--error") is not None
    assert soup.select(".option"), "her result stays on the page"
    assert "/nl/r/" not in response.text, "no link is shown"


def test_the_questionnaire_and_results_still_work(broken_client: TestClient) -> None:
    assert broken_client.get("/th/check").status_code == 200
    result = broken_client.post("/th/check", content="stage=stopped", headers=FORM)
    assert result.status_code == 200
    assert broken_client.post("/api/v1/match", json={"answers": {}}).status_code == 200


def test_health_says_when_the_database_does_not_answer(app: FastAPI, tmp_path: Path) -> None:
    with TestClient(app) as client:
        app.state.services.engine = gone(tmp_path)
        assert client.get("/healthz").status_code == 503


def test_a_database_that_starts_late_is_prepared_without_a_restart(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_init_db = db.init_db
    down = threading.Event()
    down.set()

    def init_db_while_down(engine: Engine) -> None:
        if down.is_set():
            raise OperationalError("CREATE TABLE", {}, ConnectionRefusedError("secret detail"))
        real_init_db(engine)

    monkeypatch.setattr(db, "init_db", init_db_while_down)
    monkeypatch.setattr(main, "DB_RETRY_FIRST_S", 0.02)
    monkeypatch.setattr(main, "DB_RETRY_MAX_S", 0.05)
    body = "municipality=GM0344&stage=stopped&needs=work"
    with (
        caplog.at_level(logging.INFO, logger="verder"),
        TestClient(app, follow_redirects=False) as client,
    ):
        assert client.get("/nl/check").status_code == 200, "the site serves meanwhile"
        assert client.post("/nl/r", content=body, headers=FORM).status_code == 503
        down.clear()  # the database is up now; the app must notice by itself
        deadline = time.monotonic() + 10
        while (saved := client.post("/nl/r", content=body, headers=FORM)).status_code != 303:
            assert saved.status_code == 503
            assert time.monotonic() < deadline, "saving never started to work"
            time.sleep(0.02)
        assert client.get(saved.headers["location"]).status_code == 200
    messages = [r.getMessage() for r in caplog.records if r.name == "verder"]
    assert "database not ready: OperationalError" in messages
    assert messages.count("database ready") == 1, "it stops trying once the tables exist"
    assert not any("secret detail" in m for m in messages)
