"""The saved-result store, on SQLite and PostgreSQL alike: encrypted, hashed, expiring."""

from __future__ import annotations

import sqlite3
import threading
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

TODAY = date(2026, 11, 28)
ANSWERS = {"municipality": ["GM0363"], "needs": ["debts", "housing"], "stage": ["must_stop"]}


def save(engine: Engine, today: date = TODAY, days: int = 30) -> str:
    """Save the test answers and return the token."""
    sealed = saved_results.create(engine=engine, answers=ANSWERS, lang="th", today=today, days=days)
    return sealed.token


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


def test_reading_from_an_unreachable_postgresql_fails_as_the_engine_does() -> None:
    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with pytest.raises(OperationalError):
        read_on_loop(broken, "A" * 43)
