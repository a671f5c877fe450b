"""The saved-result store, on SQLite and PostgreSQL alike: encrypted, hashed, expiring."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app import saved_results
from app.db import init_db, make_engine
from app.models import SavedResult
from tests import aio
from tests.conftest import postgres_url

TODAY = date(2026, 11, 28)
ANSWERS = {"municipality": ["GM0363"], "needs": ["debts", "housing"], "stage": ["must_stop"]}


def save(engine: Engine, today: date = TODAY, days: int = 30) -> str:
    """Save the test answers and return the token."""
    token, _ = saved_results.create(
        engine=engine, answers=ANSWERS, lang="th", today=today, days=days
    )
    return token


def test_a_saved_result_reads_back_with_its_language_and_expiry(engine: Engine) -> None:
    token = save(engine)
    saved = saved_results.get(engine=engine, token=token, today=TODAY)
    assert saved is not None
    assert saved.answers == ANSWERS
    assert saved.lang == "th"
    assert saved.expires_on == TODAY + timedelta(days=30)


def test_tokens_are_long_random_and_unique(engine: Engine) -> None:
    tokens = {save(engine) for _ in range(20)}
    assert len(tokens) == 20
    assert all(saved_results.TOKEN_PATTERN.match(t) for t in tokens)
    # 43 base64url characters carry 256 bits; the issue asks for at least 128.
    assert all(len(t) * 6 >= 256 for t in tokens)


def test_the_database_holds_neither_token_nor_answers(engine: Engine) -> None:
    token = save(engine)
    with Session(engine) as session:
        row = session.exec(select(SavedResult)).scalars().one()  # type: ignore[call-overload]
        assert row.token_hash != token
        assert row.token_hash == saved_results.token_hash(token)
        stored = row.ciphertext + row.nonce + row.token_hash.encode()
        for secret in (token, "GM0363", "debts", "must_stop", "th"):
            assert secret.encode() not in stored
        assert row.created_on == TODAY, "only the day, never a finer time"


def test_a_wrong_token_of_the_right_shape_finds_nothing(engine: Engine) -> None:
    save(engine)
    assert saved_results.get(engine=engine, token="A" * 43, today=TODAY) is None


def test_a_result_lives_until_its_last_day_and_not_after(engine: Engine) -> None:
    token = save(engine, days=30)
    last_day = TODAY + timedelta(days=30)
    assert saved_results.get(engine=engine, token=token, today=last_day) is not None
    assert saved_results.get(engine=engine, token=token, today=last_day + timedelta(days=1)) is None


def test_the_purge_removes_only_expired_results(engine: Engine) -> None:
    old = save(engine, today=TODAY - timedelta(days=40))
    fresh = save(engine)
    assert saved_results.delete_expired(engine=engine, today=TODAY) == 1
    with Session(engine) as session:
        remaining = session.execute(text("SELECT count(*) FROM saved_result")).scalar_one()
    assert remaining == 1
    assert saved_results.get(engine=engine, token=fresh, today=TODAY) is not None
    assert saved_results.get(engine=engine, token=old, today=TODAY - timedelta(days=20)) is None


def test_delete_removes_the_row_at_once(engine: Engine) -> None:
    token = save(engine)
    saved_results.delete_one(engine=engine, token=token)
    assert saved_results.get(engine=engine, token=token, today=TODAY) is None
    with Session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM saved_result")).scalar_one() == 0


@pytest.mark.parametrize("token", ["", "x", "A" * 44, "../../etc", "' OR 1=1 --"])
def test_malformed_tokens_find_nothing_and_delete_nothing(engine: Engine, token: str) -> None:
    assert saved_results.get(engine=engine, token=token, today=TODAY) is None
    saved_results.delete_one(engine=engine, token=token)


def test_a_save_to_an_unreachable_database_says_so() -> None:
    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(saved_results.StoreUnavailable):
        saved_results.create(engine=broken, answers=ANSWERS, lang="nl", today=TODAY, days=30)


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    engine.dispose()


def read_on_loop(engine: Engine, token: str) -> saved_results.Saved | None:
    """saved_results.read() as the event loop runs it."""
    return aio.run(saved_results.read(engine=engine, token=token, today=TODAY))


def threads_of_get(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The thread of every call to saved_results.get() from now on (the engine's way)."""
    threads: list[int] = []
    real_get = saved_results.get

    def get(**kwargs: Any) -> saved_results.Saved | None:
        threads.append(threading.get_ident())
        return real_get(**kwargs)

    monkeypatch.setattr(saved_results, "get", get)
    return threads


def test_reading_from_the_event_loop_finds_what_get_finds(engine: Engine) -> None:
    token = save(engine)
    expired = save(engine, today=TODAY - timedelta(days=40))

    assert read_on_loop(engine, token) == saved_results.get(engine=engine, token=token, today=TODAY)
    assert read_on_loop(engine, token) is not None
    for nothing in (expired, "A" * 43, "", "' OR 1=1 --"):
        assert read_on_loop(engine, nothing) is None


