"""The save writer, on SQLite and PostgreSQL alike: saves waiting together share one commit,
each is answered only after that commit, a failed commit fails every save in it, and stopping
writes or fails what is waiting, never dropping a save silently."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select

from app import saved_results
from app.db import init_db, make_engine
from app.main import create_app
from app.models import SavedResult
from app.settings import Settings
from app.writer import SaveWriter
from tests import aio
from tests.conftest import ROOT

TODAY = date(2026, 11, 28)
ANSWERS = {"municipality": ["GM0363"], "needs": ["debts"], "stage": ["want_to_stop"]}
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
T = TypeVar("T")


def sealed(n: int) -> list[saved_results.Sealed]:
    """`n` results, encrypted and ready to write."""
    return [saved_results.seal(answers=ANSWERS, lang="en", today=TODAY, days=30) for _ in range(n)]


def rows_in(engine: Engine) -> int:
    """How many saved results the table holds."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(SavedResult)).scalar_one())


def readable(engine: Engine, token: str) -> bool:
    """Whether the token opens its saved result."""
    return saved_results.get(engine=engine, token=token, today=TODAY) is not None


def commits_on(engine: Engine) -> list[int]:
    """A list that grows by one for every transaction committed on `engine`."""
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    return commits


@contextmanager
def first_transaction_held(engine: Engine) -> Iterator[tuple[threading.Event, threading.Event]]:
    """The first transaction on `engine` waits at its start until `release` is set.

    Yields (started, release): while it waits, saves queue up behind it, as they do in
    production while one fsync runs.
    """
    started, release = threading.Event(), threading.Event()

    def hold(_conn: Any) -> None:
        if not started.is_set():
            started.set()
            release.wait(30)

    event.listen(engine, "begin", hold)
    try:
        yield started, release
    finally:
        release.set()
        event.remove(engine, "begin", hold)


async def until(flag: threading.Event) -> None:
    """Wait (without blocking the loop) until another thread sets `flag`."""
    while not flag.is_set():
        await asyncio.sleep(0.005)


async def outcome(save: Awaitable[None]) -> str:
    """'saved' or 'not saved', as the save route would tell her."""
    try:
        await save
    except saved_results.StoreUnavailable:
        return "not saved"
    return "saved"


def run(coro: Awaitable[T]) -> T:
    """Run one scenario on a fresh event loop."""
    return aio.run(coro)  # type: ignore[arg-type]


def test_many_concurrent_saves_get_distinct_tokens_and_all_read_back(engine: Engine) -> None:
    results = sealed(300)

    async def scenario() -> list[str]:
        writer = SaveWriter()
        writer.start()
        outcomes = await asyncio.gather(*(outcome(writer.save(engine, r.row)) for r in results))
        await writer.stop()
        return outcomes

    assert run(scenario()) == ["saved"] * 300
    tokens = {r.token for r in results}
    assert len(tokens) == 300
    assert rows_in(engine) == 300
    assert all(readable(engine, token) for token in tokens)


async def queue_while_the_first_commits(
    engine: Engine,
    writer: SaveWriter,
    results: list[saved_results.Sealed],
    started: threading.Event,
) -> list[asyncio.Future[str]]:
    """Save the first result, and the others once its transaction has begun; their outcomes."""
    saves = [asyncio.ensure_future(outcome(writer.save(engine, results[0].row)))]
    await until(started)
    saves += [asyncio.ensure_future(outcome(writer.save(engine, r.row))) for r in results[1:]]
    await asyncio.sleep(0.05)  # let every waiting save reach the queue
    return saves


async def save_while_the_first_commits(engine: Engine, writer: SaveWriter, count: int) -> list[str]:
    """One save, then `count - 1` more while its transaction is held open; their outcomes."""
    writer.start()
    with first_transaction_held(engine) as (started, release):
        saves = await queue_while_the_first_commits(engine, writer, sealed(count), started)
        release.set()
        outcomes = await asyncio.gather(*saves)
    await writer.stop()
    return outcomes


def test_saves_that_arrive_during_a_commit_share_the_next_commit(engine: Engine) -> None:
    commits = commits_on(engine)
    outcomes = run(save_while_the_first_commits(engine, SaveWriter(max_batch=256), 51))
    assert outcomes == ["saved"] * 51
    assert len(commits) == 2, "one commit for the first save, one for the fifty behind it"
    assert rows_in(engine) == 51


def test_a_batch_larger_than_the_cap_is_split(engine: Engine) -> None:
    commits = commits_on(engine)
    outcomes = run(save_while_the_first_commits(engine, SaveWriter(max_batch=10), 26))
    assert outcomes == ["saved"] * 26
    assert len(commits) == 1 + 3, "the first save alone, then 25 waiting saves as 10 + 10 + 5"


def test_a_failed_batch_fails_every_save_in_it_and_the_writer_keeps_working(
    engine: Engine,
) -> None:
    first, *batch = sealed(5)
    # The same row twice in one batch: the database refuses the second, so the whole
    # transaction is rolled back, the saves before it in the batch included.
    clash = batch[0].row
    later = sealed(3)

    async def scenario() -> tuple[str, list[str], list[str]]:
        writer = SaveWriter()
        writer.start()
        with first_transaction_held(engine) as (started, release):
            head = asyncio.ensure_future(outcome(writer.save(engine, first.row)))
            await until(started)
            failing = [
                asyncio.ensure_future(outcome(writer.save(engine, row)))
                for row in [*(r.row for r in batch), clash]
            ]
            await asyncio.sleep(0.05)
            release.set()
            failed = await asyncio.gather(*failing)
        after = await asyncio.gather(*(outcome(writer.save(engine, r.row)) for r in later))
        await writer.stop()
        return await head, failed, after

    head, failed, after = run(scenario())
    assert head == "saved"
    assert failed == ["not saved"] * 5, "every save in the failed batch hears it failed"
    assert after == ["saved"] * 3, "the next saves are written"
    assert readable(engine, first.token)
    assert not any(readable(engine, r.token) for r in batch), "nothing of the failed batch"
    assert all(readable(engine, r.token) for r in later)


def test_saves_work_again_once_the_database_is_back(tmp_path: Path) -> None:
    # A database without its table (not yet initialised, or restored empty) stands in for
    # one that is down: saves fail honestly, then succeed without a restart of the writer.
    engine = make_engine(f"sqlite:///{tmp_path / 'late.db'}")
    before, after = sealed(3), sealed(3)

    async def scenario() -> tuple[list[str], list[str]]:
        writer = SaveWriter()
        writer.start()
        down = await asyncio.gather(*(outcome(writer.save(engine, r.row)) for r in before))
        await asyncio.to_thread(init_db, engine)
        up = await asyncio.gather(*(outcome(writer.save(engine, r.row)) for r in after))
        await writer.stop()
        return down, up

    down, up = run(scenario())
    assert down == ["not saved"] * 3
    assert up == ["saved"] * 3
    assert all(readable(engine, r.token) for r in after)
    engine.dispose()


def test_stopping_writes_every_save_already_waiting(engine: Engine) -> None:
    results = sealed(40)

    async def scenario() -> tuple[list[str], str]:
        writer = SaveWriter()
        writer.start()
        with first_transaction_held(engine) as (started, release):
            saves = await queue_while_the_first_commits(engine, writer, results, started)
            stopping = asyncio.ensure_future(writer.stop())
            await asyncio.sleep(0.05)
            release.set()
            await stopping
        too_late = await outcome(writer.save(engine, sealed(1)[0].row))
        return await asyncio.gather(*saves), too_late

    outcomes, too_late = run(scenario())
    assert outcomes == ["saved"] * 40
    assert all(readable(engine, r.token) for r in results)
    assert too_late == "not saved", "a save after shutdown began is refused, not queued"
    assert rows_in(engine) == 40


def test_stopping_fails_the_saves_a_hung_database_never_confirmed(engine: Engine) -> None:
    results = sealed(10)

    async def scenario() -> list[str]:
        writer = SaveWriter(stop_timeout=0.2)
        writer.start()
        with first_transaction_held(engine) as (started, release):
            saves = await queue_while_the_first_commits(engine, writer, results, started)
            await writer.stop()  # the database still hangs when the writer gives up
            outcomes = await asyncio.gather(*saves)
            release.set()
        while writer.running:  # let the thread end before the next test empties the table
            await asyncio.sleep(0.01)
        return outcomes

    assert run(scenario()) == ["not saved"] * 10, "each waiting save hears it was not saved"


def test_concurrent_saves_through_the_site_all_open(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    init_db(engine)
    engine.dispose()
    settings = Settings(
        database_url=database_url,
        data_dir=ROOT / "data",
        secret_key="test-secret-key-that-is-long-enough",
        rate_limit_enabled=False,
    )
    answers = ["stage=stopped&needs=work", "needs=debts&debts_level=problematic", "stage=thinking"]
    with TestClient(create_app(settings), follow_redirects=False) as client:

        def save(i: int) -> str:
            response = client.post("/en/r", content=answers[i % 3], headers=FORM)
            assert response.status_code == 303
            return str(response.headers["location"])

        with ThreadPoolExecutor(max_workers=16) as pool:
            locations = list(pool.map(save, range(64)))
        assert len(set(locations)) == 64
        assert all(client.get(location).status_code == 200 for location in locations)