def test_a_busy_sqlite_is_waited_for_in_a_worker_thread_not_on_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    init_db(engine)
    token = save(engine)
    engine.dispose()  # so that no pooled connection stands in the way of the lock below
    # Another process holding SQLite's exclusive lock: even a WAL reader must wait.
    holder = sqlite3.connect(tmp_path / "v.db", isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("DELETE FROM saved_result WHERE 0")
    release = threading.Timer(0.3, lambda: (holder.execute("COMMIT"), holder.close()))
    waited_in = threads_of_get(monkeypatch)

    async def read() -> tuple[saved_results.Saved | None, int]:
        release.start()
        found = await saved_results.read(engine=engine, token=token, today=TODAY)
        return found, threading.get_ident()

    found, loop_thread = aio.run(read())
    assert found is not None and found.answers == ANSWERS
    assert waited_in and waited_in[0] != loop_thread, "waited for in a worker thread"
    engine.dispose()


def test_reading_on_the_event_loop_sees_every_save_and_delete_at_once(engine: Engine) -> None:
    first = save(engine)
    assert read_on_loop(engine, first) is not None
    # Saved and deleted through the engine's other connections after the first read: no
    # earlier snapshot may hide either.
    second = save(engine)
    assert read_on_loop(engine, second) is not None
    saved_results.delete_one(engine=engine, token=first)
    assert read_on_loop(engine, first) is None


def test_reading_after_the_engine_was_disposed_still_works(engine: Engine) -> None:
    token = save(engine)
    assert read_on_loop(engine, token) is not None
    engine.dispose()
    assert read_on_loop(engine, token) is not None


def test_a_sqlite_database_given_as_a_uri_is_read_through_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///file:{tmp_path / 'v.db'}?mode=rwc&uri=true")
    init_db(engine)
    token = save(engine)
    through_engine = threads_of_get(monkeypatch)
    # URI options are the engine's to interpret (they may even name an in-memory database).
    assert read_on_loop(engine, token) is not None
    assert len(through_engine) == 1
    engine.dispose()


def test_reads_of_a_database_file_or_server_stay_on_the_event_loop(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = [save(engine) for _ in range(30)]
    through_engine = threads_of_get(monkeypatch)

    async def read_all() -> list[saved_results.Saved | None]:
        # All at once, as 64 connections would: they share one reader.
        reads = (saved_results.read(engine=engine, token=t, today=TODAY) for t in tokens)
        return await asyncio.gather(*reads)

    found = aio.run(read_all())
    assert [saved.answers if saved else None for saved in found] == [ANSWERS] * len(tokens)
    assert through_engine == [], "no read needed a worker thread"


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on the test PostgreSQL with the table ready; disposed of afterwards."""
    engine = make_engine(postgres_url())
    init_db(engine)
    yield engine
    engine.dispose()


def wait_for_other_backends(counter: Engine, expected: int) -> int:
    """How many other sessions the server has on this database, once it is `expected`.

    A backend leaves pg_stat_activity a moment after its client closed the connection, so the
    count is read again for up to five seconds.
    """
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + 5
    while True:
        with counter.connect() as conn:
            found = int(conn.execute(query).scalar_one())
        if found == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_a_cut_postgresql_connection_costs_one_read_through_the_engine_then_reopens(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = save(pg_engine)
    through_engine = threads_of_get(monkeypatch)

    async def read_cut_read() -> list[saved_results.Saved | None]:
        first = await saved_results.read(engine=pg_engine, token=token, today=TODAY)
        with pg_engine.begin() as conn:  # the server ends every other session, as on a restart
            conn.execute(
                text(
                    # With a timeout, pg_terminate_backend waits until the session has ended.
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        second = await saved_results.read(engine=pg_engine, token=token, today=TODAY)
        third = await saved_results.read(engine=pg_engine, token=token, today=TODAY)
        return [first, second, third]

    found = aio.run(read_cut_read())
    assert [saved.answers if saved else None for saved in found] == [ANSWERS] * 3
    assert len(through_engine) == 1, "only the read that met the cut went through the engine"


def test_disposing_of_a_postgresql_engine_closes_its_reader_too(pg_engine: Engine) -> None:
    token = save(pg_engine)
    counter = make_engine(postgres_url())
    try:
        pg_engine.dispose()
        assert wait_for_other_backends(counter, 0) == 0
        assert read_on_loop(pg_engine, token) is not None
        assert wait_for_other_backends(counter, 1) == 1, "the reader's own connection"
        pg_engine.dispose()
        assert wait_for_other_backends(counter, 0) == 0
    finally:
        counter.dispose()


def test_reading_from_an_unreachable_postgresql_fails_as_the_engine_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    through_engine = threads_of_get(monkeypatch)
    with pytest.raises(OperationalError):
        read_on_loop(broken, "A" * 43)
    assert len(through_engine) == 1, "tried inline first, then through the engine"
